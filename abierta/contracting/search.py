"""Contract search: full text in Spanish, filters, sort orders and a cheap page count.

The text box takes web-search syntax on both databases: words, "quoted phrases", -excluded words,
``or``. On PostgreSQL the query runs against the generated ``search_vector`` column (migration
works/0002, a GIN index) with ``websearch_to_tsquery('spanish', …)``, ranked by ``ts_rank_cd``; the
model does not declare the column, so the condition is raw SQL. On SQLite it runs against the FTS5
table ``works_contract_fts`` (contracting migration 0004), through ``fulltext.parse`` and
``fulltext.fts5_match``, ranked by ``bm25``. Both index ``search_document`` (lower case, accents
removed), and the query is normalised the same way.

Entity and contractor names are compared accent- and case-insensitively on both databases through
``Normalized`` (``translate(lower(…))`` on PostgreSQL, the same Python ``normalize`` registered as an
SQLite function). Pages never load the ``release`` JSON and never count more than
``COUNT_CAP`` rows (docs/decisions/0008-contract-search-and-red-flags.md).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Expression, F, Func, OrderBy, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.fields import CharField, FloatField
from django.db.models.sql.compiler import SQLCompiler

from abierta.contracting.fulltext import FTS_TABLE, fts5_match, parse
from abierta.contracting.models import Contract
from abierta.contracting.privacy import document_is_public
from abierta.contracting.text import normalize
from abierta.core.cache import edge_version

# Columns a list page or the CSV export reads: never ``release`` (up to hundreds of KB a row).
LIST_COLUMNS = (
    "ocid",
    "contract_id",
    "buyer_name",
    "buyer_nit",
    "supplier_name",
    "supplier_doc_type",
    "supplier_doc",
    "title",
    "modality",
    "contract_type",
    "status",
    "signed_on",
    "value",
    "flags",
)

# A page shows this many contracts; counting stops at COUNT_CAP (shown as "more than 1,000").
PER_PAGE = 25
COUNT_CAP = 1_000

# Public sort keys (as typed in the address) -> (column, descending).
SORTS: dict[str, tuple[str, bool]] = {
    "-fecha": ("signed_on", True),
    "fecha": ("signed_on", False),
    "-valor": ("value", True),
    "valor": ("value", False),
    "contratista": ("supplier_name", False),
    "-contratista": ("supplier_name", True),
    "entidad": ("buyer_name", False),
    "-entidad": ("buyer_name", True),
}
NULLABLE_SORTS = {"signed_on", "value"}
RELEVANCE = "relevancia"
DEFAULT_SORT = "-fecha"

# Accented letters folded by Normalized on PostgreSQL (the same ones ``normalize`` strips).
_ACCENTED = "áàâäãéèêëíìîïóòôöõúùûüñçÁÀÂÄÃÉÈÊËÍÌÎÏÓÒÔÖÕÚÙÛÜÑÇ"
_PLAIN = "aaaaaeeeeiiiiooooouuuuncaaaaaeeeeiiiiooooouuuunc"
_DIGITS_ONLY = re.compile(r"^[\d.\s-]+$")
MAX_WORDS = 8

# The table, named in raw SQL (it keeps the name it had when contracts lived in works).
TABLE = Contract._meta.db_table


class Normalized(Func):
    """``normalize(column)`` in SQL: lower case, accents removed, as ``search_document`` is built."""

    function = "LOWER"
    arity = 1
    output_field = CharField()

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> Any:
        # Constant letters only (no quote, no %): safe in the template.
        template = f"translate(lower(%(expressions)s), '{_ACCENTED}', '{_PLAIN}')"
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> Any:
        _register_sqlite_normalize(connection)
        return self.as_sql(compiler, connection, function="abierta_normalize", **extra)


def _register_sqlite_normalize(conn: BaseDatabaseWrapper) -> None:
    """Register the SQL function on this connection (cheap, and safe after a reconnection)."""
    conn.ensure_connection()
    raw = conn.connection
    if raw is not None:
        raw.create_function("abierta_normalize", 1, _normalize_or_empty, deterministic=True)


def _normalize_or_empty(text: str | None) -> str:
    return normalize(text) if text else ""


@dataclass(frozen=True)
class ContractFilters:
    """A validated search (see ``forms.ContractSearchForm.filters``)."""

    text: str = ""
    entity: str = ""
    supplier: str = ""
    modality: str = ""
    contract_type: str = ""
    status: str = ""
    year: int | None = None
    value_min: Decimal | None = None
    value_max: Decimal | None = None
    flagged: bool = False
    flag: str = ""
    sort: str = ""

    @property
    def effective_sort(self) -> str:
        if self.sort:
            return self.sort
        return RELEVANCE if words(self.text) else DEFAULT_SORT


def words(text: str) -> list[str]:
    """The words of a query worth searching for: normalised, more than one letter, at most eight."""
    return [w for w in normalize(text).split() if len(w) > 1][:MAX_WORDS]


def _is_document(text: str) -> bool:
    return bool(_DIGITS_ONLY.match(text)) and any(c.isdigit() for c in text)


def _digits(text: str) -> str:
    """A NIT or ID typed with dots, spaces or its check digit: "890.480.184-4" -> "890480184"."""
    main = text.split("-")[0] if "-" in text else text
    return "".join(c for c in main if c.isdigit())


def _public_document_condition(qs: QuerySet[Contract], number: str) -> QuerySet[Contract]:
    """The contracts of the contractor with that document, when it is a company's NIT: a natural
    person's number finds nothing, so that the search does not tell whose number it is."""
    types = Contract.objects.filter(supplier_doc=number).values_list("supplier_doc_type", flat=True).distinct()
    public = [t for t in types if document_is_public(t, number)]
    return qs.filter(supplier_doc=number, supplier_doc_type__in=public)


