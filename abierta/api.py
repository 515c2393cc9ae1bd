"""The public JSON API, version 1. OpenAPI document at /api/v1/openapi.json."""

import datetime
import re
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, NinjaAPI, Schema
from ninja.conf import settings as ninja_settings
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import BeforeValidator, StringConstraints

from abierta.contracting.models import CONTRACT_COLUMNS as PUBLIC_CONTRACT_COLUMNS
from abierta.contracting.models import Contract
from abierta.contracting.search import ContractFilters, contracts_search, ordered
from abierta.core.models import Institution
from abierta.gestion import progress as gp
from abierta.gestion.models import DevelopmentPlan, Goal, Measurement, goal_plan_order
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
from abierta.works.models import ROLE_ORDER, Work, WorkContract, WorkUpdate
from abierta.works.oc4ids import project_id

# The body of a 422 answer (django-ninja's): one entry per invalid parameter.
VALIDATION_ERROR = {
    "description": "Invalid parameters (for example an unknown choice or a non-integer offset). Parámetros no válidos.",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {
                    "detail": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "type": {"type": "string"},
                                "loc": {"type": "array", "items": {"type": ["string", "integer"]}},
                                "msg": {"type": "string"},
                            },
                            "required": ["type", "loc", "msg"],
                        },
                    }
                },
                "required": ["detail"],
            }
        }
    },
}


class AbiertaAPI(NinjaAPI):
    """Declares the 422 answer of every operation that takes parameters (django-ninja does not)."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema["paths"].values():
            for operation in operations.values():
                if operation.get("parameters"):
                    operation["responses"].setdefault(422, VALIDATION_ERROR)
        return schema


api = AbiertaAPI(
    title="Abierta API",
    version="1",
    description=(
        "Datos abiertos de la plataforma Abierta: planes de acción de Gobierno Abierto (OGP Local), "
        "compromisos, hitos, avances, informes de monitoreo, comité de seguimiento y cocreación; "
        "Gestión Abierta: plan de desarrollo, metas, mediciones y avance. "
        "Open data of the Abierta platform. Lists are paged with `limit` (1 to 1000, default 50) and "
        "`offset`; invalid parameters get a 422 answer. Licence: CC BY 4.0."
    ),
    urls_namespace="api-v1",
    docs_url="/docs",
)


MAX_LIMIT = 1000
MAX_ID = 2**31 - 1
MAX_OFFSET = 10**9


def _digits(value: object) -> object:
    """Integers in the query only as digits ("5", or "5.0", which JSON Schema counts as an integer):
    pydantic would otherwise also read "+0.0" or " 1"."""
    if isinstance(value, str) and not re.fullmatch(r"\d{1,12}(\.0+)?", value):
        raise ValueError("expected a whole number written with digits")
    return value


Digits = BeforeValidator(_digits)


class Paged(LimitOffsetPagination):
    """`limit` (1 to 1000, default 50) and `offset` (0 to 10⁹): bounded, so that no number a client
    sends can overflow the database's integers."""

    class Input(Schema):
        limit: Annotated[int, Digits] = Field(ninja_settings.PAGINATION_PER_PAGE, ge=1, le=MAX_LIMIT)
        offset: Annotated[int, Digits] = Field(0, ge=0, le=MAX_OFFSET)


