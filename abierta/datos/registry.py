"""The open data catalog: every dataset the platform publishes, described once.

A dataset says what it is (title, description, keywords), which rows it has (a queryset, read with
``iterator()`` so a large table is never loaded whole) and how each row becomes columns. From
that, abierta/datos/views.py serves its CSV and JSON downloads, its documentation page and its
entry in the DCAT-AP catalog (/datos/catalog.jsonld).

Adding a dataset is a few lines in the ``datasets.py`` of the app that owns the data, imported
by its AppConfig.ready()::

    from abierta.datos.registry import Column, Dataset, register

    register(Dataset(
        slug="obras",
        title=_("Public works"),
        description=_("..."),
        keywords=("obras", "infraestructura"),
        queryset=lambda: Work.objects.filter(is_published=True).order_by("id"),
        columns=(Column("codigo", "Código", TEXT, _("..."), lambda w: w.code), ...),
        tracked=(Work,),
        dated=((Work, "created_at"),),
    ))

``modified()`` is the date of the latest relevant change: the latest public change record
(ChangeRecord) of the dataset's models, or the latest value of the date fields listed in
``dated`` (creation timestamps, publication dates) — never "today" by default. A dataset with
nothing to date has no modification date.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Max
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

LICENCE_NAME = "Creative Commons Atribución 4.0 Internacional (CC BY 4.0)"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"

# Column types: (code, label shown on the dataset page).
TEXT = "text"
INTEGER = "integer"
DECIMAL = "decimal"
DATE = "date"
BOOLEAN = "boolean"
URL = "url"
CODE = "code"
TYPE_LABELS: dict[str, Promise] = {
    TEXT: _("text"),
    INTEGER: _("whole number"),
    DECIMAL: _("decimal number (point as decimal separator)"),
    DATE: _("date (YYYY-MM-DD)"),
    BOOLEAN: _("yes/no (CSV: sí/no; JSON: true/false)"),
    URL: _("web address (URL)"),
    CODE: _("code from a fixed list"),
}


@dataclass(frozen=True)
class Column:
    key: str  # stable snake_case name, the JSON key
    header: str  # Spanish header of the CSV column
    type: str
    meaning: Promise | str
    get: Callable[[Any], Any]

    @property
    def type_label(self) -> Promise:
        return TYPE_LABELS[self.type]


@dataclass(frozen=True)
class Link:
    """Another distribution of the dataset, in a standard format (for example OGP's CSV)."""

    title: str
    path: str  # absolute path on this site, or a full URL
    media_type: str
    file_type: str  # EU file-type authority code: CSV, JSON, PDF...


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: Promise | str
    description: Promise | str
    keywords: tuple[str, ...]
    queryset: Callable[[], models.QuerySet[Any]]
    columns: tuple[Column, ...]
    # Models whose public change records (ChangeRecord) date the dataset.
    tracked: tuple[type[models.Model], ...] = ()
    # (model, date or datetime field) pairs whose latest value dates the dataset (over the
    # dataset's rows when the model is the queryset's).
    dated: tuple[tuple[type[models.Model], str], ...] = ()
    # Extra distributions in standard formats, computed at request time.
    links: Callable[[], Sequence[Link]] = field(default=lambda: ())
    # Rows prefetched in chunks of this size (prefetch_related works with iterator(chunk_size)).
    chunk_size: int = 500
    # Place in the catalog: lower first; datasets of equal order keep their registration order.
    order: int = 1000

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]

    def objects(self) -> Iterator[Any]:
        return self.queryset().iterator(chunk_size=self.chunk_size)

    def rows(self) -> Iterator[list[Any]]:
        """One list of raw values per object, in column order."""
        for obj in self.objects():
            yield [c.get(obj) for c in self.columns]

    def modified(self) -> datetime.date | None:
        dates: list[datetime.date] = []
        if self.tracked:
            from abierta.core.models import ChangeRecord

            types = ContentType.objects.get_for_models(*self.tracked).values()
            latest = ChangeRecord.objects.filter(content_type__in=types).aggregate(m=Max("at"))["m"]
            if latest is not None:
                dates.append(_as_date(latest))
        published = self.queryset()
        for model, name in self.dated:
            # On the dataset's own rows when it is their model, so unpublished data dates nothing.
            rows = published.order_by() if published.model is model else model._default_manager.all()
            value = rows.aggregate(m=Max(name))["m"]
            if value is not None:
                dates.append(_as_date(value))
        return max(dates, default=None)

    @property
    def licence_name(self) -> str:
        return LICENCE_NAME

    @property
    def licence_url(self) -> str:
        return LICENCE_URL

    @property
    def publisher(self) -> dict[str, str]:
        entity: dict[str, str] = settings.ABIERTA_ENTITY
        return entity


def _as_date(value: datetime.date | datetime.datetime) -> datetime.date:
    if isinstance(value, datetime.datetime):
        from django.utils import timezone

        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def example_column() -> Column:
    """Whether the row is demonstration data (the model's ``is_example``)."""
    return Column(
        "ejemplo",
        "Dato de ejemplo",
        BOOLEAN,
        _("Invented for the demonstration; not in the source."),
        lambda obj: obj.is_example,
    )


# Value conversions ------------------------------------------------------------------------


def plain_number(value: Decimal) -> Decimal:
    """12.5000 → 12.5, 1E+3 → 1000."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if value is True:
        return "sí"
    if value is False:
        return "no"
    if isinstance(value, Decimal):
        return str(plain_number(value))
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


def json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        number = plain_number(value)
        return int(number) if number == number.to_integral_value() else float(number)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, Promise):
        return str(value)
    return value


def absolute(path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL + path


# The registry -----------------------------------------------------------------------------

_REGISTRY: dict[str, Dataset] = {}


def register(dataset: Dataset) -> Dataset:
    if dataset.slug in _REGISTRY and _REGISTRY[dataset.slug] is not dataset:
        raise ValueError(f"dataset {dataset.slug!r} is already registered")
    if len(set(dataset.keys)) != len(dataset.keys):
        raise ValueError(f"dataset {dataset.slug!r} has repeated column keys")
    _REGISTRY[dataset.slug] = dataset
    return dataset


def all_datasets() -> list[Dataset]:
    """Every dataset, in catalog order."""
    return sorted(_REGISTRY.values(), key=lambda d: d.order)


def get(slug: str) -> Dataset | None:
    return _REGISTRY.get(slug)
