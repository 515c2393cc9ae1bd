"""Staff pages of Gestión Abierta: recording the measurements of the plan's goals, and importing the
plan or its measurements from a file."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from abierta.accounts.decorators import staff_required
from abierta.accounts.models import User
from abierta.development import access, services
from abierta.development.forms import PLAN, ImportForm, MeasurementForm
from abierta.development.importers import ImportReport, measurements_import, plan_import
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


@staff_required
def plan_import_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload the plan (its goals) or its measurements; all or nothing, and every rejected line is
    shown with its number and reason."""
    if not access.may_import(request.user) or not isinstance(request.user, User):
        raise PermissionDenied
    plan = get_object_or_404(DevelopmentPlan, slug=slug)
    form = ImportForm(request.POST or None, request.FILES or None)
    report: ImportReport | None = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            run = plan_import if form.cleaned_data["kind"] == PLAN else measurements_import
            report = run(plan=plan, rows_file=upload.read(), filename=upload.name, actor=request.user)
            if report.ok:
                status = 200
    context = {
        "plan": plan,
        "form": form,
        "report": report,
        "errors": report.errors if report else [],
    }
    return render(request, "development/staff/import_form.html", context, status=status)