def _iso_date(value: object) -> object:
    """Only YYYY-MM-DD: pydantic would otherwise read a number as a Unix time."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("expected an ISO date, YYYY-MM-DD")
    if not isinstance(value, str | datetime.date):
        raise ValueError("expected an ISO date, YYYY-MM-DD")
    return value


# Text parameters (slugs, codes): PostgreSQL refuses strings with NUL characters, so they are invalid here.
Text = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$", max_length=200)]
# Ids: bounded, so that no number a client sends can overflow the database's integers.
Id = Annotated[int, Field(ge=1, le=MAX_ID), Digits]
IsoDate = Annotated[datetime.date, BeforeValidator(_iso_date)]


class InstitutionOut(Schema):
    name: str
    slug: str
    kind: str


class PlanOut(Schema):
    slug: str
    title: str
    jurisdiction: str
    period_start: int
    period_end: int
    submitted_on: datetime.date | None
    ends_on: datetime.date | None
    vision: str
    url: str
    lead_institutions: list[InstitutionOut]

    @staticmethod
    def resolve_url(obj: ActionPlan) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_lead_institutions(obj: ActionPlan) -> list[object]:
        return list(obj.lead_institutions.all())


class CommitmentOut(Schema):
    code: str
    plan: str = Field(..., alias="plan.slug")
    title: str
    problem: str
    status_quo: str
    description: str
    objective: str
    value_access_to_information: bool
    value_civic_participation: bool
    value_public_accountability: bool
    value_technology: bool
    start_month: datetime.date
    end_month: datetime.date
    lead_institution: InstitutionOut
    supporting_institutions: list[InstitutionOut]
    verifiable: bool
    potential: str
    completion: str
    opened_government: str
    is_example: bool
    url: str

    @staticmethod
    def resolve_url(obj: Commitment) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_supporting_institutions(obj: Commitment) -> list[object]:
        return list(obj.supporting_institutions.all())


class MilestoneOut(Schema):
    id: int
    commitment: str = Field(..., alias="commitment.code")
    title: str
    start_date: datetime.date
    end_date: datetime.date
    responsible: InstitutionOut
    status: str
    is_example: bool
    updates_count: int


class ErrorOut(Schema):
    detail: str


@api.get("/plans", response=list[PlanOut], tags=["plans"], summary="List action plans")
@paginate(Paged)
def plans_list(request: HttpRequest) -> QuerySet[ActionPlan]:
    return ActionPlan.objects.filter(is_published=True).prefetch_related("lead_institutions").order_by("slug")


@api.get("/plans/{slug}", response={200: PlanOut, 404: ErrorOut}, tags=["plans"], summary="One action plan")
def plan_get(request: HttpRequest, slug: Text) -> ActionPlan:
    return get_object_or_404(ActionPlan, slug=slug, is_published=True)


@api.get("/commitments", response=list[CommitmentOut], tags=["plans"], summary="List commitments")
@paginate(Paged)
def commitments_list(
    request: HttpRequest, plan: Text | None = None, completion: Commitment.Completion | None = None
) -> QuerySet[Commitment]:
    qs = Commitment.objects.filter(plan__is_published=True).select_related("plan", "lead_institution")
    qs = qs.prefetch_related("supporting_institutions").order_by("code")
    if plan:
        qs = qs.filter(plan__slug=plan)
    if completion:
        qs = qs.filter(completion=completion)
    return qs


@api.get("/commitments/{code}", response={200: CommitmentOut, 404: ErrorOut}, tags=["plans"], summary="One commitment")
def commitment_get(request: HttpRequest, code: Text) -> Commitment:
    return get_object_or_404(
        Commitment.objects.select_related("plan", "lead_institution"), code=code, plan__is_published=True
    )


@api.get("/milestones", response=list[MilestoneOut], tags=["plans"], summary="List milestones")
@paginate(Paged)
def milestones_list(
    request: HttpRequest, commitment: Text | None = None, status: Milestone.Status | None = None
) -> QuerySet[Milestone]:
    qs = Milestone.objects.filter(commitment__plan__is_published=True).select_related("commitment", "responsible")
    qs = qs.annotate(updates_count=Count("updates"))
    qs = qs.order_by("commitment__code", "order", "id")
    if commitment:
        qs = qs.filter(commitment__code=commitment)
    if status:
        qs = qs.filter(status=status)
    return qs


# Gestión Abierta ------------------------------------------------------------------------------

NUMBERS = (
    "Decimal quantities (baselines, targets, levels, measured values, budgets in COP, weights, "
    "ratios, coverage) are JSON numbers (IEEE doubles), never strings; null means no data. "
    "Ratios and coverage are fractions (1 = 100 %); `percent` is the clamped ratio × 100, "
    "rounded. Progress is computed from the measurements as docs/decisions/0003-gestion-progress.md "
    "defines: a goal without measurements has no progress (null), not zero."
)


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _goal_url(plan_slug: str, code: str) -> str:
    return reverse("gestion:goal", kwargs={"slug": plan_slug, "code": code})


class DevelopmentPlanFields(Schema):
    slug: str
    title: str
    jurisdiction: str
    period_start: int
    period_end: int
    description: str
    source_url: str
    is_example: bool
    url: str


class DevelopmentPlanOut(DevelopmentPlanFields):
    @staticmethod
    def resolve_url(obj: DevelopmentPlan) -> str:
        return obj.get_absolute_url()


class GoalProgressOut(Schema):
    level: float | None = Field(..., description="The indicator's level now (cumulative: the sum); null: no data.")
    ratio: float | None = Field(..., description="Unclamped (level − baseline) ÷ (target − baseline); null: no data.")
    shown: float | None = Field(..., description="The ratio clamped between 0 and 1; null: no data.")
    percent: int | None
    exceeded: bool
    worsened: bool
    as_of: datetime.date | None = Field(..., description="Date of the latest measurement.")


class RollupOut(Schema):
    ratio: float | None = Field(..., description="Weighted mean of the children's clamped ratios, 0 to 1; null: none.")
    percent: int | None
    coverage: float = Field(..., description="Share of the children's weight that has progress, 0 to 1.")
    coverage_percent: int
    children: int
    measured: int


def _goal_progress(p: gp.Progress) -> dict[str, Any]:
    return {
        "level": _num(p.level),
        "ratio": _num(p.ratio),
        "shown": _num(p.shown),
        "percent": p.percent,
        "exceeded": p.exceeded,
        "worsened": p.worsened,
        "as_of": p.as_of,
    }


def _rollup(r: gp.Rollup) -> dict[str, Any]:
    return {
        "ratio": None if r.ratio is None else float(gp.clamp(r.ratio)),
        "percent": r.percent,
        "coverage": float(r.coverage),
        "coverage_percent": r.coverage_percent,
        "children": r.children,
        "measured": r.measured,
    }


class GoalNodeOut(Schema):
    code: str
    title: str
    indicator: str
    unit: str
    direction: str
    accumulation: str
    baseline: float
    baseline_year: int | None
    target: float
    budget: float | None
    weight: float
    responsible: InstitutionOut
    is_example: bool
    url: str
    progress: GoalProgressOut


class ProgrammeNodeOut(Schema):
    code: str
    name: str
    weight: float
    progress: RollupOut
    goals: list[GoalNodeOut]


class PillarNodeOut(Schema):
    code: str
    name: str
    description: str
    weight: float
    progress: RollupOut
    programmes: list[ProgrammeNodeOut]


class DevelopmentPlanTreeOut(DevelopmentPlanFields):
    progress: RollupOut = Field(..., description="Roll-up of the pillars.")
    pillars: list[PillarNodeOut]


def _goal_fields(goal: Goal) -> dict[str, Any]:
    return {
        "code": goal.code,
        "title": goal.title,
        "indicator": goal.indicator,
        "unit": goal.unit,
        "direction": goal.direction,
        "accumulation": goal.accumulation,
        "baseline": float(goal.baseline),
        "baseline_year": goal.baseline_year,
        "target": float(goal.target),
        "budget": _num(goal.budget),
        "weight": float(goal.weight),
        "responsible": goal.responsible,
        "is_example": goal.is_example,
    }


class GoalOut(Schema):
    plan: str = Field(..., alias="plan.slug")
    pillar: str = Field(..., alias="programme.pillar.code")
    programme: str = Field(..., alias="programme.code")
    code: str
    title: str
    indicator: str
    unit: str
    direction: str
    accumulation: str
    baseline: float
    baseline_year: int | None
    target: float
    budget: float | None
    weight: float
    responsible: InstitutionOut
    commitments: list[str] = Field(..., description="Codes of the OGP commitments that serve this goal.")
    is_example: bool
    url: str
    progress: GoalProgressOut

    @staticmethod
    def resolve_commitments(obj: Goal) -> list[str]:
        return [c.code for c in obj.commitments.all()]

    @staticmethod
    def resolve_url(obj: Goal) -> str:
        return _goal_url(obj.plan.slug, obj.code)

    @staticmethod
    def resolve_progress(obj: Goal) -> dict[str, Any]:
        return _goal_progress(gp.goal_progress(gp.indicator_of(obj), gp.points_of(obj)))


class YearRowOut(Schema):
    year: int
    target: float | None = Field(..., description="The plan's target for the year (cumulative: what the year adds).")
    level: float | None = Field(..., description="Level at the end of the year (cumulative: achieved that year).")
    ratio: float | None = Field(..., description="Unclamped ratio against the year's target; null: no data.")
    percent: int | None


class MeasurementOut(Schema):
    id: int
    plan: str = Field(..., alias="goal.plan.slug")
    goal: str = Field(..., alias="goal.code")
    date: datetime.date
    value: float
    source: str
    source_url: str
    note: str
    is_example: bool


class GoalDetailOut(GoalOut):
    years: list[YearRowOut]
    measurements: list[MeasurementOut]

    @staticmethod
    def resolve_years(obj: Goal) -> list[dict[str, Any]]:
        targets = {t.year: t.target for t in obj.year_targets.all()}
        rows = gp.yearly(gp.indicator_of(obj), gp.points_of(obj), targets, obj.plan.years())
        return [
            {
                "year": r.year,
                "target": _num(r.target),
                "level": _num(r.level),
                "ratio": _num(r.ratio),
                "percent": r.percent,
            }
            for r in rows
        ]

    @staticmethod
    def resolve_measurements(obj: Goal) -> list[Measurement]:
        return list(obj.measurements.all())


def _goals() -> QuerySet[Goal]:
    return (
        Goal.objects.filter(plan__is_published=True)
        .select_related("plan", "programme__pillar", "responsible")
        .prefetch_related("commitments", Prefetch("measurements", queryset=Measurement.objects.order_by("date")))
    )


@api.get(
    "/development-plans",
    response=list[DevelopmentPlanOut],
    tags=["gestion"],
    summary="List development plans",
    description="Published development plans (Gestión Abierta), by slug.",
)
@paginate(Paged)
def development_plans_list(request: HttpRequest) -> QuerySet[DevelopmentPlan]:
    return DevelopmentPlan.objects.filter(is_published=True).order_by("slug")


@api.get(
    "/development-plans/{slug}",
    response={200: DevelopmentPlanTreeOut, 404: ErrorOut},
    tags=["gestion"],
    summary="One development plan, as a tree with progress",
    description="The plan's pillars → programmes → goals, each with its computed progress. " + NUMBERS,
)
def development_plan_get(request: HttpRequest, slug: Text) -> dict[str, Any]:
    plan = get_object_or_404(DevelopmentPlan, slug=slug, is_published=True)
    tree = gp.plan_tree(plan)
    pillars = [
        {
            "code": p.obj.code,
            "name": p.obj.name,
            "description": p.obj.description,
            "weight": float(p.obj.weight),
            "progress": _rollup(p.rollup),
            "programmes": [
                {
                    "code": prog.obj.code,
                    "name": prog.obj.name,
                    "weight": float(prog.obj.weight),
                    "progress": _rollup(prog.rollup),
                    "goals": [
                        {
                            **_goal_fields(g.goal),
                            "url": _goal_url(plan.slug, g.goal.code),
                            "progress": _goal_progress(g.progress),
                        }
                        for g in prog.children
                    ],
                }
                for prog in p.children
            ],
        }
        for p in tree
    ]
    return {
        "slug": plan.slug,
        "title": plan.title,
        "jurisdiction": plan.jurisdiction,
        "period_start": plan.period_start,
        "period_end": plan.period_end,
        "description": plan.description,
        "source_url": plan.source_url,
        "is_example": plan.is_example,
        "url": plan.get_absolute_url(),
        "progress": _rollup(gp.rollup((p.obj.weight, p.rollup.ratio) for p in tree)),
        "pillars": pillars,
    }


@api.get(
    "/goals",
    response=list[GoalOut],
    tags=["gestion"],
    summary="List goals",
    description="Goals of published development plans, in the plan's order, with their computed progress. "
    "Filters: `plan` (slug), `pillar` (code), `office` (responsible institution's slug). " + NUMBERS,
)
@paginate(Paged)
def goals_list(
    request: HttpRequest, plan: Text | None = None, pillar: Text | None = None, office: Text | None = None
) -> QuerySet[Goal]:
    qs = _goals()
    if plan:
        qs = qs.filter(plan__slug=plan)
    if pillar:
        qs = qs.filter(programme__pillar__code=pillar)
    if office:
        qs = qs.filter(responsible__slug=office)
    return qs.order_by("plan__slug", *goal_plan_order())


@api.get(
    "/goals/{plan_slug}/{code}",
    response={200: GoalDetailOut, 404: ErrorOut},
    tags=["gestion"],
    summary="One goal, with yearly rows and measurements",
    description="A goal with its progress, one row per year of the plan (a year without a measurement "
    "has null level and ratio) and its measurements by date. " + NUMBERS,
)
def goal_get(request: HttpRequest, plan_slug: Text, code: Text) -> Goal:
    return get_object_or_404(_goals().prefetch_related("year_targets"), plan__slug=plan_slug, code=code)


@api.get(
    "/measurements",
    response=list[MeasurementOut],
    tags=["gestion"],
    summary="List measurements",
    description="Dated values of the goals' indicators, with their source. Filters: `plan` (slug), "
    "`goal` (goal code). " + NUMBERS,
)
@paginate(Paged)
def measurements_list(
    request: HttpRequest, plan: Text | None = None, goal: Text | None = None
) -> QuerySet[Measurement]:
    qs = Measurement.objects.filter(goal__plan__is_published=True).select_related("goal__plan")
    if plan:
        qs = qs.filter(goal__plan__slug=plan)
    if goal:
        qs = qs.filter(goal__code=goal)
    return qs.order_by("goal__plan__slug", "goal__code", "date", "id")


# Institutions, progress, monitoring, committee, co-creation --------------------------------------

PATHS = (
    "URLs named `*_url` that point into this site (files, pages) are paths relative to the site's "
    "root (for example `/planes/archivos/acta/3/`); `evidence_link` is the absolute link given by the author. "
    "Las URL de archivos son rutas relativas a la raíz del sitio."
)
ONLY_PUBLISHED = "Only objects of published action plans. Solo objetos de planes publicados."


# Named apart from the models' choices: two enums both called "Kind" would share one OpenAPI component.
class InstitutionKind(StrEnum):
    GOVERNMENT = "government"
    MONITORING = "monitoring"
    CIVIL_SOCIETY = "civil_society"
    OTHER = "other"


class ReportKind(StrEnum):
    INITIAL = "initial"
    COMMITMENT = "commitment"
    LEARNING = "learning"


class InstitutionDetailOut(Schema):
    name: str
    short_name: str = Field(..., description="Empty when the office has no short name.")
    slug: str
    kind: InstitutionKind
    website: str = Field(..., description="Absolute URL, or empty.")


@api.get(
    "/institutions",
    response=list[InstitutionDetailOut],
    tags=["institutions"],
    summary="List institutions",
    description="Government offices and outside bodies (monitoring bodies, civil society), by name. "
    "Filter: `kind`. Oficinas de gobierno y entidades externas.",
)
@paginate(Paged)
def institutions_list(request: HttpRequest, kind: InstitutionKind | None = None) -> QuerySet[Institution]:
    qs = Institution.objects.order_by("name", "id")
    if kind:
        qs = qs.filter(kind=kind)
    return qs


@api.get(
    "/institutions/{slug}",
    response={200: InstitutionDetailOut, 404: ErrorOut},
    tags=["institutions"],
    summary="One institution",
)
def institution_get(request: HttpRequest, slug: Text) -> Institution:
    return get_object_or_404(Institution, slug=slug)


def _published_code(commitment: Commitment | None) -> str | None:
    """A linked commitment's code, or None when there is none or its plan is not published."""
    if commitment is None or not commitment.plan.is_published:
        return None
    return commitment.code


