"""Public statistics: counts by month and type, deleted cases included, nothing about people or content."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from abierta.accounts.models import User
from abierta.complaints import services, stats
from abierta.complaints.models import Case, StatsSnapshot
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


def test_monthly_rows_fill_the_gaps_and_count_each_state_of_closed_months(cases: dict[str, Case]) -> None:
    rows = {r.key: r for r in stats.monthly_rows(TODAY)}
    # March has not ended on the 20th: its two cases are not counted yet.
    assert list(rows) == ["2026-01", "2026-02"]
    jan, feb = rows["2026-01"], rows["2026-02"]
    assert (jan.received, jan.forwarded, jan.on_time, jan.late, jan.open, jan.overdue) == (3, 1, 1, 1, 1, 1)
    assert feb.values() == [0, 0, 0, 0, 0, 0]
    # On the first of April, March is closed: the deleted case (a tombstone) still counts, answered on
    # time; the other is open but not overdue yet.
    mar = {r.key: r for r in stats.monthly_rows(D(2026, 4, 1))}["2026-03"]
    assert (mar.received, mar.on_time, mar.late, mar.open, mar.overdue) == (2, 1, 0, 1, 1)


def test_category_rows_list_every_type(cases: dict[str, Case]) -> None:
    rows = {r.key: r for r in stats.category_rows(TODAY)}
    assert set(rows) == set(Case.Category.values)
    assert rows["procurement"].received == 2
    assert rows["procurement"].late == 1
    assert rows["procurement"].overdue == 1
    assert rows["abuse"].received == 0  # received in March, still open
    assert rows["influence"].received == 0
    assert {r.key: r for r in stats.category_rows(D(2026, 4, 1))}["abuse"].received == 1


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
    months, types = response.context["sections"]
    assert months.total.received == 3
    # By type every January figure is 1 or 2: all suppressed, and left out of the total.
    assert types.total.received == 0 and types.has_data


def test_page_without_cases() -> None:
    response = Client().get(reverse("complaints:stats"))
    assert response.status_code == 200
    assert 'role="img"' not in response.content.decode()


def _csv_rows(client: Client) -> list[list[str]]:
    response = client.get(reverse("complaints:stats"), {"format": "csv"})
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))


def test_csv_gives_the_monthly_table_as_the_page_shows_it(cases: dict[str, Case]) -> None:
    response = Client().get(reverse("complaints:stats"), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv_rows(Client())
    assert len(rows) == 3  # header and the two closed months
    assert rows[1] == ["2026-01", "3", "< 3", "< 3", "< 3", "< 3", "< 3"]
    assert rows[2] == ["2026-02", "0", "0", "0", "0", "0", "0"]
    html = Client().get(reverse("complaints:stats")).content.decode()
    january = html.split('<th scope="row">Enero de 2026</th>')[1].split("</tr>")[0]
    cells = [c.split("<")[0] for c in january.split('<td class="num">')[1:]]
    assert cells == ["3", "&lt; 3", "&lt; 3", "&lt; 3", "&lt; 3", "&lt; 3"]


def test_one_report_does_not_change_the_statistics_the_same_day(
    cases: dict[str, Case], monkeypatch: pytest.MonkeyPatch
) -> None:
    """C2: the review watched the CSV go from 4 to 5 and the type table show "Influence … 1" at once."""
    client = Client()
    csv_before = _csv_rows(client)
    html_before = client.get(reverse("complaints:stats")).content.decode()
    # Even a report dated in a closed month (as an intake or a migration could file it).
    make_case(Case.Category.INFLUENCE, received_on=D(2026, 2, 3), forward_due_on=D(2026, 2, 10), due_on=D(2026, 2, 24))
    make_case(Case.Category.INFLUENCE)
    assert _csv_rows(client) == csv_before
    assert client.get(reverse("complaints:stats")).content.decode() == html_before
    # The next day's figures count the February one (still suppressed: it is alone).
    monkeypatch.setattr(stats, "today", lambda: TODAY + datetime.timedelta(days=1))
    assert _csv_rows(client)[2] == ["2026-02", "< 3", "0", "0", "0", "< 3", "< 3"]


def test_the_daily_round_makes_the_snapshot_of_its_day(cases: dict[str, Case]) -> None:
    from abierta.complaints.retention import complaints_daily

    complaints_daily(day=TODAY)
    snapshot = StatsSnapshot.objects.get(day=TODAY)
    assert snapshot.figures["months"][0] == ["2026-01", 3, 1, 1, 1, 1, 1]


def test_the_page_publishes_the_audit_head_at_the_start_of_the_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """C11: the chain had no outside anchor; its head is now on the public page, once a day."""
    handler = make_user("gestor@example.org", User.Role.TRANSPARENCY)
    yesterday = timezone.now() - datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: yesterday)
    entries = [services.audit_append(actor=handler, action="read") for _ in range(3)]
    monkeypatch.undo()
    monkeypatch.setattr(stats, "today", lambda: timezone.localdate())
    services.audit_append(actor=handler, action="read")  # today: after the head of today
    html = Client().get(reverse("complaints:stats")).content.decode()
    assert entries[-1].hash in html
    assert "3 entradas" in html
    snapshot = StatsSnapshot.objects.get()
    assert (snapshot.audit_count, snapshot.audit_head) == (3, entries[-1].hash)
    assert services.audit_hash_at(3) == entries[-1].hash
    # More entries today change nothing on the page until tomorrow.
    services.audit_append(actor=handler, action="read")
    assert Client().get(reverse("complaints:stats")).content.decode() == html


def test_the_chart_scales_to_the_largest_month(cases: dict[str, Case]) -> None:
    chart = stats.bar_chart(stats.monthly_rows(TODAY))
    widths = [bar.width for row in chart.rows for bar in row.bars if bar.css == "bar"]
    assert widths == [stats.BAR_SPACE, 0]
    # A suppressed figure draws no bar and says "< 3".
    labels = [bar.value for bar in chart.rows[0].bars]
    assert labels == [3, "< 3", "< 3", "< 3"]
