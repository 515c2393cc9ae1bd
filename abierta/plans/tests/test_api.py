"""The public JSON API (/api/v1/) and the CSV export of commitments in OGP's columns."""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest
from django.test import Client
from django.urls import reverse

from abierta.core.models import Institution
from abierta.plans.models import ActionPlan, Commitment, Milestone, ProgressUpdate
from abierta.plans.views import OGP_COLUMNS
from factories import World


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
