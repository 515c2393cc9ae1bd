"""Plain text typed into public content: no control characters.

A name or a title is one line: it goes into page titles, CSV cells and email subjects, where a line
break either breaks the header (Django then refuses the whole message) or starts a new one. So a
one-line field refuses every C0 control character (tab, CR and LF included), DEL, the C1 controls
and the Unicode line and paragraph separators. A text of several lines keeps tab, CR and LF.

Forms of public content inherit :class:`PlainTextMixin`; the Django admin of public content gets the
same through ``core.admin.HistoryAdmin``. :func:`one_line` is the defence where text leaves the
site in a header (mail subjects).
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_ONE_LINE_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_TEXT_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def validate_one_line(value: object) -> None:
    if isinstance(value, str) and _ONE_LINE_FORBIDDEN.search(value):
        raise ValidationError(
            _("Write this on a single line, without line breaks, tabs or control characters."),
            code="control_characters",
        )


def validate_text(value: object) -> None:
    if isinstance(value, str) and _TEXT_FORBIDDEN.search(value):
        raise ValidationError(
            _("This text has control characters (invisible characters that are not letters): remove them."),
            code="control_characters",
        )


def one_line(value: str) -> str:
    """``value`` with every run of control characters and line breaks turned into one space."""
    return re.sub(" *[\x00-\x1f\x7f-\x9f\u2028\u2029]+ *", " ", value).strip()


def add_plain_text_validators(field: forms.Field, *, multi_line: bool) -> None:
    if isinstance(field, forms.CharField):
        field.validators.append(validate_text if multi_line else validate_one_line)


class PlainTextMixin:
    """Every text field of the form refuses control characters: a one-line field (a text input)
    all of them, a text area all but tab and line breaks. Fields named in ``one_line_fields`` are
    one line whatever their widget."""

    one_line_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, forms.Field] = self.fields  # type: ignore[attr-defined]
        for name, field in fields.items():
            multi_line = isinstance(field.widget, forms.Textarea) and name not in self.one_line_fields
            add_plain_text_validators(field, multi_line=multi_line)