class ProgressUpdateOut(Schema):
    id: int
    plan: str = Field(..., alias="milestone.commitment.plan.slug")
    commitment: str = Field(..., alias="milestone.commitment.code")
    milestone: int = Field(..., alias="milestone_id", description="Id of the milestone (see /milestones).")
    date: datetime.date
    text: str
    evidence_file_url: str | None = Field(..., description="Path of the evidence file; null: no file.")
    evidence_name: str = Field(..., description="The evidence file's original name; empty: no file.")
    evidence_kind: str = Field(..., description="Kind of evidence file (for example pdf, image); empty: no file.")
    evidence_link: str = Field(..., alias="evidence_url", description="Absolute link to evidence; empty: none.")
    institution: InstitutionOut | None = Field(..., description="The office that reported it; null: unknown.")
    is_example: bool

    @staticmethod
    def resolve_evidence_file_url(obj: ProgressUpdate) -> str | None:
        return reverse("plans:evidence_file", kwargs={"pk": obj.pk}) if obj.evidence_file else None


def _updates() -> QuerySet[ProgressUpdate]:
    return ProgressUpdate.objects.filter(milestone__commitment__plan__is_published=True).select_related(
        "milestone__commitment__plan", "institution"
    )


@api.get(
    "/progress-updates",
    response=list[ProgressUpdateOut],
    tags=["progress"],
    summary="List progress updates",
    description="Dated reports of progress on the milestones, newest first, with their evidence. "
    "Filters: `commitment` (code), `milestone` (id), `date_from` and `date_to` (ISO dates, inclusive). "
    "Avances de los hitos con su evidencia. " + ONLY_PUBLISHED + " " + PATHS,
)
@paginate(Paged)
def progress_updates_list(
    request: HttpRequest,
    commitment: Text | None = None,
    milestone: Id | None = None,
    date_from: IsoDate | None = None,
    date_to: IsoDate | None = None,
) -> QuerySet[ProgressUpdate]:
    qs = _updates()
    if commitment:
        qs = qs.filter(milestone__commitment__code=commitment)
    if milestone is not None:
        qs = qs.filter(milestone_id=milestone)
    if date_from:
        qs = qs.filter(date__gte=date_from)
    if date_to:
        qs = qs.filter(date__lte=date_to)
    return qs.order_by("-date", "-id")


