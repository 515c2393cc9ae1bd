"""The JSON API's endpoints for institutions, progress updates, monitoring reports, the committee
and co-creation: fields, filters, pagination, 404s, and nothing of an unpublished plan."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from abierta.core.api import InstitutionKind
from abierta.core.models import Institution
from abierta.participation.models import Initiative, WorkingTable
from abierta.plans.api import ReportKind
from abierta.plans.models import (
    ActionPlan,
    Commitment,
    CommitteeMeeting,
    CommitteeMember,
    Endorsement,
    Milestone,
    MonitoringReport,
    ProgressUpdate,
)
from factories import World

pytestmark = pytest.mark.django_db


def items(client: Client, path: str, **params: Any) -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/{path}", params)
    assert response.status_code == 200, response.content
    return response.json()["items"]  # type: ignore[no-any-return]


@pytest.fixture
def hidden(world: World) -> ActionPlan:
    """An unpublished plan with one object of every kind."""
    plan = ActionPlan.objects.create(
        slug="oculto", title="Oculto", jurisdiction="X", period_start=2024, period_end=2025, is_published=False
    )
    commitment = Commitment.objects.create(
        plan=plan,
        code="OCULTO01",
        title="Oculto",
        lead_institution=world.own_office,
        start_month=datetime.date(2024, 1, 1),
        end_month=datetime.date(2024, 6, 1),
    )
    milestone = Milestone.objects.create(
        commitment=commitment,
        title="Oculto",
        start_date=datetime.date(2024, 1, 1),
        end_date=datetime.date(2024, 6, 1),
        responsible=world.own_office,
    )
    ProgressUpdate.objects.create(milestone=milestone, date=datetime.date(2024, 2, 1), text="Oculto")
    MonitoringReport.objects.create(
        plan=plan,
        kind=MonitoringReport.Kind.INITIAL,
        title="Oculto",
        published_on=datetime.date(2024, 3, 1),
        file="reports/oculto.pdf",
        institution=world.monitoring_body,
    )
    table = WorkingTable.objects.create(plan=plan, number=1, name="Oculta", sector=WorkingTable.Sector.ACADEMIA)
    CommitteeMember.objects.create(plan=plan, name="Oculto", sector="X", working_table=table, start_date="2024-01-01")
    CommitteeMeeting.objects.create(plan=plan, date=datetime.date(2024, 4, 1), summary="Oculta")
    Endorsement.objects.create(plan=plan, name="Oculto", sector="X")
    Initiative.objects.create(plan=plan, number=1, title="Oculta", commitment=commitment)
    return plan


def test_the_api_enums_are_the_models_choices() -> None:
    assert {k.value for k in InstitutionKind} == set(Institution.Kind.values)
    assert {k.value for k in ReportKind} == set(MonitoringReport.Kind.values)


def test_institutions(world: World, client: Client) -> None:
    Institution.objects.filter(slug="propia").update(short_name="OP", website="https://propia.example.org/")
    assert [i["slug"] for i in items(client, "institutions")] == ["ajena", "propia", "monitora"]
    assert [i["slug"] for i in items(client, "institutions", kind="monitoring")] == ["monitora"]
    one = client.get("/api/v1/institutions/propia").json()
    assert one == {
        "name": "Oficina Propia",
        "short_name": "OP",
        "slug": "propia",
        "kind": "government",
        "website": "https://propia.example.org/",
    }
    assert "email" not in one and "phone" not in one
    assert client.get("/api/v1/institutions/nadie").status_code == 404
    assert client.get("/api/v1/institutions", {"kind": "initial"}).status_code == 422


def test_progress_updates(world: World, hidden: ActionPlan, client: Client) -> None:
    with_file = ProgressUpdate.objects.create(
        milestone=world.milestone,
        date=datetime.date(2023, 3, 1),
        text="Con archivo",
        evidence_file="evidence/a.pdf",
        evidence_kind="pdf",
        evidence_name="a.pdf",
        institution=world.own_office,
    )
    other = Milestone.objects.get(commitment=world.other_commitment)
    link = ProgressUpdate.objects.create(
        milestone=other, date=datetime.date(2023, 5, 1), text="Con enlace", evidence_url="https://example.org/e"
    )
    data = client.get("/api/v1/progress-updates").json()
    assert data["count"] == 2
    assert [u["id"] for u in data["items"]] == [link.pk, with_file.pk]  # newest first; the hidden plan's is absent
    first = data["items"][1]
    assert first == {
        "id": with_file.pk,
        "plan": "plan-prueba",
        "commitment": "TEST0001",
        "milestone": world.milestone.pk,
        "date": "2023-03-01",
        "text": "Con archivo",
        "evidence_file_url": reverse("plans:evidence_file", kwargs={"pk": with_file.pk}),
        "evidence_name": "a.pdf",
        "evidence_kind": "pdf",
        "evidence_link": "",
        "institution": {"name": "Oficina Propia", "slug": "propia", "kind": "government"},
        "is_example": False,
    }
    second = data["items"][0]
    assert second["evidence_file_url"] is None and second["evidence_link"] == "https://example.org/e"
    assert second["institution"] is None
    assert [u["id"] for u in items(client, "progress-updates", commitment="TEST0002")] == [link.pk]
    assert [u["id"] for u in items(client, "progress-updates", milestone=world.milestone.pk)] == [with_file.pk]
    assert [u["id"] for u in items(client, "progress-updates", date_from="2023-04-01")] == [link.pk]
    assert [u["id"] for u in items(client, "progress-updates", date_to="2023-04-01")] == [with_file.pk]
    assert items(client, "progress-updates", date_from="2023-03-02", date_to="2023-04-30") == []
    assert items(client, "progress-updates", commitment="OCULTO01") == []
    page = client.get("/api/v1/progress-updates", {"limit": 1, "offset": 1}).json()
    assert page["count"] == 2 and [u["id"] for u in page["items"]] == [with_file.pk]
    assert client.get(f"/api/v1/progress-updates/{with_file.pk}").json()["text"] == "Con archivo"
    hidden_update = ProgressUpdate.objects.get(text="Oculto")
    assert client.get(f"/api/v1/progress-updates/{hidden_update.pk}").status_code == 404
    assert client.get("/api/v1/progress-updates/999999").status_code == 404
    for bad in ({"date_to": "0"}, {"date_from": "2023-02-30"}, {"milestone": "x"}, {"offset": -1}, {"limit": 0}):
        assert client.get("/api/v1/progress-updates", bad).status_code == 422, bad
    assert client.get("/api/v1/progress-updates", {"offset": 10**30}).status_code == 422


def test_monitoring_reports(world: World, hidden: ActionPlan, client: Client) -> None:
    report = MonitoringReport.objects.create(
        plan=world.plan,
        kind=MonitoringReport.Kind.COMMITMENT,
        commitment=world.commitment,
        title="Evaluación",
        summary="Bien",
        published_on=datetime.date(2024, 1, 31),
        file="reports/evaluacion.pdf",
        institution=world.monitoring_body,
    )
    learning = MonitoringReport.objects.create(
        plan=world.plan,
        kind=MonitoringReport.Kind.LEARNING,
        title="Aprendizajes",
        published_on=datetime.date(2024, 6, 30),
        file="reports/aprendizajes.pdf",
        institution=world.monitoring_body,
    )
    data = items(client, "monitoring-reports")
    assert [r["id"] for r in data] == [learning.pk, report.pk]
    assert data[1] == {
        "id": report.pk,
        "plan": "plan-prueba",
        "kind": "commitment",
        "commitment": "TEST0001",
        "title": "Evaluación",
        "summary": "Bien",
        "published_on": "2024-01-31",
        "file_url": reverse("plans:report_file", kwargs={"pk": report.pk}),
        "institution": {"name": "Universidad Monitora", "slug": "monitora", "kind": "monitoring"},
    }
    assert data[0]["commitment"] is None
    assert [r["id"] for r in items(client, "monitoring-reports", kind="learning")] == [learning.pk]
    assert [r["id"] for r in items(client, "monitoring-reports", plan="plan-prueba", kind="commitment")] == [report.pk]
    assert items(client, "monitoring-reports", plan="oculto") == []
    assert client.get(f"/api/v1/monitoring-reports/{report.pk}").json()["title"] == "Evaluación"
    hidden_report = MonitoringReport.objects.get(plan=hidden)
    assert client.get(f"/api/v1/monitoring-reports/{hidden_report.pk}").status_code == 404
    assert client.get("/api/v1/monitoring-reports", {"kind": "government"}).status_code == 422


def test_committee(world: World, hidden: ActionPlan, client: Client) -> None:
    table = WorkingTable.objects.create(
        plan=world.plan, number=3, name="Jóvenes", sector=WorkingTable.Sector.POPULATION
    )
    CommitteeMember.objects.create(
        plan=world.plan, name="Beatriz", sector="Jóvenes", working_table=table, start_date=datetime.date(2023, 1, 1)
    )
    CommitteeMember.objects.create(
        plan=world.plan,
        name="Ana",
        sector="Academia",
        start_date=datetime.date(2023, 1, 1),
        end_date=datetime.date(2023, 12, 31),
    )
    members = items(client, "committee-members")
    assert [m["name"] for m in members] == ["Ana", "Beatriz"]
    assert members[0]["working_table"] is None and members[0]["end_date"] == "2023-12-31"
    assert members[1]["working_table"] == 3 and members[1]["end_date"] is None
    assert "user" not in members[1] and "email" not in members[1]
    assert items(client, "committee-members", plan="oculto") == []
    assert len(items(client, "committee-members", plan="plan-prueba")) == 2

    with_minutes = CommitteeMeeting.objects.create(
        plan=world.plan, date=datetime.date(2023, 2, 1), place="Alcaldía", summary="Primera", minutes="minutes/a.pdf"
    )
    without = CommitteeMeeting.objects.create(plan=world.plan, date=datetime.date(2023, 5, 1), summary="Segunda")
    meetings = items(client, "committee-meetings")
    assert [m["id"] for m in meetings] == [without.pk, with_minutes.pk]
    assert meetings[0]["minutes_url"] is None
    assert meetings[1] == {
        "id": with_minutes.pk,
        "plan": "plan-prueba",
        "date": "2023-02-01",
        "place": "Alcaldía",
        "summary": "Primera",
        "minutes_url": reverse("plans:minutes_file", kwargs={"pk": with_minutes.pk}),
        "is_example": False,
    }
    assert items(client, "committee-meetings", plan="oculto") == []


def test_endorsements(world: World, hidden: ActionPlan, client: Client) -> None:
    Endorsement.objects.create(plan=world.plan, name="Fundación", sector="Sociedad civil", order=2)
    Endorsement.objects.create(plan=world.plan, name="Universidad", sector="Academia", order=1)
    assert items(client, "endorsements") == [
        {"plan": "plan-prueba", "name": "Universidad", "sector": "Academia"},
        {"plan": "plan-prueba", "name": "Fundación", "sector": "Sociedad civil"},
    ]
    assert items(client, "endorsements", plan="oculto") == []


def test_working_tables_and_initiatives(world: World, hidden: ActionPlan, client: Client) -> None:
    WorkingTable.objects.create(
        plan=world.plan,
        number=2,
        name="Academia",
        sector=WorkingTable.Sector.ACADEMIA,
        held_on=datetime.date(2022, 8, 1),
        attendance=30,
    )
    WorkingTable.objects.create(plan=world.plan, number=1, name="Mujeres", sector=WorkingTable.Sector.POPULATION)
    tables = items(client, "working-tables")
    assert [t["number"] for t in tables] == [1, 2]
    assert tables[0]["held_on"] is None and tables[0]["attendance"] is None and tables[0]["proposals_count"] is None
    assert tables[1]["held_on"] == "2022-08-01" and tables[1]["attendance"] == 30
    assert [t["number"] for t in items(client, "working-tables", sector="academia")] == [2]
    assert items(client, "working-tables", plan="oculto") == []
    assert client.get("/api/v1/working-tables", {"sector": "nope"}).status_code == 422

    Initiative.objects.create(plan=world.plan, number=1, title="Datos", selected=True, commitment=world.commitment)
    Initiative.objects.create(plan=world.plan, number=2, title="Parques")
    Initiative.objects.create(plan=world.plan, number=3, title="Descartada", shortlisted=False)
    # An initiative of a published plan pointing to an unpublished plan's commitment does not name it.
    Initiative.objects.create(plan=world.plan, number=4, title="Rara", commitment=Commitment.objects.get(plan=hidden))
    data = items(client, "initiatives")
    assert [i["number"] for i in data] == [1, 2, 3, 4]
    assert data[0]["commitment"] == "TEST0001" and data[1]["commitment"] is None and data[3]["commitment"] is None
    assert [i["number"] for i in items(client, "initiatives", selected="true")] == [1]
    assert [i["number"] for i in items(client, "initiatives", shortlisted="false")] == [3]
    assert [i["number"] for i in items(client, "initiatives", shortlisted="true", selected="false")] == [2, 4]
    assert items(client, "initiatives", plan="oculto") == []


def test_nul_in_a_text_parameter_is_invalid_not_an_error(world: World, client: Client) -> None:
    assert client.get("/api/v1/commitments", {"plan": "a\x00b"}).status_code == 422
    assert client.get("/api/v1/plans/a%00b").status_code == 422


def test_every_operation_declares_its_422(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            if operation.get("parameters"):
                assert "422" in operation["responses"], path
