"""Public statistics: counts by month and type, deleted cases included, nothing about people or content."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from abierta.accounts.models import User
from abierta.complaints import services, stats
from abierta.complaints.models import Case
from abierta.complaints.services import ReportData
from factories import PASSWORD, make_user

D = datetime.date
TODAY = D(2026, 3, 20)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stats, "today", lambda: TODAY)


def make_case(category: str = Case.Category.BRIBERY, *, what: str = "secreto", **dates: Any) -> Case:
    case, _receipt = services.complaint_submit(report=ReportData(category=category, what=what), files=[])
    for name, value in dates.items():
        setattr(case, name, value)
    case.save()
    return case


@pytest.fixture
def cases() -> dict[str, Case]:
    handler = make_user("gestor@example.org", User.Role.TRANSPARENCY)
    services.handler_key_create(user=handler, password=PASSWORD)
    jan: dict[str, Any] = {"received_on": D(2026, 1, 10), "forward_due_on": D(2026, 1, 16), "due_on": D(2026, 1, 30)}
    mar: dict[str, Any] = {"received_on": D(2026, 3, 2), "forward_due_on": D(2026, 3, 9), "due_on": D(2026, 3, 24)}
    on_time = make_case(
        Case.Category.BRIBERY,
        what="Pidieron un soborno en la ventanilla 4",
        **jan,
        status=Case.Status.CLOSED,
        answered_on=D(2026, 1, 20),
        closed_on=D(2026, 1, 20),
        forwarded_on=D(2026, 1, 15),
    )
    late = make_case(Case.Category.PROCUREMENT, **jan, status=Case.Status.ANSWERED, answered_on=D(2026, 2, 5))
    overdue = make_case(Case.Category.PROCUREMENT, **jan, status=Case.Status.INVESTIGATION)
    still_open = make_case(Case.Category.OTHER, **mar)
    deleted = make_case(
        Case.Category.ABUSE, **mar, status=Case.Status.CLOSED, answered_on=D(2026, 3, 5), closed_on=D(2026, 3, 5)
    )
    services.case_delete(case=deleted, actor=None)
    return {"on_time": on_time, "late": late, "overdue": overdue, "open": still_open, "deleted": deleted}


def test_monthly_rows_fill_the_gaps_and_count_each_state(cases: dict[str, Case]) -> None:
    rows = {r.key: r for r in stats.monthly_rows(TODAY)}
    assert list(rows) == ["2026-01", "2026-02", "2026-03"]
    jan, feb, mar = rows["2026-01"], rows["2026-02"], rows["2026-03"]
    assert (jan.received, jan.forwarded, jan.on_time, jan.late, jan.open, jan.overdue) == (3, 1, 1, 1, 1, 1)
    assert feb.values() == [0, 0, 0, 0, 0, 0]
    # The deleted case (a tombstone) still counts, answered on time; the other is open but not overdue yet.
    assert (mar.received, mar.on_time, mar.late, mar.open, mar.overdue) == (2, 1, 0, 1, 0)


def test_category_rows_list_every_type(cases: dict[str, Case]) -> None:
    rows = {r.key: r for r in stats.category_rows(TODAY)}
    assert set(rows) == set(Case.Category.values)
    assert rows["procurement"].received == 2
    assert rows["procurement"].late == 1
    assert rows["procurement"].overdue == 1
    assert rows["abuse"].received == 1
    assert rows["influence"].received == 0


def test_page_shows_chart_and_table_without_content_or_people(cases: dict[str, Case]) -> None:
    response = Client().get(reverse("complaints:stats"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="img"' in html
    assert "<title" in html
    assert "<desc" in html
    assert "<script" not in html
    assert "<table" in html
    assert "<tfoot>" in html
    assert "soborno" not in html
    assert "gestor@example.org" not in html
    for case in cases.values():
        assert case.number not in html
    assert response.context["sections"][0].total.received == 5
    assert response.context["sections"][1].total.received == 5


def test_page_without_cases() -> None:
    response = Client().get(reverse("complaints:stats"))
    assert response.status_code == 200
    assert 'role="img"' not in response.content.decode()


def test_csv_gives_the_monthly_table(cases: dict[str, Case]) -> None:
    response = Client().get(reverse("complaints:stats"), {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert len(rows) == 4  # header and three months
    assert rows[1] == ["2026-01", "3", "1", "1", "1", "1", "1"]
    assert rows[2] == ["2026-02", "0", "0", "0", "0", "0", "0"]
    assert rows[3][0:2] == ["2026-03", "2"]


def test_the_chart_scales_to_the_largest_month(cases: dict[str, Case]) -> None:
    chart = stats.bar_chart(stats.monthly_rows(TODAY))
    widths = [bar.width for row in chart.rows for bar in row.bars if bar.css == "bar"]
    assert widths == [stats.BAR_SPACE, 0, round(2 * stats.BAR_SPACE / 3)]
