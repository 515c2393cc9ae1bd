"""Numbers as Colombians write them, and as spreadsheets and datos.gov.co store them: the one parser.

Every importer reads numbers with :func:`parse_number` (docs/decisions/0013-colombian-numbers.md
says why the rules are these). It returns a :class:`~decimal.Decimal`, or None when the value is
blank or is not a number; the caller decides whether a blank is allowed, whether a negative is, and
what to tell the user.

The rules, in order:

- Numbers the file already stores as numbers (an ``int``, ``Decimal`` or ``float`` from a
  spreadsheet or JSON) are taken as they are; a ``float`` by its shortest representation
  (``93332638.67``, not its binary expansion). Booleans, NaN and infinities are not numbers.
- Text loses its spaces (also non-breaking ones), a ``$`` sign and a ``COP`` mark: ``$ 1.234.567``
  and ``COP 1.234.567`` are 1234567. A leading ``-`` or ``+`` is kept (``-$ 1.000`` too).
- Plain digits, with at most a decimal point, are read as written: ``89662254``, ``1234.5``
  (datos.gov.co exports values this way). ``1500.000`` is 1500: a group of thousands has at most
  three digits before it.
- With both separators, the last one is the decimal separator and the other one must group
  thousands in threes: ``1.234.567,89`` and ``1,234,567.89`` are both 1234567.89.
- The same separator twice or more groups thousands: ``1.234.567`` and ``1,234,567`` are 1234567
  (``1.23.4`` is not a number).
- One separator alone is the ambiguous case, and the kind of number decides it:

  - **money** (``money=True``: pesos, which have no thousandths): when exactly three digits follow
    it and it groups correctly, it separates thousands, so ``250.000`` and ``250,000`` are 250000;
    otherwise it is the decimal separator, so ``1.5``, ``1,5`` and ``1500,75`` have decimals;
  - **measures** (percentages, indicator values, weights, years): a comma is the Colombian decimal
    comma and a dot a decimal point, so ``12,5`` is 12.5 and ``1,234`` and ``1.234`` are 1.234.

- Anything else (letters, ``45%``, exponents such as ``1e6``, brackets for negatives) is not a number.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

_DROPPED = re.compile(r"[\s\u00a0\u202f$]")
_CURRENCY = re.compile(r"^([+-]?)cop|cop$", re.IGNORECASE)
_PLAIN = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_DIGITS = re.compile(r"^[+-]?\d+$")
_GROUPED = {sep: re.compile(r"^[+-]?\d{1,3}(?:" + re.escape(sep) + r"\d{3})+$") for sep in ".,"}


def is_blank(value: Any) -> bool:
    """True for a missing cell: None, or text with nothing but spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def parse_number(value: Any, *, money: bool = False) -> Decimal | None:
    """The number in ``value``, or None when it is blank or not a number. See the module docstring."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, float):
        return Decimal(repr(value)) if value == value and abs(value) != float("inf") else None
    if value is None:
        return None
    text = _CURRENCY.sub(r"\1", _DROPPED.sub("", str(value)))
    if not text:
        return None
    return _read(text, money=money)


def _read(text: str, *, money: bool) -> Decimal | None:
    if _PLAIN.match(text) and not (money and _GROUPED["."].match(text)):
        return _decimal(text)
    integer, fraction = text, ""
    if "," in text and "." in text:
        decimal_sep = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal_sep == "," else ","
        integer, _sep, fraction = text.rpartition(decimal_sep)
        if not _GROUPED[thousands].match(integer):
            return None
        integer = integer.replace(thousands, "")
    else:
        sep = "," if "," in text else "."
        if text.count(sep) > 1 or (money and _GROUPED[sep].match(text)):
            if not _GROUPED[sep].match(text):
                return None
            integer = text.replace(sep, "")
        elif sep in text:
            integer, _sep, fraction = text.partition(sep)
    if not _DIGITS.match(integer) or (fraction and not fraction.isdigit()):
        return None
    return _decimal(f"{integer}.{fraction}" if fraction else integer)


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the patterns above admit only digits
        return None
