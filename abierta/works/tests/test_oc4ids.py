"""OC4IDS 0.9.4 publication of the works, validated against the official schema (with the OCDS
validators of ``abierta.contracting.tests.schemas``), and the publication files as a whole."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from abierta.contracting import publish
from abierta.contracting.tests.factories import get_json, make_contract, minimal_release, secop_contract, walk_pages
from abierta.contracting.tests.schemas import assert_valid
from abierta.works import oc4ids
from abierta.works.models import Work, WorkContract, WorkUpdate
from abierta.works.tests.factories import make_work


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["contracting_files:releases", "contracting_files:records", "works_files:oc4ids_projects"]
)
def test_files_are_public_and_cacheable(client: Client, name: str) -> None:
    make_work()
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "public" in response["Cache-Control"]
    assert response["Access-Control-Allow-Origin"] == "*"
    assert client.post(reverse(name)).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["anonymous", "citizen", "editor_own", "monitor", "admin"])
def test_every_persona_gets_the_same_public_files(persona: str, persona_client: Any) -> None:
    contract = make_contract(ocid="ocds-k50g02-PERS")
    make_work()
    client = persona_client(persona)
    for url in (
        reverse("contracting_files:releases"),
        reverse("contracting_files:records"),
        reverse("works_files:oc4ids_projects"),
        reverse("contracting_files:contract_release", args=[contract.ocid]),
    ):
        assert client.get(url).status_code == 200


# OC4IDS ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_projects_package_validates_and_maps_a_work(client: Client) -> None:
    work = make_work(contracts=2, name="Pavimentación del barrio Olaya", ucg=6)
    WorkUpdate.objects.create(
        work=work,
        date=datetime.date(2024, 5, 1),
        physical_progress=Decimal("20"),
        financial_progress=Decimal("25"),
        text="Excavación",
    )
    WorkUpdate.objects.create(
        work=work,
        date=datetime.date(2024, 7, 1),
        physical_progress=Decimal("35.5"),
        financial_progress=Decimal("40"),
        text="Base granular",
    )
    make_work(is_published=False, name="Oculta")
    package = get_json(client, reverse("works_files:oc4ids_projects"))
    assert_valid("project-package", package)
    assert package["version"] == "0.9"
    (project,) = package["projects"]
    assert project["id"] == f"oc4ids-ctg000-{work.code}"
    assert project["title"] == "Pavimentación del barrio Olaya"
    assert project["status"] == "implementation"
    assert project["sector"] == ["transport", "transport.road"]
    (location,) = project["locations"]
    assert location["geometry"] == {"type": "Point", "coordinates": [-75.4943, 10.4072]}
    assert location["address"]["streetAddress"] == work.address
    assert "Unidad Comunera de Gobierno 6" in location["description"]
    assert project["budget"]["amount"] == {"amount": 1200000000, "currency": "COP"}
    assert project["period"]["startDate"].startswith("2024-03-15")
    assert project["publicAuthority"]["name"] == "Secretaría de Infraestructura"
    assert project["publicAuthority"]["id"] in {p["id"] for p in project["parties"]}
    physical = next(m for m in project["metrics"] if m["id"] == "physicalProgress")
    assert [o["measure"] for o in physical["observations"]] == [20.0, 35.5]
    natures = [p["summary"]["nature"] for p in project["contractingProcesses"]]
    assert natures == [["construction"], ["supervision"]]
    ocids = {link.contract.ocid for link in WorkContract.objects.filter(work=work)}
    assert {p["summary"]["ocid"] for p in project["contractingProcesses"]} == ocids
    process = project["contractingProcesses"][0]
    assert process["summary"]["status"] == "active"
    assert process["summary"]["contractValue"] == {"amount": 1000000000, "currency": "COP"}
    assert process["releases"][0]["url"].split("#")[0].endswith(f"/ocds/releases/{process['id']}.json")


@pytest.mark.django_db
def test_completed_work_and_amended_contract(client: Client) -> None:
    release = minimal_release("ocds-k50g02-DONE")
    release["contracts"][0]["status"] = "terminated"
    release["contracts"][0]["implementation"] = {
        "transactions": [
            {"id": "p1", "date": "2024-06-01T00:00:00Z", "value": {"amount": 500000000, "currency": "COP"}}
        ]
    }
    contract = make_contract(
        ocid="ocds-k50g02-DONE",
        release=release,
        value=Decimal("1400000000"),
        original_value=Decimal("1000000000"),
        value_added=Decimal("400000000"),
        days_added=60,
    )
    work = make_work(contracts=0, status=Work.Status.COMPLETION, sector=Work.Sector.OTHER, latitude=None)
    WorkContract.objects.create(work=work, contract=contract, role=WorkContract.Role.WORKS)
    WorkUpdate.objects.create(
        work=work, date=datetime.date(2024, 11, 30), physical_progress=100, financial_progress=100, text="Entregada"
    )
    package = get_json(client, reverse("works_files:oc4ids_projects"))
    assert_valid("project-package", package)
    (project,) = package["projects"]
    assert "sector" not in project
    assert "geometry" not in project["locations"][0]
    assert project["completion"]["finalValue"] == {"amount": 1400000000, "currency": "COP"}
    assert project["completion"]["endDate"].startswith("2024-11-30")
    summary = project["contractingProcesses"][0]["summary"]
    assert summary["status"] == "closed"
    assert {m["type"] for m in summary["modifications"]} == {"value", "duration"}
    assert summary["transactions"][0]["value"]["amount"] == 500000000


@pytest.mark.django_db
def test_projects_paging(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(oc4ids.work_page, "__defaults__", (2,))
    works = [make_work(contracts=0) for _ in range(5)]
    packages = walk_pages(client, reverse("works_files:oc4ids_projects"), "projects")
    assert [len(p["projects"]) for p in packages] == [2, 2, 1]
    codes = sorted(w.code for w in works)
    assert [p["identifiers"][0]["id"] for package in packages for p in package["projects"]] == codes
    for package in packages:
        assert_valid("project-package", package)


@pytest.mark.django_db
def test_pages_read_a_fixed_number_of_queries(django_assert_max_num_queries: Any) -> None:
    """One query for the page's keys and a few per chunk of 100, whatever the number of rows."""
    for _ in range(6):
        make_work(contracts=2)
    with django_assert_max_num_queries(4):
        body = b"".join(oc4ids.project_package_chunks(oc4ids.work_page(publish.Cursor())))
    assert len(json.loads(body)["projects"]) == 6
    # The page's keys, then per chunk its contracts and their source releases (the record's history).
    with django_assert_max_num_queries(3):
        body = b"".join(publish.record_package_chunks(publish.contract_page(publish.Cursor())))
    assert len(json.loads(body)["records"]) == 12


@pytest.mark.django_db
def test_a_natural_persons_cedula_is_not_in_oc4ids(client: Client) -> None:
    person = secop_contract(
        id_contrato="CO1.PCCNTR.9000001",
        tipodocproveedor="Cédula de Ciudadanía",
        documento_proveedor="98765432",
        proveedor_adjudicado="MARÍA NÚÑEZ PÉREZ",
    )
    work = make_work(contracts=0)
    WorkContract.objects.create(work=work, contract=person, role=WorkContract.Role.WORKS)
    package = get_json(client, reverse("works_files:oc4ids_projects"))
    assert_valid("project-package", package)
    text = json.dumps(package, ensure_ascii=False)
    assert "MARÍA NÚÑEZ PÉREZ" in text
    assert "98765432" not in text
    (project,) = package["projects"]
    assert {"id": "persona-natural-1", "name": "MARÍA NÚÑEZ PÉREZ"} in project["contractingProcesses"][0]["summary"][
        "suppliers"
    ]
