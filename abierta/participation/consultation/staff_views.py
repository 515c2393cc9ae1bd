"""Staff pages of the consultation: the voter identity (the assurance level and the voter roll,
padrón) and the polling tables (their facilitators and the counts of their paper tally sheets).

Permissions come only from ``access.py``: the identity page is for the transparency office and
administrators (``access.may_manage_voter_identity``), and the level changes only before the
consultation opens (``access.may_change_assurance``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from abierta.accounts.decorators import staff_required
from abierta.accounts.models import User
from abierta.core.importing import import_enqueue
from abierta.core.models import ImportRun
from abierta.participation import access, tasks
from abierta.participation.consultation import services as svc
from abierta.participation.consultation.forms import (
    AssuranceForm,
    FacilitatorForm,
    PollingTableForm,
    RollUploadForm,
    TallySheetForm,
)
from abierta.participation.consultation.importers import KIND
from abierta.participation.consultation.views import _context, _get
from abierta.participation.models import Consultation, PollingTable, RollEntry

REJECTIONS_SHOWN = 500


def _page(
    request: HttpRequest,
    consultation: Consultation,
    *,
    status: int = 200,
    table_form: PollingTableForm | None = None,
    sheet_form: TallySheetForm | None = None,
    facilitator_forms: dict[int, FacilitatorForm] | None = None,
) -> HttpResponse:
    tables = list(consultation.polling_tables.prefetch_related("facilitators"))
    bound = facilitator_forms or {}
    rows: list[dict[str, Any]] = [
        {
            "table": t,
            "facilitators": list(t.facilitators.all()),
            "form": bound.get(t.number) or FacilitatorForm(prefix=f"t{t.number}"),
        }
        for t in tables
    ]
    return render(
        request,
        "participation/consultation/polling_tables.html",
        _context(
            consultation,
            rows=rows,
            may_manage=access.may_manage_polling_tables(request.user, consultation),
            may_sheets=access.may_record_tally_sheets(request.user, consultation),
            table_form=table_form or PollingTableForm(consultation=consultation),
            sheet_form=sheet_form or TallySheetForm(consultation=consultation),
            reconciliation=svc.reconciliation(consultation, 0),
        ),
        status=status,
    )


def _back(slug: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("participation:consultation_polling_tables", kwargs={"slug": slug}))


def _identity_consultation(request: HttpRequest, slug: str) -> Consultation:
    consultation = get_object_or_404(Consultation.objects.select_related("process__plan"), process__plan__slug=slug)
    if not access.may_manage_voter_identity(request.user, consultation):
        raise PermissionDenied
    return consultation


def _identity_page(
    request: HttpRequest,
    consultation: Consultation,
    *,
    run: ImportRun | None,
    level_form: AssuranceForm | None = None,
    upload_form: RollUploadForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "consultation": consultation,
        "plan": consultation.process.plan,
        "level_form": level_form or AssuranceForm(instance=consultation),
        "upload_form": upload_form or RollUploadForm(),
        "may_change": access.may_change_assurance(request.user, consultation),
        "roll_size": RollEntry.objects.filter(consultation=consultation).count(),
        "run": run,
        "rejections": run.rejections.order_by("line", "pk")[:REJECTIONS_SHOWN] if run and run.is_done else [],
        "max_rows": settings.ABIERTA_VOTE_ROLL_WEB_MAX_ROWS,
    }
    return render(request, "participation/consultation/identity.html", context, status=status)


@staff_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def identity(request: HttpRequest, slug: str) -> HttpResponse:
    """The level voters are identified at, and the upload of the voter roll: the file is kept
    privately and imported by the queue (``tasks.roll_file_import``); the page of its run shows the
    progress, then the report. Without a run named, the page shows the latest one."""
    consultation = _identity_consultation(request, slug)
    action = request.POST.get("action") if request.method == "POST" else None
    level_form = AssuranceForm(request.POST if action == "level" else None, instance=consultation)
    upload_form = RollUploadForm(
        request.POST if action == "roll" else None, request.FILES if action == "roll" else None
    )
    status = 200
    if action == "level":
        if not access.may_change_assurance(request.user, consultation):
            raise PermissionDenied
        if level_form.is_valid():
            level_form.save()
            messages.success(request, _("The identity level of the consultation is saved."))
            return redirect("participation:consultation_identity", slug=slug)
        status = 400
    elif action == "roll":
        status = 400
        if upload_form.is_valid():
            with transaction.atomic():
                run = import_enqueue(
                    kind=KIND,
                    upload=upload_form.cleaned_data["file"],
                    options={"consultation": consultation.pk},
                    started_by=getattr(request.user, "email", ""),
                )
                # A row of this transaction (the database queue): the task exists if and only if the run does.
                tasks.roll_file_import.enqueue(
                    run_id=run.pk, consultation_id=consultation.pk, max_rows=settings.ABIERTA_VOTE_ROLL_WEB_MAX_ROWS
                )
            return redirect("participation:consultation_identity_run", slug=slug, run_id=run.pk)
    elif request.method == "POST":
        status = 400
    latest = ImportRun.objects.filter(kind=KIND, options={"consultation": consultation.pk}).order_by("-pk").first()
    return _identity_page(
        request, consultation, run=latest, level_form=level_form, upload_form=upload_form, status=status
    )


@staff_required
@never_cache
@require_GET
def identity_run(request: HttpRequest, slug: str, run_id: int) -> HttpResponse:
    """One upload of the voter roll: waiting, running (rows read so far; the page reloads itself),
    then its report with every rejected row's line and reason."""
    consultation = _identity_consultation(request, slug)
    run = get_object_or_404(ImportRun, pk=run_id, kind=KIND, options={"consultation": consultation.pk})
    return _identity_page(request, consultation, run=run)


