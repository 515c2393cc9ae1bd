"""Benchmark of the citizen consultation: 10,000 distinct voters casting through HTTP at once.

    .venv/bin/python bench/consultation.py

End to end, with no manual step:

1. drops and creates the database (BENCH_DATABASE_URL, default
   postgres://postgres@127.0.0.1:5432/abierta_bench_consultation), migrates, and creates an open
   consultation with 5 shortlisted initiatives (max 2 choices) and BENCH_FACILITATORS (as many as
   clients) transparency officers, each facilitating a polling table of their own, whose signed-in
   sessions (with a verified second factor, as the real login requires) the clients use in turn
   (since decision 0016 an in-person vote adds one to its table's count for the day and the
   facilitator: one officer at one table would make every vote wait on that one row);
2. starts gunicorn on 127.0.0.1 (loopback only), waiting for /healthz;
3. BENCH_VOTERS (10,000) distinct voters cast their vote through the staff in-person entry
   (``/gestion/consulta/<slug>/mesa/<n>/``, the production code path: one request per vote, the same
   ``vote_cast`` transaction as the web) with BENCH_CLIENTS (100) concurrent connections of wrk
   (a C load generator: 100 Python threads on 2 cores took most of the CPU from the server). The
   votes (document number and choices) are written to a file by this script; wrk's Lua script
   sends each line exactly once, with a facilitator's session cookie and CSRF token, and keeps the
   status of every answer and the receipt printed on it;
4. re-sends BENCH_DUPLICATES (1,000) of those voters, concurrently: each must be refused (409) and
   no ballot may be added;
5. closes the consultation, downloads the published ballot file, recounts it with
   scripts/recount.py, and compares it with the database and with what the clients sent; every
   receipt handed out must be distinct and its hash must be in the published file;
6. writes a table into docs/benchmarks.md between the ``bench:consultation`` markers.

The web vote needs a one-time code: its ``fixed`` code backend (every code is 000000) exists for
benchmarks of the two-step web flow and is refused unless DEBUG or ABIERTA_BENCH is on; this
benchmark does not need it, since it votes through the in-person endpoint.

Needs wrk (Debian: ``apt-get install -y wrk``).

Settings: BENCH_DATABASE_URL, BENCH_PORT (8767), BENCH_WORKERS (2), BENCH_THREADS (gunicorn threads
per worker; above 1 the gthread worker, with keep-alive, is used: 2), BENCH_CLIENTS (100), BENCH_VOTERS (10000),
BENCH_DUPLICATES (1000), BENCH_FACILITATORS (BENCH_CLIENTS), BENCH_WRITE_DOCS (1),
BENCH_REDIS_URL (empty: sessions in PostgreSQL; a Redis URL:
cache and sessions in Redis, as deployed past one machine).
"""

from __future__ import annotations

import datetime
import hashlib
import http.client
import json
import os
import platform
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pages import BIN, DOCS, ROOT, log, recreate_database, run, stop, version_of, wait_healthy
from pages import write_docs as write_docs_section

START, END = "<!-- bench:consultation:start -->", "<!-- bench:consultation:end -->"
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/abierta_bench_consultation")
PORT = int(os.environ.get("BENCH_PORT", "8767"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "100"))
VOTERS = int(os.environ.get("BENCH_VOTERS", "10000"))
# Facilitators entering votes at once, each at a table of their own (as at real tables).
FACILITATORS = int(os.environ.get("BENCH_FACILITATORS", os.environ.get("BENCH_CLIENTS", "100")))
DUPLICATES = int(os.environ.get("BENCH_DUPLICATES", "1000"))
WRITE_DOCS = os.environ.get("BENCH_WRITE_DOCS", "1") != "0"
# Empty: sessions in PostgreSQL. A Redis URL: cache and sessions in Redis, as deployed past one machine.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "")
HOST = "127.0.0.1"
BASE = f"http://{HOST}:{PORT}"
SLUG = "plan-consulta-bench"
TARGET_VPS = 300.0
LOG = ["--log-level", "warning"]
WRK_THREADS = 2  # one per core; each drives CLIENTS / 2 connections

