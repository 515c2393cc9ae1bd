"""Benchmark of the plan overview and commitment pages, served by gunicorn on PostgreSQL.

    make bench          # or: .venv/bin/python bench/pages.py

End to end, with no manual step:

1. drops and creates the bench database (BENCH_DATABASE_URL, default
   postgres://postgres@127.0.0.1:5432/abierta_bench), runs ``abierta migrate`` and fills it with
   bench/data.py: one action plan, 50 commitments, 500 milestones, 5,000 progress updates and
   their public history records;
2. runs ``abierta collectstatic`` into a temporary data directory and starts gunicorn on
   127.0.0.1 (loopback only), waiting for /healthz;
3. loads each page with wrk, 32 connections for a fixed time after a short warm-up: the plan
   overview, then the commitment page rotating over all 50 commitments;
4. prints a table (requests/s, p50, p90, p99, max, errors) and writes it, with the machine's
   facts and this command, into docs/benchmarks.md between the ``bench:results`` markers.

gunicorn is stopped at the end, also on failure or Ctrl+C. The target (issue): p99 under 100 ms
at 32 concurrent clients on each page. The machine is shared and noisy: figures come from one
run, and the script says so; it never hides a miss.

Settings (environment): BENCH_DATABASE_URL, BENCH_PORT (default 8765), BENCH_WORKERS (gunicorn
workers, default 3 = cores + 1), BENCH_CONNECTIONS (default 32), BENCH_DURATION (seconds per page, default
20), BENCH_WARMUP (seconds per page, default 5), BENCH_WRITE_DOCS (default 1; 0 to only print).
Needs wrk (Debian: ``apt-get install -y wrk``).
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DOCS = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- bench:results:start -->", "<!-- bench:results:end -->"
TARGET_P99_MS = 100.0
PLAN_SLUG = "plan-bench"

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/abierta_bench")
PORT = int(os.environ.get("BENCH_PORT", "8765"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
DURATION = int(os.environ.get("BENCH_DURATION", "20"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "5"))
WRITE_DOCS = os.environ.get("BENCH_WRITE_DOCS", "1") != "0"
HOST = "127.0.0.1"  # loopback only: never load any other address
BASE = f"http://{HOST}:{PORT}"

# wrk script: rotate over the paths given in BENCH_PATHS (space-separated), and write the
# summary as JSON to BENCH_OUT. Latencies are in microseconds.
WRK_LUA = r"""
local paths = {}
for p in string.gmatch(os.getenv("BENCH_PATHS"), "%S+") do paths[#paths + 1] = p end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  local f = io.open(os.getenv("BENCH_OUT"), "w")
  f:write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "p50": %d, "p90": %d, "p99": %d, ' ..
    '"max": %d, "mean": %f, "connect": %d, "read": %d, "write": %d, "status": %d, ' ..
    '"timeout": %d}',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout))
  f:close()
end
"""


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def recreate_database(url: str) -> str:
    """Drop and create the database named in ``url``; return the server's version."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise SystemExit(f"unexpected database name {name!r}")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
        row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "?"


def run(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"failed: {' '.join(args)}")
    return result.stdout


def wait_healthy(proc: subprocess.Popen[bytes], timeout: float = 60, base: str = BASE) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not answer /healthz in time")


def check_page(path: str) -> int:
    with urllib.request.urlopen(f"{BASE}{path}", timeout=10) as response:  # noqa: S310 (loopback)
        if response.status != 200:
            raise SystemExit(f"{path}: HTTP {response.status}")
        return len(response.read())


def wrk(paths: list[str], seconds: int, script: Path, out: Path) -> dict[str, float]:
    env = {**os.environ, "BENCH_PATHS": " ".join(paths), "BENCH_OUT": str(out)}
    args = [
        "wrk",
        f"--connections={CONNECTIONS}",
        "--threads=2",
        f"--duration={seconds}s",
        "--timeout=10s",
        "--latency",
        f"--script={script}",
        f"{BASE}{paths[0]}",
    ]
    # Bounded: wrk stops by itself after `seconds`; the timeout is a safety net.
    subprocess.run(args, env=env, check=True, capture_output=True, timeout=seconds + 30)
    data: dict[str, float] = json.loads(out.read_text())
    return data


