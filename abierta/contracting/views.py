"""Contracts: search and list, CSV export of a search, a contract's page, and the red flags page.

All public. The list reads only the columns it shows (never the OCDS release) and counts at most
``search.COUNT_CAP`` matches; the CSV streams the whole search a chunk at a time.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from abierta.contracting import redflags, search
from abierta.contracting.forms import ContractSearchForm
from abierta.contracting.models import Contract
from abierta.contracting.privacy import public_document
from abierta.core.cache import edge_version, public_page
from abierta.core.csvexport import streaming_csv

SORTABLE = {"fecha": "signed_on", "valor": "value", "contratista": "supplier_name", "entidad": "buyer_name"}


def _query_without(params: QueryDict, *names: str, **values: str) -> str:
    q = params.copy()
    for name in names:
        q.pop(name, None)
    for name, value in values.items():
        q[name] = value
    return q.urlencode()


def _sort_links(request: HttpRequest, filters: search.ContractFilters) -> dict[str, dict[str, str]]:
    """For each sortable column: the address that sorts by it (toggling the direction) and aria-sort."""
    current = filters.effective_sort
    links: dict[str, dict[str, str]] = {}
    for key in SORTABLE:
        ascending_first = key in ("contratista", "entidad")
        if current == key:
            target, state = f"-{key}", "ascending"
        elif current == f"-{key}":
            target, state = key, "descending"
        else:
            target, state = (key if ascending_first else f"-{key}"), "none"
        links[key] = {"url": "?" + _query_without(request.GET, "pagina", orden=target), "aria": state}
    return links


def _flag_titles(codes: Any) -> list[Any]:
    return [redflags.FLAGS_BY_CODE[c].title for c in codes or [] if c in redflags.FLAGS_BY_CODE]


def _list_page(
    request: HttpRequest, form: ContractSearchForm, page: search.ResultPage | None, status: int = 200
) -> HttpResponse:
    filters = form.filters() if form.is_valid() else None
    context: dict[str, Any] = {
        "form": form,
        "page": page,
        "filters": filters,
        "entities": search.entities(),
        "count_cap": search.COUNT_CAP,
        "csv_query": _query_without(request.GET, "pagina", "orden") if filters else "",
        "sort_links": _sort_links(request, filters) if filters else {},
        "page_query": _query_without(request.GET, "pagina"),
        "rows": [(c, _flag_titles(c.flags)) for c in page.items] if page else [],
    }
    return render(request, "contracting/contract_list.html", context, status=status)


@public_page
def contract_list(request: HttpRequest) -> HttpResponse:
    form = ContractSearchForm(request.GET)
    if not form.is_valid():
        return _list_page(request, form, None, status=400)
    filters = form.filters()
    try:
        page = search.result_page(search.contracts_search(filters), filters, form.page_number)
    except search.PageOutOfRange as exc:
        raise Http404 from exc
    return _list_page(request, form, page)


# --- CSV ----------------------------------------------------------------------------------------

CSV_COLUMNS: list[tuple[str, str]] = [
    ("ocid", "ocid"),
    ("numero_contrato", "contract_id"),
    ("numero_proceso", "process_id"),
    ("entidad", "buyer_name"),
    ("nit_entidad", "buyer_nit"),
    ("contratista", "supplier_name"),
    ("tipo_documento_contratista", "supplier_doc_type"),
    ("documento_contratista", "supplier_doc"),
    ("objeto", "title"),
    ("modalidad", "modality"),
    ("tipo_contrato", "contract_type"),
    ("estado", "status"),
    ("fecha_firma", "signed_on"),
    ("fecha_inicio", "start_on"),
    ("fecha_fin", "end_on"),
    ("anio", "year"),
    ("valor", "value"),
    ("valor_original", "original_value"),
    ("valor_adicionado", "value_added"),
    ("valor_pagado", "paid"),
    ("dias_adicionados", "days_added"),
    ("alertas", "flags"),
    ("url_secop", "url"),
]


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


_DOC_TYPE = [column for _name, column in CSV_COLUMNS].index("supplier_doc_type")
_DOC = [column for _name, column in CSV_COLUMNS].index("supplier_doc")


def _csv_rows(filters: search.ContractFilters) -> Iterator[list[Any]]:
    qs = search.ordered(search.contracts_search(filters), filters, rank=False)
    columns = [column for _name, column in CSV_COLUMNS]
    for row in qs.values_list(*columns).iterator(chunk_size=2000):
        values = [_csv_value(v) for v in row]
        # A natural person's document number is not republished (contracting/privacy.py).
        values[_DOC] = public_document(values[_DOC_TYPE], values[_DOC])
        yield values


def contract_csv(request: HttpRequest) -> HttpResponseBase:
    """The whole search as CSV (UTF-8 with BOM, formula-safe), streamed: memory stays flat."""
    form = ContractSearchForm(request.GET)
    if not form.is_valid():
        return _list_page(request, form, None, status=400)
    filters = form.filters()
    stamp = timezone.localdate().isoformat()
    header = [name for name, _column in CSV_COLUMNS]
    response = streaming_csv(f"contratos-{stamp}.csv", header, _csv_rows(filters))
    response["Access-Control-Allow-Origin"] = "*"
    return response


# --- A contract's page --------------------------------------------------------------------------


def _amount(value: Any) -> Decimal | None:
    if isinstance(value, dict):
        value = value.get("amount")
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _date(value: Any) -> datetime.date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = parse_datetime(value)
        if parsed is not None:
            return parsed.date()
        return parse_date(value[:10])
    except ValueError:
        return None


def _story(contract: Contract) -> dict[str, Any]:
    """What the compiled release tells beyond the columns: payments, items, amendments, dates."""
    release: dict[str, Any] = contract.release if isinstance(contract.release, dict) else {}
    tender: dict[str, Any] = release.get("tender") or {}
    contracts: list[dict[str, Any]] = [c for c in release.get("contracts") or [] if isinstance(c, dict)]
    awards: list[dict[str, Any]] = [a for a in release.get("awards") or [] if isinstance(a, dict)]
    payments = []
    for c in contracts:
        for tx in (c.get("implementation") or {}).get("transactions") or []:
            if isinstance(tx, dict):
                payments.append(
                    {
                        "date": _date(tx.get("date")),
                        "amount": _amount(tx.get("value") or tx.get("amount")),
                        "payee": (tx.get("payee") or {}).get("name", ""),
                        "id": tx.get("id", ""),
                    }
                )
    items = []
    for source in (*contracts, *awards, tender):
        for item in source.get("items") or []:
            if not isinstance(item, dict):
                continue
            classification = item.get("classification") or {}
            items.append(
                {
                    # SECOP I puts the UNSPSC code in the item's id and leaves the classification's empty.
                    "code": classification.get("id")
                    or (item.get("id", "") if classification.get("scheme") == "UNSPSC" else ""),
                    "scheme": classification.get("scheme", ""),
                    "description": item.get("description") or classification.get("description", ""),
                    "quantity": item.get("quantity"),
                    "unit": (item.get("unit") or {}).get("name", ""),
                }
            )
        if items:
            break
    amendments = [
        {
            "date": _date(a.get("date")),
            "description": a.get("description") or a.get("rationale") or "",
        }
        for c in contracts
        for a in c.get("amendments") or []
        if isinstance(a, dict)
    ]
    first = contracts[0] if contracts else {}
    tender_period = tender.get("tenderPeriod") or {}
    dates = [
        (_("Tender published"), _date(tender_period.get("startDate"))),
        (_("Offers due"), _date(tender_period.get("endDate"))),
        (_("Signed"), contract.signed_on or _date(first.get("dateSigned"))),
        (_("Start"), contract.start_on or _date((first.get("period") or {}).get("startDate"))),
        (_("End"), contract.end_on or _date((first.get("period") or {}).get("endDate"))),
    ]
    return {
        "payments": payments,
        "items": items,
        "amendments": amendments,
        "dates": [(label, d) for label, d in dates if d],
        "tender_title": tender.get("title", ""),
        "description": first.get("description") or tender.get("description") or "",
    }


def _amounts(contract: Contract) -> dict[str, Any]:
    original = contract.original_value
    added = contract.value_added
    current = contract.value
    paid = contract.paid
    added_pct = (added / original * 100).quantize(Decimal("0.1")) if added is not None and original else None
    days_pct = (
        (Decimal(contract.days_added) / contract.original_term_days * 100).quantize(Decimal("0.1"))
        if contract.days_added is not None and contract.original_term_days
        else None
    )
    return {
        "original": original,
        "added": added,
        "added_pct": added_pct,
        "current": current,
        "paid": paid,
        "pending": current - paid if current is not None and paid is not None else None,
        "days_pct": days_pct,
    }


@public_page
def contract_detail(request: HttpRequest, ocid: str) -> HttpResponse:
    contract = get_object_or_404(Contract, ocid=ocid)
    links = contract.work_links.filter(work__is_published=True).select_related("work")
    evaluations = redflags.contract_evaluations(contract)
    key = redflags.entity_key(contract.buyer_nit, contract.buyer_name)
    indicators = redflags.cached_entity_indicators(key)
    context = {
        "contract": contract,
        "story": _story(contract),
        "amounts": _amounts(contract),
        "work_links": list(links),
        "evaluations": evaluations,
        "raised": [e for e in evaluations if e.outcome is redflags.Outcome.RAISED],
        "not_raised": [e for e in evaluations if e.outcome is redflags.Outcome.NOT_RAISED],
        "not_evaluable": [e for e in evaluations if e.outcome is redflags.Outcome.NOT_EVALUABLE],
        "indicators": indicators,
        "direct_share": indicators.direct.get(contract.year) if indicators and contract.year else None,
        "release_url": reverse("contracting_files:contract_release", args=[contract.ocid]),
    }
    return render(request, "contracting/contract_detail.html", context)


# --- The red flags page -------------------------------------------------------------------------


def _flag_counts() -> dict[str, int]:
    key = f"works:flag-counts:{edge_version('contracting')}"
    counts: dict[str, int] | None = cache.get(key)
    if counts is None:
        counts = {code: Contract.objects.filter(search.flag_condition(code)).count() for code in redflags.FLAG_CODES}
        cache.set(key, counts, 3600)
    return counts


@public_page
def redflags_page(request: HttpRequest) -> HttpResponse:
    indicators = sorted(redflags.cached_indicators().values(), key=lambda i: i.name)
    counts = _flag_counts()
    t_direct, t_december, t_election = (
        redflags.DIRECT_SHARE_THRESHOLD,
        redflags.DECEMBER_SHARE_THRESHOLD,
        redflags.PRE_ELECTION_SHARE_THRESHOLD,
    )
    rows_direct = [
        (ind, year, share, share.outcome(t_direct))
        for ind in indicators
        for year, share in sorted(ind.direct.items(), reverse=True)
    ]
    rows_december = [
        (ind, year, share, share.outcome(t_december))
        for ind in indicators
        for year, share in sorted(ind.december.items(), reverse=True)
    ]
    elections = {e.day: e for e in redflags.ELECTIONS}
    rows_election = [
        (ind, elections[day], share, share.outcome(t_election))
        for ind in indicators
        for day, share in sorted(ind.pre_election.items(), reverse=True)
    ]
    context = {
        "flags": [(f, counts.get(f.code, 0)) for f in redflags.FLAGS],
        "rows_direct": rows_direct,
        "rows_december": rows_december,
        "rows_election": rows_election,
        "elections": redflags.ELECTIONS,
        "min_contracts": redflags.MIN_CONTRACTS,
        "thresholds": {
            "direct": redflags.DIRECT_SHARE_THRESHOLD * 100,
            "december": redflags.DECEMBER_SHARE_THRESHOLD * 100,
            "election": redflags.PRE_ELECTION_SHARE_THRESHOLD * 100,
        },
    }
    return render(request, "contracting/redflags.html", context)
