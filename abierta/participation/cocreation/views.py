"""Public co-creation pages: the process, the working tables, the diversity of who took part and
the inventory of proposals. Anyone reads them, without an account or JavaScript."""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from abierta.accounts.models import User
from abierta.core.cache import public_page
from abierta.core.csvexport import streaming_csv
from abierta.core.models import ChangeRecord
from abierta.core.paging import FIRST_ROWS, page_of, query_with
from abierta.participation import access
from abierta.participation.cocreation import services
from abierta.participation.cocreation.forms import ProposalFilterForm, ProposalForm
from abierta.participation.models import (
    Consultation,
    Population,
    Process,
    Proposal,
    ProposalSupport,
    TableAttendance,
    TablePhoto,
    Territory,
    WorkingTable,
    cocreation_scope,
)
from abierta.plans.models import ActionPlan


def _plan(slug: str) -> ActionPlan:
    return get_object_or_404(ActionPlan.objects.filter(is_published=True), slug=slug)


def _process(slug: str) -> Process:
    return get_object_or_404(Process.objects.select_related("plan"), plan__slug=slug, plan__is_published=True)


def phases(process: Process, now: Any = None) -> list[dict[str, Any]]:
    """The phases in order, with their dates and which one is current."""
    current = process.phase(now)
    starts = [
        (Process.Phase.TABLES, process.tables_from),
        (Process.Phase.ANALYSIS, process.analysis_from),
        (Process.Phase.CONSULTATION, process.consultation_from),
        (Process.Phase.RESULTS, process.results_from),
    ]
    rows = []
    for i, (phase, start) in enumerate(starts):
        end = starts[i + 1][1] if i + 1 < len(starts) else None
        rows.append({"code": phase, "label": phase.label, "start": start, "end": end, "current": phase == current})
    return rows


@public_page
def plan_cocreation(request: HttpRequest, slug: str) -> HttpResponse:
    """The co-creation of a plan at a glance: its tables, the initiatives they produced, the phases."""
    plan = _plan(slug)
    process = Process.objects.filter(plan=plan).first()
    return render(
        request,
        "participation/cocreation/overview.html",
        {
            "plan": plan,
            "tables": plan.working_tables.all()[:FIRST_ROWS],
            "tables_count": plan.working_tables.count(),
            "initiatives": plan.initiatives.select_related("commitment"),
            "process": process,
            "phases": phases(process) if process else [],
        },
    )


