"""The open datasets of co-creation: working tables, initiatives and proposals. Only published
plans' data is published. Registered by ParticipationConfig.ready()."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from abierta.datos.registry import BOOLEAN, CODE, DATE, INTEGER, TEXT, Column, Dataset, example_column, register
from abierta.participation.models import Initiative, Proposal, WorkingTable
from abierta.plans.datasets import OGP_KEYWORDS, plan_column

# In the catalog: the tables and initiatives follow the action plans' datasets; the proposals
# come after the development plan's.
CATALOG_ORDER = 200
PROPOSALS_CATALOG_ORDER = 400


register(
    Dataset(
        slug="mesas-de-trabajo",
        order=CATALOG_ORDER,
        title=_("Co-creation working tables"),
        description=_("The working tables held to co-create each action plan: sector, date, place and attendance."),
        keywords=(*OGP_KEYWORDS, "cocreación", "participación", "mesas de trabajo"),
        queryset=lambda: (
            WorkingTable.objects.filter(plan__is_published=True)
            .select_related("plan")
            .order_by("plan__period_start", "plan__slug", "number")
        ),
        columns=(
            plan_column(),
            Column("numero", "Número", INTEGER, _("Number of the table in the plan."), lambda t: t.number),
            Column("nombre", "Nombre", TEXT, _("Name of the table."), lambda t: t.name),
            Column(
                "sector",
                "Sector",
                CODE,
                _("Sector: civil_society, academia, population, communal or political."),
                lambda t: t.sector,
            ),
            Column("grupo", "Grupo o territorio", TEXT, _("Population group or territory."), lambda t: t.group),
            Column("fecha", "Fecha", DATE, _("Date it was held; empty if not recorded."), lambda t: t.held_on),
            Column("lugar", "Lugar", TEXT, _("Place."), lambda t: t.place),
            Column("asistentes", "Asistentes", INTEGER, _("Number of people who attended."), lambda t: t.attendance),
            Column(
                "propuestas", "Propuestas", INTEGER, _("Number of proposals gathered."), lambda t: t.proposals_count
            ),
            example_column(),
        ),
        dated=((WorkingTable, "held_on"),),
    )
)

register(
    Dataset(
        slug="iniciativas",
        order=CATALOG_ORDER,
        title=_("Co-creation initiatives"),
        description=_(
            "The initiatives shortlisted from the working tables' proposals, whether the consultation chose them "
            "and the commitment they became."
        ),
        keywords=(*OGP_KEYWORDS, "cocreación", "iniciativas", "consulta"),
        queryset=lambda: (
            Initiative.objects.filter(plan__is_published=True)
            .select_related("plan", "commitment")
            .order_by("plan__period_start", "plan__slug", "number")
        ),
        columns=(
            plan_column(),
            Column("numero", "Número", INTEGER, _("Number of the initiative in the plan."), lambda i: i.number),
            Column("titulo", "Título", TEXT, _("Title."), lambda i: i.title),
            Column("resumen", "Resumen", TEXT, _("Summary."), lambda i: i.summary),
            Column(
                "preseleccionada",
                "Preseleccionada",
                BOOLEAN,
                _("Shortlisted for the consultation."),
                lambda i: i.shortlisted,
            ),
            Column("elegida", "Elegida", BOOLEAN, _("Chosen in the consultation."), lambda i: i.selected),
            Column(
                "compromiso",
                "Compromiso",
                TEXT,
                _("Code of the commitment it became; empty if none."),
                lambda i: i.commitment.code if i.commitment else "",
            ),
            example_column(),
        ),
        dated=((WorkingTable, "held_on"),),
    )
)


# Proposals --------------------------------------------------------------------------------


def _proposals() -> QuerySet[Proposal]:
    return (
        Proposal.objects.filter(process__plan__is_published=True)
        .select_related("process__plan", "table", "initiative")
        .annotate(supports_count=Count("supports"))
        .order_by("process__plan__slug", "id")
    )


register(
    Dataset(
        slug="propuestas-de-cocreacion",
        order=PROPOSALS_CATALOG_ORDER,
        title=_("Co-creation proposals"),
        description=_(
            "Every proposal received in the co-creation of each action plan, online or collected in person at a "
            "working table, with its status, public answer and number of supports. Authors are not published."
        ),
        keywords=(*OGP_KEYWORDS, "cocreación", "propuestas", "participación"),
        queryset=_proposals,
        columns=(
            plan_column("process__plan__slug"),
            Column("numero", "Número", INTEGER, _("Number of the proposal."), lambda p: p.pk),
            Column("titulo", "Título", TEXT, _("Title."), lambda p: p.title),
            Column("propuesta", "Propuesta", TEXT, _("Text of the proposal."), lambda p: p.body),
            Column(
                "canal", "Canal", CODE, _("Channel: online or in_person (collected at a table)."), lambda p: p.channel
            ),
            Column(
                "mesa",
                "Mesa",
                INTEGER,
                _("Number of the working table where it was collected; empty if online."),
                lambda p: p.table.number if p.table else None,
            ),
            Column("estado", "Estado", CODE, _("Status: received, accepted, merged or rejected."), lambda p: p.status),
            Column("respuesta", "Respuesta pública", TEXT, _("Public answer."), lambda p: p.answer),
            Column("apoyos", "Apoyos", INTEGER, _("Number of people who support it."), lambda p: p.supports_count),
            Column(
                "fusionada_en",
                "Fusionada en",
                INTEGER,
                _("Number of the proposal it was merged into; empty if none."),
                lambda p: p.merged_into_id,
            ),
            Column(
                "iniciativa",
                "Iniciativa",
                INTEGER,
                _("Number of the initiative it feeds; empty if none."),
                lambda p: p.initiative.number if p.initiative else None,
            ),
            Column("fecha", "Fecha", DATE, _("Date it was received."), lambda p: p.created_at.date()),
        ),
        dated=((Proposal, "created_at"),),
    )
)
