"""Colombian business days: weekends, national holidays and the Ley Emiliani Monday moves."""

from __future__ import annotations

import datetime

import pytest

from abierta.complaints.businessdays import add_business_days, business_days_between, is_business_day

D = datetime.date


@pytest.mark.parametrize(
    ("day", "why"),
    [
        (D(2026, 1, 1), "New Year's Day, a Thursday: fixed, not moved"),
        (D(2026, 1, 12), "Epiphany (6 January, a Tuesday) observed on Monday 12"),
        (D(2026, 3, 23), "San José (19 March, a Thursday) observed on Monday 23"),
        (D(2026, 4, 2), "Maundy Thursday"),
        (D(2026, 4, 3), "Good Friday"),
        (D(2026, 7, 20), "Independence Day: fixed"),
        (D(2026, 11, 16), "Independence of Cartagena (11 November) observed on Monday 16"),
        (D(2026, 12, 8), "Immaculate Conception, a Tuesday: fixed"),
    ],
)
def test_holidays_are_not_business_days(day: datetime.date, why: str) -> None:
    assert not is_business_day(day), why


@pytest.mark.parametrize(
    "day",
    [
        D(2026, 1, 6),  # Epiphany's own date: moved away, so a working Tuesday
        D(2026, 3, 19),  # San José's own date: a working Thursday
        D(2026, 11, 11),  # Cartagena's own date: a working Wednesday
        D(2026, 4, 1),  # Holy Wednesday works
    ],
)
def test_moved_holidays_leave_their_own_date_a_business_day(day: datetime.date) -> None:
    assert is_business_day(day)


def test_weekends_are_skipped() -> None:
    assert not is_business_day(D(2026, 3, 21))  # Saturday
    assert not is_business_day(D(2026, 3, 22))  # Sunday
    assert add_business_days(D(2026, 2, 6), 1) == D(2026, 2, 9)  # Friday → Monday
    assert add_business_days(D(2026, 2, 7), 1) == D(2026, 2, 9)  # from a Saturday: Monday is the first


def test_fifteen_business_days_across_holy_week() -> None:
    # From Friday 20 March 2026: Monday 23 (San José) and Thursday 2 and Friday 3 April (Holy Week)
    # are holidays, so the term ends on Wednesday 15 April, three weekdays after 10 April.
    start = D(2026, 3, 20)
    assert add_business_days(start, 15) == D(2026, 4, 15)
    assert business_days_between(start, D(2026, 4, 15)) == 15
    assert add_business_days(start, 5) == D(2026, 3, 30)  # 24–27 March, then Monday 30


def test_the_day_of_receipt_does_not_count() -> None:
    assert add_business_days(D(2026, 3, 2), 0) == D(2026, 3, 2)
    assert add_business_days(D(2026, 3, 2), 1) == D(2026, 3, 3)
    assert add_business_days(D(2026, 1, 9), 1) == D(2026, 1, 13)  # over the weekend and Epiphany


def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        add_business_days(D(2026, 3, 2), -1)


def test_business_days_between_has_a_sign() -> None:
    assert business_days_between(D(2026, 3, 20), D(2026, 4, 15)) == 15
    assert business_days_between(D(2026, 4, 15), D(2026, 3, 20)) == -15
    assert business_days_between(D(2026, 4, 1), D(2026, 4, 1)) == 0
    assert business_days_between(D(2026, 4, 1), D(2026, 4, 6)) == 1  # Holy Thursday, Good Friday, weekend
    assert business_days_between(D(2026, 4, 6), D(2026, 4, 1)) == -1
    assert business_days_between(D(2026, 3, 21), D(2026, 3, 22)) == 0  # a weekend


def test_across_the_new_year() -> None:
    # 31 December 2025 (Wednesday) + 1: 1 January is a holiday, so Friday 2 January 2026.
    assert add_business_days(D(2025, 12, 31), 1) == D(2026, 1, 2)
    assert business_days_between(D(2025, 12, 31), D(2026, 1, 13)) == 7  # 2, 5–9 and 13 January
