"""The search box's query language read for SQLite's FTS5, and the index kept in step by triggers."""

from __future__ import annotations

import sqlite3

import pytest
from django.core.management import call_command
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from abierta.contracting import demo
from abierta.contracting.fulltext import TRIGGERS, Term, fts5_match, light_stem, parse, sqlite_index_repair
from abierta.contracting.models import Contract
from abierta.contracting.search import ContractFilters, contracts_search
from abierta.contracting.tests.factories import make_contract
from abierta.contracting.text import search_document

on_sqlite = pytest.mark.skipif("connection.vendor != 'sqlite'", reason="the FTS5 index exists on SQLite only")


def test_parse_words_phrases_minus_and_or() -> None:
    assert parse('Parques "EQUIPOS de cómputo" -vía') == (
        (Term(("parques",)), Term(("equipos", "de", "computo")), Term(("via",), negated=True)),
    )
    assert parse("a1 b1 or c1") == ((Term(("a1",)), Term(("b1",))), (Term(("c1",)),))
    assert parse("or parques or") == ((Term(("or",)), Term(("parques",)), Term(("or",))),)
    assert parse("obra or or vía") == ((Term(("obra",)),), (Term(("or",)), Term(("via",))))
    assert parse("foo-bar") == ((Term(("foo", "bar")),),)  # punctuation inside a word: a phrase
    assert parse('-"de la" parque de') == ((Term(("parque",)),),)  # stop words only: dropped
    assert parse("de la") == ()
    assert parse("- parque") == ((Term(("parque",), negated=True),),)
    assert parse("--parque") == ((Term(("parque",)),),)


def test_light_stem_drops_plural_and_gender_endings_only() -> None:
    assert [light_stem(w) for w in ("parques", "parque", "equipos", "contratos", "meses", "obras")] == [
        "parqu",
        "parqu",
        "equip",
        "contrat",
        "mes",
        "obr",
    ]
    assert light_stem("pavimentacion") == "pavimentacion"
    assert light_stem("vias") is None  # short words are matched whole
    assert light_stem("2024") is None and light_stem("12345") is None  # numbers too


def test_fts5_expression() -> None:
    match = fts5_match(parse('parques "equipos de cómputo" -vía or obra'))
    assert match.positive == '(("parqu"*) AND ("equip"* + "de" + "comput"*) NOT ("via")) OR (("obra"))'
    assert match.excluded == ()
    only_minus = fts5_match(parse("-parques -vía"))
    assert (only_minus.positive, only_minus.excluded) == ("", ('("parqu"*) OR ("via")',))
    assert fts5_match(parse("de")).empty


TEXT = st.text(alphabet=st.sampled_from(list("abcñóé019 \"-*:^()+{}_.,'NEARORANDNOT\t")) | st.characters(), max_size=60)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_any_text_is_a_valid_fts5_query(text: str) -> None:
    """Whatever is typed, FTS5 accepts the expression and it searches one column's words."""
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE works_contract_fts USING fts5(search_document, other, "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    db.execute("INSERT INTO works_contract_fts VALUES ('parques de bocagrande near', 'secreto')")
    match = fts5_match(parse(text))
    for expression in (match.positive, *match.excluded):
        if expression:
            db.execute("SELECT rowid FROM works_contract_fts WHERE works_contract_fts MATCH ?", [expression]).fetchall()
            assert "other" not in expression and ":" not in expression


def fts_rows(word: str) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rowid FROM works_contract_fts WHERE works_contract_fts MATCH %s", [f'"{word}"'])
        return {row[0] for row in cursor.fetchall()}


@on_sqlite
@pytest.mark.django_db
def test_triggers_follow_every_kind_of_write() -> None:
    one = make_contract(title="Obra", search_document=search_document("Pavimentación del barrio Olaya"))
    assert fts_rows("olaya") == {one.pk}
    many = Contract.objects.bulk_create(
        [
            Contract(ocid=f"ocds-x-{i}", source="manual", release={}, search_document=f"dotacion escolar {i}")
            for i in range(3)
        ]
    )
    assert fts_rows("escolar") == {c.pk for c in many}
    one.search_document = "alumbrado publico"
    one.save()
    assert fts_rows("olaya") == set() and fts_rows("alumbrado") == {one.pk}
    many[0].search_document = "semaforos"
    Contract.objects.bulk_update([many[0]], ["search_document"])
    assert fts_rows("semaforos") == {many[0].pk}
    Contract.objects.filter(pk=many[1].pk).update(search_document="andenes")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE works_contract SET search_document = 'puentes' WHERE id = %s", [many[2].pk])
    assert fts_rows("andenes") == {many[1].pk} and fts_rows("puentes") == {many[2].pk}
    assert fts_rows("escolar") == set()
    Contract.objects.filter(pk=one.pk).delete()
    assert fts_rows("alumbrado") == set()
    with connection.cursor() as cursor:  # the index agrees with the table ('integrity-check')
        cursor.execute("INSERT INTO works_contract_fts(works_contract_fts, rank) VALUES ('integrity-check', 1)")


@on_sqlite
@pytest.mark.django_db
def test_missing_triggers_are_restored_after_migrate() -> None:
    """A later migration that rebuilds the contracts table on SQLite drops its triggers: the next
    ``migrate`` puts them back and rebuilds the index."""
    with connection.cursor() as cursor:
        for name in TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
    lost = make_contract(search_document="contrato sin indice")
    assert fts_rows("indice") == set()
    call_command("migrate", verbosity=0)
    assert fts_rows("indice") == {lost.pk}
    assert not sqlite_index_repair(connection)  # nothing left to repair
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'works_contract'")
        assert dict(cursor.fetchall()) == TRIGGERS  # the same statements as migration 0004


@pytest.mark.django_db
def test_the_demo_contracts_are_searchable() -> None:
    demo.load(offices={}, users={})
    total = Contract.objects.count()
    assert total > 0
    filters = ContractFilters(text='"Olaya" -interventoría')
    found = list(contracts_search(filters))
    assert found and all("olaya" in c.search_document and "interventoria" not in c.search_document for c in found)
    if connection.vendor == "sqlite":  # filled by the triggers, one row per contract
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM works_contract_fts")
            assert cursor.fetchone()[0] == total
            cursor.execute("INSERT INTO works_contract_fts(works_contract_fts, rank) VALUES ('integrity-check', 1)")
