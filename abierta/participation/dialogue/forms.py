"""Forms of "Hablemos con Transparencia": every 4xx of the dialogue pages is decided here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from abierta.core.plaintext import PlainTextMixin
from abierta.participation.models import DialogueSession, Question
from abierta.plans.models import Commitment

# Slugs that would shadow a fixed address under /hablemos/.
RESERVED_SLUGS = frozenset({"gestion", "nueva"})


class QuestionForm(PlainTextMixin, forms.Form):
    text = forms.CharField(
        label=_("Your question"),
        min_length=10,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Between 10 and 1,000 characters. Questions are published after moderation."),
    )
    anonymous = forms.BooleanField(
        label=_("Ask anonymously (your name will not be shown)"),
        required=False,
    )

    def clean_text(self) -> str:
        text: str = self.cleaned_data["text"].strip()
        if len(text) < 10:
            raise forms.ValidationError(_("Write a question of at least 10 characters."))
        return text


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class SessionForm(PlainTextMixin, forms.ModelForm):  # type: ignore[type-arg]
    stream_url = forms.URLField(label=_("livestream link"), required=False, assume_scheme="https")

    class Meta:
        model = DialogueSession
        fields = ["topic", "slug", "description", "starts_at", "place", "stream_url", "officials", "questions_open"]
        widgets = {
            "starts_at": DateTimeLocalInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "officials": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "slug": _("Part of the address: lowercase letters, numbers and hyphens."),
            "starts_at": _("Bogotá time."),
        }

    def clean_slug(self) -> str:
        slug: str = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("This address is reserved; choose another."))
        return slug

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("place") and not data.get("stream_url") and not self.has_error("stream_url"):
            raise forms.ValidationError(_("Give the place, the livestream link, or both."))
        return data


class MinutesForm(PlainTextMixin, forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Published on the session page. Leave empty to withdraw them."),
    )


class RejectForm(PlainTextMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason (told to the author)"),
        max_length=300,
        help_text=_("For example: offensive language, personal data, not a question for this session."),
    )


class AnswerForm(PlainTextMixin, forms.Form):
    answer = forms.CharField(label=_("Official answer"), widget=forms.Textarea(attrs={"rows": 4}))
    answered_by = forms.CharField(label=_("Answered by (name and post)"), max_length=200)


class CommitmentLinkForm(forms.Form):
    commitment = forms.ModelChoiceField(
        label=_("Related commitment"),
        queryset=Commitment.objects.none(),
        required=False,
        empty_label=_("None"),
    )

    def __init__(
        self, *args: Any, question: Question, commitments: list[Commitment] | None = None, **kwargs: Any
    ) -> None:
        """``commitments``: the plan's commitments read once for a page of forms (else each form
        would read them to draw its choices)."""
        super().__init__(*args, **kwargs)
        plan = question.session.plan
        field = self.fields["commitment"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - narrows the type for mypy
        field.queryset = plan.commitments.order_by("order", "code") if plan else Commitment.objects.none()
        if commitments is not None:
            field.choices = [("", field.empty_label), *((c.pk, field.label_from_instance(c)) for c in commitments)]