@staff_required
@never_cache
@require_GET
def polling_tables(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _get(slug)
    if not access.may_see_polling_tables(request.user, consultation):
        raise PermissionDenied
    return _page(request, consultation)


@staff_required
@require_POST
def polling_table_add(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _get(slug)
    if not access.may_manage_polling_tables(request.user, consultation):
        raise PermissionDenied
    form = PollingTableForm(request.POST, consultation=consultation)
    if not form.is_valid():
        return _page(request, consultation, status=400, table_form=form)
    svc.polling_table_create(
        consultation=consultation,
        number=form.cleaned_data["number"],
        place=form.cleaned_data["place"],
        actor=request.user,
    )
    messages.success(request, _("Table %(n)d added.") % {"n": form.cleaned_data["number"]})
    return _back(slug)


@staff_required
@require_POST
def facilitator_add(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    consultation = _get(slug)
    if not access.may_manage_polling_tables(request.user, consultation):
        raise PermissionDenied
    table = get_object_or_404(PollingTable, consultation=consultation, number=number)
    form = FacilitatorForm(request.POST, prefix=f"t{number}")
    if not form.is_valid():
        return _page(request, consultation, status=400, facilitator_forms={number: form})
    svc.facilitator_set(table=table, user=form.cleaned_data["email"], assigned=True, actor=request.user)
    messages.success(request, _("Facilitator assigned to table %(n)d.") % {"n": number})
    return _back(slug)


@staff_required
@require_POST
def facilitator_remove(request: HttpRequest, slug: str, number: int, user_id: int) -> HttpResponse:
    consultation = _get(slug)
    if not access.may_manage_polling_tables(request.user, consultation):
        raise PermissionDenied
    table = get_object_or_404(PollingTable, consultation=consultation, number=number)
    user = get_object_or_404(User, pk=user_id, polling_tables=table)
    svc.facilitator_set(table=table, user=user, assigned=False, actor=request.user)
    messages.success(request, _("Facilitator removed from table %(n)d.") % {"n": number})
    return _back(slug)


@staff_required
@require_POST
def tally_sheet_add(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _get(slug)
    if not access.may_record_tally_sheets(request.user, consultation):
        raise PermissionDenied
    form = TallySheetForm(request.POST, consultation=consultation)
    if not form.is_valid():
        return _page(request, consultation, status=400, sheet_form=form)
    data = form.cleaned_data
    table = get_object_or_404(PollingTable, consultation=consultation, number=data["table"])
    svc.tally_sheet_record(table=table, day=data["day"], count=data["count"], actor=request.user)
    messages.success(request, _("Paper tally sheet recorded."))
    return _back(slug)
