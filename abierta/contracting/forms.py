"""The contract search form (every parameter of /contratos/ and /contratos.csv, validated), the
form of an entity to synchronise from SECOP II, and the form of a contracts file to import."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from abierta.contracting import redflags
from abierta.contracting.importers import OcdsImporter, SecopContractsImporter
from abierta.contracting.models import SecopEntity
from abierta.contracting.search import DEFAULT_SORT, RELEVANCE, SORTS, ContractFilters, distinct_values
from abierta.contracting.secop_sync import clean_nit
from abierta.core.cache import edge_version

SORT_CHOICES = [
    ("", _("Relevance (with words), else newest first")),
    ("-fecha", _("Signing date, newest first")),
    ("fecha", _("Signing date, oldest first")),
    ("-valor", _("Value, highest first")),
    ("valor", _("Value, lowest first")),
    ("contratista", _("Contractor, A to Z")),
    ("-contratista", _("Contractor, Z to A")),
    ("entidad", _("Entity, A to Z")),
    ("-entidad", _("Entity, Z to A")),
    (RELEVANCE, _("Relevance")),
]
assert {k for k, _label in SORT_CHOICES} == {"", RELEVANCE, *SORTS}  # noqa: S101 - one list of sorts

MAX_VALUE = Decimal("1e17")  # above any public contract (the column holds 18 digits before the point)


_COLOMBIAN = re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$")  # 1.500.000,50
_ENGLISH = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")  # 1,500,000.50


class MoneyField(forms.DecimalField):
    """Pesos as people type them: "$ 1.500.000", "1500000", "1,500,000.50"."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = value.replace("$", "").replace(" ", "").replace("\u00a0", "")
            if _COLOMBIAN.match(value):
                value = value.replace(".", "").replace(",", ".")
            elif _ENGLISH.match(value):
                value = value.replace(",", "")
        return super().to_python(value)


def _facet(column: str) -> list[tuple[str, Any]]:
    """The values of a column as menu choices, read once per content version."""
    key = f"works:facet:{column}:{edge_version('contracting')}"
    values: list[str] | None = cache.get(key)
    if values is None:
        values = distinct_values(column)
        cache.set(key, values, 3600)
    return [("", _("All")), *((v, v) for v in values)]


class ContractSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Words in the object, contractor or entity"),
        required=False,
        max_length=200,
        help_text=_(
            'Use quotation marks for an exact phrase, and a minus sign to leave a word out: "vía" -mantenimiento.'
        ),
    )
    entidad = forms.CharField(label=_("Contracting entity (name or NIT)"), required=False, max_length=200)
    contratista = forms.CharField(label=_("Contractor (name or document number)"), required=False, max_length=200)
    modalidad = forms.ChoiceField(label=_("Procurement modality"), required=False)
    tipo = forms.ChoiceField(label=_("Contract type"), required=False)
    estado = forms.ChoiceField(label=_("Status"), required=False)
    anio = forms.IntegerField(label=_("Year"), required=False, min_value=1990, max_value=2100)
    valor_min = MoneyField(
        label=_("Minimum value (COP)"), required=False, min_value=0, max_value=MAX_VALUE, decimal_places=2
    )
    valor_max = MoneyField(
        label=_("Maximum value (COP)"), required=False, min_value=0, max_value=MAX_VALUE, decimal_places=2
    )
    con_alertas = forms.BooleanField(label=_("Only contracts with red flags"), required=False)
    alerta = forms.ChoiceField(label=_("Red flag"), required=False)
    orden = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)
    pagina = forms.IntegerField(label=_("Page"), required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["modalidad"].choices = _facet("modality")  # type: ignore[attr-defined]
        self.fields["tipo"].choices = _facet("contract_type")  # type: ignore[attr-defined]
        self.fields["estado"].choices = _facet("status")  # type: ignore[attr-defined]
        self.fields["alerta"].choices = [  # type: ignore[attr-defined]
            ("", _("Any")),
            *((f.code, f.title) for f in redflags.FLAGS),
        ]
        for name in ("valor_min", "valor_max", "anio"):
            # A text box: a number box refuses "1.000.000", the way people write pesos.
            self.fields[name].widget = forms.TextInput(attrs={"inputmode": "numeric"})
        self.fields["q"].widget.attrs.update({"type": "search"})
        self.fields["entidad"].widget.attrs.update({"list": "entidades"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # The page number is not a field of the visible form: say what is wrong with it above the form.
        for error in self.errors.pop("pagina", []):
            self.add_error(None, _("Page number: %(error)s") % {"error": error})
        low, high = data.get("valor_min"), data.get("valor_max")
        if low is not None and high is not None and low > high:
            self.add_error("valor_max", _("The maximum value must be greater than or equal to the minimum value."))
        return data

    def filters(self) -> ContractFilters:
        """The validated search (call after ``is_valid()``)."""
        d = self.cleaned_data
        return ContractFilters(
            text=d.get("q") or "",
            entity=(d.get("entidad") or "").strip(),
            supplier=(d.get("contratista") or "").strip(),
            modality=d.get("modalidad") or "",
            contract_type=d.get("tipo") or "",
            status=d.get("estado") or "",
            year=d.get("anio"),
            value_min=d.get("valor_min"),
            value_max=d.get("valor_max"),
            flagged=bool(d.get("con_alertas")),
            flag=d.get("alerta") or "",
            sort=d.get("orden") or "",
        )

    @property
    def page_number(self) -> int:
        return (self.cleaned_data.get("pagina") or 1) if self.is_valid() else 1


__all__ = ["DEFAULT_SORT", "ContractSearchForm"]


class SecopEntityForm(forms.ModelForm):  # type: ignore[type-arg]
    """An entity to synchronise from SECOP II: its NIT (dots and check digit allowed) and its name."""

    class Meta:
        model = SecopEntity
        fields = ["nit", "name"]
        labels = {"nit": _("NIT of the entity"), "name": _("Name")}
        help_texts = {
            "nit": _("As SECOP II writes it, without the check digit; for example 890480184."),
            "name": _("For example Alcaldía Distrital de Cartagena de Indias."),
        }
        error_messages = {"nit": {"unique": _("An entity with this NIT is already configured.")}}
        widgets = {"nit": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})}

    def clean_nit(self) -> str:
        typed = self.cleaned_data.get("nit") or ""
        nit = clean_nit(typed)
        if nit is None:
            raise forms.ValidationError(
                _("Write the NIT with digits only (5 to 15), for example 890480184."), code="invalid"
            )
        return nit

    def clean_name(self) -> str:
        return " ".join((self.cleaned_data.get("name") or "").split())


SECOP_FILE, OCDS_FILE = SecopContractsImporter.kind, OcdsImporter.kind
# The names a file of each kind may have (a gzip-compressed one ends in .gz).
IMPORT_EXTENSIONS = {
    SECOP_FILE: (".csv", ".json", ".jsonl", ".ndjson", ".gz"),
    OCDS_FILE: (".json", ".jsonl", ".ndjson", ".gz"),
}


def import_size_limit() -> int:
    """The largest contracts file accepted: the request's own cap (a larger request gets a 413)."""
    return int(settings.ABIERTA_MAX_REQUEST_BYTES)


class ContractsImportForm(forms.Form):
    """A contracts file to import and what it holds. What the file holds is checked by the importer."""

    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=[
            (
                SECOP_FILE,
                _(
                    "SECOP II contracts: the export of the “SECOP II - Contratos Electrónicos” data set of "
                    "datos.gov.co, as CSV or JSON"
                ),
            ),
            (
                OCDS_FILE,
                _(
                    "Contracting processes in the Open Contracting Data Standard (OCDS): a release package, "
                    "a record package or one release per line (JSON Lines)"
                ),
            ),
        ],
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(IMPORT_EXTENSIONS[SECOP_FILE])}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "A .csv, .json or .jsonl file, in UTF-8, of %(limit)s at most. It may be compressed with gzip "
            "(.gz): a compressed export holds about ten times more contracts."
        ) % {"limit": filesizeformat(import_size_limit())}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload, kind = data.get("file"), data.get("kind")
        if upload is None or kind is None:
            return data
        name = (upload.name or "").lower()
        if not name.endswith(IMPORT_EXTENSIONS[kind]):
            if kind == OCDS_FILE:
                message = _(
                    "«%(name)s» is not a JSON file: OCDS is published as JSON (.json or .jsonl), "
                    "gzip-compressed too (.gz)."
                )
            else:
                message = _(
                    "«%(name)s» is not a CSV or JSON file: upload the export of SECOP II as it was "
                    "downloaded (.csv or .json), gzip-compressed too (.gz)."
                )
            self.add_error("file", forms.ValidationError(message, params={"name": upload.name}, code="wrong_type"))
        elif not upload.size:
            self.add_error("file", forms.ValidationError(_("The file is empty."), code="empty"))
        elif upload.size > import_size_limit():
            self.add_error(
                "file",
                forms.ValidationError(
                    _("The file weighs %(size)s; the largest accepted is %(limit)s."),
                    params={"size": filesizeformat(upload.size), "limit": filesizeformat(import_size_limit())},
                    code="too_large",
                ),
            )
        return data