@api.get(
    "/progress-updates/{update_id}",
    response={200: ProgressUpdateOut, 404: ErrorOut},
    tags=["progress"],
    summary="One progress update",
    description=ONLY_PUBLISHED + " " + PATHS,
)
def progress_update_get(request: HttpRequest, update_id: Id) -> ProgressUpdate:
    return get_object_or_404(_updates(), pk=update_id)


class MonitoringReportOut(Schema):
    id: int
    plan: str = Field(..., alias="plan.slug")
    kind: ReportKind
    commitment: str | None = Field(..., description="Code of the commitment assessed; null: the whole plan.")
    title: str
    summary: str
    published_on: datetime.date
    file_url: str | None = Field(..., description="Path of the report file (PDF); null: no file.")
    institution: InstitutionOut = Field(..., description="The monitoring body that wrote it.")

    @staticmethod
    def resolve_commitment(obj: MonitoringReport) -> str | None:
        return _published_code(obj.commitment)

    @staticmethod
    def resolve_file_url(obj: MonitoringReport) -> str | None:
        return reverse("plans:report_file", kwargs={"pk": obj.pk}) if obj.file else None


def _reports() -> QuerySet[MonitoringReport]:
    return MonitoringReport.objects.filter(plan__is_published=True).select_related(
        "plan", "commitment__plan", "institution"
    )


