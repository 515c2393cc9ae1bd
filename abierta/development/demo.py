"""Demonstration data for Gestión Abierta: an excerpt of Cartagena's Development Plan 2020–2023.

The plan ("Salvemos Juntos a Cartagena, por una Cartagena libre y resiliente") and its pillar
"Cartagena Transparente" are real. Everything else here — programmes, goals, indicators,
baselines, targets, yearly targets, budgets, measurements and their sources — is illustrative,
written to show the platform, and marked ``is_example``.

Loaded by ``abierta demo`` (abierta/site/management/commands/demo.py) after the offices and the
OGP commitments (abierta/plans/demo.py) exist. Idempotent: the plan's structure is updated in
place by natural keys; goals and measurements, whose changes the public history shows, are created
once (with a history entry) and never silently rewritten.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from abierta.accounts.models import User
from abierta.core import history
from abierta.core.models import Institution
from abierta.development.models import DevelopmentPlan, Goal, Measurement, Pillar, Programme, YearTarget
from abierta.plans.models import Commitment

D = datetime.date
PLAN_SLUG = "cartagena-2020-2023"
INCREASE, DECREASE = Goal.Direction.INCREASE, Goal.Direction.DECREASE
POINT, CUMULATIVE = Goal.Accumulation.POINT, Goal.Accumulation.CUMULATIVE

DESCRIPTION = (
    "Extracto del Plan de Desarrollo Distrital 2020–2023 «Salvemos Juntos a Cartagena, por una Cartagena "
    "libre y resiliente», pilar Cartagena Transparente.\n\n"
    "DATOS DE EJEMPLO: el plan de desarrollo y el nombre del pilar son reales; los programas, metas, "
    "indicadores, líneas base, metas anuales, presupuestos y mediciones que se muestran aquí son "
    "ilustrativos, creados para demostrar la plataforma. No son cifras oficiales de la Alcaldía de Cartagena."
)

PILLAR_DESCRIPTION = (
    "Visibilizar la información pública y la gestión de la Alcaldía mediante procesos que promuevan "
    "la transparencia, la participación ciudadana y la prevención de la corrupción."
)


@dataclass(frozen=True)
class M:
    """A measurement: date, value, source, optional note."""

    date: datetime.date
    value: str
    source: str
    note: str = ""


@dataclass(frozen=True)
class G:
    code: str
    title: str
    indicator: str
    unit: str
    direction: str
    accumulation: str
    baseline: str
    baseline_year: int
    target: str
    office: str
    budget: int
    years: tuple[str, str, str, str]  # targets for 2020, 2021, 2022, 2023
    measurements: tuple[M, ...] = ()
    commitments: tuple[str, ...] = ()


@dataclass(frozen=True)
class P:
    code: str
    name: str
    goals: tuple[G, ...] = field(default_factory=tuple)


PROGRAMMES: tuple[P, ...] = (
    P(
        "CT1",
        "Transparencia y acceso a la información pública",
        (
            G(
                "CT1.1",
                "Publicar en SECOP II el 100 % de los procesos de contratación de la Alcaldía",
                "Porcentaje de procesos de contratación publicados en SECOP II",
                "%",
                INCREASE,
                POINT,
                "62",
                2019,
                "100",
                "transparencia",
                850_000_000,
                ("75", "85", "95", "100"),
                (
                    M(D(2020, 12, 31), "71", "Reporte de SECOP II, Colombia Compra Eficiente, corte 31/12/2020"),
                    M(D(2021, 12, 31), "84", "Informe de gestión 2021, Secretaría de Planeación"),
                    M(D(2022, 12, 31), "96", "Informe de gestión 2022, Secretaría de Planeación"),
                    M(
                        D(2023, 6, 30),
                        "98",
                        "Seguimiento al Plan de Desarrollo, primer semestre 2023, Secretaría de Planeación",
                    ),
                ),
                ("COCDI0001",),
            ),
            G(
                "CT1.2",
                "Realizar 16 audiencias públicas de rendición de cuentas en el cuatrienio",
                "Número de audiencias públicas de rendición de cuentas realizadas",
                "audiencias",
                INCREASE,
                CUMULATIVE,
                "6",
                2019,
                "16",
                "planeacion",
                420_000_000,
                ("3", "4", "4", "5"),
                (
                    M(
                        D(2020, 12, 31),
                        "2",
                        "Informe de gestión 2020, Secretaría de Planeación",
                        "Una audiencia aplazada por la emergencia sanitaria.",
                    ),
                    M(D(2021, 12, 31), "4", "Informe de gestión 2021, Secretaría de Planeación"),
                    M(D(2022, 12, 31), "5", "Informe de gestión 2022, Secretaría de Planeación"),
                    M(D(2023, 9, 30), "3", "Informe de avance #CartagenaCuenta 2023, Grupo de Transparencia"),
                ),
                ("COCDI0002",),
            ),
            G(
                "CT1.3",
                "Reducir a 10 días hábiles el tiempo promedio de respuesta a las PQRSD",
                "Tiempo promedio de respuesta a las peticiones, quejas, reclamos, sugerencias y denuncias (PQRSD)",
                "días hábiles",
                DECREASE,
                POINT,
                "23",
                2019,
                "10",
                "participacion",
                310_000_000,
                ("20", "16", "13", "10"),
                (
                    M(D(2020, 12, 31), "21", "Informe de PQRSD segundo semestre 2020, Secretaría General"),
                    M(D(2021, 12, 31), "17.5", "Informe de PQRSD segundo semestre 2021, Secretaría General"),
                    # 2022 missing on purpose: a year without data is shown as such, not as zero.
                    M(D(2023, 6, 30), "12.4", "Informe de PQRSD primer semestre 2023, Secretaría General"),
                ),
            ),
            G(
                "CT1.4",
                "Publicar 120 conjuntos de datos abiertos en el portal datos.gov.co",
                "Número de conjuntos de datos abiertos publicados",
                "conjuntos de datos",
                INCREASE,
                CUMULATIVE,
                "14",
                2019,
                "120",
                "tic",
                275_000_000,
                ("20", "30", "35", "35"),
                (
                    M(D(2020, 12, 31), "12", "Informe de gestión 2020, Oficina Asesora de Informática"),
                    M(D(2021, 12, 31), "31", "Informe de gestión 2021, Oficina Asesora de Informática"),
                    M(D(2022, 12, 31), "40", "Informe de gestión 2022, Oficina Asesora de Informática"),
                    M(D(2023, 6, 30), "22", "Inventario de datos abiertos, corte 30/06/2023"),
                ),
            ),
        ),
    ),
    P(
        "CT2",
        "Cultura ciudadana anticorrupción",
        (
            G(
                "CT2.1",
                "Formar 2.000 servidores públicos en integridad y en el Código de Integridad",
                "Número de servidores públicos formados en integridad",
                "servidores",
                INCREASE,
                CUMULATIVE,
                "350",
                2019,
                "2000",
                "escuela-gobierno",
                390_000_000,
                ("300", "600", "600", "500"),
                (
                    M(
                        D(2020, 12, 31),
                        "180",
                        "Informe de gestión 2020, Escuela de Gobierno y Liderazgo",
                        "Formación virtual durante la emergencia sanitaria.",
                    ),
                    M(D(2021, 12, 31), "640", "Informe de gestión 2021, Escuela de Gobierno y Liderazgo"),
                    M(D(2022, 12, 31), "710", "Informe de gestión 2022, Escuela de Gobierno y Liderazgo"),
                    M(D(2023, 10, 31), "590", "Listas de asistencia 2023, Escuela de Gobierno y Liderazgo"),
                ),
            ),
            G(
                "CT2.2",
                "Conformar y acompañar 60 veedurías ciudadanas",
                "Número de veedurías ciudadanas conformadas y acompañadas",
                "veedurías",
                INCREASE,
                CUMULATIVE,
                "18",
                2019,
                "60",
                "participacion",
                240_000_000,
                ("10", "15", "20", "15"),
                (
                    # No 2020 measurement: the year has no data (the report did not count it).
                    M(D(2021, 12, 31), "9", "Informe de gestión 2021, Secretaría de Participación"),
                    M(D(2022, 12, 31), "17", "Informe de gestión 2022, Secretaría de Participación"),
                    M(D(2023, 9, 30), "14", "Seguimiento al Plan de Desarrollo, tercer trimestre 2023"),
                ),
                ("COCDI0001",),
            ),
            G(
                "CT2.3",
                "Aumentar al 35 % la confianza ciudadana en la Alcaldía",
                "Porcentaje de ciudadanos que confían en la Alcaldía Distrital (encuesta de percepción)",
                "%",
                INCREASE,
                POINT,
                "21",
                2019,
                "35",
                "comunicaciones",
                120_000_000,
                ("24", "28", "32", "35"),
                # No measurement at all: the goal shows "no data".
            ),
        ),
    ),
    P(
        "CT3",
        "Prevención de riesgos de corrupción",
        (
            G(
                "CT3.1",
                "Implementar el 100 % de los controles del mapa de riesgos de corrupción",
                "Porcentaje de controles del mapa de riesgos de corrupción implementados",
                "%",
                INCREASE,
                POINT,
                "48",
                2019,
                "100",
                "transparencia",
                180_000_000,
                ("60", "75", "90", "100"),
                (
                    M(D(2020, 12, 31), "58", "Seguimiento al mapa de riesgos, Oficina de Control Interno, 2020"),
                    M(D(2021, 12, 31), "73", "Seguimiento al mapa de riesgos, Oficina de Control Interno, 2021"),
                    M(D(2022, 12, 31), "88", "Seguimiento al mapa de riesgos, Oficina de Control Interno, 2022"),
                    M(D(2023, 8, 31), "92", "Seguimiento al mapa de riesgos, Oficina de Control Interno, 2023"),
                ),
            ),
            G(
                "CT3.2",
                "Reducir a 15 los hallazgos con presunta incidencia disciplinaria",
                "Número de hallazgos con presunta incidencia disciplinaria en la auditoría anual",
                "hallazgos",
                DECREASE,
                POINT,
                "34",
                2019,
                "15",
                "transparencia",
                95_000_000,
                ("30", "25", "20", "15"),
                (
                    M(D(2020, 12, 31), "31", "Informe de auditoría vigencia 2020, Contraloría Distrital"),
                    M(D(2021, 12, 31), "38", "Informe de auditoría vigencia 2021, Contraloría Distrital"),
                    M(D(2022, 12, 31), "36", "Informe de auditoría vigencia 2022, Contraloría Distrital"),
                ),
            ),
        ),
    ),
    P(
        "CT4",
        "Fortalecimiento institucional",
        (
            G(
                "CT4.1",
                "Alcanzar 80 puntos en el Índice de Desempeño Institucional (FURAG)",
                "Puntaje del Índice de Desempeño Institucional medido por el FURAG",
                "puntos",
                INCREASE,
                POINT,
                "62.3",
                2019,
                "80",
                "planeacion",
                530_000_000,
                ("66", "70", "75", "80"),
                (
                    M(D(2020, 12, 31), "67.9", "Resultados FURAG vigencia 2020, Función Pública"),
                    M(D(2021, 12, 31), "72.4", "Resultados FURAG vigencia 2021, Función Pública"),
                    M(D(2022, 12, 31), "76.8", "Resultados FURAG vigencia 2022, Función Pública"),
                ),
            ),
            G(
                "CT4.2",
                "Alcanzar 90 puntos en el Índice de Transparencia y Acceso a la Información (ITA)",
                "Puntaje del Índice de Transparencia y Acceso a la Información Pública (ITA)",
                "puntos",
                INCREASE,
                POINT,
                "71",
                2019,
                "90",
                "tic",
                160_000_000,
                ("78", "84", "88", "90"),
                (
                    M(D(2020, 12, 31), "80", "Reporte ITA vigencia 2020, Procuraduría General de la Nación"),
                    M(D(2021, 12, 31), "89", "Reporte ITA vigencia 2021, Procuraduría General de la Nación"),
                    M(D(2022, 12, 31), "93", "Reporte ITA vigencia 2022, Procuraduría General de la Nación"),
                    M(D(2023, 10, 31), "95", "Autodiagnóstico ITA 2023, Oficina Asesora de Informática"),
                ),
                ("COCDI0002",),
            ),
        ),
    ),
)


def load(*, offices: dict[str, Institution], users: dict[str, User]) -> None:
    """Create or update the example development plan."""
    plan = DevelopmentPlan.objects.update_or_create(
        slug=PLAN_SLUG,
        defaults={
            "title": "Plan de Desarrollo 2020–2023 «Salvemos Juntos a Cartagena, por una Cartagena libre y resiliente»",
            "jurisdiction": "Cartagena de Indias, Colombia",
            "period_start": 2020,
            "period_end": 2023,
            "description": DESCRIPTION,
            "is_published": True,
            "is_example": True,
        },
    )[0]
    pillar = Pillar.objects.update_or_create(
        plan=plan,
        code="CT",
        defaults={"name": "Cartagena Transparente", "description": PILLAR_DESCRIPTION, "order": 1},
    )[0]
    for p_order, p in enumerate(PROGRAMMES, start=1):
        programme = Programme.objects.update_or_create(
            pillar=pillar, code=p.code, defaults={"name": p.name, "order": p_order}
        )[0]
        for g_order, g in enumerate(p.goals, start=1):
            _goal(plan, programme, g, g_order, offices)


def _goal(plan: DevelopmentPlan, programme: Programme, g: G, order: int, offices: dict[str, Institution]) -> Goal:
    goal, created = Goal.objects.get_or_create(
        plan=plan,
        code=g.code,
        defaults={
            "programme": programme,
            "title": g.title,
            "indicator": g.indicator,
            "unit": g.unit,
            "direction": g.direction,
            "accumulation": g.accumulation,
            "baseline": Decimal(g.baseline),
            "baseline_year": g.baseline_year,
            "target": Decimal(g.target),
            "responsible": offices[g.office],
            "budget": Decimal(g.budget),
            "order": order,
            "is_example": True,
        },
    )
    if created:
        history.record(goal, actor=None, before=None)
    for year, target in zip(plan.years(), g.years, strict=True):
        YearTarget.objects.update_or_create(goal=goal, year=year, defaults={"target": Decimal(target)})
    for m in g.measurements:
        measurement, created = Measurement.objects.get_or_create(
            goal=goal,
            date=m.date,
            defaults={"value": Decimal(m.value), "source": m.source, "note": m.note, "is_example": True},
        )
        if created:
            history.record(measurement, actor=None, before=None)
    goal.commitments.set(Commitment.objects.filter(code__in=g.commitments))
    return goal
