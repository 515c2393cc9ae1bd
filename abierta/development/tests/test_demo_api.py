"""Gestión Abierta's demo data (gestion.demo.load, on the plans demo) and its JSON API
(/api/v1/development-plans, goals, measurements): idempotence, contents, filters, pagination, 404s,
and numbers equal to progress.py's."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Model
from django.test import Client

from abierta.core import demo as core_demo
from abierta.core.models import ChangeRecord
from abierta.development import demo as development_demo
from abierta.development import progress as gp
from abierta.development.demo import PLAN_SLUG
from abierta.development.models import DevelopmentPlan, Goal, Measurement, Pillar, Programme, YearTarget
from abierta.plans import demo as plans_demo

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

MODELS: list[type[Model]] = [DevelopmentPlan, Pillar, Programme, Goal, YearTarget, Measurement, ChangeRecord]


def load() -> None:
    offices = core_demo.offices()
    plans_demo.load(offices=offices, users={})
    development_demo.load(offices=offices, users={})


def state() -> dict[str, Any]:
    """Counts, and the values a second run could change."""
    return {
        **{m.__name__: m._default_manager.count() for m in MODELS},
        "links": Goal.commitments.through.objects.count(),
        "goals": list(
            Goal.objects.order_by("code").values_list("code", "programme__code", "baseline", "target", "budget")
        ),
        "targets": list(YearTarget.objects.order_by("goal__code", "year").values_list("goal__code", "year", "target")),
        "values": list(Measurement.objects.order_by("goal__code", "date").values_list("goal__code", "date", "value")),
    }


@pytest.fixture
def demo() -> DevelopmentPlan:
    load()
    return DevelopmentPlan.objects.get(slug=PLAN_SLUG)


def num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


# The demo ----------------------------------------------------------------------------------


def test_demo_is_idempotent() -> None:
    load()
    first = state()
    load()
    assert state() == first


def test_demo_contents(demo: DevelopmentPlan) -> None:
    assert demo.is_example
    assert (demo.period_start, demo.period_end) == (2020, 2023)
    assert "Salvemos Juntos a Cartagena" in demo.title
    assert "DATOS DE EJEMPLO" in demo.description
    pillar = demo.pillars.get()
    assert pillar.name == "Cartagena Transparente"
    assert pillar.programmes.count() == 4
    goals = Goal.objects.filter(plan=demo)
    assert 8 <= goals.count() <= 12
    assert not goals.filter(is_example=False).exists()
    assert not Measurement.objects.filter(is_example=False).exists()
    assert {g.accumulation for g in goals} == {"point", "cumulative"}
    assert {g.direction for g in goals} == {"increase", "decrease"}
    for goal in goals:
        assert sorted(goal.year_targets.values_list("year", flat=True)) == [2020, 2021, 2022, 2023]
        assert goal.budget is not None and goal.budget > 0
        for m in goal.measurements.all():
            assert m.source
            assert 2020 <= m.date.year <= 2023
    # No data at all for one goal; a year without data for another.
    assert goals.filter(measurements__isnull=True).exists()
    measured_years = {g.code: {m.date.year for m in g.measurements.all()} for g in goals}
    assert any(years and years != {2020, 2021, 2022, 2023} for years in measured_years.values())
    # Linked to the OGP commitments, 1–2 goals each.
    for code in ("COCDI0001", "COCDI0002"):
        assert 1 <= goals.filter(commitments__code=code).count() <= 2
    # History: one "created" entry per goal and per measurement, none for updates.
    assert ChangeRecord.objects.filter(content_type__model="goal").count() == goals.count()
    assert ChangeRecord.objects.filter(content_type__model="measurement").count() == Measurement.objects.count()
    assert not ChangeRecord.objects.filter(action=ChangeRecord.Action.UPDATED).exists()


def test_demo_shows_exceeded_worsened_and_no_data(demo: DevelopmentPlan) -> None:
    progresses = [g.progress for p in gp.plan_tree(demo) for prog in p.children for g in prog.children]
    assert any(p.exceeded for p in progresses)
    assert any(p.worsened for p in progresses)
    assert any(p.ratio is None for p in progresses)


# The API -----------------------------------------------------------------------------------


def test_development_plans(demo: DevelopmentPlan, client: Client) -> None:
    DevelopmentPlan.objects.create(slug="oculto", title="Oculto", jurisdiction="X", period_start=2024, period_end=2027)
    DevelopmentPlan.objects.filter(slug="oculto").update(is_published=False)
    data = client.get("/api/v1/development-plans").json()
    assert data["count"] == 1
    plan = data["items"][0]
    assert plan["slug"] == PLAN_SLUG
    assert plan["is_example"] is True
    assert plan["url"] == demo.get_absolute_url()
    assert client.get("/api/v1/development-plans/oculto").status_code == 404
    assert client.get("/api/v1/development-plans/no-existe").json() == {"detail": "Not Found"}


def test_development_plan_tree_equals_progress(demo: DevelopmentPlan, client: Client) -> None:
    response = client.get(f"/api/v1/development-plans/{PLAN_SLUG}")
    assert response.status_code == 200
    data = response.json()
    tree = gp.plan_tree(demo)
    assert [p["code"] for p in data["pillars"]] == [p.obj.code for p in tree]
    for p_json, p in zip(data["pillars"], tree, strict=True):
        assert p_json["progress"]["ratio"] == pytest.approx(float(gp.clamp(p.rollup.ratio)))  # type: ignore[arg-type]
        assert p_json["progress"]["coverage"] == pytest.approx(float(p.rollup.coverage))
        assert p_json["progress"]["percent"] == p.rollup.percent
        for prog_json, prog in zip(p_json["programmes"], p.children, strict=True):
            assert prog_json["code"] == prog.obj.code
            r = prog.rollup
            assert prog_json["progress"]["ratio"] == (None if r.ratio is None else float(gp.clamp(r.ratio)))
            assert prog_json["progress"]["coverage"] == float(r.coverage)
            assert prog_json["progress"]["coverage_percent"] == r.coverage_percent
            assert 0 <= prog_json["progress"]["ratio"] <= 1
            for g_json, g in zip(prog_json["goals"], prog.children, strict=True):
                assert g_json["code"] == g.goal.code
                assert g_json["progress"] == {
                    "level": num(g.progress.level),
                    "ratio": num(g.progress.ratio),
                    "shown": num(g.progress.shown),
                    "percent": g.progress.percent,
                    "exceeded": g.progress.exceeded,
                    "worsened": g.progress.worsened,
                    "as_of": g.progress.as_of.isoformat() if g.progress.as_of else None,
                }
                assert g_json["url"] == g.goal.get_absolute_url()
    goals = [g for p in data["pillars"] for prog in p["programmes"] for g in prog["goals"]]
    assert any(g["progress"]["ratio"] is None and g["progress"]["percent"] is None for g in goals)
    assert any(g["progress"]["exceeded"] and g["progress"]["percent"] == 100 for g in goals)
    assert any(g["progress"]["worsened"] and g["progress"]["percent"] == 0 for g in goals)


def test_goals_list_filters_and_pagination(demo: DevelopmentPlan, client: Client) -> None:
    total = Goal.objects.filter(plan=demo).count()
    data = client.get("/api/v1/goals").json()
    assert data["count"] == total
    codes = [g["code"] for g in data["items"]]
    assert codes == [g.goal.code for p in gp.plan_tree(demo) for prog in p.children for g in prog.children]
    assert client.get("/api/v1/goals", {"plan": PLAN_SLUG}).json()["count"] == total
    assert client.get("/api/v1/goals", {"plan": "otro"}).json()["count"] == 0
    assert client.get("/api/v1/goals", {"pillar": "CT"}).json()["count"] == total
    assert client.get("/api/v1/goals", {"pillar": "XX"}).json()["count"] == 0
    tic = client.get("/api/v1/goals", {"office": "tic"}).json()
    assert tic["count"] == Goal.objects.filter(responsible__slug="tic").count() > 0
    assert {g["responsible"]["slug"] for g in tic["items"]} == {"tic"}
    page = client.get("/api/v1/goals", {"limit": 3, "offset": 3}).json()
    assert page["count"] == total
    assert [g["code"] for g in page["items"]] == codes[3:6]
    first = data["items"][0]
    goal = Goal.objects.get(plan=demo, code=first["code"])
    assert first["plan"] == PLAN_SLUG
    assert first["pillar"] == "CT"
    assert first["programme"] == goal.programme.code
    assert first["baseline"] == float(goal.baseline)
    assert first["target"] == float(goal.target)
    assert first["budget"] == float(goal.budget)  # type: ignore[arg-type]
    assert first["commitments"] == sorted(goal.commitments.values_list("code", flat=True))
    linked = [g for g in data["items"] if "COCDI0001" in g["commitments"]]
    assert 1 <= len(linked) <= 2


def test_goal_detail(demo: DevelopmentPlan, client: Client) -> None:
    for goal in Goal.objects.filter(plan=demo):
        response = client.get(f"/api/v1/goals/{PLAN_SLUG}/{goal.code}")
        assert response.status_code == 200
        data = response.json()
        ind, points = gp.indicator_of(goal), gp.points_of(goal)
        progress = gp.goal_progress(ind, points)
        assert data["progress"]["ratio"] == num(progress.ratio)
        assert data["progress"]["level"] == num(progress.level)
        targets = {t.year: t.target for t in goal.year_targets.all()}
        rows = gp.yearly(ind, points, targets, demo.years())
        assert data["years"] == [
            {
                "year": r.year,
                "target": num(r.target),
                "level": num(r.level),
                "ratio": num(r.ratio),
                "percent": r.percent,
            }
            for r in rows
        ]
        assert [m["date"] for m in data["measurements"]] == [
            m.date.isoformat() for m in goal.measurements.order_by("date")
        ]
        assert all(m["goal"] == goal.code and m["plan"] == PLAN_SLUG for m in data["measurements"])
    assert client.get(f"/api/v1/goals/{PLAN_SLUG}/NO-EXISTE").status_code == 404
    assert client.get("/api/v1/goals/otro-plan/CT1.1").json() == {"detail": "Not Found"}
    DevelopmentPlan.objects.filter(slug=PLAN_SLUG).update(is_published=False)
    assert client.get(f"/api/v1/goals/{PLAN_SLUG}/CT1.1").status_code == 404
    assert client.get("/api/v1/goals").json()["count"] == 0
    assert client.get("/api/v1/measurements").json()["count"] == 0


def test_measurements_list(demo: DevelopmentPlan, client: Client) -> None:
    total = Measurement.objects.count()
    data = client.get("/api/v1/measurements", {"limit": 100}).json()
    assert data["count"] == total
    assert len(data["items"]) == total
    assert all(isinstance(m["value"], float) for m in data["items"])
    goal = Goal.objects.filter(plan=demo, measurements__isnull=False).first()
    assert goal is not None
    only = client.get("/api/v1/measurements", {"plan": PLAN_SLUG, "goal": goal.code}).json()
    assert only["count"] == goal.measurements.count()
    assert [m["value"] for m in only["items"]] == [float(m.value) for m in goal.measurements.order_by("date")]
    assert client.get("/api/v1/measurements", {"plan": "otro"}).json()["count"] == 0
    page = client.get("/api/v1/measurements", {"limit": 2, "offset": 1}).json()
    assert [m["id"] for m in page["items"]] == [m["id"] for m in data["items"][1:3]]


def test_openapi_lists_gestion(db: None, client: Client) -> None:
    document = json.loads(client.get("/api/v1/openapi.json").content)
    paths = document["paths"]
    for path in (
        "/api/v1/development-plans",
        "/api/v1/development-plans/{slug}",
        "/api/v1/goals",
        "/api/v1/goals/{plan_slug}/{code}",
        "/api/v1/measurements",
    ):
        assert path in paths
        assert paths[path]["get"]["tags"] == ["gestion"]
    assert "404" in paths["/api/v1/goals/{plan_slug}/{code}"]["get"]["responses"]
    assert "JSON numbers" in paths["/api/v1/goals"]["get"]["description"]
