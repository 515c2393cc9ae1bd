"""Contract pages: the list and its bad input, the CSV export, a contract's page, the red flags page."""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from abierta.contracting.models import Contract
from abierta.contracting.redflags import FLAGS, refresh_flags
from abierta.contracting.tests.factories import make_contract
from abierta.contracting.text import search_document
from factories import shared_data

pytestmark = pytest.mark.django_db
LIST = "/contratos/"


def contract(title: str, **fields: Any) -> Contract:
    supplier = fields.setdefault("supplier_name", "Constructora Ejemplo S.A.S.")
    return make_contract(
        title=title, search_document=search_document(title, supplier, "Alcaldía de Cartagena"), **fields
    )


def csv_rows(response: Any) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_urls() -> None:
    assert reverse("contracting:contracts") == LIST
    assert reverse("contracting:contracts_csv") == "/contratos.csv"
    assert reverse("contracting:redflags") == "/contratos/alertas/"
    assert reverse("contracting:contract", args=["ocds-k50g02-1"]) == "/contratos/ocds-k50g02-1/"


def test_list_search_and_sort_links(client: Client) -> None:
    a = contract("Pavimentación de la vía a Pasacaballos", value=Decimal(500_000_000))
    contract("Mantenimiento de parques", value=Decimal(100))
    response = client.get(LIST, {"q": "pavimentación", "orden": "-valor"})
    assert response.status_code == 200
    html = response.content.decode()
    assert a.get_absolute_url() in html
    assert "Mantenimiento de parques" not in html
    assert "$ 500.000.000" in html
    # What was typed stays in the form; the sort column says how it is sorted.
    assert 'value="pavimentación"' in html
    assert 'aria-sort="descending"' in html
    assert "orden=valor" in html  # the value header now sorts ascending
    assert "/contratos.csv?q=pavimentaci%C3%B3n" in html


def test_list_without_results_and_on_pages(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from abierta.contracting import search

    response = client.get(LIST, {"q": "zzzinexistente"})
    assert response.status_code == 200
    assert "Ningún contrato" in response.content.decode() or "No contract matches" in response.content.decode()
    for i in range(4):
        contract(f"Contrato número {i}")
    monkeypatch.setattr(search, "PER_PAGE", 3)
    html = client.get(LIST, {"q": "contrato"}).content.decode()
    assert "pagina=2" in html
    assert client.get(LIST, {"q": "contrato", "pagina": "2"}).status_code == 200
    assert client.get(LIST, {"q": "contrato", "pagina": "3"}).status_code == 404


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"valor_min": "abc"}, "valor_min", "Ingrese un número."),
        ({"valor_max": "1e999"}, "valor_max", ""),
        ({"valor_min": "-5"}, "valor_min", "mayor o igual a 0"),
        ({"valor_min": "900", "valor_max": "100"}, "valor_max", "mayor o igual que el valor mínimo"),
        ({"orden": "precio"}, "orden", "Escoja una opción válida"),
        ({"anio": "dos mil"}, "anio", "Ingrese un número entero."),
        ({"anio": "1800"}, "anio", "1990"),
        ({"pagina": "0"}, None, "Número de página"),
        ({"pagina": "dos"}, None, "Número de página"),
        ({"alerta": "inventada"}, "alerta", "Escoja una opción válida"),
        ({"modalidad": "Inventada"}, "modalidad", "Escoja una opción válida"),
        ({"q": "x" * 201}, "q", "200"),
    ],
)
def test_bad_input_is_a_400_with_the_reason_and_what_was_typed(
    client: Client, params: dict[str, str], field: str | None, message: str
) -> None:
    contract("Obra")
    response = client.get(LIST, params)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error-summary"' in html
    if field:
        assert f'href="#id_{field}"' in html
    assert message in html
    for value in params.values():
        if field not in (None, "orden", "alerta", "modalidad") and len(value) <= 200:
            assert f'value="{value}"' in html
    assert "contract-table" not in html  # no list for a search that could not be understood
    assert client.get("/contratos.csv", params).status_code == 400


def test_values_typed_as_pesos(client: Client) -> None:
    contract("Grande", value=Decimal(2_500_000))
    contract("Pequeño", value=Decimal(900_000))
    for typed in ("$ 1.000.000", "1000000", "1,000,000.00", "1.000.000,00"):
        html = client.get(LIST, {"valor_min": typed}).content.decode()
        assert "Grande" in html and "Pequeño" not in html, typed


