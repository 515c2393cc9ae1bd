"""Synthetic SECOP II contracts for the benchmarks of issue 4, deterministic (seeded).

    python bench/secop_data.py csv FILE [--rows 100000] [--seed 4]     # a SECOP II export (jbjy-vk9h)
    python bench/secop_data.py ocds FILE [--rows 100000] [--seed 4]    # JSON Lines of OCDS releases
    python bench/secop_data.py seed-works [--works 10000] [--contracts 100000] [--seed 4]
    python bench/secop_data.py check-ocds FILE [--sample 2000]        # validate releases (OCDS 1.1.5)

``csv`` writes what the national open data portal exports for the SECOP II contracts dataset
``jbjy-vk9h``: one row per contract, the dataset's column names (API field names) in its order,
every value a string, dates as ``2023-03-01T00:00:00.000``, "No Definido" where SECOP II has no
value, UTF-8. About two thirds of the rows are of entities of Cartagena (the Alcaldía, its
institutes, Transcaribe, the Gobernación de Bolívar), the rest of other entities of the region.
Values, names and objects are realistic in shape and Spanish, and invented.

``ocds`` writes the same contracts as OCDS 1.1.5 releases, two per contracting process (ocid
``ocds-k50g02-<id_contrato>``, as the SECOP II importer names them): a tender/award release, then
a later contract/implementation release (contract, payments, time extensions) that repeats the
parties, so that compiling them merges.

``seed-works`` fills an empty, migrated database (DATABASE_URL) through the real models with
``bulk_create``: the contracts (as compiled releases with their searchable columns), and the works,
each with a works contract, its interventoría and a few dated progress updates. It prints the
counts and the works' codes as JSON on its last line.

The same seed gives the same files, byte for byte. Nothing here reads the network.
"""

# ruff: noqa: E501  (tables of Spanish names and objects read better on one line)
from __future__ import annotations

import argparse
import csv
import datetime
import hashlib
import json
import os
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OCID_PREFIX = "ocds-k50g02"
ND = "No Definido"
# The shared test data: ../shared/data beside the repository, or $ABIERTA_SHARED_DIR/data (as factories.py).
SCHEMA = (
    Path(os.environ.get("ABIERTA_SHARED_DIR") or ROOT.parent / "shared")
    / "data"
    / "ocds"
    / "schema-1.1.5"
    / "release-schema.json"
)

# The columns of dataset jbjy-vk9h (SECOP II - Contratos Electrónicos), API field names, in order.
COLUMNS = [
    "nombre_entidad",
    "nit_entidad",
    "departamento",
    "ciudad",
    "localizaci_n",
    "orden",
    "sector",
    "rama",
    "entidad_centralizada",
    "proceso_de_compra",
    "id_contrato",
    "referencia_del_contrato",
    "estado_contrato",
    "codigo_de_categoria_principal",
    "descripcion_del_proceso",
    "tipo_de_contrato",
    "modalidad_de_contratacion",
    "justificacion_modalidad_de",
    "fecha_de_firma",
    "fecha_de_inicio_del_contrato",
    "fecha_de_fin_del_contrato",
    "fecha_de_inicio_de_ejecucion",
    "fecha_de_fin_de_ejecucion",
    "condiciones_de_entrega",
    "tipodocproveedor",
    "documento_proveedor",
    "proveedor_adjudicado",
    "es_grupo",
    "es_pyme",
    "habilita_pago_adelantado",
    "liquidaci_n",
    "obligaci_n_ambiental",
    "obligaciones_postconsumo",
    "reversion",
    "origen_de_los_recursos",
    "destino_gasto",
    "valor_del_contrato",
    "valor_de_pago_adelantado",
    "valor_facturado",
    "valor_pendiente_de_pago",
    "valor_pagado",
    "valor_amortizado",
    "valor_pendiente_de",
    "valor_pendiente_de_ejecucion",
    "estado_bpin",
    "c_digo_bpin",
    "anno_bpin",
    "saldo_cdp",
    "saldo_vigencia",
    "espostconflicto",
    "dias_adicionados",
    "puntos_del_acuerdo",
    "pilares_del_acuerdo",
    "urlproceso",
    "nombre_representante_legal",
    "nacionalidad_representante_legal",
    "domicilio_representante_legal",
    "tipo_de_identificaci_n_representante_legal",
    "identificaci_n_representante_legal",
    "g_nero_representante_legal",
    "presupuesto_general_de_la_nacion_pgn",
    "sistema_general_de_participaciones",
    "sistema_general_de_regal_as",
    "recursos_propios_alcald_as_gobernaciones_y_resguardos_ind_genas",
    "recursos_de_credito",
    "recursos_propios",
    "ultima_actualizacion",
    "codigo_entidad",
    "codigo_proveedor",
    "fecha_inicio_liquidacion",
    "fecha_fin_liquidacion",
    "objeto_del_contrato",
    "duraci_n_del_contrato",
    "nombre_del_banco",
    "tipo_de_cuenta",
    "n_mero_de_cuenta",
    "el_contrato_puede_ser_prorrogado",
    "fecha_de_notificaci_n_de_prorrogaci_n",
]

