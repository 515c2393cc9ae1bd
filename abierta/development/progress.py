"""Progress of a development plan, computed from the numbers, so a citizen can check it.

Definitions (docs/decisions/0003-gestion-progress.md):

- A **point-in-time** indicator (a rate, a percentage, a stock) is at the level of its latest
  measurement. Progress = (level − baseline) ÷ (target − baseline). The same formula serves
  increasing goals (target above baseline) and decreasing ones (target below): a decreasing goal
  that went from 40 to 31 towards 30 has progressed (31 − 40) ÷ (30 − 40) = 90 %.
- A **cumulative** indicator counts what was achieved in each period (people trained, audits
  held); its level is the sum of the measurements, its target is what the period must add up to,
  and progress = sum ÷ target. The baseline (what an earlier plan achieved) is shown, not counted.
- A target equal to the baseline means "keep it": progress is 100 % while the level is on the
  right side of the target, 0 % otherwise.
- Progress is shown between 0 % and 100 %; the unclamped ratio is kept, so a goal can read
  "exceeded" (above 100 %) or "worsened" (below 0 %).
- **No measurement is not zero.** A goal without a measurement has no progress ("no data").
  A programme's or pillar's progress is the weighted mean of its children that have progress,
  with the weights the plan declares (equal weights if it declares none), and it says how much
  of the weight that covers ("coverage"), so a figure built on half the goals says so.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

ZERO = Decimal(0)
ONE = Decimal(1)
INCREASE, DECREASE = "increase", "decrease"
POINT, CUMULATIVE = "point", "cumulative"


@dataclass(frozen=True)
class Indicator:
    baseline: Decimal
    target: Decimal
    direction: str = INCREASE
    accumulation: str = POINT


@dataclass(frozen=True)
class Point:
    date: datetime.date
    value: Decimal


@dataclass(frozen=True)
class Progress:
    """Where a goal stands. ``ratio`` is None when there is no measurement."""

    level: Decimal | None
    ratio: Decimal | None
    as_of: datetime.date | None = None

    @property
    def shown(self) -> Decimal | None:
        """The ratio between 0 and 1, as progress bars show it."""
        return None if self.ratio is None else clamp(self.ratio)

    @property
    def percent(self) -> int | None:
        shown = self.shown
        return None if shown is None else int((shown * 100).to_integral_value())

    @property
    def exceeded(self) -> bool:
        return self.ratio is not None and self.ratio > ONE

    @property
    def worsened(self) -> bool:
        return self.ratio is not None and self.ratio < ZERO


@dataclass(frozen=True)
class Rollup:
    ratio: Decimal | None
    coverage: Decimal  # share of the children's weight that has progress, 0 to 1
    children: int = 0
    measured: int = 0

    @property
    def percent(self) -> int | None:
        return None if self.ratio is None else int((clamp(self.ratio) * 100).to_integral_value())

    @property
    def coverage_percent(self) -> int:
        return int((self.coverage * 100).to_integral_value())


def clamp(value: Decimal) -> Decimal:
    return max(ZERO, min(ONE, value))


def _effective_baseline(ind: Indicator) -> Decimal:
    return ZERO if ind.accumulation == CUMULATIVE else ind.baseline


def level(ind: Indicator, points: Iterable[Point], as_of: datetime.date | None = None) -> Decimal | None:
    """The indicator's level on ``as_of`` (all measurements if None); None without measurements."""
    chosen = sorted((p for p in points if as_of is None or p.date <= as_of), key=lambda p: p.date)
    if not chosen:
        return None
    if ind.accumulation == CUMULATIVE:
        return sum((p.value for p in chosen), ZERO)
    return chosen[-1].value


def ratio(ind: Indicator, value: Decimal | None, target: Decimal | None = None) -> Decimal | None:
    """(value − baseline) ÷ (target − baseline), unclamped; None if ``value`` is None."""
    if value is None:
        return None
    goal = ind.target if target is None else target
    base = _effective_baseline(ind)
    span = goal - base
    if span == ZERO:
        on_side = value >= goal if ind.direction == INCREASE else value <= goal
        return ONE if on_side else ZERO
    return (value - base) / span


def goal_progress(ind: Indicator, points: Iterable[Point], as_of: datetime.date | None = None) -> Progress:
    chosen = [p for p in points if as_of is None or p.date <= as_of]
    value = level(ind, chosen)
    last = max((p.date for p in chosen), default=None)
    return Progress(level=value, ratio=ratio(ind, value), as_of=last)


