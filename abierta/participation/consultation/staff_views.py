"""Staff page of the consultation's voter identity: the assurance level and the voter roll (padrón).

Only the transparency office and administrators reach it (``access.may_manage_voter_identity``);
the level changes only before the consultation opens (``access.may_change_assurance``).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from abierta.accounts.decorators import staff_required
from abierta.core.importing import FILE, run_import
from abierta.core.models import ImportRun
from abierta.participation import access
from abierta.participation.consultation.forms import AssuranceForm, RollUploadForm
from abierta.participation.consultation.importers import KIND, RollImporter
from abierta.participation.models import Consultation, RollEntry

REJECTIONS_SHOWN = 500


@staff_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def identity(request: HttpRequest, slug: str) -> HttpResponse:
    """The level voters are identified at, and the upload of the voter roll with its report."""
    consultation = get_object_or_404(Consultation.objects.select_related("process__plan"), process__plan__slug=slug)
    if not access.may_manage_voter_identity(request.user, consultation):
        raise PermissionDenied
    may_change = access.may_change_assurance(request.user, consultation)
    action = request.POST.get("action") if request.method == "POST" else None
    level_form = AssuranceForm(request.POST if action == "level" else None, instance=consultation)
    upload_form = RollUploadForm(
        request.POST if action == "roll" else None, request.FILES if action == "roll" else None
    )
    run: ImportRun | None = None
    status = 200
    if action == "level":
        if not may_change:
            raise PermissionDenied
        if level_form.is_valid():
            level_form.save()
            messages.success(request, _("The identity level of the consultation is saved."))
            return redirect("participation:consultation_identity", slug=slug)
        status = 400
    elif action == "roll":
        status = 400
        if upload_form.is_valid():
            upload = upload_form.cleaned_data["file"]
            importer = RollImporter(
                consultation=consultation, file_name=upload.name, max_rows=settings.ABIERTA_VOTE_ROLL_WEB_MAX_ROWS
            )
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / Path(upload.name).name
                with path.open("wb") as out:
                    for chunk in upload.chunks():
                        out.write(chunk)
                run = run_import(
                    importer, path, mode=FILE, progress=False, started_by=getattr(request.user, "email", "")
                )
            if run.status == ImportRun.Status.FINISHED and not run.rejected:
                status = 200
    elif request.method == "POST":
        status = 400
    if run is None:
        run = (
            ImportRun.objects.filter(kind=KIND, options={"consultation": consultation.pk})
            .order_by("-started_at")
            .first()
        )
    context = {
        "consultation": consultation,
        "plan": consultation.process.plan,
        "level_form": level_form,
        "upload_form": upload_form,
        "may_change": may_change,
        "roll_size": RollEntry.objects.filter(consultation=consultation).count(),
        "run": run,
        "rejections": run.rejections.order_by("line", "pk")[:REJECTIONS_SHOWN] if run else [],
        "max_rows": settings.ABIERTA_VOTE_ROLL_WEB_MAX_ROWS,
    }
    return render(request, "participation/consultation/identity.html", context, status=status)
