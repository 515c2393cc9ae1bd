"""The open datasets "Contratos" and "Obras públicas" in the catalog (/datos/), CSV and JSON."""

from __future__ import annotations

import csv
import datetime
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from abierta.contracting import datasets as contract_datasets
from abierta.contracting.tests.factories import make_contract
from abierta.datos.registry import all_datasets, get
from abierta.works import datasets
from abierta.works.models import Work, WorkUpdate
from abierta.works.tests.factories import make_work

pytestmark = pytest.mark.django_db


def csv_rows(client: Client, slug: str) -> list[list[str]]:
    response = client.get(f"/datos/{slug}.csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def json_doc(client: Client, slug: str) -> dict[str, Any]:
    response = client.get(f"/datos/{slug}.json")
    assert response.status_code == 200
    doc: dict[str, Any] = json.loads(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    return doc


def test_both_datasets_are_registered() -> None:
    slugs = {d.slug for d in all_datasets()}
    assert {"contratos", "obras"} <= slugs
    assert get("contratos") is contract_datasets.CONTRATOS and get("obras") is datasets.OBRAS


def test_contracts_csv_and_json(client: Client) -> None:
    make_contract(
        ocid="ocds-k50g02-DS1",
        title="Mantenimiento vial en Manga",
        value=Decimal("320000000.00"),
        value_added=Decimal("20000000"),
        flags=["additions_value", "single_bidder"],
        signed_on=datetime.date(2024, 2, 1),
    )
    make_contract(ocid="ocds-k50g02-DS2")
    rows = csv_rows(client, "contratos")
    assert rows[0] == contract_datasets.CONTRATOS.headers
    assert [r[0] for r in rows[1:]] == ["ocds-k50g02-DS1", "ocds-k50g02-DS2"]
    header = rows[0]
    first = dict(zip(header, rows[1], strict=True))
    assert first["Objeto"] == "Mantenimiento vial en Manga"
    assert first["Valor (COP)"] == "320000000"
    assert first["Banderas rojas"] == "additions_value; single_bidder"
    assert first["Fecha de firma"] == "2024-02-01"
    assert first["Entrega OCDS"].endswith("/ocds/releases/ocds-k50g02-DS1.json")
    doc = json_doc(client, "contratos")
    assert doc["identificador"] == "contratos"
    item = doc["elementos"][0]
    assert item["valor"] == 320000000 and item["valor_adicionado"] == 20000000
    assert item["documento_contratista"] == "900123456"
    assert "release" not in item


def test_contracts_dataset_never_loads_the_release(django_assert_max_num_queries: Any) -> None:
    for _ in range(3):
        make_contract()
    objs = list(contract_datasets.CONTRATOS.objects())
    assert all("release" in o.get_deferred_fields() for o in objs)
    with django_assert_max_num_queries(1):
        list(contract_datasets.CONTRATOS.rows())


def test_works_dataset_only_published_with_progress_and_contracts(client: Client) -> None:
    work = make_work(contracts=2, name="Malecón de Crespo", physical_progress=Decimal("62.5"))
    WorkUpdate.objects.create(
        work=work, date=datetime.date(2024, 9, 1), physical_progress=Decimal("62.5"), financial_progress=50, text="x"
    )
    make_work(is_published=False, name="Borrador")
    rows = csv_rows(client, "obras")
    assert rows[0] == datasets.OBRAS.headers
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Nombre"] == "Malecón de Crespo"
    assert row["Avance físico (%)"] == "62.5"
    assert row["Fecha del último reporte de avance"] == "2024-09-01"
    assert row["Identificador OC4IDS"] == f"oc4ids-ctg000-{work.code}"
    links = {link.role: link.contract for link in work.work_contracts.all()}
    assert row["OCID del contrato de obra"] == links["works"].ocid
    assert row["OCID de la interventoría"] == links["supervision"].ocid
    assert row["Página de la obra"].endswith(work.get_absolute_url())
    item = json_doc(client, "obras")["elementos"][0]
    assert item["avance_fisico"] == 62.5 and item["latitud"] == 10.4072
    assert item["estado"] == Work.Status.IMPLEMENTATION


def test_works_dataset_prefetches(django_assert_max_num_queries: Any) -> None:
    for _ in range(4):
        make_work(contracts=2)
    with django_assert_max_num_queries(3):
        rows = list(datasets.OBRAS.rows())
    assert len(rows) == 4


def test_dataset_pages_link_the_standard_formats(client: Client) -> None:
    make_work()
    page = client.get(reverse("datos:dataset", kwargs={"slug": "contratos"})).content.decode()
    assert reverse("contracting_files:releases") in page and reverse("contracting_files:records") in page
    page = client.get(reverse("datos:dataset", kwargs={"slug": "obras"})).content.decode()
    assert reverse("works_files:oc4ids_projects") in page


def test_modified_dates_come_from_the_data() -> None:
    assert contract_datasets.CONTRATOS.modified() is None
    make_work()
    assert datasets.OBRAS.modified() is not None
    assert contract_datasets.CONTRATOS.modified() is not None
