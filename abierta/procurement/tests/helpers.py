"""Small PAA spreadsheets built in the tests, in the shape SECOP II exports them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl

from abierta.procurement.importers import COLUMNS

HEADER = [
    *COLUMNS,
    "¿Debe cumplir con invertir mínimo el 30% de los recursos del presupuesto destinados a comprar alimentos, "
    "cumpliendo con lo establecido en la Ley 2046 de 2020, reglamentada por el Decreto 248 de 2021?",
    "¿El contrato incluye el suministro de bienes y servicios distintos a alimentos?",
]


def paa_row(**overrides: Any) -> list[Any]:
    """A valid row; keyword arguments replace columns by index name c0..c18."""
    row: list[Any] = [
        "72141003;72141100",
        "Pavimentación en concreto rígido de vías del barrio Olaya Herrera",
        "Marzo",
        "Abril",
        "8",
        "Meses",
        "Licitación pública",
        "Recursos propios ",
        1500000000,
        1500000000,
        "No",
        "NA",
        "SECRETARÍA DE INFRAESTRUCTURA",
        "Bolívar - Cartagena",
        "Ana Pérez",
        "6056501095",
        "infraestructura@cartagena.gov.co",
        "No",
        "-",
    ]
    for key, value in overrides.items():
        row[int(key[1:])] = value
    return row


def make_paa(
    path: Path,
    rows: list[list[Any]],
    *,
    sheet: str = "Adquisiciones  ",
    header: list[Any] | None = None,
) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    ws.append([""])
    ws.append(header if header is not None else HEADER)
    for row in rows:
        ws.append(row)
    book.save(path)
    return path
