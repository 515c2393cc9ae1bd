"""The ``abierta demo`` command: Cartagena's 2022–2023 plan, loaded idempotently."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db.models import Model
from django.test import Client

from abierta.accounts.models import User
from abierta.core.models import ChangeRecord, Institution
from abierta.participation.models import Initiative, WorkingTable
from abierta.plans.models import (
    ActionPlan,
    Commitment,
    CommitteeMeeting,
    CommitteeMember,
    Endorsement,
    Milestone,
    ProgressUpdate,
)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

MODELS: list[type[Model]] = [
    Institution,
    ActionPlan,
    Commitment,
    Milestone,
    ProgressUpdate,
    CommitteeMember,
    CommitteeMeeting,
    Endorsement,
    WorkingTable,
    Initiative,
    User,
    ChangeRecord,
]


def counts() -> dict[str, int]:
    return {m.__name__: m._default_manager.count() for m in MODELS}


def load() -> None:
    call_command("demo", stdout=io.StringIO())


def test_demo_is_idempotent() -> None:
    load()
    first = counts()
    load()
    assert counts() == first


def test_demo_contents() -> None:
    load()
    plan = ActionPlan.objects.get()
    assert plan.slug == "cartagena-2022-2023"
    assert list(plan.commitments.values_list("code", "completion")) == [
        ("COCDI0001", Commitment.Completion.COMPLETE),
        ("COCDI0002", Commitment.Completion.SUBSTANTIAL),
    ]
    # The plan's seven offices, and the five that carry out the demo's public works.
    assert Institution.objects.filter(kind=Institution.Kind.GOVERNMENT).count() == 7 + 5
    assert plan.lead_institutions.count() == 7
    assert plan.working_tables.count() == 23
    assert list(plan.working_tables.values_list("number", flat=True)) == list(range(1, 24))
    assert plan.initiatives.count() == 12
    selected = plan.initiatives.filter(selected=True).get()
    assert selected.commitment is not None and selected.commitment.code == "COCDI0001"
    assert plan.endorsements.count() == 12
    assert Milestone.objects.count() == 8
    assert Institution.objects.get(slug="uniandes-gobierno").kind == Institution.Kind.MONITORING
    # Demo accounts, one per role.
    assert sorted(User.objects.values_list("role", flat=True)) == sorted(User.Role.values)


def test_demo_without_users() -> None:
    call_command("demo", "--no-users", stdout=io.StringIO())
    assert User.objects.count() == 0
    assert Commitment.objects.count() == 2


def test_demo_pages_render(client: Client) -> None:
    load()
    plan = ActionPlan.objects.get()
    response = client.get(plan.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "COCDI0001" in html
    assert "COCDI0002" in html
    for commitment in plan.commitments.all():
        assert client.get(commitment.get_absolute_url()).status_code == 200
    assert client.get(f"/plan/{plan.slug}/cocreacion/").status_code == 200
    assert client.get(f"/plan/{plan.slug}/comite/").status_code == 200