# (name, NIT, department, city, sector, centralised, weight). Invented figures, real shapes.
ENTITIES = [
    ("ALCALDIA DISTRITAL DE CARTAGENA DE INDIAS", "890480184", "Bolívar", "Cartagena", "Servicio Público", True, 30),
    (
        "DEPARTAMENTO ADMINISTRATIVO DISTRITAL DE SALUD DADIS",
        "806016011",
        "Bolívar",
        "Cartagena",
        "Salud y Protección Social",
        False,
        7,
    ),
    (
        "ESTABLECIMIENTO PUBLICO AMBIENTAL DE CARTAGENA EPA",
        "806013999",
        "Bolívar",
        "Cartagena",
        "Ambiente y Desarrollo Sostenible",
        False,
        4,
    ),
    ("INSTITUTO DE PATRIMONIO Y CULTURA DE CARTAGENA IPCC", "806013526", "Bolívar", "Cartagena", "Cultura", False, 5),
    (
        "INSTITUTO DISTRITAL DE DEPORTE Y RECREACION IDER",
        "806001937",
        "Bolívar",
        "Cartagena",
        "Deporte y Recreación",
        False,
        4,
    ),
    ("TRANSCARIBE S.A.", "806014488", "Bolívar", "Cartagena", "Transporte", False, 3),
    (
        "CORVIVIENDA FONDO DE VIVIENDA DE INTERES SOCIAL DE CARTAGENA",
        "806012419",
        "Bolívar",
        "Cartagena",
        "Vivienda, Ciudad y Territorio",
        False,
        3,
    ),
    ("ESCUELA TALLER CARTAGENA DE INDIAS", "806006843", "Bolívar", "Cartagena", "Educación Nacional", False, 2),
    (
        "E.S.E. HOSPITAL LOCAL CARTAGENA DE INDIAS",
        "806010305",
        "Bolívar",
        "Cartagena",
        "Salud y Protección Social",
        False,
        4,
    ),
    (
        "DISTRITO DE CARTAGENA SECRETARIA DE EDUCACION DISTRITAL",
        "890480184",
        "Bolívar",
        "Cartagena",
        "Educación Nacional",
        True,
        4,
    ),
    ("GOBERNACION DE BOLIVAR", "890480059", "Bolívar", "Cartagena", "Servicio Público", True, 8),
    ("ALCALDIA MUNICIPAL DE TURBACO", "890480254", "Bolívar", "Turbaco", "Servicio Público", True, 5),
    ("ALCALDIA MUNICIPAL DE MAGANGUE", "890480643", "Bolívar", "Magangué", "Servicio Público", True, 4),
    ("ALCALDIA DE ARJONA", "890480069", "Bolívar", "Arjona", "Servicio Público", True, 3),
    ("ALCALDIA DISTRITAL DE BARRANQUILLA", "890102018", "Atlántico", "Barranquilla", "Servicio Público", True, 6),
    ("ALCALDIA MUNICIPAL DE SINCELEJO", "892280021", "Sucre", "Sincelejo", "Servicio Público", True, 3),
    ("UNIVERSIDAD DE CARTAGENA", "890480123", "Bolívar", "Cartagena", "Educación Nacional", False, 5),
]

