"""A small plan line for tests of other modules (the open data catalog's fixture, for example)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from abierta.procurement.models import PlanLine, ProcurementPlan


def make_plan_line(**fields: Any) -> PlanLine:
    plan, _ = ProcurementPlan.objects.get_or_create(
        entity_name="Alcaldía de Cartagena", year=2024, defaults={"entity_nit": "890480184"}
    )
    defaults: dict[str, Any] = {
        "line": (PlanLine.objects.filter(plan=plan).count() + 3),
        "unspsc_codes": "72141003",
        "description": "Pavimentación en concreto rígido de la calle 30, barrio Olaya Herrera",
        "start_month": 3,
        "offer_month": 4,
        "duration": 8,
        "duration_unit": "months",
        "modality": "Licitación pública",
        "funding_source": "Recursos propios",
        "total_value": Decimal("1500000000"),
        "current_year_value": Decimal("1500000000"),
        "unit": "Secretaría de Infraestructura",
        "location": "Bolívar - Cartagena",
        "row_hash": "test",
    }
    defaults.update(fields)
    return PlanLine.objects.create(plan=plan, **defaults)
