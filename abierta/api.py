"""The public JSON API, version 1. OpenAPI document at /api/v1/openapi.json."""

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, NinjaAPI, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from abierta.gestion import progress as gp
from abierta.gestion.models import DevelopmentPlan, Goal, Measurement
from abierta.plans.models import ActionPlan, Commitment, Milestone

api = NinjaAPI(
    title="Abierta API",
    version="1",
    description=(
        "Datos abiertos de la plataforma Abierta: planes de acción de Gobierno Abierto (OGP Local), "
        "compromisos e hitos; Gestión Abierta: plan de desarrollo, metas, mediciones y avance. "
        "Open data of the Abierta platform. Licence: CC BY 4.0."
    ),
    urls_namespace="api-v1",
    docs_url="/docs",
)


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
@paginate(LimitOffsetPagination)
def plans_list(request: HttpRequest) -> QuerySet[ActionPlan]:
    return ActionPlan.objects.filter(is_published=True).prefetch_related("lead_institutions").order_by("slug")


@api.get("/plans/{slug}", response={200: PlanOut, 404: ErrorOut}, tags=["plans"], summary="One action plan")
def plan_get(request: HttpRequest, slug: str) -> ActionPlan:
    return get_object_or_404(ActionPlan, slug=slug, is_published=True)


@api.get("/commitments", response=list[CommitmentOut], tags=["plans"], summary="List commitments")
@paginate(LimitOffsetPagination)
def commitments_list(
    request: HttpRequest, plan: str | None = None, completion: Commitment.Completion | None = None
) -> QuerySet[Commitment]:
    qs = Commitment.objects.filter(plan__is_published=True).select_related("plan", "lead_institution")
    qs = qs.prefetch_related("supporting_institutions").order_by("code")
    if plan:
        qs = qs.filter(plan__slug=plan)
    if completion:
        qs = qs.filter(completion=completion)
    return qs


@api.get("/commitments/{code}", response={200: CommitmentOut, 404: ErrorOut}, tags=["plans"], summary="One commitment")
def commitment_get(request: HttpRequest, code: str) -> Commitment:
    return get_object_or_404(
        Commitment.objects.select_related("plan", "lead_institution"), code=code, plan__is_published=True
    )


@api.get("/milestones", response=list[MilestoneOut], tags=["plans"], summary="List milestones")
@paginate(LimitOffsetPagination)
def milestones_list(
    request: HttpRequest, commitment: str | None = None, status: Milestone.Status | None = None
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
@paginate(LimitOffsetPagination)
def development_plans_list(request: HttpRequest) -> QuerySet[DevelopmentPlan]:
    return DevelopmentPlan.objects.filter(is_published=True).order_by("slug")


@api.get(
    "/development-plans/{slug}",
    response={200: DevelopmentPlanTreeOut, 404: ErrorOut},
    tags=["gestion"],
    summary="One development plan, as a tree with progress",
    description="The plan's pillars → programmes → goals, each with its computed progress. " + NUMBERS,
)
def development_plan_get(request: HttpRequest, slug: str) -> dict[str, Any]:
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
@paginate(LimitOffsetPagination)
def goals_list(
    request: HttpRequest, plan: str | None = None, pillar: str | None = None, office: str | None = None
) -> QuerySet[Goal]:
    qs = _goals()
    if plan:
        qs = qs.filter(plan__slug=plan)
    if pillar:
        qs = qs.filter(programme__pillar__code=pillar)
    if office:
        qs = qs.filter(responsible__slug=office)
    return qs.order_by(
        "plan__slug",
        "programme__pillar__order",
        "programme__pillar__code",
        "programme__order",
        "programme__code",
        "order",
        "code",
    )


@api.get(
    "/goals/{plan_slug}/{code}",
    response={200: GoalDetailOut, 404: ErrorOut},
    tags=["gestion"],
    summary="One goal, with yearly rows and measurements",
    description="A goal with its progress, one row per year of the plan (a year without a measurement "
    "has null level and ratio) and its measurements by date. " + NUMBERS,
)
def goal_get(request: HttpRequest, plan_slug: str, code: str) -> Goal:
    return get_object_or_404(_goals().prefetch_related("year_targets"), plan__slug=plan_slug, code=code)


@api.get(
    "/measurements",
    response=list[MeasurementOut],
    tags=["gestion"],
    summary="List measurements",
    description="Dated values of the goals' indicators, with their source. Filters: `plan` (slug), "
    "`goal` (goal code). " + NUMBERS,
)
@paginate(LimitOffsetPagination)
def measurements_list(request: HttpRequest, plan: str | None = None, goal: str | None = None) -> QuerySet[Measurement]:
    qs = Measurement.objects.filter(goal__plan__is_published=True).select_related("goal__plan")
    if plan:
        qs = qs.filter(goal__plan__slug=plan)
    if goal:
        qs = qs.filter(goal__code=goal)
    return qs.order_by("goal__plan__slug", "goal__code", "date", "id")
