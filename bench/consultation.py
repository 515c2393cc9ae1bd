"""Benchmark of the citizen consultation: 10,000 distinct voters casting through HTTP at once.

    .venv/bin/python bench/consultation.py

End to end, with no manual step:

1. drops and creates the database (BENCH_DATABASE_URL, default
   postgres://postgres@127.0.0.1:5432/abierta_bench_consultation), migrates, and creates an open
   consultation with 5 shortlisted initiatives (max 2 choices) and a transparency officer whose
   signed-in session (with a verified second factor, as the real login requires) the clients use;
2. starts gunicorn on 127.0.0.1 (loopback only), waiting for /healthz;
3. BENCH_VOTERS (10,000) distinct voters cast their vote through the staff in-person entry
   (``/gestion/consulta/<slug>/mesa/``, the production code path: one request per vote, the same
   ``vote_cast`` transaction as the web) with BENCH_CLIENTS (100) concurrent clients;
4. re-sends BENCH_DUPLICATES (1,000) of those voters, concurrently: each must be refused (409) and
   no ballot may be added;
5. closes the consultation, downloads the published ballot file, recounts it with
   scripts/recount.py, and compares it with the database and with what the clients sent;
6. writes a table into docs/benchmarks.md between the ``bench:consultation`` markers.

The web vote needs a one-time code: its ``fixed`` code backend (every code is 000000) exists for
benchmarks of the two-step web flow and is refused unless DEBUG or ABIERTA_BENCH is on; this
benchmark does not need it, since it votes through the in-person endpoint.

Settings: BENCH_DATABASE_URL, BENCH_PORT (8767), BENCH_WORKERS (4), BENCH_CLIENTS (100),
BENCH_VOTERS (10000), BENCH_DUPLICATES (1000), BENCH_WRITE_DOCS (1).
"""

from __future__ import annotations

import concurrent.futures
import datetime
import http.client
import json
import os
import platform
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from pathlib import Path

from pages import BIN, DOCS, ROOT, log, recreate_database, run, stop, version_of, wait_healthy

START, END = "<!-- bench:consultation:start -->", "<!-- bench:consultation:end -->"
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/abierta_bench_consultation")
PORT = int(os.environ.get("BENCH_PORT", "8767"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "100"))
VOTERS = int(os.environ.get("BENCH_VOTERS", "10000"))
DUPLICATES = int(os.environ.get("BENCH_DUPLICATES", "1000"))
WRITE_DOCS = os.environ.get("BENCH_WRITE_DOCS", "1") != "0"
HOST = "127.0.0.1"
BASE = f"http://{HOST}:{PORT}"
SLUG = "plan-consulta-bench"
TARGET_VPS = 300.0
LOG = ["--log-level", "warning"]


# ---------------------------------------------------------------- inside Django (subcommands)


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "abierta.settings")
    import django

    django.setup()


def seed() -> dict[str, str]:
    _django()
    from django.test import Client
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from abierta.accounts.models import User
    from abierta.core.models import Institution
    from abierta.participation.models import Consultation, Initiative, Process
    from abierta.plans.models import ActionPlan

    now = timezone.now()
    day = datetime.timedelta(days=1)
    office = Institution.objects.create(name="Oficina Bench", slug="oficina-bench")
    plan = ActionPlan.objects.create(
        slug=SLUG, title="Plan bench", jurisdiction="Cartagena", period_start=2026, period_end=2027
    )
    process = Process.objects.create(
        plan=plan,
        title="Co-creación bench",
        tables_from=now - 30 * day,
        analysis_from=now - 20 * day,
        consultation_from=now - day,
        results_from=now + 6 * day,
    )
    for n in range(1, 6):
        Initiative.objects.create(plan=plan, number=n, title=f"Iniciativa {n}")
    Consultation.objects.create(
        process=process, question="¿Cuál?", opens_at=now - day, closes_at=now + 6 * day, max_choices=2
    )
    user = User.objects.create_user(
        email="bench@example.org",
        password=secrets.token_urlsafe(16),
        role=User.Role.TRANSPARENCY,
        institution=office,
        first_name="Bench",
        last_name="Bench",
        email_verified=True,
    )
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return {"sessionid": session.session_key or ""}


def close() -> dict[str, int]:
    _django()
    from django.utils import timezone

    from abierta.participation.models import Ballot, Consultation, Voter

    Consultation.objects.filter(process__plan__slug=SLUG).update(closes_at=timezone.now())
    return {"voters": Voter.objects.count(), "ballots": Ballot.objects.count()}


# ---------------------------------------------------------------- the load