def summarize(name: str, raw: dict[str, float]) -> dict[str, object]:
    errors = int(raw["connect"] + raw["read"] + raw["write"] + raw["timeout"])
    p99 = raw["p99"] / 1000
    return {
        "page": name,
        "requests": int(raw["requests"]),
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50": raw["p50"] / 1000,
        "p90": raw["p90"] / 1000,
        "p99": p99,
        "max": raw["max"] / 1000,
        "non2xx": int(raw["status"]),
        "errors": errors,
        "met": p99 < TARGET_P99_MS and errors == 0 and raw["status"] == 0,
    }


def table(rows: list[dict[str, object]]) -> str:
    lines = [
        "| page | requests | req/s | p50 ms | p90 ms | p99 ms | max ms | non-2xx | socket errors | p99 < 100 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {r['page']} | {r['requests']} | {r['rps']:.1f} | {r['p50']:.1f} | {r['p90']:.1f} "
            f"| {r['p99']:.1f} | {r['max']:.1f} | {r['non2xx']} | {r['errors']} "
            f"| {'met' if r['met'] else 'MISSED'} |"
        )
    return "\n".join(lines)


def version_of(args: list[str]) -> str:
    try:
        out = subprocess.run(args, capture_output=True, text=True, check=False, timeout=10)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "?"


def write_docs(report: str, start: str = START, end: str = END, heading: str = "") -> None:
    """Put ``report`` between the markers ``start`` and ``end`` of docs/benchmarks.md (added if missing)."""
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    if start not in text or end not in text:
        text = text.rstrip("\n") + (f"\n\n{heading}" if heading else "") + f"\n\n{start}\n{end}\n"
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    DOCS.write_text(f"{head}{start}\n{report}\n{end}{tail}", encoding="utf-8")


def stop(gunicorn: subprocess.Popen[bytes]) -> None:
    log("stopping gunicorn")
    try:
        os.killpg(gunicorn.pid, signal.SIGTERM)
        gunicorn.wait(timeout=20)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(gunicorn.pid, signal.SIGKILL)
        gunicorn.wait()


