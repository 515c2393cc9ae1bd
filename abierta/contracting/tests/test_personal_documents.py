"""Natural persons' document numbers (cédulas…) are not republished: not by the contract page, the
search, its CSV, the API, the open data set or the OCDS publication; companies' NITs stay.
(OC4IDS: ``works/tests/test_oc4ids.py``.)"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.test import Client

from abierta.contracting.privacy import document_is_public, withhold_personal_documents
from abierta.contracting.tests.factories import get_json, local, secop_contract, walk_pages
from abierta.contracting.tests.schemas import assert_valid
from factories import api_items

pytestmark = pytest.mark.django_db

CEDULA = "98765432"
PERSON = {
    "id_contrato": "CO1.PCCNTR.9000001",
    "tipodocproveedor": "Cédula de Ciudadanía",
    "documento_proveedor": "98.765.432",
    "proveedor_adjudicado": "MARÍA NÚÑEZ PÉREZ",
}
COMPANY = {"id_contrato": "CO1.PCCNTR.9000002"}  # the sample row: NIT 901234567


def body(response: Any) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return str(raw.decode("utf-8-sig"))


@pytest.mark.parametrize(
    ("doc_type", "doc", "public"),
    [
        ("NIT", "901234567", True),
        ("NIT", "890.480.184-1", True),
        ("Nit de Persona Jurídica", "860001234", True),
        ("Nit de Persona Jur\ufffddica", "860001234", True),
        ("CO-NIT", "900123456", True),
        ("Nit de otro país", "12-3456789", True),
        ("Cédula de Ciudadanía", "98765432", False),
        ("C\ufffddula de Ciudadan\ufffda", "98765432", False),
        ("Cédula de Extranjería", "456789", False),
        ("Tarjeta de Identidad", "1001234567", False),
        ("Pasaporte", "AB123456", False),
        ("Permiso por Protección Temporal", "5123456", False),
        ("CO-CC", "98765432", False),
        ("Nit de Persona Natural", "1012362575-0", False),
        # A plain "NIT" that is a cédula with its check digit: a natural person's.
        ("NIT", "1047123456-3", False),
        ("NIT", "45123456", False),
        ("Otro", "900123456", False),
        ("", "900123456", False),
    ],
)
def test_which_documents_are_public(doc_type: str, doc: str, public: bool) -> None:
    assert document_is_public(doc_type, doc) is public


def test_the_importer_keeps_the_number_for_staff() -> None:
    contract = secop_contract(**PERSON)
    assert contract.supplier_doc == CEDULA
    assert contract.public_supplier_doc == ""
    assert secop_contract(**COMPANY).public_supplier_doc == "901234567"


def test_contract_page_shows_the_company_nit_and_not_the_cedula(client: Client) -> None:
    person, company = secop_contract(**PERSON), secop_contract(**COMPANY)
    html = client.get(person.get_absolute_url()).content.decode()
    assert "MARÍA NÚÑEZ PÉREZ" in html
    assert CEDULA not in html and "98.765.432" not in html
    assert "901234567" in client.get(company.get_absolute_url()).content.decode()


def test_search_by_a_cedula_finds_nothing_by_a_nit_finds_the_company(client: Client) -> None:
    secop_contract(**PERSON)
    secop_contract(**COMPANY)
    html = client.get("/contratos/", {"contratista": "98.765.432"}).content.decode()
    assert "MARÍA NÚÑEZ" not in html
    assert "CONSORCIO VIAS OLAYA" in client.get("/contratos/", {"contratista": "901234567"}).content.decode()
    assert api_items(client, "/contracts", supplier=CEDULA) == []
    assert [c["supplier_doc"] for c in api_items(client, "/contracts", supplier="901234567")] == ["901234567"]


def test_search_csv_leaves_the_cedula_out(client: Client) -> None:
    secop_contract(**PERSON)
    secop_contract(**COMPANY)
    text = body(client.get("/contratos.csv"))
    rows = {r["contratista"]: r for r in csv.DictReader(io.StringIO(text))}
    assert rows["MARÍA NÚÑEZ PÉREZ"]["documento_contratista"] == ""
    assert rows["MARÍA NÚÑEZ PÉREZ"]["tipo_documento_contratista"] == "Cédula de Ciudadanía"
    assert rows["CONSORCIO VIAS OLAYA 2024"]["documento_contratista"] == "901234567"
    assert CEDULA not in text


def test_api_leaves_the_cedula_out(client: Client) -> None:
    person = secop_contract(**PERSON)
    secop_contract(**COMPANY)
    items = {c["supplier_name"]: c for c in api_items(client, "/contracts")}
    assert items["MARÍA NÚÑEZ PÉREZ"]["supplier_doc"] == ""
    assert items["MARÍA NÚÑEZ PÉREZ"]["supplier_doc_type"] == "Cédula de Ciudadanía"
    assert items["CONSORCIO VIAS OLAYA 2024"]["supplier_doc"] == "901234567"
    one = client.get(f"/api/v1/contracts/{person.ocid}")
    assert one.status_code == 200 and CEDULA not in one.content.decode()


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_open_data_set_leaves_the_cedula_out(client: Client, fmt: str) -> None:
    secop_contract(**PERSON)
    secop_contract(**COMPANY)
    text = body(client.get(f"/datos/contratos.{fmt}"))
    assert "MARÍA NÚÑEZ PÉREZ" in text
    assert CEDULA not in text
    assert "901234567" in text


def test_ocds_publication_leaves_the_cedula_out_and_stays_valid(client: Client) -> None:
    person = secop_contract(**PERSON)
    company = secop_contract(**COMPANY)
    package = get_json(client, f"/ocds/releases/{person.ocid}.json")
    assert_valid("release-package", package)
    (release,) = package["releases"]
    text = json.dumps(package, ensure_ascii=False)
    assert CEDULA not in text
    supplier = next(p for p in release["parties"] if "supplier" in p["roles"])
    assert supplier["id"] == "persona-natural-1"
    assert supplier["identifier"] == {"scheme": "CO-CC", "legalName": "MARÍA NÚÑEZ PÉREZ"}
    assert release["awards"][0]["suppliers"] == [{"id": "persona-natural-1", "name": "MARÍA NÚÑEZ PÉREZ"}]
    payee = release["contracts"][0]["implementation"]["transactions"][0]["payee"]
    assert payee["id"] == "persona-natural-1"
    # The release id is not the stored release's hash, which would let one test guessed numbers.
    assert person.release_hash[:12] not in release["id"]
    # The stored release keeps the number for staff.
    person.refresh_from_db()
    assert any(p.get("identifier", {}).get("id") == CEDULA for p in person.release["parties"])
    # The company's NIT stays.
    company_release = get_json(client, f"/ocds/releases/{company.ocid}.json")["releases"][0]
    assert "CO-NIT-901234567" in {p["id"] for p in company_release["parties"]}
    for url, key in (("/ocds/releases.json", "releases"), ("/ocds/records.json", "records")):
        pages = walk_pages(client, url, key)
        text = json.dumps(pages, ensure_ascii=False)
        assert CEDULA not in text and "CO-NIT-901234567" in text
        assert_valid("release-package" if key == "releases" else "record-package", pages[0])
    assert local(package["uri"]).startswith("/ocds/releases/")


def test_withholding_covers_additional_identifiers_and_addresses() -> None:
    release: dict[str, Any] = {
        "parties": [
            {
                "id": "ed04fca3",
                "identifier": {"scheme": "Nit de Persona Natural", "id": "1012362575-0", "legalName": "MARTHA"},
                "additionalIdentifiers": [{"scheme": "CO-CC", "id": "1012362575"}, {"scheme": "CO-RUES", "id": "x"}],
                "address": {"streetAddress": "CALLE 70 SUR 88", "locality": "Bogotá"},
                "contactPoint": {"telephone": "3001234567"},
                "roles": ["supplier"],
            },
            {
                "id": "1",
                "identifier": {"scheme": "NIT", "id": "899999061"},
                "additionalIdentifiers": [{"scheme": "CO-RUES", "id": "x"}, {"scheme": "CO-CC", "id": "45123456"}],
                "roles": ["buyer"],
            },
        ],
        "buyer": {"id": "1"},
        "tender": {"tenderers": [{"id": "ed04fca3"}, {"id": "1"}]},
        "awards": [{"id": "1", "suppliers": [{"id": "ed04fca3"}]}],
    }
    assert withhold_personal_documents(release) is True
    person, buyer = release["parties"]
    assert person == {
        "id": "persona-natural-1",
        "identifier": {"scheme": "Nit de Persona Natural", "legalName": "MARTHA"},
        "address": {"locality": "Bogotá"},
        "roles": ["supplier"],
    }
    assert buyer["id"] == "1" and buyer["identifier"]["id"] == "899999061"
    assert buyer["additionalIdentifiers"] == [{"scheme": "CO-RUES", "id": "x"}]
    assert release["tender"]["tenderers"] == [{"id": "persona-natural-1"}, {"id": "1"}]
    assert release["awards"] == [{"id": "1", "suppliers": [{"id": "persona-natural-1"}]}]
    assert withhold_personal_documents(release) is False
