"""The one number parser: the table of docs/decisions/0013-colombian-numbers.md, and the values the
real SECOP II exports hold."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from abierta.core.numbers import is_blank, parse_number

ABIERTA = Path(__file__).resolve().parents[2]
# ../shared/data beside the checkout (a worktree sits one folder deeper).
SHARED_PAA = next(
    (p / "shared" / "data" / "secop" / "paa" for p in ABIERTA.parents[:3] if (p / "shared" / "data").is_dir()),
    ABIERTA.parent.parent / "shared" / "data" / "secop" / "paa",
)


@pytest.mark.parametrize(
    ("text", "money", "measure"),
    [
        # The three parsers this one replaced disagreed on these.
        ("250.000", Decimal(250000), Decimal("250.000")),
        ("1,234", Decimal(1234), Decimal("1.234")),
        ("1.234", Decimal(1234), Decimal("1.234")),
        # Both separators: the last one is the decimal separator.
        ("1.234,56", Decimal("1234.56"), Decimal("1234.56")),
        ("1,234.56", Decimal("1234.56"), Decimal("1234.56")),
        ("1.234.567,89", Decimal("1234567.89"), Decimal("1234567.89")),
        ("1,234,567.89", Decimal("1234567.89"), Decimal("1234567.89")),
        ("45.870.500,50", Decimal("45870500.50"), Decimal("45870500.50")),
        # The same separator twice groups thousands.
        ("1.234.567", Decimal(1234567), Decimal(1234567)),
        ("1,234,567", Decimal(1234567), Decimal(1234567)),
        # One separator not followed by three digits: decimals.
        ("1.5", Decimal("1.5"), Decimal("1.5")),
        ("1,5", Decimal("1.5"), Decimal("1.5")),
        ("12,5", Decimal("12.5"), Decimal("12.5")),
        ("1500,5", Decimal("1500.5"), Decimal("1500.5")),
        ("12.345", Decimal(12345), Decimal("12.345")),
        # Plain digits (datos.gov.co) are read as written.
        ("89662254", Decimal(89662254), Decimal(89662254)),
        ("1234567.89", Decimal("1234567.89"), Decimal("1234567.89")),
        ("1500.000", Decimal("1500.000"), Decimal("1500.000")),
        ("0", Decimal(0), Decimal(0)),
        # Currency marks and spaces.
        ("$ 1.234.567", Decimal(1234567), Decimal(1234567)),
        ("$1.500.000", Decimal(1500000), Decimal(1500000)),
        ("COP 2.000", Decimal(2000), Decimal("2.000")),
        ("2.000 COP", Decimal(2000), Decimal("2.000")),
        ("\u00a01 234 567\u00a0", Decimal(1234567), Decimal(1234567)),
        # Signs.
        ("-3", Decimal(-3), Decimal(-3)),
        ("-1.000", Decimal(-1000), Decimal("-1.000")),
        ("-$ 1.000", Decimal(-1000), Decimal("-1.000")),
        ("+12,5", Decimal("12.5"), Decimal("12.5")),
        # Blanks and what is not a number.
        ("", None, None),
        ("   ", None, None),
        ("1.23.4", None, None),
        ("12,34,5", None, None),
        ("1.234,5.6", None, None),
        ("doce", None, None),
        ("doscientos millones", None, None),
        ("No Definido", None, None),
        ("45%", None, None),
        ("1e6", None, None),
        ("NaN", None, None),
        ("(1.000)", None, None),
        (",5", None, None),
    ],
)
def test_the_table(text: str, money: Decimal | None, measure: Decimal | None) -> None:
    assert parse_number(text, money=True) == money
    assert parse_number(text, money=False) == measure


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12, Decimal(12)),
        (20500000.0, Decimal("20500000.0")),
        (93332638.67, Decimal("93332638.67")),
        (0.1, Decimal("0.1")),
        (Decimal("1.50"), Decimal("1.50")),
        (None, None),
        (True, None),
        (float("nan"), None),
        (float("inf"), None),
        (Decimal("NaN"), None),
    ],
)
def test_numbers_stored_as_numbers(value: Any, expected: Decimal | None) -> None:
    assert parse_number(value, money=True) == expected
    assert parse_number(value) == expected


def test_blank() -> None:
    assert is_blank(None) and is_blank("") and is_blank(" \t")
    assert not is_blank("0") and not is_blank(0)


def _secop_sample(name: str) -> Path:
    found = sorted(ABIERTA.glob(f"*/tests/data/{name}"))
    if not found:
        pytest.skip(f"the SECOP II sample {name} is not in any app's tests/data")
    return found[0]


SECOP_MONEY = ("valor_del_contrato", "valor_pagado", "valor_facturado", "valor_pendiente_de_pago", "saldo_cdp")


def test_the_values_of_the_real_secop_exports() -> None:
    """Every amount in the SECOP II samples reads as the portal meant it (plain digits, except one
    row typed the Colombian way); only the words read as not a number."""
    rows: list[dict[str, Any]] = json.loads(_secop_sample("secop_contratos.json").read_text("utf-8"))
    with _secop_sample("secop_contratos.csv").open(encoding="utf-8-sig", newline="") as f:
        rows += list(csv.DictReader(f))
    read: dict[str, Decimal | None] = {}
    for row in rows:
        for column in SECOP_MONEY:
            value = row.get(column)
            if isinstance(value, str):
                read[value] = parse_number(value, money=True)
    assert read["45.870.500,50"] == Decimal("45870500.50")
    assert read["120000000"] == Decimal(120000000)
    words = {text for text, number in read.items() if number is None}
    assert words <= {"No Definido", "doscientos millones"}
    for text, number in read.items():
        if text.isdigit():
            assert number == Decimal(text)


def test_the_values_of_the_real_paa_exports() -> None:
    if not SHARED_PAA.is_dir():
        pytest.skip(f"the real PAA exports are not here ({SHARED_PAA}); they live in ../shared/data")
    from openpyxl import load_workbook

    files = sorted(SHARED_PAA.glob("AdquisicionesPAA_*.xlsx"))
    assert files
    seen = 0
    for path in files:
        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            rows = workbook.worksheets[0].iter_rows(min_row=3, values_only=True)
            for row in rows:
                for value in row[8:10]:  # Valor total estimado, Valor estimado en la vigencia actual
                    if value is None:
                        continue
                    number = parse_number(value, money=True)
                    assert number is not None and number >= 0, value
                    assert number == Decimal(repr(value) if isinstance(value, float) else value)
                    seen += 1
        finally:
            workbook.close()
    assert seen > 1000
