"""Staff pages that set up a plan's co-creation (/gestion/cocreacion/<plan>/proceso/...): the
process and the dates of its phases, its evaluation criteria and weights, its working tables.

Who may do what, in which phase, is decided by ``access``; each page says in plain words why an
action is not offered. Writes go through ``services`` with their public history.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from abierta.accounts.decorators import staff_required
from abierta.participation import access
from abierta.participation.cocreation import services
from abierta.participation.cocreation.forms import CriterionFormSet, NewTableForm, ProcessForm
from abierta.participation.cocreation.staff_views import _user, process_for
from abierta.participation.models import Consultation, Process
from abierta.plans.models import ActionPlan


def refusals(process: Process) -> dict[str, str]:
    """Why each set-up action is not offered in the process's phase (shown beside it)."""
    phase = process.phase()
    results = phase == Process.Phase.RESULTS
    return {
        "process": _("The co-creation has reached its results: its phases and their dates can no longer change.")
        if results
        else "",
        "criteria": ""
        if phase in {Process.Phase.BEFORE, Process.Phase.TABLES}
        else _(
            "The analysis has begun: proposals are scored against these criteria, so the criteria and their "
            "weights can no longer change."
        ),
        "tables": _("The co-creation has reached its results: no more working tables can be added.") if results else "",
        "consultation": _("The co-creation has reached its results: a consultation can no longer be created.")
        if results
        else "",
    }


@staff_required
def process_new(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_object_or_404(ActionPlan, slug=slug)
    if Process.objects.filter(plan=plan).exists():
        return redirect("participation:staff_process", slug=slug)
    if not access.may_create_process(request.user, plan):
        raise PermissionDenied
    form = ProcessForm(request.POST or None, instance=Process(plan=plan))
    if request.method == "POST" and form.is_valid():
        services.process_save(process=form.save(commit=False), actor=_user(request))
        messages.success(request, _("The co-creation process is created. Now add its criteria and working tables."))
        return redirect("participation:staff_process", slug=slug)
    status = 400 if request.method == "POST" else 200
    context = {"plan": plan, "form": form}
    return render(request, "participation/cocreation/staff/process_form.html", context, status=status)


@staff_required
def process_setup(request: HttpRequest, slug: str) -> HttpResponse:
    """The set-up page: the process form (while its phase allows), its criteria, its tables and
    its consultation, each with what may be done now or why not."""
    process = process_for(request, slug, access.may_set_up)
    user = request.user
    can_edit = access.may_edit_process(user, process)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    form = ProcessForm(request.POST or None, instance=process) if can_edit else None
    if request.method == "POST" and form is not None and form.is_valid():
        services.process_save(process=form.save(commit=False), actor=_user(request))
        messages.success(request, _("The co-creation process is saved."))
        return redirect("participation:staff_process", slug=slug)
    status = 400 if request.method == "POST" else 200
    process.refresh_from_db()  # the page shows what is saved; the form keeps what was typed
    context = {
        "plan": process.plan,
        "process": process,
        "phase": Process.Phase(process.phase()),
        "form": form,
        "criteria": process.criteria.all(),
        "tables": process.plan.working_tables.order_by("number"),
        "consultation": Consultation.objects.filter(process=process).first(),
        "can_edit": can_edit,
        "can_criteria": access.may_edit_criteria(user, process),
        "can_tables": access.may_add_table(user, process),
        "can_consultation": access.may_create_consultation(user, process),
        "refusals": refusals(process),
    }
    return render(request, "participation/cocreation/staff/process_setup.html", context, status=status)


@staff_required
def criteria(request: HttpRequest, slug: str) -> HttpResponse:
    process = process_for(request, slug, access.may_edit_criteria)
    formset = CriterionFormSet(request.POST or None, queryset=process.criteria.all(), prefix="c")
    if request.method == "POST" and formset.is_valid():
        rows = [
            services.CriterionRow(
                criterion=f.instance if f.instance.pk else None,
                name=f.cleaned_data["name"],
                description=f.cleaned_data.get("description", ""),
                weight=f.cleaned_data["weight"],
                max_score=f.cleaned_data["max_score"],
                delete=bool(f.cleaned_data.get("DELETE")),
            )
            for f in formset.forms
            if f.has_changed() or f.instance.pk
        ]
        services.criteria_save(process=process, rows=rows, actor=_user(request))
        messages.success(request, _("The evaluation criteria are saved."))
        return redirect("participation:staff_process", slug=slug)
    status = 400 if request.method == "POST" else 200
    context = {"plan": process.plan, "process": process, "formset": formset}
    return render(request, "participation/cocreation/staff/criteria_form.html", context, status=status)


@staff_required
def table_new(request: HttpRequest, slug: str) -> HttpResponse:
    process = process_for(request, slug, access.may_add_table)
    last = process.plan.working_tables.order_by("-number").values_list("number", flat=True).first()
    form = NewTableForm(request.POST or None, process=process, initial={"number": (last or 0) + 1})
    if request.method == "POST" and form.is_valid():
        table = services.table_create(table=form.save(commit=False), actor=_user(request))
        messages.success(request, _("Working table %(n)d is created.") % {"n": table.number})
        return redirect("participation:staff_process", slug=slug)
    status = 400 if request.method == "POST" else 200
    context = {"plan": process.plan, "process": process, "form": form}
    return render(request, "participation/cocreation/staff/table_new.html", context, status=status)
