"""The JSON API's public works (/api/v1/works), and a contract's published works (/api/v1/contracts/{ocid})."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

from abierta.contracting.api import WorkContractRole
from abierta.works.models import Work, WorkContract, WorkUpdate
from abierta.works.tests.factories import make_work
from factories import api_items

pytestmark = pytest.mark.django_db

API = "/api/v1"


def test_the_contracts_api_roles_are_the_work_contract_roles() -> None:
    assert [r.value for r in WorkContractRole] == WorkContract.Role.values


def test_contract_detail_with_its_published_works(client: Client) -> None:
    work = make_work(name="Parque de Chambacú")
    hidden = make_work(contracts=0, is_published=False, name="Oculta")
    link = work.work_contracts.get()
    WorkContract.objects.create(work=hidden, contract=link.contract, role=WorkContract.Role.OTHER)
    response = client.get(f"{API}/contracts/{link.contract.ocid}")
    assert response.status_code == 200
    data = response.json()
    assert data["ocid"] == link.contract.ocid
    assert data["works"] == [
        {"code": work.code, "name": "Parque de Chambacú", "role": "works", "url": work.get_absolute_url()}
    ]
    missing = client.get(f"{API}/contracts/ocds-k50g02-nope")
    assert missing.status_code == 404
    assert missing.json()["detail"]


def test_works_list_only_published_with_contracts(client: Client) -> None:
    work = make_work(contracts=2, name="Canal Calicanto", localidad=Work.Localidad.HISTORICA, ucg=2)
    make_work(is_published=False, name="Borrador")
    data = api_items(client, "/works")
    assert [w["name"] for w in data] == ["Canal Calicanto"]
    (out,) = data
    assert out["code"] == work.code
    assert out["oc4ids_id"] == f"oc4ids-ctg000-{work.code}"
    assert out["office"]["slug"] == "infraestructura"
    assert out["latitude"] == 10.4072 and out["longitude"] == -75.4943
    assert out["physical_progress"] == 35.0
    assert out["localidad"] == "historica" and out["ucg"] == 2
    assert [c["role"] for c in out["contracts"]] == ["works", "supervision"]
    assert all(c["ocid"].startswith("ocds-k50g02-") for c in out["contracts"])


def test_works_filters(client: Client) -> None:
    make_work(contracts=0, name="Colegio", sector=Work.Sector.EDUCATION, status=Work.Status.COMPLETION, ucg=10)
    make_work(contracts=0, name="Vía", sector=Work.Sector.TRANSPORT_ROAD, ucg=6)

    def names(**params: Any) -> list[str]:
        return [w["name"] for w in api_items(client, "/works", **params)]

    assert names(sector="education") == ["Colegio"]
    assert names(status="implementation") == ["Vía"]
    assert names(ucg=10) == ["Colegio"]
    assert names(office="infraestructura") == ["Colegio", "Vía"]
    assert names(office="otra") == []
    assert client.get(API + "/works", {"sector": "space"}).status_code == 422
    assert client.get(API + "/works", {"ucg": "16"}).status_code == 422


def test_work_detail_with_updates_and_404_when_unpublished(client: Client) -> None:
    work = make_work()
    WorkUpdate.objects.create(
        work=work, date=datetime.date(2024, 6, 1), physical_progress=30, financial_progress=35, text="Vaciado"
    )
    data = client.get(f"{API}/works/{work.code}").json()
    assert data["updates"] == [
        {"date": "2024-06-01", "physical_progress": 30.0, "financial_progress": 35.0, "text": "Vaciado"}
    ]
    hidden = make_work(is_published=False)
    assert client.get(f"{API}/works/{hidden.code}").status_code == 404
    assert client.get(f"{API}/works/NOPE1234").status_code == 404


@pytest.mark.parametrize(
    "persona", ["anonymous", "citizen", "editor_own", "editor_other", "monitor", "transparency", "committee", "admin"]
)
def test_every_persona_sees_the_same_public_data(persona: str, persona_client: Any) -> None:
    work = make_work()
    make_work(is_published=False, name="Oculta")
    client = persona_client(persona)
    works = client.get(API + "/works").json()["items"]
    assert [w["code"] for w in works] == [work.code]
    assert client.get(API + "/contracts").json()["count"] == 2
    contract = work.work_contracts.get().contract
    assert client.get(f"{API}/contracts/{contract.ocid}").status_code == 200


def test_openapi_lists_the_works_operations(client: Client) -> None:
    paths = client.get(API + "/openapi.json").json()["paths"]
    for path in ("/api/v1/works", "/api/v1/works/{code}"):
        assert path in paths
