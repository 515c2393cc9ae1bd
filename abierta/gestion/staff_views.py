"""Staff pages of Gestión Abierta: recording the measurements of the plan's goals."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from abierta.accounts.decorators import staff_required
from abierta.accounts.models import User
from abierta.gestion import access, services
from abierta.gestion.forms import MeasurementForm
from abierta.gestion.models import Measurement


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
    return render(request, "gestion/staff/measurement_form.html", {"goal": goal, "form": form}, status=status)