@api.get(
    "/monitoring-reports",
    response=list[MonitoringReportOut],
    tags=["monitoring"],
    summary="List monitoring reports",
    description="Reports of the independent monitoring body, newest first. Filters: `plan` (slug), `kind`. "
    "Informes del mecanismo de monitoreo independiente. " + ONLY_PUBLISHED + " " + PATHS,
)
@paginate(Paged)
def monitoring_reports_list(
    request: HttpRequest, plan: Text | None = None, kind: ReportKind | None = None
) -> QuerySet[MonitoringReport]:
    qs = _reports()
    if plan:
        qs = qs.filter(plan__slug=plan)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-published_on", "-id")


@api.get(
    "/monitoring-reports/{report_id}",
    response={200: MonitoringReportOut, 404: ErrorOut},
    tags=["monitoring"],
    summary="One monitoring report",
    description=ONLY_PUBLISHED + " " + PATHS,
)
def monitoring_report_get(request: HttpRequest, report_id: Id) -> MonitoringReport:
    return get_object_or_404(_reports(), pk=report_id)


class CommitteeMemberOut(Schema):
    id: int
    plan: str = Field(..., alias="plan.slug")
    name: str
    sector: str = Field(..., description="Sector or population the member represents.")
    working_table: int | None = Field(
        ..., description="Number of the working table that elected them (see /working-tables); null: none."
    )
    start_date: datetime.date
    end_date: datetime.date | None = Field(..., description="null: still a member.")
    is_example: bool

    @staticmethod
    def resolve_working_table(obj: CommitteeMember) -> int | None:
        return obj.working_table.number if obj.working_table else None


@api.get(
    "/committee-members",
    response=list[CommitteeMemberOut],
    tags=["committee"],
    summary="List members of the citizen monitoring committee",
    description="Members of each plan's Citizen Monitoring Committee. Filter: `plan` (slug). "
    "Miembros del Comité Ciudadano de Seguimiento. " + ONLY_PUBLISHED,
)
@paginate(Paged)
def committee_members_list(request: HttpRequest, plan: Text | None = None) -> QuerySet[CommitteeMember]:
    qs = CommitteeMember.objects.filter(plan__is_published=True).select_related("plan", "working_table")
    if plan:
        qs = qs.filter(plan__slug=plan)
    return qs.order_by("plan__slug", "name", "id")


class CommitteeMeetingOut(Schema):
    id: int
    plan: str = Field(..., alias="plan.slug")
    date: datetime.date
    place: str
    summary: str
    minutes_url: str | None = Field(..., description="Path of the minutes (PDF); null: none uploaded.")
    is_example: bool

    @staticmethod
    def resolve_minutes_url(obj: CommitteeMeeting) -> str | None:
        return reverse("plans:minutes_file", kwargs={"pk": obj.pk}) if obj.minutes else None


