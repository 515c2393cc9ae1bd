"""The demonstration plan and fair: idempotent, and matched with the works demo's contracts."""

from __future__ import annotations

import pytest

from abierta.procurement import demo
from abierta.procurement.models import Fair, PlanLine, ProcurementPlan
from abierta.procurement.services import plan_comparison

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent() -> None:
    demo.load(offices={}, users={})
    plan = ProcurementPlan.objects.get()
    lines = {pl.line: pl.row_hash for pl in PlanLine.objects.all()}
    assert len(lines) == len(demo.LINES)
    demo.load(offices={}, users={})
    assert ProcurementPlan.objects.get() == plan
    assert {pl.line: pl.row_hash for pl in PlanLine.objects.all()} == lines
    assert ProcurementPlan.objects.count() == 1 and Fair.objects.count() == 1
    assert list(Fair.objects.get().plans.all()) == [plan]


def test_demo_matches_the_works_demo() -> None:
    from abierta.contracting import demo as contracting_demo

    contracting_demo.load(offices={}, users={})
    demo.load(offices={}, users={})
    plan = ProcurementPlan.objects.get()
    result = plan_comparison(plan=plan)
    # Every 2024 works contract and interventoría of the works demo is in the plan, except the
    # interventoría of the LED lighting, contracted outside the plan.
    assert result.lines_contracted == 10
    assert result.outside_count == 1
    assert "alumbrado" in result.outside[0].title.lower()
