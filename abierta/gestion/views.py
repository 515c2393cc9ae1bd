"""Public pages of Gestión Abierta."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from abierta.core.cache import public_page
from abierta.gestion.models import DevelopmentPlan, Goal
from abierta.gestion.progress import goal_progress, indicator_of, plan_tree, points_of, yearly


@public_page
def plan_detail(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_object_or_404(DevelopmentPlan, slug=slug, is_published=True)
    tree = plan_tree(plan, pillar=request.GET.get("pilar") or None, office=request.GET.get("dependencia") or None)
    return render(request, "gestion/plan_detail.html", {"plan": plan, "tree": tree})


@public_page
def goal_detail(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    plan = get_object_or_404(DevelopmentPlan, slug=slug, is_published=True)
    goal = get_object_or_404(
        Goal.objects.select_related("programme__pillar", "responsible").prefetch_related("measurements"),
        plan=plan,
        code=code,
    )
    ind, points = indicator_of(goal), points_of(goal)
    targets = {t.year: t.target for t in goal.year_targets.all()}
    context = {
        "plan": plan,
        "goal": goal,
        "progress": goal_progress(ind, points),
        "years": yearly(ind, points, targets, plan.years()),
        "measurements": goal.measurements.all(),
    }
    return render(request, "gestion/goal_detail.html", context)
