"""Benchmark of a work update's follower fan-out through the task queue and the mail outbox.

    make bench-fanout        # or: .venv/bin/python bench/fanout.py

In one run, on a fresh database (SQLite in a temporary folder by default; BENCH_DATABASE_URL for
PostgreSQL, dropped and created), for each follower count in BENCH_FOLLOWERS (100,10000):

1. creates a work with that many confirmed followers (bulk inserts through the real models);
2. times what the editor waits for: ``work_update_add`` (the update, its history and the fan-out
   task written in one transaction), 5 times, median;
3. times the worker's fan-out (``abierta worker --once`` with the database queue): the rendering of
   one message per follower and their bulk insert into the outbox, then their delivery over SMTP to
   a local server (``abierta.core.tests.fake_smtp``), and counts what arrived (each exactly once).

Target (issue 14): with 10,000 followers the editor's request answers in under a second and does
not grow with the followers. Writes a table into docs/benchmarks.md between the ``bench:fanout-<engine>``
markers (BENCH_WRITE_DOCS=0 to only print).
"""

from __future__ import annotations

import datetime
import io
import os
import platform
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

FOLLOWERS = [int(n) for n in os.environ.get("BENCH_FOLLOWERS", "100,10000").split(",")]


def main() -> int:
    tmp = tempfile.mkdtemp(prefix="abierta-fanout-")
    url = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/fanout.sqlite3")
    os.environ["DATABASE_URL"] = url
    os.environ["ABIERTA_DATA_DIR"] = tmp
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "abierta.settings")
    if url.startswith("postgres"):
        from pages import recreate_database

        recreate_database(url)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from abierta.core.models import Institution, OutboxMessage
    from abierta.core.tests.fake_smtp import FakeSMTP
    from abierta.works import services
    from abierta.works.models import Work, WorkFollower

    call_command("migrate", verbosity=0)
    smtp = FakeSMTP().start()
    settings.EMAIL_BACKEND = "abierta.core.outbox.OutboxBackend"
    settings.ABIERTA_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", smtp.port, False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    office = Institution.objects.create(name="Secretaría de Infraestructura", slug="infraestructura")
    rows = []
    for n in FOLLOWERS:
        work = Work.objects.create(
            office=office,
            name=f"Obra con {n} seguidores",
            description="Pavimentación.",
            sector=Work.Sector.TRANSPORT_ROAD,
            status=Work.Status.IMPLEMENTATION,
            address="Barrio Olaya Herrera",
            localidad=Work.Localidad.VIRGEN,
            ucg=6,
            budget=Decimal("1200000000"),
            start_on=datetime.date(2024, 3, 15),
            end_on=datetime.date(2024, 12, 15),
        )
        now = timezone.now()
        WorkFollower.objects.bulk_create(
            [WorkFollower(work=work, email=f"p{i}@example.org", confirmed_at=now) for i in range(n)],
            batch_size=1000,
        )
        waits = []
        for k in range(5):
            started = time.perf_counter()
            services.work_update_add(
                work=work,
                author=None,
                date=timezone.localdate(),
                physical_progress=Decimal(10 + k),
                financial_progress=Decimal(10 + k),
                text="Avance de la obra.",
            )
            waits.append(time.perf_counter() - started)
        # Only the first update is fanned out and delivered here: the other four were timed above.
        from abierta.works.models import WorkUpdate

        WorkUpdate.objects.filter(work=work).exclude(
            pk=WorkUpdate.objects.filter(work=work).order_by("pk")[0].pk
        ).update(notified_at=timezone.now())
        smtp.received.clear()
        started = time.perf_counter()
        call_command("worker", "--once", "--batch", "1000", stdout=io.StringIO())
        fanout_and_delivery = time.perf_counter() - started
        written = OutboxMessage.objects.filter(key__startswith="work-update:").count()
        received = len(smtp.received)
        distinct = len({tuple(recipients) for _, recipients, _ in smtp.received})  # each follower once
        rows.append((n, statistics.median(waits), max(waits), fanout_and_delivery, written, received, distinct))
        OutboxMessage.objects.all().delete()
    smtp.stop()

    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    lines = [
        f"Fan-out of a work update ({engine}, {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}); command: `.venv/bin/python bench/fanout.py`.",
        "",
        "| followers | editor's request, median of 5 | slowest of 5 | worker: fan-out + SMTP delivery "
        "| messages written | received | followers reached |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for n, median, worst, fan, written, received, distinct in rows:
        lines.append(
            f"| {n:,} | {median * 1000:.1f} ms | {worst * 1000:.1f} ms | {fan:.1f} s ({n / fan:,.0f} msg/s) "
            f"| {written:,} | {received:,} | {distinct:,} |"
        )
    report = "\n".join(lines)
    print(report)
    if os.environ.get("BENCH_WRITE_DOCS", "1") != "0":
        from pages import write_docs

        marker = engine.lower()
        write_docs(
            report,
            f"<!-- bench:fanout-{marker}:start -->",
            f"<!-- bench:fanout-{marker}:end -->",
            heading=f"## Follower fan-out on {engine} (issue 14)",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
