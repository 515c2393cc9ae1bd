"""Operations on the action plan. Each validates nothing (forms do), writes atomically and
keeps the public history."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from abierta.accounts.models import User
from abierta.core import history, ratelimit
from abierta.core.models import ChangeRecord, Institution, ProcessedImage
from abierta.core.uploads import IMAGES, clean_file, enqueue_image_publish, stash_original
from abierta.plans.models import (
    ActionPlan,
    Comment,
    CommentReport,
    Commitment,
    CommitteeMeeting,
    CommitteeMember,
    Endorsement,
    Milestone,
    MonitoringReport,
    ProgressUpdate,
)


@transaction.atomic
def progress_update_post(
    *,
    milestone: Milestone,
    actor: User,
    date: datetime.date,
    text: str,
    evidence: Any = None,
    evidence_kind: str = "",
    evidence_url: str = "",
    new_status: str = "",
) -> ProgressUpdate:
    """Publish a dated report of progress, its evidence and the milestone's new status. An evidence
    image is shown once the queue has stripped its metadata; a PDF or a link at once."""
    update = ProgressUpdate(
        milestone=milestone,
        date=date,
        text=text,
        evidence_url=evidence_url,
        author=actor,
        institution=actor.institution,
    )
    if evidence is not None:
        update.evidence_name = str(evidence.name)[:200]
        update.evidence_kind = evidence_kind
        if evidence_kind in IMAGES:
            # Nothing is decoded here: the original waits in private storage, the queue strips its
            # metadata and publishes it (``core.uploads.image_publish``).
            stashed = stash_original(evidence, evidence_kind)
            update.evidence_original.save(stashed.name or "evidence", stashed, save=False)
            update.evidence_state = ProcessedImage.State.PENDING
        else:  # a PDF is kept as it came
            stored = clean_file(evidence, evidence_kind)
            update.evidence_file.save(stored.name or "evidence", stored, save=False)
    update.save()
    history.record(update, actor=actor, before=None)
    if new_status and new_status != milestone.status:
        before = history.snapshot(milestone)
        milestone.status = new_status
        milestone.save(update_fields=["status"])
        history.record(milestone, actor=actor, before=before)
    if update.evidence_pending:
        # A row of this transaction (the database queue): the task exists if and only if the update does.
        enqueue_image_publish(update)
    return update


@transaction.atomic
def milestone_save(*, milestone: Milestone, actor: User) -> Milestone:
    """Create or change a milestone (already filled in by its form) and keep the public history."""
    before = history.snapshot(Milestone.objects.get(pk=milestone.pk)) if milestone.pk else None
    if milestone.pk is None:
        last = milestone.commitment.milestones.order_by("-order").values_list("order", flat=True).first()
        milestone.order = (last or 0) + 1
    milestone.save()
    history.record(milestone, actor=actor, before=before)
    return milestone


@transaction.atomic
def commitment_assess(*, commitment: Commitment, actor: User, **values: str) -> Commitment:
    """Set ``completion`` and/or ``opened_government``."""
    before = history.snapshot(commitment)
    for name, value in values.items():
        setattr(commitment, name, value)
    commitment.save(update_fields=list(values))
    history.record(commitment, actor=actor, before=before)
    return commitment


@transaction.atomic
def report_publish(
    *,
    plan: ActionPlan,
    actor: User,
    kind: str,
    title: str,
    summary: str,
    published_on: datetime.date,
    file: Any,
    file_kind: str,
    commitment: Commitment | None = None,
) -> MonitoringReport:
    if actor.institution is None:  # access.may_publish_report requires one
        raise ValueError("A monitoring report is published on behalf of an institution.")
    report = MonitoringReport(
        plan=plan,
        kind=kind,
        title=title,
        summary=summary,
        published_on=published_on,
        commitment=commitment,
        institution=actor.institution,
        uploaded_by=actor,
    )
    stored = clean_file(file, file_kind)
    report.file.save(stored.name or "report.pdf", stored, save=False)
    report.save()
    history.record(report, actor=actor, before=None)
    return report


@transaction.atomic
def committee_member_add(*, plan: ActionPlan, actor: User, **fields: Any) -> CommitteeMember:
    member = CommitteeMember.objects.create(plan=plan, **fields)
    history.record(member, actor=actor, before=None)
    return member


@transaction.atomic
def committee_meeting_add(
    *,
    plan: ActionPlan,
    actor: User,
    date: datetime.date,
    place: str,
    summary: str,
    minutes: Any = None,
    minutes_kind: str = "",
) -> CommitteeMeeting:
    meeting = CommitteeMeeting(plan=plan, date=date, place=place, summary=summary, created_by=actor)
    if minutes is not None:
        stored = clean_file(minutes, minutes_kind)
        meeting.minutes.save(stored.name or "minutes.pdf", stored, save=False)
    meeting.save()
    history.record(meeting, actor=actor, before=None)
    return meeting


def _comment_windows() -> list[tuple[str, int, int]]:
    return [
        ("10min", 600, settings.ABIERTA_COMMENTS_PER_10_MINUTES),
        ("day", 86400, settings.ABIERTA_COMMENTS_PER_DAY),
    ]


def comment_allowed(*, author: User) -> bool:
    """Whether ``author`` may publish one more comment now: at most so many in ten minutes and in
    a day, counted per account in ``core.ratelimit``."""
    return all(
        ratelimit.count(f"plans:comments:{name}:{author.pk}") < limit for name, _window, limit in _comment_windows()
    )


def comment_post(*, plan: ActionPlan, author: User, body: str, commitment: Commitment | None = None) -> Comment:
    comment = Comment.objects.create(plan=plan, commitment=commitment, author=author, body=body)
    for name, window, _limit in _comment_windows():
        ratelimit.hit(f"plans:comments:{name}:{author.pk}", window=window)
    return comment


def _reports_that_hide(comment: Comment) -> int:
    """Reports from accounts whose email was confirmed at least ABIERTA_COMMENT_REPORTER_MIN_AGE_DAYS ago."""
    seasoned = timezone.now() - datetime.timedelta(days=settings.ABIERTA_COMMENT_REPORTER_MIN_AGE_DAYS)
    return CommentReport.objects.filter(
        comment=comment, reporter__email_verified=True, reporter__email_verified_at__lte=seasoned
    ).count()


@transaction.atomic
def comment_report(*, comment: Comment, reporter: User, reason: str) -> bool:
    """Record a report of abuse; False if this person had already reported this comment.

    Every report flags the comment for review; before a review it is hidden only once enough
    long-standing accounts have reported it (new accounts cannot censor by numbers)."""
    try:
        with transaction.atomic():
            CommentReport.objects.create(comment=comment, reporter=reporter, reason=reason)
    except IntegrityError:
        return False
    Comment.objects.filter(pk=comment.pk).update(report_count=F("report_count") + 1, needs_review=True)
    comment.refresh_from_db()
    if (
        comment.status == Comment.Status.PUBLISHED
        and comment.moderated_at is None
        and _reports_that_hide(comment) >= settings.ABIERTA_COMMENT_HIDE_AFTER_REPORTS
    ):
        comment.status = Comment.Status.HIDDEN
        comment.save(update_fields=["status"])
    return True


def comment_moderate(*, comment: Comment, moderator: User, hide: bool, reason: str = "") -> Comment:
    comment.status = Comment.Status.HIDDEN if hide else Comment.Status.PUBLISHED
    comment.moderation_reason = reason if hide else ""
    comment.moderated_by = moderator
    comment.moderated_at = timezone.now()
    comment.needs_review = False
    comment.save(update_fields=["status", "moderation_reason", "moderated_by", "moderated_at", "needs_review"])
    return comment


@transaction.atomic
def plan_save(
    *,
    plan: ActionPlan,
    actor: User,
    lead_institutions: Iterable[Institution],
    supporting_institutions: Iterable[Institution],
) -> ActionPlan:
    """Create or change an action plan (already filled in by its form). A new plan starts as a
    draft: no public page shows it until :func:`plan_publish`."""
    before = history.snapshot(ActionPlan.objects.get(pk=plan.pk)) if plan.pk else None
    if plan.pk is None:
        plan.is_published = False
    plan.save()
    plan.lead_institutions.set(lead_institutions)
    plan.supporting_institutions.set(supporting_institutions)
    history.record(plan, actor=actor, before=before)
    return plan


@transaction.atomic
def plan_publish(*, plan: ActionPlan, actor: User) -> ActionPlan:
    """Make a draft plan public: its page, its commitments, the API and the open data."""
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    before = history.snapshot(plan)
    plan.is_published = True
    plan.save(update_fields=["is_published"])
    history.record(plan, actor=actor, before=before)
    return plan


@transaction.atomic
def commitment_save(
    *, commitment: Commitment, actor: User, supporting_institutions: Iterable[Institution]
) -> Commitment:
    """Create or change a commitment (already filled in by its form); without a position it goes last."""
    before = history.snapshot(Commitment.objects.get(pk=commitment.pk)) if commitment.pk else None
    if commitment.order is None:
        last = Commitment.objects.filter(plan=commitment.plan).exclude(pk=commitment.pk).aggregate(n=Max("order"))["n"]
        commitment.order = (last or 0) + 1
    commitment.save()
    commitment.supporting_institutions.set(supporting_institutions)
    history.record(commitment, actor=actor, before=before)
    return commitment


@transaction.atomic
def endorsement_add(*, plan: ActionPlan, actor: User, name: str, sector: str) -> Endorsement:
    last = plan.endorsements.aggregate(n=Max("order"))["n"]
    endorsement = Endorsement.objects.create(plan=plan, name=name, sector=sector, order=(last or 0) + 1)
    history.record(endorsement, actor=actor, before=None)
    return endorsement


@transaction.atomic
def endorsement_remove(*, endorsement: Endorsement, actor: User) -> None:
    """Remove an endorsement; the plan's public history keeps who removed which one."""
    before = history.snapshot(endorsement)
    history.record(endorsement, actor=actor, before=before, action=ChangeRecord.Action.DELETED)
    endorsement.delete()
