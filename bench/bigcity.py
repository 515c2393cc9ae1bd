"""A city ten times Cartagena's size, seeded through the real models and crawled (issue 15).

    .venv/bin/python bench/bigcity.py run                  # or: make bench-bigcity
    .venv/bin/python bench/bigcity.py seed --scale 10      # into BENCH_DATABASE_URL (recreated)
    .venv/bin/python bench/bigcity.py crawl --scale 10     # crawl DATABASE_URL, print the figures as JSON
    .venv/bin/python bench/bigcity.py report               # write the table again from the saved figures

``run`` does everything in one session: for each scale of BENCH_SCALES (default ``1 10``) it
recreates the database ``<BENCH_DATABASE_URL>_s<scale>``, migrates, loads the demo city
(``abierta demo``: the offices, the demo accounts, one of everything) and seeds the scale on top
of it, then crawls it; at the end it compares the query counts per URL pattern between the scales
and writes the table into docs/benchmarks.md between the ``bench:bigcity`` markers.

Seed (``seed --scale S``; scale 1 = Cartagena's real volumes, scale 10 = issue 15's list), on top
of the demo, all with ``bulk_create`` through the real models, deterministic (seeded):

| rows | scale 1 | scale 10 | how |
| --- | ---: | ---: | --- |
| contracts | 10,000 | 100,000 | bench/secop_data.py ``seed_works`` (compiled releases, search columns) |
| works, their updates | 1,000 / ~3,500 | 10,000 / ~35,000 | the same (2–5 updates a work, two contracts each) |
| action plans, commitments, milestones | 1 / 10 / 100 | 5 / 100 / 1,000 | copies of the demo plan's rows |
| proposals, supports | 1,000 / 5,000 | 10,000 / 50,000 | in the demo plan's co-creation (one list) |
| ballots | 10,000 | 100,000 | ``Ballot`` (and its ``Voter``) through the model, not the vote flow |
| dialogue questions | 500 | 5,000 | published, on the demo's sessions |
| comments | 2,000 | 20,000 | on the demo plan and its commitments |
| complaints | 500 | 5,000 | ``complaint_submit`` (the real encryption), Argon2id at the test cost |
| PAA lines | 5,000 | 50,000 | in the demo's procurement plan |
| development plans, goals | 1 / 50 | 2 / 500 | copies of the demo plan's goals |

Complaints go through the real service so that every case has its own keys, sealed content and
receipt; with the production Argon2id cost (64 MiB, t = 3) the receipt's hash would cost ~0.3 s a
case, so the seed lowers it to the test cost (``ABIERTA_COMPLAINTS_ARGON2``), which changes nothing
the pages read. Citizens (the authors of supports and comments) are 500 per scale unit.

Crawl (``crawl``): in-process, with ``django.test.Client`` (no HTTP, no server, no network: the
figures are Django's time, from the middleware to the last byte, without a socket or a proxy), and
``CaptureQueriesContext`` counting the SQL queries of each request. The URL list is built from the
URL patterns themselves (``django.urls.get_resolver()``, :func:`url_list`): every pattern, filled
with real ids, slugs and codes from the database (the biggest of each: the plan with the most
proposals, the work with the most updates); staff pages (``/gestion/``), the account pages and
the admin are skipped, and so is any pattern without a filler, each listed with its reason. A
pattern that answers 405 to GET is POST-only, one that answers 302/403 needs a signed-in user:
both are listed, not measured. Each pattern is crawled in Spanish (``/``) and English (``/en/``);
each list also with variants read from its filter form (each choice field's first value, the text
field with a word, the sort, ``page=2`` and a page beyond the last). Every URL is requested
BENCH_REQUESTS times (default 5) with the page cache off (``ABIERTA_PAGE_CACHE_SECONDS=0``), then
with it on (the first visit fills it, the next BENCH_REQUESTS are measured). Compressed size: gzip
level 6 of the body. Downloads (``/datos/<slug>.csv|.json`` and the other files) are measured for
time to the first chunk and total time, bytes, and whether the response streams
(``StreamingHttpResponse``), with tracemalloc's peak as the memory figure (Python allocations
only; the body is read and gzipped chunk by chunk, never held whole by the bench). Streamed
downloads are not page-cached, so they are timed once per URL with the cache off.

Settings (environment): BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/abierta_bench_bigcity; ``sqlite:////path/file.sqlite3`` works,
the scale is then added to the file name), BENCH_SCALES (``1 10``), BENCH_REQUESTS (5),
BENCH_KINDS (``html api download``: what the crawl measures), BENCH_WRITE_DOCS (1; 0 to only
print). Each engine has its own table in docs/benchmarks.md (markers ``bench:bigcity`` and
``bench:bigcity-sqlite``); each scale's figures are also saved as JSON in ABIERTA_DATA_DIR
(default /tmp/abierta-bench-bigcity), which ``report`` reads.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
import zlib
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/abierta_bench_bigcity")
SCALES = [int(s) for s in os.environ.get("BENCH_SCALES", "1 10").split()]
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "5"))
WRITE_DOCS = os.environ.get("BENCH_WRITE_DOCS", "1") != "0"
KINDS = set(os.environ.get("BENCH_KINDS", "html api download").split())  # what the crawl measures
SQLITE = urlsplit(DATABASE_URL).scheme.startswith("sqlite")
# Each engine has its own table in docs/benchmarks.md, and its own saved figures.
TAG = "bigcity-sqlite" if SQLITE else "bigcity"
START, END = f"<!-- bench:{TAG}:start -->", f"<!-- bench:{TAG}:end -->"
TARGET_P95_MS = 100.0
TARGET_KB = 100.0

# Per scale unit (scale 1 = Cartagena's real volumes; issue 15's list is scale 10).
PER_SCALE = {
    "contracts": 10_000,
    "works": 1_000,
    "commitments": 10,
    "milestones": 100,
    "proposals": 1_000,
    "supports": 5_000,
    "ballots": 10_000,
    "questions": 500,
    "comments": 2_000,
    "complaints": 500,
    "paa_lines": 5_000,
    "goals": 50,
    "citizens": 500,
}


def log(message: str) -> None:
    print(f"[bigcity {datetime.datetime.now(datetime.UTC):%H:%M:%S} UTC] {message}", file=sys.stderr, flush=True)


def scaled_url(url: str, scale: int) -> str:
    """The database of one scale: ``<name>_s<scale>`` (PostgreSQL) or ``<file>_s<scale>.sqlite3``."""
    if url.startswith("sqlite"):
        base, ext = os.path.splitext(url)
        return f"{base}_s{scale}{ext}"
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"{parts.path}_s{scale}"))


def recreate(url: str) -> str:
    """An empty database at ``url``; returns the engine and its version."""
    if url.startswith("sqlite"):
        import sqlite3

        Path(url.partition(":///")[2]).unlink(missing_ok=True)  # sqlite:////abs/path or sqlite:///rel/path
        return f"SQLite {sqlite3.sqlite_version}"
    import pages  # bench/pages.py

    return f"PostgreSQL {pages.recreate_database(url)}"


DATA_DIR = os.environ.get("ABIERTA_DATA_DIR", "/tmp/abierta-bench-bigcity")  # noqa: S108 (a bench's scratch)


def django_setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["ABIERTA_DATA_DIR"] = DATA_DIR
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "abierta.settings")
    os.environ.pop("ABIERTA_TESTING", None)
    import django

    django.setup()


# --- seed ---------------------------------------------------------------------------------------


def _batches(objs: list[Any], size: int = 2000) -> list[list[Any]]:
    return [objs[i : i + size] for i in range(0, len(objs), size)]


def _bulk(model: Any, objs: list[Any]) -> list[Any]:
    from django.db import transaction

    out: list[Any] = []
    for batch in _batches(objs):
        with transaction.atomic():
            out.extend(model.objects.bulk_create(batch))
    return out


def _copy(template: Any, **fields: Any) -> Any:
    """A new row like ``template`` (an existing one of the demo), with ``fields`` changed."""
    data = {
        f.attname: getattr(template, f.attname)
        for f in template._meta.concrete_fields
        if not f.primary_key and f.attname not in fields and f.name not in fields
    }
    return type(template)(**data, **fields)


def seed(scale: int) -> dict[str, Any]:
    """Seed ``scale`` units on top of the demo city; returns the counts and the seconds of each step."""
    import secop_data  # bench/secop_data.py
    from django.conf import settings
    from django.utils import timezone

    from abierta.accounts.models import User
    from abierta.complaints import services as complaint_services
    from abierta.complaints.models import Case
    from abierta.core.models import Institution
    from abierta.development.models import DevelopmentPlan, Goal, Pillar, Programme
    from abierta.participation.models import (
        Ballot,
        Consultation,
        DialogueSession,
        Process,
        Proposal,
        ProposalSupport,
        Question,
        Voter,
        WorkingTable,
    )
    from abierta.plans.models import ActionPlan, Comment, Commitment, Milestone
    from abierta.procurement.models import PlanLine, ProcurementPlan

    n = {k: v * scale for k, v in PER_SCALE.items()}
    rng = random.Random(15 * scale)
    steps: dict[str, float] = {}

    def step(name: str, t0: float) -> None:
        steps[name] = round(time.monotonic() - t0, 1)
        log(f"seeded {name} in {steps[name]} s")

    t0 = time.monotonic()
    works = secop_data.seed_works(n["works"], n["contracts"], seed=4)
    step("contracts, works and updates", t0)

    t0 = time.monotonic()
    people = []
    for i in range(n["citizens"]):
        person = User(
            email=f"ciudadano{i}@bigcity.example",
            first_name="Ciudadana",
            last_name=f"N.º {i}",
            role=User.Role.CITIZEN,
            email_verified=True,
        )
        person.set_unusable_password()
        people.append(person)
    citizens = _bulk(User, people)
    step("citizens", t0)

    # Action plans: the demo's, and copies of it up to max(1, scale / 2) plans; commitments and
    # milestones copied from the demo's, spread over the plans.
    t0 = time.monotonic()
    demo_plan = ActionPlan.objects.order_by("pk").first()
    assert demo_plan is not None, "the demo plan is missing (run abierta demo first)"
    plans = [demo_plan]
    for k in range(1, max(1, scale // 2)):
        plans.append(_copy(demo_plan, slug=f"plan-ciudad-{k}", title=f"{demo_plan.title} (copia {k})"))
    plans = [plans[0], *_bulk(ActionPlan, plans[1:])]
    c_template = Commitment.objects.filter(plan=demo_plan).order_by("pk").first()
    m_template = Milestone.objects.order_by("pk").first()
    assert c_template is not None and m_template is not None
    offices = list(Institution.objects.order_by("pk"))
    existing = Commitment.objects.count()
    commitments = _bulk(
        Commitment,
        [
            _copy(
                c_template,
                plan=plans[i % len(plans)],
                code=f"CIUDAD{i:04d}",
                order=existing + i + 1,
                title=f"Compromiso de la ciudad N.º {i + 1}: {c_template.title}"[:300],
                lead_institution=offices[i % len(offices)],
            )
            for i in range(n["commitments"] - existing)
        ],
    )
    per = max(1, n["milestones"] // max(1, len(commitments)))
    _bulk(
        Milestone,
        [
            _copy(m_template, commitment=c, order=k, title=f"Hito {k + 1} del compromiso {c.code}")
            for c in commitments
            for k in range(per)
        ],
    )
    step("action plans, commitments and milestones", t0)

    # Co-creation: proposals and supports in the demo plan's process (one list, the longest).
    t0 = time.monotonic()
    process = Process.objects.get(plan=demo_plan)
    tables = list(WorkingTable.objects.filter(plan=demo_plan).order_by("number"))
    statuses = [s.value for s in Proposal.Status if s != Proposal.Status.MERGED]
    proposals = _bulk(
        Proposal,
        [
            Proposal(
                process=process,
                title=f"Propuesta ciudadana N.º {i + 1}: datos abiertos de {rng.choice(secop_data.BARRIOS)}",
                body="Que la Alcaldía publique cada mes los contratos y las obras del barrio, con mapas y fotos.",
                channel=Proposal.Channel.ONLINE if i % 3 else Proposal.Channel.IN_PERSON,
                author=citizens[i % len(citizens)] if i % 3 else None,
                table=tables[i % len(tables)] if tables and not i % 3 else None,
                status=statuses[i % len(statuses)],
            )
            for i in range(n["proposals"])
        ],
    )
    per_support = n["supports"] // len(proposals)
    _bulk(
        ProposalSupport,
        [
            ProposalSupport(proposal=p, user=citizens[(i + k) % len(citizens)])
            for i, p in enumerate(proposals)
            for k in range(per_support)
        ],
    )
    step("proposals and supports", t0)

    # Ballots of the demo consultation, each with its voter (not linked, as the vote writes them).
    t0 = time.monotonic()
    consultation = Consultation.objects.select_related("process").get(process=process)
    numbers = sorted(consultation.process.plan.initiatives.filter(shortlisted=True).values_list("number", flat=True))
    cast_on = timezone.localdate()
    ballots = []
    voters = []
    for i in range(n["ballots"]):
        key = hashlib.sha256(f"bigcity-{scale}-{i}".encode()).hexdigest()
        ballots.append(
            Ballot(
                consultation=consultation,
                receipt_hash=key,
                choices=sorted(rng.sample(numbers, k=min(consultation.max_choices, len(numbers)))),
                channel=Ballot.Channel.WEB if i % 4 else Ballot.Channel.IN_PERSON,
                cast_on=cast_on,
            )
        )
        voters.append(
            Voter(consultation=consultation, document_hash=hashlib.sha256(f"doc-{scale}-{i}".encode()).hexdigest())
        )
    _bulk(Ballot, ballots)
    _bulk(Voter, voters)
    step("ballots", t0)

    t0 = time.monotonic()
    sessions = list(DialogueSession.objects.order_by("pk"))
    _bulk(
        Question,
        [
            Question(
                session=sessions[i % len(sessions)],
                text=f"Pregunta N.º {i + 1}: ¿cuándo se publica el avance de la obra del barrio?",
                author=citizens[i % len(citizens)],
                status=Question.Status.PUBLISHED,
            )
            for i in range(n["questions"])
        ],
    )
    all_commitments = list(Commitment.objects.filter(plan=demo_plan).order_by("pk"))
    _bulk(
        Comment,
        [
            Comment(
                plan=demo_plan,
                commitment=all_commitments[i % len(all_commitments)] if i % 2 else None,
                author=citizens[i % len(citizens)],
                body=f"Comentario N.º {i + 1}: gracias por publicar el avance; falta la fecha del próximo informe.",
            )
            for i in range(n["comments"])
        ],
    )
    step("questions and comments", t0)

    t0 = time.monotonic()
    settings.ABIERTA_COMPLAINTS_ARGON2 = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}
    categories = [c.value for c in Case.Category]
    for i in range(n["complaints"]):
        complaint_services.complaint_submit(
            report=complaint_services.ReportData(
                category=categories[i % len(categories)],
                what=f"Denuncia N.º {i + 1}: cobro indebido en la ventanilla de un trámite.",
                where="Edificio de la Alcaldía",
            ),
            files=[],
        )
    step("complaints", t0)

    t0 = time.monotonic()
    paa = ProcurementPlan.objects.order_by("pk").first()
    line_template = PlanLine.objects.order_by("pk").first()
    assert paa is not None and line_template is not None
    first = (PlanLine.objects.filter(plan=paa).order_by("-line").values_list("line", flat=True).first() or 0) + 1
    _bulk(
        PlanLine,
        [
            _copy(
                line_template,
                plan=paa,
                line=first + i,
                description=f"Línea N.º {first + i}: {line_template.description}"[:2000],
                row_hash=f"bigcity-{i}",
                total_value=Decimal(rng.randrange(10, 5000) * 1_000_000),
            )
            for i in range(n["paa_lines"])
        ],
    )
    step("PAA lines", t0)

    t0 = time.monotonic()
    dplan = DevelopmentPlan.objects.order_by("pk").first()
    g_template = Goal.objects.order_by("pk").first()
    assert dplan is not None and g_template is not None
    dplans = [dplan]
    for k in range(1, max(1, scale // 5)):
        copy = _copy(dplan, slug=f"plan-desarrollo-ciudad-{k}", title=f"{dplan.title} (copia {k})")
        copy.save()
        pillar = _copy(Pillar.objects.filter(plan=dplan).order_by("pk").first(), plan=copy)
        pillar.save()
        _copy(Programme.objects.filter(pillar__plan=dplan).order_by("pk").first(), pillar=pillar).save()
        dplans.append(copy)
    programmes = {p.pk: list(Programme.objects.filter(pillar__plan=p).order_by("pk")) for p in dplans}
    existing_goals = Goal.objects.count()
    goals = []
    for i in range(n["goals"] - existing_goals):
        p = dplans[i % len(dplans)]
        progs = programmes[p.pk]
        goals.append(
            _copy(
                g_template,
                plan=p,
                programme=progs[i % len(progs)],
                code=f"MC{i:04d}",
                title=f"Meta de la ciudad N.º {i + 1}: {g_template.title}"[:500],
                responsible=offices[i % len(offices)],
            )
        )
    _bulk(Goal, goals)
    step("development plans and goals", t0)

    from django.apps import apps

    counts = {
        label: apps.get_model(label).objects.count()
        for label in (
            "contracting.Contract",
            "works.Work",
            "works.WorkUpdate",
            "plans.ActionPlan",
            "plans.Commitment",
            "plans.Milestone",
            "participation.Proposal",
            "participation.ProposalSupport",
            "participation.Ballot",
            "participation.Question",
            "plans.Comment",
            "complaints.Case",
            "procurement.PlanLine",
            "gestion.DevelopmentPlan",
            "gestion.Goal",
        )
    }
    return {"scale": scale, "counts": counts, "seconds": steps, "work_updates_seeded": works["updates"]}


# --- the URL list -------------------------------------------------------------------------------

# Patterns left out of the crawl, by the start of their route: (prefix, reason).
SKIP_PREFIXES = [
    ("gestion/", "staff page (/gestion/)"),
    ("admin/", "the Django admin (platform administrators only)"),
    ("cuenta/", "account page (sign-in, registration, password)"),
    ("healthz", "health check for the load balancer, not a page"),
    ("api/v1/docs", "the API's Swagger UI page (a static shell)"),
]
# Patterns left out by name: (name, reason).
SKIP_NAMES = {"api-v1:api-root": "django-ninja's internal root name (answers 404; the API's paths are below it)"}
DOWNLOAD_SUFFIXES = (".csv", ".json", ".jsonld", ".xlsx", ".gif", ".svg", ".png", ".pdf")
# Lists that page with ?page= (core/paging.py), by URL name; the contract list pages with ?pagina=.
PAGED = {
    "plans:plan",
    "plans:commitment",
    "plans:milestone_updates",
    "plans:commitment_history",
    "participation:tables",
    "participation:proposals",
    "participation:dialogue_sessions",
    "participation:dialogue_session",
    "procurement:index",
    "procurement:plan",
    "procurement:fairs",
    "works:works",
    "works:work_updates",
}
PAGE_PARAM = {"contracting:contracts": "pagina"}


def walk(patterns: list[Any], prefix: str = "", ns: str = "", i18n: bool = False) -> list[dict[str, Any]]:
    """Every URL pattern under ``patterns``: its route, full name and whether it has a language prefix."""
    from django.urls import URLResolver
    from django.urls.resolvers import LocalePrefixPattern

    out: list[dict[str, Any]] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            local = i18n or isinstance(p.pattern, LocalePrefixPattern)
            name = ns + (f"{p.namespace}:" if p.namespace else "")
            out.extend(walk(p.url_patterns, prefix + str(p.pattern), name, local))
        else:
            route = prefix + str(p.pattern)
            params = sorted(getattr(p.pattern, "converters", {}))
            out.append({"route": route, "name": ns + (p.name or ""), "i18n": i18n, "params": params})
    return out


def reference_values() -> dict[str, Any]:
    """The rows whose ids fill the patterns: the biggest of each kind (the longest lists)."""
    from django.db.models import Count

    from abierta.contracting.models import Contract
    from abierta.datos import registry
    from abierta.development.models import DevelopmentPlan, Goal
    from abierta.participation.models import DialogueSession, Proposal, WorkingTable
    from abierta.plans.models import ActionPlan, Commitment, Milestone
    from abierta.procurement.models import Fair, ProcurementPlan
    from abierta.works.models import Work

    def biggest(qs: Any, field: str) -> Any:
        return qs.annotate(_n=Count(field)).order_by("-_n", "pk").first()

    plan = biggest(ActionPlan.objects.filter(process__isnull=False), "process__proposals") or biggest(
        ActionPlan.objects.all(), "commitments"
    )
    commitment = biggest(Commitment.objects.filter(plan=plan), "comments")
    milestone = biggest(Milestone.objects.filter(commitment__plan=plan), "updates")
    dplan = biggest(DevelopmentPlan.objects.all(), "goals")
    work = biggest(Work.objects.filter(is_published=True), "updates")
    contract = Contract.objects.filter(work_links__isnull=False).order_by("pk").first()
    v: dict[str, Any] = {
        "plan": plan.slug if plan else None,
        "commitment": commitment.code if commitment else None,
        "milestone_commitment": milestone.commitment.code if milestone else None,
        "milestone": milestone.pk if milestone else None,
        "table": getattr(WorkingTable.objects.filter(plan=plan).order_by("number").first(), "number", None),
        "table_minutes": getattr(
            WorkingTable.objects.filter(plan=plan).exclude(minutes="").order_by("number").first(), "number", None
        ),
        "proposal": getattr(biggest(Proposal.objects.filter(process__plan=plan), "supports"), "pk", None),
        "session": getattr(biggest(DialogueSession.objects.all(), "questions"), "slug", None),
        "dplan": dplan.slug if dplan else None,
        "goal": getattr(Goal.objects.filter(plan=dplan).order_by("pk").first(), "code", None),
        "work": work.code if work else None,
        "ocid": contract.ocid if contract else None,
        "paa": getattr(biggest(ProcurementPlan.objects.all(), "lines"), "pk", None),
        "fair": getattr(Fair.objects.order_by("pk").first(), "pk", None),
        "datasets": [d.slug for d in registry.all_datasets()],
        "institution": getattr(plan.lead_institutions.order_by("pk").first(), "slug", None) if plan else None,
    }
    if v["plan"]:
        from abierta.plans.models import ProgressUpdate

        v["update"] = getattr(ProgressUpdate.objects.filter(milestone__commitment__plan=plan).first(), "pk", None)
    return v


def fillers(v: dict[str, Any]) -> dict[str, list[dict[str, Any]] | str]:
    """Per URL name: the keyword arguments of its URLs, or the reason it has none."""
    plan, code = v["plan"], v["commitment"]
    one = {
        "plans:plan": {"slug": plan},
        "plans:commitments_csv": {"slug": plan},
        "plans:commitment": {"slug": plan, "code": code},
        "plans:milestone_updates": {"slug": plan, "code": v["milestone_commitment"], "pk": v["milestone"]},
        "plans:commitment_history": {"slug": plan, "code": code},
        "plans:committee": {"slug": plan},
        "plans:plan_history": {"slug": plan},
        "plans:commitment_comment": {"slug": plan, "code": code},
        "plans:plan_comment": {"slug": plan},
        "development:plan": {"slug": v["dplan"]},
        "development:plan_template": {"slug": v["dplan"], "fmt": "csv"},
        "development:plan_measurements": {"slug": v["dplan"], "fmt": "csv"},
        "development:goal": {"slug": v["dplan"], "code": v["goal"]},
        "participation:cocreation": {"slug": plan},
        "participation:process": {"slug": plan},
        "participation:tables": {"slug": plan},
        "participation:table": {"slug": plan, "number": v["table"]},
        "participation:table_minutes": {"slug": plan, "number": v["table_minutes"]},
        "participation:diversity": {"slug": plan},
        "participation:cocreation_history": {"slug": plan},
        "participation:proposals": {"slug": plan},
        "participation:proposal_new": {"slug": plan},
        "participation:proposal": {"slug": plan, "pk": v["proposal"]},
        "participation:proposal_support": {"slug": plan, "pk": v["proposal"]},
        "participation:consultation": {"slug": plan},
        "participation:consultation_vote": {"slug": plan},
        "participation:consultation_vote_confirm": {"slug": plan},
        "participation:consultation_check": {"slug": plan},
        "participation:consultation_results": {"slug": plan},
        "participation:consultation_ballots_json": {"slug": plan},
        "participation:consultation_ballots_csv": {"slug": plan},
        "participation:dialogue_session": {"slug": v["session"]},
        "participation:dialogue_ask": {"slug": v["session"]},
        "participation:dialogue_minutes": {"slug": v["session"]},
        "participation:dialogue_session_edit": {"slug": v["session"]},
        "participation:dialogue_moderation": {"slug": v["session"]},
        "contracting:contract": {"ocid": v["ocid"]},
        "contracting_files:contract_release": {"ocid": v["ocid"]},
        "works:work": {"code": v["work"]},
        "works:work_scan": {"code": v["work"]},
        "works:work_updates": {"code": v["work"]},
        "works:follow": {"code": v["work"]},
        "works:follow_sent": {"code": v["work"]},
        "works:report": {"code": v["work"]},
        "works:report_sent": {"code": v["work"]},
        "procurement:plan": {"pk": v["paa"]},
        "procurement:plan_csv": {"pk": v["paa"]},
        "procurement:fair": {"pk": v["fair"]},
        "api-v1:plan_get": {"slug": plan},
        "api-v1:commitment_get": {"code": code},
        "api-v1:progress_update_get": {"update_id": v.get("update")},
        "api-v1:development_plan_get": {"slug": v["dplan"]},
        "api-v1:goal_get": {"plan_slug": v["dplan"], "code": v["goal"]},
        "api-v1:institution_get": {"slug": v["institution"]},
        "accounts_staff:office_history": {"slug": v["institution"]},
        "api-v1:contract_get": {"ocid": v["ocid"]},
        "api-v1:work_get": {"code": v["work"]},
    }
    out: dict[str, list[dict[str, Any]] | str] = {k: [kw] for k, kw in one.items()}
    out["datos:dataset"] = [{"slug": s} for s in v["datasets"]]
    out["datos_files:csv"] = [{"slug": s} for s in v["datasets"]]
    out["datos_files:json"] = [{"slug": s} for s in v["datasets"]]
    for name in ("plans:evidence_file", "plans:report_file", "plans:minutes_file", "participation:table_photo"):
        out[name] = "an uploaded file (none in the seeded city: the bench writes no files)"
    for name in ("works:follow_confirm", "works:follow_unsubscribe"):
        out[name] = "needs a token sent by email"
    out["plans:comment_report"] = "POST-only (a signed-in report of a comment)"
    out["participation:dialogue_support"] = "POST-only (a signed-in support of a question)"
    for name in [n for n in out if n.startswith("participation:dialogue_question_")]:
        out[name] = "moderation (staff)"
    for name in (
        "participation:dialogue_question_publish",
        "participation:dialogue_question_reject",
        "participation:dialogue_question_shortlist",
        "participation:dialogue_question_live",
        "participation:dialogue_question_answer",
        "participation:dialogue_question_commitment",
    ):
        out[name] = "moderation action (staff, POST)"
    api_missing = "api-v1:monitoring_report_get"
    out[api_missing] = "no monitoring report in the seeded city"
    for name, kw in list(out.items()):
        if isinstance(kw, list) and any(None in k.values() for k in kw):
            out[name] = "no row to fill it with in this database"
    return out


def kind_of(route: str) -> str:
    if route.startswith("api/"):
        return "api"
    if route.rstrip("$").endswith(DOWNLOAD_SUFFIXES) or "(?P<fmt>" in route:
        return "download"
    return "html"


def form_variants(name: str, kwargs: dict[str, Any]) -> list[dict[str, str]]:
    """Query strings of a list's variants, read from its filter form: each choice field's first
    value, a word in its text fields, the first and last sort, page 2 and a page beyond the last."""
    from django import forms

    form: Any = None
    if name == "contracting:contracts":
        from abierta.contracting.forms import ContractSearchForm

        form = ContractSearchForm()
    elif name == "works:works":
        from abierta.works.views import WorkFilterForm

        form = WorkFilterForm()
    elif name == "participation:proposals":
        from abierta.participation.cocreation.forms import ProposalFilterForm
        from abierta.participation.models import Process

        process = Process.objects.filter(plan__slug=kwargs["slug"]).first()
        form = ProposalFilterForm(process=process) if process else None
    elif name == "procurement:plan":
        from abierta.procurement.forms import LineSearchForm
        from abierta.procurement.models import ProcurementPlan

        form = LineSearchForm(plan=ProcurementPlan.objects.get(pk=kwargs["pk"]))
    elif name == "procurement:index":
        from abierta.procurement.forms import PlanIndexForm

        form = PlanIndexForm()
    variants: list[dict[str, str]] = []
    if name == "site:search":
        variants += [{"q": "obra"}, {"q": "contrato vía"}]
    if name == "development:plan":
        from abierta.development.models import Pillar

        pillar = Pillar.objects.filter(plan__slug=kwargs["slug"]).order_by("pk").first()
        if pillar is not None:
            variants.append({"pilar": pillar.code})
    if form is not None:
        for field_name, field in form.fields.items():
            if isinstance(field.widget, forms.HiddenInput):
                continue
            if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
                values = [str(getattr(c, "value", c)) for c, _label in field.choices if str(getattr(c, "value", c))]
                if values:
                    variants.append({field_name: values[0]})
                    if field_name == "orden" and len(values) > 1:
                        variants.append({field_name: values[-1]})
            elif isinstance(field, forms.CharField) and field_name == "q":
                variants.append({field_name: "vía"})
    if name in PAGED or name in PAGE_PARAM:
        param = PAGE_PARAM.get(name, "page")
        variants += [{param: "2"}, {param: "999999"}]
    return variants


def url_list() -> dict[str, Any]:
    """The crawl's URLs, by URL pattern, and the patterns skipped with their reason."""
    from django.urls import get_resolver, reverse
    from django.utils import translation

    values = reference_values()
    fill = fillers(values)
    patterns: list[dict[str, Any]] = []
    skipped: list[dict[str, str]] = []
    for p in walk(get_resolver().url_patterns):
        route, name = p["route"], p["name"]
        reason = next((why for prefix, why in SKIP_PREFIXES if route.startswith(prefix)), None)
        if reason is None and "/gestion/" in f"/{route}":
            reason = "staff page (…/gestion/)"
        reason = reason or SKIP_NAMES.get(name)
        if reason is None and name.startswith("admin:"):
            reason = "the Django admin"
        kwargs_list: list[dict[str, Any]] = [{}]
        if reason is None and (p["params"] or "(?P<" in route):
            filled = fill.get(name)
            if filled is None:
                reason = "no filler for its parameters (add one to bench/bigcity.py fillers)"
            elif isinstance(filled, str):
                reason = filled
            else:
                kwargs_list = filled
        if reason is not None:
            skipped.append({"route": route, "name": name, "reason": reason})
            continue
        kind = kind_of(route)
        urls: list[str] = []
        for kwargs in kwargs_list:
            for lang in ("es-co", "en") if p["i18n"] else ("es-co",):
                with translation.override(lang):
                    base = reverse(name, kwargs=kwargs)
                urls.append(base)
                if (kind == "html" and lang == "es-co") or (kind == "html" and name in PAGED):
                    urls += [f"{base}?{urlencode(q)}" for q in form_variants(name, kwargs)]
        if kind == "api" and not p["params"] and name.endswith("_list"):
            urls += [f"{urls[0]}?limit=1000", f"{urls[0]}?offset=1000000"]
        patterns.append({"route": route, "name": name, "kind": kind, "urls": urls})
    return {"patterns": patterns, "skipped": skipped, "values": values}


