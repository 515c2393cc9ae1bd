"""Contract search: text on both databases, every filter, sort orders, the capped count."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from abierta.contracting import search
from abierta.contracting.models import Contract
from abierta.contracting.redflags import refresh_flags
from abierta.contracting.search import ContractFilters, contracts_search, ordered, result_page
from abierta.contracting.tests.factories import make_contract
from abierta.contracting.text import search_document

pytestmark = pytest.mark.django_db
D = datetime.date


def contract(title: str, supplier: str = "Constructora Ejemplo S.A.S.", **fields: Any) -> Contract:
    buyer = fields.get("buyer_name", "Alcaldía de Cartagena")
    return make_contract(
        title=title, supplier_name=supplier, search_document=search_document(title, supplier, buyer), **fields
    )


def found(**kw: Any) -> list[str]:
    filters = ContractFilters(**kw)
    return [c.title for c in ordered(contracts_search(filters), filters)]


@pytest.fixture
def three() -> list[Contract]:
    return [
        contract("Pavimentación de la vía a Pasacaballos", "Consorcio Vías del Caribe", value=Decimal(500)),
        contract("Mantenimiento de parques en Bocagrande", "Jardines Núñez S.A.S.", value=Decimal(100)),
        contract("Suministro de equipos de cómputo", "Tecnología Andina Ltda.", value=Decimal(300)),
    ]


def test_text_matches_object_and_contractor_any_accents(three: list[Contract]) -> None:
    assert found(text="PAVIMENTACION") == ["Pavimentación de la vía a Pasacaballos"]
    assert found(text="pavimentación vía") == ["Pavimentación de la vía a Pasacaballos"]
    assert found(text="nuñez") == ["Mantenimiento de parques en Bocagrande"]
    assert found(text="computo andina") == ["Suministro de equipos de cómputo"]
    assert found(text="pavimentación parques") == []  # every word must match
    assert found(text="zzzinexistente") == []
    assert len(found(text="")) == 3
    assert len(found(text="  a  ")) == 3  # one-letter words are no search


def test_text_matches_the_entity(three: list[Contract]) -> None:
    other = contract("Plan de movilidad", buyer_name="Transcaribe S.A.", buyer_nit="806014488")
    assert found(text="transcaribe") == [other.title]


@pytest.mark.dbfallback
def test_flag_filters_fallback(three: list[Contract]) -> None:
    """The SQLite flag conditions (``make fallback``); on PostgreSQL the vendor is overridden to run
    them there too. (The text search is full text on both databases: ``test_full_text``.)"""
    fake = mock.Mock(vendor="sqlite") if connection.vendor != "sqlite" else connection
    refresh_flags()
    with mock.patch.object(search, "connection", fake):
        make_contract(bidders=1, procurement_method="open")
        refresh_flags()
        assert len(found(flagged=True)) == 1
        assert len(found(flag="oferente_unico")) == 1
        assert found(flag="plazo_corto") == []


PAVING, PARKS, COMPUTERS = (
    "Pavimentación de la vía a Pasacaballos",
    "Mantenimiento de parques en Bocagrande",
    "Suministro de equipos de cómputo",
)


def test_full_text(three: list[Contract]) -> None:
    # Plural and gender forms, web search syntax, and ranking when few contracts match.
    assert found(text="parque") == [PARKS]
    assert found(text="equipo") == [COMPUTERS]
    assert found(text="parques -bocagrande") == []
    assert found(text='"equipos de cómputo"') == [COMPUTERS]
    assert sorted(found(text="vía or cómputo")) == sorted([COMPUTERS, PAVING])
    contract("Pavimentación pavimentación y más pavimentación de calles")
    filters = ContractFilters(text="pavimentación")
    page = result_page(contracts_search(filters), filters, 1)
    assert page.ranked
    assert page.items[0].title == "Pavimentación pavimentación y más pavimentación de calles"
    assert [c.title for c in page.items] == ["Pavimentación pavimentación y más pavimentación de calles", PAVING]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Phrases: the words together and in that order, any accents and case.
        ('"equipos de cómputo"', [COMPUTERS]),
        ('"EQUIPOS DE COMPUTO"', [COMPUTERS]),
        ('"cómputo de equipos"', []),
        ('"parques en bocagrande" mantenimiento', [PARKS]),
        ('"vía a pasacaballos"', [PAVING]),
        ('"pavimentación bocagrande"', []),
        # Minus-words and minus-phrases, alone or with words.
        ("-parques", [PAVING, COMPUTERS]),
        ("-parques -vía", [COMPUTERS]),
        ('-"equipos de cómputo"', [PAVING, PARKS]),
        ("suministro -cómputo", []),
        ("mantenimiento -pavimentación", [PARKS]),
        # "or" between alternatives: "a b or c" is "(a and b) or c", as in PostgreSQL.
        ("parques or equipos", [PARKS, COMPUTERS]),
        ("suministro cómputo or bocagrande", [PARKS, COMPUTERS]),
        ("-parques or bocagrande", [PAVING, PARKS, COMPUTERS]),
        # Accents folded both ways, and no result.
        ("PAVIMENTACION", [PAVING]),
        ("nuñez", [PARKS]),
        ("núnez jardines", [PARKS]),
        ("zzzinexistente", []),
        ("pavimentación parques", []),
        # Stop words alone are no search, and find nothing (as PostgreSQL does).
        ("de la", []),
    ],
)
def test_web_search_syntax(three: list[Contract], text: str, expected: list[str]) -> None:
    assert sorted(found(text=text)) == sorted(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"', [PAVING, PARKS, COMPUTERS]),  # no word: no search at all
        ('""', []),
        ('"""', []),
        ('parques"', [PARKS]),
        ('"parques en', [PARKS]),  # an unclosed quote runs to the end
        ('parques "en bocagrande', [PARKS]),
        ("parques*", [PARKS]),
        ("*", [PAVING, PARKS, COMPUTERS]),
        ("** --", []),
        ("NEAR(parques bocagrande)", []),  # "near" is a word like any other
        ("NEAR(parques", []),
        ("parques NEAR bocagrande", []),
        ("search_document:parques", []),
        ("title:parques", []),
        ("{search_document}:parques", []),
        ("^parques", [PARKS]),
        ("parques AND bocagrande", []),
        ("parques NOT bocagrande", []),
        ("parques + bocagrande", [PARKS]),
        ("(parques) OR (vía", [PAVING, PARKS]),
        ("-", [PAVING, PARKS, COMPUTERS]),
        ("--parques", [PARKS]),  # two minus signs cancel out, as in PostgreSQL
        ("---parques", [PAVING, COMPUTERS]),
        ("- -", [PAVING, PARKS, COMPUTERS]),  # no word of two letters: no search
        ("'; DROP TABLE works_contract; --", []),
        ("ó" * 300, []),
    ],
)
def test_hostile_input_is_only_words(three: list[Contract], text: str, expected: list[str]) -> None:
    """Nothing typed reaches FTS5's (or PostgreSQL's) own syntax: no error, no column filter."""
    assert sorted(found(text=text)) == sorted(expected)
    assert Contract.objects.count() == 3


