"""Forms of the co-creation pages: every 4xx is decided here."""

from __future__ import annotations

import itertools
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from abierta.core.plaintext import PlainTextMixin
from abierta.core.uploads import DOCUMENTS, IMAGES, validate_upload
from abierta.participation.dialogue.forms import DateTimeLocalInput
from abierta.participation.models import Criterion, Population, Process, Proposal, WorkingTable

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProposalForm(PlainTextMixin, forms.Form):
    title = forms.CharField(label=_("Title of the proposal"), max_length=300)
    body = forms.CharField(
        label=_("Your proposal"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What should the city do, for whom and why. Plain text; at most 4,000 characters."),
    )


class TranscribeForm(ProposalForm):
    table = forms.ModelChoiceField(
        label=_("Working table where it was collected"), queryset=WorkingTable.objects.none()
    )
    field_order = ["table", "title", "body"]

    def __init__(self, *args: Any, process: Process, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["table"])  # type: ignore[type-arg]
        field.queryset = process.plan.working_tables.all()
        self.fields["body"].label = _("Proposal as written on paper")
        self.fields["body"].help_text = ""


def count_field(group: str) -> str:
    return f"count_{group}"


class TableForm(PlainTextMixin, forms.ModelForm):  # type: ignore[type-arg]
    """A table's facts, its attendance per group (counts only), its minutes and one more photo."""

    minutes_file = forms.FileField(
        label=_("Minutes (PDF)"),
        required=False,
        help_text=_("PDF, up to 10 MB. Replaces the current minutes."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf"}),
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_("PNG, JPEG or WebP, up to 10 MB. Photos lose their location and camera data."),
        widget=forms.ClearableFileInput(attrs={"accept": ".png,.jpg,.jpeg,.webp"}),
    )
    photo_caption = forms.CharField(
        label=_("Description of the photo"),
        max_length=300,
        required=False,
        help_text=_("What the photo shows, for people who cannot see it. Required with a photo."),
    )

    class Meta:
        model = WorkingTable
        fields = ["held_on", "place", "facilitator", "population", "territory"]
        widgets = {"held_on": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        table: WorkingTable = self.instance
        current = {a.group: a.count for a in table.attendance_counts.all()} if table.pk else {}
        for value, label in Population.choices:
            self.fields[count_field(value)] = forms.IntegerField(
                label=_("Attendance: %(group)s") % {"group": label},
                min_value=0,
                max_value=100000,
                required=False,
                initial=current.get(value),
            )
        self.order_fields([*self.Meta.fields, *(count_field(v) for v in Population.values)])

    def clean_minutes_file(self) -> Any:
        upload = self.cleaned_data.get("minutes_file")
        if upload:
            self.cleaned_data["minutes_kind"] = validate_upload(upload, DOCUMENTS)
        return upload

    def clean_photo(self) -> Any:
        upload = self.cleaned_data.get("photo")
        if upload:
            self.cleaned_data["photo_kind"] = validate_upload(upload, IMAGES)
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("photo") and not cleaned.get("photo_caption"):
            self.add_error("photo_caption", _("Describe the photo."))
        return cleaned

    def counts(self) -> dict[str, int]:
        return {v: self.cleaned_data.get(count_field(v)) or 0 for v in Population.values}


class ScoreForm(forms.Form):
    """One score per criterion, for the signed-in evaluator."""

    def __init__(self, *args: Any, criteria: list[Criterion], initial_scores: dict[int, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            self.fields[f"criterion_{c.pk}"] = forms.IntegerField(
                label=c.name,
                min_value=0,
                max_value=c.max_score,
                help_text=_("From 0 to %(max)s. %(what)s") % {"max": c.max_score, "what": c.description},
                initial=initial_scores.get(c.pk),
            )

    def scores(self) -> list[tuple[Criterion, int]]:
        return [(c, self.cleaned_data[f"criterion_{c.pk}"]) for c in self.criteria]


class AnswerForm(PlainTextMixin, forms.Form):
    ACCEPT = "accept"
    REJECT = "reject"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(ACCEPT, _("Accept")), (REJECT, _("Do not accept"))],
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=_("Public answer"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Published with the proposal. Required when the proposal is not accepted: say why."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == self.REJECT and not (cleaned.get("answer") or "").strip():
            self.add_error("answer", _("Say why the proposal is not accepted."))
        return cleaned


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(label=_("Merge into proposal"), queryset=Proposal.objects.none())

    def __init__(self, *args: Any, proposal: Proposal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["into"])  # type: ignore[type-arg]
        field.queryset = (
            Proposal.objects.filter(process=proposal.process)
            .exclude(pk=proposal.pk)
            .exclude(status=Proposal.Status.MERGED)
        )
        field.label_from_instance = lambda obj: f"{obj.pk}. {obj.title}"  # type: ignore[method-assign]


class ShortlistForm(PlainTextMixin, forms.Form):
    proposals = forms.ModelMultipleChoiceField(
        label=_("Accepted proposals it comes from"),
        queryset=Proposal.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    title = forms.CharField(label=_("Title of the initiative"), max_length=300)
    summary = forms.CharField(
        label=_("Summary"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, process: Process, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelMultipleChoiceField, self.fields["proposals"])  # type: ignore[type-arg]
        field.queryset = process.proposals.filter(status=Proposal.Status.ACCEPTED, initiative__isnull=True)
        field.label_from_instance = lambda obj: f"{obj.pk}. {obj.title}"  # type: ignore[method-assign]


class CandidateForm(PlainTextMixin, forms.Form):
    name = forms.CharField(label=_("Candidate's name"), max_length=200, required=False)
    sector = forms.CharField(label=_("Sector or population represented"), max_length=200, required=False)
    votes = forms.IntegerField(label=_("Votes"), min_value=0, max_value=100000, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("name") and cleaned.get("votes") is None and not self.errors.get("votes"):
            self.add_error("votes", _("Enter the votes counted for this candidate."))
        if not cleaned.get("name") and (cleaned.get("sector") or cleaned.get("votes")):
            self.add_error("name", _("Enter the candidate's name."))
        return cleaned


class BaseCandidateFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        names = [f.cleaned_data.get("name", "").strip().casefold() for f in self.forms if f.cleaned_data.get("name")]
        if not names:
            raise ValidationError(_("Enter at least one candidate."))
        if len(names) != len(set(names)):
            raise ValidationError(_("Each candidate appears once."))


CandidateFormSet = forms.formset_factory(CandidateForm, formset=BaseCandidateFormSet, extra=0, max_num=40)


class CloseElectionForm(forms.Form):
    seats = forms.IntegerField(
        label=_("Seats for this table"),
        min_value=1,
        max_value=20,
        help_text=_("The most voted candidates, up to this number, join the Citizen Monitoring Committee."),
    )


class ProposalFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any")), *Proposal.Status.choices])
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=[("", _("Any")), *Proposal.Channel.choices])
    table = forms.TypedChoiceField(label=_("Working table"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, process: Process, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedChoiceField, self.fields["table"])
        field.choices = [("", _("Any")), *((t.number, str(t)) for t in process.plan.working_tables.all())]


# Setting up a process: its phases, criteria and working tables ------------------------------


PHASE_STARTS = ("tables_from", "analysis_from", "consultation_from", "results_from")


class ProcessForm(PlainTextMixin, forms.ModelForm):  # type: ignore[type-arg]
    """The process and the start of each phase; each phase starts after the one before."""

    class Meta:
        model = Process
        fields = ["title", "description", *PHASE_STARTS]
        widgets = {name: DateTimeLocalInput() for name in PHASE_STARTS} | {
            "description": forms.Textarea(attrs={"rows": 4})
        }
        help_texts = {name: _("Bogotá time.") for name in PHASE_STARTS}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        consultation = getattr(self.instance, "consultation", None) if self.instance.pk else None
        if consultation is not None:
            start, end = data.get("consultation_from"), data.get("results_from")
            if start and start > consultation.opens_at:
                self.add_error(
                    "consultation_from",
                    _("The consultation opens on %(date)s: this phase must start by then.")
                    % {"date": date_format(localtime(consultation.opens_at), "j F Y, H:i")},
                )
            if end and end < consultation.closes_at:
                self.add_error(
                    "results_from",
                    _("The consultation closes on %(date)s: the results cannot start before.")
                    % {"date": date_format(localtime(consultation.closes_at), "j F Y, H:i")},
                )
        labels = {name: self.fields[name].label for name in PHASE_STARTS}
        for before, after in itertools.pairwise(PHASE_STARTS):
            start, end = data.get(before), data.get(after)
            if start and end and end <= start:
                self.add_error(
                    after,
                    _("This phase must start after the previous one (%(previous)s).")
                    % {"previous": str(labels[before]).lower()},
                )
        return data


class CriterionForm(PlainTextMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Criterion
        fields = ["name", "description", "weight", "max_score"]
        widgets = {"description": forms.TextInput()}
        help_texts = {
            "weight": _("A whole number: how much this criterion counts against the others."),
            "max_score": _("Evaluators score from 0 to this number."),
        }

    def clean_weight(self) -> int:
        weight: int = self.cleaned_data["weight"]
        if weight < 1:
            raise ValidationError(_("The weight is a whole number of at least 1."))
        return weight

    def clean_max_score(self) -> int:
        top: int = self.cleaned_data["max_score"]
        if top < 1:
            raise ValidationError(_("The highest score is a whole number of at least 1."))
        return top


class BaseCriterionFormSet(forms.BaseModelFormSet):  # type: ignore[type-arg]
    def clean(self) -> None:
        super().clean()
        # A row naming a criterion that is not this process's (a forged id) is refused, not added.
        if any(form.instance.pk is None for form in self.initial_forms):
            raise ValidationError(_("A criterion of another process cannot be changed here."))


CriterionFormSet = forms.modelformset_factory(
    Criterion,
    form=CriterionForm,
    formset=BaseCriterionFormSet,
    extra=3,
    can_delete=True,
    max_num=30,
    validate_max=True,
)


class NewTableForm(PlainTextMixin, forms.ModelForm):  # type: ignore[type-arg]
    """A new working table; its attendance, minutes and photos are added on its own page afterwards."""

    class Meta:
        model = WorkingTable
        fields = ["number", "name", "sector", "group", "held_on", "place", "facilitator", "population", "territory"]
        widgets = {"held_on": DATE}

    def __init__(self, *args: Any, process: Process, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.process = process
        self.instance.plan = process.plan

    def clean_number(self) -> int:
        number: int = self.cleaned_data["number"]
        if number < 1:
            raise ValidationError(_("The number is a whole number of at least 1."))
        if self.process.plan.working_tables.filter(number=number).exists():
            raise ValidationError(_("This plan already has a working table with this number."))
        return number
