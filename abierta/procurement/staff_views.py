"""Staff pages: transparency officers and administrators manage the Ferias de la Transparencia and
upload PAA files exported from SECOP II (the same importer as ``abierta import_paa``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from abierta.accounts.decorators import staff_required
from abierta.core.importing import import_enqueue
from abierta.core.models import ImportRun
from abierta.core.paging import page_of
from abierta.procurement import access, tasks
from abierta.procurement.forms import FairForm, PaaUploadForm
from abierta.procurement.importers import PaaImporter
from abierta.procurement.models import Fair, ProcurementPlan

# Rejected lines listed on the page after an upload (the report counts them all).
REJECTIONS_SHOWN = 200


def _require_manager(request: HttpRequest) -> None:
    if not access.may_manage(request.user):
        raise PermissionDenied


@staff_required
def fair_list(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    page = page_of(request, Fair.objects.prefetch_related("plans").order_by("-date", "-pk"))
    context = {"fairs": page.object_list, "page": page}
    return render(request, "procurement/staff/fair_list.html", context)


@staff_required
def fair_new(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    return _fair_form(request, Fair())


@staff_required
def fair_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _fair_form(request, access.fair_for_manager(request.user, pk))


def _fair_form(request: HttpRequest, fair: Fair) -> HttpResponse:
    form = FairForm(request.POST or None, instance=fair)
    if request.method == "POST":
        if form.is_valid():
            saved = form.save()
            messages.success(request, _("The Feria de la Transparencia is saved."))
            return redirect(saved.get_absolute_url())
        status = 400
    else:
        status = 200
    return render(request, "procurement/staff/fair_form.html", {"form": form, "fair": fair}, status=status)


@staff_required
def paa_upload(request: HttpRequest) -> HttpResponse:
    """Upload a PAA export: the file is kept and imported by the queue; the run's page shows its
    progress, then every rejected row. A file of the wrong format writes nothing."""
    _require_manager(request)
    form = PaaUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            office = data["office"]
            importer = PaaImporter(
                entity_name=data["entity"], entity_nit=data["nit"] or "", year=data["year"], office=office
            )
            with transaction.atomic():
                run = import_enqueue(
                    kind=importer.kind,
                    upload=data["file"],
                    options=importer.options(),
                    started_by=getattr(request.user, "email", ""),
                )
                tasks.paa_file_import.enqueue(
                    run_id=run.pk,
                    entity_name=importer.entity_name,
                    entity_nit=importer.entity_nit,
                    year=importer.year,
                    office_id=office.pk if office else None,
                )
            return redirect("procurement:paa_upload_run", run_id=run.pk)
    context: dict[str, Any] = {"form": form, "run": None, "plan": None, "rejections": []}
    return render(request, "procurement/staff/paa_upload.html", context, status=status)


@staff_required
def paa_upload_run(request: HttpRequest, run_id: int) -> HttpResponse:
    """A PAA upload: waiting, running (rows read so far; the page reloads itself), then its report."""
    _require_manager(request)
    run = get_object_or_404(ImportRun, pk=run_id, kind=PaaImporter.kind)
    plan: ProcurementPlan | None = None
    if run.status == ImportRun.Status.FINISHED:
        plan = ProcurementPlan.objects.filter(
            entity_name=run.options.get("entidad", ""), year=run.options.get("year")
        ).first()
    context = {
        "form": PaaUploadForm(),
        "run": run,
        "plan": plan,
        "rejections": run.rejections.order_by("line")[:REJECTIONS_SHOWN] if run.is_done else [],
    }
    return render(request, "procurement/staff/paa_upload.html", context)
