"""Benchmark of the anonymous page cache under a trickle of writes: hit rate and latency of the plan
and QR pages while citizens write once a second, with the cache by section and with one version for
the whole site, in one run.

    .venv/bin/python bench/page_cache.py

End to end, with no manual step:

1. drops and creates the database BENCH_DATABASE_URL (default abierta_bench_cache), migrates and
   loads the Cartagena demo (``abierta demo``): the 2022–2023 action plan, its commitments, the
   co-creation process with its proposals, the dialogue sessions and the works behind QR codes;
2. starts gunicorn (BENCH_WORKERS sync workers, DEBUG off) with the page cache in Redis shared by
   the workers (BENCH_REDIS_URL, default redis://127.0.0.1:6379/14, flushed before each mode), twice:
   ``ABIERTA_PAGE_CACHE_SECTIONS=1`` (a write empties the pages that read its section) and ``=0``
   (any write empties every page, as before);
3. in each mode, every page is visited once (a full cache, as pages visited before), then
   BENCH_CLIENTS (8) anonymous clients load, for BENCH_DURATION (30) seconds after BENCH_WARMUP (5),
   a work's QR page (half of the visits, any work), the plan overview or a commitment's page,
   while a writer in this process saves, once a second, what citizens write: a support to a
   proposal (participation), a comment on a commitment (plans), a question to a dialogue session
   (participation), a follow of a work (not public content), in turn, through the real models
   (the same signals bump the versions);
4. prints per page kind and mode: requests, hit rate (``X-Page-Cache`` hit or edge-hit), p50, p95,
   p99; and writes the table into docs/benchmarks.md between the ``bench:page-cache`` markers.

Settings (environment): BENCH_DATABASE_URL, BENCH_REDIS_URL, BENCH_PORT (8774), BENCH_WORKERS (3),
BENCH_WORKS (2000 works seeded besides the demo's, each a QR page), BENCH_ROUNDS (2: the modes alternate),
BENCH_CLIENTS (8), BENCH_DURATION (30), BENCH_WARMUP (5), BENCH_WRITES_PER_SECOND (1),
BENCH_WRITE_DOCS (1; 0 to only print). The machine is shared and noisy: both modes run in one
session, one after the other, and the script records the load average.
"""

from __future__ import annotations

