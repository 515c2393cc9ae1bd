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
    Endorsement,
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


TEXT = forms.Textarea(attrs={"rows": 4})
# The years a plan's period may name.
FIRST_YEAR, LAST_YEAR = 2000, 2100


class MonthField(forms.DateField):
    """A month (``2024-03``; a full date is accepted too), stored as its first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d"]
    default_error_messages = {"invalid": _("Enter a month as year and month, for example 2024-03.")}

    def to_python(self, value: Any) -> Any:
        date = super().to_python(value)
        return date.replace(day=1) if date else date


def _institution_choices(form: forms.BaseForm, *names: str, government_only: bool = False) -> None:
    queryset = Institution.objects.order_by("name")
    if government_only:
        queryset = queryset.filter(kind=Institution.Kind.GOVERNMENT)
    for name in names:
        field = cast(forms.ModelChoiceField, form.fields[name])  # type: ignore[type-arg]
        field.queryset = queryset


# Addresses of staff pages beside /gestion/planes/<slug>/.
RESERVED_SLUGS = frozenset({"nuevo"})
# The OGP Local action plan template's texts.
PLAN_TEXTS = (
    "foreword",
    "vision",
    "achievements",
    "challenges",
    "goals",
    "contribution",
    "coordination",
    "co_creation",
    "monitoring_body",
)


class ActionPlanForm(PlainTextMixin, forms.ModelForm):  # type: ignore[type-arg]
    ogp_url = forms.URLField(label=_("OGP Local page"), required=False, assume_scheme="https")
    microsite_url = forms.URLField(label=_("local open government page"), required=False, assume_scheme="https")

    class Meta:
        model = ActionPlan
        fields = [
            "title",
            "slug",
            "jurisdiction",
            "period_start",
            "period_end",
            "submitted_on",
            "ends_on",
            "lead_institutions",
            "supporting_institutions",
            "foreword",
            "vision",
            "achievements",
            "challenges",
            "goals",
            "contribution",
            "coordination",
            "co_creation",
            "monitoring_body",
            "ogp_url",
            "microsite_url",
        ]
        widgets = {
            "submitted_on": DATE,
            "ends_on": DATE,
            "lead_institutions": forms.CheckboxSelectMultiple,
            "supporting_institutions": forms.CheckboxSelectMultiple,
            **dict.fromkeys(PLAN_TEXTS, TEXT),
        }
        help_texts = {
            "slug": _(
                "The plan's address: /plan/<this>/. Lower-case letters, digits and hyphens, for example "
                "cartagena-2024-2025. It cannot change once the plan is published."
            ),
            "title": _("For example Plan de Acción de Gobierno Abierto de Cartagena 2024–2025."),
            "ends_on": _("Once this date has passed, no commitment can be added to the plan."),
        }
        error_messages = {
            "slug": {
                "unique": _("Another plan already has this address. Choose another one."),
                "invalid": _("Use only lower-case letters, digits and hyphens, for example cartagena-2024-2025."),
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _institution_choices(self, "lead_institutions", "supporting_institutions")
        for name in ("period_start", "period_end"):
            field = cast(forms.IntegerField, self.fields[name])
            field.min_value, field.max_value = FIRST_YEAR, LAST_YEAR
            field.widget.attrs.update({"min": FIRST_YEAR, "max": LAST_YEAR})
        if self.instance.pk and self.instance.is_published:
            self.fields["slug"].disabled = True

    def clean_slug(self) -> str:
        slug: str = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise ValidationError(_("This address is reserved. Choose another one."))
        return slug

    def clean_period_start(self) -> Any:
        return _year(self.cleaned_data.get("period_start"))

    def clean_period_end(self) -> Any:
        return _year(self.cleaned_data.get("period_end"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("period_start"), cleaned.get("period_end")
        if first and last and last < first:
            self.add_error("period_end", _("The last year is before the first year."))
        submitted, ends = cleaned.get("submitted_on"), cleaned.get("ends_on")
        if submitted and ends and ends < submitted:
            self.add_error("ends_on", _("The end date is before the submission date."))
        return cleaned


def _year(value: Any) -> Any:
    if value is not None and not FIRST_YEAR <= value <= LAST_YEAR:
        raise ValidationError(
            _("Enter a year between %(first)s and %(last)s."), params={"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return value


class CommitmentForm(PlainTextMixin, forms.ModelForm):  # type: ignore[type-arg]
    one_line_fields = ("title",)

    start_month = MonthField(label=_("Start month"))
    end_month = MonthField(label=_("End month"))
    order = forms.IntegerField(
        label=_("Position in the plan"),
        required=False,
        min_value=0,
        max_value=32000,
        help_text=_("Commitments are listed by this number. Leave it empty to put the commitment last."),
    )

    class Meta:
        model = Commitment
        fields = [
            "code",
            "title",
            "order",
            "problem",
            "status_quo",
            "description",
            "objective",
            "value_access_to_information",
            "value_civic_participation",
            "value_public_accountability",
            "value_technology",
            "start_month",
            "end_month",
            "lead_institution",
            "supporting_institutions",
            "verifiable",
            "potential",
        ]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "problem": TEXT,
            "status_quo": TEXT,
            "description": TEXT,
            "objective": TEXT,
            "supporting_institutions": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "code": _("The commitment's identifier at OGP, for example COCDI0005. It is part of its address."),
            "problem": _("What problem does the commitment address?"),
            "status_quo": _("What is the situation before the commitment?"),
            "description": _("What will the commitment do?"),
            "objective": _("What will it achieve, and how does it solve the problem?"),
            "verifiable": _("Its milestones can be checked by a citizen."),
        }
        labels = {"potential": _("Potential for results")}
        error_messages = {
            "code": {"unique": _("Another commitment already has this code. Choose another one.")},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _institution_choices(self, "lead_institution", government_only=True)
        _institution_choices(self, "supporting_institutions")
        if not self.instance.pk:
            self.initial["order"] = None
        if self.instance.pk and self.instance.plan.is_published:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("The plan is published: the code is part of a public address.")

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"].strip()
        if not code.replace("-", "").isalnum():
            raise ValidationError(_("Use only letters, digits and hyphens."))
        return code

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start_month"), cleaned.get("end_month")
        if start and end and end < start:
            self.add_error("end_month", _("The end month is before the start month."))
        return cleaned


class EndorsementForm(PlainTextMixin, forms.Form):
    name = forms.CharField(label=_("Name of the organisation"), max_length=200)
    sector = forms.CharField(
        label=_("Sector"), max_length=200, help_text=_("For example civil society, academia or private sector.")
    )

    def __init__(self, *args: Any, plan: ActionPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if Endorsement.objects.filter(plan=self.plan, name__iexact=name).exists():
            raise ValidationError(_("This organisation already endorses the plan."))
        return name
