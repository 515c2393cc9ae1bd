"""Who may record the measurements of a development plan's goals, and the one way a view gets a
goal it may touch. Staff roles count only with a verified second factor (``abierta.accounts.roles``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from abierta.accounts.models import User
from abierta.accounts.roles import staff_user
from abierta.core.staffhome import StaffGroup, StaffLine, StaffLink
from abierta.development.models import DevelopmentPlan, Goal

R = User.Role


def may_measure(user: Any, goal: Goal) -> bool:
    """Record a measurement of the goal's indicator: an editor of the goal's responsible office,
    the transparency officer or a platform admin."""
    staff = staff_user(user)
    if staff is None:
        return False
    if staff.role in (R.ADMIN, R.TRANSPARENCY):
        return True
    return staff.role == R.EDITOR and staff.institution_id is not None and staff.institution_id == goal.responsible_id


def may_import(user: Any) -> bool:
    """Import a development plan (its goals) or its measurements from a file: the transparency
    officer or a platform admin."""
    staff = staff_user(user)
    return staff is not None and staff.role in (R.ADMIN, R.TRANSPARENCY)


def goal_for_measurer(user: Any, pk: int) -> Goal:
    goal = get_object_or_404(Goal.objects.select_related("plan", "programme__pillar", "responsible"), pk=pk)
    if not may_measure(user, goal):
        raise PermissionDenied
    return goal


def goals_to_measure(user: Any) -> list[Goal]:
    """The goals whose measurements the user keeps (for the staff dashboard)."""
    staff = staff_user(user)
    if staff is None:
        return []
    goals = Goal.objects.select_related("plan", "responsible").order_by("plan__slug", "code")
    if staff.role in (R.ADMIN, R.TRANSPARENCY):
        return list(goals)
    if staff.role == R.EDITOR and staff.institution_id is not None:
        return list(goals.filter(responsible_id=staff.institution_id))
    return []


def staff_links(user: Any) -> list[StaffGroup]:
    """The staff home's links: the goals the user measures, and the plans they may import into."""
    goals = [
        StaffLine(
            (
                StaffLink(g.code, g.get_absolute_url(), note=f"{g.title} ({g.plan.title})"),
                StaffLink(
                    _("record a measurement"), reverse("development:measurement_new", args=[g.pk]), hidden=f": {g.code}"
                ),
            )
        )
        for g in goals_to_measure(user)
    ]
    imports = []
    if may_import(user):
        imports = [
            StaffLine(
                (
                    StaffLink(
                        _("Import goals or measurements into %(title)s") % {"title": p.title},
                        reverse("development:plan_import", args=[p.slug]),
                    ),
                )
            )
            for p in DevelopmentPlan.objects.order_by("-period_start", "slug")
        ]
    return [
        StaffGroup(_("Development plan goals you measure"), tuple(goals)),
        StaffGroup(_("Import a development plan from a file"), tuple(imports)),
    ]
