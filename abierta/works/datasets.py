"""The open dataset of public works, in the catalog (/datos/) beside the others.

"Obras públicas" has one row per published work with its progress and its works and supervision
contracts. It also links its standard format (OC4IDS).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Max, Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

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
from abierta.works.models import Work, WorkContract
from abierta.works.oc4ids import project_id


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