# wrk script. Thread k (0-based) sends lines k, k + n, k + 2n... of BENCH_VOTES ("number c1 c2"),
# each once, then waits until every one of its votes is answered, says so in a file and stops.
# Latencies are
# the statuses and the receipts read from the answers go to BENCH_OUT(.receipts).
WRK_LUA = r"""
local threads = {}
setup = function(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

local mine, sent = {}, 0
answered = 0  -- global, like statuses and receipts: done() reads them with thread:get
local facilitators, prefix
init = function(args)
  local n = tonumber(os.getenv("BENCH_WRK_THREADS"))
  local i = 0
  for line in io.lines(os.getenv("BENCH_VOTES")) do
    if i % n == tid then
      local number, rest = line:match("^(%d+)(.*)$")
      local body = number
      for c in rest:gmatch("%d+") do body = body .. "&choices=" .. c end
      mine[#mine + 1] = body
    end
    i = i + 1
  end
  -- The facilitators of this thread (line k of BENCH_SESSIONS: "table sessionid"), used in turn:
  -- each facilitator enters at their own table, as at real tables, and no two of them wait on one
  -- table's count row.
  local csrf = os.getenv("BENCH_CSRF")
  facilitators = {}
  local j = 0
  local few = 0
  for _ in io.lines(os.getenv("BENCH_SESSIONS")) do few = few + 1 end
  for line in io.lines(os.getenv("BENCH_SESSIONS")) do
    if j % n == tid or few < n then
      local tbl, session = line:match("^(%d+) (%S+)$")
      facilitators[#facilitators + 1] = {
        path = os.getenv("BENCH_PATH_PREFIX") .. tbl .. "/",
        headers = {
          ["Content-Type"] = "application/x-www-form-urlencoded",
          ["Cookie"] = "sessionid=" .. session .. "; csrftoken=" .. csrf,
        },
      }
    end
    j = j + 1
  end
  prefix = "csrfmiddlewaretoken=" .. csrf .. "&document_type=CC&document_number="
  statuses, receipts = {}, {}
end

local started = false
request = function()
  -- wrk calls request() once before any connection, to check it: that call must not use a vote.
  -- After its last vote a connection asks for /healthz until the thread stops (a delay() would
  -- idle it instead, but wrk then loses requests when it reconnects).
  if not started then started = true return wrk.format("GET", "/healthz") end
  sent = sent + 1
  if sent > #mine then return wrk.format("GET", "/healthz") end
  local f = facilitators[(sent - 1) % #facilitators + 1]
  return wrk.format("POST", f.path, f.headers, prefix .. mine[sent])
end

response = function(status, hdrs, body)
  if body and body:find('"database"', 1, true) then return end  -- a /healthz filler
  answered = answered + 1
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  local receipt = body and body:match("<code>([0-9A-Z%-]+)</code>")
  if receipt and status < 300 then receipts[#receipts + 1] = receipt end
  if answered >= #mine then
    -- wrk's main thread sleeps for --duration whatever its threads do: tell the bench, which
    -- takes the time and interrupts wrk (SIGINT: wrk then reports as usual).
    io.open(os.getenv("BENCH_OUT") .. ".done" .. tid, "w"):close()
    wrk.thread:stop()
  end
end

done = function(summary, latency, requests)
  local statuses, sent = {}, 0
  local out = io.open(os.getenv("BENCH_OUT") .. ".receipts", "w")
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("statuses")) do statuses[k] = (statuses[k] or 0) + v end
    for _, r in ipairs(t:get("receipts")) do out:write(r, "\n") end
    sent = sent + t:get("answered")
  end
  out:close()
  local parts = {}
  for k, v in pairs(statuses) do parts[#parts + 1] = string.format('"%s": %d', k, v) end
  local e = summary.errors
  local f = io.open(os.getenv("BENCH_OUT"), "w")
  f:write(string.format(
    '{"answered": %d, "requests": %d, "duration_us": %d, "p50": %d, "p99": %d, "max": %d, ' ..
    '"mean": %f, "errors": %d, "statuses": {%s}}',
    sent, summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, latency.mean, e.connect + e.read + e.write + e.timeout, table.concat(parts, ", ")))
  f:close()
end
"""


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
    from abierta.participation.models import Consultation, Initiative, PollingTable, Process
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
    consultation = Consultation.objects.create(
        process=process, question="¿Cuál?", opens_at=now - day, closes_at=now + 6 * day, max_choices=2
    )
    sessions = []
    for k in range(1, FACILITATORS + 1):
        user = User.objects.create_user(
            email=f"bench{k}@example.org",
            password=None,
            role=User.Role.TRANSPARENCY,
            institution=office,
            first_name="Bench",
            last_name=str(k),
            email_verified=True,
        )
        # Only a table's facilitators may enter its ballots: officer k facilitates table k.
        PollingTable.objects.create(consultation=consultation, number=k, place=f"Bench {k}").facilitators.add(user)
        client = Client()
        client.force_login(user)
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        sessions.append(session.session_key or "")
    return {"sessionids": sessions}


