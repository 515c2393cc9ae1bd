"""The JSON API's shared parts: the institutions' endpoints, the text parameters and the 422 answer
every operation declares."""

from __future__ import annotations

import pytest
from django.test import Client

from abierta.core.api import InstitutionKind
from abierta.core.models import Institution
from factories import World, api_items

pytestmark = pytest.mark.django_db


def test_the_api_enums_are_the_models_choices() -> None:
    assert {k.value for k in InstitutionKind} == set(Institution.Kind.values)


def test_institutions(world: World, client: Client) -> None:
    Institution.objects.filter(slug="propia").update(short_name="OP", website="https://propia.example.org/")
    assert [i["slug"] for i in api_items(client, "institutions")] == ["ajena", "propia", "monitora"]
    assert [i["slug"] for i in api_items(client, "institutions", kind="monitoring")] == ["monitora"]
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


def test_nul_in_a_text_parameter_is_invalid_not_an_error(world: World, client: Client) -> None:
    assert client.get("/api/v1/commitments", {"plan": "a\x00b"}).status_code == 422
    assert client.get("/api/v1/plans/a%00b").status_code == 422


def test_every_operation_declares_its_422(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            if operation.get("parameters"):
                assert "422" in operation["responses"], path


def test_operation_ids_are_the_published_ones(client: Client) -> None:
    """Clients generated from the document name their calls by these ids: an app's router keeps them."""
    schema = client.get("/api/v1/openapi.json").json()
    ids = {operation["operationId"] for operations in schema["paths"].values() for operation in operations.values()}
    assert ids == {
        "abierta_api_" + view
        for view in (
            "plans_list",
            "plan_get",
            "commitments_list",
            "commitment_get",
            "milestones_list",
            "development_plans_list",
            "development_plan_get",
            "goals_list",
            "goal_get",
            "measurements_list",
            "institutions_list",
            "institution_get",
            "progress_updates_list",
            "progress_update_get",
            "monitoring_reports_list",
            "monitoring_report_get",
            "committee_members_list",
            "committee_meetings_list",
            "endorsements_list",
            "working_tables_list",
            "initiatives_list",
            "contracts_list",
            "contract_get",
            "works_list",
            "work_get",
        )
    }