BARRIOS = [
    "Bocagrande",
    "Getsemaní",
    "San Diego",
    "Manga",
    "Pie de la Popa",
    "Olaya Herrera",
    "El Pozón",
    "Nelson Mandela",
    "San Fernando",
    "Crespo",
    "El Bosque",
    "Ternera",
    "Blas de Lezo",
    "Los Alpes",
    "Chiquinquirá",
    "La Boquilla",
    "Pasacaballos",
    "Bayunca",
    "Torices",
    "Canapote",
    "San Francisco",
    "Daniel Lemaitre",
    "Zaragocilla",
    "Amberes",
    "La Esperanza",
    "Boston",
    "Fredonia",
    "Villa Estrella",
    "Manzanillo del Mar",
    "Tierra Bomba",
    "Santa Ana",
    "Punta Canoa",
    "Arroz Barato",
    "El Socorro",
    "San José de los Campanos",
    "La María",
    "Lo Amador",
    "Castillogrande",
    "El Cabrero",
    "Marbella",
]
LOCALIDADES = [
    "Histórica y del Caribe Norte",
    "De la Virgen y Turística",
    "Industrial y de la Bahía",
]
DEPENDENCIAS = [
    "SECRETARÍA DE INFRAESTRUCTURA",
    "SECRETARÍA DE HACIENDA DISTRITAL",
    "SECRETARÍA GENERAL",
    "SECRETARÍA DE PLANEACIÓN DISTRITAL",
    "SECRETARÍA DE PARTICIPACIÓN Y DESARROLLO SOCIAL",
    "OFICINA ASESORA DE GESTIÓN DEL RIESGO DE DESASTRES",
    "SECRETARÍA DEL INTERIOR Y CONVIVENCIA CIUDADANA",
    "OFICINA ASESORA JURÍDICA",
    "DEPARTAMENTO ADMINISTRATIVO DE VALORIZACIÓN DISTRITAL",
    "SECRETARÍA DE EDUCACIÓN DISTRITAL",
    "DEPARTAMENTO ADMINISTRATIVO DE TRÁNSITO Y TRANSPORTE",
    "ESCUELA DE GOBIERNO Y LIDERAZGO",
    "OFICINA DE CONTROL INTERNO",
    "ALCALDÍA LOCAL",
]
PROFESIONES = [
    "ABOGADO",
    "INGENIERO CIVIL",
    "CONTADOR PÚBLICO",
    "ARQUITECTO",
    "INGENIERO DE SISTEMAS",
    "TRABAJADOR SOCIAL",
    "PSICÓLOGO",
    "ADMINISTRADOR DE EMPRESAS",
    "ECONOMISTA",
    "COMUNICADOR SOCIAL",
    "TÉCNICO ADMINISTRATIVO",
    "TECNÓLOGO EN GESTIÓN DOCUMENTAL",
    "INGENIERO AMBIENTAL",
    "AUXILIAR",
]
TEMAS = [
    "LOS PROCESOS DE CONTRATACIÓN Y SEGUIMIENTO A LA EJECUCIÓN CONTRACTUAL",
    "LA GESTIÓN DOCUMENTAL Y EL ARCHIVO DE GESTIÓN",
    "LA ATENCIÓN AL CIUDADANO Y EL TRÁMITE DE PETICIONES, QUEJAS Y RECLAMOS",
    "LA SUPERVISIÓN DE LAS OBRAS DE INFRAESTRUCTURA VIAL",
    "EL FORTALECIMIENTO DE LA PARTICIPACIÓN CIUDADANA EN LAS UNIDADES COMUNERAS DE GOBIERNO",
    "LA FORMULACIÓN Y SEGUIMIENTO DE PROYECTOS DE INVERSIÓN DEL PLAN DE DESARROLLO",
    "LA GESTIÓN DEL RIESGO DE DESASTRES Y LA ATENCIÓN DE EMERGENCIAS",
    "LA DEPURACIÓN CONTABLE Y LA GESTIÓN DE CARTERA DEL IMPUESTO PREDIAL",
    "EL SISTEMA DE GESTIÓN DE LA SEGURIDAD Y SALUD EN EL TRABAJO",
    "LA ESTRATEGIA DE GOBIERNO DIGITAL Y LA SEGURIDAD DE LA INFORMACIÓN",
    "LOS PROGRAMAS DE ATENCIÓN A LA PRIMERA INFANCIA Y LA ADOLESCENCIA",
    "EL CONTROL DEL ESPACIO PÚBLICO EN EL CENTRO HISTÓRICO",
]
OBRAS = [
    "PAVIMENTACIÓN EN CONCRETO RÍGIDO DE VÍAS",
    "CONSTRUCCIÓN DE CANAL PLUVIAL",
    "MEJORAMIENTO DE ANDENES Y BORDILLOS",
    "CONSTRUCCIÓN DE PARQUE RECREATIVO",
    "REHABILITACIÓN DE LA MALLA VIAL",
    "CONSTRUCCIÓN DE INSTITUCIÓN EDUCATIVA",
    "ADECUACIÓN DEL CENTRO DE SALUD",
    "CONSTRUCCIÓN DE ESCENARIO DEPORTIVO",
    "RESTAURACIÓN DE LA MURALLA Y BALUARTES",
    "OBRAS DE PROTECCIÓN COSTERA",
    "DRAGADO Y LIMPIEZA DEL CAÑO JUAN ANGOLA",
    "CONSTRUCCIÓN DE VIVIENDAS DE INTERÉS PRIORITARIO",
    "AMPLIACIÓN DE REDES DE ALCANTARILLADO SANITARIO",
    "MODERNIZACIÓN DEL ALUMBRADO PÚBLICO",
    "CONSTRUCCIÓN DE CICLORRUTA",
]
BIENES = [
    "ELEMENTOS DE PAPELERÍA Y ÚTILES DE OFICINA",
    "INSUMOS DE ASEO Y CAFETERÍA",
    "COMBUSTIBLE PARA EL PARQUE AUTOMOTOR",
    "EQUIPOS DE CÓMPUTO Y PERIFÉRICOS",
    "MEDICAMENTOS E INSUMOS MÉDICOS",
    "KITS ESCOLARES",
    "RACIONES ALIMENTARIAS",
    "DOTACIÓN DE CALZADO Y VESTIDO DE LABOR",
    "MOBILIARIO ESCOLAR",
    "ELEMENTOS DE PROTECCIÓN PERSONAL",
    "LLANTAS Y REPUESTOS PARA VEHÍCULOS",
    "MATERIALES DE CONSTRUCCIÓN Y FERRETERÍA",
]
NOMBRES_F = [
    "MARÍA",
    "ANA",
    "LUZ",
    "CARMEN",
    "ROSA",
    "PAOLA",
    "DIANA",
    "YOLANDA",
    "KATERINE",
    "MILENA",
    "LINA",
    "SANDRA",
    "NATALIA",
    "VIVIANA",
    "ÁNGELA",
    "ESTEFANÍA",
    "ISABEL",
    "FERNANDA",
    "ALEJANDRA",
    "PATRICIA",
]
NOMBRES_M = [
    "JOSÉ",
    "LUIS",
    "CARLOS",
    "JUAN",
    "JORGE",
    "ANDRÉS",
    "CAMILO",
    "RAFAEL",
    "ÁLVARO",
    "EDUARDO",
    "FERNANDO",
    "ALBERTO",
    "JAVIER",
    "OSCAR",
    "DAVID",
    "MAURICIO",
    "ENRIQUE",
    "MANUEL",
    "ANTONIO",
    "ALFONSO",
]
APELLIDOS = [
    "PÉREZ",
    "GÓMEZ",
    "RODRÍGUEZ",
    "MARTÍNEZ",
    "HERRERA",
    "JULIO",
    "CASTRO",
    "MONTES",
    "BARRIOS",
    "CABARCAS",
    "PUELLO",
    "MARRUGO",
    "OROZCO",
    "DÍAZ",
    "TORRES",
    "PADILLA",
    "VILLADIEGO",
    "GUERRERO",
    "SALGADO",
    "MEZA",
    "ACOSTA",
    "BERRÍO",
    "CASSIANI",
    "SIMANCAS",
    "ORTEGA",
    "VÁSQUEZ",
    "ZÚÑIGA",
    "CARO",
    "MARTELO",
    "PAYARES",
]
EMPRESA_RAIZ = [
    "CARIBE",
    "BAHÍA",
    "HEROICA",
    "COSTA NORTE",
    "MURALLAS",
    "PROYECTOS DEL CARIBE",
    "INGENIERÍA Y OBRAS",
    "SOLUCIONES INTEGRALES",
    "SUMINISTROS DE LA COSTA",
    "SERVICIOS GENERALES",
    "TECNOLOGÍA",
    "DISTRIBUCIONES",
    "VÍAS Y PUENTES",
    "CONSTRUCCIONES",
    "INVERSIONES",
    "MARÍTIMA",
    "AMBIENTAL",
    "MÉDICA DEL CARIBE",
]

