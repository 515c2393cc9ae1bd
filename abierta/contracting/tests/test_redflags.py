"""Red flags: every flag raised, not raised and not evaluable, at its boundaries; storing them."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from abierta.contracting import redflags
from abierta.contracting.models import Contract
from abierta.contracting.redflags import (
    ELECTIONS,
    FLAG_CODES,
    FLAGS,
    Facts,
    Method,
    Outcome,
    compute_indicators,
    evaluate,
    method_of,
    refresh_flags,
)
from abierta.contracting.tests.factories import make_contract
from abierta.core.cache import current_version

R, N, E = Outcome.RAISED, Outcome.NOT_RAISED, Outcome.NOT_EVALUABLE
D = datetime.date


def facts(**kw: Any) -> Facts:
    base: dict[str, Any] = {
        "buyer_nit": "890480184",
        "buyer_name": "Alcaldía de Cartagena",
        "procurement_method": "open",
        "modality": "Licitación pública",
        "bidders": None,
        "tender_period_days": None,
        "original_value": None,
        "value_added": None,
        "value": None,
        "estimate_value": None,
        "days_added": None,
        "original_term_days": None,
        "signed_on": None,
        "year": None,
    }
    base.update(kw)
    return Facts(**base)


def outcome_of(code: str, f: Facts, indicators: dict[str, redflags.EntityIndicators] | None = None) -> Outcome:
    found = {e.flag.code: e for e in evaluate(f, indicators or {})}
    assert list(found) == list(FLAG_CODES)
    # Every outcome has a reason a reader can see.
    assert found[code].reason
    return found[code].outcome


def test_every_flag_is_documented() -> None:
    codes = [f.code for f in FLAGS]
    assert len(set(codes)) == len(codes) == 8
    for flag in FLAGS:
        for text in (flag.title, flag.explanation, flag.threshold, flag.basis):
            assert len(str(text)) > 10
    assert "Ley 80 de 1993" in str(redflags.VALUE_ADDITIONS.basis)
    assert "Ley 996 de 2005" in str(redflags.PRE_ELECTION.basis)


@pytest.mark.parametrize(
    ("method", "modality", "expected"),
    [
        ("direct", "", Method.DIRECT),
        ("open", "", Method.COMPETITIVE),
        ("selective", "", Method.COMPETITIVE),
        ("limited", "", Method.OTHER),
        ("", "Contratación Directa (con ofertas)", Method.DIRECT),
        ("", "Licitación pública Obra Publica", Method.COMPETITIVE),
        ("", "Selección Abreviada de Menor Cuantía", Method.COMPETITIVE),
        ("", "Concurso de méritos abierto", Method.COMPETITIVE),
        ("", "Mínima cuantía", Method.COMPETITIVE),
        ("", "Contratación régimen especial", Method.OTHER),
        ("", "No Definido", Method.UNKNOWN),
        ("", "", Method.UNKNOWN),
    ],
)
def test_method_of(method: str, modality: str, expected: Method) -> None:
    assert method_of(method, modality) is expected


@pytest.mark.parametrize(
    ("method", "modality", "bidders", "expected"),
    [
        ("open", "", 1, R),
        ("open", "", 2, N),
        ("selective", "", 7, N),
        ("open", "", None, E),
        ("open", "", 0, E),  # an awarded contract with no offer: bad data, not "clean"
        ("", "Licitación pública", 1, R),
        ("direct", "", 1, N),  # not a competitive process: does not apply
        ("", "Contratación directa", 1, N),
        ("", "", 1, E),  # modality unknown
    ],
)
def test_single_bidder(method: str, modality: str, bidders: int | None, expected: Outcome) -> None:
    f = facts(procurement_method=method, modality=modality, bidders=bidders)
    assert outcome_of("oferente_unico", f) is expected


@pytest.mark.parametrize(
    ("modality", "days", "expected"),
    [
        ("Licitación pública", 9, R),
        ("Licitación pública", 10, N),
        ("Mínima cuantía", 1, R),
        ("Mínima cuantía", 2, N),
        ("Selección abreviada de menor cuantía", 4, R),
        ("Selección abreviada de menor cuantía", 5, N),
        ("Licitación pública", None, E),
        ("Licitación pública", -3, E),
    ],
)
def test_short_submission_period(modality: str, days: int | None, expected: Outcome) -> None:
    f = facts(procurement_method="", modality=modality, tender_period_days=days)
    assert outcome_of("plazo_corto", f) is expected


def test_short_period_does_not_apply_to_direct_contracts() -> None:
    f = facts(procurement_method="direct", modality="Contratación directa", tender_period_days=1)
    assert outcome_of("plazo_corto", f) is N
    assert outcome_of("plazo_corto", facts(procurement_method="", modality="", tender_period_days=1)) is E


@pytest.mark.parametrize(
    ("original", "added", "expected"),
    [
        ("100", "50", N),  # exactly 50%: the law allows it
        ("100", "50.01", R),
        ("100", "0", N),
        ("100", None, E),
        (None, "60", E),
        ("0", "60", E),
    ],
)
def test_value_additions(original: str | None, added: str | None, expected: Outcome) -> None:
    f = facts(
        original_value=Decimal(original) if original is not None else None,
        value_added=Decimal(added) if added is not None else None,
    )
    assert outcome_of("adiciones_valor", f) is expected


@pytest.mark.parametrize(
    ("term", "added", "expected"),
    [(100, 50, N), (100, 51, R), (365, 0, N), (100, None, E), (None, 30, E), (0, 30, E)],
)
def test_time_additions(term: int | None, added: int | None, expected: Outcome) -> None:
    assert outcome_of("adiciones_plazo", facts(original_term_days=term, days_added=added)) is expected


@pytest.mark.parametrize(
    ("method", "estimate", "award", "expected"),
    [
        ("open", "1000", "995", R),  # 99.5%: the threshold
        ("open", "1000", "994.99", N),
        ("open", "1000", "1100", R),  # above the estimate
        ("open", "1000", "700", N),
        ("open", None, "995", E),
        ("open", "0", "995", E),
        ("open", "1000", None, E),
        ("direct", "1000", "1000", N),
        ("", "1000", "1000", E),
    ],
)
def test_award_close_to_estimate(method: str, estimate: str | None, award: str | None, expected: Outcome) -> None:
    f = facts(
        procurement_method=method,
        modality="",
        estimate_value=Decimal(estimate) if estimate is not None else None,
        original_value=Decimal(award) if award is not None else None,
    )
    assert outcome_of("valor_cercano_presupuesto", f) is expected


def test_election_windows() -> None:
    presidential_2022 = next(e for e in ELECTIONS if e.day == D(2022, 5, 29))
    assert presidential_2022.window_start == D(2022, 1, 29)
    assert presidential_2022.baseline_start == D(2021, 5, 29)
    assert presidential_2022.second_round == D(2022, 6, 19)
    territorial_2023 = next(e for e in ELECTIONS if e.day == D(2023, 10, 29))
    assert territorial_2023.window_start == D(2023, 6, 29)
    assert redflags._months_before(D(2026, 6, 30), 4) == D(2026, 2, 28)
    assert {e.day for e in ELECTIONS} >= {D(2019, 10, 27), D(2023, 10, 29), D(2022, 3, 13), D(2026, 5, 31)}


@pytest.mark.parametrize(
    ("method", "signed", "expected"),
    [
        ("direct", D(2022, 1, 29), R),  # first day of the restricted period
        # The day before: not the legal rule; inside the Congress 2022 window, with no data to compare.
        ("direct", D(2022, 1, 28), E),
        ("direct", D(2022, 6, 19), R),  # until the second round
        ("direct", D(2022, 6, 20), N),
        ("direct", D(2018, 3, 1), R),  # 2018 presidential period
        ("", D(2022, 3, 1), E),  # modality unknown inside the restricted period
        ("direct", None, E),
        ("direct", D(2021, 6, 15), N),
    ],
)
def test_direct_contracting_before_presidential_elections(
    method: str, signed: datetime.date | None, expected: Outcome
) -> None:
    f = facts(procurement_method=method, modality="", signed_on=signed)
    assert outcome_of("concentracion_preelectoral", f) is expected


def test_competitive_contract_in_a_window_without_data_is_not_evaluable() -> None:
    # Inside the territorial 2023 window, no indicators for the entity: cannot compare.
    f = facts(procurement_method="open", signed_on=D(2023, 9, 1))
    assert outcome_of("concentracion_preelectoral", f) is E


def test_entity_flags_without_indicators_are_not_evaluable() -> None:
    f = facts(procurement_method="direct", modality="", signed_on=D(2021, 12, 10), year=2021, value=Decimal(5))
    assert outcome_of("contratacion_directa", f) is E
    assert outcome_of("concentracion_diciembre", f) is E
    assert outcome_of("concentracion_diciembre", facts(signed_on=D(2021, 11, 10))) is N
    assert outcome_of("concentracion_diciembre", facts(signed_on=None)) is E
    assert outcome_of("contratacion_directa", facts(procurement_method="open")) is N
    assert outcome_of("contratacion_directa", facts(procurement_method="", modality="")) is E


# --- Entity-level indicators, on the database ---------------------------------------------------


def _contracts(n: int, **fields: Any) -> list[Contract]:
    return [make_contract(**fields) for _ in range(n)]


def _flags(contract: Contract) -> list[str]:
    contract.refresh_from_db(fields=["flags"])
    return list(contract.flags)


@pytest.mark.django_db
@pytest.mark.parametrize(("direct_value", "expected"), [(Decimal(901), R), (Decimal(900), N)])
def test_direct_share_by_entity_and_year(direct_value: Decimal, expected: Outcome) -> None:
    # 10 contracts in 2021: one direct, nine competitive of 100 each: 900 of 1,800 is exactly 50%.
    direct = make_contract(procurement_method="direct", year=2021, value=direct_value, signed_on=D(2021, 7, 1))
    competitive = _contracts(9, procurement_method="open", year=2021, value=Decimal(100), signed_on=D(2021, 7, 1))
    indicators = compute_indicators()
    share = indicators["890480184"].direct[2021]
    assert share.contracts == 10
    assert share.outcome(redflags.DIRECT_SHARE_THRESHOLD) is expected
    refresh_flags()
    assert ("contratacion_directa" in _flags(direct)) is (expected is R)
    assert "contratacion_directa" not in _flags(competitive[0])
    on_page = {e.flag.code: e.outcome for e in redflags.contract_evaluations(direct)}
    assert on_page["contratacion_directa"] is expected


@pytest.mark.django_db
def test_direct_share_needs_ten_contracts() -> None:
    direct = make_contract(procurement_method="direct", year=2021, value=Decimal(90), signed_on=D(2021, 7, 1))
    _contracts(8, procurement_method="open", year=2021, value=Decimal(1), signed_on=D(2021, 7, 1))
    # A contract with an unknown modality does not count towards the ten.
    make_contract(procurement_method="", modality="", year=2021, value=Decimal(1), signed_on=D(2021, 7, 1))
    assert compute_indicators()["890480184"].direct[2021].contracts == 9
    f = Facts.of(direct)
    assert outcome_of("contratacion_directa", f, compute_indicators()) is E


@pytest.mark.django_db
@pytest.mark.parametrize(("december_value", "expected"), [(Decimal(301), R), (Decimal(300), N)])
def test_december_concentration(december_value: Decimal, expected: Outcome) -> None:
    # Nine contracts of 100 in May: 300 of 1,200 signed in December is exactly 25%.
    december = make_contract(signed_on=D(2022, 12, 20), year=2022, value=december_value)
    others = _contracts(9, signed_on=D(2022, 5, 2), year=2022, value=Decimal(100))
    refresh_flags()
    assert ("concentracion_diciembre" in _flags(december)) is (expected is R)
    assert "concentracion_diciembre" not in _flags(others[0])


@pytest.mark.django_db
def test_december_of_a_year_not_over_is_not_evaluable() -> None:
    december = make_contract(signed_on=D(2022, 12, 1), year=2022, value=Decimal(90))
    _contracts(9, signed_on=D(2022, 5, 2), year=2022, value=Decimal(1))
    assert outcome_of("concentracion_diciembre", Facts.of(december), compute_indicators(today=D(2022, 12, 31))) is E
    assert outcome_of("concentracion_diciembre", Facts.of(december), compute_indicators(today=D(2023, 1, 1))) is R


@pytest.mark.django_db
@pytest.mark.parametrize(("window_value", "expected"), [(Decimal(901), R), (Decimal(900), N)])
def test_pre_election_concentration(window_value: Decimal, expected: Outcome) -> None:
    # Territorial election 2023-10-29: window from 2023-06-29, baseline from 2022-10-29; 900 of 1,800
    # in the window is exactly 50%.
    in_window = make_contract(procurement_method="open", signed_on=D(2023, 9, 1), year=2023, value=window_value)
    before = _contracts(9, procurement_method="open", signed_on=D(2023, 2, 1), year=2023, value=Decimal(100))
    refresh_flags()
    assert ("concentracion_preelectoral" in _flags(in_window)) is (expected is R)
    assert "concentracion_preelectoral" not in _flags(before[0])
    evaluation = {e.flag.code: e for e in redflags.contract_evaluations(in_window)}["concentracion_preelectoral"]
    assert evaluation.outcome is expected
    assert "2023-10-29" in evaluation.reason


@pytest.mark.django_db
def test_pre_election_window_of_a_future_election_is_not_evaluable() -> None:
    contract = make_contract(procurement_method="open", signed_on=D(2026, 2, 1), year=2026, value=Decimal(90))
    _contracts(9, procurement_method="open", signed_on=D(2025, 6, 1), year=2025, value=Decimal(1))
    # The 2026 Congress election window (from 2025-11-08); as seen in January 2026.
    indicators = compute_indicators(today=D(2026, 2, 2))
    assert outcome_of("concentracion_preelectoral", Facts.of(contract), indicators) is E
    indicators = compute_indicators(today=D(2026, 3, 9))
    assert outcome_of("concentracion_preelectoral", Facts.of(contract), indicators) is R


# --- Storing -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_refresh_stores_raised_codes_in_order_and_writes_only_changes() -> None:
    c = make_contract(
        procurement_method="open",
        bidders=1,
        tender_period_days=3,
        original_value=Decimal(100),
        value_added=Decimal(80),
        original_term_days=10,
        days_added=20,
        estimate_value=Decimal(100),
    )
    clean = make_contract(procurement_method="open", bidders=3, tender_period_days=30, value_added=Decimal(0))
    version = current_version()
    refresh_flags()
    assert _flags(c) == [
        "oferente_unico",
        "plazo_corto",
        "adiciones_valor",
        "adiciones_plazo",
        "valor_cercano_presupuesto",
    ]
    assert _flags(clean) == []
    assert current_version() > version  # cached pages show the new flags
    version = current_version()
    with CaptureQueriesContext(connection) as queries:
        refresh_flags()
    assert not [q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("UPDATE")]
    assert current_version() == version


@pytest.mark.django_db
def test_refresh_of_some_contracts_covers_their_entities_only() -> None:
    mine = make_contract(bidders=1)
    sibling = make_contract(bidders=1)  # same entity
    other = make_contract(bidders=1, buyer_nit="800123456", buyer_name="Transcaribe S.A.")
    refresh_flags([mine.pk])
    assert _flags(mine) == ["oferente_unico"]
    assert _flags(sibling) == ["oferente_unico"]
    assert _flags(other) == []
    refresh_flags([])
    assert _flags(other) == []


@pytest.mark.django_db
def test_entity_without_nit_is_grouped_by_name() -> None:
    a = make_contract(buyer_nit="", buyer_name="Escuela Taller", bidders=1)
    refresh_flags([a.pk])
    assert _flags(a) == ["oferente_unico"]
    assert "Escuela Taller" in compute_indicators(["Escuela Taller"])


@pytest.mark.django_db
def test_contracts_flags_command() -> None:
    c = make_contract(bidders=1)
    out = io.StringIO()
    call_command("contracts_flags", stdout=out)
    assert _flags(c) == ["oferente_unico"]
    assert "oferente_unico: 1 contratos" in out.getvalue()
    Contract.objects.filter(pk=c.pk).update(flags=[])
    call_command("contracts_flags", c.ocid, stdout=io.StringIO())
    assert _flags(c) == ["oferente_unico"]
    with pytest.raises(CommandError, match="No existe ningún contrato con OCID nada"):
        call_command("contracts_flags", "nada", stdout=io.StringIO())
