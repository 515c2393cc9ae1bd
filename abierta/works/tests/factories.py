"""Small builders for works in tests (not the importers: those have their own tests)."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal
from typing import Any

from abierta.contracting.tests.factories import make_contract
from abierta.core.models import Institution
from abierta.works.models import Work, WorkContract

_seq = itertools.count(1)


def make_work(office: Institution | None = None, *, contracts: int = 1, **fields: Any) -> Work:
    n = next(_seq)
    if office is None:
        office, _ = Institution.objects.get_or_create(
            slug="infraestructura", defaults={"name": "Secretaría de Infraestructura"}
        )
    defaults: dict[str, Any] = {
        "name": f"Pavimentación de la calle {n}",
        "description": "Pavimentación en concreto rígido, andenes y drenaje pluvial.",
        "sector": Work.Sector.TRANSPORT_ROAD,
        "status": Work.Status.IMPLEMENTATION,
        "address": "Barrio Olaya Herrera, sector Central",
        "localidad": Work.Localidad.VIRGEN,
        "ucg": 6,
        "latitude": Decimal("10.407200"),
        "longitude": Decimal("-75.494300"),
        "budget": Decimal("1200000000"),
        "physical_progress": Decimal("35"),
        "financial_progress": Decimal("40"),
        "start_on": datetime.date(2024, 3, 15),
        "end_on": datetime.date(2024, 12, 15),
    }
    defaults.update(fields)
    work = Work.objects.create(office=office, **defaults)
    for i in range(contracts):
        role = WorkContract.Role.WORKS if i == 0 else WorkContract.Role.SUPERVISION
        WorkContract.objects.create(work=work, contract=make_contract(), role=role)
    return work
