"""Small builders for contracts in tests (not the importers: those have their own tests), the SECOP II
files the importer tests read, and a client's reading of the published files."""

from __future__ import annotations

import csv
import datetime
import hashlib
import itertools
import json
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.test import Client

from abierta.contracting.models import Contract
from abierta.contracting.ocds import contract_columns
from abierta.contracting.secop import row_to_release

DATA = Path(__file__).parent / "data"
CSV = DATA / "secop_contratos.csv"
JSON = DATA / "secop_contratos.json"

_seq = itertools.count(1)


def minimal_release(ocid: str, **extra: Any) -> dict[str, Any]:
    """A compiled release valid against OCDS 1.1.5 with a buyer, a supplier and one contract."""
    release: dict[str, Any] = {
        "ocid": ocid,
        "id": f"{ocid}-compiled",
        "date": "2024-03-01T00:00:00Z",
        "tag": ["compiled"],
        "initiationType": "tender",
        "parties": [
            {"id": "CO-NIT-890480184", "name": "Alcaldía de Cartagena", "roles": ["buyer"]},
            {"id": "CO-NIT-900123456", "name": "Constructora Ejemplo S.A.S.", "roles": ["supplier"]},
        ],
        "buyer": {"id": "CO-NIT-890480184", "name": "Alcaldía de Cartagena"},
        "awards": [
            {
                "id": "1",
                "status": "active",
                "suppliers": [{"id": "CO-NIT-900123456", "name": "Constructora Ejemplo S.A.S."}],
            }
        ],
        "contracts": [
            {
                "id": "1",
                "awardID": "1",
                "status": "active",
                "value": {"amount": 1000000000, "currency": "COP"},
            }
        ],
    }
    release.update(extra)
    return release


def make_contract(**fields: Any) -> Contract:
    n = next(_seq)
    ocid = fields.pop("ocid", f"ocds-k50g02-TEST-{n:06d}")
    release = fields.pop("release", None) or minimal_release(ocid)
    defaults: dict[str, Any] = {
        "source": Contract.Source.SECOP2,
        "contract_id": f"CO1.PCCNTR.{1000000 + n}",
        "process_id": f"CO1.BDOS.{2000000 + n}",
        "buyer_name": "Alcaldía de Cartagena",
        "buyer_nit": "890480184",
        "supplier_name": "Constructora Ejemplo S.A.S.",
        "supplier_doc_type": "NIT",
        "supplier_doc": "900123456",
        "title": f"Construcción de obra de prueba {n}",
        "modality": "Licitación pública Obra Publica",
        "contract_type": "Obra",
        "status": "En ejecución",
        "procurement_method": "open",
        "signed_on": datetime.date(2024, 3, 1),
        "start_on": datetime.date(2024, 3, 15),
        "end_on": datetime.date(2024, 12, 15),
        "year": 2024,
        "value": Decimal("1000000000"),
        "original_value": Decimal("1000000000"),
        "url": "https://community.secop.gov.co/Public/Tendering/OpportunityDetail/Index?noticeUID=CO1.NTC.1",
        "search_document": f"construccion de obra de prueba {n} constructora ejemplo s.a.s. alcaldia de cartagena",
    }
    defaults.update(fields)
    body = json.dumps(release, sort_keys=True)
    return Contract.objects.create(
        ocid=ocid, release=release, release_hash=hashlib.sha256(body.encode()).hexdigest(), **defaults
    )


def get_json(client: Client, url: str) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    data: dict[str, Any] = json.loads(body)
    return data


def local(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def walk_pages(client: Client, url: str, key: str) -> list[dict[str, Any]]:
    """Every package of a paged publication, following links.next."""
    packages = []
    next_url: str | None = url
    while next_url:
        package = get_json(client, local(next_url))
        packages.append(package)
        next_url = package.get("links", {}).get("next")
        assert len(packages) < 1000
    return packages


def secop_contract(**row: str) -> Contract:
    """A contract stored as the SECOP II importer stores it, from the first row of the sample CSV
    with ``row``'s columns changed (e.g. ``tipodocproveedor``, ``documento_proveedor``)."""
    with CSV.open(encoding="utf-8-sig", newline="") as fh:
        first = next(csv.DictReader(fh))
    release = row_to_release({**first, **row})
    return Contract.objects.create(source=Contract.Source.SECOP2, release=release, **contract_columns(release))
