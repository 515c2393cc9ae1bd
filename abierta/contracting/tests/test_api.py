"""The JSON API's contracts (/api/v1/contracts): fields, paging, filters and invalid parameters."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from abierta.contracting.models import Contract
from abierta.contracting.tests.factories import make_contract
from factories import api_items

pytestmark = pytest.mark.django_db

API = "/api/v1"


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
        return sorted(c["ocid"] for c in api_items(client, "/contracts", **params))

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
    assert [c["ocid"] for c in api_items(client, "/contracts", sort="valor")] == ["ocds-k50g02-F2", "ocds-k50g02-F1"]
    assert [c["ocid"] for c in api_items(client, "/contracts", sort="-valor")] == ["ocds-k50g02-F1", "ocds-k50g02-F2"]


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


def test_openapi_lists_the_contract_operations(client: Client) -> None:
    paths = client.get(API + "/openapi.json").json()["paths"]
    for path in ("/api/v1/contracts", "/api/v1/contracts/{ocid}"):
        assert path in paths
    assert (
        422 in paths["/api/v1/contracts"]["get"]["responses"] or "422" in paths["/api/v1/contracts"]["get"]["responses"]
    )
