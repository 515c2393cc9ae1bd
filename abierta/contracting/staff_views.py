"""Staff pages of the SECOP II synchronisation: transparency officers and administrators configure the
entities whose contracts come from the open data portal, see each entity's runs and start one; and
they upload a SECOP II or OCDS file, which the queue imports (the same importers as the commands)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from abierta.accounts.decorators import staff_required
from abierta.contracting import access
from abierta.contracting.forms import ContractsImportForm, SecopEntityForm, import_size_limit
from abierta.contracting.models import SecopEntity, SyncRun
from abierta.contracting.tasks import contracts_file_import, secop_sync_task
from abierta.core.importing import import_enqueue
from abierta.core.models import ImportRejection, ImportRun
from abierta.core.paging import page_of

RUNS_PER_PAGE = 20
REJECTIONS_PER_PAGE = 100


def _require_manager(request: HttpRequest) -> None:
    if not access.may_manage_sync(request.user):
        raise PermissionDenied


def _entities_page(request: HttpRequest, form: SecopEntityForm, status: int = 200) -> HttpResponse:
    entities = list(SecopEntity.objects.order_by("name", "nit"))
    last: dict[int, SyncRun] = {}
    for run in SyncRun.objects.filter(entity__in=entities).order_by("entity_id", "-started_at", "-pk"):
        last.setdefault(run.entity_id, run)
    rows = [(entity, last.get(entity.pk)) for entity in entities]
    return render(request, "contracting/staff/secop_entities.html", {"rows": rows, "form": form}, status=status)


@staff_required
@require_GET
def secop_entities(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    return _entities_page(request, SecopEntityForm())


@staff_required
@require_POST
def secop_entity_add(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = SecopEntityForm(request.POST)
    if not form.is_valid():
        return _entities_page(request, form, status=400)
    entity = form.save()
    messages.success(request, _("%(entity)s will be synchronised from SECOP II.") % {"entity": entity.name})
    return redirect("contracting:secop_entities")


@staff_required
@require_POST
def secop_entity_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    entity = access.secop_entity_for_manager(request.user, pk)
    entity.active = not entity.active
    entity.save(update_fields=["active"])
    if entity.active:
        messages.success(request, _("%(entity)s is synchronised again.") % {"entity": entity.name})
    else:
        messages.success(request, _("%(entity)s is no longer synchronised.") % {"entity": entity.name})
    return redirect("contracting:secop_entities")


@staff_required
@require_POST
def secop_entity_sync(request: HttpRequest, pk: int) -> HttpResponse:
    """Synchronise now: the worker runs it in the background; its run appears on the entity's page."""
    entity = access.secop_entity_for_manager(request.user, pk)
    secop_sync_task.enqueue(entity_id=entity.pk, started_by=getattr(request.user, "email", ""))
    messages.success(request, _("The synchronisation is queued: it starts within seconds, and its run appears below."))
    return redirect("contracting:secop_entity", pk=entity.pk)


@staff_required
@require_GET
def secop_entity(request: HttpRequest, pk: int) -> HttpResponse:
    entity = access.secop_entity_for_manager(request.user, pk)
    page = page_of(request, entity.runs.order_by("-started_at", "-pk"), RUNS_PER_PAGE)
    return render(request, "contracting/staff/secop_entity.html", {"entity": entity, "page": page})


@staff_required
@require_GET
def secop_run(request: HttpRequest, pk: int) -> HttpResponse:
    run = access.sync_run_for_manager(request.user, pk)
    rejections = ImportRejection.objects.filter(run__in=run.imports.all()).order_by("run_id", "line", "pk")
    page = page_of(request, rejections, REJECTIONS_PER_PAGE)
    return render(
        request, "contracting/staff/secop_run.html", {"run": run, "run_list": [run], "entity": run.entity, "page": page}
    )


def _import_page(
    request: HttpRequest, form: ContractsImportForm, run: ImportRun | None = None, status: int = 200
) -> HttpResponse:
    context: dict[str, object] = {"form": form, "run": run, "limit": import_size_limit()}
    if run is None:
        runs = access.import_runs_for_manager(request.user)
        context["runs"] = page_of(request, runs, RUNS_PER_PAGE, param="ejecuciones")
    elif run.is_done:
        rejections = run.rejections.order_by("line", "pk")
        context["page"] = page_of(request, rejections, REJECTIONS_PER_PAGE)
    return render(request, "contracting/staff/contracts_import.html", context, status=status)


@staff_required
def contracts_import(request: HttpRequest) -> HttpResponse:
    """Upload a SECOP II or OCDS file: it is kept and imported by the queue, per batch; the run's page
    shows its progress, then its report with every rejected row. A file of the wrong format writes
    nothing. Below the form, the latest runs of contracts files."""
    if not access.may_import_contracts(request.user):
        raise PermissionDenied
    if request.method != "POST":
        return _import_page(request, ContractsImportForm())
    form = ContractsImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, form, status=400)
    with transaction.atomic():
        run = import_enqueue(
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
            options={},
            started_by=getattr(request.user, "email", ""),
        )
        contracts_file_import.enqueue(run_id=run.pk)
    return redirect("contracting:contracts_import_run", run_id=run.pk)


@staff_required
@require_GET
def contracts_import_run(request: HttpRequest, run_id: int) -> HttpResponse:
    """A contracts file: waiting, running (rows read so far; the page reloads itself), then its report."""
    run = access.import_run_for_manager(request.user, run_id)
    return _import_page(request, ContractsImportForm(), run)
