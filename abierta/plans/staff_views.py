"""Pages where the city's staff keep the action plan up to date ("Gestión")."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from abierta.accounts.decorators import staff_required
from abierta.accounts.models import User
from abierta.core import staffhome
from abierta.core.paging import page_of
from abierta.plans import access, services
from abierta.plans.forms import (
    AssessmentForm,
    CommitteeMeetingForm,
    CommitteeMemberForm,
    MilestoneForm,
    ModerationForm,
    MonitoringReportForm,
    ProgressUpdateForm,
)
from abierta.plans.models import Comment, Commitment, Milestone


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
        return redirect(commitment.get_absolute_url())
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
        return redirect(milestone.commitment.get_absolute_url())
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
        return redirect(commitment.get_absolute_url())
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
