"""A SECOP II contract row (datos.gov.co dataset ``jbjy-vk9h``) as an OCDS 1.1.5 compiled release.

One row is one contract and becomes one contracting process: ocid ``{ABIERTA_OCID_PREFIX}-{id_contrato}``
(docs/decisions/0007-contract-imports.md says why). Values arrive as strings; "No Definido" and empty
strings mean missing. A value that cannot be read raises :class:`abierta.core.importing.RowRejected`
with the reason in Spanish.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from abierta.contracting.text import normalize
from abierta.core.importing import RowRejected
from abierta.core.numbers import parse_number

# Columns a file must have to be read as a SECOP II contracts export.
REQUIRED_COLUMNS = ("id_contrato", "nit_entidad", "nombre_entidad", "valor_del_contrato")

MISSING = frozenset({"", "no definido", "no aplica", "n/a", "null", "none", "nan"})

# Modality (modalidad_de_contratacion, normalised) -> OCDS procurementMethod. Unknown ones get none.
MODALITY_METHOD: dict[str, str] = {
    "licitacion publica": "open",
    "licitacion publica obra publica": "open",
    "licitacion publica acuerdo marco de precios": "open",
    "concurso de meritos abierto": "open",
    "concurso de meritos con precalificacion": "selective",
    "minima cuantia": "open",
    "contratacion minima cuantia": "open",
    "seleccion abreviada de menor cuantia": "selective",
    "seleccion abreviada menor cuantia sin manifestacion interes": "open",
    "seleccion abreviada subasta inversa": "open",
    "seleccion abreviada servicios de salud": "selective",
    "enajenacion de bienes con subasta": "open",
    "enajenacion de bienes con sobre cerrado": "open",
    "asociacion publico privada": "open",
    "contratacion directa (con ofertas)": "limited",
    "contratacion regimen especial (con ofertas)": "limited",
    "contratacion directa": "direct",
    "contratacion regimen especial": "direct",
}

# Contract status (estado_contrato, normalised) -> OCDS contractStatus. The SECOP text stays in statusDetails.
STATUS_MAP: dict[str, str] = {
    "borrador": "pending",
    "en aprobacion": "pending",
    "enviado proveedor": "pending",
    "enviado al proveedor": "pending",
    "aprobado": "pending",
    "firmado": "active",
    "activo": "active",
    "en ejecucion": "active",
    "modificado": "active",
    "prorrogado": "active",
    "suspendido": "active",
    "terminado": "terminated",
    "cerrado": "terminated",
    "liquidado": "terminated",
    "cancelado": "cancelled",
    "anulado": "cancelled",
}

# Contract type (tipo_de_contrato, normalised) -> OCDS mainProcurementCategory.
CATEGORY_MAP: dict[str, str] = {
    "obra": "works",
    "concesion": "works",
    "consultoria": "services",
    "interventoria": "services",
    "prestacion de servicios": "services",
    "servicios financieros": "services",
    "seguros": "services",
    "arrendamiento de inmuebles": "services",
    "arrendamiento de muebles": "services",
    "suministros": "goods",
    "compraventa": "goods",
}

# Supplier document type (tipodocproveedor, normalised) -> identifier scheme prefix.
DOCUMENT_SCHEMES: dict[str, str] = {
    "nit": "CO-NIT",
    "cedula de ciudadania": "CO-CC",
    "cedula de extranjeria": "CO-CE",
    "pasaporte": "CO-PAS",
    "tarjeta de identidad": "CO-TI",
    "permiso especial de permanencia": "CO-PEP",
    "permiso por proteccion temporal": "CO-PPT",
    "documento de identificacion extranjero": "CO-DIE",
    "nit de otro pais": "CO-NIT-EXT",
    "sin descripcion": "CO-OTRO",
    "otro": "CO-OTRO",
}

# Money columns kept on the contract (financialSummary extension object).
SUMMARY_COLUMNS = {
    "valor_facturado": "invoiced",
    "valor_pagado": "paid",
    "valor_pendiente_de_pago": "pendingPayment",
    "valor_pendiente_de_ejecucion": "pendingExecution",
    "valor_amortizado": "amortized",
    "valor_de_pago_adelantado": "advancePayment",
    "saldo_cdp": "cdpBalance",
    "saldo_vigencia": "budgetYearBalance",
}

# Funding sources -> planning.budget.budgetBreakdown (the Budget Breakdown extension's shape).
FUNDING_COLUMNS = {
    "presupuesto_general_de_la_nacion_pgn": "Presupuesto General de la Nación",
    "sistema_general_de_participaciones": "Sistema General de Participaciones",
    "sistema_general_de_regal_as": "Sistema General de Regalías",
    "recursos_propios_alcald_as_gobernaciones_y_resguardos_ind_genas_": (
        "Recursos propios (alcaldías, gobernaciones y resguardos indígenas)"
    ),
    "recursos_de_credito": "Recursos de crédito",
    "recursos_propios": "Recursos propios",
}

_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$")


@functools.lru_cache(maxsize=1024)
def header_key(name: str) -> str:
    """A column name as the dataset's API field name: "Valor del Contrato" -> "valor_del_contrato"."""
    text = normalize(name.replace("\ufeff", ""))
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


