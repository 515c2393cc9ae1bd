"""The public JSON API of the action plans (/api/v1/): plans, commitments, milestones, progress updates,
monitoring reports, the committee, endorsements; fields, filters, pagination, 404s, and nothing of an
unpublished plan. And the CSV export of commitments in OGP's columns."""

from __future__ import annotations

import csv
import datetime
import io
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from abierta.core.models import Institution
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
from abierta.plans.views import OGP_COLUMNS
from factories import World, api_items, make_hidden_plan


@pytest.fixture
def more(world: World) -> ActionPlan:
    """A second published plan with commitments, and an unpublished one."""
    second = ActionPlan.objects.create(
        slug="plan-dos", title="Plan dos", jurisdiction="Cartagena", period_start=2024, period_end=2025
    )
    hidden = ActionPlan.objects.create(
        slug="oculto", title="Oculto", jurisdiction="Cartagena", period_start=2024, period_end=2025, is_published=False
    )
    for n in range(1, 4):
        Commitment.objects.create(
            plan=second,
            code=f"DOS000{n}",
            title=f"Compromiso dos {n}",
            lead_institution=world.own_office,
            start_month=datetime.date(2024, 1, 1),
            end_month=datetime.date(2024, 6, 1),
            completion=Commitment.Completion.COMPLETE if n == 1 else Commitment.Completion.LIMITED,
        )
    Commitment.objects.create(
        plan=hidden,
        code="OCULTO01",
        title="No publicado",
        lead_institution=world.own_office,
        start_month=datetime.date(2024, 1, 1),
        end_month=datetime.date(2024, 6, 1),
        completion=Commitment.Completion.COMPLETE,
    )
    Commitment.objects.filter(code="TEST0001").update(completion=Commitment.Completion.COMPLETE)
    return second


@pytest.fixture
def hidden(world: World) -> ActionPlan:
    return make_hidden_plan(world)


def codes(response: object) -> list[str]:
    return [item["code"] for item in response.json()["items"]]  # type: ignore[attr-defined]


def test_plans(world: World, more: ActionPlan, client: Client) -> None:
    world.plan.lead_institutions.add(world.own_office)
    response = client.get("/api/v1/plans")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2
    assert [p["slug"] for p in data["items"]] == ["plan-dos", "plan-prueba"]
    plan = data["items"][1]
    assert plan["title"] == "Plan de prueba"
    assert plan["period_start"] == 2022
    assert plan["url"] == world.plan.get_absolute_url()
    assert plan["lead_institutions"] == [{"name": "Oficina Propia", "slug": "propia", "kind": "government"}]
    assert client.get("/api/v1/plans/plan-prueba").json()["slug"] == "plan-prueba"
    assert client.get("/api/v1/plans/oculto").status_code == 404


def test_commitments_list_and_filters(world: World, more: ActionPlan, client: Client) -> None:
    response = client.get("/api/v1/commitments")
    assert response.status_code == 200
    assert response.json()["count"] == 5
    assert codes(response) == ["DOS0001", "DOS0002", "DOS0003", "TEST0001", "TEST0002"]
    assert codes(client.get("/api/v1/commitments", {"plan": "plan-prueba"})) == ["TEST0001", "TEST0002"]
    assert codes(client.get("/api/v1/commitments", {"completion": "complete"})) == ["DOS0001", "TEST0001"]
    both = client.get("/api/v1/commitments", {"plan": "plan-dos", "completion": "limited"})
    assert codes(both) == ["DOS0002", "DOS0003"]
    assert codes(client.get("/api/v1/commitments", {"plan": "oculto"})) == []
    assert client.get("/api/v1/commitments", {"completion": "perfect"}).status_code == 422


def test_commitments_pagination(world: World, more: ActionPlan, client: Client) -> None:
    first = client.get("/api/v1/commitments", {"limit": 2, "offset": 0}).json()
    second = client.get("/api/v1/commitments", {"limit": 2, "offset": 2}).json()
    last = client.get("/api/v1/commitments", {"limit": 2, "offset": 4}).json()
    assert first["count"] == second["count"] == last["count"] == 5
    assert [c["code"] for c in first["items"]] == ["DOS0001", "DOS0002"]
    assert [c["code"] for c in second["items"]] == ["DOS0003", "TEST0001"]
    assert [c["code"] for c in last["items"]] == ["TEST0002"]


