"""The staff page of milestones past their end date without evidence (counted on the staff home)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from abierta.accounts.decorators import staff_required
from abierta.core.paging import page_of
from abierta.plans import access
from abierta.plans.todos import overdue_milestones


@staff_required
def overdue_milestones_page(request: HttpRequest) -> HttpResponse:
    if not access.may_follow_up_milestones(request.user):
        raise PermissionDenied
    milestones = overdue_milestones(request.user).order_by("end_date", "pk")
    return render(request, "plans/staff/overdue_milestones.html", {"page": page_of(request, milestones, 30)})