def test_csv_export_of_a_search(client: Client) -> None:
    a = contract('=HYPERLINK("http://malo") pavimentación', value=Decimal("1234.50"), bidders=1)
    contract("Mantenimiento de parques")
    refresh_flags()
    response = client.get("/contratos.csv", {"q": "pavimentación"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    header, body = rows[0], rows[1:]
    assert header[:3] == ["ocid", "numero_contrato", "numero_proceso"]
    assert len(body) == 1
    row = dict(zip(header, body[0], strict=True))
    assert row["ocid"] == a.ocid
    assert row["objeto"].startswith("'=HYPERLINK")  # no formula injection
    assert row["valor"] == "1234.50"
    assert row["fecha_firma"] == "2024-03-01"
    assert row["alertas"] == "oferente_unico"
    everything = csv_rows(client.get("/contratos.csv"))
    assert len(everything) == 3


def test_contract_page_with_missing_data_never_says_clean(client: Client) -> None:
    c = make_contract(
        original_value=None, value=None, value_added=None, signed_on=None, procurement_method="", modality=""
    )
    html = client.get(c.get_absolute_url()).content.decode()
    assert "flag--raised" not in html
    assert "flag--not_evaluable" in html
    assert client.get("/contratos/ocds-no-existe/").status_code == 404


def test_red_flags_page(client: Client) -> None:
    for _ in range(10):
        make_contract(procurement_method="direct", year=2021, signed_on=datetime.date(2021, 12, 1), value=Decimal(10))
    refresh_flags()
    response = client.get("/contratos/alertas/")
    assert response.status_code == 200
    html = response.content.decode()
    for flag in FLAGS:
        assert str(flag.title) in html
        assert f"alerta={flag.code}" in html
    assert "Ley 80 de 1993" in html and "Ley 996 de 2005" in html
    assert "Alcaldía de Cartagena" in html
    assert "<caption>" in html and 'scope="row"' in html
    assert "badge--raised" in html  # 100% direct and 100% in December


def test_anonymous_pages_are_cached_and_refreshed_with_the_flags(client: Client) -> None:
    c = contract("Pavimentación", bidders=1)
    first = client.get(c.get_absolute_url())
    assert first["X-Page-Cache"] == "miss"
    assert client.get(c.get_absolute_url())["X-Page-Cache"] == "hit"
    refresh_flags()  # raises "oferente_unico": the cached page must not be served
    again = client.get(c.get_absolute_url())
    assert again["X-Page-Cache"] == "miss"


@pytest.mark.slow
def test_real_secop_releases_show_on_the_contract_page(client: Client) -> None:
    """Real releases, real-world quality (malformed dates, extra fields): the page never breaks."""
    sample = shared_data("ocds", "colombia-secop1-sample", "sample")
    pages = 0
    for path in sorted((sample / "releases").glob("*.json")) + sorted((sample / "records").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        # A release, or a record (this sample's records are bare objects with a compiled release).
        records = data.get("records") or [data]
        releases = [r["compiledRelease"] for r in records if "compiledRelease" in r] or [data]
        for release in releases:
            if Contract.objects.filter(ocid=release["ocid"]).exists():
                continue
            c = make_contract(ocid=release["ocid"], release=release, url=release.get("urlSECOP", ""))
            response = client.get(c.get_absolute_url())
            assert response.status_code == 200, path.name
            pages += 1
            if path.name.startswith("ocds-k50g02-11-11-452228"):
                # UNSPSC code from the item's id (SECOP I quirk), tender dates, the SECOP link.
                html = response.content.decode()
                assert str(release["tender"]["items"][0]["id"]) in html
                assert "contratos.gov.co/consultas/detalleProceso.do?numConstancia=11-11-452228" in html
    assert pages >= 20


@pytest.mark.parametrize("persona", ["anonymous", "citizen", "editor_own", "transparency", "admin"])
def test_every_persona_searches_with_phrases_and_minus_words(
    persona_client: Callable[[str], Client], persona: str
) -> None:
    """The search is public: the same answer for everyone, on the page, the CSV and the API."""
    wanted = contract("Mantenimiento de parques en Bocagrande")
    contract("Mantenimiento de parques en Manga")
    contract("Parques: mantenimiento de zonas verdes")
    client = persona_client(persona)
    query = '"mantenimiento de parques" -manga'
    response = client.get(LIST, {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert wanted.get_absolute_url() in html
    assert "Manga" not in html and "zonas verdes" not in html
    rows = csv_rows(client.get("/contratos.csv", {"q": query}))
    assert [r for r in rows[1:] if wanted.title in r] and len(rows) == 2
    api = client.get("/api/v1/contracts", {"q": query})
    assert api.status_code == 200
    assert [c["title"] for c in api.json()["items"]] == [wanted.title]
