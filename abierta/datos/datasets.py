"""The datasets of the modules that exist today: action plans (OGP Local), co-creation and the
development plan. Only published plans' data is published."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from abierta.datos.registry import (
    BOOLEAN,
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
from abierta.gestion.models import DevelopmentPlan, Goal, Measurement, goal_plan_order
from abierta.gestion.progress import goal_progress, indicator_of, points_of
from abierta.participation.models import Initiative, WorkingTable
from abierta.plans.models import (
    ActionPlan,
    Commitment,
    CommitteeMeeting,
    CommitteeMember,
    Endorsement,
    Milestone,
    MonitoringReport,
    ProgressUpdate,
)

OGP = ("gobierno abierto", "OGP Local", "plan de acción")


def _plan_column(path: str = "plan__slug") -> Column:
    def get(obj: Any) -> str:
        value: Any = obj
        for part in path.split("__"):
            value = getattr(value, part)
        return str(value)

    return Column("plan", "Plan", TEXT, _("Identifier (slug) of the action plan, as in its web address."), get)


def _example_column() -> Column:
    return Column(
        "ejemplo",
        "Dato de ejemplo",
        BOOLEAN,
        _("Invented for the demonstration; not in the source."),
        lambda obj: obj.is_example,
    )


def _name(obj: Any) -> str:
    return obj.name if obj is not None else ""


# Action plans -----------------------------------------------------------------------------

register(
    Dataset(
        slug="planes-de-accion",
        title=_("Open government action plans"),
        description=_(
            "The OGP Local action plans of the district: period, dates, vision and the pages where they are published."
        ),
        keywords=(*OGP, "planes"),
        queryset=lambda: ActionPlan.objects.filter(is_published=True).order_by("period_start", "slug"),
        columns=(
            Column("plan", "Plan", TEXT, _("Identifier (slug) of the plan, as in its web address."), lambda p: p.slug),
            Column("titulo", "Título", TEXT, _("Title of the plan."), lambda p: p.title),
            Column("jurisdiccion", "Jurisdicción", TEXT, _("Territory the plan covers."), lambda p: p.jurisdiction),
            Column("anio_inicio", "Año inicial", INTEGER, _("First year of the plan."), lambda p: p.period_start),
            Column("anio_fin", "Año final", INTEGER, _("Last year of the plan."), lambda p: p.period_end),
            Column(
                "fecha_presentacion",
                "Fecha de presentación",
                DATE,
                _("Date the plan was submitted to OGP Local; empty if not recorded."),
                lambda p: p.submitted_on,
            ),
            Column("fecha_fin", "Fecha de finalización", DATE, _("End date of the plan."), lambda p: p.ends_on),
            Column("vision", "Visión", TEXT, _("Long-term open government vision."), lambda p: p.vision),
            Column(
                "url_ogp", "Página en OGP Local", URL, _("The plan's page on the OGP website."), lambda p: p.ogp_url
            ),
            Column(
                "url",
                "Página del plan",
                URL,
                _("The plan's page on this site."),
                lambda p: absolute(p.get_absolute_url()),
            ),
        ),
        tracked=(ActionPlan,),
        dated=((ActionPlan, "submitted_on"),),
    )
)


# Commitments ------------------------------------------------------------------------------


def _commitment_links() -> Sequence[Link]:
    return [
        Link(
            title=str(_("Commitments of %(plan)s in the OGP Local export format (CSV)") % {"plan": plan.title}),
            path=reverse("plans:commitments_csv", kwargs={"slug": plan.slug}),
            media_type="text/csv",
            file_type="CSV",
        )
        for plan in ActionPlan.objects.filter(is_published=True).order_by("period_start", "slug")
    ]


register(
    Dataset(
        slug="compromisos",
        title=_("Action plan commitments"),
        description=_(
            "Every commitment of the published action plans: lead and supporting offices, the OGP values it "
            "serves, dates, and how far it has come according to the OGP scales."
        ),
        keywords=(*OGP, "compromisos"),
        queryset=lambda: (
            Commitment.objects.filter(plan__is_published=True)
            .select_related("plan", "lead_institution")
            .prefetch_related("supporting_institutions")
            .order_by("plan__period_start", "plan__slug", "order", "code")
        ),
        columns=(
            _plan_column(),
            Column("codigo", "Código", TEXT, _("Code of the commitment (for example COCDI0001)."), lambda c: c.code),
            Column("titulo", "Título", TEXT, _("Title of the commitment."), lambda c: c.title),
            Column("objetivo", "Objetivo", TEXT, _("What the commitment aims to achieve."), lambda c: c.objective),
            Column(
                "entidad_lider", "Entidad líder", TEXT, _("Office that leads it."), lambda c: c.lead_institution.name
            ),
            Column(
                "entidades_de_apoyo",
                "Entidades de apoyo",
                TEXT,
                _("Supporting offices and organisations, separated by semicolons."),
                lambda c: "; ".join(i.name for i in c.supporting_institutions.all()),
            ),
            Column(
                "acceso_a_la_informacion",
                "Acceso a la información",
                BOOLEAN,
                _("Serves the OGP value access to information."),
                lambda c: c.value_access_to_information,
            ),
            Column(
                "participacion_ciudadana",
                "Participación ciudadana",
                BOOLEAN,
                _("Serves the OGP value civic participation."),
                lambda c: c.value_civic_participation,
            ),
            Column(
                "rendicion_de_cuentas",
                "Rendición de cuentas",
                BOOLEAN,
                _("Serves the OGP value public accountability."),
                lambda c: c.value_public_accountability,
            ),
            Column(
                "tecnologia_e_innovacion",
                "Tecnología e innovación",
                BOOLEAN,
                _("Serves the OGP value technology and innovation."),
                lambda c: c.value_technology,
            ),
            Column("mes_inicio", "Mes de inicio", DATE, _("First day of the starting month."), lambda c: c.start_month),
            Column("mes_fin", "Mes de finalización", DATE, _("First day of the ending month."), lambda c: c.end_month),
            Column("verificable", "Verificable", BOOLEAN, _("Whether it is verifiable."), lambda c: c.verifiable),
            Column(
                "potencial",
                "Potencial de resultados",
                CODE,
                _("Potential for results: unclear, modest or substantial."),
                lambda c: c.potential,
            ),
            Column(
                "cumplimiento",
                "Nivel de cumplimiento",
                CODE,
                _("Completion: no_evidence, not_started, limited, substantial or complete."),
                lambda c: c.completion,
            ),
            Column(
                "abrio_el_gobierno",
                "¿Abrió el gobierno?",
                CODE,
                _(
                    "Did it open government: worsened, did_not_change, marginal, major or outstanding; "
                    "empty if not assessed yet."
                ),
                lambda c: c.opened_government,
            ),
            _example_column(),
            Column(
                "url", "Página", URL, _("The commitment's page on this site."), lambda c: absolute(c.get_absolute_url())
            ),
        ),
        tracked=(Commitment,),
        links=_commitment_links,
    )
)


# Milestones and their progress ------------------------------------------------------------

register(
    Dataset(
        slug="hitos",
        title=_("Commitment milestones"),
        description=_("The milestones (expected outputs) of each commitment, with their dates, office and status."),
        keywords=(*OGP, "hitos", "seguimiento"),
        queryset=lambda: (
            Milestone.objects.filter(commitment__plan__is_published=True)
            .select_related("commitment__plan", "responsible")
            .order_by("commitment__plan__period_start", "commitment__plan__slug", "commitment__code", "order", "id")
        ),
        columns=(
            _plan_column("commitment__plan__slug"),
            Column("compromiso", "Compromiso", TEXT, _("Code of the commitment."), lambda m: m.commitment.code),
            Column(
                "hito_id", "Identificador del hito", INTEGER, _("Number of the milestone on this site."), lambda m: m.pk
            ),
            Column("producto", "Producto esperado", TEXT, _("Expected output of the milestone."), lambda m: m.title),
            Column("fecha_inicio", "Fecha de inicio", DATE, _("Start date."), lambda m: m.start_date),
            Column("fecha_fin", "Fecha de finalización", DATE, _("End date."), lambda m: m.end_date),
            Column(
                "responsable", "Dependencia responsable", TEXT, _("Office responsible."), lambda m: m.responsible.name
            ),
            Column(
                "estado",
                "Estado",
                CODE,
                _("Status: not_started, in_progress, delayed, completed or cancelled."),
                lambda m: m.status,
            ),
            _example_column(),
        ),
        tracked=(Milestone,),
    )
)


def _evidence(update: ProgressUpdate) -> str:
    if update.evidence_url:
        return update.evidence_url
    if update.evidence_file:
        return absolute(reverse("plans:evidence_file", kwargs={"pk": update.pk}))
    return ""


register(
    Dataset(
        slug="avances",
        title=_("Progress updates of the milestones"),
        description=_("Dated reports of what was done on each milestone, with a link to their evidence."),
        keywords=(*OGP, "avances", "evidencias", "seguimiento"),
        queryset=lambda: (
            ProgressUpdate.objects.filter(milestone__commitment__plan__is_published=True)
            .select_related("milestone__commitment__plan", "institution")
            .order_by("date", "id")
        ),
        columns=(
            _plan_column("milestone__commitment__plan__slug"),
            Column(
                "compromiso", "Compromiso", TEXT, _("Code of the commitment."), lambda u: u.milestone.commitment.code
            ),
            Column(
                "hito_id",
                "Identificador del hito",
                INTEGER,
                _("Number of the milestone (see the milestones dataset)."),
                lambda u: u.milestone_id,
            ),
            Column("hito", "Hito", TEXT, _("Expected output of the milestone."), lambda u: u.milestone.title),
            Column("fecha", "Fecha", DATE, _("Date of the progress."), lambda u: u.date),
            Column("descripcion", "Descripción", TEXT, _("What was done."), lambda u: u.text),
            Column("evidencia", "Evidencia", URL, _("Link to the evidence (file or page); empty if none."), _evidence),
            Column("dependencia", "Dependencia", TEXT, _("Office that reported it."), lambda u: _name(u.institution)),
            _example_column(),
        ),
        tracked=(ProgressUpdate,),
        dated=((ProgressUpdate, "created_at"),),
    )
)


# Monitoring ------------------------------------------------------------------------------

register(
    Dataset(
        slug="informes-de-seguimiento",
        title=_("Independent monitoring reports"),
        description=_("The reports of the independent monitoring body on the action plans, with their files (PDF)."),
        keywords=(*OGP, "seguimiento", "informes", "evaluación"),
        queryset=lambda: (
            MonitoringReport.objects.filter(plan__is_published=True)
            .select_related("plan", "commitment", "institution")
            .order_by("published_on", "id")
        ),
        columns=(
            _plan_column(),
            Column(
                "tipo",
                "Tipo de informe",
                CODE,
                _("Kind: initial (co-creation), commitment (end-of-commitment assessment) or learning (final)."),
                lambda r: r.kind,
            ),
            Column(
                "compromiso",
                "Compromiso evaluado",
                TEXT,
                _("Code of the commitment assessed; empty for a report on the whole plan."),
                lambda r: r.commitment.code if r.commitment else "",
            ),
            Column("titulo", "Título", TEXT, _("Title of the report."), lambda r: r.title),
            Column("resumen", "Resumen", TEXT, _("Summary."), lambda r: r.summary),
            Column("fecha_publicacion", "Fecha de publicación", DATE, _("Publication date."), lambda r: r.published_on),
            Column("entidad", "Entidad", TEXT, _("Body that wrote it."), lambda r: r.institution.name),
            Column(
                "archivo",
                "Archivo",
                URL,
                _("Link to the report file."),
                lambda r: absolute(reverse("plans:report_file", kwargs={"pk": r.pk})),
            ),
        ),
        tracked=(MonitoringReport,),
        dated=((MonitoringReport, "created_at"),),
    )
)

register(
    Dataset(
        slug="comite-de-seguimiento",
        title=_("Citizen Monitoring Committee members"),
        description=_("The members of the Citizen Monitoring Committee of each plan and the sector they represent."),
        keywords=(*OGP, "comité", "participación"),
        queryset=lambda: (
            CommitteeMember.objects.filter(plan__is_published=True)
            .select_related("plan", "working_table")
            .order_by("plan__period_start", "plan__slug", "name", "id")
        ),
        columns=(
            _plan_column(),
            Column("nombre", "Nombre", TEXT, _("Name of the member."), lambda m: m.name),
            Column("sector", "Sector", TEXT, _("Sector or population represented."), lambda m: m.sector),
            Column(
                "mesa_de_trabajo",
                "Mesa de trabajo",
                TEXT,
                _("Working table that elected them; empty if none."),
                lambda m: _name(m.working_table),
            ),
            Column("fecha_inicio", "Fecha de inicio", DATE, _("Start of the term."), lambda m: m.start_date),
            Column(
                "fecha_fin",
                "Fecha de finalización",
                DATE,
                _("End of the term; empty if current."),
                lambda m: m.end_date,
            ),
            _example_column(),
        ),
        tracked=(CommitteeMember,),
    )
)


def _minutes(meeting: CommitteeMeeting) -> str:
    if not meeting.minutes:
        return ""
    return absolute(reverse("plans:minutes_file", kwargs={"pk": meeting.pk}))


register(
    Dataset(
        slug="reuniones-del-comite",
        title=_("Citizen Monitoring Committee meetings"),
        description=_("The meetings of the Citizen Monitoring Committee: date, place, summary and minutes."),
        keywords=(*OGP, "comité", "actas"),
        queryset=lambda: (
            CommitteeMeeting.objects.filter(plan__is_published=True).select_related("plan").order_by("date", "id")
        ),
        columns=(
            _plan_column(),
            Column("fecha", "Fecha", DATE, _("Date of the meeting."), lambda m: m.date),
            Column("lugar", "Lugar", TEXT, _("Place."), lambda m: m.place),
            Column("resumen", "Resumen", TEXT, _("Summary of the meeting."), lambda m: m.summary),
            Column("acta", "Acta", URL, _("Link to the minutes (PDF); empty if none."), _minutes),
            _example_column(),
        ),
        tracked=(CommitteeMeeting,),
    )
)

register(
    Dataset(
        slug="respaldos",
        title=_("Endorsements of the action plans"),
        description=_("The non-government organisations and people that endorse each action plan."),
        keywords=(*OGP, "respaldos", "sociedad civil"),
        queryset=lambda: (
            Endorsement.objects.filter(plan__is_published=True)
            .select_related("plan")
            .order_by("plan__period_start", "plan__slug", "order", "name")
        ),
        columns=(
            _plan_column(),
            Column("nombre", "Nombre", TEXT, _("Who endorses the plan."), lambda e: e.name),
            Column("sector", "Sector", TEXT, _("Their sector."), lambda e: e.sector),
        ),
        # Endorsements are part of the plan as submitted.
        tracked=(ActionPlan,),
        dated=((ActionPlan, "submitted_on"),),
    )
)


# Co-creation ------------------------------------------------------------------------------

register(
    Dataset(
        slug="mesas-de-trabajo",
        title=_("Co-creation working tables"),
        description=_("The working tables held to co-create each action plan: sector, date, place and attendance."),
        keywords=(*OGP, "cocreación", "participación", "mesas de trabajo"),
        queryset=lambda: (
            WorkingTable.objects.filter(plan__is_published=True)
            .select_related("plan")
            .order_by("plan__period_start", "plan__slug", "number")
        ),
        columns=(
            _plan_column(),
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
            _example_column(),
        ),
        dated=((WorkingTable, "held_on"),),
    )
)

register(
    Dataset(
        slug="iniciativas",
        title=_("Co-creation initiatives"),
        description=_(
            "The initiatives shortlisted from the working tables' proposals, whether the consultation chose them "
            "and the commitment they became."
        ),
        keywords=(*OGP, "cocreación", "iniciativas", "consulta"),
        queryset=lambda: (
            Initiative.objects.filter(plan__is_published=True)
            .select_related("plan", "commitment")
            .order_by("plan__period_start", "plan__slug", "number")
        ),
        columns=(
            _plan_column(),
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
            _example_column(),
        ),
        dated=((WorkingTable, "held_on"),),
    )
)


# Development plan -------------------------------------------------------------------------


def _progress(goal: Goal) -> Any:
    cached = getattr(goal, "_datos_progress", None)
    if cached is None:
        cached = goal_progress(indicator_of(goal), points_of(goal))
        goal._datos_progress = cached  # type: ignore[attr-defined]
    return cached


register(
    Dataset(
        slug="metas-plan-de-desarrollo",
        title=_("Development plan goals and their progress"),
        description=_(
            "Every goal of the published development plans with its indicator, baseline, target, office and budget, "
            "and its progress computed from the published measurements (no measurement is not zero: it is empty)."
        ),
        keywords=("plan de desarrollo", "metas", "indicadores", "gestión"),
        queryset=lambda: (
            Goal.objects.filter(plan__is_published=True)
            .select_related("plan", "programme__pillar", "responsible")
            .prefetch_related(Prefetch("measurements", queryset=Measurement.objects.order_by("date")))
            .order_by("plan__slug", *goal_plan_order())
        ),
        columns=(
            Column("plan", "Plan", TEXT, _("Identifier (slug) of the development plan."), lambda g: g.plan.slug),
            Column(
                "pilar_codigo", "Código del pilar", TEXT, _("Code of the pillar."), lambda g: g.programme.pillar.code
            ),
            Column("pilar", "Pilar", TEXT, _("Name of the pillar."), lambda g: g.programme.pillar.name),
            Column(
                "programa_codigo", "Código del programa", TEXT, _("Code of the programme."), lambda g: g.programme.code
            ),
            Column("programa", "Programa", TEXT, _("Name of the programme."), lambda g: g.programme.name),
            Column("meta_codigo", "Código de la meta", TEXT, _("Code of the goal."), lambda g: g.code),
            Column("meta", "Meta", TEXT, _("The goal."), lambda g: g.title),
            Column("indicador", "Indicador", TEXT, _("Indicator that measures it."), lambda g: g.indicator),
            Column("unidad", "Unidad", TEXT, _("Unit of the indicator."), lambda g: g.unit),
            Column("sentido", "Sentido", CODE, _("Direction: increase or decrease."), lambda g: g.direction),
            Column(
                "tipo",
                "Tipo de indicador",
                CODE,
                _("point (level at a date) or cumulative (sum of what each period achieved)."),
                lambda g: g.accumulation,
            ),
            Column("linea_base", "Línea base", DECIMAL, _("Baseline."), lambda g: g.baseline),
            Column(
                "anio_linea_base",
                "Año de la línea base",
                INTEGER,
                _("Year of the baseline."),
                lambda g: g.baseline_year,
            ),
            Column("meta_cuatrienio", "Meta del cuatrienio", DECIMAL, _("Target for the period."), lambda g: g.target),
            Column(
                "dependencia", "Dependencia responsable", TEXT, _("Office responsible."), lambda g: g.responsible.name
            ),
            Column("presupuesto", "Presupuesto (COP)", DECIMAL, _("Budget in Colombian pesos."), lambda g: g.budget),
            Column("peso", "Peso", DECIMAL, _("Weight relative to its siblings."), lambda g: g.weight),
            Column(
                "nivel_actual",
                "Nivel actual",
                DECIMAL,
                _("Level of the indicator now (latest measurement, or their sum if cumulative); empty without data."),
                lambda g: _progress(g).level,
            ),
            Column(
                "fecha_ultima_medicion",
                "Fecha de la última medición",
                DATE,
                _("Date of the latest measurement; empty without data."),
                lambda g: _progress(g).as_of,
            ),
            Column(
                "avance_porcentaje",
                "Avance (%)",
                INTEGER,
                _("Progress from 0 to 100, computed as on the goal's page; empty without data."),
                lambda g: _progress(g).percent,
            ),
            Column(
                "avance_razon",
                "Avance (razón sin límites)",
                DECIMAL,
                _("Unclamped progress ratio: above 1 if exceeded, below 0 if worsened; empty without data."),
                lambda g: None if _progress(g).ratio is None else round(_progress(g).ratio, 4),
            ),
            _example_column(),
            Column("url", "Página", URL, _("The goal's page on this site."), lambda g: absolute(g.get_absolute_url())),
        ),
        tracked=(DevelopmentPlan, Goal, Measurement),
        dated=((Measurement, "created_at"),),
    )
)

register(
    Dataset(
        slug="mediciones",
        title=_("Measurements of the development plan indicators"),
        description=_("Each dated value of a goal's indicator, with its source."),
        keywords=("plan de desarrollo", "indicadores", "mediciones"),
        queryset=lambda: (
            Measurement.objects.filter(goal__plan__is_published=True)
            .select_related("goal__plan")
            .order_by("goal__plan__slug", "goal__code", "date")
        ),
        columns=(
            Column("plan", "Plan", TEXT, _("Identifier (slug) of the development plan."), lambda m: m.goal.plan.slug),
            Column("meta_codigo", "Código de la meta", TEXT, _("Code of the goal."), lambda m: m.goal.code),
            Column("fecha", "Fecha", DATE, _("Date of the measurement."), lambda m: m.date),
            Column("valor", "Valor", DECIMAL, _("Value of the indicator."), lambda m: m.value),
            Column("fuente", "Fuente", TEXT, _("Where the value comes from."), lambda m: m.source),
            Column(
                "enlace_fuente",
                "Enlace a la fuente",
                URL,
                _("Link to the source; empty if none."),
                lambda m: m.source_url,
            ),
            Column("nota", "Nota", TEXT, _("Note."), lambda m: m.note),
            _example_column(),
        ),
        tracked=(Measurement,),
        dated=((Measurement, "created_at"),),
    )
)


# Co-creation proposals (abierta/participation) --------------------------------------------


def _proposals() -> Any:
    from django.db.models import Count

    from abierta.participation.models import Proposal

    return (
        Proposal.objects.filter(process__plan__is_published=True)
        .select_related("process__plan", "table", "initiative")
        .annotate(supports_count=Count("supports"))
        .order_by("process__plan__slug", "id")
    )


def _proposal_model() -> Any:
    from abierta.participation.models import Proposal

    return Proposal


register(
    Dataset(
        slug="propuestas-de-cocreacion",
        title=_("Co-creation proposals"),
        description=_(
            "Every proposal received in the co-creation of each action plan, online or collected in person at a "
            "working table, with its status, public answer and number of supports. Authors are not published."
        ),
        keywords=(*OGP, "cocreación", "propuestas", "participación"),
        queryset=_proposals,
        columns=(
            _plan_column("process__plan__slug"),
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
        dated=((_proposal_model(), "created_at"),),
    )
)