def close() -> dict[str, int]:
    _django()
    from django.utils import timezone

    from abierta.participation.consultation.services import consultation_close
    from abierta.participation.models import Ballot, Consultation, Voter

    Consultation.objects.filter(process__plan__slug=SLUG).update(closes_at=timezone.now())
    # The close empties the ballot box into the ballot table and freezes the file.
    consultation_close(consultation=Consultation.objects.get(process__plan__slug=SLUG))
    return {"voters": Voter.objects.count(), "ballots": Ballot.objects.count()}


# ---------------------------------------------------------------- the load


@dataclass
class Load:
    statuses: Counter[int]
    receipts: list[str]
    elapsed: float  # seconds
    p50: float  # milliseconds
    p99: float
    mean: float
    errors: int  # connect, read, write and timeout errors seen by wrk


def load(sessions: list[str], csrf: str, votes: list[tuple[int, list[int]]], work: Path, name: str) -> Load:
    """Send each vote once with wrk, CLIENTS connections; the statuses and receipts it read.
    ``sessions[k]`` is the signed-in session of the facilitator of table k + 1."""
    votes_file, out, script = work / f"{name}.votes", work / f"{name}.json", work / "votes.lua"
    votes_file.write_text("".join(f"{n} {' '.join(map(str, c))}\n" for n, c in votes), encoding="ascii")
    sessions_file = work / "sessions"
    sessions_file.write_text("".join(f"{k} {s}\n" for k, s in enumerate(sessions, start=1)), encoding="ascii")
    script.write_text(WRK_LUA, encoding="utf-8")
    env = {
        **os.environ,
        "BENCH_VOTES": str(votes_file),
        "BENCH_OUT": str(out),
        "BENCH_WRK_THREADS": str(WRK_THREADS),
        "BENCH_PATH_PREFIX": f"/gestion/consulta/{SLUG}/mesa/",
        "BENCH_SESSIONS": str(sessions_file),
        "BENCH_CSRF": csrf,
    }
    limit = 60 + len(votes) // 5  # stopped when every vote is answered; this only bounds a hang
    args = ["wrk", f"--connections={CLIENTS}", f"--threads={WRK_THREADS}", f"--duration={limit}s", "--timeout=30s"]
    markers = [Path(f"{out}.done{k}") for k in range(WRK_THREADS)]
    t0 = time.monotonic()
    proc = subprocess.Popen(
        [*args, "--latency", f"--script={script}", BASE],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    while proc.poll() is None and not all(m.exists() for m in markers):
        time.sleep(0.005)
    elapsed = time.monotonic() - t0
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
    output = proc.communicate(timeout=60)[0].decode(errors="replace")
    if not out.exists():
        sys.stderr.write(output)
        raise SystemExit("wrk wrote no summary")
    raw = json.loads(out.read_text())
    receipts = Path(f"{out}.receipts").read_text().split()
    unanswered = len(votes) - raw["answered"]
    statuses = Counter({int(k): v for k, v in raw["statuses"].items()})
    if unanswered:
        statuses[0] += unanswered
    return Load(
        statuses=statuses,
        receipts=receipts,
        elapsed=elapsed,
        p50=raw["p50"] / 1000,
        p99=raw["p99"] / 1000,
        mean=raw["mean"] / 1000,
        errors=raw["errors"],
    )


def gunicorn_workers() -> list[str]:
    if THREADS > 1:
        return ["--workers", str(WORKERS), "--worker-class", "gthread", "--threads", str(THREADS), "--keep-alive", "30"]
    return ["--workers", str(WORKERS)]


def worker_kind() -> str:
    if THREADS > 1:
        return f"{WORKERS} gthread workers × {THREADS} threads"
    return f"{WORKERS} sync workers"


def main() -> int:
    if shutil.which("wrk") is None:
        print("bench: wrk is missing. Install it with: sudo apt-get install -y wrk", file=sys.stderr)
        return 2
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
    if REDIS_URL:  # as deployed past one machine: cache and sessions in Redis (docs/deploy.md)
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
        env["REDIS_URL"] = REDIS_URL
    python = sys.executable
    this = str(Path(__file__).resolve())
    gunicorn: subprocess.Popen[bytes] | None = None
    try:
        log("migrating")
        run([str(BIN / "abierta"), "migrate", "--noinput", "-v0"], env)
        run([str(BIN / "abierta"), "collectstatic", "--noinput", "-v0"], env)
        sessions = json.loads(run([python, this, "seed"], env).strip().splitlines()[-1])["sessionids"]
        csrf = secrets.token_hex(16)  # 32 characters: an unmasked CSRF secret, sent as cookie and field
        log(f"starting gunicorn on {BASE} with {WORKERS} workers of {THREADS} threads")
        gunicorn = subprocess.Popen(
            [str(BIN / "gunicorn"), "abierta.wsgi", "--bind", f"{HOST}:{PORT}", *gunicorn_workers(), *LOG],
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
        cast = load(sessions, csrf, votes, data_dir, "votes")
        statuses = cast.statuses
        accepted = sum(n for s, n in statuses.items() if 200 <= s < 300)
        log(f"{accepted} accepted in {cast.elapsed:.1f} s; statuses {dict(statuses)}")
        dupes = rng.sample(votes, min(DUPLICATES, len(votes)))
        log(f"re-sending {len(dupes)} duplicates")
        dup = load(sessions, csrf, dupes, data_dir, "duplicates")
        dup_statuses = dup.statuses
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

    # wrk does not say which vote got which answer: the tally the clients expect is that of every vote
    # sent, which is only right when every vote was accepted (and anything else fails the run).
    sent: Counter[int] = Counter()
    for _n, choices in votes:
        sent.update(choices)
    expected_tally = {str(k): sent[k] for k in range(1, 6)}
    lost = accepted - db["ballots"]
    errors = statuses[0] + sum(n for s, n in statuses.items() if s >= 500) + cast.errors
    extra = db["ballots"] - accepted
    dup_refused = dup_statuses[409]
    vps = accepted / cast.elapsed
    published = {b["receipt_hash"] for b in json.loads(file_bytes)["ballots"]}
    receipts_ok = (
        len(cast.receipts) == accepted == len(set(cast.receipts))
        and {hashlib.sha256(r.encode()).hexdigest() for r in cast.receipts} == published
    )
    tally_ok = (
        recount["ballots"] == db["ballots"] == db["voters"]
        and recount["by_initiative"] == expected_tally
        and recount["digest"] in page
    )
    all_ok = (
        accepted == VOTERS
        and lost == 0
        and extra == 0
        and errors == 0
        and dup_refused == len(dupes)
        and tally_ok
        and receipts_ok
    )
    rows = [
        f"| {VOTERS:,} distinct voters, {CLIENTS} concurrent clients | {accepted:,} accepted (2xx) in "
        f"{cast.elapsed:.1f} s = **{vps:.0f} votes/s** (target ≥ {TARGET_VPS:.0f}: "
        f"{'met' if vps >= TARGET_VPS else 'MISSED'}); p50 {cast.p50:.0f} ms, p99 {cast.p99:.0f} ms, "
        f"mean {cast.mean:.0f} ms; statuses {dict(sorted(statuses.items()))}; socket errors {cast.errors} |",
        f"| database after the load | {db['voters']:,} voters, {db['ballots']:,} ballots: lost {lost}, "
        f"duplicated {max(extra, 0)} |",
        f"| {len(dupes):,} duplicates re-sent, {CLIENTS} concurrent clients | {dup_refused:,} refused (409) in "
        f"{dup.elapsed:.1f} s; ballots added: {db['ballots'] - accepted}; "
        f"statuses {dict(sorted(Counter(dup_statuses).items()))} |",
        f"| published ballot file ({len(file_bytes):,} bytes) recounted by scripts/recount.py | "
        f"{recount['ballots']:,} ballots; per initiative {recount['by_initiative']}; equals the database count "
        f"and what the clients sent: {'yes' if tally_ok else 'NO'}; digest on the results page: "
        f"{'yes' if recount['digest'] in page else 'NO'} |",
        f"| receipts read from the {accepted:,} answers | {len(cast.receipts):,} receipts, "
        f"{len(set(cast.receipts)):,} distinct; each one's hash is in the published file and no other: "
        f"{'yes' if receipts_ok else 'NO'} |",
    ]
    git_rev = version_of(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    facts = [
        f"- Date: {started:%Y-%m-%d %H:%M} UTC; commit {git_rev}",
        f"- Machine: `nproc` = {os.cpu_count()}, {platform.machine()}, load average before the run "
        f"{loadavg[0]:.2f} / {loadavg[1]:.2f} (1 / 5 min); shared and noisy: figures from one run",
        f"- PostgreSQL {pg_version} on 127.0.0.1; Python {platform.python_version()}; "
        f"{version_of([str(BIN / 'gunicorn'), '--version'])}, {worker_kind()}, DEBUG off; "
        f"the load: {version_of(['wrk', '--version']).split(' [')[0]}, {WRK_THREADS} threads, {CLIENTS} connections, "
        "on the same machine",
        f"- Path: the staff in-person entry (one POST per vote, {FACILITATORS} signed-in facilitators, each at "
        "a table of their own, with a verified second factor, CSRF checked), which runs the same `vote_cast` "
        "transaction as the web vote; "
        "the `fixed` code backend was not used",
        f"- Command: `.venv/bin/python bench/consultation.py`, BENCH_WORKERS={WORKERS} BENCH_THREADS={THREADS} "
        f"BENCH_CLIENTS={CLIENTS} BENCH_FACILITATORS={FACILITATORS} "
        f"BENCH_VOTERS={VOTERS} BENCH_DUPLICATES={DUPLICATES}",
        f"- Every expectation (all accepted, none lost, none duplicated, every duplicate refused, published "
        f"tally = database count, every receipt published): **{'met' if all_ok else 'MISSED'}**",
    ]
    report = "### Latest run\n\n| phase | result |\n| --- | --- |\n" + "\n".join(rows) + "\n\n" + "\n".join(facts)
    print()
    print(report)
    if WRITE_DOCS:
        write_docs_section(report, START, END, heading="## Citizen consultation")
        log(f"written to {DOCS.relative_to(ROOT)}")
    return 0 if all_ok else 1


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in {"seed", "close"}:
        print(json.dumps(seed() if sys.argv[1] == "seed" else close()))
    else:
        sys.exit(main())
