"""Control characters in public text (S11)."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ValidationError

from abierta.core.plaintext import PlainTextMixin, one_line, validate_one_line, validate_text


@pytest.mark.parametrize("bad", ["a\r\nBcc: x@example.org", "a\nb", "a\tb", "a\x00b", "a\x7fb", "a\x85b", "a\u2028b"])
def test_one_line_refuses_breaks_and_controls(bad: str) -> None:
    with pytest.raises(ValidationError):
        validate_one_line(bad)


def test_text_keeps_tab_and_line_breaks() -> None:
    validate_text("Primera línea.\r\nSegunda\tlínea.\n")
    validate_one_line("Obra de la calle 30 – «Olaya» ñ")
    for bad in ("a\x00b", "a\x1bb", "a\x0bb", "a\u2029b"):
        with pytest.raises(ValidationError):
            validate_text(bad)


def test_one_line_collapses_controls_into_a_space() -> None:
    assert one_line("Obra prueba\r\nBcc: evil@example.org") == "Obra prueba Bcc: evil@example.org"
    assert one_line(" a \t\x00 b ") == "a b"


class _Form(PlainTextMixin, forms.Form):
    name = forms.CharField()
    body = forms.CharField(widget=forms.Textarea)
    title = forms.CharField(widget=forms.Textarea)
    one_line_fields = ("title",)


def test_the_mixin_picks_the_rule_by_widget_or_name() -> None:
    form = _Form({"name": "a\nb", "body": "a\nb", "title": "a\nb"})
    assert not form.is_valid()
    assert set(form.errors) == {"name", "title"}
    # The validators go on each form's copy of its fields, never on the class's.
    _Form()
    assert validate_one_line not in _Form.base_fields["name"].validators