def test_entity_filter_by_nit_or_name() -> None:
    mine = contract("Obra A")
    other = contract("Obra B", buyer_name="Establecimiento Público Ambiental", buyer_nit="806013999")
    no_nit = contract("Obra C", buyer_name="Escuela Taller Cartagena de Indias", buyer_nit="")
    assert found(entity="890480184") == [mine.title]
    assert found(entity="890.480.184-4") == [mine.title]  # dots and check digit
    assert found(entity="alcaldia") == [mine.title]  # no accent typed
    assert found(entity="AMBIENTAL público") == [other.title]
    assert found(entity="escuela taller") == [no_nit.title]
    assert sorted(found(entity="cartagena")) == sorted([mine.title, no_nit.title])
    assert found(entity="gobernación") == []


def test_supplier_filter_by_document_or_name() -> None:
    a = contract("Obra A", "Consorcio Vías del Caribe", supplier_doc="901234567")
    b = contract("Obra B", "María Núñez Pérez", supplier_doc="45123456", supplier_doc_type="Cédula de Ciudadanía")
    assert found(supplier="901234567") == [a.title]
    # A natural person's cédula finds nothing: the search would tell whose number it is.
    assert found(supplier="45.123.456") == []
    assert found(supplier="nunez") == [b.title]
    assert found(supplier="vías caribe") == [a.title]
    # The contractor's column, not the object's: "Obra" is in both objects, in no contractor's name.
    assert found(supplier="obra") == []


def test_exact_filters() -> None:
    a = contract(
        "Obra A", modality="Contratación directa", contract_type="Prestación de servicios", status="Cerrado", year=2022
    )
    b = contract("Obra B", modality="Mínima cuantía", contract_type="Obra", status="En ejecución", year=2024)
    assert found(modality="Contratación directa") == [a.title]
    assert found(contract_type="Obra") == [b.title]
    assert found(status="Cerrado") == [a.title]
    assert found(year=2024) == [b.title]
    assert found(year=2019) == []
    assert found(modality="Contratación directa", year=2024) == []


