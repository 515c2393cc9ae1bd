"""What the goal page shows besides the numbers: how progress is computed, in words and with the
goal's own figures, and the geometry of its server-rendered chart."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from abierta.core.templatetags.figures import plain_number as n
from abierta.development.progress import CUMULATIVE, DECREASE, Indicator, Point, Progress


def percent_text(ratio: Decimal) -> str:
    """The unclamped ratio as a whole percentage: 0.9 → "90 %", 1.2 → "120 %"."""
    return f"{n((ratio * 100).to_integral_value())} %"


def explanation(ind: Indicator) -> str:
    """One plain sentence: how progress is computed for this kind of goal."""
    if ind.accumulation == CUMULATIVE:
        return _(
            "Each measurement counts what was achieved in its own period, so progress is the sum of the "
            "measurements divided by the target for the whole period (the baseline is shown but not counted)."
        )
    if ind.target == ind.baseline:
        return _(
            "The target is to keep the baseline level, so progress is 100 % while the latest measurement "
            "is on the right side of the target and 0 % otherwise."
        )
    if ind.direction == DECREASE:
        return _(
            "The indicator should go down, so progress is how much of the way from the baseline down to "
            "the target the latest measurement has covered."
        )
    return _(
        "The indicator should go up, so progress is how much of the way from the baseline up to the "
        "target the latest measurement has covered."
    )


def formula(ind: Indicator, progress: Progress) -> str | None:
    """The computation with the goal's numbers, e.g. "(31 − 40) ÷ (30 − 40) = 90 %"; None without data."""
    if progress.level is None or progress.ratio is None:
        return None
    result = percent_text(progress.ratio)
    if ind.accumulation == CUMULATIVE:
        return f"{n(progress.level)} ÷ {n(ind.target)} = {result}"
    if ind.target == ind.baseline:
        sign = ("≥" if progress.ratio else "<") if ind.direction != DECREASE else ("≤" if progress.ratio else ">")
        return f"{n(progress.level)} {sign} {n(ind.target)} → {result}"
    return f"({n(progress.level)} − {n(ind.baseline)}) ÷ ({n(ind.target)} − {n(ind.baseline)}) = {result}"


# Chart ------------------------------------------------------------------------------------------

WIDTH, HEIGHT = 600, 280
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 20, 40


@dataclass
class ChartPoint:
    x: str  # SVG coordinates as text: a localized "12,5" would break the drawing
    y: str
    date: datetime.date
    value: Decimal  # the level at that date (cumulative: the running sum)


@dataclass
class Tick:
    pos: str
    label: str


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM
    points: list[ChartPoint] = field(default_factory=list)
    polyline: str = ""
    target_y: str = ""
    baseline_y: str | None = None
    y_ticks: list[Tick] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)


def series(ind: Indicator, points: list[Point]) -> list[tuple[datetime.date, Decimal]]:
    """The level after each measurement: the value itself, or the running sum if cumulative."""
    out, total = [], Decimal(0)
    for p in sorted(points, key=lambda p: p.date):
        total += p.value
        out.append((p.date, total if ind.accumulation == CUMULATIVE else p.value))
    return out


def nice_step(span: Decimal, ticks: int = 4) -> Decimal:
    """A round step (1, 2 or 5 times a power of ten) giving about ``ticks`` intervals."""
    raw = span / ticks
    power = Decimal(10) ** (raw.adjusted())
    for factor in (1, 2, 5, 10):
        if power * factor >= raw:
            return power * factor
    return power * 10


def _coord(value: float) -> str:
    return f"{value:.1f}"


def chart(ind: Indicator, points: list[Point], first_year: int, last_year: int) -> Chart | None:
    data = series(ind, points)
    if not data:
        return None
    start = min(datetime.date(first_year, 1, 1), data[0][0])
    end = max(datetime.date(last_year, 12, 31), data[-1][0])
    values = [v for _d, v in data] + [ind.target]
    values.append(Decimal(0) if ind.accumulation == CUMULATIVE else ind.baseline)
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 1, high + 1
    step = nice_step(high - low)
    low = (low / step).to_integral_value(rounding="ROUND_FLOOR") * step
    high = (high / step).to_integral_value(rounding="ROUND_CEILING") * step
    c = Chart()
    span_days = max((end - start).days, 1)

    def x_of(d: datetime.date) -> float:
        return c.left + (c.right - c.left) * (d - start).days / span_days

    def y_of(v: Decimal) -> str:
        return _coord(float(c.bottom - (c.bottom - c.top) * (v - low) / (high - low)))

    c.points = [ChartPoint(_coord(x_of(d)), y_of(v), d, v) for d, v in data]
    c.polyline = " ".join(f"{p.x},{p.y}" for p in c.points)
    c.target_y = y_of(ind.target)
    c.baseline_y = None if ind.accumulation == CUMULATIVE else y_of(ind.baseline)
    ticks, value = [], low
    while value <= high:
        ticks.append(Tick(y_of(value), n(value)))
        value += step
    c.y_ticks = ticks
    years = [datetime.date(y, 1, 1) for y in range(start.year, end.year + 1)]
    c.x_ticks = [Tick(_coord(x_of(d)), str(d.year)) for d in years if d >= start]
    return c
