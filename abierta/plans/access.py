"""Who may do what in the action plan, and the one way a view gets a protected object.

Each predicate takes the request's user and answers True or False; staff roles count only with a
verified second factor (see ``abierta.accounts.roles``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from abierta.accounts.models import User
from abierta.accounts.roles import has_role, staff_user
from abierta.core.staffhome import StaffGroup, StaffLine, StaffLink
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


def may_follow_up_milestones(user: Any) -> bool:
    """See the milestones past their end date without evidence: an office editor (their office's),
    the transparency office and administrators (all)."""
    staff = staff_user(user)
    if staff is None:
        return False
    return staff.role in (R.TRANSPARENCY, R.ADMIN) or (staff.role == R.EDITOR and staff.institution_id is not None)


def may_comment(user: Any) -> bool:
    """Any signed-in person with a confirmed email; staff only with their second factor."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "email_verified", False):
        return False
    return not user.is_staff_role or staff_user(user) is not None


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


def staff_links(user: Any) -> list[StaffGroup]:
    """The staff home's links to the action plans' staff pages that the user may open."""
    commitments = [
        c
        for c in Commitment.objects.select_related("plan", "lead_institution").prefetch_related("milestones")
        if may_edit_commitment(user, c)
    ]
    kept: list[StaffLine] = []
    for c in commitments:
        hidden = f": {c.code}"
        kept.append(
            StaffLine(
                (
                    StaffLink(c.code, c.get_absolute_url(), note=c.title),
                    StaffLink(_("Update completion"), reverse("plans:assess", args=[c.pk]), hidden=hidden),
                    StaffLink(_("Add a milestone"), reverse("plans:milestone_new", args=[c.pk]), hidden=hidden),
                )
            )
        )
        kept += [
            StaffLine(
                (StaffLink(_("report progress"), reverse("plans:progress_new", args=[m.pk]), hidden=f": {m.title}"),),
                label=m.title,
            )
            for m in c.milestones.all()
        ]
    plans = list(ActionPlan.objects.all())
    assess = []
    if may_assess_opened_government(user):
        assess = [
            StaffLine((StaffLink(f"{c.code} {c.title}", reverse("plans:assess", args=[c.pk])),))
            for c in Commitment.objects.select_related("plan")
        ]
    reports = [
        StaffLine(
            (
                StaffLink(
                    _("Publish a report on %(title)s") % {"title": p.title}, reverse("plans:report_new", args=[p.slug])
                ),
            )
        )
        for p in plans
        if may_publish_report(user, p)
    ]
    committee = [
        StaffLine((StaffLink(_("Add a committee member"), reverse("plans:member_new", args=[p.slug])),))
        for p in plans
        if may_manage_committee(user, p)
    ] + [
        StaffLine((StaffLink(_("Record a committee meeting"), reverse("plans:meeting_new", args=[p.slug])),))
        for p in plans
        if may_record_meeting(user, p)
    ]
    moderation = []
    if may_moderate(user):
        count = Comment.objects.filter(needs_review=True).count()
        text = ngettext(
            "Moderation queue (%(n)s comment to review)", "Moderation queue (%(n)s comments to review)", count
        ) % {"n": count}
        moderation = [StaffLine((StaffLink(text, reverse("plans:moderation")),))]
    return [
        StaffGroup(_("Commitments you keep up to date"), tuple(kept)),
        StaffGroup(_("Assess commitments"), tuple(assess)),
        StaffGroup(_("Monitoring reports"), tuple(reports)),
        StaffGroup(_("Citizen Monitoring Committee"), tuple(committee)),
        StaffGroup(_("Comments"), tuple(moderation)),
    ]