@functools.lru_cache(maxsize=4096)
def _key(text: str) -> str:
    """normalize() of the few distinct values of a coded column (modality, status, type), cached."""
    return normalize(text)


def clean(value: Any) -> str | None:
    """The text of a cell, None when missing ("No Definido", empty)."""
    if value is None:
        return None
    if isinstance(value, dict):  # Socrata JSON: urlproceso is {"url": "..."}
        value = value.get("url")
        if value is None:
            return None
    text = str(value).strip()
    if text.casefold() in MISSING:
        return None
    return text


def parse_money(value: str | None, column: str) -> Decimal | None:
    if value is None:
        return None
    amount = parse_number(value, money=True)
    if amount is None:
        raise RowRejected(_("%(column)s is not a number: «%(value)s»") % {"column": column, "value": value})
    if amount < 0:
        raise RowRejected(_("%(column)s is negative: «%(value)s»") % {"column": column, "value": value})
    return amount


def parse_int(value: str | None, column: str) -> int | None:
    amount = parse_money(value, column)
    if amount is None:
        return None
    if amount != amount.to_integral_value():
        raise RowRejected(_("%(column)s is not a whole number: «%(value)s»") % {"column": column, "value": value})
    return int(amount)


def parse_date(value: str | None, column: str) -> datetime.date | None:
    """Dates as the portal exports them: ISO (API, JSON) or MM/DD/YYYY [hh:mm:ss AM] (CSV from the web)."""
    if value is None:
        return None
    text = value.strip()
    match = _US_DATE.match(text)
    try:
        if match:
            return datetime.date(int(match.group(3)), int(match.group(1)), int(match.group(2)))
        if len(text) >= 10 and text[4] == "-" and text[7] == "-":
            return datetime.date.fromisoformat(text[:10])
    except ValueError:
        pass
    raise RowRejected(_("%(column)s is not a valid date: «%(value)s»") % {"column": column, "value": value})


def _date_time(day: datetime.date) -> str:
    # SECOP II dates have no time; OCDS wants a date-time: midnight in Colombia.
    return f"{day.isoformat()}T00:00:00-05:00"


def _money(amount: Decimal) -> dict[str, Any]:
    number: int | float = int(amount) if amount == amount.to_integral_value() else float(amount)
    return {"amount": number, "currency": "COP"}


def _scheme(doc_type: str | None) -> str:
    if doc_type is None:
        return "CO-OTRO"
    key = _key(doc_type)
    if key in DOCUMENT_SCHEMES:
        return DOCUMENT_SCHEMES[key]
    return "CO-" + re.sub(r"[^A-Z0-9]+", "-", key.upper()).strip("-")[:20]


def _doc_number(value: str) -> str:
    # "890.480.184-1" -> "890480184-1": keep what identifies, drop the thousands dots.
    return re.sub(r"[.\s]", "", value)


