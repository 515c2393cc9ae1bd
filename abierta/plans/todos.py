"""What waits for staff in the action plans: comments to review and milestones past their end date
without evidence (counted for the staff home, listed on their own page)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from abierta.accounts.models import User
from abierta.accounts.roles import staff_user
from abierta.core.staffhome import Todo
from abierta.plans import access
from abierta.plans.models import Comment, Milestone, ProgressUpdate


def _with_evidence() -> QuerySet[ProgressUpdate]:
    return ProgressUpdate.objects.filter(milestone=OuterRef("pk")).exclude(evidence_file="", evidence_url="")


def overdue_milestones(user: Any, today: datetime.date | None = None) -> QuerySet[Milestone]:
    """Milestones the user reports on whose end date has passed, not cancelled, with no progress
    report carrying evidence (a file or a link): what an office must document. An office editor sees
    those of the commitments their office leads or supports; the transparency office and the
    administrators, all of them."""
    staff = staff_user(user)
    milestones = Milestone.objects.none()
    if staff is None:
        return milestones
    day = today or timezone.localdate()
    milestones = (
        Milestone.objects.filter(end_date__lt=day)
        .exclude(status=Milestone.Status.CANCELLED)
        .exclude(Exists(_with_evidence()))
        .select_related("commitment", "commitment__plan")
    )
    if staff.role in (User.Role.ADMIN, User.Role.TRANSPARENCY):
        return milestones
    if staff.role == User.Role.EDITOR and staff.institution_id is not None:
        office = staff.institution_id
        return milestones.filter(
            Q(commitment__lead_institution_id=office) | Q(commitment__supporting_institutions=office)
        ).distinct()
    return Milestone.objects.none()


def todos(user: Any) -> list[Todo]:
    found = []
    if access.may_moderate(user):
        n = Comment.objects.filter(needs_review=True).count()
        text = ngettext("%(n)d comment to review", "%(n)d comments to review", n) % {"n": n}
        found.append(Todo(text, n, reverse("plans:moderation"), kind="moderation"))
    if not access.may_follow_up_milestones(user):
        return found
    n = overdue_milestones(user).count()
    text = ngettext(
        "%(n)d milestone past its end date without evidence", "%(n)d milestones past their end date without evidence", n
    ) % {"n": n}
    found.append(Todo(text, n, reverse("plans:overdue_milestones"), urgent=True))
    return found