# (contract type, weight, modalities, justification, UNSPSC codes, value range in millions, OCDS category)
TYPES = [
    (
        "Prestación de servicios",
        58,
        ["Contratación directa"],
        "Servicios profesionales y de apoyo a la gestión",
        ["80111600", "80111500", "93141500", "80121700", "81111800"],
        (8, 90),
        "services",
    ),
    (
        "Obra",
        8,
        ["Licitación pública Obra Publica", "Selección Abreviada de Menor Cuantía", "Mínima cuantía"],
        "Ley 1150 de 2007",
        ["72141000", "72121400", "72151500", "72101500"],
        (150, 40000),
        "works",
    ),
    (
        "Interventoría",
        4,
        ["Concurso de méritos abierto"],
        "Ley 1150 de 2007",
        ["81101500", "80101600"],
        (80, 4000),
        "services",
    ),
    (
        "Suministros",
        10,
        ["Selección abreviada subasta inversa", "Mínima cuantía", "Contratación régimen especial"],
        "Presupuesto menor al 10% de la menor cuantía",
        ["44121600", "47131700", "15101500", "42131600", "51101500"],
        (5, 3000),
        "goods",
    ),
    (
        "Compraventa",
        5,
        ["Mínima cuantía", "Selección abreviada subasta inversa", "Contratación régimen especial"],
        "Presupuesto menor al 10% de la menor cuantía",
        ["43211500", "56101500", "25172500"],
        (5, 1500),
        "goods",
    ),
    (
        "Consultoría",
        3,
        ["Concurso de méritos abierto", "Contratación directa"],
        "Ley 1150 de 2007",
        ["81101500", "80101500"],
        (40, 2500),
        "services",
    ),
    (
        "Arrendamiento de inmuebles",
        3,
        ["Contratación directa"],
        "Arrendamiento o adquisición de inmuebles",
        ["80131500"],
        (20, 600),
        "services",
    ),
    (
        "Decreto 092 de 2017",
        3,
        ["Contratación régimen especial"],
        "Regla aplicable",
        ["94131500", "93141700"],
        (50, 2000),
        "services",
    ),
    (
        "Otro",
        6,
        ["Contratación directa", "Contratación régimen especial", "Mínima cuantía"],
        ND,
        ["80161500", "78111800", "90101600"],
        (5, 800),
        "services",
    ),
]
STATUSES = [
    ("En ejecución", 30),
    ("Modificado", 12),
    ("terminado", 18),
    ("Cerrado", 20),
    ("Activo", 8),
    ("Prorrogado", 4),
    ("Suspendido", 2),
    ("Cedido", 1),
    ("enviado Proveedor", 2),
    ("Borrador", 1),
]
METHOD = {
    "Contratación directa": "direct",
    "Contratación régimen especial": "direct",
    "Mínima cuantía": "open",
    "Licitación pública Obra Publica": "open",
    "Selección Abreviada de Menor Cuantía": "selective",
    "Selección abreviada subasta inversa": "open",
    "Concurso de méritos abierto": "selective",
}


@dataclass
class Contract:
    n: int
    entity: tuple[str, str, str, str, str, bool, int]
    process: str
    contract_id: str
    reference: str
    status: str
    unspsc: str
    obj: str
    ctype: str
    modality: str
    justification: str
    category: str
    signed: datetime.date
    start: datetime.date
    end: datetime.date
    doc_type: str
    doc: str
    supplier: str
    is_person: bool
    value: int
    estimate: int
    paid: int
    invoiced: int
    days_added: int
    bidders: int
    tender_days: int
    notice: str
    representative: str
    rep_doc: str
    bpin: str
    resources: str


def _weighted(rng: random.Random, items: list[Any], weight_index: int) -> Any:
    return rng.choices(items, weights=[i[weight_index] for i in items])[0]


def _person(rng: random.Random) -> str:
    names = NOMBRES_F if rng.random() < 0.5 else NOMBRES_M
    return f"{rng.choice(names)} {rng.choice(names)} {rng.choice(APELLIDOS)} {rng.choice(APELLIDOS)}"


def _company(rng: random.Random, ctype: str, year: int) -> str:
    root = rng.choice(EMPRESA_RAIZ)
    form = rng.random()
    if ctype in ("Obra", "Interventoría") and form < 0.45:
        kind = "CONSORCIO" if rng.random() < 0.7 else "UNIÓN TEMPORAL"
        return f"{kind} {root} {rng.choice(BARRIOS).upper()} {year}"
    suffix = rng.choice(["S.A.S.", "S.A.S", "LTDA", "S.A.", "SAS"])
    return f"{rng.choice(['', 'GRUPO ', 'INVERSIONES ', 'COMERCIALIZADORA ', 'FUNDACIÓN '])}{root} {suffix}".strip()


def _object(rng: random.Random, ctype: str) -> str:
    barrio = rng.choice(BARRIOS).upper()
    localidad = rng.choice(LOCALIDADES).upper()
    if ctype == "Prestación de servicios":
        if rng.random() < 0.6:
            return (
                f"PRESTACIÓN DE SERVICIOS PROFESIONALES COMO {rng.choice(PROFESIONES)} PARA APOYAR A LA "
                f"{rng.choice(DEPENDENCIAS)} EN {rng.choice(TEMAS)}"
            )
        return (
            f"PRESTACIÓN DE SERVICIOS DE APOYO A LA GESTIÓN EN LA {rng.choice(DEPENDENCIAS)} PARA "
            f"{rng.choice(TEMAS)} DEL DISTRITO DE CARTAGENA DE INDIAS"
        )
    if ctype == "Obra":
        return (
            f"{rng.choice(OBRAS)} EN EL BARRIO {barrio} DE LA LOCALIDAD {localidad} "
            "DEL DISTRITO DE CARTAGENA DE INDIAS, DEPARTAMENTO DE BOLÍVAR"
        )
    if ctype == "Interventoría":
        return (
            "INTERVENTORÍA TÉCNICA, ADMINISTRATIVA, FINANCIERA, CONTABLE, AMBIENTAL Y JURÍDICA PARA LA "
            f"{rng.choice(OBRAS)} EN EL BARRIO {barrio} DEL DISTRITO DE CARTAGENA DE INDIAS"
        )
    if ctype in ("Suministros", "Compraventa"):
        verb = "SUMINISTRO DE" if ctype == "Suministros" else "ADQUISICIÓN DE"
        return f"{verb} {rng.choice(BIENES)} PARA LA {rng.choice(DEPENDENCIAS)}"
    if ctype == "Consultoría":
        return (
            f"CONSULTORÍA PARA LOS ESTUDIOS Y DISEÑOS DE {rng.choice(OBRAS)} EN EL SECTOR {barrio} "
            "DEL DISTRITO DE CARTAGENA DE INDIAS"
        )
    if ctype == "Arrendamiento de inmuebles":
        return f"ARRENDAMIENTO DE INMUEBLE UBICADO EN EL BARRIO {barrio} PARA EL FUNCIONAMIENTO DE LA {rng.choice(DEPENDENCIAS)}"
    if ctype == "Decreto 092 de 2017":
        return (
            "AUNAR ESFUERZOS TÉCNICOS, ADMINISTRATIVOS Y FINANCIEROS PARA EL DESARROLLO DE ACTIVIDADES DE "
            f"{rng.choice(TEMAS)} EN LA LOCALIDAD {localidad}"
        )
    return f"SERVICIO DE {rng.choice(['VIGILANCIA', 'ASEO', 'TRANSPORTE', 'LOGÍSTICA PARA EVENTOS', 'MANTENIMIENTO'])} PARA LA {rng.choice(DEPENDENCIAS)}"