def test_commitment_detail(world: World, more: ActionPlan, client: Client) -> None:
    world.commitment.supporting_institutions.add(world.other_office)
    response = client.get("/api/v1/commitments/TEST0001")
    assert response.status_code == 200
    data = response.json()
    assert data["code"] == "TEST0001"
    assert data["plan"] == "plan-prueba"
    assert data["title"] == "Compromiso de prueba"
    assert data["completion"] == "complete"
    assert data["start_month"] == "2023-01-01"
    assert data["lead_institution"]["slug"] == "propia"
    assert [i["slug"] for i in data["supporting_institutions"]] == ["ajena"]
    assert data["url"] == world.commitment.get_absolute_url()
    missing = client.get("/api/v1/commitments/NOPE0001")
    assert missing.status_code == 404
    assert "detail" in missing.json()
    assert client.get("/api/v1/commitments/OCULTO01").status_code == 404


def test_milestones(world: World, client: Client) -> None:
    ProgressUpdate.objects.create(milestone=world.milestone, date=datetime.date(2023, 2, 1), text="x")
    data = client.get("/api/v1/milestones").json()
    assert data["count"] == 2
    first = data["items"][0]
    assert first["id"] == world.milestone.pk
    assert first["commitment"] == "TEST0001"
    assert first["title"] == "Hito de prueba"
    assert first["responsible"]["slug"] == "propia"
    assert first["status"] == "not_started"
    assert first["updates_count"] == 1
    assert data["items"][1]["updates_count"] == 0
    only = client.get("/api/v1/milestones", {"commitment": "TEST0002"}).json()
    assert [m["title"] for m in only["items"]] == ["Hito ajeno"]
    Milestone.objects.filter(pk=world.milestone.pk).update(status="completed")
    done = client.get("/api/v1/milestones", {"status": "completed"}).json()
    assert [m["id"] for m in done["items"]] == [world.milestone.pk]


