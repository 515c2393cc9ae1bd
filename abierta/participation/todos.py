"""What waits for staff in participation: the questions of each dialogue session awaiting moderation
(for the staff home and the moderation page's list of everything that waits)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import ngettext

from abierta.core.staffhome import Todo
from abierta.participation import access
from abierta.participation.models import DialogueSession, Question

# Sessions listed one by one; beyond them, the rest are counted in one line.
SESSIONS_SHOWN = 5


def todos(user: Any) -> list[Todo]:
    if not access.may_moderate(user):
        return []
    waiting = (
        Question.objects.filter(status=Question.Status.PENDING)
        .values("session")
        .annotate(n=Count("pk"))
        .order_by("-n", "session")
    )
    rows = list(waiting[: SESSIONS_SHOWN + 1])
    sessions = DialogueSession.objects.in_bulk([r["session"] for r in rows[:SESSIONS_SHOWN]])
    found = []
    for r in rows[:SESSIONS_SHOWN]:
        session = sessions[r["session"]]
        text = ngettext(
            "%(n)d question to moderate in “%(topic)s”", "%(n)d questions to moderate in “%(topic)s”", r["n"]
        ) % {"n": r["n"], "topic": session.topic}
        found.append(
            Todo(text, r["n"], reverse("participation:dialogue_moderation", args=[session.slug]), kind="moderation")
        )
    if len(rows) > SESSIONS_SHOWN:
        rest = Question.objects.filter(status=Question.Status.PENDING).exclude(
            session__in=[r["session"] for r in rows[:SESSIONS_SHOWN]]
        )
        n = rest.count()
        text = ngettext(
            "%(n)d more question to moderate in other sessions", "%(n)d more questions to moderate in other sessions", n
        ) % {"n": n}
        found.append(Todo(text, n, reverse("participation:dialogue_manage"), kind="moderation"))
    return found
