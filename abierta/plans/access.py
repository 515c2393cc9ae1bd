"""Who may do what in the action plan, and the one way a view gets a protected object.

Each predicate takes the request's user and answers True or False; staff roles count only with a
verified second factor (see ``abierta.accounts.roles``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from abierta.accounts.models import User
from abierta.accounts.roles import has_role, staff_user
from abierta.core.staffhome import StaffGroup, StaffLine, StaffLink
from abierta.plans.models import ActionPlan, Comment, Commitment, Endorsement, Milestone

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


def may_manage_plans(user: Any) -> bool:
    """Create and edit action plans, their commitments and endorsements: the transparency office
    and platform administrators. Office editors keep only their commitments' progress up to date."""
    return has_role(user, R.TRANSPARENCY, R.ADMIN)


def plan_ended(plan: ActionPlan) -> bool:
    """The plan's end date has passed: its list of commitments is closed."""
    return plan.ends_on is not None and plan.ends_on < timezone.localdate()


def publish_refusal(plan: ActionPlan) -> str:
    """Why the plan cannot be published now, in plain words; empty when it can."""
    if plan.is_published:
        return _("This plan is already published. A published plan stays public; correct it by editing it.")
    if not plan.commitments.exists():
        return _("Add at least one commitment before publishing the plan.")
    return ""


def may_publish_plan(user: Any, plan: ActionPlan) -> bool:
    return may_manage_plans(user) and not publish_refusal(plan)


def commitment_refusal(plan: ActionPlan) -> str:
    """Why no commitment can be added to the plan now; empty when one can."""
    if plan_ended(plan):
        ended = formats.date_format(plan.ends_on, "DATE_FORMAT") if plan.ends_on else ""
        return _(
            "This plan ended on %(date)s: its commitments are closed. New commitments belong in the next plan."
        ) % {"date": ended}
    return ""


def may_add_commitment(user: Any, plan: ActionPlan) -> bool:
    return may_manage_plans(user) and not commitment_refusal(plan)


def plan_for_manager(user: Any, slug: str) -> ActionPlan:
    """A plan, drafts included, for the staff who manage plans (403 for anyone else)."""
    if not may_manage_plans(user):
        raise PermissionDenied
    return get_object_or_404(ActionPlan, slug=slug)


def commitment_for_manager(user: Any, slug: str, pk: int) -> Commitment:
    """A commitment of the plan ``slug``: a commitment of another plan is not found."""
    if not may_manage_plans(user):
        raise PermissionDenied
    return get_object_or_404(Commitment.objects.select_related("plan"), pk=pk, plan__slug=slug)


def commitment_for_staff_page(user: Any, slug: str, pk: int) -> Commitment:
    """The commitment's staff page: for who manages plans and for the editors who keep it up to date."""
    commitments = Commitment.objects.select_related("plan", "lead_institution")
    commitment = get_object_or_404(commitments, pk=pk, plan__slug=slug)
    if not (may_manage_plans(user) or may_edit_commitment(user, commitment)):
        raise PermissionDenied
    return commitment


def endorsement_for_manager(user: Any, slug: str, pk: int) -> Endorsement:
    if not may_manage_plans(user):
        raise PermissionDenied
    return get_object_or_404(Endorsement.objects.select_related("plan"), pk=pk, plan__slug=slug)


def commitment_staff_url(commitment: Commitment) -> str:
    return reverse("plans:staff_commitment", args=[commitment.plan.slug, commitment.pk])


def commitment_home(commitment: Commitment) -> str:
    """Where staff go back to after a change: the public page once the plan is published, the staff
    page while it is a draft (its public page is not found)."""
    return commitment.get_absolute_url() if commitment.plan.is_published else commitment_staff_url(commitment)


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
                    StaffLink(c.code, commitment_home(c), note=c.title),
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
    manage = []
    if may_manage_plans(user):
        drafts = sum(1 for p in plans if not p.is_published)
        note = ngettext("%(n)s draft", "%(n)s drafts", drafts) % {"n": drafts} if drafts else ""
        manage = [
            StaffLine((StaffLink(_("Action plans and their commitments"), reverse("plans:staff_plans"), note=note),)),
            StaffLine((StaffLink(_("Create the next action plan"), reverse("plans:staff_plan_new")),)),
        ]
    return [
        StaffGroup(_("Action plans"), tuple(manage)),
        StaffGroup(_("Commitments you keep up to date"), tuple(kept)),
        StaffGroup(_("Assess commitments"), tuple(assess)),
        StaffGroup(_("Monitoring reports"), tuple(reports)),
        StaffGroup(_("Citizen Monitoring Committee"), tuple(committee)),
        StaffGroup(_("Comments"), tuple(moderation)),
    ]
