"""Public pages of the annual procurement plans and the Ferias de la Transparencia: no account, no
JavaScript needed."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from abierta.contracting.models import Contract
from abierta.core.cache import derived, public_page
from abierta.core.csvexport import streaming_csv
from abierta.core.paging import PER_PAGE_CARDS, page_of
from abierta.procurement import access, charts
from abierta.procurement.forms import LineSearchForm, PlanIndexForm
from abierta.procurement.importers import DAYS, MONTHS_UNIT, WEEKS, YEARS
from abierta.procurement.models import Fair, PlanLine, ProcurementPlan
from abierta.procurement.services import plan_comparison

LINES_PER_PAGE = 50
SEARCH_FIELDS = ("q", "unspsc", "modality", "funding", "month")


def unit_label(code: str, n: int | None = None) -> str:
    labels = {DAYS: _("days"), WEEKS: _("weeks"), MONTHS_UNIT: _("months"), YEARS: _("years")}
    return labels.get(code, code)


def _with_links(contracts: Iterable[Contract]) -> list[Contract]:
    found = list(contracts)
    for contract in found:
        setattr(contract, "link", contract.get_absolute_url())  # noqa: B010  (a display attribute, not a field)
    return found


def month_label(month: int | None) -> str:
    return str(MONTHS[month]).capitalize() if month else ""


@require_GET
@public_page
def index(request: HttpRequest) -> HttpResponse:
    form = PlanIndexForm(request.GET or None)
    plans = (
        ProcurementPlan.objects.select_related("office")
        .annotate(n_lines=Count("lines"), total=Sum("lines__total_value"))
        .order_by("-year", "entity_name")
    )
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    elif form.is_bound:
        if form.cleaned_data.get("year"):
            plans = plans.filter(year=form.cleaned_data["year"])
        if form.cleaned_data.get("office"):
            plans = plans.filter(office__slug=form.cleaned_data["office"])
    page = page_of(request, plans.order_by("-year", "entity_name", "pk"))
    years: dict[int, dict[str, Any]] = {}
    for plan in page.object_list:
        years.setdefault(plan.year, {"year": plan.year, "plans": [], "lines": 0, "total": Decimal(0)})
        years[plan.year]["plans"].append(plan)
    # A year's totals count all its plans (of the search), also those on other pages.
    totals = (
        PlanLine.objects.filter(plan__in=plans.values("pk"), plan__year__in=list(years))
        .values("plan__year")
        .annotate(lines=Count("id"), total=Sum("total_value"))
        .order_by()
    )
    for row in totals:
        years[row["plan__year"]]["lines"] = row["lines"]
        years[row["plan__year"]]["total"] = row["total"] or 0
    fairs = Fair.objects.filter(date__gte=timezone.now()).order_by("date")[:3]
    context = {"form": form, "years": list(years.values()), "upcoming_fairs": fairs, "page": page}
    return render(request, "procurement/index.html", context, status=status)


def _search(request: HttpRequest, plan: ProcurementPlan) -> tuple[LineSearchForm, QuerySet[PlanLine], bool]:
    """The search form and the lines it selects; a bad search selects every line (and is a 400)."""
    data = {k: v for k, v in request.GET.items() if k in SEARCH_FIELDS}
    form = LineSearchForm(data or None, plan=plan)
    lines = PlanLine.objects.filter(plan=plan)
    if form.is_bound and not form.is_valid():
        return form, lines, False
    if form.is_bound:
        lines = form.filter(lines)
    return form, lines, True


@require_GET
@public_page
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(ProcurementPlan.objects.select_related("office"), pk=pk)
    form, lines, valid = _search(request, plan)
    ordered = lines.order_by("line").prefetch_related(
        Prefetch("contracts", queryset=Contract.objects.order_by("signed_on", "pk"))
    )
    page = page_of(request, ordered, LINES_PER_PAGE)
    query = urlencode([(k, v) for k, v in request.GET.items() if k in SEARCH_FIELDS and v]) if valid else ""
    # The whole plan's figures are read once per content version: over 50,000 lines they cost more
    # than the page; a search's figures are counted from its lines.
    comparison = derived(
        f"paa:comparison:{plan.pk}", ("procurement", "contracting"), lambda: plan_comparison(plan=plan)
    )
    comparison.outside = _with_links(comparison.outside)
    if valid and form.active:
        totals = _totals(lines)
    else:
        totals = derived(f"paa:totals:{plan.pk}", (PlanLine,), lambda: _totals(lines), per_language=True)
    context = {
        "plan": plan,
        "form": form,
        "filtered": valid and form.active,
        "page": page,
        "rows": [_line_row(line) for line in page.object_list],
        "csv_query": query,
        "totals": totals,
        "comparison": comparison,
        "fairs": plan.fairs.order_by("-date"),
        "contract_lower": 70,
        "contract_upper": 110,
    }
    return render(request, "procurement/plan_detail.html", context, status=200 if valid else 400)


def _totals(lines: QuerySet[PlanLine]) -> list[charts.Totals]:
    return [charts.by_modality(lines), charts.by_month(lines), charts.by_funding(lines)]


def _line_row(line: PlanLine) -> dict[str, Any]:
    return {
        "line": line,
        "codes": line.unspsc_codes.split(";") if line.unspsc_codes else [],
        "start_month": month_label(line.start_month),
        "duration": f"{line.duration} {unit_label(line.duration_unit)}" if line.duration is not None else "",
        "contracts": _with_links(line.contracts.all()),
    }


CSV_HEADER = [
    "Entidad",
    "NIT",
    "Vigencia",
    "Línea",
    "Códigos UNSPSC",
    "Descripción",
    "Mes estimado de inicio",
    "Mes estimado de presentación de ofertas",
    "Duración",
    "Unidad de duración",
    "Modalidad de selección",
    "Fuente de los recursos",
    "Valor total estimado",
    "Valor estimado en la vigencia actual",
    "Requiere vigencias futuras",
    "Estado de solicitud de vigencias futuras",
    "Unidad de contratación",
    "Ubicación",
    "Responsable",
    "Teléfono del responsable",
    "Correo del responsable",
    "Contratos (OCID)",
]
UNIT_NAMES = {DAYS: "días", WEEKS: "semanas", MONTHS_UNIT: "meses", YEARS: "años"}
MONTH_NAMES = [
    "",
    "Enero",
    "Febrero",
    "Marzo",
    "Abril",
    "Mayo",
    "Junio",
    "Julio",
    "Agosto",
    "Septiembre",
    "Octubre",
    "Noviembre",
    "Diciembre",
]


def csv_row(plan: ProcurementPlan, line: PlanLine, ocids: Iterable[str]) -> list[Any]:
    def number(value: Decimal | None) -> str:
        return "" if value is None else str(value.quantize(Decimal(1)) if value == value.to_integral() else value)

    return [
        plan.entity_name,
        plan.entity_nit,
        plan.year,
        line.line,
        line.unspsc_codes,
        line.description,
        MONTH_NAMES[line.start_month] if line.start_month else "",
        MONTH_NAMES[line.offer_month] if line.offer_month else "",
        "" if line.duration is None else line.duration,
        UNIT_NAMES.get(line.duration_unit, line.duration_unit),
        line.modality,
        line.funding_source,
        number(line.total_value),
        number(line.current_year_value),
        "sí" if line.future_funds else "no",
        line.future_funds_status,
        line.unit,
        line.location,
        line.responsible_name,
        line.responsible_phone,
        line.responsible_email,
        " ".join(ocids),
    ]


@require_GET
def plan_lines_csv(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The lines of the plan that match the search, as a spreadsheet (not cached: a download)."""
    plan = get_object_or_404(ProcurementPlan, pk=pk)
    form, lines, valid = _search(request, plan)
    if not valid:
        errors = "; ".join(str(e) for field in form.errors.values() for e in field)
        return HttpResponseBadRequest(_("The search is not valid: %(errors)s") % {"errors": errors})
    ordered = lines.order_by("line").prefetch_related(Prefetch("contracts", queryset=Contract.objects.only("ocid")))
    # Written while the lines are read: memory stays flat however many lines the plan has.
    rows = (csv_row(plan, line, (c.ocid for c in line.contracts.all())) for line in ordered.iterator(chunk_size=1000))
    return streaming_csv(f"paa-{plan.year}-{plan.pk}.csv", CSV_HEADER, rows)


@require_GET
@public_page
def fairs(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    every = Fair.objects.prefetch_related("offices", "plans")
    past = page_of(request, every.filter(date__lt=now).order_by("-date", "-pk"), PER_PAGE_CARDS)
    context = {
        "upcoming": list(every.filter(date__gte=now).order_by("date", "pk")),
        "past": list(past.object_list),
        "page": past,
        "may_manage": access.may_manage(request.user),
    }
    return render(request, "procurement/fairs.html", context)


@require_GET
@public_page
def fair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    fair = get_object_or_404(Fair, pk=pk)
    plans = fair.plans.select_related("office").annotate(n_lines=Count("lines"), total=Sum("lines__total_value"))
    context = {
        "fair": fair,
        "offices": fair.offices.order_by("name"),
        "plans": plans.order_by("-year", "entity_name"),
        "is_past": fair.date < timezone.now(),
    }
    return render(request, "procurement/fair_detail.html", context)
