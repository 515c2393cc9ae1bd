"""The open datasets of the action plans (OGP Local): plans, commitments, milestones, progress,
monitoring, the committee and endorsements. Only published plans' data is published.
Registered by PlansConfig.ready()."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from abierta.datos.registry import (
    BOOLEAN,
    CODE,
    DATE,
    INTEGER,
    TEXT,
    URL,
    Column,
    Dataset,
    Link,
    absolute,
    example_column,
    register,
)
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

OGP_KEYWORDS = ("gobierno abierto", "OGP Local", "plan de acción")
# The action plans' datasets open the catalog.
CATALOG_ORDER = 100


def plan_column(path: str = "plan__slug") -> Column:
    """The action plan a row belongs to, by its slug (``path`` leads from the row to the slug)."""

    def get(obj: Any) -> str:
        value: Any = obj
        for part in path.split("__"):
            value = getattr(value, part)
        return str(value)

    return Column("plan", "Plan", TEXT, _("Identifier (slug) of the action plan, as in its web address."), get)


def _name(obj: Any) -> str:
    return obj.name if obj is not None else ""


# Action plans -----------------------------------------------------------------------------

register(
    Dataset(
        slug="planes-de-accion",
        order=CATALOG_ORDER,
        title=_("Open government action plans"),
        description=_(
            "The OGP Local action plans of the district: period, dates, vision and the pages where they are published."
        ),
        keywords=(*OGP_KEYWORDS, "planes"),
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
        order=CATALOG_ORDER,
        title=_("Action plan commitments"),
        description=_(
            "Every commitment of the published action plans: lead and supporting offices, the OGP values it "
            "serves, dates, and how far it has come according to the OGP scales."
        ),
        keywords=(*OGP_KEYWORDS, "compromisos"),
        queryset=lambda: (
            Commitment.objects.filter(plan__is_published=True)
            .select_related("plan", "lead_institution")
            .prefetch_related("supporting_institutions")
            .order_by("plan__period_start", "plan__slug", "order", "code")
        ),
        columns=(
            plan_column(),
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
            example_column(),
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
        order=CATALOG_ORDER,
        title=_("Commitment milestones"),
        description=_("The milestones (expected outputs) of each commitment, with their dates, office and status."),
        keywords=(*OGP_KEYWORDS, "hitos", "seguimiento"),
        queryset=lambda: (
            Milestone.objects.filter(commitment__plan__is_published=True)
            .select_related("commitment__plan", "responsible")
            .order_by("commitment__plan__period_start", "commitment__plan__slug", "commitment__code", "order", "id")
        ),
        columns=(
            plan_column("commitment__plan__slug"),
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
            example_column(),
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
        order=CATALOG_ORDER,
        title=_("Progress updates of the milestones"),
        description=_("Dated reports of what was done on each milestone, with a link to their evidence."),
        keywords=(*OGP_KEYWORDS, "avances", "evidencias", "seguimiento"),
        queryset=lambda: (
            ProgressUpdate.objects.filter(milestone__commitment__plan__is_published=True)
            .select_related("milestone__commitment__plan", "institution")
            .order_by("date", "id")
        ),
        columns=(
            plan_column("milestone__commitment__plan__slug"),
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
            example_column(),
        ),
        tracked=(ProgressUpdate,),
        dated=((ProgressUpdate, "created_at"),),
    )
)


# Monitoring ------------------------------------------------------------------------------

register(
    Dataset(
        slug="informes-de-seguimiento",
        order=CATALOG_ORDER,
        title=_("Independent monitoring reports"),
        description=_("The reports of the independent monitoring body on the action plans, with their files (PDF)."),
        keywords=(*OGP_KEYWORDS, "seguimiento", "informes", "evaluación"),
        queryset=lambda: (
            MonitoringReport.objects.filter(plan__is_published=True)
            .select_related("plan", "commitment", "institution")
            .order_by("published_on", "id")
        ),
        columns=(
            plan_column(),
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
        order=CATALOG_ORDER,
        title=_("Citizen Monitoring Committee members"),
        description=_("The members of the Citizen Monitoring Committee of each plan and the sector they represent."),
        keywords=(*OGP_KEYWORDS, "comité", "participación"),
        queryset=lambda: (
            CommitteeMember.objects.filter(plan__is_published=True)
            .select_related("plan", "working_table")
            .order_by("plan__period_start", "plan__slug", "name", "id")
        ),
        columns=(
            plan_column(),
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
            example_column(),
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
        order=CATALOG_ORDER,
        title=_("Citizen Monitoring Committee meetings"),
        description=_("The meetings of the Citizen Monitoring Committee: date, place, summary and minutes."),
        keywords=(*OGP_KEYWORDS, "comité", "actas"),
        queryset=lambda: (
            CommitteeMeeting.objects.filter(plan__is_published=True).select_related("plan").order_by("date", "id")
        ),
        columns=(
            plan_column(),
            Column("fecha", "Fecha", DATE, _("Date of the meeting."), lambda m: m.date),
            Column("lugar", "Lugar", TEXT, _("Place."), lambda m: m.place),
            Column("resumen", "Resumen", TEXT, _("Summary of the meeting."), lambda m: m.summary),
            Column("acta", "Acta", URL, _("Link to the minutes (PDF); empty if none."), _minutes),
            example_column(),
        ),
        tracked=(CommitteeMeeting,),
    )
)

register(
    Dataset(
        slug="respaldos",
        order=CATALOG_ORDER,
        title=_("Endorsements of the action plans"),
        description=_("The non-government organisations and people that endorse each action plan."),
        keywords=(*OGP_KEYWORDS, "respaldos", "sociedad civil"),
        queryset=lambda: (
            Endorsement.objects.filter(plan__is_published=True)
            .select_related("plan")
            .order_by("plan__period_start", "plan__slug", "order", "name")
        ),
        columns=(
            plan_column(),
            Column("nombre", "Nombre", TEXT, _("Who endorses the plan."), lambda e: e.name),
            Column("sector", "Sector", TEXT, _("Their sector."), lambda e: e.sector),
        ),
        # Endorsements are part of the plan as submitted.
        tracked=(ActionPlan,),
        dated=((ActionPlan, "submitted_on"),),
    )
)
