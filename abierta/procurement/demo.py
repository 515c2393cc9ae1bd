"""Demonstration annual procurement plan (PAA 2024 of the Alcaldía) and one Feria de la Transparencia.
Idempotent: the plan is found again by entity and year, its lines by number, the fair by title.

The lines are invented, in the shape of a SECOP II export; most works and their interventorías are
those of the public works demo (abierta/works/demo.py), with planned values a little above what
was contracted, so that "planned vs contracted" has something to show once both are loaded: the
interventoría of the LED street lighting is left out of the plan on purpose (contracted outside
the plan), and several lines never became contracts.
"""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction

from abierta.accounts.models import User
from abierta.core.models import Institution
from abierta.procurement.models import Fair, PlanLine, ProcurementPlan
from abierta.procurement.services import plan_match_contracts

YEAR = 2024
SOURCE = "Ejemplo de demostración (datos inventados)"
FAIR_TITLE = "Feria de la Transparencia 2024"
# Offices that present at the fair, when they exist (the plans and works demos create them).
FAIR_OFFICES = ["infraestructura", "educacion", "dadis", "valorizacion", "ider", "transparencia"]

INFRA = ("Secretaría de Infraestructura", "Ing. Carlos Martínez Pájaro", "infraestructura@cartagena.gov.co")
EDUCATION = ("Secretaría de Educación Distrital", "Lic. Rosa Elena Marrugo", "educacion@cartagena.gov.co")
GENERAL = ("Secretaría General", "Dra. Patricia Julio Barrios", "secretariageneral@cartagena.gov.co")
HEALTH = ("Departamento Administrativo Distrital de Salud (DADIS)", "Dr. Álvaro Cassiani", "dadis@cartagena.gov.co")
WORKS = "Licitación pública"
MERIT = "Concurso de méritos abierto"
OWN = "Recursos propios"
SGP = "Sistema General de Participaciones"
SGR = "Sistema General de Regalías"

# (codes, description, start month, offer month, duration, unit, modality, funding, value, responsible)
LINES: list[tuple[str, str, int, int, int, str, str, str, int, tuple[str, str, str]]] = [
    (
        "72141000;72141100",
        "Pavimentación en concreto rígido de vías del barrio Olaya Herrera, sectores Central y Playa Blanca",
        3,
        3,
        12,
        "months",
        WORKS,
        OWN,
        8_100_000_000,
        INFRA,
    ),
    (
        "81101500",
        "Interventoría técnica, administrativa y financiera de la pavimentación de vías del barrio Olaya Herrera",
        3,
        4,
        13,
        "months",
        MERIT,
        OWN,
        650_000_000,
        INFRA,
    ),
    (
        "72141000;72141500",
        "Dragado, limpieza y revestimiento en concreto del canal Calicanto",
        1,
        1,
        18,
        "months",
        WORKS,
        SGR,
        14_500_000_000,
        INFRA,
    ),
    (
        "81101500",
        "Interventoría de las obras de dragado y revestimiento del canal Calicanto",
        1,
        1,
        19,
        "months",
        MERIT,
        SGR,
        980_000_000,
        INFRA,
    ),
    (
        "72141000;72151500",
        "Rehabilitación de la fase 1 del Mercado de Bazurto: estructura, cubierta y redes",
        5,
        6,
        14,
        "months",
        WORKS,
        OWN,
        7_500_000_000,
        INFRA,
    ),
    (
        "81101500",
        "Interventoría de la rehabilitación de la fase 1 del Mercado de Bazurto",
        5,
        6,
        15,
        "months",
        MERIT,
        OWN,
        700_000_000,
        INFRA,
    ),
    (
        "81101500;81101600",
        "Estudios y diseños del Centro de Atención Primaria en Salud de El Pozón",
        4,
        5,
        5,
        "months",
        MERIT,
        SGP,
        450_000_000,
        HEALTH,
    ),
    (
        "72141000",
        "Construcción de placa huella en la vía Pasacaballos – Ararca",
        2,
        2,
        10,
        "months",
        WORKS,
        SGR,
        6_200_000_000,
        INFRA,
    ),
    (
        "81101500",
        "Interventoría de la construcción de placa huella en la vía Pasacaballos – Ararca",
        2,
        2,
        11,
        "months",
        MERIT,
        SGR,
        400_000_000,
        INFRA,
    ),
    (
        "39111500;39121000",
        "Modernización a tecnología LED del alumbrado público de la avenida Pedro de Heredia",
        11,
        12,
        6,
        "months",
        "Selección abreviada subasta inversa",
        OWN,
        5_000_000_000,
        INFRA,
    ),
    (
        "80111600",
        "Prestación de servicios profesionales de abogado para apoyar la defensa judicial del Distrito",
        1,
        1,
        330,
        "days",
        "Contratación directa",
        OWN,
        84_000_000,
        GENERAL,
    ),
    (
        "15101506",
        "Suministro de combustible para el parque automotor de la Alcaldía",
        2,
        2,
        10,
        "months",
        "Selección abreviada - acuerdo marco",
        OWN,
        380_000_000,
        GENERAL,
    ),
    (
        "50192100;50192900;90101600",
        "Programa de Alimentación Escolar (PAE): raciones preparadas e industrializadas para estudiantes "
        "de las instituciones educativas oficiales",
        12,
        1,
        10,
        "months",
        WORKS,
        SGP,
        95_000_000_000,
        EDUCATION,
    ),
    (
        "43211500;43211700",
        "Adquisición de computadores portátiles y equipos de cómputo para instituciones educativas oficiales",
        5,
        6,
        3,
        "months",
        "Selección abreviada - acuerdo marco",
        SGP,
        1_200_000_000,
        EDUCATION,
    ),
    (
        "70111700;72102900",
        "Mantenimiento de parques y zonas verdes de las tres localidades",
        3,
        4,
        9,
        "months",
        WORKS,
        OWN,
        2_300_000_000,
        INFRA,
    ),
    (
        "80141607",
        "Logística de la Feria de la Transparencia y de las audiencias públicas de rendición de cuentas",
        1,
        1,
        2,
        "months",
        "Mínima cuantía",
        OWN,
        45_000_000,
        GENERAL,
    ),
]


