"""The matching rule between plan lines and contracts (abierta/procurement/services.py)."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from abierta.contracting.models import Contract
from abierta.contracting.tests.factories import make_contract
from abierta.procurement.models import PlanLine, ProcurementPlan
from abierta.procurement.services import plan_comparison, plan_match_contracts, unspsc_class
from abierta.procurement.tests.factories import make_plan_line

pytestmark = pytest.mark.django_db

D = Decimal
NIT = "890480184"


@pytest.fixture
def plan() -> ProcurementPlan:
    return ProcurementPlan.objects.create(entity_name="Alcaldía de Cartagena", entity_nit=NIT, year=2024)


def line(plan: ProcurementPlan, n: int, codes: str, value: str, month: int | None = 3) -> PlanLine:
    return PlanLine.objects.create(
        plan=plan,
        line=n,
        unspsc_codes=codes,
        description=f"Línea {n}",
        total_value=D(value),
        start_month=month,
        row_hash=str(n),
    )


def contract(code: str, value: str, **fields: Any) -> Contract:
    fields.setdefault("buyer_nit", NIT)
    fields.setdefault("year", 2024)
    return make_contract(category_code=code, value=D(value), original_value=D(value), **fields)


def linked(plan: ProcurementPlan) -> dict[int, list[int]]:
    return {
        pl.line: sorted(c.pk for c in pl.contracts.all())
        for pl in plan.lines.prefetch_related("contracts")
        if pl.contracts.exists()
    }


@pytest.mark.parametrize(
    ("code", "cls"),
    [("V1.72141003", "721410"), ("72141003", "721410"), ("80111600", "801116"), ("", ""), ("V1.1234", "")],
)
def test_unspsc_class(code: str, cls: str) -> None:
    assert unspsc_class(code) == cls


def test_same_class_and_value_within_tolerance_match(plan: ProcurementPlan) -> None:
    paving = line(plan, 3, "72141003;72141100", "1000000000")
    c = contract("V1.72141099", "800000000")  # same class 721410, 80 % of the plan
    summary = plan_match_contracts(plan=plan)
    assert (summary.lines, summary.contracts, summary.candidates) == (1, 1, 1)
    assert list(paving.contracts.all()) == [c]


@pytest.mark.parametrize(
    ("value", "matched"),
    [("700000000", True), ("1100000000", True), ("699999999", False), ("1100000001", False)],
)
def test_value_tolerance_bounds(plan: ProcurementPlan, value: str, matched: bool) -> None:
    line(plan, 3, "72141003", "1000000000")
    contract("V1.72141003", value)
    assert plan_match_contracts(plan=plan).lines == (1 if matched else 0)


def test_other_entity_year_or_class_do_not_match(plan: ProcurementPlan) -> None:
    line(plan, 3, "72141003", "1000000000")
    contract("V1.72141003", "1000000000", buyer_nit="800000000")  # another entity
    contract("V1.72141003", "1000000000", year=2023)  # another year
    contract("V1.72151003", "1000000000")  # another class of the same family
    contract("", "1000000000")  # no code
    summary = plan_match_contracts(plan=plan)
    assert (summary.lines, summary.candidates) == (0, 2)


def test_one_contract_per_line_closest_value_wins(plan: ProcurementPlan) -> None:
    line(plan, 3, "80111600", "50000000")
    line(plan, 4, "80111600", "60000000")
    line(plan, 5, "80111600", "61000000", month=6)
    first = contract("V1.80111601", "59000000", signed_on=datetime.date(2024, 6, 2))
    second = contract("V1.80111601", "60000000", signed_on=datetime.date(2024, 7, 1))
    plan_match_contracts(plan=plan)
    # The first signed takes the closest line (60 M); the second takes the next closest still free
    # (61 M, 1.6 % away) rather than 50 M (20 % away).
    assert linked(plan) == {4: [first.pk], 5: [second.pk]}


def test_tie_on_value_is_broken_by_month_then_line(plan: ProcurementPlan) -> None:
    line(plan, 3, "80111600", "20000000", month=1)
    line(plan, 4, "80111600", "20000000", month=5)
    line(plan, 5, "80111600", "20000000", month=5)
    may = contract("V1.80111600", "20000000", signed_on=datetime.date(2024, 5, 10))
    plan_match_contracts(plan=plan)
    assert linked(plan) == {4: [may.pk]}


def test_matching_again_replaces_the_links(plan: ProcurementPlan) -> None:
    line(plan, 3, "72141003", "1000000000")
    c = contract("V1.72141003", "1000000000")
    plan_match_contracts(plan=plan)
    Contract.objects.filter(pk=c.pk).update(category_code="V1.43211500")
    assert plan_match_contracts(plan=plan).lines == 0
    assert linked(plan) == {}


def test_plan_without_nit_matches_nothing() -> None:
    plan = ProcurementPlan.objects.create(entity_name="Sin NIT", year=2024)
    line(plan, 3, "72141003", "1000000000")
    contract("V1.72141003", "1000000000")
    assert plan_match_contracts(plan=plan).lines == 0
    assert plan_comparison(plan=plan).evaluable is False


def test_comparison_counts_outside_the_plan(plan: ProcurementPlan) -> None:
    line(plan, 3, "72141003", "1000000000")
    line(plan, 4, "81101500", "100000000")
    contract("V1.72141003", "900000000")
    contract("V1.43211500", "50000000")
    contract("V1.43211500", "30000000")
    plan_match_contracts(plan=plan)
    result = plan_comparison(plan=plan)
    assert (result.lines, result.planned) == (2, D("1100000000"))
    assert (result.lines_contracted, result.planned_contracted, result.contracted) == (
        1,
        D("1000000000"),
        D("900000000"),
    )
    assert (result.outside_count, result.outside_value) == (2, D("80000000"))
    assert [c.value for c in result.outside] == [D("50000000"), D("30000000")]


def test_the_import_matches_and_paa_match_command(plan: ProcurementPlan, tmp_path: Any) -> None:
    from abierta.procurement.tests.helpers import make_paa, paa_row

    c = contract("V1.72141003", "1400000000")
    path = make_paa(tmp_path / "paa.xlsx", [paa_row()])
    call_command(
        "import_paa",
        str(path),
        "--entidad",
        "Alcaldía de Cartagena",
        "--nit",
        NIT,
        "--year",
        "2024",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert linked(plan) == {3: [c.pk]}
    PlanLine.contracts.through.objects.all().delete()
    out = io.StringIO()
    call_command("paa_match", "--year", "2024", stdout=out)
    assert "1 líneas con contrato, de 1 contratos" in out.getvalue()
    assert linked(plan) == {3: [c.pk]}


def test_matching_again_sends_no_delete_signal_per_link(plan: ProcurementPlan) -> None:
    from django.db.models.signals import post_delete

    for n in range(3, 8):
        line(plan, n, "80111600", "20000000")
        contract("V1.80111600", "20000000")
    assert plan_match_contracts(plan=plan).lines == 5
    deleted: list[object] = []

    def record(sender: object, **kwargs: object) -> None:
        deleted.append(sender)

    post_delete.connect(record)
    try:
        assert plan_match_contracts(plan=plan).lines == 5
    finally:
        post_delete.disconnect(record)
    assert deleted == []
    assert PlanLine.contracts.through.objects.count() == 5


def test_a_contracts_import_matches_plans_imported_before(tmp_path: Path) -> None:
    """The SECOP II import links plan lines to the contracts it brings: no ``paa_match`` needed."""
    line = make_plan_line(unspsc_codes="72141003", total_value=Decimal("1500000000"))
    fixture = Path(__file__).resolve().parents[2] / "contracting" / "tests" / "data" / "secop_contratos.csv"
    with fixture.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        row = next(reader)
        header = reader.fieldnames
    assert header
    row.update(
        {
            "nit_entidad": "890480184",
            "id_contrato": "CO1.PCCNTR.99999901",
            "codigo_de_categoria_principal": "V1.72141003",
            "valor_del_contrato": "1500000000",
            "fecha_de_firma": "2024-03-20T00:00:00.000",
            "fecha_de_inicio_del_contrato": "2024-04-01T00:00:00.000",
        }
    )
    path = tmp_path / "secop.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header)
        writer.writeheader()
        writer.writerow(row)
    call_command("import_secop_contratos", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    contract = Contract.objects.get(contract_id="CO1.PCCNTR.99999901")
    assert list(line.contracts.all()) == [contract]
