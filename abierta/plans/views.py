"""Public pages of the action plan: anyone reads them, without an account or JavaScript."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from abierta.core.cache import public_page
from abierta.core.csvexport import CsvResponse
from abierta.core.models import ChangeRecord
from abierta.core.paging import PER_PAGE, page_of
from abierta.plans import access, services
from abierta.plans.forms import CommentForm, CommentReportForm
from abierta.plans.models import (
    ActionPlan,
    Comment,
    CommitteeMeeting,
    Milestone,
    MonitoringReport,
    ProgressUpdate,
)


def _published_plan(slug: str) -> ActionPlan:
    return get_object_or_404(ActionPlan.objects.filter(is_published=True), slug=slug)


@public_page
def plan_detail(request: HttpRequest, slug: str) -> HttpResponse:
    plan = _published_plan(slug)
    commitments = list(
        plan.commitments.select_related("lead_institution")
        .annotate(
            milestones_total=Count("milestones", distinct=True),
            milestones_done=Count("milestones", filter=Q(milestones__status=Milestone.Status.COMPLETED), distinct=True),
        )
        .order_by("order", "code")
    )
    for c in commitments:
        c.milestones_percent = round(100 * c.milestones_done / c.milestones_total) if c.milestones_total else 0  # type: ignore[attr-defined]
    comments = page_of(request, plan.comments.filter(commitment__isnull=True).select_related("author"))
    context = {
        "plan": plan,
        "commitments": commitments,
        "chart_height": 24 * len(commitments) + 8,
        "lead_institutions": plan.lead_institutions.all(),
        "reports": plan.reports.select_related("commitment", "institution"),
        "endorsements": plan.endorsements.all(),
        "committee_count": plan.committee_members.count(),
        "tables_count": plan.working_tables.count(),
        "comments": comments.object_list,
        "comments_page": comments,
        "comment_form": CommentForm(),
        "can_comment": access.may_comment(request.user),
    }
    return render(request, "plans/plan_detail.html", context)


# How many progress updates of each milestone the commitment page shows (the latest).
UPDATES_SHOWN = 3


@public_page
def commitment_detail(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    plan = _published_plan(slug)
    commitment = get_object_or_404(
        plan.commitments.select_related("lead_institution").prefetch_related("supporting_institutions"),
        code=code,
    )
    # The latest updates of each milestone only: a milestone's full list has its own page.
    latest = ProgressUpdate.objects.select_related("institution")[:UPDATES_SHOWN]
    milestones = (
        commitment.milestones.select_related("responsible")
        .annotate(updates_total=Count("updates"))
        .prefetch_related(Prefetch("updates", queryset=latest, to_attr="latest_updates"))
    )
    history = ChangeRecord.objects.filter(scope=commitment.history_scope()).select_related("content_type")
    comments = page_of(request, commitment.comments.select_related("author"))
    context = {
        "plan": plan,
        "commitment": commitment,
        "milestones": milestones,
        "reports": commitment.reports.all(),
        "history": history[:20],
        "history_more": history.count() > 20,
        "comments": comments.object_list,
        "comments_page": comments,
        "comment_form": CommentForm(),
        "can_comment": access.may_comment(request.user),
        "can_edit": access.may_edit_commitment(request.user, commitment),
        "goals": commitment.goals.filter(plan__is_published=True)
        .select_related("plan")
        .order_by("plan__title", "code"),
    }
    return render(request, "plans/commitment_detail.html", context)


@public_page
def milestone_updates(request: HttpRequest, slug: str, code: str, pk: int) -> HttpResponse:
    """Every progress update of one milestone, newest first, 50 a page."""
    plan = _published_plan(slug)
    commitment = get_object_or_404(plan.commitments, code=code)
    milestone = get_object_or_404(commitment.milestones.select_related("responsible"), pk=pk)
    updates = milestone.updates.select_related("institution")
    page = page_of(request, updates, 50)
    context = {
        "plan": plan,
        "commitment": commitment,
        "milestone": milestone,
        "page": page,
        "can_edit": access.may_edit_commitment(request.user, commitment),
    }
    return render(request, "plans/milestone_updates.html", context)


@public_page
def commitment_history(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    plan = _published_plan(slug)
    commitment = get_object_or_404(plan.commitments, code=code)
    records = ChangeRecord.objects.filter(scope=commitment.history_scope()).select_related("content_type")
    page = page_of(request, records, 50)
    return render(request, "plans/commitment_history.html", {"plan": plan, "commitment": commitment, "page": page})


@public_page
def plan_history(request: HttpRequest, slug: str) -> HttpResponse:
    """The plan's own changes (its texts, its publication, its endorsements), 50 a page."""
    plan = _published_plan(slug)
    records = ChangeRecord.objects.filter(scope=plan.history_scope()).select_related("content_type")
    page = page_of(request, records, 50)
    return render(request, "plans/plan_history.html", {"plan": plan, "page": page})


@public_page
def plan_committee(request: HttpRequest, slug: str) -> HttpResponse:
    plan = _published_plan(slug)
    return render(
        request,
        "plans/committee.html",
        {
            "plan": plan,
            "members": plan.committee_members.select_related("working_table"),
            "meetings": plan.committee_meetings.all(),
        },
    )


