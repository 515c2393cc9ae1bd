"""Who may do what in the action plan, and the one way a view gets a protected object.

Each predicate takes the request's user and answers True or False; staff roles count only with a
verified second factor (see ``abierta.accounts.roles``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from abierta.accounts.models import User
from abierta.accounts.roles import has_role, staff_user
from abierta.plans.models import ActionPlan, Comment, Commitment, Milestone

R = User.Role


def may_edit_commitment(user: Any, commitment: Commitment) -> bool:
    """Post progress, change milestone status and self-assess completion."""
    staff = staff_user(user)
    if staff is None:
        return False
    if staff.role in (R.ADMIN, R.TRANSPARENCY):
        return True
    if staff.role != R.EDITOR or staff.institution_id is None:
        return False
    if commitment.lead_institution_id == staff.institution_id:
        return True
    return commitment.supporting_institutions.filter(pk=staff.institution_id).exists()


def may_assess_opened_government(user: Any) -> bool:
    """Rate "did it open government?": an assessment the independent monitors make."""
    return has_role(user, R.MONITOR, R.TRANSPARENCY, R.ADMIN)


def may_publish_report(user: Any, plan: ActionPlan) -> bool:
    """Only the monitoring body (or a platform admin on its behalf) publishes its reports.

    A report is published under the account's institution, so an account without one cannot.
    """
    return has_role(user, R.MONITOR, R.ADMIN) and user.institution_id is not None


def may_manage_committee(user: Any, plan: ActionPlan) -> bool:
    return has_role(user, R.TRANSPARENCY, R.ADMIN)


def may_record_meeting(user: Any, plan: ActionPlan) -> bool:
    return has_role(user, R.COMMITTEE, R.TRANSPARENCY, R.ADMIN)


def may_moderate(user: Any) -> bool:
    return has_role(user, R.TRANSPARENCY, R.ADMIN)


def may_comment(user: Any) -> bool:
    """Any signed-in person with a confirmed email; staff only with their second factor."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "email_verified", False):
        return False
    return not user.is_staff_role or staff_user(user) is not None


def is_staff(user: Any) -> bool:
    return staff_user(user) is not None


def commitment_for_editor(user: Any, pk: int) -> Commitment:
    commitment = get_object_or_404(Commitment.objects.select_related("plan"), pk=pk)
    if not may_edit_commitment(user, commitment):
        raise PermissionDenied
    return commitment


def milestone_for_editor(user: Any, pk: int) -> Milestone:
    milestone = get_object_or_404(Milestone.objects.select_related("commitment__plan"), pk=pk)
    if not may_edit_commitment(user, milestone.commitment):
        raise PermissionDenied
    return milestone


def commitment_for_assessor(user: Any, pk: int) -> Commitment:
    commitment = get_object_or_404(Commitment.objects.select_related("plan"), pk=pk)
    if not (may_edit_commitment(user, commitment) or may_assess_opened_government(user)):
        raise PermissionDenied
    return commitment


def plan_for(user: Any, slug: str, predicate: Any) -> ActionPlan:
    plan = get_object_or_404(ActionPlan, slug=slug)
    if not predicate(user, plan):
        raise PermissionDenied
    return plan


def comment_for_moderator(user: Any, pk: int) -> Comment:
    comment = get_object_or_404(Comment, pk=pk)
    if not may_moderate(user):
        raise PermissionDenied
    return comment