def post_vote(session: str, csrf: str, number: int, choices: list[int]) -> tuple[int, float]:
    body = urllib.parse.urlencode(
        [("csrfmiddlewaretoken", csrf), ("document_type", "CC"), ("document_number", str(number))]
        + [("choices", str(c)) for c in choices]
    )
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"sessionid={session}; csrftoken={csrf}",
    }
    t0 = time.monotonic()
    conn = http.client.HTTPConnection(HOST, PORT, timeout=60)
    try:
        conn.request("POST", f"/gestion/consulta/{SLUG}/mesa/", body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status, time.monotonic() - t0
    except (OSError, http.client.HTTPException):
        return 0, time.monotonic() - t0
    finally:
        conn.close()


def load(session: str, csrf: str, votes: list[tuple[int, list[int]]]) -> tuple[list[int], list[float], float]:
    t0 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        results = list(pool.map(lambda v: post_vote(session, csrf, v[0], v[1]), votes))
    elapsed = time.monotonic() - t0
    return [s for s, _t in results], [t for _s, t in results], elapsed


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))] * 1000


def write_docs(report: str) -> None:
    text = DOCS.read_text(encoding="utf-8")
    if START not in text or END not in text:
        text = text.rstrip("\n") + f"\n\n## Citizen consultation\n\n{START}\n{END}\n"
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    DOCS.write_text(f"{head}{START}\n{report}\n{END}{tail}", encoding="utf-8")