def main() -> int:
    if shutil.which("wrk") is None:
        print("bench: wrk is missing. Install it with: sudo apt-get install -y wrk", file=sys.stderr)
        return 2
    script = os.path.relpath(sys.argv[0], ROOT) if sys.argv[0] else "bench/pages.py"
    direct = f"{os.path.relpath(sys.executable, ROOT)} {script}"
    command = f"make bench (runs {direct})" if os.environ.get("MAKELEVEL") else direct
    settings_note = (
        f"BENCH_WORKERS={WORKERS} BENCH_CONNECTIONS={CONNECTIONS} BENCH_DURATION={DURATION} BENCH_WARMUP={WARMUP}"
    )
    started = datetime.datetime.now(datetime.UTC)
    loadavg_before = os.getloadavg()

    log(f"recreating the database {urlsplit(DATABASE_URL).path.lstrip('/')}")
    pg_version = recreate_database(DATABASE_URL)
    data_dir = Path(tempfile.mkdtemp(prefix="abierta-bench-"))
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"ABIERTA_TESTING", "DEBUG", "REDIS_URL"}},
        "DATABASE_URL": DATABASE_URL,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "ABIERTA_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "abierta.settings",
    }
    abierta = str(BIN / "abierta")
    python = sys.executable
    gunicorn: subprocess.Popen[bytes] | None = None
    try:
        log("migrating")
        run([abierta, "migrate", "--noinput", "-v0"], env)
        log("generating data (bench/data.py seed)")
        t0 = time.monotonic()
        counts = json.loads(run([python, "bench/data.py", "seed"], env).strip().splitlines()[-1])
        log(f"data: {counts} in {time.monotonic() - t0:.1f} s")
        run([abierta, "collectstatic", "--noinput", "-v0"], env)
        queries = json.loads(run([python, "bench/data.py", "queries"], env).strip().splitlines()[-1])
        log(f"queries and bytes per page: {queries}")

        codes = [f"BENCH{n:04d}" for n in range(1, counts["commitments"] + 1)]
        plan_paths = [f"/plan/{PLAN_SLUG}/"]
        commitment_paths = [f"/plan/{PLAN_SLUG}/compromisos/{c}/" for c in codes]
        script = data_dir / "bench.lua"
        script.write_text(WRK_LUA)
        rows = []
        # Both configurations in one run, so their ratio is measured under the same noise:
        # the page cache on (as deployed) and off (every request renders the page).
        for mode, cache_seconds in (("page cache on", "600"), ("page cache off", "0")):
            mode_env = {**env, "ABIERTA_PAGE_CACHE_SECONDS": cache_seconds}
            log(f"starting gunicorn on {BASE} with {WORKERS} workers ({mode})")
            gunicorn_log = (data_dir / "gunicorn.log").open("ab")
            gunicorn = subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    "abierta.wsgi",
                    "--bind",
                    f"{HOST}:{PORT}",
                    "--workers",
                    str(WORKERS),
                    "--log-level",
                    "warning",
                ],
                env=mode_env,
                cwd=ROOT,
                stdout=gunicorn_log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            wait_healthy(gunicorn)
            for path in (*plan_paths, commitment_paths[0], commitment_paths[-1]):
                check_page(path)
            for name, paths in (
                ("plan overview `/plan/<slug>/`", plan_paths),
                ("commitment `/plan/<slug>/compromisos/<code>/` (50 rotating)", commitment_paths),
            ):
                log(f"warm-up {WARMUP} s: {name} ({mode})")
                wrk(paths, WARMUP, script, data_dir / "warmup.json")
                log(f"measuring {DURATION} s at {CONNECTIONS} connections: {name} ({mode})")
                rows.append(summarize(f"{name}, {mode}", wrk(paths, DURATION, script, data_dir / "out.json")))
            stop(gunicorn)
            gunicorn = None
    finally:
        if gunicorn is not None:
            stop(gunicorn)
        shutil.rmtree(data_dir, ignore_errors=True)

    result_table = table(rows)
    all_met = all(r["met"] for r in rows)
    deployed_met = all(r["met"] for r in rows if "cache on" in str(r["page"]))
    git_rev = version_of(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    facts = [
        f"- Date: {started:%Y-%m-%d %H:%M} UTC; commit {git_rev}",
        f"- Machine: `nproc` = {os.cpu_count()}, {platform.machine()}, "
        f"load average before the run {loadavg_before[0]:.2f} / {loadavg_before[1]:.2f} "
        "(1 / 5 min); shared and noisy: figures from one run",
        f"- PostgreSQL {pg_version} on 127.0.0.1; Python {platform.python_version()}; "
        f"{version_of([str(BIN / 'gunicorn'), '--version'])}; {version_of(['wrk', '-v'])}",
        f"- Server: gunicorn, {WORKERS} sync workers (cores + 1; see above), DEBUG off, "
        "on the same machine as PostgreSQL and wrk",
        f"- Load: wrk, {CONNECTIONS} connections, 2 threads, {WARMUP} s warm-up then "
        f"{DURATION} s measured per page, timeout 10 s",
        f"- Data: {counts['commitments']} commitments, {counts['milestones']} milestones, "
        f"{counts['updates']} progress updates, {counts['history_records']} history records",
        f"- Per page as rendered (page cache off; Django test client): plan overview {queries['plan']['queries']} SQL "
        f"queries, {queries['plan']['bytes']:,} bytes; commitment page "
        f"{queries['commitment']['queries']} SQL queries, {queries['commitment']['bytes']:,} bytes",
        f"- Command: `{command}`, settings {settings_note}",
        f"- Target p99 < {TARGET_P99_MS:.0f} ms on both pages, as deployed (page cache on): "
        f"**{'met' if deployed_met else 'MISSED'}**; every row: {'met' if all_met else 'some MISSED'}",
    ]
    report = f"### Latest run\n\n{result_table}\n\n" + "\n".join(facts)
    print()
    print(report)
    if WRITE_DOCS:
        write_docs(report)
        log(f"written to {DOCS.relative_to(ROOT)}")
    return 0 if all(r["errors"] == 0 and r["non2xx"] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