import datetime
import http.client
import os
import platform
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pages  # bench/pages.py: database, gunicorn and docs helpers

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/abierta_bench_cache")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
PORT = int(os.environ.get("BENCH_PORT", "8774"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
DURATION = float(os.environ.get("BENCH_DURATION", "30"))
WARMUP = float(os.environ.get("BENCH_WARMUP", "5"))
WRITES_PER_SECOND = float(os.environ.get("BENCH_WRITES_PER_SECOND", "1"))
WRITE_DOCS = os.environ.get("BENCH_WRITE_DOCS", "1") != "0"
WORKS = int(os.environ.get("BENCH_WORKS", "2000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
START, END = "<!-- bench:page-cache:start -->", "<!-- bench:page-cache:end -->"


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def server_env(data_dir: Path, sections: bool) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "DEBUG": "0",
        "ABIERTA_DATA_DIR": str(data_dir),
        "ABIERTA_PAGE_CACHE_SECTIONS": "1" if sections else "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    env.pop("ABIERTA_TESTING", None)
    return env


def start_gunicorn(env: dict[str, str]) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [
            str(pages.BIN / "gunicorn"),
            "abierta.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(WORKERS),
            "--no-control-socket",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    pages.wait_healthy(proc, base=f"http://127.0.0.1:{PORT}")
    return proc


def fetch(conn: http.client.HTTPConnection, path: str) -> tuple[int, str]:
    conn.request("GET", path, headers={"Host": "127.0.0.1"})
    response = conn.getresponse()
    response.read()
    return response.status, response.getheader("X-Page-Cache", "")


def warm(paths: list[tuple[str, str]]) -> None:
    """Every page once, as pages visited before (4 clients): the measure starts from a full cache."""

    def visit(part: list[tuple[str, str]]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        for _kind, path in part:
            fetch(conn, path)
        conn.close()

    threads = [threading.Thread(target=visit, args=(paths[i::4],)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


class Client(threading.Thread):
    """Half of its visits to a work's QR page (any of them), a quarter to the plan, a quarter to a
    commitment's page."""

    def __init__(self, paths: list[tuple[str, str]], seed: int, stop: threading.Event, record: threading.Event):
        super().__init__(daemon=True)
        self.stop, self.record = stop, record
        self.by_kind = {kind: [p for k, p in paths if k == kind] for kind in ("plan", "commitment", "qr")}
        self.rng = random.Random(seed)
        self.samples: list[tuple[str, float, bool]] = []
        self.errors = 0

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        while not self.stop.is_set():
            kind = self.rng.choice(("qr", "qr", "plan", "commitment"))
            path = self.rng.choice(self.by_kind[kind])
            started = time.perf_counter()
            try:
                status, cached = fetch(conn, path)
            except (OSError, http.client.HTTPException):
                self.errors += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
                continue
            elapsed = (time.perf_counter() - started) * 1000
            if status != 200:
                self.errors += 1
            elif self.record.is_set():
                self.samples.append((kind, elapsed, cached in ("hit", "edge-hit")))


class Writer(threading.Thread):
    """Once a second, what a citizen writes, in turn (through the models and their signals)."""

    def __init__(self, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.stop = stop
        self.writes: dict[str, int] = {}

    def run(self) -> None:
        from django.db import connection

        from abierta.accounts.models import User
        from abierta.participation.models import DialogueSession, Proposal, ProposalSupport, Question
        from abierta.plans.models import Comment, Commitment
        from abierta.works.models import Work, WorkFollower

        commitments = list(Commitment.objects.select_related("plan").order_by("pk"))
        proposals = list(Proposal.objects.order_by("pk"))
        session = DialogueSession.objects.order_by("pk").first()
        works = list(Work.objects.order_by("pk"))
        kinds = ["support", "comment", "question", "follow"]
        n = 0
        while not self.stop.is_set():
            started = time.monotonic()
            kind = kinds[n % len(kinds)]
            user = User.objects.create_user(email=f"bench-{time.time_ns()}@example.org", password=None)
            if kind == "support" and proposals:
                ProposalSupport.objects.create(proposal=proposals[n % len(proposals)], user=user)
            elif kind == "comment" and commitments:
                commitment = commitments[n % len(commitments)]
                Comment.objects.create(plan=commitment.plan, commitment=commitment, author=user, body="Comentario")
            elif kind == "question" and session is not None:
                Question.objects.create(session=session, text="¿Pregunta?", author=user)
            elif kind == "follow" and works:
                WorkFollower.objects.create(work=works[n % len(works)], email=user.email)
            self.writes[kind] = self.writes.get(kind, 0) + 1
            n += 1
            self.stop.wait(max(0.0, 1 / WRITES_PER_SECOND - (time.monotonic() - started)))
        connection.close()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def measure(
    paths: list[tuple[str, str]], sections: bool, data_dir: Path
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    proc = start_gunicorn(server_env(data_dir, sections))
    stop, record = threading.Event(), threading.Event()
    clients = [Client(paths, i, stop, record) for i in range(CLIENTS)]
    writer = Writer(stop)
    try:
        warm(paths)
        for client in clients:
            client.start()
        writer.start()
        time.sleep(WARMUP)
        record.set()
        time.sleep(DURATION)
        stop.set()
        for client in clients:
            client.join()
        writer.join()
    finally:
        pages.stop(proc)
    rows = []
    samples = [s for c in clients for s in c.samples]
    for kind in ("plan", "commitment", "qr"):
        mine = [s for s in samples if s[0] == kind]
        times = [s[1] for s in mine]
        rows.append(
            {
                "mode": "by section" if sections else "one version",
                "page": kind,
                "requests": len(mine),
                "hit_rate": sum(1 for s in mine if s[2]) / max(len(mine), 1),
                "p50": pct(times, 0.50),
                "p95": pct(times, 0.95),
                "p99": pct(times, 0.99),
            }
        )
    facts = {"errors": sum(c.errors for c in clients), "writes": dict(writer.writes)}
    return rows, facts


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| round | cache | page | requests | hit rate | p50 ms | p95 ms | p99 ms |",
        "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r['round']} | {r['mode']} | {r['page']} | {r['requests']:,} | {r['hit_rate']:.1%} | {r['p50']:.1f} | "
            f"{r['p95']:.1f} | {r['p99']:.1f} |"
        )
    return "\n".join(lines)


def main() -> int:
    data_dir = Path(tempfile.mkdtemp(prefix="abierta-bench-cache-"))
    env = server_env(data_dir, True)
    log(f"database {pages.recreate_database(DATABASE_URL)}: migrate and load the demo")
    pages.run([str(pages.BIN / "abierta"), "migrate", "-v0"], env)
    pages.run([str(pages.BIN / "abierta"), "demo"], env)
    if WORKS:
        log(f"seeding {WORKS:,} more works (bench/secop_data.py seed-works)")
        seed = [sys.executable, str(ROOT / "bench" / "secop_data.py"), "seed-works", "--works", str(WORKS)]
        pages.run([*seed, "--contracts", str(2 * WORKS)], env)
    pages.run([str(pages.BIN / "abierta"), "collectstatic", "--noinput", "-v0"], env)
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "ABIERTA_DATA_DIR")})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "abierta.settings")
    import django

    django.setup()
    from abierta.plans.models import ActionPlan, Commitment
    from abierta.works.models import Work

    plan = ActionPlan.objects.order_by("pk").first()
    assert plan is not None, "the demo has no plan"
    paths = [("plan", plan.get_absolute_url())]
    paths += [("commitment", c.get_absolute_url()) for c in Commitment.objects.filter(plan=plan).order_by("pk")]
    paths += [("qr", f"/o/{w.code}") for w in Work.objects.order_by("pk")]
    log(f"{len(paths)} pages; {CLIENTS} clients, {DURATION:.0f} s per mode, {WRITES_PER_SECOND:g} write/s")
    load_before = os.getloadavg()
    rows: list[dict[str, Any]] = []
    facts: dict[str, Any] = {}
    for round_number in range(1, ROUNDS + 1):
        for sections in (True, False):
            log(f"round {round_number}, mode: " + ("by section" if sections else "one version for the whole site"))
            mode_rows, facts[str(sections)] = measure(paths, sections, data_dir)
            rows += [{**row, "round": round_number} for row in mode_rows]
    load_after = os.getloadavg()
    now = datetime.datetime.now(datetime.UTC)
    git = ["git", "rev-parse", "--short", "HEAD"]
    commit = subprocess.run(git, cwd=ROOT, capture_output=True, text=True, check=False).stdout.strip()
    report = "\n".join(
        [
            table(rows),
            "",
            f"- Date: {now:%Y-%m-%d %H:%M} UTC; commit {commit}",
            f"- Machine: `nproc` = {os.cpu_count()}, {platform.machine()}, load average "
            f"{load_before[0]:.2f} / {load_before[1]:.2f} before and "
            f"{load_after[0]:.2f} / {load_after[1]:.2f} after (1 / 5 min)",
            f"- gunicorn {WORKERS} sync workers, DEBUG off, page cache in Redis; {CLIENTS} clients over "
            f"{len(paths)} pages (the plan, its commitments, every work's QR page); {DURATION:.0f} s per mode "
            f"after {WARMUP:.0f} s of warm-up",
            f"- Writes during the last round: {facts['True']['writes']} (by section), "
            f"{facts['False']['writes']} (one version); errors: {facts['True']['errors']} / {facts['False']['errors']}",
            f"- Data: the Cartagena demo plus {WORKS:,} works (bench/secop_data.py seed-works); the modes alternate, "
            f"{ROUNDS} rounds",
            "- Command: `.venv/bin/python bench/page_cache.py`",
        ]
    )
    print(report)
    if WRITE_DOCS:
        pages.write_docs(report, START, END, heading="## Page cache under a trickle of writes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
