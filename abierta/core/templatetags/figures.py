"""Numbers as a reader expects them: no trailing zeros, the language's decimal mark, pesos."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


def plain_number(value: Any) -> str:
    """31.5000 → "31,5" in Spanish, "31.5" in English; integers with thousands grouping."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    number = number.normalize()
    exponent = number.as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    return number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)


@register.filter
def num(value: Any) -> str:
    return plain_number(value)


@register.filter
def cop(value: Any) -> str:
    """A peso amount, without cents: "$ 1.250.000.000"."""
    if value is None or value == "":
        return ""
    return "$ " + number_format(Decimal(value).quantize(Decimal(1)), decimal_pos=0, use_l10n=True, force_grouping=True)


@register.filter
def step5(percent: Any) -> int:
    """The percentage rounded down to a multiple of 5, for CSS classes."""
    return int(percent) // 5 * 5 if percent is not None else 0