# The columns of OGP's commitments data, in its order.
OGP_COLUMNS = [
    "Commitment Unique Identifier",
    "Country/Locality",
    "Action Plan Number",
    "Commitment Title",
    "Lead Institution",
    "Supporting Institution(s)",
    "OGP Value Access To Information",
    "OGP Value Civic Participation",
    "OGP Value Public Accountability",
    "OGP Value Technology",
    "Completion",
    "Did It Open Government",
    "Full Text",
]
_COMPLETION_EN = {
    "no_evidence": "No Evidence Available",
    "not_started": "Not Started",
    "limited": "Limited",
    "substantial": "Substantial",
    "complete": "Complete",
}
_OPENED_EN = {
    "": "",
    "worsened": "Worsened",
    "did_not_change": "Did Not Change",
    "marginal": "Marginal",
    "major": "Major",
    "outstanding": "Outstanding",
}


def commitments_csv(request: HttpRequest, slug: str) -> HttpResponse:
    plan = _published_plan(slug)
    response = CsvResponse(f"{plan.slug}-commitments.csv", OGP_COLUMNS)
    plan_number = f"{plan.jurisdiction} {plan.period_start}-{plan.period_end}"
    qs = plan.commitments.select_related("lead_institution").prefetch_related("supporting_institutions")
    for c in qs:
        full_text = "\n\n".join(part for part in (c.problem, c.status_quo, c.description, c.objective) if part)
        response.add_row(
            [
                c.code,
                plan.jurisdiction,
                plan_number,
                c.title,
                c.lead_institution.name,
                "; ".join(i.name for i in c.supporting_institutions.all()),
                _yes(c.value_access_to_information),
                _yes(c.value_civic_participation),
                _yes(c.value_public_accountability),
                _yes(c.value_technology),
                _COMPLETION_EN[c.completion],
                _OPENED_EN[c.opened_government],
                full_text,
            ]
        )
    return response


def _yes(value: bool) -> str:
    return "Yes" if value else "No"


def _serve(file_field: object, download_name: str) -> FileResponse:
    if not file_field:
        raise Http404
    name = getattr(file_field, "name", "")
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    try:
        handle = file_field.open("rb")  # type: ignore[attr-defined]
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=content_type, as_attachment=False, filename=download_name)
    response["Cache-Control"] = "public, max-age=86400"
    return response


def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    update = get_object_or_404(ProgressUpdate.objects.filter(milestone__commitment__plan__is_published=True), pk=pk)
    return _serve(update.evidence_file, update.evidence_name or "evidencia")


def report_file(request: HttpRequest, pk: int) -> FileResponse:
    report = get_object_or_404(MonitoringReport.objects.filter(plan__is_published=True), pk=pk)
    return _serve(report.file, f"{report.title[:80]}.pdf")


def minutes_file(request: HttpRequest, pk: int) -> FileResponse:
    meeting = get_object_or_404(CommitteeMeeting.objects.filter(plan__is_published=True), pk=pk)
    return _serve(meeting.minutes, f"acta-{meeting.date:%Y-%m-%d}.pdf")


@require_POST
def comment_create(request: HttpRequest, slug: str, code: str | None = None) -> HttpResponse:
    plan = _published_plan(slug)
    commitment = get_object_or_404(plan.commitments, code=code) if code else None
    target = commitment.get_absolute_url() if commitment else plan.get_absolute_url()
    if not request.user.is_authenticated:
        return redirect_to_login(target)
    if not access.may_comment(request.user):
        raise PermissionDenied
    form = CommentForm(request.POST)
    status = 400
    if form.is_valid() and not services.comment_allowed(author=request.user):
        form.add_error(
            None,
            _(
                "You have published many comments in a short time. Wait a few minutes and send it again; "
                "your text is kept below."
            ),
        )
        status = 429
    if not form.is_valid():
        # Show the comments again with the error and what was typed (htmx swaps in the same section).
        comments = commitment.comments if commitment else plan.comments.filter(commitment__isnull=True)
        page = page_of(request, comments.select_related("author"))
        context = {
            "plan": plan,
            "commitment": commitment,
            "comments": page.object_list,
            "comments_page": page,
            "page_path": target,
            "comment_form": form,
            "can_comment": True,
        }
        return render(request, "plans/comment_form_page.html", context, status=status)
    comment = services.comment_post(
        plan=plan, commitment=commitment, author=request.user, body=form.cleaned_data["body"]
    )
    messages.success(request, _("Your comment was published."))
    # To the page of the comments that holds the new one (the last).
    comments = commitment.comments if commitment else plan.comments.filter(commitment__isnull=True)
    last = (comments.count() - 1) // PER_PAGE + 1
    return redirect(f"{target}{f'?page={last}' if last > 1 else ''}#comentario-{comment.pk}")


def comment_report(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(
        Comment.objects.select_related("plan", "commitment"), pk=pk, status=Comment.Status.PUBLISHED
    )
    target = comment.commitment.get_absolute_url() if comment.commitment else comment.plan.get_absolute_url()
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not access.may_comment(request.user):
        raise PermissionDenied
    form = CommentReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.comment_report(comment=comment, reporter=request.user, reason=form.cleaned_data["reason"]):
            messages.success(request, _("Thank you. A moderator will review this comment."))
        else:
            messages.info(request, _("You had already reported this comment."))
        return HttpResponseRedirect(f"{target}#comentarios")
    return render(
        request,
        "plans/comment_report.html",
        {"comment": comment, "form": form},
        status=400 if request.method == "POST" else 200,
    )
