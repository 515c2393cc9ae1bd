"""Benchmark data for bench/pages.py, made with the real models through Django.

    python bench/data.py seed      # one plan, 50 commitments, 500 milestones, 5,000 updates
    python bench/data.py queries   # SQL queries and bytes of the two benchmarked pages

Run with DATABASE_URL pointing at an empty, migrated database (bench/pages.py does this).
The rows are written with ``bulk_create``; every object also gets its public history record(s)
through ``abierta.core.history.record``, as the staff forms and the demo command produce them:
a "created" record for each object, and "updated" records for milestone status changes and
the commitment's completion assessment.
"""

from __future__ import annotations

import datetime
import json
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "abierta.settings")

import django

django.setup()

from django.db import transaction  # noqa: E402

from abierta.accounts.models import User  # noqa: E402
from abierta.core import history  # noqa: E402
from abierta.core.demo import OFFICES as DEMO_OFFICES  # noqa: E402
from abierta.core.models import Institution  # noqa: E402
from abierta.plans.models import (  # noqa: E402
    ActionPlan,
    Commitment,
    CommitteeMember,
    Endorsement,
    Milestone,
    ProgressUpdate,
)

PLAN_SLUG = "plan-bench"
COMMITMENTS = 50
MILESTONES_PER_COMMITMENT = 10
UPDATES_PER_MILESTONE = 10
D = datetime.date

_WORDS_TEXT = (
    "la alcaldía distrital publicará información pública sobre contratación obras presupuesto "
    "participación ciudadana mesas de trabajo veeduría control social transparencia acceso "
    "datos abiertos portal plataforma seguimiento comité ciudadano secretaría oficina asesora "
    "gobierno abierto rendición de cuentas indicadores metas avance informe trimestral "
    "capacitación funcionarios comunidades barrios unidades comuneras corregimientos jóvenes "
    "mujeres personas mayores organizaciones sociales academia universidades formulario "
    "denuncias anticorrupción riesgos procesos trámites digitalización atención al ciudadano "
    "se realizó una jornada con asistentes de los sectores convocados y se recogieron propuestas "
    "que fueron analizadas por el equipo técnico para su inclusión en el documento final del hito"
)
WORDS = _WORDS_TEXT.split()

# The demo's seven offices, and two more so the bench spreads commitments over more offices.
OFFICES = [
    *DEMO_OFFICES,
    ("hacienda", "Secretaría de Hacienda Distrital", "Hacienda"),
    ("infraestructura", "Secretaría de Infraestructura", "Infraestructura"),
]


def text(rng: random.Random, low: int, high: int) -> str:
    """Spanish-looking prose between ``low`` and ``high`` characters, in sentences."""
    target = rng.randint(low, high)
    out: list[str] = []
    length = 0
    while length < target:
        sentence = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 22)))
        sentence = sentence[0].upper() + sentence[1:] + "."
        out.append(sentence)
        length += len(sentence) + 1
    return " ".join(out)[:high]


def title(rng: random.Random, low: int, high: int) -> str:
    return text(rng, low, high).rstrip(".")