def _line_fields(row: tuple[Any, ...]) -> dict[str, Any]:
    codes, description, start, offer, duration, unit, modality, funding, value, responsible = row
    office, name, email = responsible
    future = value >= 90_000_000_000  # the PAE runs into the next year
    fields: dict[str, Any] = {
        "unspsc_codes": codes,
        "description": description,
        "start_month": start,
        "offer_month": offer,
        "duration": duration,
        "duration_unit": unit,
        "modality": modality,
        "funding_source": funding,
        "total_value": Decimal(value),
        "current_year_value": Decimal(value) * (Decimal("0.2") if future else 1),
        "future_funds": future,
        "future_funds_status": "Aprobadas" if future else "",
        "unit": office,
        "location": "Bolívar - Cartagena",
        "responsible_name": name,
        "responsible_phone": "6056501095",
        "responsible_email": email,
    }
    fields["row_hash"] = hashlib.sha256(repr(sorted(fields.items())).encode()).hexdigest()
    return fields


@transaction.atomic
def load(*, offices: dict[str, Institution], users: dict[str, User]) -> None:
    """Create or update the demonstration procurement plan and its fair, matched with the contracts."""
    entity: dict[str, str] = settings.ABIERTA_ENTITY
    plan, _ = ProcurementPlan.objects.get_or_create(
        entity_name=entity["name"],
        year=YEAR,
        defaults={"entity_nit": entity["nit"], "source_file": SOURCE, "published_on": datetime.date(2024, 1, 31)},
    )
    for number, row in enumerate(LINES, start=3):  # row 3 is the first acquisition of a SECOP II export
        PlanLine.objects.update_or_create(plan=plan, line=number, defaults=_line_fields(row))
    plan_match_contracts(plan=plan)
    fair, created = Fair.objects.get_or_create(
        title=FAIR_TITLE,
        defaults={
            "date": datetime.datetime(2024, 2, 23, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=-5))),
            "place": "Plaza de la Aduana, Centro Histórico de Cartagena",
            "description": (
                "Las secretarías y establecimientos del Distrito presentan a la ciudadanía su Plan Anual de "
                "Adquisiciones 2024: qué van a contratar, cuándo, por qué modalidad y con qué recursos. Stands por "
                "dependencia, charla sobre cómo hacer veeduría a la contratación en SECOP II y mesa de preguntas. "
                "(Evento de ejemplo para la demostración.)"
            ),
        },
    )
    if created:
        fair.offices.set(Institution.objects.filter(slug__in=FAIR_OFFICES))
        fair.plans.set([plan])
