"""Operations of "Hablemos con Transparencia": sessions, questions, their support and moderation.

Each function validates nothing (forms and ``access`` do), writes atomically and returns what it
changed. Every question starts held for moderation (``PENDING``); only the transparency office
publishes it.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, IntegerField, QuerySet, Value, When

from abierta.accounts.models import User
from abierta.core import ratelimit
from abierta.participation.models import DialogueSession, Question, QuestionSupport
from abierta.plans.models import ActionPlan, Commitment

QS = Question.Status

# What the public sees of a session's questions, and which of them may still gather support.
PUBLIC_STATUSES = (QS.PUBLISHED, QS.SHORTLISTED, QS.LIVE, QS.ANSWERED)
SUPPORTABLE_STATUSES = (QS.PUBLISHED, QS.SHORTLISTED, QS.LIVE)

# A session counts as upcoming until this long after it starts (it is under way meanwhile).
SESSION_LENGTH = datetime.timedelta(hours=3)

Action = Literal["publish", "reject", "shortlist", "live", "answer"]
ACTIONS: tuple[Action, ...] = ("publish", "reject", "shortlist", "live", "answer")

# From which statuses each moderation action may be taken.
ALLOWED_FROM: dict[Action, frozenset[str]] = {
    "publish": frozenset({QS.PENDING, QS.REJECTED, QS.SHORTLISTED, QS.LIVE}),
    "reject": frozenset({QS.PENDING, QS.PUBLISHED, QS.SHORTLISTED}),
    "shortlist": frozenset({QS.PENDING, QS.PUBLISHED, QS.LIVE}),
    "live": frozenset({QS.PUBLISHED, QS.SHORTLISTED}),
    "answer": frozenset({QS.PENDING, QS.PUBLISHED, QS.SHORTLISTED, QS.LIVE, QS.ANSWERED}),
}
_TARGET: dict[Action, str] = {
    "publish": QS.PUBLISHED,
    "reject": QS.REJECTED,
    "shortlist": QS.SHORTLISTED,
    "live": QS.LIVE,
    "answer": QS.ANSWERED,
}

SESSION_FIELDS = frozenset(
    {"plan", "slug", "topic", "description", "starts_at", "place", "stream_url", "officials", "questions_open"}
)


def action_allowed(question: Question, action: Action) -> bool:
    return question.status in ALLOWED_FROM[action]


def public_questions(session: DialogueSession) -> QuerySet[Question]:
    """The questions everyone sees, with ``support_count``: live first, then shortlisted, then
    published, then answered; within each, the most supported first."""
    rank = Case(
        When(status=QS.LIVE, then=Value(0)),
        When(status=QS.SHORTLISTED, then=Value(1)),
        When(status=QS.PUBLISHED, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    return (
        session.questions.filter(status__in=PUBLIC_STATUSES)
        .select_related("author", "commitment", "commitment__plan")
        .annotate(support_count=Count("supports"), rank=rank)
        .order_by("rank", "-support_count", "id")
    )


@transaction.atomic
def session_create(
    *,
    topic: str,
    slug: str,
    starts_at: datetime.datetime,
    plan: ActionPlan | None = None,
    description: str = "",
    place: str = "",
    stream_url: str = "",
    officials: str = "",
    questions_open: bool = True,
    is_example: bool = False,
) -> DialogueSession:
    return DialogueSession.objects.create(
        plan=plan,
        slug=slug,
        topic=topic,
        description=description,
        starts_at=starts_at,
        place=place,
        stream_url=stream_url,
        officials=officials,
        questions_open=questions_open,
        is_example=is_example,
    )


@transaction.atomic
def session_update(*, session: DialogueSession, **changes: Any) -> DialogueSession:
    """Change the given fields (any of ``SESSION_FIELDS``) of a session."""
    unknown = set(changes) - SESSION_FIELDS
    if unknown:
        raise TypeError(f"Not a session field: {', '.join(sorted(unknown))}")
    for name, value in changes.items():
        setattr(session, name, value)
    session.save(update_fields=list(changes))
    return session


@transaction.atomic
def session_minutes_set(*, session: DialogueSession, minutes: str) -> DialogueSession:
    """Publish (or correct, or withdraw with an empty text) the minutes of a session."""
    session.minutes = minutes
    session.save(update_fields=["minutes"])
    return session


def _source_key(source: str) -> str:
    window, _left = ratelimit.fixed_window(3600)
    return f"dialogue:questions:{source}:{window}"


def question_wait(*, source: str) -> int:
    """0 if one more question may come from the network address ``source`` this hour, else the
    seconds until the hour ends (at most ABIERTA_DIALOGUE_QUESTIONS_PER_SOURCE_PER_HOUR an hour)."""
    if ratelimit.count(_source_key(source)) >= settings.ABIERTA_DIALOGUE_QUESTIONS_PER_SOURCE_PER_HOUR:
        return ratelimit.fixed_window(3600)[1]
    return 0


@transaction.atomic
def question_ask(
    *, session: DialogueSession, text: str, author: User | None, anonymous: bool = False, source: str = ""
) -> Question:
    """A question, held for moderation. Without an author it is anonymous by nature. With a
    ``source`` (the sender's network address) it counts toward that address's hourly limit."""
    question = Question.objects.create(
        session=session,
        text=text,
        author=author,
        anonymous=anonymous or author is None,
        status=QS.PENDING,
    )
    if source:
        ratelimit.hit(_source_key(source), window=ratelimit.fixed_window(3600)[1] + 5)
    return question


@transaction.atomic
def question_support(*, question: Question, user: User) -> bool:
    """Add the person's support; False if they had already supported the question."""
    try:
        with transaction.atomic():
            QuestionSupport.objects.create(question=question, user=user)
    except IntegrityError:
        return False
    return True


@transaction.atomic
def question_moderate(
    *,
    question: Question,
    action: Action,
    moderator: User,
    reason: str = "",
    answer: str = "",
    answered_by: str = "",
) -> Question:
    """Publish, reject (with a reason), shortlist, mark live or answer a question."""
    fields = ["status"]
    question.status = _TARGET[action]
    if action == "reject":
        question.moderation_note = reason
        fields.append("moderation_note")
    elif action == "publish" and question.moderation_note:
        question.moderation_note = ""
        fields.append("moderation_note")
    if action == "answer":
        question.answer = answer
        question.answered_by = answered_by
        fields += ["answer", "answered_by"]
    question.save(update_fields=fields)
    return question


@transaction.atomic
def question_link_commitment(*, question: Question, commitment: Commitment | None) -> Question:
    """Relate a question to a commitment of the plan (or undo it with ``None``)."""
    question.commitment = commitment
    question.save(update_fields=["commitment"])
    return question
