"""Staff pages: transparency officers and administrators manage the Ferias de la Transparencia and
upload PAA files exported from SECOP II (the same importer as ``abierta import_paa``)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from abierta.accounts.decorators import staff_required
from abierta.core.importing import run_import
from abierta.core.models import ImportRun
from abierta.procurement import access
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
    context = {"fairs": Fair.objects.prefetch_related("plans").order_by("-date")}
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
    """Upload a PAA export: the report lists every rejected row; a file of the wrong format writes nothing."""
    _require_manager(request)
    form = PaaUploadForm(request.POST or None, request.FILES or None)
    run: ImportRun | None = None
    plan: ProcurementPlan | None = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            importer = PaaImporter(
                entity_name=data["entity"],
                entity_nit=data["nit"] or "",
                year=data["year"],
                office=data["office"],
                source_file=data["file"].name,
            )
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / Path(data["file"].name).name
                with path.open("wb") as out:
                    for chunk in data["file"].chunks():
                        out.write(chunk)
                run = run_import(importer, path, progress=False, started_by=getattr(request.user, "email", ""))
            if run.status == ImportRun.Status.FINISHED:
                status = 200
                plan = ProcurementPlan.objects.filter(entity_name=importer.entity_name, year=importer.year).first()
    context = {
        "form": form,
        "run": run,
        "plan": plan,
        "rejections": run.rejections.order_by("line")[:REJECTIONS_SHOWN] if run else [],
    }
    return render(request, "procurement/staff/paa_upload.html", context, status=status)