def process_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Not cached: the current phase depends on the hour."""
    process = _process(slug)
    context = {
        "plan": process.plan,
        "process": process,
        "phases": phases(process),
        "current": Process.Phase(process.phase()),
        "tables_count": process.plan.working_tables.count(),
        "proposals_count": process.proposals.count(),
        "criteria": process.criteria.all(),
    }
    return render(request, "participation/cocreation/process.html", context)


@public_page
def table_list(request: HttpRequest, slug: str) -> HttpResponse:
    plan = _plan(slug)
    page = page_of(request, plan.working_tables.annotate(n_proposals=Count("proposals")).order_by("number"))
    return render(
        request, "participation/cocreation/tables.html", {"plan": plan, "tables": page.object_list, "page": page}
    )


def _table(slug: str, number: int) -> WorkingTable:
    return get_object_or_404(
        WorkingTable.objects.select_related("plan"), plan__slug=slug, plan__is_published=True, number=number
    )


@public_page
def table_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    table = _table(slug, number)
    counts = {a.group: a.count for a in table.attendance_counts.all()}
    attendance = [(label, counts[value]) for value, label in Population.choices if value in counts]
    context = {
        "plan": table.plan,
        "table": table,
        "attendance_rows": attendance,
        "photos": table.photos.filter(state=TablePhoto.State.READY),
        "proposals": table.proposals.order_by("id")[:FIRST_ROWS],
        "proposals_count": table.proposals.count(),
        "candidates": table.candidates.all(),
    }
    return render(request, "participation/cocreation/table_detail.html", context)


def _serve(file_field: Any, download_name: str) -> FileResponse:
    if not file_field:
        raise Http404
    content_type = mimetypes.guess_type(file_field.name)[0] or "application/octet-stream"
    try:
        handle = file_field.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=content_type, filename=download_name)
    response["Cache-Control"] = "public, max-age=86400"
    return response


def table_minutes(request: HttpRequest, slug: str, number: int) -> FileResponse:
    table = _table(slug, number)
    return _serve(table.minutes, f"acta-mesa-{table.number}.pdf")


def table_photo(request: HttpRequest, slug: str, number: int, pk: int) -> FileResponse:
    table = _table(slug, number)
    photo = get_object_or_404(table.photos, pk=pk, state=TablePhoto.State.READY)
    extension = photo.image.name.rsplit(".", 1)[-1]
    return _serve(photo.image, f"mesa-{table.number}-foto-{photo.pk}.{extension}")


def diversity_of(plan: ActionPlan) -> dict[str, Any]:
    """Which sectors, population groups and territories took part in the tables, and which are missing."""
    tables = list(plan.working_tables.all())

    def dimension(choices: list[tuple[str, Any]], rows: dict[str, tuple[int, int]]) -> dict[str, Any]:
        items: list[dict[str, Any]] = [
            {"code": v, "label": label, "tables": rows.get(v, (0, 0))[0], "people": rows.get(v, (0, 0))[1]}
            for v, label in choices
        ]
        present = [i for i in items if i["tables"] or i["people"]]
        top: int = max([int(i["people"]) for i in items] + [1])
        for i in items:
            i["percent"] = round(100 * i["people"] / top)
        return {
            "items": items,
            "present": present,
            "missing": [i for i in items if i not in present],
        }

    sectors: dict[str, tuple[int, int]] = {}
    territories: dict[str, tuple[int, int]] = {}
    populations: dict[str, tuple[int, int]] = {}
    for t in tables:
        n, people = sectors.get(t.sector, (0, 0))
        sectors[t.sector] = (n + 1, people + (t.attendance or 0))
        if t.territory:
            n, people = territories.get(t.territory, (0, 0))
            territories[t.territory] = (n + 1, people + (t.attendance or 0))
        if t.population:
            n, people = populations.get(t.population, (0, 0))
            populations[t.population] = (n + 1, people)
    # People of a group count wherever they attended, by the tables' attendance per group.
    for row in TableAttendance.objects.filter(table__plan=plan).values("group").annotate(people=Sum("count")):
        n, _people = populations.get(row["group"], (0, 0))
        populations[row["group"]] = (n, row["people"] or 0)
    return {
        "sectors": dimension(list(WorkingTable.Sector.choices), sectors),
        "populations": dimension(list(Population.choices), populations),
        "territories": dimension(list(Territory.choices), territories),
        "tables_count": len(tables),
        "people": sum(t.attendance or 0 for t in tables),
    }


@public_page
def diversity(request: HttpRequest, slug: str) -> HttpResponse:
    plan = _plan(slug)
    return render(request, "participation/cocreation/diversity.html", {"plan": plan, **diversity_of(plan)})


# Proposals --------------------------------------------------------------------------------


def inventory(process: Process) -> QuerySet[Proposal]:
    """The proposals with their number of supports, counted by a subquery for each row shown (a
    join and GROUP BY would count the supports of every proposal before a page is cut)."""
    supports = (
        ProposalSupport.objects.filter(proposal=OuterRef("pk")).values("proposal").annotate(n=Count("*")).values("n")
    )
    return (
        process.proposals.select_related("table", "merged_into", "initiative")
        .annotate(supports_count=Coalesce(Subquery(supports), 0))
        .order_by("id")
    )


def _origin(p: Proposal) -> str:
    if p.channel == Proposal.Channel.IN_PERSON and p.table is not None:
        return _("Collected in person at table %(number)s") % {"number": p.table.number}
    return _("Online")


INVENTORY_COLUMNS = [
    ("numero", "Número"),
    ("titulo", "Título"),
    ("propuesta", "Propuesta"),
    ("canal", "Canal"),
    ("mesa", "Mesa"),
    ("estado", "Estado"),
    ("respuesta", "Respuesta pública"),
    ("apoyos", "Apoyos"),
    ("fusionada_en", "Fusionada en"),
    ("iniciativa", "Iniciativa"),
    ("fecha", "Fecha"),
]


def _inventory_row(p: Any) -> list[Any]:
    return [
        p.pk,
        p.title,
        p.body,
        p.channel,
        p.table.number if p.table else "",
        p.status,
        p.answer,
        p.supports_count,
        p.merged_into_id or "",
        p.initiative.number if p.initiative else "",
        timezone.localdate(p.created_at).isoformat(),
    ]


def _inventory_json(plan_slug: str, proposals: QuerySet[Proposal]) -> Iterator[bytes]:
    """``{"plan": …, "propuestas": [...]}``, written while the rows are read: memory stays flat."""
    keys = [k for k, _h in INVENTORY_COLUMNS]
    yield ('{"plan": ' + json.dumps(plan_slug) + ', "propuestas": [').encode()
    for i, p in enumerate(proposals.iterator(chunk_size=2000)):
        row = dict(zip(keys, _inventory_row(p), strict=True))
        yield (("," if i else "") + "\n" + json.dumps(row, ensure_ascii=False)).encode()
    yield b"\n]}\n"


def proposal_list(request: HttpRequest, slug: str) -> HttpResponseBase:
    process = _process(slug)
    form = ProposalFilterForm(request.GET or None, process=process)
    proposals = inventory(process)
    if form.is_valid():
        data = form.cleaned_data
        if data.get("status"):
            proposals = proposals.filter(status=data["status"])
        if data.get("channel"):
            proposals = proposals.filter(channel=data["channel"])
        if data.get("table"):
            proposals = proposals.filter(table__number=data["table"])
    export = request.GET.get("format")
    if export == "csv":
        header = [h for _k, h in INVENTORY_COLUMNS]
        rows = (_inventory_row(p) for p in proposals.iterator(chunk_size=2000))
        return streaming_csv(f"{process.plan.slug}-propuestas.csv", header, rows)
    if export == "json":
        return StreamingHttpResponse(
            _inventory_json(process.plan.slug, proposals), content_type="application/json; charset=utf-8"
        )
    user = request.user
    page = page_of(request, proposals)
    shown = list(page.object_list)
    context = {
        "plan": process.plan,
        "process": process,
        "form": form,
        "page": page,
        "proposals": [(p, _origin(p)) for p in shown],
        "can_propose": access.may_propose(user, process),
        "can_support": access.may_support_proposal(user, process),
        "supported": set(
            user.proposal_supports.filter(proposal__in=[p.pk for p in shown]).values_list("proposal_id", flat=True)
        )
        if isinstance(user, User)
        else set(),
        "csv_url": query_with(request, page=None, format="csv"),
        "json_url": query_with(request, page=None, format="json"),
    }
    return render(request, "participation/cocreation/proposals.html", context)


def proposal_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    process = _process(slug)
    proposal = get_object_or_404(inventory(process), pk=pk)
    user = request.user
    context = {
        "plan": process.plan,
        "process": process,
        "proposal": proposal,
        "origin": _origin(proposal),
        "merged": proposal.merged.all(),
        "can_support": access.may_support_proposal(user, process),
        "supported": isinstance(user, User) and proposal.supports.filter(user=user).exists(),
        "evaluation": services.proposal_evaluation(proposal),
    }
    return render(request, "participation/cocreation/proposal_detail.html", context)


def proposal_new(request: HttpRequest, slug: str) -> HttpResponse:
    process = _process(slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not access.may_propose(request.user, process) or not isinstance(request.user, User):
        raise PermissionDenied
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        proposal = services.proposal_submit(
            process=process, author=request.user, title=form.cleaned_data["title"], body=form.cleaned_data["body"]
        )
        messages.success(request, _("Your proposal is published. Thank you."))
        return redirect("participation:proposal", slug=slug, pk=proposal.pk)
    status = 400 if request.method == "POST" else 200
    context = {"plan": process.plan, "process": process, "form": form}
    return render(request, "participation/cocreation/proposal_form.html", context, status=status)


@require_POST
def proposal_support(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    process = _process(slug)
    proposal = get_object_or_404(process.proposals, pk=pk)
    target = reverse("participation:proposal", kwargs={"slug": slug, "pk": pk})
    if not request.user.is_authenticated:
        return redirect_to_login(target)
    if not access.may_support_proposal(request.user, process) or not isinstance(request.user, User):
        raise PermissionDenied
    if proposal.status in (Proposal.Status.MERGED, Proposal.Status.REJECTED):
        messages.error(request, _("This proposal no longer receives supports."))
        return redirect(target)
    if services.proposal_support(proposal=proposal, user=request.user):
        messages.success(request, _("Your support is counted."))
    else:
        messages.info(request, _("You already support this proposal."))
    return redirect(target)


def history(request: HttpRequest, slug: str) -> HttpResponse:
    """Every public change to the plan's co-creation and consultation set-up, newest first, with who made it."""
    plan = _plan(slug)
    scopes = [cocreation_scope(plan.pk)]
    consultation = Consultation.objects.filter(process__plan=plan).first()
    if consultation is not None:
        scopes.append(consultation.history_scope())
    records = ChangeRecord.objects.filter(scope__in=scopes).select_related("content_type")
    page = page_of(request, records)
    return render(request, "participation/cocreation/history.html", {"plan": plan, "page": page})
