"""The open dataset of contracts, in the catalog (/datos/) beside the others.

"Contratos" has one row per contract with the columns people search on (never the whole OCDS
release: that is what /ocds/ publishes); the contractor's document number is published as SECOP
publishes it. It also links its standard format (OCDS).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from abierta.contracting.models import CONTRACT_COLUMNS as PUBLIC_CONTRACT_COLUMNS
from abierta.contracting.models import Contract
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
                _("The contractor's NIT when it is a company; empty for a natural person."),
                lambda c: c.public_supplier_doc,
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