def test_value_range_is_inclusive() -> None:
    for v in (100, 200, 300):
        contract(f"Valor {v}", value=Decimal(v))
    contract("Sin valor", value=None)
    assert found(value_min=Decimal(200), sort="valor") == ["Valor 200", "Valor 300"]
    assert found(value_max=Decimal(200), sort="valor") == ["Valor 100", "Valor 200"]
    assert found(value_min=Decimal(150), value_max=Decimal(250)) == ["Valor 200"]


def test_flag_filters() -> None:
    single = contract("Oferente único", bidders=1, procurement_method="open")
    added = contract("Adicionado", original_value=Decimal(100), value_added=Decimal(70))
    contract("Limpio", bidders=3, procurement_method="open")
    refresh_flags()
    assert sorted(found(flagged=True)) == sorted([single.title, added.title])
    assert found(flag="oferente_unico") == [single.title]
    assert found(flag="adiciones_valor") == [added.title]
    assert found(flag="plazo_corto") == []


def test_sort_orders_put_missing_values_last_and_break_ties_by_id() -> None:
    a = contract("A", supplier="Beta", buyer_name="Zeta", signed_on=D(2024, 1, 1), value=Decimal(10))
    b = contract("B", supplier="Alfa", buyer_name="Alfa", signed_on=D(2023, 1, 1), value=Decimal(30))
    c = contract("C", supplier="Gama", buyer_name="Beta", signed_on=None, value=None)
    d = contract("D", supplier="Beta", buyer_name="Zeta", signed_on=D(2024, 1, 1), value=Decimal(10))
    assert found() == ["D", "A", "B", "C"]  # default: newest first, the latest id first on a tie
    assert found(sort="-fecha") == ["D", "A", "B", "C"]
    assert found(sort="fecha") == ["B", "A", "D", "C"]
    assert found(sort="-valor") == ["B", "D", "A", "C"]
    assert found(sort="valor") == ["A", "D", "B", "C"]
    assert found(sort="contratista") == ["B", "A", "D", "C"]
    assert found(sort="-contratista") == ["C", "D", "A", "B"]
    assert found(sort="entidad") == ["B", "C", "A", "D"]
    assert found(sort="-entidad") == ["D", "A", "C", "B"]
    assert {a.pk, b.pk, c.pk, d.pk}


def test_pages_and_capped_count(monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(12):
        contract(f"Contrato {i:02d}", signed_on=D(2024, 1, 1) + datetime.timedelta(days=i))
    monkeypatch.setattr(search, "PER_PAGE", 5)
    filters = ContractFilters()
    qs = contracts_search(filters)
    first = result_page(qs, filters, 1)
    assert (first.count, first.capped, first.num_pages, first.has_next, first.has_previous) == (
        12,
        False,
        3,
        True,
        False,
    )
    assert [c.title for c in first.items] == ["Contrato 11", "Contrato 10", "Contrato 09", "Contrato 08", "Contrato 07"]
    last = result_page(qs, filters, 3)
    assert [c.title for c in last.items] == ["Contrato 01", "Contrato 00"]
    assert (last.start_index, last.end_index, last.has_next) == (11, 12, False)
    with pytest.raises(search.PageOutOfRange):
        result_page(qs, filters, 4)
    monkeypatch.setattr(search, "COUNT_CAP", 10)
    capped = result_page(qs, filters, 2)
    assert (capped.count, capped.capped, capped.num_pages) == (10, True, 2)
    with pytest.raises(search.PageOutOfRange):
        result_page(qs, filters, 3)


def test_a_page_reads_only_the_list_columns_in_two_queries() -> None:
    for i in range(30):
        contract(f"Contrato {i}")
    filters = ContractFilters(text="contrato", sort="-valor")
    with CaptureQueriesContext(connection) as queries:
        page = result_page(contracts_search(filters), filters, 1)
        titles = [(c.title, c.supplier_name, c.flags) for c in page.items]
    assert len(titles) == 25
    assert len(queries.captured_queries) == 2  # the capped count and the page: no N+1
    page_sql = queries.captured_queries[1]["sql"]
    assert '"release"' not in page_sql and "release_hash" not in page_sql
    assert "LIMIT 1001" in queries.captured_queries[0]["sql"]


def test_entities_for_suggestions() -> None:
    contract("A")
    contract("B", buyer_name="Transcaribe S.A.", buyer_nit="806014488")
    names = [e.name for e in search.entities()]
    assert names == ["Alcaldía de Cartagena", "Transcaribe S.A."]
    assert search.distinct_values("modality") == ["Licitación pública Obra Publica"]
