"""The JSON API's contracts and public works (/api/v1/contracts, /api/v1/works)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from abierta.contracting.models import Contract
from abierta.contracting.tests.factories import make_contract
from abierta.works.models import Work, WorkContract, WorkUpdate
from abierta.works.tests.factories import make_work

pytestmark = pytest.mark.django_db

API = "/api/v1"


def items(client: Client, path: str, **params: Any) -> list[dict[str, Any]]:
    response = client.get(API + path, params)
    assert response.status_code == 200, response.content[:500]
    data: list[dict[str, Any]] = response.json()["items"]
    return data


def test_contracts_list_fields_and_paging(client: Client) -> None:
    contract = make_contract(
        ocid="ocds-k50g02-API1",
        value=Decimal("1250000000.50"),
        value_added=Decimal("250000000"),
        days_added=30,
        flags=["additions_value"],
    )
    make_contract(ocid="ocds-k50g02-API2", signed_on=datetime.date(2023, 1, 5), year=2023)
    response = client.get(API + "/contracts", {"limit": 1})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    (first,) = body["items"]
    assert first["ocid"] == contract.ocid  # newest first
    assert first["value"] == 1250000000.5
    assert first["value_added"] == 250000000
    assert first["days_added"] == 30
    assert first["flags"] == ["additions_value"]
    assert first["buyer_nit"] == "890480184"
    assert first["url"] == contract.get_absolute_url()
    assert first["ocds_url"] == f"/ocds/releases/{contract.ocid}.json"
    assert first["secop_url"].startswith("https://community.secop.gov.co/")
    assert "release" not in first


def test_contracts_filters(client: Client) -> None:
    make_contract(
        ocid="ocds-k50g02-F1",
        title="Construcción del puente de Bazurto",
        search_document="construccion del puente de bazurto constructora ejemplo s.a.s. alcaldia de cartagena",
        year=2023,
        value=Decimal("500000000"),
        contract_type="Obra",
    )
    make_contract(
        ocid="ocds-k50g02-F2",
        title="Interventoría del puente",
        search_document="interventoria del puente consultores del caribe alcaldia de cartagena",
        supplier_name="Consultores del Caribe Ltda.",
        supplier_doc="800111222",
        contract_type="Interventoría",
        year=2024,
        value=Decimal("90000000"),
    )

    def ocids(**params: Any) -> list[str]:
        return sorted(c["ocid"] for c in items(client, "/contracts", **params))

    assert ocids(q="bazurto") == ["ocds-k50g02-F1"]
    assert ocids(q="puente") == ["ocds-k50g02-F1", "ocds-k50g02-F2"]
    assert ocids(supplier="800111222") == ["ocds-k50g02-F2"]
    assert ocids(supplier="caribe") == ["ocds-k50g02-F2"]
    assert ocids(contract_type="Obra") == ["ocds-k50g02-F1"]
    assert ocids(year=2023) == ["ocds-k50g02-F1"]
    assert ocids(value_min=100000000) == ["ocds-k50g02-F1"]
    assert ocids(value_max=100000000) == ["ocds-k50g02-F2"]
    assert ocids(entity="890480184") == ["ocds-k50g02-F1", "ocds-k50g02-F2"]
    Contract.objects.filter(ocid="ocds-k50g02-F1").update(flags=["adiciones_valor"])
    assert ocids(flag="adiciones_valor") == ["ocds-k50g02-F1"]
    assert ocids(flagged="true") == ["ocds-k50g02-F1"]
    assert ocids(flagged="false") == ["ocds-k50g02-F1", "ocds-k50g02-F2"]
    assert [c["ocid"] for c in items(client, "/contracts", sort="valor")] == ["ocds-k50g02-F2", "ocds-k50g02-F1"]
    assert [c["ocid"] for c in items(client, "/contracts", sort="-valor")] == ["ocds-k50g02-F1", "ocds-k50g02-F2"]


@pytest.mark.parametrize(
    "params",
    [
        {"year": "dos mil"},
        {"year": "+2024"},
        {"value_min": "-5"},
        {"value_min": "1e9"},
        {"sort": "precio"},
        {"limit": "0"},
        {"q": "a\x00b"},
    ],
)
def test_contracts_invalid_parameters_get_422(client: Client, params: dict[str, str]) -> None:
    assert client.get(API + "/contracts", params).status_code == 422


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
    data = items(client, "/works")
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
        return [w["name"] for w in items(client, "/works", **params)]

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


def test_openapi_lists_the_new_operations(client: Client) -> None:
    paths = client.get(API + "/openapi.json").json()["paths"]
    for path in ("/api/v1/contracts", "/api/v1/contracts/{ocid}", "/api/v1/works", "/api/v1/works/{code}"):
        assert path in paths
    assert (
        422 in paths["/api/v1/contracts"]["get"]["responses"] or "422" in paths["/api/v1/contracts"]["get"]["responses"]
    )
