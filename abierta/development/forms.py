"""Forms of the staff pages of Gestión Abierta."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from abierta.core.plaintext import PlainTextMixin
from abierta.development.models import Goal, Measurement

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FlexibleDecimalField(forms.DecimalField):
    """Accepts "31.5" and "31,5" (a comma is the decimal mark in Colombia); refuses thousands
    separators rather than guess what "1.234" means."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().replace(" ", "")
            if value.count(",") == 1 and "." not in value:
                value = value.replace(",", ".")
        return super().to_python(value)


class MeasurementForm(PlainTextMixin, forms.ModelForm):  # type: ignore[type-arg]
    value = FlexibleDecimalField(
        label=_("value"),
        max_digits=20,
        decimal_places=4,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_("A point or a comma for decimals, without thousands separators."),
    )
    source_url = forms.URLField(label=_("link to the source"), max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = Measurement
        fields = ["date", "value", "source", "source_url", "note"]
        widgets = {"date": DATE}

    def __init__(self, *args: Any, goal: Goal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goal = goal
        self.fields["value"].label = _("Value (%(unit)s)") % {"unit": goal.unit}
        self.fields["source"].help_text = _("Who produced the figure: a survey, a registry, a report.")

    def clean_date(self) -> datetime.date:
        date: datetime.date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("A measurement cannot be dated in the future."))
        if Measurement.objects.filter(goal=self.goal, date=date).exists():
            raise forms.ValidationError(
                _("This goal already has a measurement dated %(date)s. Choose another date."),
                params={"date": date.isoformat()},
            )
        return date


PLAN, MEASUREMENTS = "plan", "measurements"
IMPORT_EXTENSIONS = (".csv", ".xlsx")


class ImportForm(forms.Form):
    """The file of an import: its kind, and a CSV or XLSX file no larger than the upload limit.
    What the file holds is checked by ``abierta.development.importers``."""

    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=[
            (PLAN, _("The plan: pillars, programmes and goals, one row per goal")),
            (MEASUREMENTS, _("Measurements of the goals, one row per measurement")),
        ],
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("A CSV (.csv, UTF-8) or Excel (.xlsx) file in the template of the plan."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(IMPORT_EXTENSIONS)}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith(IMPORT_EXTENSIONS):
            raise forms.ValidationError(
                _("«%(name)s» is not a CSV or Excel file: upload a .csv or .xlsx file."),
                params={"name": upload.name},
                code="wrong_type",
            )
        limit = settings.ABIERTA_MAX_UPLOAD_BYTES
        if upload.size is None or upload.size == 0:
            raise forms.ValidationError(_("The file is empty."), code="empty")
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file weighs %(size)s; the largest accepted is %(limit)s."),
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
                code="too_large",
            )
        return upload