@api.get(
    "/committee-meetings",
    response=list[CommitteeMeetingOut],
    tags=["committee"],
    summary="List meetings of the citizen monitoring committee",
    description="Meetings of the committee, newest first, with their minutes. Filter: `plan` (slug). "
    "Reuniones del comité y sus actas. " + ONLY_PUBLISHED + " " + PATHS,
)
@paginate(Paged)
def committee_meetings_list(request: HttpRequest, plan: Text | None = None) -> QuerySet[CommitteeMeeting]:
    qs = CommitteeMeeting.objects.filter(plan__is_published=True).select_related("plan")
    if plan:
        qs = qs.filter(plan__slug=plan)
    return qs.order_by("-date", "-id")


class EndorsementOut(Schema):
    plan: str = Field(..., alias="plan.slug")
    name: str
    sector: str


@api.get(
    "/endorsements",
    response=list[EndorsementOut],
    tags=["co-creation"],
    summary="List endorsements of action plans",
    description="Non-government stakeholders that support a plan. Filter: `plan` (slug). "
    "Respaldos al plan. " + ONLY_PUBLISHED,
)
@paginate(Paged)
def endorsements_list(request: HttpRequest, plan: Text | None = None) -> QuerySet[Endorsement]:
    qs = Endorsement.objects.filter(plan__is_published=True).select_related("plan")
    if plan:
        qs = qs.filter(plan__slug=plan)
    return qs.order_by("plan__slug", "order", "name", "id")


class WorkingTableOut(Schema):
    plan: str = Field(..., alias="plan.slug")
    number: int
    name: str
    sector: WorkingTable.Sector
    group: str = Field(..., description="Population group or territory; empty: none.")
    held_on: datetime.date | None
    place: str
    attendance: int | None = Field(..., description="null: not recorded.")
    proposals_count: int | None = Field(..., description="Proposals gathered; null: not recorded.")
    is_example: bool


@api.get(
    "/working-tables",
    response=list[WorkingTableOut],
    tags=["co-creation"],
    summary="List co-creation working tables",
    description="The working tables of each plan's co-creation. Filters: `plan` (slug), `sector`. "
    "Mesas de trabajo de la cocreación. " + ONLY_PUBLISHED,
)
@paginate(Paged)
def working_tables_list(
    request: HttpRequest, plan: Text | None = None, sector: WorkingTable.Sector | None = None
) -> QuerySet[WorkingTable]:
    qs = WorkingTable.objects.filter(plan__is_published=True).select_related("plan")
    if plan:
        qs = qs.filter(plan__slug=plan)
    if sector:
        qs = qs.filter(sector=sector)
    return qs.order_by("plan__slug", "number")


class InitiativeOut(Schema):
    plan: str = Field(..., alias="plan.slug")
    number: int
    title: str
    summary: str
    shortlisted: bool = Field(..., description="Shortlisted for the public consultation.")
    selected: bool = Field(..., description="Chosen in the consultation.")
    commitment: str | None = Field(..., description="Code of the commitment it became; null: none.")
    is_example: bool

    @staticmethod
    def resolve_commitment(obj: Initiative) -> str | None:
        return _published_code(obj.commitment)


@api.get(
    "/initiatives",
    response=list[InitiativeOut],
    tags=["co-creation"],
    summary="List co-creation initiatives",
    description="Initiatives drawn from the working tables' proposals. Filters: `plan` (slug), "
    "`shortlisted`, `selected` (true or false). Iniciativas de la cocreación. " + ONLY_PUBLISHED,
)
@paginate(Paged)
def initiatives_list(
    request: HttpRequest, plan: Text | None = None, shortlisted: bool | None = None, selected: bool | None = None
) -> QuerySet[Initiative]:
    qs = Initiative.objects.filter(plan__is_published=True).select_related("plan", "commitment__plan")
    if plan:
        qs = qs.filter(plan__slug=plan)
    if shortlisted is not None:
        qs = qs.filter(shortlisted=shortlisted)
    if selected is not None:
        qs = qs.filter(selected=selected)
    return qs.order_by("plan__slug", "number")


# Contracts and public works (issue 4) ------------------------------------------------------------

CONTRACT_NUMBERS = (
    "Amounts are in Colombian pesos (COP), JSON numbers; null means not in the source. "
    "Los valores están en pesos colombianos."
)


