"""Property-based tests of the progress arithmetic (abierta/development/progress.py, decision 0003).

Every number is a Decimal with bounded places and magnitude, so the sums and differences are exact
and the only rounding is a single, correctly rounded division: equalities are exact, and where a
result is compared with a hand-computed rational (Fraction) the tolerance is far below anything a
progress bar or a percentage could show.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from abierta.development.progress import (
    CUMULATIVE,
    DECREASE,
    INCREASE,
    ONE,
    POINT,
    ZERO,
    Indicator,
    Point,
    Progress,
    Rollup,
    goal_progress,
    level,
    plan_tree,
    ratio,
    rollup,
    yearly,
)

prop = settings(deadline=None, max_examples=150)

# Decimal divides to 28 significant digits: equal to 20 of them (relative to the size of the
# number, at least 1) is exact for anything shown (percentages are whole numbers).
TOLERANCE = Fraction(1, 10**20)

# Values as the database stores them: 4 decimal places.
values = st.decimals(
    min_value=Decimal("-1000000"), max_value=Decimal("1000000"), places=4, allow_nan=False, allow_infinity=False
)
positive_values = st.decimals(
    min_value=Decimal("0.0001"), max_value=Decimal("1000000"), places=4, allow_nan=False, allow_infinity=False
)
dates = st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2031, 12, 31))
years = st.integers(min_value=2020, max_value=2031)
# Weights as the database stores them: up to 9999.999, never negative.
weights = st.decimals(min_value=ZERO, max_value=Decimal("9999.999"), places=3, allow_nan=False, allow_infinity=False)
positive_weights = st.decimals(
    min_value=Decimal("0.001"), max_value=Decimal("9999.999"), places=3, allow_nan=False, allow_infinity=False
)
child_ratios = st.decimals(
    min_value=Decimal("-3"), max_value=Decimal("3"), places=6, allow_nan=False, allow_infinity=False
)


def points_lists(min_size: int = 0, max_size: int = 8) -> st.SearchStrategy[list[Point]]:
    """Measurements with distinct dates (the database allows one a date per goal)."""
    return st.lists(
        st.builds(Point, date=dates, value=values), min_size=min_size, max_size=max_size, unique_by=lambda p: p.date
    )


@st.composite
def increasing(draw: st.DrawFn, accumulation: str = POINT) -> Indicator:
    baseline = draw(values)
    target = draw(values.filter(lambda t: t > baseline))
    return Indicator(baseline, target, INCREASE, accumulation)


@st.composite
def decreasing(draw: st.DrawFn) -> Indicator:
    baseline = draw(values)
    target = draw(values.filter(lambda t: t < baseline))
    return Indicator(baseline, target, DECREASE, POINT)


@st.composite
def cumulative(draw: st.DrawFn) -> Indicator:
    return Indicator(draw(values), draw(positive_values), INCREASE, CUMULATIVE)


any_point_indicator = st.one_of(
    increasing(),
    decreasing(),
    st.builds(lambda v, d: Indicator(v, v, d, POINT), values, st.sampled_from([INCREASE, DECREASE])),
)
any_indicator = st.one_of(any_point_indicator, cumulative())


def latest(points: Sequence[Point]) -> Point:
    return max(points, key=lambda p: p.date)


def close(value: Decimal | None, exact: Fraction) -> bool:
    assert value is not None
    return abs(Fraction(value) - exact) <= TOLERANCE * max(Fraction(1), abs(exact))


def assert_shown_consistent(p: Progress) -> None:
    """``shown`` and ``percent`` are the clamped ratio, and exceeded/worsened say where it was clamped."""
    assert p.ratio is not None and p.shown is not None and p.percent is not None
    assert ZERO <= p.shown <= ONE
    assert 0 <= p.percent <= 100
    if ZERO <= p.ratio <= ONE:
        assert p.shown == p.ratio
    assert p.exceeded == (p.ratio > ONE)
    assert p.worsened == (p.ratio < ZERO)
    assert not (p.exceeded and p.worsened)
    if p.exceeded:
        assert p.shown == ONE
    if p.worsened:
        assert p.shown == ZERO


# Point-in-time, increasing ----------------------------------------------------------------------


@pytest.mark.slow
@prop
@given(ind=increasing(), points=points_lists(min_size=1), data=st.data())
def test_point_level_is_the_latest_measurement_whatever_the_order(
    ind: Indicator, points: list[Point], data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(points))
    newest = latest(points)
    assert level(ind, points) == newest.value
    assert level(ind, shuffled) == newest.value
    assert goal_progress(ind, shuffled) == goal_progress(ind, points)
    p = goal_progress(ind, shuffled)
    assert p.level == newest.value
    assert p.as_of == newest.date


@pytest.mark.slow
@prop
@given(ind=increasing(), points=points_lists(min_size=1))
def test_point_ratio_is_level_minus_baseline_over_target_minus_baseline(ind: Indicator, points: list[Point]) -> None:
    p = goal_progress(ind, points)
    value = latest(points).value
    assert p.ratio == (value - ind.baseline) / (ind.target - ind.baseline)
    assert close(p.ratio, Fraction(value - ind.baseline) / Fraction(ind.target - ind.baseline))
    assert_shown_consistent(p)


@pytest.mark.slow
@prop
@given(ind=increasing(), a=values, b=values)
def test_increasing_is_monotonic(ind: Indicator, a: Decimal, b: Decimal) -> None:
    low, high = sorted((a, b))
    day = datetime.date(2025, 6, 30)
    p_low = goal_progress(ind, [Point(day, low)])
    p_high = goal_progress(ind, [Point(day, high)])
    assert p_low.ratio is not None and p_high.ratio is not None
    assert p_low.ratio <= p_high.ratio
    assert p_low.shown is not None and p_high.shown is not None
    assert p_low.shown <= p_high.shown


@pytest.mark.slow
@prop
@given(ind=increasing(), value=values)
def test_increasing_exceeded_above_target_worsened_below_baseline(ind: Indicator, value: Decimal) -> None:
    p = goal_progress(ind, [Point(datetime.date(2025, 1, 1), value)])
    assert_shown_consistent(p)
    assert p.exceeded == (value > ind.target)
    assert p.worsened == (value < ind.baseline)
    assert (p.shown == ONE) == (value >= ind.target)
    assert (p.shown == ZERO) == (value <= ind.baseline)


@pytest.mark.slow
@prop
@given(ind=increasing())
def test_increasing_endpoints(ind: Indicator) -> None:
    day = datetime.date(2025, 1, 1)
    at_target = goal_progress(ind, [Point(day, ind.target)])
    at_baseline = goal_progress(ind, [Point(day, ind.baseline)])
    assert at_target.ratio == ONE and at_target.percent == 100
    assert not at_target.exceeded and not at_target.worsened
    assert at_baseline.ratio == ZERO and at_baseline.percent == 0
    assert not at_baseline.exceeded and not at_baseline.worsened


@pytest.mark.slow
@prop
@given(ind=any_indicator, points=points_lists(min_size=1))
def test_shown_is_always_between_0_and_1(ind: Indicator, points: list[Point]) -> None:
    assert_shown_consistent(goal_progress(ind, points))


def test_increasing_worked_examples() -> None:
    ind = Indicator(Decimal("60"), Decimal("80"))
    points = [
        Point(datetime.date(2025, 12, 31), Decimal("75")),
        Point(datetime.date(2024, 12, 31), Decimal("90")),  # older, although higher and listed later
        Point(datetime.date(2024, 6, 30), Decimal("50")),
    ]
    p = goal_progress(ind, points)
    assert p == Progress(level=Decimal("75"), ratio=Decimal("0.75"), as_of=datetime.date(2025, 12, 31))
    assert p.percent == 75
    above = goal_progress(ind, [Point(datetime.date(2025, 1, 1), Decimal("90"))])
    assert above.ratio == Decimal("1.5") and above.percent == 100 and above.exceeded
    below = goal_progress(ind, [Point(datetime.date(2025, 1, 1), Decimal("55"))])
    assert below.ratio == Decimal("-0.25") and below.percent == 0 and below.worsened


# Point-in-time, decreasing ----------------------------------------------------------------------


@pytest.mark.slow
@prop
@given(ind=decreasing())
def test_decreasing_reaching_target_is_100_staying_at_baseline_is_0(ind: Indicator) -> None:
    day = datetime.date(2025, 1, 1)
    at_target = goal_progress(ind, [Point(day, ind.target)])
    at_baseline = goal_progress(ind, [Point(day, ind.baseline)])
    assert at_target.ratio == ONE and at_target.percent == 100 and not at_target.exceeded
    assert at_baseline.ratio == ZERO and at_baseline.percent == 0 and not at_baseline.worsened


@pytest.mark.slow
@prop
@given(ind=decreasing(), value=values)
def test_decreasing_moving_away_is_worsened_going_past_is_exceeded(ind: Indicator, value: Decimal) -> None:
    p = goal_progress(ind, [Point(datetime.date(2025, 1, 1), value)])
    assert p.ratio == (value - ind.baseline) / (ind.target - ind.baseline)
    assert_shown_consistent(p)
    assert p.worsened == (value > ind.baseline)
    assert p.exceeded == (value < ind.target)
    assert (p.shown == ONE) == (value <= ind.target)
    assert (p.shown == ZERO) == (value >= ind.baseline)


@pytest.mark.slow
@prop
@given(ind=decreasing(), a=values, b=values)
def test_decreasing_is_monotonic_the_other_way(ind: Indicator, a: Decimal, b: Decimal) -> None:
    low, high = sorted((a, b))
    r_low, r_high = ratio(ind, low), ratio(ind, high)
    assert r_low is not None and r_high is not None
    assert r_low >= r_high  # a lower level is at least as much progress


@pytest.mark.slow
@prop
@given(ind=decreasing(), value=values)
def test_decreasing_mirrors_increasing(ind: Indicator, value: Decimal) -> None:
    """Negating every number turns a decreasing goal into an increasing one with the same progress."""
    mirror = Indicator(-ind.baseline, -ind.target, INCREASE, POINT)
    assert ratio(ind, value) == ratio(mirror, -value)


def test_decreasing_worked_example_from_the_docstring() -> None:
    ind = Indicator(Decimal("40"), Decimal("30"), DECREASE)
    p = goal_progress(
        ind, [Point(datetime.date(2024, 1, 1), Decimal("35")), Point(datetime.date(2025, 1, 1), Decimal("31"))]
    )
    assert p.ratio == Decimal("0.9") and p.percent == 90
    worse = goal_progress(ind, [Point(datetime.date(2025, 1, 1), Decimal("44"))])
    assert worse.ratio == Decimal("-0.4") and worse.worsened and worse.percent == 0
    better = goal_progress(ind, [Point(datetime.date(2025, 1, 1), Decimal("25"))])
    assert better.ratio == Decimal("1.5") and better.exceeded and better.percent == 100


# Cumulative ---------------------------------------------------------------------------------------


@pytest.mark.slow
@prop
@given(ind=cumulative(), points=points_lists(min_size=1), data=st.data())
def test_cumulative_level_is_the_sum_in_any_order(ind: Indicator, points: list[Point], data: st.DataObject) -> None:
    shuffled = data.draw(st.permutations(points))
    total = sum((p.value for p in points), ZERO)
    assert level(ind, points) == total
    assert level(ind, shuffled) == total
    assert goal_progress(ind, shuffled) == goal_progress(ind, points)
    assert goal_progress(ind, points).as_of == latest(points).date


@pytest.mark.slow
@prop
@given(ind=cumulative(), other_baseline=values, points=points_lists(min_size=1))
def test_cumulative_ignores_the_baseline_and_divides_the_sum_by_the_target(
    ind: Indicator, other_baseline: Decimal, points: list[Point]
) -> None:
    p = goal_progress(ind, points)
    total = sum((pt.value for pt in points), ZERO)
    assert p.ratio == total / ind.target
    assert close(p.ratio, Fraction(total) / Fraction(ind.target))
    for baseline in (other_baseline, ind.target, ZERO):  # including a baseline equal to the target
        assert goal_progress(Indicator(baseline, ind.target, INCREASE, CUMULATIVE), points) == p
    assert_shown_consistent(p)


@pytest.mark.slow
@prop
@given(ind=cumulative(), extra=positive_values, points=points_lists(min_size=1))
def test_cumulative_more_achieved_is_more_progress(ind: Indicator, extra: Decimal, points: list[Point]) -> None:
    more = [Point(points[0].date, points[0].value + extra), *points[1:]]
    before, after = goal_progress(ind, points).ratio, goal_progress(ind, more).ratio
    assert before is not None and after is not None and after > before


def test_cumulative_worked_example() -> None:
    # An earlier plan trained 1 000 people; this one must train 1 200; 300 + 450 + 150 so far.
    ind = Indicator(Decimal("1000"), Decimal("1200"), INCREASE, CUMULATIVE)
    points = [
        Point(datetime.date(2025, 12, 31), Decimal("150")),
        Point(datetime.date(2024, 12, 31), Decimal("300")),
        Point(datetime.date(2025, 6, 30), Decimal("450")),
    ]
    p = goal_progress(ind, points)
    assert p == Progress(level=Decimal("900"), ratio=Decimal("0.75"), as_of=datetime.date(2025, 12, 31))
    # A baseline equal to the target is still not counted: not "keep it" for a cumulative goal.
    same = Indicator(Decimal("1200"), Decimal("1200"), INCREASE, CUMULATIVE)
    assert goal_progress(same, points).ratio == Decimal("0.75")


@pytest.mark.slow
@prop
@given(
    ind=cumulative(),
    points=points_lists(max_size=12),
    targets=st.dictionaries(years, positive_values, max_size=12),
    period=st.lists(years, min_size=1, max_size=12, unique=True),
)
def test_cumulative_yearly_counts_only_that_year_against_that_years_target(
    ind: Indicator, points: list[Point], targets: dict[int, Decimal], period: list[int]
) -> None:
    rows = yearly(ind, points, targets, period)
    assert [r.year for r in rows] == period
    for row in rows:
        in_year = [p.value for p in points if p.date.year == row.year]
        assert row.target == targets.get(row.year)
        if not in_year:
            assert row.level is None and row.ratio is None and row.percent is None  # not zero
            continue
        assert row.level == sum(in_year, ZERO)
        if row.year in targets:
            assert row.ratio == row.level / targets[row.year]
            assert row.percent is not None and 0 <= row.percent <= 100
        else:
            assert row.ratio is None


def test_cumulative_yearly_worked_example() -> None:
    ind = Indicator(ZERO, Decimal("100"), INCREASE, CUMULATIVE)
    points = [
        Point(datetime.date(2024, 3, 1), Decimal("10")),
        Point(datetime.date(2024, 9, 1), Decimal("15")),
        Point(datetime.date(2026, 5, 1), Decimal("40")),
    ]
    targets = {2024: Decimal("25"), 2025: Decimal("25"), 2026: Decimal("50")}
    rows = yearly(ind, points, targets, [2024, 2025, 2026])
    assert [(r.level, r.ratio, r.percent) for r in rows] == [
        (Decimal("25"), ONE, 100),
        (None, None, None),
        (Decimal("40"), Decimal("0.8"), 80),
    ]


# Point-in-time yearly rows ------------------------------------------------------------------------


@pytest.mark.slow
@prop
@given(
    ind=st.one_of(increasing(), decreasing()),
    points=points_lists(max_size=12),
    targets=st.dictionaries(years, values, max_size=12),
    period=st.lists(years, min_size=1, max_size=12, unique=True),
)
def test_point_yearly_is_the_end_of_year_level_against_that_years_target(
    ind: Indicator, points: list[Point], targets: dict[int, Decimal], period: list[int]
) -> None:
    rows = yearly(ind, points, targets, period)
    assert [r.year for r in rows] == period
    for row in rows:
        in_year = [p for p in points if p.date.year == row.year]
        if not in_year:
            assert row.level is None and row.ratio is None and row.percent is None
            continue
        assert row.level == latest(in_year).value
        target = targets.get(row.year)
        if target is None:
            assert row.ratio is None
        elif target == ind.baseline:
            on_side = row.level >= target if ind.direction == INCREASE else row.level <= target
            assert row.ratio == (ONE if on_side else ZERO)
        else:
            assert row.ratio == (row.level - ind.baseline) / (target - ind.baseline)


# Target equal to the baseline: "keep it" --------------------------------------------------------


@pytest.mark.slow
@prop
@given(value=values, level_=values, direction=st.sampled_from([INCREASE, DECREASE]))
def test_keep_it_is_100_on_the_right_side_and_0_otherwise(value: Decimal, level_: Decimal, direction: str) -> None:
    ind = Indicator(value, value, direction, POINT)
    p = goal_progress(ind, [Point(datetime.date(2025, 1, 1), level_)])
    right_side = level_ >= value if direction == INCREASE else level_ <= value
    assert p.ratio == (ONE if right_side else ZERO)
    assert p.percent == (100 if right_side else 0)
    assert not p.exceeded and not p.worsened
    assert goal_progress(ind, [Point(datetime.date(2025, 1, 1), value)]).ratio == ONE  # exactly kept


def test_keep_it_worked_examples() -> None:
    day = datetime.date(2025, 1, 1)
    coverage = Indicator(Decimal("95"), Decimal("95"), INCREASE)
    assert goal_progress(coverage, [Point(day, Decimal("96"))]).percent == 100
    assert goal_progress(coverage, [Point(day, Decimal("94.9"))]).percent == 0
    deaths = Indicator(Decimal("12"), Decimal("12"), DECREASE)
    assert goal_progress(deaths, [Point(day, Decimal("11"))]).percent == 100
    assert goal_progress(deaths, [Point(day, Decimal("13"))]).percent == 0


# Missing data ---------------------------------------------------------------------------------------


@pytest.mark.slow
@prop
@given(ind=any_indicator)
def test_no_measurement_is_no_data_never_zero(ind: Indicator) -> None:
    p = goal_progress(ind, [])
    assert p == Progress(level=None, ratio=None, as_of=None)
    assert p.shown is None and p.percent is None
    assert not p.exceeded and not p.worsened
    assert level(ind, []) is None
    assert ratio(ind, None) is None


@pytest.mark.slow
@prop
@given(ind=any_indicator, points=points_lists(), later=points_lists(), as_of=dates)
def test_as_of_ignores_later_measurements(
    ind: Indicator, points: list[Point], later: list[Point], as_of: datetime.date
) -> None:
    known = [p for p in points if p.date <= as_of]
    p = goal_progress(ind, points, as_of)
    assert p == goal_progress(ind, known)
    assert level(ind, points, as_of) == level(ind, known)
    assert p.as_of is None or p.as_of <= as_of
    if not known:
        assert p.level is None and p.ratio is None
    # Measurements dated after as_of change nothing.
    taken = {pt.date for pt in points}
    after = [pt for pt in later if pt.date > as_of and pt.date not in taken]
    assert goal_progress(ind, points + after, as_of) == p


@pytest.mark.slow
@prop
@given(
    ind=any_indicator,
    points=points_lists(max_size=10),
    targets=st.dictionaries(years, positive_values, max_size=12),
    empty_years=st.lists(years, max_size=6, unique=True),
)
def test_yearly_year_without_measurement_is_none_and_changes_nothing_else(
    ind: Indicator, points: list[Point], targets: dict[int, Decimal], empty_years: list[int]
) -> None:
    measured_years = sorted({p.date.year for p in points})
    empty = [y for y in empty_years if y not in measured_years]
    with_empty = {r.year: r for r in yearly(ind, points, targets, measured_years + empty)}
    without = {r.year: r for r in yearly(ind, points, targets, measured_years)}
    for y in empty:
        assert with_empty[y].level is None and with_empty[y].ratio is None and with_empty[y].percent is None
    for y in measured_years:
        assert with_empty[y] == without[y]
        assert with_empty[y].level is not None


def test_missing_year_is_not_zero_worked_example() -> None:
    # Counting 2025 as zero would read 0 % for it; it must read "no data".
    ind = Indicator(Decimal("10"), Decimal("20"))
    points = [Point(datetime.date(2024, 12, 1), Decimal("15"))]
    rows = yearly(ind, points, {2024: Decimal("15"), 2025: Decimal("20")}, [2024, 2025])
    assert (rows[0].ratio, rows[0].percent) == (ONE, 100)
    assert (rows[1].level, rows[1].ratio, rows[1].percent) == (None, None, None)


# Roll-up ----------------------------------------------------------------------------------------


Children = list[tuple[Decimal, Decimal | None]]
children_lists = st.lists(st.tuples(weights, st.one_of(st.none(), child_ratios)), max_size=10)


def clamp_f(r: Decimal) -> Fraction:
    return min(Fraction(1), max(Fraction(0), Fraction(r)))


def effective(children: Children) -> Children:
    """Equal weights when the plan declares none (all zero)."""
    if all(w == ZERO for w, _ in children):
        return [(ONE, r) for _, r in children]
    return children


@pytest.mark.slow
@prop
@given(children=children_lists)
def test_rollup_is_the_weighted_mean_of_the_children_with_data(children: Children) -> None:
    result = rollup(children)
    items = effective(children)
    measured = [(Fraction(w), clamp_f(r)) for w, r in items if r is not None]
    measured_weight = sum((w for w, _ in measured), Fraction(0))
    total = sum((Fraction(w) for w, _ in items), Fraction(0))
    assert result.children == len(children)
    assert ZERO <= result.coverage <= ONE
    if measured_weight == 0:
        assert result.ratio is None and result.coverage == ZERO and result.percent is None
        return
    assert close(result.ratio, sum((w * r for w, r in measured), Fraction(0)) / measured_weight)
    assert close(result.coverage, measured_weight / total)
    assert result.measured == len(measured)


@pytest.mark.slow
@prop
@given(children=children_lists)
def test_rollup_lies_between_the_smallest_and_largest_clamped_child(children: Children) -> None:
    result = rollup(children)
    assume(result.ratio is not None)
    assert result.ratio is not None
    clamped = [max(ZERO, min(ONE, r)) for _, r in effective(children) if r is not None]
    assert min(clamped) <= result.ratio <= max(clamped)
    assert ZERO <= result.ratio <= ONE
    assert result.percent is not None and 0 <= result.percent <= 100


@pytest.mark.slow
@prop
@given(ratios=st.lists(st.one_of(st.none(), child_ratios), min_size=1, max_size=10))
def test_rollup_uses_equal_weights_when_all_weights_are_zero(ratios: list[Decimal | None]) -> None:
    zero = rollup([(ZERO, r) for r in ratios])
    equal = rollup([(ONE, r) for r in ratios])
    assert zero == equal
    present = [clamp_f(r) for r in ratios if r is not None]
    if present:
        assert close(zero.ratio, sum(present, Fraction(0)) / len(present))
        assert close(zero.coverage, Fraction(len(present), len(ratios)))


@pytest.mark.slow
@prop
@given(children=children_lists, missing=st.lists(positive_weights, min_size=1, max_size=5))
def test_rollup_children_without_data_lower_coverage_not_progress(children: Children, missing: list[Decimal]) -> None:
    assume(any(w > ZERO for w, _ in children))  # keep the declared weights declared
    before = rollup(children)
    after = rollup([*children, *((w, None) for w in missing)])
    assert after.ratio == before.ratio
    assert after.children == before.children + len(missing)
    assert after.measured == before.measured
    if before.ratio is not None:
        assert after.coverage < before.coverage


@pytest.mark.slow
@prop
@given(ws=st.lists(weights, max_size=10))
def test_rollup_all_missing_is_no_data_with_zero_coverage(ws: list[Decimal]) -> None:
    result = rollup([(w, None) for w in ws])
    assert result.ratio is None and result.percent is None
    assert result.coverage == ZERO and result.coverage_percent == 0
    assert result.measured == 0 and result.children == len(ws)


@pytest.mark.slow
@prop
@given(
    children=children_lists,
    factor=st.decimals(
        min_value=Decimal("0.001"), max_value=Decimal("1000"), places=3, allow_nan=False, allow_infinity=False
    ),
    data=st.data(),
)
def test_rollup_ignores_the_scale_and_order_of_the_weights(
    children: Children, factor: Decimal, data: st.DataObject
) -> None:
    result = rollup(children)
    scaled = rollup([(w * factor, r) for w, r in children])
    assert (scaled.ratio, scaled.coverage, scaled.measured) == (result.ratio, result.coverage, result.measured)
    shuffled = rollup(data.draw(st.permutations(children)))
    assert shuffled == result


def test_rollup_worked_examples() -> None:
    assert rollup([]) == Rollup(ratio=None, coverage=ZERO)
    r = rollup([(Decimal(2), Decimal("0.5")), (ONE, Decimal("1.4")), (ONE, None)])
    # (2 × 0.5 + 1 × 1, the exceeded child counted as 100 %) ÷ 3, on 3 of 4 weight units.
    assert close(r.ratio, Fraction(2, 3))
    assert r.percent == 67 and r.coverage == Decimal("0.75") and r.coverage_percent == 75
    assert (r.children, r.measured) == (3, 2)
    worsened = rollup([(ONE, Decimal("-0.5")), (ONE, Decimal("0.5"))])
    assert worsened.ratio == Decimal("0.25")  # the worsened child counts as 0 %, not −50 %


# plan_tree against the database -----------------------------------------------------------------


def _tree_summary(tree: list[Any]) -> dict[str, Any]:
    """{pillar code: (ratio, coverage, {programme code: (ratio, coverage, [goal codes])})}."""
    return {
        p.obj.code: (
            p.rollup.ratio,
            p.rollup.coverage,
            {
                prog.obj.code: (prog.rollup.ratio, prog.rollup.coverage, [g.goal.code for g in prog.children])
                for prog in p.children
            },
        )
        for p in tree
    }


@pytest.fixture
def plan(db: None) -> Any:
    """Two pillars; goals of two offices, of every kind, some without measurements.

    P1 (weight 2)
      A1 (weight 3): G1 point ↑ 10→20 at 15: 0.5 (w1, hacienda); G2 point ↓ 40→30 at 31: 0.9 (w3, salud);
                     G3 cumulative 100, 30+20: 0.5 (w2, hacienda); G4 no data (w2, salud)
      A2 (weight 1): G5 point ↑ 0→50 at 75: 1.5, counted as 1 (w1, hacienda)
    P2 (weight 1)
      B1 (weight 1): G6 no data (w1, hacienda); G7 point ↑ 0→10 at −2: −0.2, counted as 0 (w1, salud)
      B2 (weight 1): no goals
    """
    from abierta.core.models import Institution
    from abierta.development.models import DevelopmentPlan, Goal, Measurement, Pillar, Programme

    hacienda = Institution.objects.create(name="Secretaría de Hacienda", slug="hacienda")
    salud = Institution.objects.create(name="Secretaría de Salud", slug="salud")
    dev = DevelopmentPlan.objects.create(
        slug="pdm-2024", title="Plan de desarrollo", jurisdiction="Municipio", period_start=2024, period_end=2027
    )
    p1 = Pillar.objects.create(plan=dev, code="P1", name="Uno", weight=Decimal(2), order=1)
    p2 = Pillar.objects.create(plan=dev, code="P2", name="Dos", weight=ONE, order=2)
    a1 = Programme.objects.create(pillar=p1, code="A1", name="A1", weight=Decimal(3), order=1)
    a2 = Programme.objects.create(pillar=p1, code="A2", name="A2", weight=ONE, order=2)
    b1 = Programme.objects.create(pillar=p2, code="B1", name="B1", weight=ONE, order=1)
    Programme.objects.create(pillar=p2, code="B2", name="B2", weight=ONE, order=2)

    def goal(
        prog: Programme,
        code: str,
        office: Institution,
        baseline: str,
        target: str,
        weight: int,
        measurements: list[tuple[str, str]],
        direction: str = INCREASE,
        accumulation: str = POINT,
    ) -> Goal:
        g = Goal.objects.create(
            programme=prog,
            code=code,
            title=code,
            indicator=code,
            unit="%",
            direction=direction,
            accumulation=accumulation,
            baseline=Decimal(baseline),
            target=Decimal(target),
            responsible=office,
            weight=Decimal(weight),
            order=int(code[1:]),
        )
        for day, value in measurements:
            Measurement.objects.create(
                goal=g, date=datetime.date.fromisoformat(day), value=Decimal(value), source="Informe"
            )
        return g

    # Measurements created out of date order on purpose.
    goal(a1, "G1", hacienda, "10", "20", 1, [("2025-12-31", "15"), ("2024-12-31", "12")])
    goal(a1, "G2", salud, "40", "30", 3, [("2025-12-31", "31")], direction=DECREASE)
    goal(a1, "G3", hacienda, "80", "100", 2, [("2024-12-31", "30"), ("2025-12-31", "20")], accumulation=CUMULATIVE)
    goal(a1, "G4", salud, "0", "10", 2, [])
    goal(a2, "G5", hacienda, "0", "50", 1, [("2025-06-30", "75")])
    goal(b1, "G6", hacienda, "0", "10", 1, [])
    goal(b1, "G7", salud, "0", "10", 1, [("2025-06-30", "-2")])
    return dev


def _assert_tree(tree: list[Any], expected: dict[str, Any]) -> None:
    got = _tree_summary(tree)
    assert list(got) == list(expected)
    for pcode, (pratio, pcov, programmes) in expected.items():
        gratio, gcov, gprogrammes = got[pcode]
        assert (gratio is None) == (pratio is None), pcode
        if pratio is not None:
            assert close(gratio, pratio), pcode
        assert close(gcov, pcov), pcode
        assert list(gprogrammes) == list(programmes), pcode
        for code, (ratio_, cov, goals) in programmes.items():
            r, c, g = gprogrammes[code]
            assert (r is None) == (ratio_ is None), code
            if ratio_ is not None:
                assert close(r, ratio_), code
            assert close(c, cov), code
            assert g == goals, code


F = Fraction


def test_plan_tree_rollups_are_the_hand_computed_weighted_means(plan: Any) -> None:
    tree = plan_tree(plan)
    a1 = (1 * F("0.5") + 3 * F("0.9") + 2 * F("0.5")) / 6  # 0.7, G4 excluded
    a2 = F(1)
    p1 = (3 * a1 + 1 * a2) / 4  # 0.775
    b1 = F(0)  # G7 worsened, counted as 0; G6 excluded
    _assert_tree(
        tree,
        {
            "P1": (p1, F(1), {"A1": (a1, F(6, 8), ["G1", "G2", "G3", "G4"]), "A2": (a2, F(1), ["G5"])}),
            "P2": (b1, F(1, 2), {"B1": (b1, F(1, 2), ["G6", "G7"]), "B2": (None, F(0), [])}),
        },
    )
    assert close(tree[0].rollup.ratio, F("0.775"))
    goals = {g.goal.code: g.progress for p in tree for prog in p.children for g in prog.children}
    assert goals["G1"] == Progress(Decimal("15"), Decimal("0.5"), datetime.date(2025, 12, 31))
    assert goals["G2"].ratio == Decimal("0.9")
    assert goals["G3"].level == Decimal("50") and goals["G3"].ratio == Decimal("0.5")
    assert goals["G4"] == Progress(None, None, None)
    assert goals["G5"].exceeded and goals["G7"].worsened
    # A whole plan's figure, from the pillars' weights: (2 × 0.775 + 1 × 0) ÷ 3.
    whole = rollup((p.obj.weight, p.rollup.ratio) for p in tree)
    assert close(whole.ratio, (2 * p1 + 1 * b1) / 3) and whole.coverage == ONE


def test_plan_tree_office_filter_restricts_the_goals_and_the_rollups(plan: Any) -> None:
    _assert_tree(
        plan_tree(plan, office="hacienda"),
        {
            "P1": (
                (3 * F("0.5") + 1 * F(1)) / 4,
                F(1),
                {"A1": (F("0.5"), F(1), ["G1", "G3"]), "A2": (F(1), F(1), ["G5"])},
            ),
            # B1 has only G6, without data; B2 has no goal of this office and is left out.
            "P2": (None, F(0), {"B1": (None, F(0), ["G6"])}),
        },
    )
    _assert_tree(
        plan_tree(plan, office="salud"),
        {
            "P1": (F("0.9"), F(1), {"A1": (F("0.9"), F(3, 5), ["G2", "G4"])}),
            "P2": (F(0), F(1), {"B1": (F(0), F(1), ["G7"])}),
        },
    )
    assert plan_tree(plan, office="no-such-office") == []


def test_plan_tree_pillar_filter_restricts_the_goals(plan: Any) -> None:
    _assert_tree(
        plan_tree(plan, pillar="P2"),
        {"P2": (F(0), F(1, 2), {"B1": (F(0), F(1, 2), ["G6", "G7"]), "B2": (None, F(0), [])})},
    )
    _assert_tree(
        plan_tree(plan, pillar="P1", office="salud"),
        {"P1": (F("0.9"), F(1), {"A1": (F("0.9"), F(3, 5), ["G2", "G4"])})},
    )
    assert plan_tree(plan, pillar="P9") == []


def _walk(tree: list[Any]) -> int:
    """Touch everything a page shows, so lazy queries would be counted."""
    seen = 0
    for p in tree:
        for prog in p.children:
            for g in prog.children:
                seen += len(g.goal.responsible.slug) > 0
                seen += len(list(g.goal.measurements.all())) >= 0
    return seen


def test_plan_tree_runs_in_a_bounded_number_of_queries(
    plan: Any, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    from abierta.development.models import Goal, Measurement

    # pillars, programmes, goals with their office, measurements.
    with django_assert_max_num_queries(4):
        _walk(plan_tree(plan))
    with django_assert_max_num_queries(4):
        _walk(plan_tree(plan, pillar="P1", office="salud"))

    # Ten times the goals and measurements: still the same number of queries.
    template = Goal.objects.get(code="G1")
    for i in range(30):
        g = Goal.objects.create(
            programme=template.programme,
            code=f"X{i}",
            title="x",
            indicator="x",
            unit="%",
            baseline=ZERO,
            target=Decimal(10),
            responsible=template.responsible,
        )
        for month in (1, 6, 12):
            Measurement.objects.create(goal=g, date=datetime.date(2025, month, 1), value=Decimal(i), source="s")
    with django_assert_max_num_queries(4):
        assert _walk(plan_tree(plan)) == 2 * (7 + 30)
