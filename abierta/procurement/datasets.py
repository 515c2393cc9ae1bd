"""The open dataset of the annual procurement plans: one row per planned acquisition."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from abierta.contracting.models import Contract
from abierta.datos.registry import BOOLEAN, DECIMAL, INTEGER, TEXT, URL, Column, Dataset, absolute, register
from abierta.procurement.models import PlanLine, ProcurementPlan
from abierta.procurement.views import MONTH_NAMES, UNIT_NAMES


def _month(value: int | None) -> str:
    return MONTH_NAMES[value] if value else ""


register(
    Dataset(
        slug="plan-anual-de-adquisiciones",
        title=_("Annual procurement plans (PAA)"),
        description=_(
            "Every acquisition planned in the annual procurement plans (Plan Anual de Adquisiciones) published "
            "in SECOP II: UNSPSC codes, description, estimated months, duration, selection modality, funding "
            "source, estimated values and the contracts that carried it out."
        ),
        keywords=("plan anual de adquisiciones", "PAA", "contratación", "SECOP II", "UNSPSC"),
        queryset=lambda: (
            PlanLine.objects.select_related("plan")
            .prefetch_related(Prefetch("contracts", queryset=Contract.objects.only("ocid")))
            .order_by("plan__year", "plan__entity_name", "line")
        ),
        columns=(
            Column("entidad", "Entidad", TEXT, _("Entity that published the plan."), lambda r: r.plan.entity_name),
            Column("nit", "NIT", TEXT, _("NIT of the entity, without the check digit."), lambda r: r.plan.entity_nit),
            Column("vigencia", "Vigencia", INTEGER, _("Year of the plan."), lambda r: r.plan.year),
            Column("linea", "Línea", INTEGER, _("Row of the acquisition in the SECOP II export."), lambda r: r.line),
            Column(
                "codigos_unspsc",
                "Códigos UNSPSC",
                TEXT,
                _("UNSPSC codes of the acquisition (8 digits each), separated by semicolons."),
                lambda r: r.unspsc_codes,
            ),
            Column(
                "descripcion", "Descripción", TEXT, _("What will be bought or contracted."), lambda r: r.description
            ),
            Column(
                "mes_inicio",
                "Mes estimado de inicio",
                TEXT,
                _("Month the selection process is expected to start."),
                lambda r: _month(r.start_month),
            ),
            Column(
                "mes_ofertas",
                "Mes estimado de presentación de ofertas",
                TEXT,
                _("Month the offers are expected."),
                lambda r: _month(r.offer_month),
            ),
            Column("duracion", "Duración", INTEGER, _("Expected duration of the contract."), lambda r: r.duration),
            Column(
                "unidad_duracion",
                "Unidad de duración",
                TEXT,
                _("Unit of the duration: días, semanas, meses or años."),
                lambda r: UNIT_NAMES.get(r.duration_unit, r.duration_unit),
            ),
            Column("modalidad", "Modalidad de selección", TEXT, _("Selection modality."), lambda r: r.modality),
            Column("fuente", "Fuente de los recursos", TEXT, _("Funding source."), lambda r: r.funding_source),
            Column(
                "valor_total",
                "Valor total estimado",
                DECIMAL,
                _("Estimated total value, in Colombian pesos."),
                lambda r: r.total_value,
            ),
            Column(
                "valor_vigencia",
                "Valor estimado en la vigencia actual",
                DECIMAL,
                _("Estimated value to be spent in the plan's year, in Colombian pesos."),
                lambda r: r.current_year_value,
            ),
            Column(
                "vigencias_futuras",
                "Requiere vigencias futuras",
                BOOLEAN,
                _("Whether the acquisition needs funds from future years."),
                lambda r: r.future_funds,
            ),
            Column("unidad", "Unidad de contratación", TEXT, _("Contracting unit."), lambda r: r.unit),
            Column("ubicacion", "Ubicación", TEXT, _("Department and municipality."), lambda r: r.location),
            Column(
                "contratos",
                "Contratos (OCID)",
                TEXT,
                _("OCDS identifiers of the contracts matched to the acquisition, separated by spaces."),
                lambda r: " ".join(c.ocid for c in r.contracts.all()),
            ),
            Column(
                "url",
                "Página del plan",
                URL,
                _("The plan's page on this site."),
                lambda r: absolute(r.plan.get_absolute_url()),
            ),
        ),
        dated=((ProcurementPlan, "imported_at"),),
    )
)
