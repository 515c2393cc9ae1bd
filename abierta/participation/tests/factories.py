"""Builders shared by the participation test modules."""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from abierta.accounts.models import User
from abierta.core import pow
from abierta.participation.consultation import services as consultation_services
from abierta.participation.models import Consultation, Initiative, PollingTable, Process, WorkingTable
from abierta.plans.models import ActionPlan

DAY = datetime.timedelta(days=1)


def make_process(plan: ActionPlan, phase: str) -> Process:
    """A process whose current phase is ``phase`` (dates around now)."""
    now = timezone.now()
    offset = {"before": 1, "tables": 0, "analysis": -1, "consultation": -2, "results": -3}[phase]
    start = now + (offset * DAY) - DAY / 2 if phase != "before" else now + DAY
    return Process.objects.create(
        plan=plan,
        title="Cocreación de prueba",
        tables_from=start,
        analysis_from=start + DAY,
        consultation_from=start + 2 * DAY,
        results_from=start + 3 * DAY,
    )


def make_table(plan: ActionPlan, number: int = 1) -> WorkingTable:
    return WorkingTable.objects.create(
        plan=plan, number=number, name=f"Mesa {number}", sector=WorkingTable.Sector.ACADEMIA
    )


def make_consultation(plan: ActionPlan, *, state: str = "open", max_choices: int = 1, n: int = 3) -> Consultation:
    """A process in the consultation phase (``open``), before it (``before``) or after (``closed``)."""
    now = timezone.now()
    shift = {"open": 0, "before": -10, "closed": 10}[state] * DAY
    process = Process.objects.create(
        plan=plan,
        title="Co-creación",
        tables_from=now - 30 * DAY - shift,
        analysis_from=now - 20 * DAY - shift,
        consultation_from=now - 3 * DAY - shift,
        results_from=now + 4 * DAY - shift,
    )
    for number in range(1, n + 1):
        Initiative.objects.create(plan=plan, number=number, title=f"Iniciativa {number}", summary=f"Resumen {number}")
    Initiative.objects.create(plan=plan, number=99, title="Descartada", shortlisted=False)
    return Consultation.objects.create(
        process=process,
        question="¿Qué iniciativa prefiere?",
        opens_at=now - 3 * DAY - shift,
        closes_at=now + 4 * DAY - shift,
        max_choices=max_choices,
    )


def url(name: str, c: Consultation, **kwargs: Any) -> str:
    return reverse(f"participation:{name}", kwargs={"slug": c.process.plan.slug, **kwargs})


def cast(c: Consultation, votes: list[list[int]], channel: str = "web", **answers: str) -> list[str]:
    receipts = []
    for n, choices in enumerate(votes):
        r = consultation_services.vote_cast(
            consultation=c,
            document_hash=consultation_services.voter_hash("CC", f"{channel}{n}{choices}"),
            choices=choices,
            channel=channel,
            age_band=answers.get("age_band", ""),
            sector=answers.get("sector", ""),
            territory=answers.get("territory", ""),
        )
        assert r is not None
        receipts.append(r)
    return receipts


def vote_pow(bits: int = 1) -> dict[str, str]:
    """A solved proof of work for step 1 of the web vote (easy: the difficulty is in the signed challenge)."""
    challenge = pow.issue("vote-code", bits=bits)
    return {"challenge": challenge, "pow": pow.solve(challenge)}


def question_pow(bits: int = 1) -> dict[str, str]:
    """A solved proof of work for a Hablemos question (easy: the difficulty is in the signed challenge)."""
    challenge = pow.issue("dialogue-question", bits=bits)
    return {"challenge": challenge, "pow": pow.solve(challenge)}


def step1(client: Client, c: Consultation, **data: str) -> Any:
    """POST step 1 of the web vote with a solved proof of work; ``data`` overrides the defaults."""
    fields = {"document_type": "CC", "document_number": "1.234.567", "contact": "ana@example.org", **vote_pow()}
    fields.update(data)
    return client.post(url("consultation_vote", c), fields)


class FakeVerifier:
    """Level 3 in tests: accepts the documents in ``ACCEPTED``, and fails when ``DOWN`` is set."""

    ACCEPTED: ClassVar[set[str]] = {"12345678"}
    DOWN: ClassVar[bool] = False
    calls: ClassVar[list[tuple[int, str, str, dict[str, str]]]] = []

    def verify(self, consultation: Consultation, document: Any, facts: dict[str, str]) -> bool:
        FakeVerifier.calls.append((consultation.pk, document.type, document.number, facts))
        if FakeVerifier.DOWN:
            raise ConnectionError("the registry is down")
        return document.number in FakeVerifier.ACCEPTED


def make_polling_table(c: Consultation, *facilitators: Any, number: int = 1) -> PollingTable:
    """A polling table of the consultation with these facilitators (user objects or persona emails)."""
    table = PollingTable.objects.create(consultation=c, number=number, place=f"Mesa {number}, colegio")
    for person in facilitators:
        table.facilitators.add(User.objects.get(email=person) if isinstance(person, str) else person)
    return table


def close(c: Consultation) -> Consultation:
    """Move the close into the past, as the calendar would, and close it (the box emptied, the file frozen)."""
    now = timezone.now()
    Consultation.objects.filter(pk=c.pk).update(closes_at=now - datetime.timedelta(minutes=1))
    Process.objects.filter(pk=c.process_id).update(results_from=now - datetime.timedelta(minutes=1))
    c.refresh_from_db()
    c.process.refresh_from_db()
    consultation_services.consultation_close(consultation=c)
    return c
