"""The open datasets of the development plan: goals with their progress, and measurements.
Only published plans' data is published. Registered by DevelopmentConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from abierta.datos.registry import (
    CODE,
    DATE,
    DECIMAL,
    INTEGER,
    TEXT,
    URL,
    Column,
    Dataset,
    absolute,
    example_column,
    register,
)
from abierta.development.models import DevelopmentPlan, Goal, Measurement, goal_plan_order
from abierta.development.progress import goal_progress, indicator_of, points_of

# In the catalog, after the action plans' and co-creation's tables and initiatives.
CATALOG_ORDER = 300


def _progress(goal: Goal) -> Any:
    cached = getattr(goal, "_datos_progress", None)
    if cached is None:
        cached = goal_progress(indicator_of(goal), points_of(goal))
        goal._datos_progress = cached  # type: ignore[attr-defined]
    return cached


register(
    Dataset(
        slug="metas-plan-de-desarrollo",
        order=CATALOG_ORDER,
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
            example_column(),
            Column("url", "Página", URL, _("The goal's page on this site."), lambda g: absolute(g.get_absolute_url())),
        ),
        tracked=(DevelopmentPlan, Goal, Measurement),
        dated=((Measurement, "created_at"),),
    )
)

register(
    Dataset(
        slug="mediciones",
        order=CATALOG_ORDER,
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
            example_column(),
        ),
        tracked=(Measurement,),
        dated=((Measurement, "created_at"),),
    )
)