def contracts(rows: int, seed: int) -> Iterator[Contract]:
    """The contracts, always the same for the same seed."""
    rng = random.Random(seed)
    for n in range(rows):
        entity = _weighted(rng, ENTITIES, 6)
        ctype, _w, modalities, justification, codes, (low, high), category = _weighted(rng, TYPES, 1)
        modality = rng.choice(modalities)
        year = rng.choices([2019, 2020, 2021, 2022, 2023, 2024, 2025], weights=[4, 6, 9, 12, 14, 16, 12])[0]
        signed = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(365))
        start = signed + datetime.timedelta(days=rng.randrange(0, 15))
        term = (
            rng.choice([30, 60, 90, 120, 150, 180, 240, 300, 330, 360])
            if ctype != "Prestación de servicios"
            else rng.choice([60, 90, 120, 150, 180, 210, 240, 300, 330])
        )
        end = start + datetime.timedelta(days=term)
        is_person = ctype == "Prestación de servicios" and rng.random() < 0.92
        if is_person:
            doc_type = "Cédula de Ciudadanía" if rng.random() < 0.97 else "Cédula de Extranjería"
            doc = str(rng.randrange(1_000_000, 1_200_000_000))
            supplier = _person(rng)
        else:
            doc_type = "NIT" if rng.random() < 0.98 else ND
            doc = str(rng.randrange(800_000_000, 901_999_999))
            supplier = _company(rng, ctype, year)
        # Values in whole pesos, rounded as people write them.
        millions = low * (high / low) ** rng.random()
        value = int(round(millions * 1_000_000, -4))
        estimate = int(value * rng.uniform(1.0, 1.15)) if METHOD.get(modality) != "direct" else value
        status = _weighted(rng, STATUSES, 1)[0]
        done_share = {
            "Cerrado": 1.0,
            "terminado": rng.uniform(0.8, 1.0),
            "Borrador": 0.0,
            "enviado Proveedor": 0.0,
        }.get(status, rng.uniform(0, 0.9))
        paid = int(value * done_share)
        invoiced = min(value, int(paid * rng.uniform(1.0, 1.1)))
        days_added = 0 if rng.random() < 0.8 else rng.choice([15, 30, 45, 60, 90, 120, 180])
        bidders = 1 if METHOD.get(modality) == "direct" else rng.choice([1, 1, 2, 3, 4, 5, 7, 9])
        tender_days = rng.choice([1, 2, 3, 5, 8, 10, 15, 20])
        process = f"CO1.BDOS.{1_500_000 + n * 7 + rng.randrange(7)}"
        acronym = "".join(w[0] for w in entity[0].split()[:3])
        reference = f"{acronym}-{'CD' if METHOD.get(modality) == 'direct' else 'SA'}-{n % 900 + 1:03d}-{year}"
        yield Contract(
            n=n,
            entity=entity,
            process=process,
            contract_id=f"CO1.PCCNTR.{2_000_000 + n}",
            reference=reference,
            status=status,
            unspsc=rng.choice(codes),
            obj=_object(rng, ctype),
            ctype=ctype,
            modality=modality,
            justification=justification,
            category=category,
            signed=signed,
            start=start,
            end=end,
            doc_type=doc_type,
            doc=doc,
            supplier=supplier,
            is_person=is_person,
            value=value,
            estimate=estimate,
            paid=paid,
            invoiced=invoiced,
            days_added=days_added,
            bidders=bidders,
            tender_days=tender_days,
            notice=f"CO1.NTC.{3_000_000 + n}",
            representative=supplier if is_person else _person(rng),
            rep_doc=doc if is_person else str(rng.randrange(1_000_000, 1_200_000_000)),
            bpin=str(rng.randrange(2020_1300_1000, 2025_1300_9999)) if rng.random() < 0.3 else ND,
            resources=rng.choice(["Recursos Propios", "Sistema General de Participaciones", "Distribuido", ND]),
        )


def _secop_date(d: datetime.date | None) -> str:
    return f"{d.isoformat()}T00:00:00.000" if d else ND