def _text_condition(qs: QuerySet[Contract], text: str) -> QuerySet[Contract]:
    """The contracts matching the web-search query ``text`` (full text on both databases)."""
    if connection.vendor == "postgresql":
        # websearch syntax: "quoted phrases", -excluded, or; the text is normalised like the column.
        return qs.extra(  # noqa: S610 - constant SQL (the table name); the text goes as a parameter
            where=[f"{TABLE}.search_vector @@ websearch_to_tsquery('spanish', %s)"],
            params=[normalize(text)[:200]],
        )
    match = fts5_match(parse(text))
    if match.empty:  # stop words only: no search, and nothing found (as on PostgreSQL)
        return qs.none()
    # A contract matches any group with words to find, or any group of minus-words it has none of.
    found = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608 - constant SQL
    conditions = ([f"{TABLE}.id IN ({found})"] if match.positive else []) + [
        f"{TABLE}.id NOT IN ({found})" for _ in match.excluded
    ]
    params = ([match.positive] if match.positive else []) + list(match.excluded)
    return qs.extra(  # noqa: S610 - constant SQL (table names); the MATCH expressions go as parameters
        where=["(" + " OR ".join(conditions) + ")"], params=params
    )


def _rank(text: str) -> RawSQL | None:
    """The relevance of a contract to ``text``, higher first, or None when it cannot be ranked
    (no words to find: only stop words or minus-words)."""
    if connection.vendor == "postgresql":
        return RawSQL(  # noqa: S611 - constant SQL (the table name); the text goes as a parameter
            f"ts_rank_cd({TABLE}.search_vector, websearch_to_tsquery('spanish', %s))",
            (normalize(text)[:200],),
            output_field=FloatField(),
        )
    match = fts5_match(parse(text))
    if not match.positive:
        return None
    # bm25 is lower for a better match; a contract found only by its minus-words gets NULL (last).
    # The matches are scored once (a materialised CTE, not correlated): a plain correlated subquery
    # ran the MATCH again for every row, 40 times slower on 200 rows.
    return RawSQL(  # noqa: S611 - constant SQL (table names); the MATCH expression goes as a parameter
        f"(WITH scored AS MATERIALIZED (SELECT rowid AS id, -bm25({FTS_TABLE}) AS score "  # noqa: S608
        f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s) SELECT score FROM scored WHERE scored.id = {TABLE}.id)",
        (match.positive,),
        output_field=FloatField(),
    )


