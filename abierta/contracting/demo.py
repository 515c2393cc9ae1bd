"""Demonstration contracts of Cartagena: the works contracts and interventorías of the demo works.

The contracts are built as SECOP II export rows (dataset jbjy-vk9h) and go through the same mapping
as ``abierta import_secop_contratos`` (``secop.row_to_release``, ``ocds.contract_columns``), so the
contract pages, red flags and OCDS files show what an import would give. Contract numbers,
contractors and amounts are invented: the objects say "(ejemplo)". Contracts are found again by
ocid: running it twice changes nothing. ``abierta.works.demo`` links them to the demo works.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction

from abierta.accounts.models import User
from abierta.contracting import redflags
from abierta.contracting.importers import COLUMN_FIELDS
from abierta.contracting.models import Contract
from abierta.contracting.ocds import contract_columns
from abierta.contracting.secop import row_to_release
from abierta.core.models import Institution

EXAMPLE = " (ejemplo)"
D = datetime.date


@dataclass
class DemoContract:
    number: int  # CO1.PCCNTR.<number>
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


def _obra(number: int, supplier: str, nit: str, obj: str, value: int, **kw: Any) -> DemoContract:
    kw.setdefault("modality", "Licitación pública Obra Publica")
    return DemoContract(
        number=number,
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
        kind="Interventoría",
        supplier=supplier,
        supplier_nit=nit,
        object=obj,
        value=value,
        **kw,
    )


CONTRACTS: list[DemoContract] = [
    # Pavimentación de vías del barrio Olaya Herrera, sector Rafael Núñez
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
    # Parque Espacio Público de Chambacú
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
    # Dragado y revestimiento del canal Calicanto
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
    # Sede Nelson Mandela de la Institución Educativa Fulgencio Lequerica Vélez
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
    # Rehabilitación del Mercado de Bazurto, fase 1
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
    # Centro de Atención Primaria en Salud (CAP) de El Pozón
    DemoContract(
        number=6208845,
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
    # Alumbrado público LED de la avenida Pedro de Heredia
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
    # Adecuación del muelle turístico de La Bodeguita
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
    # Placa huella de la vía Pasacaballos – Ararca
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


def contract_of(number: int) -> Contract:
    """The demo contract CO1.PCCNTR.<number>, once ``load`` made it (found by its ocid)."""
    spec = next(c for c in CONTRACTS if c.number == number)
    return Contract.objects.get(ocid=_release(spec)["ocid"])


@transaction.atomic
def load(*, offices: dict[str, Institution], users: dict[str, User]) -> None:
    """Create (or leave as they are) the demonstration contracts, with their red flags."""
    redflags.refresh_flags([_contract(c).pk for c in CONTRACTS])