@transaction.atomic
def seed() -> dict[str, int]:
    rng = random.Random(20260101)  # the same data on every run
    offices = [Institution.objects.create(slug=slug, name=name, short_name=short) for slug, name, short in OFFICES]
    editors = []
    for i, office in enumerate(offices):
        editor = User(
            email=f"editor{i}@bench.example",
            first_name="Editora",
            last_name=office.short_name,
            role=User.Role.EDITOR,
            institution=office,
            email_verified=True,
        )
        editor.set_unusable_password()
        editor.save()
        editors.append(editor)
    admin = editors[0]

    plan = ActionPlan.objects.create(
        slug=PLAN_SLUG,
        title="Plan de Acción de Gobierno Abierto 2025–2027 (banco de pruebas)",
        jurisdiction="Cartagena de Indias",
        period_start=2025,
        period_end=2027,
        submitted_on=D(2025, 3, 1),
        ends_on=D(2027, 12, 31),
        foreword=text(rng, 600, 900),
        vision=text(rng, 600, 900),
        achievements=text(rng, 800, 1200),
        challenges=text(rng, 600, 900),
        goals=text(rng, 400, 600),
        contribution=text(rng, 300, 500),
        coordination=text(rng, 500, 800),
        co_creation=text(rng, 900, 1300),
        monitoring_body=text(rng, 400, 600),
    )
    plan.lead_institutions.set(offices[:2])
    plan.supporting_institutions.set(offices[2:5])
    history.record(plan, actor=admin, before=None)
    Endorsement.objects.bulk_create(
        Endorsement(plan=plan, name=f"Fundación Ciudadana {i}", sector="Sociedad civil", order=i) for i in range(8)
    )
    CommitteeMember.objects.bulk_create(
        CommitteeMember(plan=plan, name=f"Integrante {i}", sector="Juventudes", start_date=D(2025, 4, 1))
        for i in range(12)
    )

    commitments = Commitment.objects.bulk_create(
        Commitment(
            plan=plan,
            code=f"BENCH{n:04d}",
            order=n,
            title=title(rng, 60, 160),
            problem=text(rng, 600, 1200),
            status_quo=text(rng, 500, 1000),
            description=text(rng, 800, 1500),
            objective=text(rng, 300, 600),
            value_access_to_information=n % 2 == 0,
            value_civic_participation=n % 3 == 0,
            value_public_accountability=True,
            value_technology=n % 4 == 0,
            start_month=D(2025, 4, 1),
            end_month=D(2027, 11, 1),
            lead_institution=offices[n % len(offices)],
            potential=Commitment.Potential.MODEST,
        )
        for n in range(1, COMMITMENTS + 1)
    )
    Through = Commitment.supporting_institutions.through
    Through.objects.bulk_create(
        Through(commitment=c, institution=offices[(i + k) % len(offices)])
        for i, c in enumerate(commitments)
        for k in (1, 2)
    )

    milestones = Milestone.objects.bulk_create(
        Milestone(
            commitment=c,
            order=k,
            title=title(rng, 60, 220),
            start_date=D(2025, 4, 1) + datetime.timedelta(days=60 * k),
            end_date=D(2025, 4, 1) + datetime.timedelta(days=60 * k + 90),
            responsible=offices[(i + k) % len(offices)],
        )
        for i, c in enumerate(commitments)
        for k in range(MILESTONES_PER_COMMITMENT)
    )
    updates = ProgressUpdate.objects.bulk_create(
        ProgressUpdate(
            milestone=m,
            date=m.start_date + datetime.timedelta(days=7 * j),
            text=text(rng, 250, 1200),
            evidence_url=f"https://www.cartagena.gov.co/transparencia/evidencia/{m.pk}-{j}" if j % 3 == 0 else "",
            author=editors[(m.pk + j) % len(editors)],
            institution=m.responsible,
        )
        for m in milestones
        for j in range(UPDATES_PER_MILESTONE)
    )

    # The public history, in the order real use writes it.
    for c in commitments:
        history.record(c, actor=admin, before=None)
    by_milestone: dict[int, list[ProgressUpdate]] = {}
    for u in updates:
        by_milestone.setdefault(u.milestone_id, []).append(u)
    finals = [
        Milestone.Status.COMPLETED,
        Milestone.Status.COMPLETED,
        Milestone.Status.IN_PROGRESS,
        Milestone.Status.DELAYED,
    ]
    for m in milestones:
        history.record(m, actor=admin, before=None)
        for j, u in enumerate(by_milestone[m.pk]):
            actor = u.author
            history.record(u, actor=actor, before=None)
            # As progress_update_post does: a status change with the update writes a record.
            new = Milestone.Status.IN_PROGRESS if j == 0 else None
            if j == UPDATES_PER_MILESTONE - 1:
                new = finals[m.pk % len(finals)]
            if new and new != m.status:
                before = history.snapshot(m)
                m.status = new
                m.save(update_fields=["status"])
                history.record(m, actor=actor, before=before)
    for i, c in enumerate(commitments):
        before = history.snapshot(c)
        c.completion = [Commitment.Completion.LIMITED, Commitment.Completion.SUBSTANTIAL][i % 2]
        c.save(update_fields=["completion"])
        history.record(c, actor=admin, before=before)

    from abierta.core.models import ChangeRecord

    return {
        "commitments": Commitment.objects.count(),
        "milestones": Milestone.objects.count(),
        "updates": ProgressUpdate.objects.count(),
        "history_records": ChangeRecord.objects.count(),
    }


def queries() -> dict[str, dict[str, int]]:
    """Count the SQL queries and bytes of each page as rendered (page cache off), with Django's test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    plan = ActionPlan.objects.get(slug=PLAN_SLUG)
    code = plan.commitments.order_by("order").values_list("code", flat=True).first()
    client = Client()
    pages = {"plan": f"/plan/{plan.slug}/", "commitment": f"/plan/{plan.slug}/compromisos/{code}/"}
    result = {}
    for name, url in pages.items():
        with override_settings(ABIERTA_PAGE_CACHE_SECONDS=0):
            client.get(url)  # warm caches (content types, templates)
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        result[name] = {"queries": len(ctx.captured_queries), "bytes": len(response.content)}
    return result


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "seed"
    if command == "seed":
        print(json.dumps(seed()))
    elif command == "queries":
        print(json.dumps(queries()))
    else:
        sys.exit(f"unknown command {command!r}: use seed or queries")