def row_to_release(row: Mapping[str, Any]) -> dict[str, Any]:
    """Map one row (column -> string) to an OCDS compiled release; raise RowRejected if it cannot be read."""

    def get(column: str) -> str | None:
        return clean(row.get(column))

    contract_id = get("id_contrato")
    if contract_id is None:
        raise RowRejected(_("id_contrato is missing"))
    nit = get("nit_entidad")
    if nit is None:
        raise RowRejected(_("nit_entidad is missing"))
    buyer_nit = _doc_number(nit).split("-")[0]
    if not buyer_nit.isdigit():
        raise RowRejected(_("nit_entidad is not a NIT: «%(nit)s»") % {"nit": nit})

    value = parse_money(get("valor_del_contrato"), "valor_del_contrato")
    signed = parse_date(get("fecha_de_firma"), "fecha_de_firma")
    start = parse_date(get("fecha_de_inicio_del_contrato"), "fecha_de_inicio_del_contrato")
    end = parse_date(get("fecha_de_fin_del_contrato"), "fecha_de_fin_del_contrato")
    updated = parse_date(get("ultima_actualizacion"), "ultima_actualizacion")
    days_added = parse_int(get("dias_adicionados"), "dias_adicionados")
    if start and end and end < start:
        raise RowRejected(
            _("fecha_de_fin_del_contrato (%(end)s) is before fecha_de_inicio_del_contrato (%(start)s)")
            % {"end": end.isoformat(), "start": start.isoformat()}
        )
    release_day = updated or signed or start
    if release_day is None:
        raise RowRejected(_("it has no date (ultima_actualizacion, fecha_de_firma, fecha_de_inicio_del_contrato)"))
    summary = {
        name: amount
        for column, name in SUMMARY_COLUMNS.items()
        if (amount := parse_money(get(column), column)) is not None
    }
    funding = [
        (column, label, amount)
        for column, label in FUNDING_COLUMNS.items()
        if (amount := parse_money(get(column), column))
    ]

    ocid = f"{settings.ABIERTA_OCID_PREFIX}-{contract_id}"
    date = _date_time(release_day)

    buyer_id = f"CO-NIT-{buyer_nit}"
    buyer_name = get("nombre_entidad") or buyer_id
    buyer_party: dict[str, Any] = {
        "id": buyer_id,
        "name": buyer_name,
        "identifier": {"scheme": "CO-NIT", "id": buyer_nit, "legalName": buyer_name},
        "roles": ["buyer", "procuringEntity"],
    }
    address = {
        k: v
        for k, v in (("locality", get("ciudad")), ("region", get("departamento")), ("countryName", "Colombia"))
        if v
    }
    buyer_party["address"] = address
    buyer_details = {
        k: v
        for k, v in (
            ("entityCode", get("codigo_entidad")),
            ("order", get("orden")),
            ("sector", get("sector")),
            ("branch", get("rama")),
            ("centralized", get("entidad_centralizada")),
        )
        if v
    }
    if buyer_details:
        buyer_party["details"] = buyer_details
    parties = [buyer_party]

    supplier_name = get("proveedor_adjudicado")
    supplier_doc = get("documento_proveedor")
    doc_type = get("tipodocproveedor")
    supplier_ref: dict[str, Any] | None = None
    if supplier_name or supplier_doc:
        scheme = _scheme(doc_type)
        number = _doc_number(supplier_doc) if supplier_doc else None
        supplier_id = f"{scheme}-{number}" if number else f"SECOP-PROVEEDOR-{get('codigo_proveedor') or contract_id}"
        identifier: dict[str, Any] = {"scheme": scheme}
        if number:
            identifier["id"] = number
        if supplier_name:
            identifier["legalName"] = supplier_name
        party: dict[str, Any] = {"id": supplier_id, "identifier": identifier, "roles": ["supplier"]}
        if supplier_name:
            party["name"] = supplier_name
        details = {
            k: v
            for k, v in (
                ("documentType", doc_type),
                ("supplierCode", get("codigo_proveedor")),
                ("isGroup", get("es_grupo")),
                ("isSME", get("es_pyme")),
            )
            if v
        }
        if details:
            party["details"] = details
        parties.append(party)
        supplier_ref = {"id": supplier_id}
        if supplier_name:
            supplier_ref["name"] = supplier_name

    modality = get("modalidad_de_contratacion")
    tender: dict[str, Any] = {"id": get("proceso_de_compra") or contract_id}
    if get("descripcion_del_proceso"):
        tender["description"] = get("descripcion_del_proceso")
    if modality:
        method = MODALITY_METHOD.get(_key(modality))
        if method:
            tender["procurementMethod"] = method
        tender["procurementMethodDetails"] = modality
    if get("justificacion_modalidad_de"):
        tender["procurementMethodRationale"] = get("justificacion_modalidad_de")
    contract_type = get("tipo_de_contrato")
    if contract_type:
        category = CATEGORY_MAP.get(_key(contract_type))
        if category:
            tender["mainProcurementCategory"] = category
        if _key(contract_type) in ("consultoria", "interventoria"):
            tender["additionalProcurementCategories"] = ["consultingServices"]
        tender["mainProcurementCategoryDetails"] = contract_type
    unspsc = get("codigo_de_categoria_principal")
    if unspsc:
        code = unspsc.split(".", 1)[1] if unspsc.upper().startswith("V1.") else unspsc
        tender["items"] = [{"id": "1", "classification": {"scheme": "UNSPSC", "id": code}}]
    tender["procuringEntity"] = {"id": buyer_id, "name": buyer_name}

    status_text = get("estado_contrato")
    status = STATUS_MAP.get(_key(status_text)) if status_text else None

    award: dict[str, Any] = {"id": contract_id, "status": "cancelled" if status == "cancelled" else "active"}
    if value is not None:
        award["value"] = _money(value)
    if supplier_ref:
        award["suppliers"] = [supplier_ref]

    contract: dict[str, Any] = {"id": contract_id, "awardID": contract_id}
    if get("referencia_del_contrato"):
        contract["title"] = get("referencia_del_contrato")
    if get("objeto_del_contrato"):
        contract["description"] = get("objeto_del_contrato")
    if status:
        contract["status"] = status
    if status_text:
        contract["statusDetails"] = status_text
    if value is not None:
        contract["value"] = _money(value)
    if signed:
        contract["dateSigned"] = _date_time(signed)
    period: dict[str, Any] = {}
    if start:
        period["startDate"] = _date_time(start)
    if end:
        period["endDate"] = _date_time(end)
    if start and end:
        period["durationInDays"] = (end - start).days
    if period:
        contract["period"] = period
    if days_added is not None:
        contract["daysAdded"] = days_added
    if get("duraci_n_del_contrato"):
        contract["durationDetails"] = get("duraci_n_del_contrato")
    paid = summary.get("paid")
    if paid:
        transaction: dict[str, Any] = {
            "id": f"{contract_id}-pagos",
            "source": "https://www.datos.gov.co/d/jbjy-vk9h",
            "value": _money(paid),
            "payer": {"id": buyer_id, "name": buyer_name},
        }
        if supplier_ref:
            transaction["payee"] = dict(supplier_ref)
        if updated:
            transaction["date"] = _date_time(updated)
        contract["implementation"] = {"transactions": [transaction]}
    if summary:
        contract["financialSummary"] = {name: _money(amount) for name, amount in summary.items()}

    release: dict[str, Any] = {
        "ocid": ocid,
        "id": f"{ocid}-{date}",
        "date": date,
        "tag": ["compiled"],
        "initiationType": "tender",
        "language": "es",
        "parties": parties,
        "buyer": {"id": buyer_id, "name": buyer_name},
        "tender": tender,
        "awards": [award],
        "contracts": [contract],
    }
    if funding:
        release["planning"] = {
            "budget": {
                "budgetBreakdown": [
                    {"id": column, "description": label, "amount": _money(amount)} for column, label, amount in funding
                ]
            }
        }
    url = get("urlproceso")
    if url and url.startswith(("http://", "https://")):
        release["urlSECOP"] = url
    return release
