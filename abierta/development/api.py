"""The JSON API of Gestión Abierta: development plans, their goals with computed progress, and the
goals' measurements."""

import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from abierta.core.api import ErrorOut, InstitutionOut, Paged, Text, filtered, number
from abierta.development import progress as gp
from abierta.development.models import DevelopmentPlan, Goal, Measurement, goal_plan_order

router = Router()

NUMBERS = (
    "Decimal quantities (baselines, targets, levels, measured values, budgets in COP, weights, "
    "ratios, coverage) are JSON numbers (IEEE doubles), never strings; null means no data. "
    "Ratios and coverage are fractions (1 = 100 %); `percent` is the clamped ratio × 100, "
    "rounded. Progress is computed from the measurements as docs/decisions/0003-gestion-progress.md "
    "defines: a goal without measurements has no progress (null), not zero."
)


def _goal_url(plan_slug: str, code: str) -> str:
    return reverse("development:goal", kwargs={"slug": plan_slug, "code": code})


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
        "level": number(p.level),
        "ratio": number(p.ratio),
        "shown": number(p.shown),
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
        "budget": number(goal.budget),
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
                "target": number(r.target),
                "level": number(r.level),
                "ratio": number(r.ratio),
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


@router.get(
    "/development-plans",
    response=list[DevelopmentPlanOut],
    tags=["gestion"],
    summary="List development plans",
    description="Published development plans (Gestión Abierta), by slug.",
)
@paginate(Paged)
def development_plans_list(request: HttpRequest) -> QuerySet[DevelopmentPlan]:
    return DevelopmentPlan.objects.filter(is_published=True).order_by("slug")


@router.get(
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


@router.get(
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
    qs = filtered(_goals(), plan__slug=plan, programme__pillar__code=pillar, responsible__slug=office)
    return qs.order_by("plan__slug", *goal_plan_order())


@router.get(
    "/goals/{plan_slug}/{code}",
    response={200: GoalDetailOut, 404: ErrorOut},
    tags=["gestion"],
    summary="One goal, with yearly rows and measurements",
    description="A goal with its progress, one row per year of the plan (a year without a measurement "
    "has null level and ratio) and its measurements by date. " + NUMBERS,
)
def goal_get(request: HttpRequest, plan_slug: Text, code: Text) -> Goal:
    return get_object_or_404(_goals().prefetch_related("year_targets"), plan__slug=plan_slug, code=code)


@router.get(
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
    return filtered(qs, goal__plan__slug=plan, goal__code=goal).order_by("goal__plan__slug", "goal__code", "date", "id")
