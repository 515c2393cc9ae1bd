"""Staff pages of Gestión Abierta: recording the measurements of the plan's goals, and importing the
plan or its measurements from a file."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from abierta.accounts.decorators import staff_required
from abierta.accounts.models import User
from abierta.core.importing import import_enqueue
from abierta.core.models import ImportRun
from abierta.development import access, services, tasks
from abierta.development.forms import PLAN, ImportForm, MeasurementForm
from abierta.development.importers import ImportReport, MeasurementsImporter, PlanImporter
from abierta.development.models import DevelopmentPlan, Measurement


@staff_required
def measurement_new(request: HttpRequest, pk: int) -> HttpResponse:
    goal = access.goal_for_measurer(request.user, pk)
    if not isinstance(request.user, User):  # staff_required let only signed-in staff through
        raise PermissionDenied
    form = MeasurementForm(request.POST or None, instance=Measurement(goal=goal), goal=goal)
    if request.method == "POST" and form.is_valid():
        try:
            services.measurement_record(measurement=form.save(commit=False), actor=request.user)
        except IntegrityError:  # another person recorded the same date meanwhile
            form.add_error("date", _("This goal already has a measurement on this date. Choose another date."))
        else:
            messages.success(request, _("The measurement is recorded."))
            return redirect(goal.get_absolute_url() + "#mediciones")
    status = 400 if request.method == "POST" else 200
    return render(request, "development/staff/measurement_form.html", {"goal": goal, "form": form}, status=status)


def _require_importer(request: HttpRequest) -> User:
    if not access.may_import(request.user) or not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


@staff_required
def plan_import_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload the plan (its goals) or its measurements. The file is kept and imported by the queue
    (all or nothing); the run's page shows its progress, then every rejected line with its number
    and reason."""
    user = _require_importer(request)
    plan = get_object_or_404(DevelopmentPlan, slug=slug)
    form = ImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            kind = form.cleaned_data["kind"]
            importer_class = PlanImporter if kind == PLAN else MeasurementsImporter
            with transaction.atomic():
                run = import_enqueue(
                    kind=importer_class.kind,
                    upload=form.cleaned_data["file"],
                    options={"plan": plan.slug},
                    started_by=user.email,
                )
                tasks.plan_file_import.enqueue(run_id=run.pk, plan_id=plan.pk, kind=kind, actor_id=user.pk)
            return redirect("development:plan_import_run", slug=plan.slug, run_id=run.pk)
    context = {"plan": plan, "form": form, "run": None, "report": None, "errors": []}
    return render(request, "development/staff/import_form.html", context, status=status)


@staff_required
def plan_import_run(request: HttpRequest, slug: str, run_id: int) -> HttpResponse:
    """A web import of the plan: waiting, running (rows read so far; the page reloads itself), then
    its report, with a form to upload the next file."""
    _require_importer(request)
    plan = get_object_or_404(DevelopmentPlan, slug=slug)
    run = get_object_or_404(
        ImportRun, pk=run_id, kind__in=[PlanImporter.kind, MeasurementsImporter.kind], options__plan=plan.slug
    )
    report = ImportReport(run) if run.is_done else None
    context = {
        "plan": plan,
        "form": ImportForm(),
        "run": run,
        "report": report,
        "errors": report.errors if report else [],
    }
    return render(request, "development/staff/import_form.html", context)
