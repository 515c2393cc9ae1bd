"""The co-creation demo (participation.demo.load, on the plans demo): loaded twice, nothing is
duplicated or changed."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from abierta.core import demo as core_demo
from abierta.participation import demo
from abierta.participation.models import (
    Ballot,
    Consultation,
    Criterion,
    DialogueSession,
    Initiative,
    Process,
    Proposal,
    Question,
    TableAttendance,
    Voter,
    WorkingTable,
)
from abierta.plans import demo as plans_demo
from abierta.plans.models import CommitteeMember

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

MODELS: list[type[Model]] = [
    Process,
    Criterion,
    TableAttendance,
    Proposal,
    Consultation,
    Voter,
    Ballot,
    DialogueSession,
    Question,
]


def load() -> None:
    offices = core_demo.offices()
    plans_demo.load(offices=offices, users={})
    demo.load(offices=offices, users={})


def snapshot() -> dict[str, object]:
    return {
        "counts": {m.__name__: m._default_manager.count() for m in MODELS},
        "sessions": list(DialogueSession.objects.order_by("slug").values()),
        "tables": list(WorkingTable.objects.order_by("number").values()),
        "proposals": list(Proposal.objects.order_by("title").values("title", "status", "initiative", "merged_into")),
    }


def test_demo_loads_twice_without_duplicating() -> None:
    load()
    first = snapshot()
    load()
    assert snapshot() == first


def test_demo_cocreation_contents() -> None:
    load()
    process = Process.objects.get()
    assert process.is_example
    assert (process.tables_from.year, process.tables_from.month) == (2022, 9)
    assert process.analysis_from.month == 10
    assert (process.results_from - process.consultation_from).days == 7
    assert process.criteria.count() == 4
    assert WorkingTable.objects.count() == 23
    assert WorkingTable.objects.exclude(territory="").count() >= 5
    assert TableAttendance.objects.exists()
    channels = set(Proposal.objects.values_list("channel", flat=True))
    assert channels == {Proposal.Channel.ONLINE, Proposal.Channel.IN_PERSON}
    assert all("(ejemplo)" in p.title and p.answer for p in Proposal.objects.all())

    consultation = Consultation.objects.get()
    assert not consultation.is_open()
    ballots = list(consultation.ballots.all())
    assert 200 <= len(ballots) <= 500
    assert consultation.voters.count() == len(ballots)
    assert {b.channel for b in ballots} == {Ballot.Channel.WEB, Ballot.Channel.IN_PERSON}
    assert all(consultation.opens_at.date() <= b.cast_on < consultation.closes_at.date() for b in ballots)
    tally = Counter(n for b in ballots for n in b.choices)
    winner = Initiative.objects.get(selected=True)
    assert tally.most_common(1)[0][0] == winner.number
    assert winner.commitment is not None and winner.commitment.code in {"COCDI0001", "COCDI0002"}
    assert len(set(Initiative.objects.values_list("number", flat=True)) - set(tally)) == 0

    past = DialogueSession.objects.get(questions_open=False)
    assert past.minutes and past.is_example
    assert past.questions.filter(status=Question.Status.ANSWERED).count() >= 2
    upcoming = DialogueSession.objects.get(questions_open=True)
    assert upcoming.is_example
    response = Client().get(reverse("participation:dialogue_sessions"))
    assert [s.slug for s in response.context["upcoming"]] == [upcoming.slug]
    assert [s.slug for s in response.context["past"]] == [past.slug]
    assert Client().get(reverse("participation:dialogue_session", args=[past.slug])).status_code == 200


def test_demo_links_each_committee_member_to_the_table_that_elected_them() -> None:
    load()
    members = CommitteeMember.objects.filter(name__in=[name for name, _sector in plans_demo.COMMITTEE])
    assert sorted(m.working_table.number for m in members if m.working_table) == demo.COMMITTEE_TABLES