_ACCENT_CLASSES = {
    "a": "[aáàâäã]",
    "e": "[eéèêë]",
    "i": "[iíìîï]",
    "o": "[oóòôöõ]",
    "u": "[uúùûü]",
    "n": "[nñ]",
    "c": "[cç]",
}


_LOWER_MATCHES = {
    "buyer_name": f"lower({TABLE}.buyer_name) ~ %s",
    "supplier_name": f"lower({TABLE}.supplier_name) ~ %s",
}


def _accent_pattern(term: str) -> str:
    """A regular expression matching ``term`` (normalised) in lower-case text with or without accents."""
    return "".join(_ACCENT_CLASSES.get(ch) or (ch if ch.isalnum() else "\\" + ch) for ch in term)


def _name_condition(qs: QuerySet[Contract], column: str, text: str) -> QuerySet[Contract]:
    """A name typed in part, any case and accents: each word inside ``column``.

    On PostgreSQL the GIN index of the search document narrows the rows first (the name is part of
    it); one regular expression over ``lower(column)`` then checks every word is in this column and
    not another (accent classes in the pattern: folding the column with translate() costs twice as
    much per row).
    """
    terms = words(text)
    if not terms:
        return qs
    if connection.vendor == "postgresql":
        pattern = "^" + "".join(f"(?=.*{_accent_pattern(t)})" for t in terms)
        return qs.extra(  # noqa: S610 - constant SQL; the words go as parameters
            where=[
                f"{TABLE}.search_vector @@ plainto_tsquery('spanish', %s)",
                _LOWER_MATCHES[column],
            ],
            params=[" ".join(terms), pattern],
        )
    qs = qs.annotate(**{f"_{column}_norm": Normalized(F(column))})
    cond = Q()
    for term in terms:
        cond &= Q(**{f"_{column}_norm__contains": term})
    return qs.filter(cond)


def flag_condition(code: str) -> Q:
    if connection.vendor == "postgresql":
        return Q(flags__contains=[code])
    # SQLite stores JSON as text and has no containment operator: match the quoted code.
    return Q(flags__icontains=f'"{code}"')


def contracts_search(filters: ContractFilters) -> QuerySet[Contract]:
    """The contracts matching ``filters``, unordered, with only the list's columns (see ``ordered``)."""
    qs = Contract.objects.only(*LIST_COLUMNS)
    if words(filters.text):
        qs = _text_condition(qs, filters.text)
    if filters.entity:
        qs = qs.filter(_entity_condition(filters.entity))
    if filters.supplier:
        if _is_document(filters.supplier):
            qs = _public_document_condition(qs, _digits(filters.supplier))
        else:
            qs = _name_condition(qs, "supplier_name", filters.supplier)
    if filters.modality:
        qs = qs.filter(modality=filters.modality)
    if filters.contract_type:
        qs = qs.filter(contract_type=filters.contract_type)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.value_min is not None:
        qs = qs.filter(value__gte=filters.value_min)
    if filters.value_max is not None:
        qs = qs.filter(value__lte=filters.value_max)
    if filters.flag:
        qs = qs.filter(flag_condition(filters.flag))
    elif filters.flagged:
        qs = qs.filter(_anyflag_condition())
    return qs


def ordered(qs: QuerySet[Contract], filters: ContractFilters, *, rank: bool = True) -> QuerySet[Contract]:
    """``qs`` in the search's sort order. Ranking by relevance needs ``rank`` (see ``result_page``)."""
    sort = filters.effective_sort
    if sort == RELEVANCE:
        score = _rank(filters.text) if rank and words(filters.text) else None
        if score is not None:
            return qs.annotate(rank=score).order_by(
                F("rank").desc(nulls_last=True), F("signed_on").desc(nulls_last=True), "-pk"
            )
        # Nothing to rank by, or too many matches to rank cheaply: newest first.
        sort = DEFAULT_SORT
    column, descending = SORTS.get(sort, SORTS[DEFAULT_SORT])
    # Missing dates and values go last in both directions, on both databases; the id breaks ties so
    # that pages never repeat or skip a contract.
    if column in NULLABLE_SORTS:
        first: OrderBy = F(column).desc(nulls_last=True) if descending else F(column).asc(nulls_last=True)
    else:  # NOT NULL text: a plain order, which a (column, id) index serves in both directions
        first = F(column).desc() if descending else F(column).asc()
    tie: Expression = F("pk").desc() if descending else F("pk").asc()
    return qs.order_by(first, tie)


