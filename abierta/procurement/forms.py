"""Forms of the procurement pages: the search of a plan's lines, the index filter, a Feria de la
Transparencia and the upload of a PAA file."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from abierta.core.cache import derived
from abierta.core.models import Institution
from abierta.procurement.models import Fair, PlanLine, ProcurementPlan


def unspsc_prefix_filter(prefix: str) -> Q:
    """Lines with a code starting with ``prefix`` (codes are stored "80111607;80111604")."""
    return Q(unspsc_codes__startswith=prefix) | Q(unspsc_codes__contains=";" + prefix)


def line_facets(plan: ProcurementPlan) -> tuple[list[str], list[str]]:
    """The modalities and funding sources of a plan's lines, read once per content version."""

    def read() -> tuple[list[str], list[str]]:
        lines = PlanLine.objects.filter(plan=plan).order_by()
        modalities = lines.exclude(modality="").values_list("modality", flat=True).distinct()
        funding = lines.exclude(funding_source="").values_list("funding_source", flat=True).distinct()
        return list(modalities), list(funding)

    return derived(f"paa:facets:{plan.pk}", (PlanLine,), read)


class LineSearchForm(forms.Form):
    """Search and filters of a plan's lines (GET). Every field is optional."""

    q = forms.CharField(label=_("Words in the description"), required=False, max_length=200)
    unspsc = forms.RegexField(
        label=_("UNSPSC code"),
        required=False,
        regex=r"^\d{2}(\d{2}){0,3}$",
        help_text=_(
            "2 digits for a segment, 4 for a family, 6 for a class, 8 for a product; for example 72 or 721410."
        ),
        error_messages={"invalid": _("Write 2, 4, 6 or 8 digits of a UNSPSC code, for example 72 or 72141003.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    modality = forms.ChoiceField(label=_("Selection modality"), required=False)
    funding = forms.ChoiceField(label=_("Funding source"), required=False)
    month = forms.TypedChoiceField(label=_("Estimated start month"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, plan: ProcurementPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        every = [("", _("All"))]
        modalities, funding = line_facets(plan)
        modality_field: Any = self.fields["modality"]
        modality_field.choices = every + [(m, m) for m in sorted(modalities)]
        funding_field: Any = self.fields["funding"]
        funding_field.choices = every + [(f, f) for f in sorted(funding)]
        month_field: Any = self.fields["month"]
        month_field.choices = every + [(str(n), str(MONTHS[n]).capitalize()) for n in range(1, 13)]

    def filter(self, lines: QuerySet[PlanLine]) -> QuerySet[PlanLine]:
        """The lines that match (call after is_valid())."""
        data = self.cleaned_data
        for word in (data.get("q") or "").split():
            lines = lines.filter(description__icontains=word)
        if data.get("unspsc"):
            lines = lines.filter(unspsc_prefix_filter(data["unspsc"]))
        if data.get("modality"):
            lines = lines.filter(modality=data["modality"])
        if data.get("funding"):
            lines = lines.filter(funding_source=data["funding"])
        if data.get("month"):
            lines = lines.filter(start_month=data["month"])
        return lines

    @property
    def active(self) -> bool:
        return self.is_bound and self.is_valid() and any(v not in (None, "") for v in self.cleaned_data.values())


class PlanIndexForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    office = forms.ChoiceField(label=_("Office"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        years = ProcurementPlan.objects.order_by("-year").values_list("year", flat=True).distinct()
        offices = Institution.objects.filter(procurement_plans__isnull=False).distinct().order_by("name")
        year_field: Any = self.fields["year"]
        year_field.choices = [("", _("All"))] + [(str(y), str(y)) for y in years]
        office_field: Any = self.fields["office"]
        office_field.choices = [("", _("All"))] + [(o.slug, o.name) for o in offices]


DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class FairForm(forms.ModelForm):  # type: ignore[type-arg]
    date = forms.DateTimeField(
        label=_("Date and time"),
        widget=DATETIME,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        help_text=_("Colombia time, for example 2025-03-14 09:00."),
    )

    class Meta:
        model = Fair
        fields = ["title", "date", "place", "description", "offices", "plans"]
        widgets = {
            "offices": forms.CheckboxSelectMultiple,
            "plans": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offices: Any = self.fields["offices"]
        offices.queryset = Institution.objects.filter(kind=Institution.Kind.GOVERNMENT).order_by("name")
        plans: Any = self.fields["plans"]
        plans.queryset = ProcurementPlan.objects.order_by("-year", "entity_name")

    def clean_date(self) -> datetime.datetime:
        date: datetime.datetime = self.cleaned_data["date"]
        if date.year < 2000 or date.year > 2100:
            raise forms.ValidationError(_("Write a date between the years 2000 and 2100."))
        return date


class PaaUploadForm(forms.Form):
    """A PAA export from SECOP II and whose plan it is. What the file holds is checked by the importer."""

    file = forms.FileField(
        label=_("File"),
        help_text=_("The Excel file (.xlsx) exported from SECOP II, with its sheet “Adquisiciones”."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    entity = forms.CharField(label=_("Entity"), max_length=300, help_text=_("As it should appear on the site."))
    nit = forms.RegexField(
        label=_("Entity NIT"),
        required=False,
        max_length=30,
        regex=r"^[\d.\s]+(-\d)?$",
        help_text=_("Without the check digit; it is used to find the entity's contracts."),
        error_messages={"invalid": _("Write only the digits of the NIT, for example 890480184.")},
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    office = forms.ModelChoiceField(
        label=_("Responsible office"),
        required=False,
        queryset=Institution.objects.filter(kind=Institution.Kind.GOVERNMENT).order_by("name"),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith(".xlsx"):
            raise forms.ValidationError(
                _("«%(name)s» is not an Excel file: upload the .xlsx file exported from SECOP II."),
                params={"name": upload.name},
                code="wrong_type",
            )
        if upload.size is None or upload.size == 0:
            raise forms.ValidationError(_("The file is empty."), code="empty")
        limit = settings.ABIERTA_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file weighs %(size)s; the largest accepted is %(limit)s."),
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
                code="too_large",
            )
        return upload
