"""Pages where the city's staff keep the action plan up to date ("Gestión")."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from abierta.accounts.decorators import staff_required
from abierta.accounts.models import User
from abierta.core import staffhome
from abierta.core.models import ChangeRecord
from abierta.core.paging import page_of
from abierta.plans import access, services
from abierta.plans.forms import (
    ActionPlanForm,
    AssessmentForm,
    CommitmentForm,
    CommitteeMeetingForm,
    CommitteeMemberForm,
    EndorsementForm,
    MilestoneForm,
    ModerationForm,
    MonitoringReportForm,
    ProgressUpdateForm,
)
from abierta.plans.models import ActionPlan, Comment, Commitment, Milestone


def _user(request: HttpRequest) -> User:
    if not isinstance(request.user, User):  # staff_required let only signed-in staff through
        raise PermissionDenied
    return request.user


@staff_required
def milestone_new(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = access.commitment_for_editor(request.user, pk)
    return _milestone_form(request, Milestone(commitment=commitment), commitment)


@staff_required
def milestone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = access.milestone_for_editor(request.user, pk)
    return _milestone_form(request, milestone, milestone.commitment)


def _milestone_form(request: HttpRequest, milestone: Milestone, commitment: Commitment) -> HttpResponse:
    form = MilestoneForm(request.POST or None, instance=milestone)
    if request.method == "POST" and form.is_valid():
        services.milestone_save(milestone=form.save(commit=False), actor=_user(request))
        messages.success(request, _("The milestone is saved."))
        return redirect(access.commitment_home(commitment))
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "commitment": commitment, "milestone": milestone}
    return render(request, "plans/staff/milestone_form.html", context, status=status)


@staff_required
def progress_new(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = access.milestone_for_editor(request.user, pk)
    form = ProgressUpdateForm(request.POST or None, request.FILES or None, initial={"status": milestone.status})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        update = services.progress_update_post(
            milestone=milestone,
            actor=_user(request),
            date=data["date"],
            text=data["text"],
            evidence=data.get("evidence_file") or None,
            evidence_kind=data.get("evidence_file_kind", ""),
            evidence_url=data.get("evidence_url", ""),
            new_status=data["status"],
        )
        if update.evidence_pending:
            messages.success(
                request,
                _(
                    "The progress update is published. Its evidence image appears in a moment, once its "
                    "location and camera data are removed."
                ),
            )
        else:
            messages.success(request, _("The progress update is published."))
        return redirect(access.commitment_home(milestone.commitment))
    status = 400 if request.method == "POST" else 200
    return render(request, "plans/staff/progress_form.html", {"milestone": milestone, "form": form}, status=status)


def _assessment_fields(user: Any, commitment: Commitment) -> tuple[str, ...]:
    fields: tuple[str, ...] = ()
    if access.may_edit_commitment(user, commitment) or access.may_assess_opened_government(user):
        fields += ("completion",)
    if access.may_assess_opened_government(user):
        fields += ("opened_government",)
    return fields


@staff_required
def commitment_assess(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = access.commitment_for_assessor(request.user, pk)
    fields = _assessment_fields(request.user, commitment)
    initial = {"completion": commitment.completion, "opened_government": commitment.opened_government}
    form = AssessmentForm(request.POST or None, initial=initial, fields=fields)
    if request.method == "POST" and form.is_valid():
        services.commitment_assess(
            commitment=commitment, actor=_user(request), **{f: form.cleaned_data[f] for f in fields}
        )
        messages.success(request, _("The assessment is saved."))
        return redirect(access.commitment_home(commitment))
    status = 400 if request.method == "POST" else 200
    return render(request, "plans/staff/assess_form.html", {"commitment": commitment, "form": form}, status=status)


@staff_required
def report_new(request: HttpRequest, slug: str) -> HttpResponse:
    plan = access.plan_for(request.user, slug, access.may_publish_report)
    form = MonitoringReportForm(request.POST or None, request.FILES or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.report_publish(
            plan=plan,
            actor=_user(request),
            kind=data["kind"],
            title=data["title"],
            summary=data["summary"],
            published_on=data["published_on"],
            file=data["file"],
            file_kind=data["file_kind"],
            commitment=data.get("commitment"),
        )
        messages.success(request, _("The report is published on the plan's page."))
        return redirect(plan.get_absolute_url() + "#informes")
    status = 400 if request.method == "POST" else 200
    return render(request, "plans/staff/report_form.html", {"plan": plan, "form": form}, status=status)


@staff_required
def committee_member_new(request: HttpRequest, slug: str) -> HttpResponse:
    plan = access.plan_for(request.user, slug, access.may_manage_committee)
    form = CommitteeMemberForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        services.committee_member_add(plan=plan, actor=_user(request), **form.cleaned_data)
        messages.success(request, _("The committee member is added."))
        return redirect("plans:committee", slug=plan.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "plans/staff/member_form.html", {"plan": plan, "form": form}, status=status)


@staff_required
def committee_meeting_new(request: HttpRequest, slug: str) -> HttpResponse:
    plan = access.plan_for(request.user, slug, access.may_record_meeting)
    form = CommitteeMeetingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.committee_meeting_add(
            plan=plan,
            actor=_user(request),
            date=data["date"],
            place=data["place"],
            summary=data["summary"],
            minutes=data.get("minutes") or None,
            minutes_kind=data.get("minutes_kind", ""),
        )
        messages.success(request, _("The meeting is published."))
        return redirect("plans:committee", slug=plan.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "plans/staff/meeting_form.html", {"plan": plan, "form": form}, status=status)


@staff_required
def moderation_queue(request: HttpRequest) -> HttpResponse:
    if not access.may_moderate(request.user):
        raise PermissionDenied
    comments = (
        Comment.objects.filter(Q(needs_review=True) | Q(status=Comment.Status.HIDDEN))
        .select_related("author", "plan", "commitment")
        .prefetch_related("reports")
        .order_by("-needs_review", "-created_at")
    )
    page = page_of(request, comments, 30)
    # One entry point for everything moderators must read: the questions of the dialogue sessions
    # are moderated on their session's page (with the session's live state), listed here with counts.
    waiting = staffhome.todos_for(request.user, kind="moderation")
    context = {"page": page, "form": ModerationForm(), "waiting": waiting}
    return render(request, "plans/staff/moderation.html", context)


@require_POST
@staff_required
def comment_moderate(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    comment = access.comment_for_moderator(request.user, pk)
    form = ModerationForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.comment_moderate(comment=comment, moderator=_user(request), hide=action == "ocultar", reason=reason)
    messages.success(
        request, _("The comment is hidden.") if action == "ocultar" else _("The comment is published again.")
    )
    return redirect("plans:moderation")


# Action plans, their commitments and endorsements: the transparency office runs a new cycle here.


@staff_required
def plan_list(request: HttpRequest) -> HttpResponse:
    if not access.may_manage_plans(request.user):
        raise PermissionDenied
    page = page_of(request, ActionPlan.objects.order_by("-period_start", "title"))
    return render(request, "plans/staff/plan_list.html", {"page": page, "plans": page.object_list})


@staff_required
def plan_new(request: HttpRequest) -> HttpResponse:
    if not access.may_manage_plans(request.user):
        raise PermissionDenied
    return _plan_form(request, ActionPlan(is_published=False))


@staff_required
def plan_edit(request: HttpRequest, slug: str) -> HttpResponse:
    return _plan_form(request, access.plan_for_manager(request.user, slug))


def _plan_form(request: HttpRequest, plan: ActionPlan) -> HttpResponse:
    form = ActionPlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        saved = services.plan_save(
            plan=form.save(commit=False),
            actor=_user(request),
            lead_institutions=form.cleaned_data["lead_institutions"],
            supporting_institutions=form.cleaned_data["supporting_institutions"],
        )
        messages.success(request, _("The action plan is saved."))
        return redirect("plans:staff_plan", slug=saved.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "plans/staff/plan_form.html", {"form": form, "plan": plan}, status=status)


@staff_required
def plan_staff(request: HttpRequest, slug: str) -> HttpResponse:
    """A plan as its managers see it, drafts included: its state, commitments, endorsements and actions."""
    plan = access.plan_for_manager(request.user, slug)
    commitments = plan.commitments.select_related("lead_institution").order_by("order", "code")
    page = page_of(request, commitments)
    history = ChangeRecord.objects.filter(scope=plan.history_scope()).select_related("content_type")
    context = {
        "plan": plan,
        "page": page,
        "commitments": page.object_list,
        "endorsements": plan.endorsements.all(),
        "publish_refusal": access.publish_refusal(plan),
        "commitment_refusal": access.commitment_refusal(plan),
        "history": history[:10],
    }
    return render(request, "plans/staff/plan_staff.html", context)


@staff_required
def plan_publish(request: HttpRequest, slug: str) -> HttpResponse:
    """Publishing asks once more; a plan whose state refuses it answers 409 with the reason."""
    plan = access.plan_for_manager(request.user, slug)
    refusal = access.publish_refusal(plan)
    if request.method == "POST" and not refusal:
        services.plan_publish(plan=plan, actor=_user(request))
        messages.success(request, _("The plan is published: anyone can read it now."))
        return redirect("plans:staff_plan", slug=plan.slug)
    status = 409 if request.method == "POST" else 200
    context = {"plan": plan, "refusal": refusal, "count": plan.commitments.count()}
    return render(request, "plans/staff/plan_publish.html", context, status=status)


@staff_required
def commitment_new(request: HttpRequest, slug: str) -> HttpResponse:
    plan = access.plan_for_manager(request.user, slug)
    refusal = access.commitment_refusal(plan)
    if refusal:
        status = 409 if request.method == "POST" else 200
        context = {"plan": plan, "refusal": refusal, "commitment": Commitment(plan=plan)}
        return render(request, "plans/staff/commitment_form.html", context, status=status)
    return _commitment_form(request, Commitment(plan=plan))


@staff_required
def commitment_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _commitment_form(request, access.commitment_for_manager(request.user, slug, pk))


def _commitment_form(request: HttpRequest, commitment: Commitment) -> HttpResponse:
    form = CommitmentForm(request.POST or None, instance=commitment)
    if request.method == "POST" and form.is_valid():
        saved = services.commitment_save(
            commitment=form.save(commit=False),
            actor=_user(request),
            supporting_institutions=form.cleaned_data["supporting_institutions"],
        )
        messages.success(request, _("The commitment is saved."))
        return redirect(access.commitment_staff_url(saved))
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "plan": commitment.plan, "commitment": commitment}
    return render(request, "plans/staff/commitment_form.html", context, status=status)


@staff_required
def commitment_staff(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A commitment's staff page: its fields, its milestones and what the user may do with them."""
    commitment = access.commitment_for_staff_page(request.user, slug, pk)
    context = {
        "plan": commitment.plan,
        "commitment": commitment,
        "milestones": commitment.milestones.select_related("responsible"),
        "supporting": commitment.supporting_institutions.all(),
        "may_change": access.may_manage_plans(request.user),
        "may_edit": access.may_edit_commitment(request.user, commitment),
    }
    return render(request, "plans/staff/commitment_staff.html", context)


@staff_required
def endorsement_new(request: HttpRequest, slug: str) -> HttpResponse:
    plan = access.plan_for_manager(request.user, slug)
    form = EndorsementForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        services.endorsement_add(plan=plan, actor=_user(request), **form.cleaned_data)
        messages.success(request, _("The endorsement is added."))
        return redirect(reverse("plans:staff_plan", args=[plan.slug]) + "#respaldos")
    status = 400 if request.method == "POST" else 200
    return render(request, "plans/staff/endorsement_form.html", {"plan": plan, "form": form}, status=status)


@staff_required
def endorsement_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    endorsement = access.endorsement_for_manager(request.user, slug, pk)
    plan = endorsement.plan
    if request.method == "POST":
        services.endorsement_remove(endorsement=endorsement, actor=_user(request))
        messages.success(request, _("The endorsement is removed."))
        return redirect(reverse("plans:staff_plan", args=[plan.slug]) + "#respaldos")
    return render(request, "plans/staff/endorsement_remove.html", {"plan": plan, "endorsement": endorsement})