def _money(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


# The models' choices are all called Status, Sector, Role…: named apart here, each gets its own
# OpenAPI component (two enums of one name would share one, and reject each other's values).
WorkStatus = StrEnum("WorkStatus", {c.name: c.value for c in Work.Status})  # type: ignore[misc]
WorkSector = StrEnum("WorkSector", {c.name: c.value for c in Work.Sector})  # type: ignore[misc]
WorkLocalidad = StrEnum("WorkLocalidad", {c.name: c.value for c in Work.Localidad})  # type: ignore[misc]
WorkContractRole = StrEnum("WorkContractRole", {c.name: c.value for c in WorkContract.Role})  # type: ignore[misc]


class ContractSort(StrEnum):
    """Sort orders of the contract search (as on the HTML search page)."""

    NEWEST = "-fecha"
    OLDEST = "fecha"
    VALUE_DESC = "-valor"
    VALUE_ASC = "valor"
    SUPPLIER = "contratista"
    SUPPLIER_DESC = "-contratista"
    ENTITY = "entidad"
    ENTITY_DESC = "-entidad"
    RELEVANCE = "relevancia"


CONTRACT_COLUMNS = ("ocid", *PUBLIC_CONTRACT_COLUMNS, "flags")


class ContractOut(Schema):
    ocid: str
    contract_id: str = Field(..., description="SECOP contract number (CO1.PCCNTR.…); empty: none.")
    process_id: str = Field(..., description="SECOP process number; empty: none.")
    buyer_name: str
    buyer_nit: str
    supplier_name: str
    supplier_doc_type: str
    supplier_doc: str = Field(..., description="The contractor's document number, as SECOP publishes it.")
    title: str = Field(..., description="Object of the contract.")
    modality: str
    contract_type: str
    status: str = Field(..., description="Status as SECOP writes it (for example «En ejecución»).")
    procurement_method: str = Field(..., description="OCDS procurement method: open, selective, limited, direct.")
    signed_on: datetime.date | None
    start_on: datetime.date | None
    end_on: datetime.date | None
    year: int | None
    value: float | None = Field(..., description="Current value, additions included.")
    original_value: float | None
    value_added: float | None = Field(..., description="Value added by amendments.")
    estimate_value: float | None = Field(..., description="Estimated value of the process.")
    paid: float | None
    days_added: int | None
    original_term_days: int | None
    bidders: int | None
    tender_period_days: int | None
    secop_url: str = Field(..., description="The contract's page on SECOP; empty: none.")
    flags: list[str] = Field(..., description="Codes of the red flags raised (see the contract's page).")
    url: str = Field(..., description="Path of the contract's page on this site.")
    ocds_url: str = Field(..., description="Path of the contract's OCDS release package.")

    @staticmethod
    def resolve_value(obj: Contract) -> float | None:
        return _money(obj.value)

    @staticmethod
    def resolve_original_value(obj: Contract) -> float | None:
        return _money(obj.original_value)

    @staticmethod
    def resolve_value_added(obj: Contract) -> float | None:
        return _money(obj.value_added)

    @staticmethod
    def resolve_estimate_value(obj: Contract) -> float | None:
        return _money(obj.estimate_value)

    @staticmethod
    def resolve_paid(obj: Contract) -> float | None:
        return _money(obj.paid)

    @staticmethod
    def resolve_secop_url(obj: Contract) -> str:
        return obj.url

    @staticmethod
    def resolve_flags(obj: Contract) -> list[str]:
        return [str(f) for f in obj.flags] if isinstance(obj.flags, list) else []

    @staticmethod
    def resolve_url(obj: Contract) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_ocds_url(obj: Contract) -> str:
        return reverse("contracting_files:contract_release", kwargs={"ocid": obj.ocid})


class ContractWorkOut(Schema):
    code: str
    name: str
    role: WorkContractRole
    url: str


class ContractDetailOut(ContractOut):
    works: list[ContractWorkOut] = Field(..., description="Published public works this contract belongs to.")

    @staticmethod
    def resolve_works(obj: Contract) -> list[dict[str, Any]]:
        links = obj.work_links.filter(work__is_published=True).select_related("work").order_by("work__name")
        return [
            {"code": link.work.code, "name": link.work.name, "role": link.role, "url": link.work.get_absolute_url()}
            for link in links
        ]


def _money_digits(value: object) -> object:
    """Like ``Digits``, for amounts in pesos: up to 16 digits (the largest contracts pass 10¹²)."""
    if isinstance(value, str) and not re.fullmatch(r"\d{1,16}(\.0+)?", value):
        raise ValueError("expected a whole number written with digits")
    return value


Money = Annotated[int, Field(ge=0, le=10**15), BeforeValidator(_money_digits)]
Year = Annotated[int, Field(ge=1990, le=2100), Digits]


@api.get(
    "/contracts",
    response=list[ContractOut],
    tags=["contracts"],
    summary="Search contracts",
    description="Contracts of the district (SECOP II and OCDS), with the HTML search's filters: "
    "`q` (full text in Spanish on object, contractor and entity), `entity` (NIT or part of the name), "
    "`supplier` (document number or part of the name), `modality`, `contract_type`, `status` "
    "(exact, as SECOP writes them), `year`, `value_min` and `value_max` (COP), `flag` (a red flag's code), "
    "`flagged` (true: any red flag), "
    "`sort`. Búsqueda de contratos. " + CONTRACT_NUMBERS + " " + PATHS,
)
@paginate(Paged)
def contracts_list(
    request: HttpRequest,
    q: Text | None = None,
    entity: Text | None = None,
    supplier: Text | None = None,
    modality: Text | None = None,
    contract_type: Text | None = None,
    status: Text | None = None,
    year: Year | None = None,
    value_min: Money | None = None,
    value_max: Money | None = None,
    flag: Text | None = None,
    flagged: bool | None = None,
    sort: ContractSort | None = None,
) -> QuerySet[Contract]:
    filters = ContractFilters(
        text=q or "",
        entity=entity or "",
        supplier=supplier or "",
        modality=modality or "",
        contract_type=contract_type or "",
        status=status or "",
        year=year,
        value_min=None if value_min is None else Decimal(value_min),
        value_max=None if value_max is None else Decimal(value_max),
        flag=flag or "",
        flagged=bool(flagged),
        sort=sort.value if sort else "",
    )
    return ordered(contracts_search(filters), filters).only(*CONTRACT_COLUMNS)


@api.get(
    "/contracts/{ocid}",
    response={200: ContractDetailOut, 404: ErrorOut},
    tags=["contracts"],
    summary="One contract",
    description="One contract by its OCDS ocid, with the public works it belongs to. Its whole OCDS "
    "release is at `ocds_url`. " + CONTRACT_NUMBERS + " " + PATHS,
)
def contract_get(request: HttpRequest, ocid: Text) -> Contract:
    return get_object_or_404(Contract.objects.only(*CONTRACT_COLUMNS), ocid=ocid)


class WorkContractOut(Schema):
    role: WorkContractRole
    ocid: str = Field(..., alias="contract.ocid")
    contract_id: str = Field(..., alias="contract.contract_id")
    supplier_name: str = Field(..., alias="contract.supplier_name")
    value: float | None
    url: str

    @staticmethod
    def resolve_value(obj: WorkContract) -> float | None:
        return _money(obj.contract.value)

    @staticmethod
    def resolve_url(obj: WorkContract) -> str:
        return obj.contract.get_absolute_url()


class WorkOut(Schema):
    code: str = Field(..., description="The work's public code, printed as a QR code on its billboard.")
    name: str
    description: str
    sector: WorkSector
    status: WorkStatus
    office: InstitutionOut
    address: str
    localidad: WorkLocalidad | None = Field(..., description="null: not recorded.")
    ucg: int | None = Field(..., description="Unidad Comunera de Gobierno (1 to 15); null: not recorded.")
    latitude: float | None
    longitude: float | None
    budget: float | None
    physical_progress: float = Field(..., description="Physical progress, 0 to 100 (%).")
    financial_progress: float = Field(..., description="Financial progress, 0 to 100 (%).")
    start_on: datetime.date | None
    end_on: datetime.date | None = Field(..., description="Planned end date.")
    oc4ids_id: str = Field(..., description="The work's id in the OC4IDS publication (/oc4ids/projects.json).")
    url: str
    contracts: list[WorkContractOut]

    @staticmethod
    def resolve_localidad(obj: Work) -> str | None:
        return obj.localidad or None

    @staticmethod
    def resolve_latitude(obj: Work) -> float | None:
        return _num(obj.latitude)

    @staticmethod
    def resolve_longitude(obj: Work) -> float | None:
        return _num(obj.longitude)

    @staticmethod
    def resolve_budget(obj: Work) -> float | None:
        return _num(obj.budget)

    @staticmethod
    def resolve_physical_progress(obj: Work) -> float:
        return float(obj.physical_progress)

    @staticmethod
    def resolve_financial_progress(obj: Work) -> float:
        return float(obj.financial_progress)

    @staticmethod
    def resolve_oc4ids_id(obj: Work) -> str:
        return project_id(obj)

    @staticmethod
    def resolve_url(obj: Work) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_contracts(obj: Work) -> list[WorkContract]:
        # The works contract first, then its interventoría, designs and the rest.
        return sorted(obj.work_contracts.all(), key=lambda link: (ROLE_ORDER.get(link.role, 9), link.pk))


class WorkUpdateOut(Schema):
    date: datetime.date
    physical_progress: float
    financial_progress: float
    text: str

    @staticmethod
    def resolve_physical_progress(obj: WorkUpdate) -> float:
        return float(obj.physical_progress)

    @staticmethod
    def resolve_financial_progress(obj: WorkUpdate) -> float:
        return float(obj.financial_progress)


class WorkDetailOut(WorkOut):
    updates: list[WorkUpdateOut] = Field(..., description="Dated progress reports, newest first.")

    @staticmethod
    def resolve_updates(obj: Work) -> list[WorkUpdate]:
        return list(obj.updates.all())


def _works() -> QuerySet[Work]:
    links = WorkContract.objects.select_related("contract").order_by("pk")
    return (
        Work.objects.filter(is_published=True)
        .select_related("office")
        .prefetch_related(Prefetch("work_contracts", queryset=links))
    )


@api.get(
    "/works",
    response=list[WorkOut],
    tags=["works"],
    summary="List public works",
    description="Published public works (obras) with their progress and contracts. Filters: `status`, "
    "`sector`, `localidad`, `ucg`, `office` (slug). Obras públicas. " + CONTRACT_NUMBERS + " " + PATHS,
)
@paginate(Paged)
def works_list(
    request: HttpRequest,
    status: WorkStatus | None = None,
    sector: WorkSector | None = None,
    localidad: WorkLocalidad | None = None,
    ucg: Annotated[int, Field(ge=1, le=15), Digits] | None = None,
    office: Text | None = None,
) -> QuerySet[Work]:
    qs = _works()
    if status:
        qs = qs.filter(status=status)
    if sector:
        qs = qs.filter(sector=sector)
    if localidad:
        qs = qs.filter(localidad=localidad)
    if ucg is not None:
        qs = qs.filter(ucg=ucg)
    if office:
        qs = qs.filter(office__slug=office)
    return qs.order_by("name", "id")


@api.get(
    "/works/{code}",
    response={200: WorkDetailOut, 404: ErrorOut},
    tags=["works"],
    summary="One public work",
    description="One published work by its code, with its contracts and dated progress updates. "
    + CONTRACT_NUMBERS
    + " "
    + PATHS,
)
def work_get(request: HttpRequest, code: Text) -> Work:
    return get_object_or_404(_works().prefetch_related("updates"), code=code)