def test_openapi_document(db: None, client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Abierta API"
    for path in (
        "/api/v1/plans",
        "/api/v1/plans/{slug}",
        "/api/v1/commitments",
        "/api/v1/commitments/{code}",
        "/api/v1/milestones",
    ):
        assert "get" in document["paths"][path], path
    params = {p["name"] for p in document["paths"]["/api/v1/commitments"]["get"]["parameters"]}
    assert {"plan", "completion", "limit", "offset"} <= params


def test_the_api_enums_are_the_models_choices() -> None:
    assert {k.value for k in ReportKind} == set(MonitoringReport.Kind.values)


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
    assert [u["id"] for u in api_items(client, "progress-updates", commitment="TEST0002")] == [link.pk]
    assert [u["id"] for u in api_items(client, "progress-updates", milestone=world.milestone.pk)] == [with_file.pk]
    assert [u["id"] for u in api_items(client, "progress-updates", date_from="2023-04-01")] == [link.pk]
    assert [u["id"] for u in api_items(client, "progress-updates", date_to="2023-04-01")] == [with_file.pk]
    assert api_items(client, "progress-updates", date_from="2023-03-02", date_to="2023-04-30") == []
    assert api_items(client, "progress-updates", commitment="OCULTO01") == []
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
    data = api_items(client, "monitoring-reports")
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
    assert [r["id"] for r in api_items(client, "monitoring-reports", kind="learning")] == [learning.pk]
    assert [r["id"] for r in api_items(client, "monitoring-reports", plan="plan-prueba", kind="commitment")] == [
        report.pk
    ]
    assert api_items(client, "monitoring-reports", plan="oculto") == []
    assert client.get(f"/api/v1/monitoring-reports/{report.pk}").json()["title"] == "Evaluación"
    hidden_report = MonitoringReport.objects.get(plan=hidden)
    assert client.get(f"/api/v1/monitoring-reports/{hidden_report.pk}").status_code == 404
    assert client.get("/api/v1/monitoring-reports", {"kind": "government"}).status_code == 422


def test_committee(world: World, hidden: ActionPlan, client: Client) -> None:
    # The working table that elected a member is participation's model, reached through the string
    # foreign key (plans does not import participation).
    WorkingTable: Any = CommitteeMember._meta.get_field("working_table").related_model
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
    members = api_items(client, "committee-members")
    assert [m["name"] for m in members] == ["Ana", "Beatriz"]
    assert members[0]["working_table"] is None and members[0]["end_date"] == "2023-12-31"
    assert members[1]["working_table"] == 3 and members[1]["end_date"] is None
    assert "user" not in members[1] and "email" not in members[1]
    assert api_items(client, "committee-members", plan="oculto") == []
    assert len(api_items(client, "committee-members", plan="plan-prueba")) == 2

    with_minutes = CommitteeMeeting.objects.create(
        plan=world.plan, date=datetime.date(2023, 2, 1), place="Alcaldía", summary="Primera", minutes="minutes/a.pdf"
    )
    without = CommitteeMeeting.objects.create(plan=world.plan, date=datetime.date(2023, 5, 1), summary="Segunda")
    meetings = api_items(client, "committee-meetings")
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
    assert api_items(client, "committee-meetings", plan="oculto") == []


def test_endorsements(world: World, hidden: ActionPlan, client: Client) -> None:
    Endorsement.objects.create(plan=world.plan, name="Fundación", sector="Sociedad civil", order=2)
    Endorsement.objects.create(plan=world.plan, name="Universidad", sector="Academia", order=1)
    assert api_items(client, "endorsements") == [
        {"plan": "plan-prueba", "name": "Universidad", "sector": "Academia"},
        {"plan": "plan-prueba", "name": "Fundación", "sector": "Sociedad civil"},
    ]
    assert api_items(client, "endorsements", plan="oculto") == []


# --- CSV export --------------------------------------------------------------------------------


def read_csv(client: Client, plan: ActionPlan) -> tuple[bytes, list[list[str]]]:
    response = client.get(reverse("plans:commitments_csv", args=[plan.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{plan.slug}-commitments.csv"'
    raw = response.content
    return raw, list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_csv_export(world: World, client: Client) -> None:
    oficina = Institution.objects.create(name="Secretaría de Participación", slug="participacion")
    world.commitment.supporting_institutions.add(oficina, world.other_office)
    Commitment.objects.filter(pk=world.commitment.pk).update(
        title="Formación de veedurías ciudadanas",
        problem="Poca participación.",
        description="Capacitación en contratación pública.",
        value_civic_participation=True,
        completion=Commitment.Completion.SUBSTANTIAL,
        opened_government="major",
    )
    raw, rows = read_csv(client, world.plan)
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "Formación de veedurías ciudadanas".encode() in raw
    assert rows[0] == OGP_COLUMNS
    assert rows[0][0] == "Commitment Unique Identifier"
    assert len(rows) == 1 + world.plan.commitments.count() == 3
    by_code = {row[0]: dict(zip(OGP_COLUMNS, row, strict=True)) for row in rows[1:]}
    assert set(by_code) == {"TEST0001", "TEST0002"}
    row = by_code["TEST0001"]
    assert row["Commitment Title"] == "Formación de veedurías ciudadanas"
    assert row["Country/Locality"] == "Cartagena"
    assert row["Action Plan Number"] == "Cartagena 2022-2023"
    assert row["Lead Institution"] == "Oficina Propia"
    assert row["Supporting Institution(s)"] == "Oficina Ajena; Secretaría de Participación"
    assert row["OGP Value Civic Participation"] == "Yes"
    assert row["OGP Value Access To Information"] == "No"
    assert row["Completion"] == "Substantial"
    assert row["Did It Open Government"] == "Major"
    assert row["Full Text"] == "Poca participación.\n\nCapacitación en contratación pública."
    other = by_code["TEST0002"]
    assert (other["Completion"], other["Did It Open Government"]) == ("Not Started", "")


def test_csv_of_unpublished_plan_is_404(world: World, client: Client) -> None:
    ActionPlan.objects.filter(pk=world.plan.pk).update(is_published=False)
    assert client.get(reverse("plans:commitments_csv", args=[world.plan.slug])).status_code == 404


def test_csv_neutralises_formulas(world: World, client: Client) -> None:
    world.commitment.title = '=HYPERLINK("http://evil.example","clic")'
    world.commitment.save()
    response = client.get(reverse("plans:commitments_csv", args=[world.plan.slug]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    titles = {row[0]: row[3] for row in rows[1:]}
    assert titles["TEST0001"] == '\'=HYPERLINK("http://evil.example","clic")'