def csv_row(c: Contract) -> list[str]:
    name, nit, dept, city, sector, centralised, _w = c.entity
    executing = c.status not in ("Borrador", "enviado Proveedor")
    closed = c.status in ("Cerrado", "terminado")
    gender = "Femenino" if c.representative.split()[0] in NOMBRES_F else "Masculino"
    sgp = c.value if c.resources == "Sistema General de Participaciones" else 0
    own = c.value - sgp
    row = {
        "nombre_entidad": name,
        "nit_entidad": nit,
        "departamento": dept,
        "ciudad": city,
        "localizaci_n": f"Colombia, {dept}, {city}",
        "orden": "Territorial",
        "sector": sector,
        "rama": "Ejecutivo",
        "entidad_centralizada": "Centralizada" if centralised else "Descentralizada",
        "proceso_de_compra": c.process,
        "id_contrato": c.contract_id,
        "referencia_del_contrato": c.reference,
        "estado_contrato": c.status,
        "codigo_de_categoria_principal": f"V1.{c.unspsc}",
        "descripcion_del_proceso": c.obj,
        "tipo_de_contrato": c.ctype,
        "modalidad_de_contratacion": c.modality,
        "justificacion_modalidad_de": c.justification,
        "fecha_de_firma": _secop_date(c.signed),
        "fecha_de_inicio_del_contrato": _secop_date(c.start),
        "fecha_de_fin_del_contrato": _secop_date(c.end),
        "fecha_de_inicio_de_ejecucion": _secop_date(c.start) if executing else ND,
        "fecha_de_fin_de_ejecucion": _secop_date(c.end + datetime.timedelta(days=c.days_added)) if executing else ND,
        "condiciones_de_entrega": "A convenir" if c.category == "goods" else ND,
        "tipodocproveedor": c.doc_type,
        "documento_proveedor": c.doc,
        "proveedor_adjudicado": c.supplier,
        "es_grupo": "Si" if c.supplier.startswith(("CONSORCIO", "UNIÓN TEMPORAL")) else "No",
        "es_pyme": "No" if c.is_person else ("Si" if c.n % 3 else "No"),
        "habilita_pago_adelantado": "Si" if c.ctype == "Obra" and c.n % 2 else "No",
        "liquidaci_n": "Si" if closed and c.ctype != "Prestación de servicios" else "No",
        "obligaci_n_ambiental": "Si" if c.ctype == "Obra" else "No",
        "obligaciones_postconsumo": "No",
        "reversion": "No",
        "origen_de_los_recursos": c.resources,
        "destino_gasto": "Funcionamiento"
        if c.ctype in ("Prestación de servicios", "Suministros") and c.n % 2
        else "Inversión",
        "valor_del_contrato": str(c.value),
        "valor_de_pago_adelantado": str(c.value * 3 // 10) if c.ctype == "Obra" and c.n % 2 else "0",
        "valor_facturado": str(c.invoiced),
        "valor_pendiente_de_pago": str(c.invoiced - c.paid),
        "valor_pagado": str(c.paid),
        "valor_amortizado": "0",
        "valor_pendiente_de": str(c.value - c.paid),
        "valor_pendiente_de_ejecucion": str(c.value - c.invoiced),
        "estado_bpin": "Válido" if c.bpin != ND else "No Válido",
        "c_digo_bpin": c.bpin,
        "anno_bpin": str(c.signed.year) if c.bpin != ND else ND,
        "saldo_cdp": "0",
        "saldo_vigencia": "0",
        "espostconflicto": "No",
        "dias_adicionados": str(c.days_added),
        "puntos_del_acuerdo": ND,
        "pilares_del_acuerdo": ND,
        "urlproceso": (
            "https://community.secop.gov.co/Public/Tendering/OpportunityDetail/Index?"
            f"noticeUID={c.notice}&isFromPublicArea=True&isModal=False"
        ),
        "nombre_representante_legal": c.representative,
        "nacionalidad_representante_legal": "Colombiana",
        "domicilio_representante_legal": f"{city}, {dept}",
        "tipo_de_identificaci_n_representante_legal": "Cédula de Ciudadanía",
        "identificaci_n_representante_legal": c.rep_doc,
        "g_nero_representante_legal": gender,
        "presupuesto_general_de_la_nacion_pgn": "0",
        "sistema_general_de_participaciones": str(sgp),
        "sistema_general_de_regal_as": "0",
        "recursos_propios_alcald_as_gobernaciones_y_resguardos_ind_genas": str(own)
        if c.resources == "Recursos Propios"
        else "0",
        "recursos_de_credito": "0",
        "recursos_propios": "0",
        "ultima_actualizacion": _secop_date(min(c.end, datetime.date(2025, 12, 31))),
        "codigo_entidad": str(701_000_000 + int(nit) % 1_000_000),
        "codigo_proveedor": str(710_000_000 + c.n),
        "fecha_inicio_liquidacion": _secop_date(c.end) if closed else ND,
        "fecha_fin_liquidacion": _secop_date(c.end + datetime.timedelta(days=120)) if c.status == "Cerrado" else ND,
        "objeto_del_contrato": c.obj,
        "duraci_n_del_contrato": f"{(c.end - c.start).days} Dia(s)",
        "nombre_del_banco": ND if c.n % 4 else "Bancolombia",
        "tipo_de_cuenta": ND if c.n % 4 else "Ahorros",
        "n_mero_de_cuenta": ND,
        "el_contrato_puede_ser_prorrogado": "Si" if c.days_added else "No",
        "fecha_de_notificaci_n_de_prorrogaci_n": _secop_date(c.end) if c.days_added else ND,
    }
    return [row[k] for k in COLUMNS]


def write_csv(path: Path, rows: int, seed: int) -> int:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        for c in contracts(rows, seed):
            writer.writerow(csv_row(c))
    return rows


# OCDS ---------------------------------------------------------------------------------------------


def _party_id(doc_type: str, doc: str) -> str:
    scheme = {"NIT": "NIT", "Cédula de Ciudadanía": "CC", "Cédula de Extranjería": "CE"}.get(doc_type, "DOC")
    return f"CO-{scheme}-{doc}"


def _ts(d: datetime.date) -> str:
    return f"{d.isoformat()}T00:00:00Z"


def releases(c: Contract) -> tuple[dict[str, Any], dict[str, Any]]:
    """The tender/award release and the contract/implementation release of one process."""
    name, nit, dept, city, _sector, _c, _w = c.entity
    ocid = f"{OCID_PREFIX}-{c.contract_id}"
    buyer_id = f"CO-NIT-{nit}"
    supplier_id = _party_id(c.doc_type, c.doc)
    address = {"locality": city, "region": dept, "countryName": "Colombia"}
    buyer = {
        "id": buyer_id,
        "name": name,
        "identifier": {"scheme": "CO-RUES", "id": nit, "legalName": name},
        "address": address,
        "roles": ["buyer", "procuringEntity"],
    }
    supplier = {
        "id": supplier_id,
        "name": c.supplier,
        "identifier": {"scheme": "CO-RUES" if c.doc_type == "NIT" else "CO-CC", "id": c.doc, "legalName": c.supplier},
        "roles": ["supplier", "tenderer"],
    }
    method = METHOD.get(c.modality, "direct")
    tender_end = c.signed - datetime.timedelta(days=3 + c.n % 10)
    tender_start = tender_end - datetime.timedelta(days=c.tender_days)
    award_date = c.signed - datetime.timedelta(days=1 + c.n % 3)
    url = f"https://community.secop.gov.co/Public/Tendering/OpportunityDetail/Index?noticeUID={c.notice}"
    first = {
        "ocid": ocid,
        "id": f"{c.process}-{award_date:%Y%m%d}-adjudicacion",
        "date": _ts(award_date),
        "tag": ["tender", "award"],
        "initiationType": "tender",
        "language": "es",
        "parties": [buyer, supplier],
        "buyer": {"id": buyer_id, "name": name},
        "tender": {
            "id": c.process,
            "title": c.obj[:200],
            "description": c.obj,
            "status": "complete",
            "procuringEntity": {"id": buyer_id, "name": name},
            "value": {"amount": c.estimate, "currency": "COP"},
            "procurementMethod": method,
            "procurementMethodDetails": c.modality,
            "procurementMethodRationale": c.justification,
            "mainProcurementCategory": c.category,
            "tenderPeriod": {"startDate": _ts(tender_start), "endDate": _ts(tender_end)},
            "numberOfTenderers": c.bidders,
            "items": [
                {
                    "id": "1",
                    "description": c.obj[:80],
                    "classification": {"scheme": "UNSPSC", "id": c.unspsc},
                }
            ],
            "documents": [{"id": c.notice, "documentType": "tenderNotice", "url": url, "language": "es"}],
        },
        "awards": [
            {
                "id": f"{c.contract_id}-adj",
                "status": "active",
                "date": _ts(award_date),
                "value": {"amount": c.value, "currency": "COP"},
                "suppliers": [{"id": supplier_id, "name": c.supplier}],
            }
        ],
    }
    later = min(c.end + datetime.timedelta(days=c.days_added), datetime.date(2025, 12, 31))
    later = max(later, c.signed + datetime.timedelta(days=1))
    contract: dict[str, Any] = {
        "id": c.contract_id,
        "awardID": f"{c.contract_id}-adj",
        "status": "terminated" if c.status in ("Cerrado", "terminado") else "active",
        "period": {
            "startDate": _ts(c.start),
            "endDate": _ts(c.end + datetime.timedelta(days=c.days_added)),
            "durationInDays": (c.end - c.start).days + c.days_added,
        },
        "value": {"amount": c.value, "currency": "COP"},
        "dateSigned": _ts(c.signed),
    }
    if c.paid:
        parts = 1 + c.n % 4
        share = c.paid // parts
        contract["implementation"] = {
            "transactions": [
                {
                    "id": f"{c.contract_id}-pago-{i + 1}",
                    "source": url,
                    "date": _ts(min(c.start + datetime.timedelta(days=30 * (i + 1)), later)),
                    "value": {"amount": share if i < parts - 1 else c.paid - share * (parts - 1), "currency": "COP"},
                    "payer": {"id": buyer_id, "name": name},
                    "payee": {"id": supplier_id, "name": c.supplier},
                }
                for i in range(parts)
            ]
        }
    if c.days_added:
        contract["amendments"] = [
            {
                "id": f"{c.contract_id}-prorroga-1",
                "date": _ts(min(c.end, later)),
                "rationale": f"Prórroga en tiempo de {c.days_added} días",
                "description": f"Se adicionan {c.days_added} días al plazo de ejecución.",
            }
        ]
    second = {
        "ocid": ocid,
        "id": f"{c.process}-{later:%Y%m%d}-contrato",
        "date": _ts(later),
        "tag": ["contract", "implementation"],
        "initiationType": "tender",
        "language": "es",
        "parties": [buyer, {**supplier, "roles": ["supplier", "tenderer", "payee"]}],
        "buyer": {"id": buyer_id, "name": name},
        "awards": [{"id": f"{c.contract_id}-adj", "status": "active"}],
        "contracts": [contract],
    }
    return first, second


def write_ocds(path: Path, rows: int, seed: int) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as f:
        for c in contracts(rows, seed):
            for release in releases(c):
                f.write(json.dumps(release, ensure_ascii=False, separators=(",", ":")))
                f.write("\n")
                count += 1
    return count


def check_ocds(path: Path, sample: int) -> int:
    """Validate the first ``sample`` releases against the local OCDS 1.1.5 release schema."""
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    checked = 0
    with path.open(encoding="utf-8") as f:
        for line in f:
            errors = sorted(validator.iter_errors(json.loads(line)), key=str)
            if errors:
                raise SystemExit(f"release {checked + 1} is not valid OCDS 1.1.5: {errors[0].message}")
            checked += 1
            if checked >= sample:
                break
    return checked


# Works and contracts in the database (through Django) --------------------------------------------


def compiled_release(c: Contract) -> dict[str, Any]:
    """What merging the two releases gives, built directly (bulk seeding must be fast)."""
    first, second = releases(c)
    release = {**first, **second}
    release["id"] = f"{release['ocid']}-{second['date'][:10]}"
    release["tag"] = ["compiled"]
    release["parties"] = [first["parties"][0], {**first["parties"][1], "roles": ["supplier", "tenderer", "payee"]}]
    release["tender"] = first["tender"]
    release["awards"] = first["awards"]
    return release


WORK_UPDATES = [
    "Se avanzó en la excavación y el retiro de material sobrante; se instaló la señalización del frente de obra.",
    "Se fundieron las placas de concreto del tramo 2 y se construyeron los bordillos del costado norte.",
    "Se realizó la reunión de socialización con la Junta de Acción Comunal y la veeduría ciudadana.",
    "La interventoría aprobó el acta de avance; se tramitó el segundo pago parcial al contratista.",
    "Se instalaron las tuberías del drenaje pluvial y se hicieron las pruebas de estanqueidad.",
    "Las lluvias obligaron a suspender la obra tres días; se ajustó el cronograma con la interventoría.",
]


def seed_works(works: int, contracts_total: int, seed: int) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "abierta.settings")
    import django

    django.setup()
    from decimal import Decimal

    from django.db import transaction

    from abierta.contracting.models import Contract as ContractModel
    from abierta.contracting.text import search_document
    from abierta.core.models import Institution
    from abierta.works.models import CODE_ALPHABET, CODE_LENGTH, Work, WorkContract, WorkUpdate

    if contracts_total < 2 * works:
        raise SystemExit("need at least two contracts per work")
    rng = random.Random(seed + 1)
    offices = [
        Institution.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in [
            ("infraestructura", "Secretaría de Infraestructura"),
            ("educacion", "Secretaría de Educación Distrital"),
            ("valorizacion", "Departamento Administrativo de Valorización Distrital"),
            ("ider", "Instituto Distrital de Deporte y Recreación"),
            ("corvivienda", "Corvivienda"),
        ]
    ]
    batch: list[Any] = []
    pks: list[int] = []
    sectors = [s.value for s in Work.Sector]
    localidades = [v.value for v in Work.Localidad]

    def model_of(c: Contract) -> Any:
        name, nit, *_ = c.entity
        release = compiled_release(c)
        body = json.dumps(release, sort_keys=True, ensure_ascii=False)
        return ContractModel(
            ocid=release["ocid"],
            source=ContractModel.Source.SECOP2,
            contract_id=c.contract_id,
            process_id=c.process,
            buyer_name=name,
            buyer_nit=nit,
            supplier_name=c.supplier,
            supplier_doc_type=c.doc_type,
            supplier_doc=c.doc,
            title=c.obj,
            category_code=c.unspsc,
            modality=c.modality,
            contract_type=c.ctype,
            status=c.status,
            procurement_method=METHOD.get(c.modality, "direct"),
            signed_on=c.signed,
            start_on=c.start,
            end_on=c.end,
            year=c.signed.year,
            value=Decimal(c.value + c.value * c.days_added // 1000),
            original_value=Decimal(c.value),
            value_added=Decimal(c.value * c.days_added // 1000),
            estimate_value=Decimal(c.estimate),
            paid=Decimal(c.paid),
            days_added=c.days_added,
            original_term_days=(c.end - c.start).days,
            bidders=c.bidders,
            tender_period_days=c.tender_days,
            url=f"https://community.secop.gov.co/Public/Tendering/OpportunityDetail/Index?noticeUID={c.notice}",
            search_document=search_document(c.obj, c.supplier, name),
            release=release,
            release_hash=hashlib.sha256(body.encode()).hexdigest(),
            release_date=datetime.datetime.fromisoformat(release["date"]),
        )

    # The first 2 x works contracts are those of the works: a works contract and its interventoría.
    for c in contracts(contracts_total, seed):
        if c.n < 2 * works:
            c.ctype = "Obra" if c.n % 2 == 0 else "Interventoría"
            c.obj = _object(rng, c.ctype)
            c.modality = "Licitación pública Obra Publica" if c.n % 2 == 0 else "Concurso de méritos abierto"
        batch.append(model_of(c))
        if len(batch) == 2000:
            with transaction.atomic():
                pks.extend(o.pk for o in ContractModel.objects.bulk_create(batch))
            batch = []
    if batch:
        with transaction.atomic():
            pks.extend(o.pk for o in ContractModel.objects.bulk_create(batch))

    codes: list[str] = []
    seen: set[str] = set()
    work_objs = []
    for _ in range(works):
        while True:
            code = "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if code not in seen:
                seen.add(code)
                break
        codes.append(code)
        start = datetime.date(2023, 1, 1) + datetime.timedelta(days=rng.randrange(900))
        barrio = rng.choice(BARRIOS)
        physical = Decimal(rng.randrange(0, 101))
        work_objs.append(
            Work(
                code=code,
                name=f"{rng.choice(OBRAS).capitalize()} en {barrio}",
                description=(
                    f"Obra del Distrito en el barrio {barrio}: {rng.choice(OBRAS).lower()}, con andenes accesibles, "
                    "drenaje pluvial y señalización. Incluye la socialización con la comunidad y la veeduría ciudadana."
                ),
                sector=rng.choice(sectors),
                status=Work.Status.IMPLEMENTATION if physical < 100 else Work.Status.COMPLETION,
                office=rng.choice(offices),
                address=f"Calle {rng.randrange(1, 80)} # {rng.randrange(1, 90)}-{rng.randrange(1, 99)}, {barrio}",
                localidad=rng.choice(localidades),
                ucg=rng.randrange(1, 16),
                latitude=Decimal(f"{10.35 + rng.random() * 0.12:.6f}"),
                longitude=Decimal(f"{-75.55 + rng.random() * 0.1:.6f}"),
                budget=Decimal(rng.randrange(500, 40000) * 1_000_000),
                physical_progress=physical,
                financial_progress=Decimal(min(100, int(physical) + rng.randrange(-10, 15)) if physical else 0),
                start_on=start,
                end_on=start + datetime.timedelta(days=rng.choice([180, 270, 360, 540])),
            )
        )
    links = []
    updates = []
    with transaction.atomic():
        created = Work.objects.bulk_create(work_objs, batch_size=2000)
        for i, work in enumerate(created):
            links.append(WorkContract(work=work, contract_id=pks[2 * i], role=WorkContract.Role.WORKS))
            links.append(WorkContract(work=work, contract_id=pks[2 * i + 1], role=WorkContract.Role.SUPERVISION))
            progress = 0.0
            for k in range(rng.randrange(2, 6)):
                progress = min(100.0, progress + rng.uniform(5, 30))
                assert work.start_on is not None
                updates.append(
                    WorkUpdate(
                        work=work,
                        date=work.start_on + datetime.timedelta(days=30 * (k + 1)),
                        physical_progress=Decimal(f"{progress:.2f}"),
                        financial_progress=Decimal(f"{max(0.0, progress - 5):.2f}"),
                        text=rng.choice(WORK_UPDATES),
                    )
                )
        WorkContract.objects.bulk_create(links, batch_size=5000)
        WorkUpdate.objects.bulk_create(updates, batch_size=5000)
    return {
        "contracts": len(pks),
        "works": len(created),
        "work_contracts": len(links),
        "updates": len(updates),
        "codes": codes,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("csv", "ocds"):
        p = sub.add_parser(name)
        p.add_argument("file", type=Path)
        p.add_argument("--rows", type=int, default=100_000)
        p.add_argument("--seed", type=int, default=4)
    p = sub.add_parser("check-ocds")
    p.add_argument("file", type=Path)
    p.add_argument("--sample", type=int, default=2000)
    p = sub.add_parser("seed-works")
    p.add_argument("--works", type=int, default=10_000)
    p.add_argument("--contracts", type=int, default=100_000)
    p.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    if args.command == "csv":
        print(json.dumps({"rows": write_csv(args.file, args.rows, args.seed), "bytes": args.file.stat().st_size}))
    elif args.command == "ocds":
        print(json.dumps({"releases": write_ocds(args.file, args.rows, args.seed), "bytes": args.file.stat().st_size}))
    elif args.command == "check-ocds":
        print(json.dumps({"valid": check_ocds(args.file, args.sample)}))
    else:
        print(json.dumps(seed_works(args.works, args.contracts, args.seed)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