# --- the crawl ----------------------------------------------------------------------------------


def fetch(client: Any, url: str, *, count: bool) -> dict[str, Any]:
    """One GET: milliseconds to the first byte and to the last, bytes, gzip bytes, SQL queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if count:
        ctx: Any = CaptureQueriesContext(connection)
        ctx.__enter__()
    t0 = time.perf_counter()
    response = client.get(url)
    first = time.perf_counter()
    # A streamed body is read chunk by chunk and compressed as it comes, never kept whole: the
    # memory peak of a download is then the server's, not a copy of the file held by the bench.
    size = zipped = 0
    packer = zlib.compressobj(6, zlib.DEFLATED, 31) if count else None  # gzip level 6
    chunks = iter(response.streaming_content) if response.streaming else iter([response.content])
    for i, chunk in enumerate(chunks):
        if i == 0 and response.streaming:
            first = time.perf_counter()
        size += len(chunk)
        if packer is not None:
            zipped += len(packer.compress(chunk))
    if packer is not None:
        zipped += len(packer.flush())
    total = time.perf_counter()
    response.close()
    queries = None
    if count:
        ctx.__exit__(None, None, None)
        queries = len(ctx.captured_queries)
    return {
        "status": response.status_code,
        "first_ms": (first - t0) * 1000,
        "ms": (total - t0) * 1000,
        "bytes": size,
        "gzip": zipped if count else None,
        "queries": queries,
        "streaming": bool(response.streaming),
        "cache": response.get("X-Page-Cache", ""),
    }


def percentile(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def crawl(scale: int) -> dict[str, Any]:
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings

    call_command("collectstatic", interactive=False, verbosity=0)  # the pages name hashed static files
    built = url_list()
    client = Client()
    results: list[dict[str, Any]] = []
    odd: list[dict[str, Any]] = []
    t_start = time.monotonic()
    for p in built["patterns"]:
        if p["kind"] not in KINDS:
            continue
        downloads = p["kind"] == "download"
        n = 1 if downloads else REQUESTS
        row: dict[str, Any] = {k: p[k] for k in ("route", "name", "kind")}
        row["urls"] = len(p["urls"])
        samples: dict[str, list[float]] = {"off": [], "on": []}
        firsts: list[float] = []
        queries: list[int] = []
        sizes: list[int] = []
        gz: list[int] = []
        peaks: list[int] = []
        statuses: set[int] = set()
        streaming = True
        hits = 0
        measured_on = 0
        for url in p["urls"]:
            with override_settings(ABIERTA_PAGE_CACHE_SECONDS=0):
                if not downloads:
                    fetch(client, url, count=False)  # warm-up: templates, content types, lazy caches
                else:
                    tracemalloc.start()
                first = fetch(client, url, count=True)
                if downloads:
                    peaks.append(tracemalloc.get_traced_memory()[1])
                    tracemalloc.stop()
                statuses.add(first["status"])
                if first["status"] != 200:
                    odd.append({"url": url, "status": first["status"], "route": p["route"]})
                    continue
                queries.append(first["queries"])
                sizes.append(first["bytes"])
                gz.append(first["gzip"])
                streaming = streaming and first["streaming"]
                for _ in range(n):
                    r = fetch(client, url, count=False)
                    samples["off"].append(r["ms"])
                    firsts.append(r["first_ms"])
            if downloads and first["streaming"]:
                continue  # a streamed file is never page-cached: nothing more to measure with the cache on
            with override_settings(ABIERTA_PAGE_CACHE_SECONDS=600):
                fetch(client, url, count=False)  # the first visit fills the cache
                for _ in range(n):
                    r = fetch(client, url, count=False)
                    samples["on"].append(r["ms"])
                    measured_on += 1
                    hits += r["cache"] in ("hit", "edge-hit")
        row["statuses"] = sorted(statuses)
        if not samples["off"]:
            results.append(row)
            continue
        for mode in ("off", "on") if samples["on"] else ("off",):
            row[f"p50_{mode}"] = percentile(samples[mode], 50)
            row[f"p95_{mode}"] = percentile(samples[mode], 95)
            row[f"p99_{mode}"] = percentile(samples[mode], 99)
        row["hit_rate"] = hits / measured_on if measured_on else 0.0
        row["first_p95"] = percentile(firsts, 95)
        row["queries_max"] = max(queries)
        row["queries_min"] = min(queries)
        row["bytes_max"] = max(sizes)
        row["gzip_max"] = max(gz)
        row["streaming"] = streaming
        row["peak_kb"] = max(peaks) / 1024 if peaks else None
        results.append(row)
    return {
        "scale": scale,
        "rows": results,
        "skipped": built["skipped"],
        "not_200": odd,
        "values": built["values"],
        "seconds": round(time.monotonic() - t_start, 1),
        "requests": REQUESTS,
    }


# --- the table ----------------------------------------------------------------------------------


def _ms(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    return "–" if value is None else f"{value:.1f}"


def _queries(row: dict[str, Any] | None) -> str:
    if row is None or row.get("queries_max") is None:
        return "–"
    lo, hi = row["queries_min"], row["queries_max"]
    return str(hi) if lo == hi else f"{lo}–{hi}"


def verdicts(row: dict[str, Any], small: dict[str, Any] | None) -> tuple[str, str, str]:
    if row.get("p95_off") is None:
        return "–", "–", "–"
    fast = "met" if row["p95_off"] <= TARGET_P95_MS else "MISSED"
    light = "met" if row["gzip_max"] / 1024 <= TARGET_KB else "MISSED"
    if small is None or small.get("queries_max") is None:
        same = "–"
    else:
        same = (
            "same"
            if _queries(small) == _queries(row)
            else "GROWS"
            if row["queries_max"] > small["queries_max"]
            else "differs"
        )
    return fast, light, same


def render(runs: list[dict[str, Any]], facts: list[str]) -> str:
    """The Markdown of one session: a table per scale (pages and API, then downloads), the skipped
    patterns and the URLs that did not answer 200."""
    smallest = {r["route"]: r for r in runs[0]["crawl"]["rows"]} if len(runs) > 1 else {}
    out = ["### Latest run", "", *facts, ""]
    for run in runs:
        crawl_ = run["crawl"]
        scale = crawl_["scale"]
        first = runs[0]["crawl"]["scale"]
        out += [
            f"#### Scale {scale}: pages and API lists (page cache off, then on)",
            "",
            f"Milliseconds over every URL of the pattern ({crawl_['requests']} requests each per mode), "
            f"gzip KB and SQL queries of its largest / every URL; queries compared with scale {first}.",
            "",
            "| pattern | kind | URLs | p50 off | p95 off | p99 off | p95 on | hits on | KB gzip | queries "
            f"| queries at scale {first} | p95 ≤ 100 ms | ≤ 100 KB | queries same |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |",
        ]
        for row in crawl_["rows"]:
            if row["kind"] == "download" or row.get("p95_off") is None:
                continue
            small = smallest.get(row["route"])
            fast, light, same = verdicts(row, small)
            if row["kind"] == "api":
                fast, light = f"({fast})", f"({light})"  # targets of HTML pages; shown for the API too
            out.append(
                f"| `{row['route'] or '/'}` | {row['kind']} | {row['urls']} | {_ms(row, 'p50_off')} | "
                f"{_ms(row, 'p95_off')} | {_ms(row, 'p99_off')} | {_ms(row, 'p95_on')} | "
                f"{row.get('hit_rate', 0) * 100:.0f} % | {row['gzip_max'] / 1024:.1f} | {_queries(row)} | "
                f"{_queries(small)} | {fast} | {light} | {same} |"
            )
        out += [
            "",
            f"#### Scale {scale}: downloads (page cache off)",
            "",
            "| pattern | URLs | first byte p95 ms | total p95 ms | MB (largest) | streams | peak memory MB "
            f"| queries | queries at scale {first} |",
            "| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |",
        ]
        for row in crawl_["rows"]:
            if row["kind"] != "download" or row.get("p95_off") is None:
                continue
            small = smallest.get(row["route"])
            peak = row.get("peak_kb")
            out.append(
                f"| `{row['route']}` | {row['urls']} | {_ms(row, 'first_p95')} | {_ms(row, 'p95_off')} | "
                f"{row['bytes_max'] / 1e6:.2f} | {'yes' if row['streaming'] else 'no'} | "
                f"{'–' if peak is None else f'{peak / 1024:.1f}'} | {_queries(row)} | {_queries(small)} |"
            )
        seeded = run["seed"]
        out += [
            "",
            f"Scale {scale} seeded: "
            + ", ".join(f"{k.split('.')[-1]} {v:,}" for k, v in seeded["counts"].items())
            + "; seconds per step: "
            + ", ".join(f"{k} {v}" for k, v in seeded["seconds"].items())
            + f"; crawl {crawl_['seconds']} s.",
            "",
        ]
    last = runs[-1]["crawl"]
    out += ["#### Not measured", "", "| patterns | why |", "| --- | --- |"]
    by_reason: dict[str, list[str]] = {}
    for skip in last["skipped"]:
        by_reason.setdefault(skip["reason"], []).append(skip["route"])
    for reason, routes in by_reason.items():
        shown = ", ".join(f"`{r}`" for r in routes[:3]) + (f" … ({len(routes)} patterns)" if len(routes) > 3 else "")
        out.append(f"| {shown} | {reason} |")
    out.append("")
    by_status: dict[str, list[str]] = {}
    for o in last["not_200"]:
        by_status.setdefault(str(o["status"]), []).append(o["url"])
    meaning = {
        "302": "redirects to sign-in: needs a signed-in user",
        "403": "refused to an anonymous visitor (the vote needs a started vote)",
        "404": "not found",
        "405": "POST-only (a form's action)",
    }
    out += ["URLs that did not answer 200 to an anonymous GET (not measured):", ""]
    for status, urls in sorted(by_status.items()):
        out.append(f"- {status} ({meaning.get(status, '')}): " + ", ".join(f"`{u}`" for u in urls))
    return "\n".join(out)


def step_json(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Run a subcommand of this script in its own process (its own DATABASE_URL); its last line of JSON."""
    done = subprocess.run([sys.executable, __file__, *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-5000:])
        raise SystemExit(f"failed: bench/bigcity.py {' '.join(args)}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run_all() -> int:

    started = datetime.datetime.now(datetime.UTC)
    load_before = os.getloadavg()
    runs: list[dict[str, Any]] = []
    Path(DATA_DIR).mkdir(parents=True, exist_ok=True)
    for scale in SCALES:
        url = scaled_url(DATABASE_URL, scale)
        env = {**os.environ, "BENCH_DATABASE_URL": url, "DATABASE_URL": url, "ABIERTA_DATA_DIR": DATA_DIR}
        env.pop("ABIERTA_TESTING", None)
        log(f"scale {scale}: seeding {urlsplit(url).path}")
        seeded = step_json(["seed", "--scale", str(scale)], env)
        log(f"scale {scale}: seeded in {sum(seeded['seconds'].values()):.0f} s; crawling")
        crawled = step_json(["crawl", "--scale", str(scale)], env)
        runs.append(
            {
                "seed": seeded,
                "crawl": crawled,
                "load": os.getloadavg(),
                "load_before": load_before,
                "started": started.isoformat(),
            }
        )
        (Path(DATA_DIR) / f"{TAG}-s{scale}.json").write_text(json.dumps(runs[-1]))
        log(f"scale {scale}: crawled in {crawled['seconds']} s")
    return write_report(runs)


def write_report(runs: list[dict[str, Any]]) -> int:
    import pages  # bench/pages.py

    started = datetime.datetime.fromisoformat(runs[0]["started"])
    load_before = runs[0]["load_before"]
    engine = runs[-1]["seed"]["engine"]
    rev = pages.version_of(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    facts = [
        f"- Date: {started:%Y-%m-%d %H:%M} UTC; commit {rev}; {engine}; Python {sys.version.split()[0]}",
        f"- Command: `{os.path.relpath(sys.executable, ROOT)} bench/bigcity.py run` "
        f"(BENCH_SCALES={' '.join(map(str, SCALES))}, BENCH_REQUESTS={REQUESTS})",
        f"- Machine: `nproc` = {os.cpu_count()}, shared with other sessions; load average (1/5/15 min) "
        f"before {load_before[0]:.2f}/{load_before[1]:.2f}/{load_before[2]:.2f}, after each scale "
        + ", ".join(f"{r['load'][0]:.2f}/{r['load'][1]:.2f}/{r['load'][2]:.2f}" for r in runs),
        "- In-process with `django.test.Client` (no HTTP, no server: Django's time from the middleware to the "
        "last byte), DEBUG off, `CaptureQueriesContext` on one request per URL (after a warm-up request), "
        "the timed requests without it; page cache off = `ABIERTA_PAGE_CACHE_SECONDS=0`, on = 600 "
        "(a first visit fills it, the next ones are measured; the local-memory cache of this process)",
    ]
    if any(r.get("downloads_rerun") for r in runs):
        facts.append(
            "- The downloads' rows come from a second crawl of the same databases (`BENCH_KINDS=download "
            "bench/bigcity.py crawl`), run while the SQLite run was going: the first one's memory peak "
            "counted the bench's own copy of each file, fixed since (the body is read chunk by chunk)"
        )
    report = render(runs, facts)
    print(report)
    if WRITE_DOCS:
        heading = "### On the embedded SQLite" if SQLITE else "### On PostgreSQL"
        pages.write_docs(report, START, END, heading=heading)
        log("written to docs/benchmarks.md")
    return 0


# --- main ---------------------------------------------------------------------------------------


def prepare(url: str) -> str:
    """Recreate ``url``, migrate it and load the demo city; returns the engine's name and version."""
    engine = recreate(url)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "abierta.settings"}
    env.pop("ABIERTA_TESTING", None)
    manage = [sys.executable, "-m", "abierta.manage"]
    for args in (["migrate", "--noinput", "-v0"], ["demo"]):
        subprocess.run([*manage, *args], env=env, cwd=ROOT, check=True, capture_output=True)
    return engine


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("seed", help="recreate, migrate, load the demo and seed one scale")
    p.add_argument("--scale", type=int, default=10)
    p.add_argument("--no-recreate", action="store_true", help="seed an already migrated database with the demo")
    p = sub.add_parser("crawl", help="crawl the seeded database; prints JSON")
    p.add_argument("--scale", type=int, default=10)
    sub.add_parser("run", help="seed and crawl every scale of BENCH_SCALES, write docs/benchmarks.md")
    sub.add_parser("report", help="write docs/benchmarks.md again from the last run's saved figures")
    args = parser.parse_args()
    if args.command == "seed":
        url = os.environ.get("DATABASE_URL", DATABASE_URL) if args.no_recreate else DATABASE_URL
        t0 = time.monotonic()
        engine = "" if args.no_recreate else prepare(url)
        demo_s = round(time.monotonic() - t0, 1)
        django_setup(url)
        result = seed(args.scale)
        result["engine"] = engine
        result["seconds"]["migrate and demo"] = demo_s
        print(json.dumps(result))
    elif args.command == "crawl":
        django_setup(os.environ.get("DATABASE_URL", DATABASE_URL))
        print(json.dumps(crawl(args.scale)))
    elif args.command == "report":
        saved = [Path(DATA_DIR) / f"{TAG}-s{scale}.json" for scale in SCALES]
        return write_report([json.loads(f.read_text()) for f in saved if f.exists()])
    else:
        return run_all()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
