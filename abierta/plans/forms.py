from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from abierta.core.models import Institution
from abierta.core.plaintext import PlainTextMixin
from abierta.core.uploads import DOCUMENTS, IMAGES, validate_upload
from abierta.plans.models import (
    ActionPlan,
    CommentReport,
    Commitment,
    Milestone,
    MonitoringReport,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UploadCheckMixin:
    """Checks the named file field by content and remembers its kind in ``<field>_kind``."""

    upload_kinds: dict[str, frozenset[str]] = {}
    cleaned_data: dict[str, Any]

    def clean_upload(self, name: str) -> Any:
        upload = self.cleaned_data.get(name)
        if upload:
            self.cleaned_data[f"{name}_kind"] = validate_upload(upload, self.upload_kinds[name])
        return upload


def _not_future(value: Any) -> Any:
    if value and value > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."))
    return value


class ProgressUpdateForm(PlainTextMixin, UploadCheckMixin, forms.Form):
    upload_kinds = {"evidence_file": DOCUMENTS | IMAGES}

    date = forms.DateField(label=_("Date of the progress"), widget=DATE, validators=[_not_future])
    text = forms.CharField(
        label=_("What was done"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Say what was achieved, for whom and where. Plain text; at most 4,000 characters."),
    )
    evidence_file = forms.FileField(
        label=_("Evidence file"),
        required=False,
        help_text=_("PDF, PNG, JPEG or WebP, up to 10 MB. Photos lose their location and camera data."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.webp"}),
    )
    evidence_url = forms.URLField(
        label=_("Or a link to the evidence"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("For example a publication on the city's website or on SECOP."),
    )
    status = forms.ChoiceField(label=_("Milestone status after this update"), choices=Milestone.Status.choices)

    def clean_evidence_file(self) -> Any:
        return self.clean_upload("evidence_file")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            not cleaned.get("evidence_file")
            and not cleaned.get("evidence_url")
            and not self.errors.get("evidence_file")
        ):
            raise ValidationError(_("Add the evidence: a file, a link, or both."), code="no_evidence")
        return cleaned


class MilestoneForm(PlainTextMixin, forms.ModelForm):  # type: ignore[type-arg]
    one_line_fields = ("title",)

    class Meta:
        model = Milestone
        fields = ["title", "start_date", "end_date", "responsible", "status"]
        widgets = {"start_date": DATE, "end_date": DATE, "title": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"title": _("What the milestone delivers, in a sentence a citizen can check.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["responsible"])  # type: ignore[type-arg]
        field.queryset = Institution.objects.filter(kind=Institution.Kind.GOVERNMENT)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date is before the start date."))
        return cleaned


class AssessmentForm(forms.Form):
    completion = forms.ChoiceField(label=_("Completion"), choices=Commitment.Completion.choices)
    opened_government = forms.ChoiceField(
        label=_("Did it open government?"), choices=Commitment.OpenedGovernment.choices, required=False
    )

    def __init__(self, *args: Any, fields: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in fields:
                del self.fields[name]


class MonitoringReportForm(PlainTextMixin, UploadCheckMixin, forms.Form):
    upload_kinds = {"file": DOCUMENTS}

    kind = forms.ChoiceField(label=_("Kind of report"), choices=MonitoringReport.Kind.choices)
    commitment = forms.ModelChoiceField(
        label=_("Commitment assessed"),
        queryset=Commitment.objects.none(),
        required=False,
        help_text=_("Only for an end-of-commitment assessment."),
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(
        label=_("Summary"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    published_on = forms.DateField(label=_("Publication date"), widget=DATE, validators=[_not_future])
    file = forms.FileField(
        label=_("Report file (PDF)"),
        help_text=_("PDF, up to 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf"}),
    )

    def __init__(self, *args: Any, plan: ActionPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["commitment"])  # type: ignore[type-arg]
        field.queryset = plan.commitments.all()

    def clean_file(self) -> Any:
        return self.clean_upload("file")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("kind") == MonitoringReport.Kind.COMMITMENT and not cleaned.get("commitment"):
            self.add_error("commitment", _("Choose the commitment this assessment is about."))
        return cleaned


class CommitteeMemberForm(PlainTextMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    sector = forms.CharField(label=_("Sector or population represented"), max_length=200)
    # The plan's own tables, set in __init__ from the plan's reverse accessor.
    working_table: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Working table that elected them"), queryset=None, required=False
    )
    start_date = forms.DateField(label=_("Start date"), widget=DATE)
    end_date = forms.DateField(label=_("End date"), widget=DATE, required=False)

    def __init__(self, *args: Any, plan: ActionPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["working_table"])  # type: ignore[type-arg]
        field.queryset = plan.working_tables.all()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date is before the start date."))
        return cleaned


class CommitteeMeetingForm(PlainTextMixin, UploadCheckMixin, forms.Form):
    upload_kinds = {"minutes": DOCUMENTS}

    date = forms.DateField(label=_("Date"), widget=DATE, validators=[_not_future])
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    summary = forms.CharField(label=_("Summary"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    minutes = forms.FileField(
        label=_("Minutes (PDF)"),
        required=False,
        help_text=_("PDF, up to 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf"}),
    )

    def clean_minutes(self) -> Any:
        return self.clean_upload("minutes")


class CommentForm(PlainTextMixin, forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Plain text, at most 2,000 characters. Comments are public under your name."),
    )

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"].strip()
        if not body:
            raise ValidationError(_("Write something before sending."))
        return body


class CommentReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why should a moderator look at it?"), choices=CommentReport.Reason.choices)


class ModerationForm(PlainTextMixin, forms.Form):
    reason = forms.CharField(label=_("Reason shown in place of the comment"), max_length=300, required=False)
