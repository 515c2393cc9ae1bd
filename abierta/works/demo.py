"""Demonstration public works of Cartagena with their contracts. Idempotent.

Nine works in the city's three localidades and its rural area, each with its works contract and
its interventoría (and one with its designs), at real places with real-sounding names. The contracts
are built as SECOP II export rows (dataset jbjy-vk9h) and go through the same mapping as
``abierta import_secop_contratos`` (``secop.row_to_release``, ``ocds.contract_columns``), so the
contract pages, red flags and OCDS files show what an import would give. Contract numbers,
contractors, amounts and progress are invented: the objects and the progress reports say
"(ejemplo)". Works are found again by name, contracts by ocid: running it twice changes nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction

from abierta.core.models import Institution
from abierta.contracting import redflags
from abierta.contracting.importers import COLUMN_FIELDS
from abierta.contracting.models import Contract
from abierta.works.models import Work, WorkContract, WorkUpdate
from abierta.contracting.ocds import contract_columns
from abierta.contracting.secop import row_to_release

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
class DemoContract:
    number: int  # CO1.PCCNTR.<number>
    role: str
    kind: str  # tipo_de_contrato
    modality: str
    supplier: str
    supplier_nit: str
    object: str
    value: int
    signed: datetime.date
    start: datetime.date
    end: datetime.date
    status: str = "En ejecución"
    paid: int = 0
    days_added: int = 0
    value_added: int = 0
    unspsc: str = "V1.72141000"
    supplier_doc_type: str = "NIT"


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
    contracts: list[DemoContract]
    # (date, physical %, financial %, what was done)
    updates: list[tuple[datetime.date, int, int, str]] = field(default_factory=list)


def _obra(number: int, supplier: str, nit: str, obj: str, value: int, **kw: Any) -> DemoContract:
    kw.setdefault("modality", "Licitación pública Obra Publica")
    return DemoContract(
        number=number,
        role=WorkContract.Role.WORKS,
        kind="Obra",
        supplier=supplier,
        supplier_nit=nit,
        object=obj,
        value=value,
        **kw,
    )


def _interventoria(number: int, supplier: str, nit: str, obj: str, value: int, **kw: Any) -> DemoContract:
    kw.setdefault("modality", "Concurso de méritos abierto")
    kw.setdefault("unspsc", "V1.81101500")
    return DemoContract(
        number=number,
        role=WorkContract.Role.SUPERVISION,
        kind="Interventoría",
        supplier=supplier,
        supplier_nit=nit,
        object=obj,
        value=value,
        **kw,
    )


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
            _obra(
                6011201,
                "Consorcio Vías Olaya 2024",
                "901802331",
                "Pavimentación en concreto rígido de vías del barrio Olaya Herrera, sector Rafael Núñez",
                7_820_000_000,
                signed=D(2024, 4, 2),
                start=D(2024, 4, 15),
                end=D(2025, 4, 14),
                paid=3_128_000_000,
            ),
            _interventoria(
                6011388,
                "Consorcio Interventoría Vial Cartagena",
                "901803145",
                "Interventoría técnica, administrativa y financiera de la pavimentación de vías de Olaya Herrera",
                612_000_000,
                signed=D(2024, 4, 5),
                start=D(2024, 4, 15),
                end=D(2025, 5, 14),
                paid=244_800_000,
            ),
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
            _obra(
                4800512,
                "Unión Temporal Parques de la Heroica",
                "901655120",
                "Construcción del parque de espacio público de Chambacú",
                4_050_000_000,
                signed=D(2023, 4, 20),
                start=D(2023, 5, 2),
                end=D(2024, 3, 1),
                status="Terminado",
                paid=4_050_000_000,
                days_added=60,
            ),
            _interventoria(
                4800745,
                "Ingeniería y Control del Caribe S.A.S.",
                "900417853",
                "Interventoría integral de la construcción del parque de espacio público de Chambacú",
                290_000_000,
                signed=D(2023, 4, 24),
                start=D(2023, 5, 2),
                end=D(2024, 3, 31),
                status="Terminado",
                paid=290_000_000,
                days_added=60,
            ),
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
            _obra(
                5702210,
                "Consorcio Canales Cartagena",
                "901771940",
                "Dragado, limpieza y revestimiento en concreto del canal Calicanto",
                13_900_000_000,
                signed=D(2024, 1, 18),
                start=D(2024, 2, 1),
                end=D(2025, 9, 29),
                status="Modificado",
                paid=6_255_000_000,
                days_added=60,
                value_added=2_100_000_000,
            ),
            _interventoria(
                5702318,
                "Consultores Hidráulicos del Caribe S.A.S.",
                "900938261",
                "Interventoría de las obras de dragado y revestimiento del canal Calicanto",
                930_000_000,
                signed=D(2024, 1, 22),
                start=D(2024, 2, 1),
                end=D(2025, 10, 29),
                paid=418_500_000,
                days_added=60,
            ),
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
            _obra(
                5311904,
                "Consorcio Infraestructura Educativa Mandela",
                "901720418",
                "Construcción de la sede Nelson Mandela de la Institución Educativa Fulgencio Lequerica Vélez",
                16_980_000_000,
                signed=D(2023, 9, 15),
                start=D(2023, 10, 1),
                end=D(2025, 3, 31),
                paid=11_886_000_000,
            ),
            _interventoria(
                5312077,
                "Interventorías Técnicas de Colombia S.A.S.",
                "900245617",
                "Interventoría de la construcción de la sede Nelson Mandela de la I. E. Fulgencio Lequerica Vélez",
                1_150_000_000,
                signed=D(2023, 9, 20),
                start=D(2023, 10, 1),
                end=D(2025, 4, 30),
                paid=805_000_000,
            ),
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
            _obra(
                6400731,
                "Unión Temporal Mercados del Caribe",
                "901844502",
                "Rehabilitación de la fase 1 del Mercado de Bazurto: estructura, cubiertas y redes",
                11_550_000_000,
                signed=D(2024, 6, 20),
                start=D(2024, 7, 1),
                end=D(2025, 12, 31),
                status="Modificado",
                paid=2_310_000_000,
                value_added=4_400_000_000,
                modality="Selección abreviada de menor cuantía",
            ),
            _interventoria(
                6400902,
                "Consorcio Interventoría Bazurto",
                "901845119",
                "Interventoría de la rehabilitación de la fase 1 del Mercado de Bazurto",
                640_000_000,
                signed=D(2024, 6, 25),
                start=D(2024, 7, 1),
                end=D(2026, 1, 31),
                paid=128_000_000,
            ),
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
            DemoContract(
                number=6208845,
                role=WorkContract.Role.DESIGN,
                kind="Consultoría",
                modality="Concurso de méritos abierto",
                supplier="Arquitectura Hospitalaria S.A.S.",
                supplier_nit="900512384",
                object="Estudios y diseños del Centro de Atención Primaria en Salud de El Pozón",
                value=420_000_000,
                signed=D(2024, 5, 10),
                start=D(2024, 5, 20),
                end=D(2024, 11, 19),
                status="Terminado",
                paid=420_000_000,
                unspsc="V1.81101500",
            ),
            _obra(
                6903310,
                "Consorcio Salud Pozón",
                "901901276",
                "Construcción del Centro de Atención Primaria en Salud de El Pozón",
                7_260_000_000,
                signed=D(2025, 1, 20),
                start=D(2025, 2, 1),
                end=D(2026, 1, 31),
                status="Firmado",
            ),
            _interventoria(
                6903477,
                "Interventorías Técnicas de Colombia S.A.S.",
                "900245617",
                "Interventoría de la construcción del CAP de El Pozón",
                498_000_000,
                signed=D(2025, 1, 24),
                start=D(2025, 2, 1),
                end=D(2026, 2, 28),
                status="Firmado",
            ),
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
            _obra(
                6700118,
                "Iluminaciones del Caribe S.A.S.",
                "900781562",
                "Modernización a tecnología LED del alumbrado público de la avenida Pedro de Heredia",
                4_870_000_000,
                signed=D(2024, 12, 27),
                start=D(2025, 1, 8),
                end=D(2025, 6, 30),
                paid=974_000_000,
                modality="Selección abreviada subasta inversa",
                unspsc="V1.39111500",
            ),
            _interventoria(
                6700240,
                "Consorcio Interventoría Alumbrado 2025",
                "901912833",
                "Interventoría de la modernización del alumbrado público de la avenida Pedro de Heredia",
                230_000_000,
                signed=D(2024, 12, 30),
                start=D(2025, 1, 8),
                end=D(2025, 7, 31),
                paid=46_000_000,
            ),
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
            _obra(
                4301577,
                "Construcciones Portuarias de Bolívar S.A.S.",
                "900366201",
                "Adecuación de accesos, rampas y sala de espera del muelle turístico de La Bodeguita",
                2_480_000_000,
                signed=D(2023, 1, 16),
                start=D(2023, 2, 1),
                end=D(2023, 9, 30),
                status="Liquidado",
                paid=2_480_000_000,
            ),
            _interventoria(
                4301690,
                "Ingeniería y Control del Caribe S.A.S.",
                "900417853",
                "Interventoría de la adecuación del muelle turístico de La Bodeguita",
                165_000_000,
                signed=D(2023, 1, 19),
                start=D(2023, 2, 1),
                end=D(2023, 10, 31),
                status="Liquidado",
                paid=165_000_000,
            ),
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
            _obra(
                5809921,
                "Consorcio Vías Rurales Bolívar",
                "901788064",
                "Construcción de placa huella en la vía Pasacaballos – Ararca",
                5_940_000_000,
                signed=D(2024, 2, 14),
                start=D(2024, 3, 1),
                end=D(2025, 4, 30),
                paid=4_752_000_000,
                days_added=120,
            ),
            _interventoria(
                5810037,
                "Consorcio Interventoría Vial Cartagena",
                "901803145",
                "Interventoría de la construcción de placa huella en la vía Pasacaballos – Ararca",
                360_000_000,
                signed=D(2024, 2, 19),
                start=D(2024, 3, 1),
                end=D(2025, 5, 31),
                paid=288_000_000,
                days_added=120,
            ),
        ],
        updates=[
            (D(2024, 6, 30), 35, 38, "2 km de placa huella entre Pasacaballos y el cruce de Membrillal."),
            (D(2024, 12, 20), 80, 80, "4 km construidos; prórroga de 120 días por lluvias."),
        ],
    ),
]


def _secop_row(c: DemoContract) -> dict[str, str]:
    """The contract as a row of the SECOP II contracts export (values as strings)."""
    entity: dict[str, str] = settings.ABIERTA_ENTITY
    return {
        "nombre_entidad": "ALCALDÍA DISTRITAL DE CARTAGENA DE INDIAS",
        "nit_entidad": entity["nit"],
        "departamento": "Bolívar",
        "ciudad": "Cartagena",
        "proceso_de_compra": f"CO1.BDOS.{c.number - 1_000_000}",
        "id_contrato": f"CO1.PCCNTR.{c.number}",
        "referencia_del_contrato": f"SI-{c.signed.year}-{c.number % 1000:03d}",
        "estado_contrato": c.status,
        "tipo_de_contrato": c.kind,
        "modalidad_de_contratacion": c.modality,
        "objeto_del_contrato": c.object + EXAMPLE,
        "fecha_de_firma": f"{c.signed.isoformat()}T00:00:00.000",
        "fecha_de_inicio_del_contrato": f"{c.start.isoformat()}T00:00:00.000",
        "fecha_de_fin_del_contrato": f"{c.end.isoformat()}T00:00:00.000",
        "ultima_actualizacion": f"{max(c.signed, D(2025, 3, 1)).isoformat()}T00:00:00.000",
        "tipodocproveedor": c.supplier_doc_type,
        "documento_proveedor": c.supplier_nit,
        "proveedor_adjudicado": c.supplier,
        "valor_del_contrato": str(c.value),
        "valor_pagado": str(c.paid),
        "dias_adicionados": str(c.days_added),
        "codigo_de_categoria_principal": c.unspsc,
        "urlproceso": (
            "https://community.secop.gov.co/Public/Tendering/OpportunityDetail/Index"
            f"?noticeUID=CO1.NTC.{c.number - 2_000_000}"
        ),
    }


def _release(c: DemoContract) -> dict[str, Any]:
    release = row_to_release(_secop_row(c))
    if c.value_added:
        # An addition in value, as an amendment (the SECOP II additions dataset, cb9c-h8sn, says it).
        release["contracts"][0]["amendments"] = [
            {
                "id": "1",
                "date": f"{(c.start + datetime.timedelta(days=150)).isoformat()}T00:00:00-05:00",
                "description": "Adición en valor No. 1" + EXAMPLE,
                "value": {"amount": c.value_added, "currency": "COP"},
            }
        ]
    return release


def _contract(c: DemoContract) -> Contract:
    release = _release(c)
    columns = contract_columns(release)
    fields = {name: columns[name] for name in COLUMN_FIELDS}
    contract = Contract.objects.filter(ocid=release["ocid"]).first()
    if contract is not None and contract.release_hash == fields["release_hash"]:
        return contract
    contract, _ = Contract.objects.update_or_create(
        ocid=release["ocid"], defaults={"source": Contract.Source.SECOP2, "release": release, **fields}
    )
    return contract


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
def load_demo() -> list[Work]:
    """Create (or leave as they are) the demonstration works, contracts and progress reports."""
    offices = {
        slug: Institution.objects.get_or_create(
            slug=slug, defaults={"name": name, "short_name": short, "kind": Institution.Kind.GOVERNMENT}
        )[0]
        for slug, name, short in OFFICES
    }
    works = []
    contract_ids = []
    for spec in WORKS:
        work = _work(spec, offices[spec.office])
        for c in spec.contracts:
            contract = _contract(c)
            contract_ids.append(contract.pk)
            WorkContract.objects.get_or_create(work=work, contract=contract, defaults={"role": c.role})
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
        works.append(work)
    redflags.refresh_flags(contract_ids)
    return works