@dataclass
class ResultPage:
    """One page of results without an unbounded COUNT(*): the count stops at ``COUNT_CAP``."""

    items: list[Contract]
    number: int
    count: int
    capped: bool
    ranked: bool = False
    per_page: int = PER_PAGE

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.count / self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.items else 0

    @property
    def end_index(self) -> int:
        return self.start_index + len(self.items) - 1 if self.items else 0


class PageOutOfRange(Exception):
    pass


def count_capped(qs: QuerySet[Contract], cap: int | None = None) -> tuple[int, bool]:
    """How many rows match, counting at most ``cap + 1`` of them: (count, more than cap)."""
    cap = COUNT_CAP if cap is None else cap
    n = qs.order_by().values("pk")[: cap + 1].count()
    return min(n, cap), n > cap


def result_page(qs: QuerySet[Contract], filters: ContractFilters, number: int) -> ResultPage:
    """Page ``number`` of a search. Two queries: the capped count, then the page itself.

    Relevance is ranked only when the matches were all counted (at most ``COUNT_CAP``): a word found
    in tens of thousands of contracts (the city's name) ranks them all alike, and ranking them all
    would cost more than the page budget. Those are shown newest first, and the page says so.
    """
    count, capped = count_capped(qs)
    page = ResultPage(items=[], number=number, count=count, capped=capped, per_page=PER_PAGE)
    if number > page.num_pages:
        raise PageOutOfRange(number)
    relevance = filters.effective_sort == RELEVANCE and not capped and bool(words(filters.text))
    page.ranked = relevance and _rank(filters.text) is not None
    offset = (number - 1) * page.per_page
    page.items = list(ordered(qs, filters, rank=not capped)[offset : offset + page.per_page])
    return page


@dataclass(frozen=True)
class Entity:
    nit: str
    name: str


def entities() -> list[Entity]:
    """The contracting entities (NIT and name), for the filter's suggestions and name matching.

    A city has tens of them, not thousands: one GROUP BY, kept in the cache until content changes.
    """
    key = f"works:entities:{edge_version('contracting')}"
    found: list[Entity] | None = cache.get(key)
    if found is None:
        rows = (
            Contract.objects.exclude(buyer_name="", buyer_nit="")
            .values_list("buyer_nit", "buyer_name")
            .distinct()
            .order_by("buyer_name", "buyer_nit")
        )
        found = [Entity(nit, name) for nit, name in rows[:2000]]
        cache.set(key, found, 3600)
    return found


def _entity_condition(text: str) -> Q:
    """A NIT (with or without dots and check digit) or part of an entity's name, any accents."""
    if _is_document(text):
        return Q(buyer_nit=_digits(text))
    terms = words(text)
    if not terms:
        return Q()
    matching = [e for e in entities() if all(t in normalize(e.name) for t in terms)]
    nits = sorted({e.nit for e in matching if e.nit})
    names = sorted({e.name for e in matching if not e.nit})
    # No entity of that name: a condition nothing meets, so the page says "no contracts".
    return Q(buyer_nit__in=nits) | Q(buyer_nit="", buyer_name__in=names) if matching else Q(pk__in=[])


def _anyflag_condition() -> Q:
    if connection.vendor == "postgresql":
        # jsonb ?| uses a GIN index on flags, where "flags <> '[]'" would read the whole table.
        from abierta.contracting.redflags import FLAG_CODES

        return Q(flags__has_any_keys=list(FLAG_CODES))
    return ~Q(flags=[])


def distinct_values(column: str) -> list[str]:
    """The values of a short text column, for the filter menus (modality, type, status)."""
    values = Contract.objects.exclude(**{column: ""}).order_by(column).values_list(column, flat=True).distinct()
    return list(values[:500])
