"""A small development plan for the page, permission and browser tests, built on ``factories.World``.

Pillar P1 (programmes P1.1 and P1.2) and pillar P2 (programme P2.1):

- G1  own office, point-in-time, decreasing 40 → 30, measured 31: 90 %; served by world.commitment.
- G2  own office, cumulative, target 100, measured 30 + 20: 50 %; has a budget.
- G3  other office, point-in-time, increasing 0 → 80, never measured: no data.
- G4  other office, point-in-time, increasing 10 → 20, measured 25: exceeded (150 %).
- G5  own office, point-in-time, increasing 50 → 70, measured 45: worsened (−25 %).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from abierta.development.models import DevelopmentPlan, Goal, Measurement, Pillar, Programme, YearTarget
from factories import World


@dataclass
class DevPlan:
    plan: DevelopmentPlan
    p1: Pillar
    p2: Pillar
    g1: Goal
    g2: Goal
    g3: Goal
    g4: Goal
    g5: Goal


def _goal(programme: Programme, code: str, **kwargs: object) -> Goal:
    defaults: dict[str, object] = {
        "title": f"Meta {code}",
        "indicator": f"Indicador de {code}",
        "unit": "%",
        "baseline": Decimal(0),
        "target": Decimal(100),
    }
    defaults.update(kwargs)
    return Goal.objects.create(programme=programme, code=code, **defaults)


def measure(goal: Goal, date: datetime.date, value: str, source: str = "Encuesta de prueba") -> Measurement:
    return Measurement.objects.create(goal=goal, date=date, value=Decimal(value), source=source)


def make_dev_plan(world: World) -> DevPlan:
    plan = DevelopmentPlan.objects.create(
        slug="pdd-prueba",
        title="Plan de Desarrollo de prueba",
        jurisdiction="Cartagena",
        period_start=2024,
        period_end=2027,
    )
    p1 = Pillar.objects.create(plan=plan, code="P1", name="Pilar social", order=1)
    p2 = Pillar.objects.create(plan=plan, code="P2", name="Pilar económico", order=2)
    prog11 = Programme.objects.create(pillar=p1, code="P1.1", name="Salud", order=1)
    prog12 = Programme.objects.create(pillar=p1, code="P1.2", name="Educación", order=2)
    prog21 = Programme.objects.create(pillar=p2, code="P2.1", name="Empleo", order=1)
    own, other = world.own_office, world.other_office
    g1 = _goal(
        prog11,
        "G1",
        title="Reducir la pobreza multidimensional",
        indicator="Índice de pobreza multidimensional",
        direction=Goal.Direction.DECREASE,
        baseline=Decimal(40),
        baseline_year=2023,
        target=Decimal(30),
        responsible=own,
    )
    g1.commitments.add(world.commitment)
    measure(g1, datetime.date(2024, 12, 31), "35")
    measure(g1, datetime.date(2025, 6, 30), "31")
    for year, target in ((2024, "37"), (2025, "34"), (2026, "32"), (2027, "30")):
        YearTarget.objects.create(goal=g1, year=year, target=Decimal(target))
    g2 = _goal(
        prog11,
        "G2",
        title="Formar personas en salud",
        indicator="Personas formadas",
        unit="personas",
        accumulation=Goal.Accumulation.CUMULATIVE,
        baseline=Decimal(500),
        target=Decimal(100),
        budget=Decimal("1250000000.00"),
        responsible=own,
    )
    measure(g2, datetime.date(2024, 12, 31), "30")
    measure(g2, datetime.date(2025, 6, 30), "20")
    g3 = _goal(prog12, "G3", baseline=Decimal(0), target=Decimal(80), responsible=other)
    g4 = _goal(prog21, "G4", baseline=Decimal(10), target=Decimal(20), responsible=other)
    measure(g4, datetime.date(2025, 3, 1), "25")
    g5 = _goal(prog21, "G5", baseline=Decimal(50), target=Decimal(70), responsible=own)
    measure(g5, datetime.date(2025, 3, 1), "45")
    return DevPlan(plan, p1, p2, g1, g2, g3, g4, g5)
