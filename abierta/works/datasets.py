"""The open datasets of contracts and public works, in the catalog (/datos/) beside the others.

"Contratos" has one row per contract with the columns people search on (never the whole OCDS
release: that is what /ocds/ publishes); the contractor's document number is published as SECOP
publishes it. "Obras públicas" has one row per published work with its progress and its works and
supervision contracts. Both also link their standard formats (OCDS, OC4IDS).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Max, Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from abierta.datos.registry import (
    CODE,
    DATE,
    DECIMAL,
    INTEGER,
    TEXT,
    URL,
    Column,
    Dataset,
    Link,
    absolute,
    register,
)
from abierta.contracting.models import CONTRACT_COLUMNS as PUBLIC_CONTRACT_COLUMNS
from abierta.contracting.models import Contract
from abierta.works.models import Work, WorkContract
from abierta.works.publish import project_id

CONTRACT_COLUMNS = ("ocid", *PUBLIC_CONTRACT_COLUMNS, "flags")


def _contracts() -> QuerySet[Contract]:
    # Never the release (up to hundreds of KB a row) nor the search document.
    return Contract.objects.only(*CONTRACT_COLUMNS).order_by("ocid")


def _flags(contract: Contract) -> str:
    return "; ".join(str(f) for f in contract.flags) if isinstance(contract.flags, list) else ""


def _contract_links() -> Sequence[Link]:
    return [
        Link(
            title=str(_("OCDS 1.1 release package, paged (JSON)")),
            path=reverse("contracting_files:releases"),
            media_type="application/json",
            file_type="JSON",
        ),
        Link(
            title=str(_("OCDS 1.1 record package, paged (JSON)")),
            path=reverse("contracting_files:records"),
            media_type="application/json",
            file_type="JSON",
        ),
    ]


CONTRATOS = register(
    Dataset(
        slug="contratos",
        title=_("Contracts"),
        description=_(
            "The district's contracts from SECOP II and OCDS: entity, contractor, object, modality, "
            "dates, values, additions, payments and red flags, one row per contract. The whole "
            "contracting process of each is published in OCDS at /ocds/."
        ),
        keywords=("contratación abierta", "contratos", "SECOP", "OCDS", "compras públicas"),
        queryset=_contracts,
        columns=(
            Column("ocid", "OCID", TEXT, _("Open Contracting identifier of the process."), lambda c: c.ocid),
            Column(
                "numero_contrato", "Número del contrato", TEXT, _("SECOP contract number."), lambda c: c.contract_id
            ),
            Column("numero_proceso", "Número del proceso", TEXT, _("SECOP process number."), lambda c: c.process_id),
            Column("entidad", "Entidad", TEXT, _("Contracting entity."), lambda c: c.buyer_name),
            Column(
                "nit_entidad", "NIT de la entidad", TEXT, _("Tax number (NIT) of the entity."), lambda c: c.buyer_nit
            ),
            Column(
                "contratista", "Contratista", TEXT, _("Contractor, as SECOP publishes it."), lambda c: c.supplier_name
            ),
            Column(
                "tipo_documento_contratista",
                "Tipo de documento del contratista",
                TEXT,
                _("Type of the contractor's document (NIT, cédula…)."),
                lambda c: c.supplier_doc_type,
            ),
            Column(
                "documento_contratista",
                "Documento del contratista",
                TEXT,
                _("Number of the contractor's document, as SECOP publishes it."),
                lambda c: c.supplier_doc,
            ),
            Column("objeto", "Objeto", TEXT, _("Object of the contract."), lambda c: c.title),
            Column(
                "codigo_unspsc", "Código UNSPSC", CODE, _("Main UNSPSC classification code."), lambda c: c.category_code
            ),
            Column(
                "modalidad", "Modalidad", TEXT, _("Procurement modality, as SECOP writes it."), lambda c: c.modality
            ),
            Column(
                "tipo_contrato",
                "Tipo de contrato",
                TEXT,
                _("Type of contract, as SECOP writes it."),
                lambda c: c.contract_type,
            ),
            Column("estado", "Estado", TEXT, _("Status of the contract, as SECOP writes it."), lambda c: c.status),
            Column(
                "metodo_ocds",
                "Método de contratación (OCDS)",
                CODE,
                _("OCDS procurement method: open, selective, limited or direct."),
                lambda c: c.procurement_method,
            ),
            Column("fecha_firma", "Fecha de firma", DATE, _("Date the contract was signed."), lambda c: c.signed_on),
            Column("fecha_inicio", "Fecha de inicio", DATE, _("Start date of the contract."), lambda c: c.start_on),
            Column(
                "fecha_fin",
                "Fecha de fin",
                DATE,
                _("End date of the contract, extensions included."),
                lambda c: c.end_on,
            ),
            Column("anio", "Año", INTEGER, _("Year of the contract."), lambda c: c.year),
            Column(
                "valor", "Valor (COP)", DECIMAL, _("Current value, additions included, in pesos."), lambda c: c.value
            ),
            Column(
                "valor_original",
                "Valor original (COP)",
                DECIMAL,
                _("Value when signed, in pesos."),
                lambda c: c.original_value,
            ),
            Column(
                "valor_adicionado",
                "Valor adicionado (COP)",
                DECIMAL,
                _("Value added by amendments, in pesos."),
                lambda c: c.value_added,
            ),
            Column(
                "valor_estimado",
                "Valor estimado del proceso (COP)",
                DECIMAL,
                _("Estimated value of the process, in pesos."),
                lambda c: c.estimate_value,
            ),
            Column("valor_pagado", "Valor pagado (COP)", DECIMAL, _("Amount paid so far, in pesos."), lambda c: c.paid),
            Column(
                "dias_adicionados", "Días adicionados", INTEGER, _("Days added to the term."), lambda c: c.days_added
            ),
            Column(
                "plazo_original_dias",
                "Plazo original (días)",
                INTEGER,
                _("Original term, in days."),
                lambda c: c.original_term_days,
            ),
            Column("oferentes", "Número de oferentes", INTEGER, _("Number of bidders."), lambda c: c.bidders),
            Column(
                "dias_presentacion_ofertas",
                "Días para presentar ofertas",
                INTEGER,
                _("Days the process was open for bids."),
                lambda c: c.tender_period_days,
            ),
            Column(
                "alertas",
                "Banderas rojas",
                TEXT,
                _("Codes of the red flags raised, separated by semicolons; empty: none."),
                _flags,
            ),
            Column("url_secop", "Enlace a SECOP", URL, _("The contract's page on SECOP."), lambda c: c.url),
            Column(
                "url",
                "Página del contrato",
                URL,
                _("The contract's page on this site."),
                lambda c: absolute(c.get_absolute_url()),
            ),
            Column(
                "url_ocds",
                "Entrega OCDS",
                URL,
                _("The contract's OCDS release package."),
                lambda c: absolute(reverse("contracting_files:contract_release", kwargs={"ocid": c.ocid})),
            ),
        ),
        dated=((Contract, "imported_at"),),
        links=_contract_links,
        chunk_size=1000,
    )
)


# Public works --------------------------------------------------------------------------------


def _works() -> QuerySet[Work]:
    links = WorkContract.objects.select_related("contract").order_by("pk")
    return (
        Work.objects.filter(is_published=True)
        .select_related("office")
        .prefetch_related(Prefetch("work_contracts", queryset=links))
        .annotate(last_update=Max("updates__date"))
        .order_by("code")
    )


def _contract(work: Work, role: str) -> Contract | None:
    for link in work.work_contracts.all():
        if link.role == role:
            contract: Contract = link.contract
            return contract
    return None


def _of(role: str, attr: str) -> Any:
    def get(work: Work) -> Any:
        contract = _contract(work, role)
        return getattr(contract, attr) if contract is not None else None

    return get


def _work_links() -> Sequence[Link]:
    return [
        Link(
            title=str(_("OC4IDS 0.9 project package, paged (JSON)")),
            path=reverse("works_files:oc4ids_projects"),
            media_type="application/json",
            file_type="JSON",
        )
    ]


WORKS = WorkContract.Role.WORKS
SUPERVISION = WorkContract.Role.SUPERVISION

OBRAS = register(
    Dataset(
        slug="obras",
        title=_("Public works"),
        description=_(
            "The district's public works: location, sector, status, budget, physical and financial "
            "progress, responsible office and the contracts behind each (works contract and its "
            "interventoría). Each work's QR code leads to its page."
        ),
        keywords=("obras públicas", "infraestructura", "OC4IDS", "contratación abierta"),
        queryset=_works,
        columns=(
            Column("codigo", "Código", TEXT, _("Public code of the work, the one in its QR code."), lambda w: w.code),
            Column("id_oc4ids", "Identificador OC4IDS", TEXT, _("Project id in the OC4IDS publication."), project_id),
            Column("nombre", "Nombre", TEXT, _("Name of the work."), lambda w: w.name),
            Column("descripcion", "Descripción", TEXT, _("What is built."), lambda w: w.description),
            Column("sector", "Sector", CODE, _("Sector, from the OC4IDS projectSector codelist."), lambda w: w.sector),
            Column(
                "estado",
                "Estado",
                CODE,
                _("Status, from the OC4IDS projectStatus codelist (implementation: under construction)."),
                lambda w: w.status,
            ),
            Column("dependencia", "Dependencia responsable", TEXT, _("Responsible office."), lambda w: w.office.name),
            Column("direccion", "Dirección", TEXT, _("Address."), lambda w: w.address),
            Column(
                "localidad", "Localidad", CODE, _("Localidad of Cartagena; empty: not recorded."), lambda w: w.localidad
            ),
            Column(
                "ucg",
                "Unidad Comunera de Gobierno",
                INTEGER,
                _("UCG number, 1 to 15; empty: not recorded."),
                lambda w: w.ucg,
            ),
            Column("latitud", "Latitud", DECIMAL, _("Latitude (WGS 84)."), lambda w: w.latitude),
            Column("longitud", "Longitud", DECIMAL, _("Longitude (WGS 84)."), lambda w: w.longitude),
            Column("presupuesto", "Presupuesto (COP)", DECIMAL, _("Budget, in pesos."), lambda w: w.budget),
            Column(
                "avance_fisico",
                "Avance físico (%)",
                DECIMAL,
                _("Physical progress, 0 to 100."),
                lambda w: w.physical_progress,
            ),
            Column(
                "avance_financiero",
                "Avance financiero (%)",
                DECIMAL,
                _("Financial progress, 0 to 100."),
                lambda w: w.financial_progress,
            ),
            Column("fecha_inicio", "Fecha de inicio", DATE, _("Start date."), lambda w: w.start_on),
            Column("fecha_fin_prevista", "Fecha de fin prevista", DATE, _("Planned end date."), lambda w: w.end_on),
            Column(
                "fecha_ultimo_avance",
                "Fecha del último reporte de avance",
                DATE,
                _("Date of the latest progress update; empty: none yet."),
                lambda w: w.last_update,
            ),
            Column(
                "ocid_contrato_obra",
                "OCID del contrato de obra",
                TEXT,
                _("OCID of the works contract; empty: none linked."),
                _of(WORKS, "ocid"),
            ),
            Column(
                "contratista_obra",
                "Contratista de obra",
                TEXT,
                _("Contractor of the works contract."),
                _of(WORKS, "supplier_name"),
            ),
            Column(
                "valor_contrato_obra",
                "Valor del contrato de obra (COP)",
                DECIMAL,
                _("Current value of the works contract, in pesos."),
                _of(WORKS, "value"),
            ),
            Column(
                "ocid_interventoria",
                "OCID de la interventoría",
                TEXT,
                _("OCID of the supervision (interventoría) contract; empty: none linked."),
                _of(SUPERVISION, "ocid"),
            ),
            Column(
                "interventor",
                "Interventor",
                TEXT,
                _("Contractor of the supervision (interventoría)."),
                _of(SUPERVISION, "supplier_name"),
            ),
            Column(
                "url",
                "Página de la obra",
                URL,
                _("The work's page on this site (the address in its QR code)."),
                lambda w: absolute(w.get_absolute_url()),
            ),
        ),
        dated=((Work, "updated_at"),),
        links=_work_links,
    )
)
