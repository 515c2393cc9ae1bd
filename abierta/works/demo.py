"""Demonstration public works of Cartagena, linked to the demonstration contracts. Idempotent.

Nine works in the city's three localidades and its rural area, each with its works contract and
its interventoría (and one with its designs), at real places with real-sounding names. The
contracts are ``abierta.contracting.demo``'s, loaded before. Progress is invented: the
descriptions and the progress reports say "(ejemplo)". Works are found again by name: running it
twice changes nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from abierta.accounts.models import User
from abierta.contracting.demo import contract_of
from abierta.core.models import Institution
from abierta.works.models import Work, WorkContract, WorkUpdate

EXAMPLE = " (ejemplo)"
D = datetime.date

OFFICES = [
    ("infraestructura", "Secretaría de Infraestructura", "Infraestructura"),
    ("educacion", "Secretaría de Educación Distrital", "Educación"),
    ("dadis", "Departamento Administrativo Distrital de Salud (DADIS)", "DADIS"),
    ("ider", "Instituto Distrital de Deporte y Recreación (IDER)", "IDER"),
    ("valorizacion", "Departamento Administrativo de Valorización Distrital", "Valorización"),
]


@dataclass
class DemoWork:
    name: str
    description: str
    office: str
    sector: str
    status: str
    address: str
    localidad: str
    ucg: int | None
    latitude: str
    longitude: str
    budget: int
    start: datetime.date
    end: datetime.date
    # (role, contract number) of each contract of the work (``abierta.contracting.demo.CONTRACTS``).
    contracts: list[tuple[str, int]]
    # (date, physical %, financial %, what was done)
    updates: list[tuple[datetime.date, int, int, str]] = field(default_factory=list)


WORKS: list[DemoWork] = [
    DemoWork(
        name="Pavimentación de vías del barrio Olaya Herrera, sector Rafael Núñez",
        description="Pavimento en concreto rígido de 2,4 km de vías, andenes, bordillos y drenaje pluvial.",
        office="infraestructura",
        sector=Work.Sector.TRANSPORT_ROAD,
        status=Work.Status.IMPLEMENTATION,
        address="Calle 31 con carrera 71, Olaya Herrera sector Rafael Núñez",
        localidad=Work.Localidad.VIRGEN,
        ucg=6,
        latitude="10.408500",
        longitude="-75.493500",
        budget=8_450_000_000,
        start=D(2024, 4, 15),
        end=D(2025, 4, 14),
        contracts=[
            (WorkContract.Role.WORKS, 6011201),
            (WorkContract.Role.SUPERVISION, 6011388),
        ],
        updates=[
            (D(2024, 6, 30), 12, 15, "Demolición de placas existentes y excavación en las calles 31 y 32."),
            (D(2024, 9, 30), 31, 30, "Redes de drenaje pluvial instaladas en el 60 % del tramo."),
            (D(2024, 12, 15), 45, 40, "Vaciado de concreto en 1,1 km; andenes del costado norte."),
        ],
    ),
    DemoWork(
        name="Parque Espacio Público de Chambacú",
        description=(
            "Parque de 1,2 hectáreas con senderos, zonas verdes, juegos infantiles, gimnasio al aire libre "
            "y alumbrado LED."
        ),
        office="ider",
        sector=Work.Sector.RECREATION,
        status=Work.Status.COMPLETION,
        address="Avenida Pedro de Heredia con calle 39, Chambacú",
        localidad=Work.Localidad.HISTORICA,
        ucg=2,
        latitude="10.426200",
        longitude="-75.541000",
        budget=4_300_000_000,
        start=D(2023, 5, 2),
        end=D(2024, 3, 1),
        contracts=[
            (WorkContract.Role.WORKS, 4800512),
            (WorkContract.Role.SUPERVISION, 4800745),
        ],
        updates=[
            (D(2023, 8, 31), 30, 28, "Movimiento de tierras y senderos peatonales."),
            (D(2023, 12, 15), 75, 70, "Juegos infantiles, gimnasio biosaludable y redes eléctricas."),
            (D(2024, 3, 1), 100, 100, "Parque entregado a la comunidad y al IDER para su administración."),
        ],
    ),
    DemoWork(
        name="Dragado y revestimiento del canal Calicanto",
        description=(
            "Limpieza, dragado y revestimiento en concreto de 1,8 km del canal Calicanto para reducir las inundaciones."
        ),
        office="valorizacion",
        sector=Work.Sector.WATER,
        status=Work.Status.IMPLEMENTATION,
        address="Canal Calicanto, entre el barrio Calicanto y la avenida Pedro de Heredia",
        localidad=Work.Localidad.VIRGEN,
        ucg=5,
        latitude="10.405600",
        longitude="-75.498400",
        budget=12_600_000_000,
        start=D(2024, 2, 1),
        end=D(2025, 7, 31),
        contracts=[
            (WorkContract.Role.WORKS, 5702210),
            (WorkContract.Role.SUPERVISION, 5702318),
        ],
        updates=[
            (D(2024, 5, 31), 15, 18, "Dragado de 600 m y retiro de 4.200 m³ de sedimentos."),
            (D(2024, 10, 31), 38, 41, "Revestimiento de la margen izquierda en el primer tramo; adición aprobada."),
        ],
    ),
    DemoWork(
        name="Sede Nelson Mandela de la Institución Educativa Fulgencio Lequerica Vélez",
        description="Colegio de 24 aulas, laboratorios, biblioteca, comedor escolar y cancha múltiple cubierta.",
        office="educacion",
        sector=Work.Sector.EDUCATION,
        status=Work.Status.IMPLEMENTATION,
        address="Barrio Nelson Mandela, sector Las Vegas, calle principal",
        localidad=Work.Localidad.INDUSTRIAL,
        ucg=14,
        latitude="10.369300",
        longitude="-75.473300",
        budget=18_200_000_000,
        start=D(2023, 10, 1),
        end=D(2025, 3, 31),
        contracts=[
            (WorkContract.Role.WORKS, 5311904),
            (WorkContract.Role.SUPERVISION, 5312077),
        ],
        updates=[
            (D(2024, 1, 31), 10, 12, "Cimentación y primeras columnas del bloque A."),
            (D(2024, 6, 30), 42, 45, "Estructura de los bloques A y B; cubierta de la cancha."),
            (D(2024, 11, 30), 70, 70, "Mampostería, redes eléctricas y pañetes de 18 aulas."),
        ],
    ),
    DemoWork(
        name="Rehabilitación del Mercado de Bazurto, fase 1",
        description="Reforzamiento estructural, cubiertas, redes hidrosanitarias y pabellón de pescados del mercado.",
        office="infraestructura",
        sector=Work.Sector.OTHER,
        status=Work.Status.IMPLEMENTATION,
        address="Avenida Pedro de Heredia, sector Bazurto",
        localidad=Work.Localidad.HISTORICA,
        ucg=3,
        latitude="10.412000",
        longitude="-75.530200",
        budget=9_750_000_000,
        start=D(2024, 7, 1),
        end=D(2025, 12, 31),
        contracts=[
            (WorkContract.Role.WORKS, 6400731),
            (WorkContract.Role.SUPERVISION, 6400902),
        ],
        updates=[
            (D(2024, 10, 31), 12, 20, "Reforzamiento de columnas del pabellón central; adición en valor en trámite."),
        ],
    ),
    DemoWork(
        name="Centro de Atención Primaria en Salud (CAP) de El Pozón",
        description="Centro de salud con urgencias de baja complejidad, consulta externa, vacunación y laboratorio.",
        office="dadis",
        sector=Work.Sector.HEALTH,
        status=Work.Status.PREPARATION,
        address="Barrio El Pozón, sector Central, carrera 88",
        localidad=Work.Localidad.VIRGEN,
        ucg=6,
        latitude="10.396800",
        longitude="-75.466100",
        budget=7_900_000_000,
        start=D(2025, 2, 1),
        end=D(2026, 1, 31),
        contracts=[
            (WorkContract.Role.DESIGN, 6208845),
            (WorkContract.Role.WORKS, 6903310),
            (WorkContract.Role.SUPERVISION, 6903477),
        ],
    ),
    DemoWork(
        name="Alumbrado público LED de la avenida Pedro de Heredia",
        description=(
            "Cambio de 1.450 luminarias de sodio por LED entre el Castillo San Felipe y la Terminal de Transporte."
        ),
        office="infraestructura",
        sector=Work.Sector.ENERGY,
        status=Work.Status.IMPLEMENTATION,
        address="Avenida Pedro de Heredia, del Castillo San Felipe a la Terminal de Transporte",
        localidad=Work.Localidad.HISTORICA,
        ucg=4,
        latitude="10.408900",
        longitude="-75.516800",
        budget=5_100_000_000,
        start=D(2024, 11, 1),
        end=D(2025, 6, 30),
        contracts=[
            (WorkContract.Role.WORKS, 6700118),
            (WorkContract.Role.SUPERVISION, 6700240),
        ],
        updates=[
            (D(2025, 2, 28), 20, 20, "Instaladas 290 luminarias LED entre el Castillo y el barrio Pie de la Popa."),
        ],
    ),
    DemoWork(
        name="Adecuación del muelle turístico de La Bodeguita",
        description="Accesos peatonales, rampas, cubierta de la sala de espera y señalización del muelle.",
        office="valorizacion",
        sector=Work.Sector.TRANSPORT_WATER,
        status=Work.Status.COMPLETION,
        address="Muelle de La Bodeguita, avenida Blas de Lezo, Centro Histórico",
        localidad=Work.Localidad.HISTORICA,
        ucg=1,
        latitude="10.421700",
        longitude="-75.548300",
        budget=2_650_000_000,
        start=D(2023, 2, 1),
        end=D(2023, 9, 30),
        contracts=[
            (WorkContract.Role.WORKS, 4301577),
            (WorkContract.Role.SUPERVISION, 4301690),
        ],
        updates=[
            (D(2023, 5, 31), 48, 45, "Rampas y accesos peatonales terminados."),
            (D(2023, 9, 30), 100, 100, "Muelle entregado con sala de espera y señalización."),
        ],
    ),
    DemoWork(
        name="Placa huella de la vía Pasacaballos – Ararca",
        description="4,6 km de placa huella en concreto con cunetas y obras de drenaje en la zona rural.",
        office="infraestructura",
        sector=Work.Sector.TRANSPORT_ROAD,
        status=Work.Status.IMPLEMENTATION,
        address="Vía Pasacaballos – Ararca, corregimiento de Pasacaballos",
        localidad=Work.Localidad.RURAL,
        ucg=None,
        latitude="10.285000",
        longitude="-75.510000",
        budget=6_300_000_000,
        start=D(2024, 3, 1),
        end=D(2024, 12, 31),
        contracts=[
            (WorkContract.Role.WORKS, 5809921),
            (WorkContract.Role.SUPERVISION, 5810037),
        ],
        updates=[
            (D(2024, 6, 30), 35, 38, "2 km de placa huella entre Pasacaballos y el cruce de Membrillal."),
            (D(2024, 12, 20), 80, 80, "4 km construidos; prórroga de 120 días por lluvias."),
        ],
    ),
]


def _work(spec: DemoWork, office: Institution) -> Work:
    physical, financial = (spec.updates[-1][1], spec.updates[-1][2]) if spec.updates else (0, 0)
    values: dict[str, Any] = {
        "description": spec.description + EXAMPLE,
        "sector": spec.sector,
        "status": spec.status,
        "office": office,
        "address": spec.address,
        "localidad": spec.localidad,
        "ucg": spec.ucg,
        "latitude": Decimal(spec.latitude),
        "longitude": Decimal(spec.longitude),
        "budget": Decimal(spec.budget),
        "physical_progress": Decimal(physical),
        "financial_progress": Decimal(financial),
        "start_on": spec.start,
        "end_on": spec.end,
        "is_published": True,
    }
    work = Work.objects.filter(name=spec.name).order_by("pk").first()
    if work is None:
        return Work.objects.create(name=spec.name, **values)
    changed = [name for name, value in values.items() if getattr(work, name) != value]
    if changed:
        for name in changed:
            setattr(work, name, values[name])
        work.save(update_fields=changed)
    return work


@transaction.atomic
def load(*, offices: dict[str, Institution], users: dict[str, User]) -> None:
    """Create (or leave as they are) the demonstration works, their contract links and progress
    reports. The offices that build works are made here when ``offices`` does not have them."""
    offices = dict(offices)
    for slug, name, short in OFFICES:
        if slug not in offices:
            offices[slug] = Institution.objects.get_or_create(
                slug=slug, defaults={"name": name, "short_name": short, "kind": Institution.Kind.GOVERNMENT}
            )[0]
    for spec in WORKS:
        work = _work(spec, offices[spec.office])
        for role, number in spec.contracts:
            WorkContract.objects.get_or_create(work=work, contract=contract_of(number), defaults={"role": role})
        for day, physical, financial, text in spec.updates:
            WorkUpdate.objects.get_or_create(
                work=work,
                date=day,
                defaults={
                    "physical_progress": Decimal(physical),
                    "financial_progress": Decimal(financial),
                    "text": text + EXAMPLE,
                    # Demonstration reports notify nobody.
                    "notified_at": datetime.datetime.combine(day, datetime.time(18), tzinfo=datetime.UTC),
                },
            )
