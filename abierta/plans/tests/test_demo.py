"""The action plan's own demo data (plans.demo.load): Cartagena's 2022–2023 plan, idempotent."""

from __future__ import annotations

import pytest
from django.db.models import Model

from abierta.core import demo as core_demo
from abierta.core.models import ChangeRecord
from abierta.plans import demo
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
    ActionPlan,
    Commitment,
    Milestone,
    ProgressUpdate,
    CommitteeMember,
    CommitteeMeeting,
    Endorsement,
    ChangeRecord,
]


def load() -> None:
    demo.load(offices=core_demo.offices(), users={})


def counts() -> dict[str, int]:
    return {m.__name__: m._default_manager.count() for m in MODELS}


def test_plan_demo_is_idempotent() -> None:
    load()
    first = counts()
    load()
    assert counts() == first


def test_plan_demo_contents() -> None:
    load()
    plan = ActionPlan.objects.get()
    assert plan.slug == demo.PLAN_SLUG
    assert list(plan.commitments.values_list("code", "completion")) == [
        ("COCDI0001", Commitment.Completion.COMPLETE),
        ("COCDI0002", Commitment.Completion.SUBSTANTIAL),
    ]
    assert plan.lead_institutions.count() == len(core_demo.OFFICES) == 7
    assert plan.endorsements.count() == 12
    assert Milestone.objects.count() == 8
    assert plan.committee_members.count() == len(demo.COMMITTEE)
    assert ProgressUpdate.objects.get().is_example