@dataclass(frozen=True)
class YearRow:
    year: int
    target: Decimal | None
    level: Decimal | None  # at the end of the year (cumulative: achieved that year)
    ratio: Decimal | None

    @property
    def percent(self) -> int | None:
        return None if self.ratio is None else int((clamp(self.ratio) * 100).to_integral_value())


def yearly(ind: Indicator, points: Sequence[Point], targets: dict[int, Decimal], years: Iterable[int]) -> list[YearRow]:
    """One row a year. Point-in-time: the level at the end of the year against that year's target
    level. Cumulative: what was achieved during the year against what the year should add. A year
    without a measurement has no level and no ratio (it is not counted as zero)."""
    rows = []
    for year in years:
        target = targets.get(year)
        if ind.accumulation == CUMULATIVE:
            in_year = [p for p in points if p.date.year == year]
            value = sum((p.value for p in in_year), ZERO) if in_year else None
            yearly_ind = Indicator(ZERO, target if target is not None else ind.target, INCREASE, CUMULATIVE)
            r = ratio(yearly_ind, value) if target is not None else None
        else:
            in_year = [p for p in points if p.date.year == year]
            value = level(ind, in_year) if in_year else None
            r = ratio(ind, value, target) if target is not None else None
        rows.append(YearRow(year=year, target=target, level=value, ratio=r))
    return rows


def rollup(children: Iterable[tuple[Decimal, Decimal | None]]) -> Rollup:
    """Weighted mean of the children's ratios (each clamped to 0–1) over those that have one."""
    items = list(children)
    if not items:
        return Rollup(ratio=None, coverage=ZERO)
    if sum((w for w, _ in items), ZERO) == ZERO:
        items = [(ONE, r) for _, r in items]
    total = sum((w for w, _ in items), ZERO)
    measured = [(w, clamp(r)) for w, r in items if r is not None]
    measured_weight = sum((w for w, _ in measured), ZERO)
    if measured_weight == ZERO:
        return Rollup(ratio=None, coverage=ZERO, children=len(items), measured=0)
    value = sum((w * r for w, r in measured), ZERO) / measured_weight
    return Rollup(ratio=value, coverage=measured_weight / total, children=len(items), measured=len(measured))


# Adapters from the models ---------------------------------------------------------------


def indicator_of(goal: Any) -> Indicator:
    return Indicator(goal.baseline, goal.target, goal.direction, goal.accumulation)


def points_of(goal: Any) -> list[Point]:
    return [Point(m.date, m.value) for m in goal.measurements.all()]


@dataclass
class Node:
    """A pillar or programme with its children and rolled-up progress, for templates and the API."""

    obj: Any
    rollup: Rollup
    children: list[Any] = field(default_factory=list)


@dataclass
class GoalNode:
    goal: Any
    progress: Progress


def plan_tree(plan: Any, *, pillar: str | None = None, office: str | None = None) -> list[Node]:
    """The plan's pillars → programmes → goals with progress, in 4 queries. ``pillar`` (a code)
    and ``office`` (an institution slug) filter the goals; roll-ups then cover the goals shown."""
    from django.db.models import Prefetch

    from abierta.development.models import Goal, Measurement, Programme

    goals = Goal.objects.select_related("responsible", "plan").prefetch_related(
        Prefetch("measurements", queryset=Measurement.objects.order_by("date"))
    )
    if office:
        goals = goals.filter(responsible__slug=office)
    pillars = plan.pillars.prefetch_related(
        Prefetch("programmes", queryset=Programme.objects.prefetch_related(Prefetch("goals", queryset=goals)))
    )
    if pillar:
        pillars = pillars.filter(code=pillar)
    tree = []
    for p in pillars:
        programme_nodes = []
        for prog in p.programmes.all():
            goal_nodes = [GoalNode(g, goal_progress(indicator_of(g), points_of(g))) for g in prog.goals.all()]
            if not goal_nodes and office:
                continue
            r = rollup((g.goal.weight, g.progress.ratio) for g in goal_nodes)
            programme_nodes.append(Node(prog, r, goal_nodes))
        if not programme_nodes and office:
            continue
        tree.append(Node(p, rollup((n.obj.weight, n.rollup.ratio) for n in programme_nodes), programme_nodes))
    return tree
