"""Public pages of Gestión Abierta: anyone reads them, without an account or JavaScript."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from abierta.core.cache import derived, public_page
from abierta.core.models import ChangeRecord, Institution
from abierta.development import access, display, exporter
from abierta.development.models import DevelopmentPlan, Goal, Measurement
from abierta.development.progress import Node, Rollup, goal_progress, indicator_of, plan_tree, points_of, rollup, yearly
from abierta.plans.models import Commitment

# How many history entries the goal page shows.
HISTORY_SHOWN = 30


def _published_plan(slug: str) -> DevelopmentPlan:
    return get_object_or_404(DevelopmentPlan.objects.filter(is_published=True), slug=slug)


def _plan_rollup(tree: list[Any]) -> Rollup:
    return rollup((node.obj.weight, node.rollup.ratio) for node in tree)


def _whole_tree(plan: DevelopmentPlan) -> tuple[list[Node], Rollup]:
    """The plan's whole goal tree and its roll-up, computed once per content version (250 goals and
    their measurements cost more than the page that shows them)."""

    def compute() -> tuple[list[Node], Rollup]:
        tree = plan_tree(plan)
        return tree, _plan_rollup(tree)

    return derived(f"devplan:tree:{plan.pk}", (Goal, Institution), compute)


@public_page
def plan_index(request: HttpRequest) -> HttpResponse:
    plans = [
        {"plan": plan, "rollup": _whole_tree(plan)[1]} for plan in DevelopmentPlan.objects.filter(is_published=True)
    ]
    return render(request, "development/plan_index.html", {"plans": plans})


@public_page
def plan_detail(request: HttpRequest, slug: str) -> HttpResponse:
    plan = _published_plan(slug)
    pillars = list(plan.pillars.all())
    offices = list(Institution.objects.filter(goals__plan=plan).distinct().order_by("name"))
    pillar_code = request.GET.get("pilar", "").strip()
    office_slug = request.GET.get("dependencia", "").strip()
    filtered = bool(pillar_code or office_slug)
    if filtered:
        tree, overall = plan_tree(plan, pillar=pillar_code or None, office=office_slug or None), None
    else:
        tree, overall = _whole_tree(plan)
    context = {
        "plan": plan,
        "tree": tree,
        "overall": overall,
        "pillars": pillars,
        "offices": offices,
        "pillar_code": pillar_code,
        "office_slug": office_slug,
        "pillar_chosen": next((p for p in pillars if p.code == pillar_code), None),
        "office_chosen": next((o for o in offices if o.slug == office_slug), None),
        "filtered": filtered,
        "goal_count": sum(len(prog.children) for node in tree for prog in node.children),
    }
    return render(request, "development/plan_detail.html", context)


@public_page
def goal_detail(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    plan = _published_plan(slug)
    goal = get_object_or_404(
        Goal.objects.select_related("programme__pillar", "responsible").prefetch_related(
            Prefetch("measurements", queryset=Measurement.objects.order_by("date"))
        ),
        plan=plan,
        code=code,
    )
    ind, points = indicator_of(goal), points_of(goal)
    targets = {t.year: t.target for t in goal.year_targets.all()}
    progress = goal_progress(ind, points)
    measurements = list(goal.measurements.all())
    levels = dict(display.series(ind, points))
    history = ChangeRecord.objects.filter(scope=goal.history_scope()).select_related("content_type")
    context = {
        "plan": plan,
        "goal": goal,
        "progress": progress,
        "explanation": display.explanation(ind),
        "formula": display.formula(ind, progress),
        "is_cumulative": ind.accumulation == "cumulative",
        "years": yearly(ind, points, targets, plan.years()),
        "measurements": [(m, levels.get(m.date)) for m in measurements],
        "chart": display.chart(ind, points, plan.period_start, plan.period_end),
        "commitments": Commitment.objects.filter(goals=goal, plan__is_published=True).select_related("plan"),
        "history": history[:HISTORY_SHOWN],
        "can_measure": access.may_measure(request.user, goal),
    }
    return render(request, "development/goal_detail.html", context)


# Not cached by ``public_page``: the cache keeps the body and its type, not the file name.
def plan_template(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The plan's goals in the import template (docs/gestion-plantilla.md), as CSV or XLSX."""
    plan = _published_plan(slug)
    return exporter.export_response(table=exporter.plan_table(plan), fmt=fmt, filename=f"{plan.slug}-plantilla")


def plan_measurements(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The measurements of the plan's goals in the import template, as CSV or XLSX."""
    plan = _published_plan(slug)
    return exporter.export_response(
        table=exporter.measurements_table(plan), fmt=fmt, filename=f"{plan.slug}-mediciones"
    )