def main() -> int:
    started = datetime.datetime.now(datetime.UTC)
    loadavg = os.getloadavg()
    log(f"recreating the database {urllib.parse.urlsplit(DATABASE_URL).path.lstrip('/')}")
    pg_version = recreate_database(DATABASE_URL)
    data_dir = Path(tempfile.mkdtemp(prefix="abierta-bench-consultation-"))
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"ABIERTA_TESTING", "DEBUG", "REDIS_URL"}},
        "DATABASE_URL": DATABASE_URL,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "ABIERTA_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "abierta.settings",
        "ABIERTA_PAGE_CACHE_SECONDS": "0",
    }
    python = sys.executable
    this = str(Path(__file__).resolve())
    gunicorn: subprocess.Popen[bytes] | None = None
    try:
        log("migrating")
        run([str(BIN / "abierta"), "migrate", "--noinput", "-v0"], env)
        run([str(BIN / "abierta"), "collectstatic", "--noinput", "-v0"], env)
        session = json.loads(run([python, this, "seed"], env).strip().splitlines()[-1])["sessionid"]
        csrf = secrets.token_hex(16)  # 32 characters: an unmasked CSRF secret, sent as cookie and field
        log(f"starting gunicorn on {BASE} with {WORKERS} workers")
        gunicorn = subprocess.Popen(
            [str(BIN / "gunicorn"), "abierta.wsgi", "--bind", f"{HOST}:{PORT}", "--workers", str(WORKERS), *LOG],
            env=env,
            cwd=ROOT,
            stdout=(data_dir / "gunicorn.log").open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_healthy(gunicorn, base=BASE)
        rng = random.Random(2026)
        votes = [(10_000_000 + n, sorted(rng.sample(range(1, 6), rng.choice((1, 2))))) for n in range(VOTERS)]
        log(f"casting {VOTERS} votes with {CLIENTS} concurrent clients")
        statuses, times, elapsed = load(session, csrf, votes)
        accepted = [v for v, s in zip(votes, statuses, strict=True) if 200 <= s < 300]
        log(f"{len(accepted)} accepted in {elapsed:.1f} s; statuses {Counter(statuses)}")
        dupes = rng.sample(votes, min(DUPLICATES, len(votes)))
        log(f"re-sending {len(dupes)} duplicates")
        dup_statuses, _dup_times, dup_elapsed = load(session, csrf, dupes)
        stop(gunicorn)
        gunicorn = None
        db = json.loads(run([python, this, "close"], env).strip().splitlines()[-1])
        # The published file, through HTTP, and its recount.
        gunicorn = subprocess.Popen(
            [str(BIN / "gunicorn"), "abierta.wsgi", "--bind", f"{HOST}:{PORT}", "--workers", "1"],
            env=env,
            cwd=ROOT,
            stdout=(data_dir / "gunicorn.log").open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_healthy(gunicorn, base=BASE)
        conn = http.client.HTTPConnection(HOST, PORT, timeout=60)
        conn.request("GET", f"/consulta/{SLUG}/boletas.json")
        file_bytes = conn.getresponse().read()
        conn.close()
        results_page = http.client.HTTPConnection(HOST, PORT, timeout=60)
        results_page.request("GET", f"/consulta/{SLUG}/resultados/")
        page = results_page.getresponse().read().decode()
        results_page.close()
        path = data_dir / "boletas.json"
        path.write_bytes(file_bytes)
        recount = json.loads(run([python, "-I", str(ROOT / "scripts" / "recount.py"), str(path), "--json"], env))
    finally:
        if gunicorn is not None:
            stop(gunicorn)
        shutil.rmtree(data_dir, ignore_errors=True)

    sent: Counter[int] = Counter()
    for _n, choices in accepted:
        sent.update(choices)
    expected_tally = {str(k): sent[k] for k in range(1, 6)}
    lost = len(accepted) - db["ballots"]
    errors = sum(1 for s in statuses if s == 0 or s >= 500)
    extra = db["ballots"] - len(accepted)
    dup_refused = sum(1 for s in dup_statuses if s == 409)
    vps = len(accepted) / elapsed
    tally_ok = (
        recount["ballots"] == db["ballots"] == db["voters"]
        and recount["by_initiative"] == expected_tally
        and recount["digest"] in page
    )
    all_ok = (
        len(accepted) == VOTERS and lost == 0 and extra == 0 and errors == 0 and dup_refused == len(dupes) and tally_ok
    )
    rows = [
        f"| {VOTERS:,} distinct voters, {CLIENTS} concurrent clients | {len(accepted):,} accepted (2xx) in "
        f"{elapsed:.1f} s = **{vps:.0f} votes/s** (target ≥ {TARGET_VPS:.0f}: "
        f"{'met' if vps >= TARGET_VPS else 'MISSED'}); p50 {pct(times, 50):.0f} ms, p99 {pct(times, 99):.0f} ms, "
        f"mean {statistics.mean(times) * 1000:.0f} ms; statuses {dict(sorted(Counter(statuses).items()))} |",
        f"| database after the load | {db['voters']:,} voters, {db['ballots']:,} ballots: lost {lost}, "
        f"duplicated {max(extra, 0)} |",
        f"| {len(dupes):,} duplicates re-sent, {CLIENTS} concurrent clients | {dup_refused:,} refused (409) in "
        f"{dup_elapsed:.1f} s; ballots added: {db['ballots'] - len(accepted)}; "
        f"statuses {dict(sorted(Counter(dup_statuses).items()))} |",
        f"| published ballot file ({len(file_bytes):,} bytes) recounted by scripts/recount.py | "
        f"{recount['ballots']:,} ballots; per initiative {recount['by_initiative']}; equals the database count "
        f"and what the clients sent: {'yes' if tally_ok else 'NO'}; digest on the results page: "
        f"{'yes' if recount['digest'] in page else 'NO'} |",
    ]
    git_rev = version_of(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    facts = [
        f"- Date: {started:%Y-%m-%d %H:%M} UTC; commit {git_rev}",
        f"- Machine: `nproc` = {os.cpu_count()}, {platform.machine()}, load average before the run "
        f"{loadavg[0]:.2f} / {loadavg[1]:.2f} (1 / 5 min); shared and noisy: figures from one run",
        f"- PostgreSQL {pg_version} on 127.0.0.1; Python {platform.python_version()}; "
        f"{version_of([str(BIN / 'gunicorn'), '--version'])}, {WORKERS} sync workers, DEBUG off; "
        f"the {CLIENTS} clients (Python threads, one connection per vote) on the same machine",
        "- Path: the staff in-person entry (one POST per vote, signed-in transparency officer with a verified "
        "second factor, CSRF checked), which runs the same `vote_cast` transaction as the web vote; "
        "the `fixed` code backend was not used",
        f"- Command: `.venv/bin/python bench/consultation.py`, BENCH_WORKERS={WORKERS} BENCH_CLIENTS={CLIENTS} "
        f"BENCH_VOTERS={VOTERS} BENCH_DUPLICATES={DUPLICATES}",
        f"- Every expectation (all accepted, none lost, none duplicated, every duplicate refused, published "
        f"tally = database count): **{'met' if all_ok else 'MISSED'}**",
    ]
    report = "### Latest run\n\n| phase | result |\n| --- | --- |\n" + "\n".join(rows) + "\n\n" + "\n".join(facts)
    print()
    print(report)
    if WRITE_DOCS:
        write_docs(report)
        log(f"written to {DOCS.relative_to(ROOT)}")
    return 0 if all_ok else 1


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in {"seed", "close"}:
        print(json.dumps(seed() if sys.argv[1] == "seed" else close()))
    else:
        sys.exit(main())
