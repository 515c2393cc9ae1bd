"""Benchmark of the page behind a work's QR code (``/o/<code>``), next to nginx serving the same HTML.

    make bench-works        # or: .venv/bin/python bench/works.py

End to end, with no manual step:

1. drops and creates the database BENCH_DATABASE_URL (default abierta_bench_works; ``sqlite`` for
   the embedded default of ``make run``: SQLite in the run's data folder, no Redis), migrates, and
   fills it with bench/secop_data.py ``seed-works`` (seeded; bulk inserts through the real models):
   BENCH_CONTRACTS (100,000) contracts as OCDS compiled releases and BENCH_WORKS (10,000) works,
   each with its works contract, its interventoría and 2–5 dated progress updates;
2. runs ``abierta collectstatic`` and starts gunicorn on 127.0.0.1 (BENCH_WORKERS sync workers,
   DEBUG off), for each way of keeping the anonymous page cache: in each worker's memory
   (``ABIERTA_LOCAL_PAGE_CACHE=locmem``, the default without REDIS_URL before issue 15), in files
   shared by the workers (``ABIERTA_LOCAL_PAGE_CACHE=file``, the default without REDIS_URL since,
   decision 0026), in Redis shared by the workers (as deployed past one machine; BENCH_REDIS_URL,
   default redis://127.0.0.1:6379/13, flushed first; skipped when unreachable or empty), and the
   page cache off. With a shared cache (files, Redis) every work's page is visited once first
   (4 clients), as a page whose billboard has been scanned before (each worker's memory keeps at
   most 2,000 pages, so there only wrk's warm-up runs first);
3. for each, loads ``/o/<code>`` rotating over all the works' codes (a wrk Lua script reads them
   from a file) with wrk, BENCH_CONNECTIONS (64) connections, 2 threads, a warm-up then
   BENCH_DURATION seconds: requests/s, p50/p90/p99, non-2xx answers (3xx included), socket errors;
4. writes one rendered page to a folder and serves it with nginx (2 worker processes, a minimal
   configuration in a temporary folder, ``daemon off``, access log off) for every ``/o/<code>``,
   and loads it with the same wrk settings, in the same run: the static baseline. Two more rows,
   for reading the figures (no target of their own): the visit beacon ``/o/<code>/v.gif`` that
   every visit also loads (never cached), and nginx caching gunicorn's answers with the shipped
   configuration (deploy/nginx/, rendered with the bench's ports and folders, ``proxy_cache``, what
   a CDN in front does too, docs/deploy.md) with the shared-cache gunicorn (Redis, else files) behind;
5. measures what a visitor downloads: the page's HTML and its stylesheets, gzip-compressed
   (level 6, as a CDN or nginx ``gzip_comp_level 6`` sends them), against the 50 KB target;
6. prints a table and writes it into docs/benchmarks.md between the ``bench:works`` markers.

Targets (issue 4): p99 ≤ 50 ms at 64 concurrent clients and throughput ≥ 25% of static nginx;
at most 50 KB transferred (HTML + CSS, compressed). One run on a shared, noisy machine: the script
records its load and never hides a miss.

Settings (environment): BENCH_DATABASE_URL, BENCH_PORT (8772), BENCH_NGINX_PORT (8773),
BENCH_WORKERS (3), BENCH_THREADS (1: sync workers; above 1, gthread), BENCH_CONNECTIONS (64),
BENCH_DURATION (20), BENCH_WARMUP (5), BENCH_WORKS (10000), BENCH_CONTRACTS (100000),
BENCH_SEED (4), BENCH_REDIS_URL, BENCH_WRITE_DOCS (1; 0 to only print). Needs wrk and nginx (Debian:
``apt-get install -y wrk nginx``).
"""

from __future__ import annotations

import concurrent.futures
import datetime
import gzip
import json
import os
import platform
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from pages import BIN, DOCS, ROOT, log, recreate_database, run, stop, version_of, wait_healthy, write_docs

sys.path.insert(0, str(ROOT / "deploy" / "nginx"))
import render as nginx_site  # deploy/nginx/render.py

START, END = "<!-- bench:works:start -->", "<!-- bench:works:end -->"
EMBEDDED_START, EMBEDDED_END = "<!-- bench:works-embedded:start -->", "<!-- bench:works-embedded:end -->"
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/abierta_bench_works")
# "sqlite": make run's embedded default (SQLite in the run's data folder); its own docs section.
EMBEDDED = DATABASE_URL == "sqlite"
PORT = int(os.environ.get("BENCH_PORT", "8772"))
NGINX_PORT = int(os.environ.get("BENCH_NGINX_PORT", "8773"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
THREADS = int(os.environ.get("BENCH_THREADS", "1"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "64"))
DURATION = int(os.environ.get("BENCH_DURATION", "20"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "5"))
WORKS = int(os.environ.get("BENCH_WORKS", "10000"))
CONTRACTS = int(os.environ.get("BENCH_CONTRACTS", "100000"))
SEED = int(os.environ.get("BENCH_SEED", "4"))
WRITE_DOCS = os.environ.get("BENCH_WRITE_DOCS", "1") != "0"
# Empty to skip the Redis row; the database is flushed before use.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
HOST = "127.0.0.1"  # loopback only: never load any other address
BASE = f"http://{HOST}:{PORT}"
NGINX_BASE = f"http://{HOST}:{NGINX_PORT}"
TARGET_P99_MS = 50.0
LOCMEM_MODE = "gunicorn, page cache on, in each worker's memory (`ABIERTA_LOCAL_PAGE_CACHE=locmem`, before issue 15)"
FILE_MODE = "gunicorn, page cache on, in files shared by the workers (default without REDIS_URL)"
REDIS_MODE = "gunicorn, page cache on, in Redis shared by the workers (REDIS_URL)"
NGINX_MODE = "nginx, the same HTML as a static file"
BEACON_MODE = "gunicorn, the visit beacon `/o/<code>/v.gif` (counts the visit; never cached)"
OFF_MODE = "gunicorn, page cache off (every request rendered)"
PROXY_MODE = "nginx with deploy/nginx, caching gunicorn's answers (`proxy_cache`), {behind} behind"
CACHED_MODES = (LOCMEM_MODE, FILE_MODE, REDIS_MODE)
TARGET_SHARE = 0.25
TARGET_BYTES = 50_000  # "50 KB", read as 50,000 bytes (the stricter reading)
GZIP_LEVEL = 6

# wrk script: each thread reads the paths (one per line) from BENCH_PATHS_FILE and rotates over
# them from its own offset; every answer's status is checked (wrk's own count misses 1xx and 3xx);
# the summary goes to BENCH_OUT as JSON. Latencies in microseconds.
WRK_LUA = r"""
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS_FILE")) do paths[#paths + 1] = line end
local threads = {}
local counter = 0
setup = function(thread)
  thread:set("offset", counter * 7919)
  counter = counter + 1
  table.insert(threads, thread)
end
local i = 0
non2xx = 0
init = function(args) i = offset end
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
response = function(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end
done = function(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("non2xx") end
  local e = summary.errors
  local f = io.open(os.getenv("BENCH_OUT"), "w")
  f:write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "p50": %d, "p90": %d, "p99": %d, ' ..
    '"max": %d, "mean": %f, "connect": %d, "read": %d, "write": %d, "status": %d, ' ..
    '"timeout": %d, "non2xx": %d}',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout, bad))
  f:close()
end
"""

NGINX_CONF = """worker_processes 2;
{user}
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {dir}/body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  server {{
    listen {host}:{port};
    root {dir}/www;
    default_type "text/html; charset=utf-8";
    location = /healthz {{ return 200 "ok"; }}
    location / {{ try_files /work.html =404; }}
  }}
}}
"""


def wrk(base: str, paths_file: Path, first: str, seconds: int, script: Path, out: Path) -> dict[str, float]:
    env = {**os.environ, "BENCH_PATHS_FILE": str(paths_file), "BENCH_OUT": str(out)}
    args = [
        "wrk",
        f"--connections={CONNECTIONS}",
        "--threads=2",
        f"--duration={seconds}s",
        "--timeout=10s",
        "--latency",
        f"--script={script}",
        f"{base}{first}",
    ]
    # Bounded: wrk stops by itself after `seconds`; the timeout is a safety net.
    subprocess.run(args, env=env, check=True, capture_output=True, timeout=seconds + 30)
    data: dict[str, float] = json.loads(out.read_text())
    return data


def summarize(name: str, raw: dict[str, float]) -> dict[str, Any]:
    return {
        "server": name,
        "requests": int(raw["requests"]),
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50": raw["p50"] / 1000,
        "p90": raw["p90"] / 1000,
        "p99": raw["p99"] / 1000,
        "max": raw["max"] / 1000,
        "non2xx": int(raw["non2xx"]),
        "errors": int(raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]),
        "bytes_per_request": raw["bytes"] / max(raw["requests"], 1),
    }


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, dict[str, str]]:
    req = urllib.request.Request(url, headers=headers or {})  # noqa: S310 (loopback)
    try:
        with urllib.request.urlopen(req, timeout=15) as response:  # noqa: S310 (loopback)
            return response.status, response.read(), dict(response.headers.items())
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers.items())


def transfer_size(html: bytes) -> dict[str, Any]:
    """The page's HTML and stylesheets, raw and gzip-compressed; scripts and images listed apart."""
    text = html.decode()
    css = re.findall(r'<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"', text)
    css += [h for h in re.findall(r'<link[^>]*href="([^"]+)"[^>]*rel="stylesheet"', text) if h not in css]
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', text)
    images = re.findall(r'<img[^>]*src="([^"]+)"', text)
    result: dict[str, Any] = {
        "html": len(html),
        "html_gz": len(gzip.compress(html, GZIP_LEVEL)),
        "css": [],
        "scripts": [],
        "images": images,
    }
    for kind, urls in (("css", css), ("scripts", scripts)):
        for href in urls:
            status, body, _headers = get(urllib.parse.urljoin(BASE + "/", href))
            if status != 200:
                raise SystemExit(f"{href}: HTTP {status}")
            result[kind].append((href, len(body), len(gzip.compress(body, GZIP_LEVEL))))
    result["total_gz"] = result["html_gz"] + sum(gz for _h, _n, gz in result["css"])
    return result


def redis_reachable() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping())
    except Exception:
        return False


def flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def start_gunicorn(env: dict[str, str], data_dir: Path) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-m", "gunicorn", "abierta.wsgi", "--bind", f"{HOST}:{PORT}", "--workers", str(WORKERS)]
    if THREADS > 1:
        args += ["--threads", str(THREADS), "--worker-class", "gthread"]
    gunicorn = subprocess.Popen(
        [*args, "--log-level", "warning"],
        env=env,
        cwd=ROOT,
        stdout=(data_dir / "gunicorn.log").open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    wait_healthy(gunicorn, base=BASE)
    return gunicorn


def start_nginx(page: bytes | None, data_dir: Path) -> subprocess.Popen[bytes]:
    """nginx serving ``page`` as a static file, or (``page`` None) caching gunicorn as a CDN would."""
    ngx = data_dir / ("nginx" if page is not None else "nginx-proxy")
    for sub in ("www", "body", "proxy", "fastcgi", "uwsgi", "scgi", "cache"):
        (ngx / sub).mkdir(parents=True, exist_ok=True)
    # As root, nginx's workers would switch to "nobody", who cannot read a private temporary folder.
    proxy_user = pwd.getpwuid(os.getuid()).pw_name if os.geteuid() == 0 else ""
    user = f"user {proxy_user};" if proxy_user else ""
    conf = ngx / "nginx.conf"
    if page is not None:
        (ngx / "www" / "work.html").write_bytes(page)
        conf.write_text(NGINX_CONF.format(user=user, dir=ngx, host=HOST, port=NGINX_PORT))
    else:
        # The shipped configuration, with the bench's ports and folders; its TLS server gets a
        # throwaway certificate (wrk loads the plain HTTP server, as a CDN's origin pull would).
        key, cert = ngx / "key.pem", ngx / "cert.pem"
        openssl = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"]
        subprocess.run(
            [*openssl, "-keyout", str(key), "-out", str(cert)],
            check=True,
            capture_output=True,
            timeout=60,
        )
        site = nginx_site.write(
            ngx / "site",
            {
                "APP": f"{HOST}:{PORT}",
                "SERVER_NAME": f"{HOST} localhost",
                "HTTP_LISTEN": f"{HOST}:{NGINX_PORT}",
                "HTTPS_LISTEN": f"{HOST}:{NGINX_PORT + 1}",
                "CERTIFICATE": str(cert),
                "CERTIFICATE_KEY": str(key),
                "STATIC_ROOT": str(data_dir / "static"),
                "MEDIA_ROOT": str(data_dir / "media"),
                "CACHE_DIR": str(ngx / "cache"),
                "ACCESS_LOG": "/dev/null",
            },
        )
        # /healthz: the app's, proxied
        conf = nginx_site.standalone(ngx, site, user=proxy_user, workers=2, connections=1024)
    proc = subprocess.Popen(
        ["nginx", "-c", str(conf), "-p", str(ngx)],
        stdout=(ngx / "stdout.log").open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"nginx exited with code {proc.returncode}: {(ngx / 'stdout.log').read_text()}")
        try:
            if get(f"{NGINX_BASE}/healthz")[0] == 200:
                return proc
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise SystemExit("nginx did not answer in time")


def stop_nginx(proc: subprocess.Popen[bytes]) -> None:
    log("stopping nginx")
    try:
        os.killpg(proc.pid, signal.SIGQUIT)  # graceful shutdown
        proc.wait(timeout=20)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def table(rows: list[dict[str, Any]], nginx_rps: float) -> str:
    lines = [
        "| server | requests | req/s | share of nginx | p50 ms | p90 ms | p99 ms | max ms | non-2xx "
        "| socket errors | bytes/answer | p99 ≤ 50 ms | ≥ 25% of nginx |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for r in rows:
        share = r["rps"] / nginx_rps if nginx_rps else float("nan")
        is_nginx = r["server"] not in (*CACHED_MODES, OFF_MODE)
        lines.append(
            f"| {r['server']} | {r['requests']} | {r['rps']:.0f} | {share:.1%} | {r['p50']:.1f} | {r['p90']:.1f} "
            f"| {r['p99']:.1f} | {r['max']:.1f} | {r['non2xx']} | {r['errors']} | {r['bytes_per_request']:,.0f} "
            f"| {'—' if is_nginx else ('met' if r['p99'] <= TARGET_P99_MS else 'MISSED')} "
            f"| {'—' if is_nginx else ('met' if share >= TARGET_SHARE else 'MISSED')} |"
        )
    return "\n".join(lines)


def main() -> int:
    for tool in ("wrk", "nginx", "openssl"):
        if shutil.which(tool) is None:
            print(f"bench: {tool} is missing. Install it with: apt-get install -y wrk nginx openssl", file=sys.stderr)
            return 2
    started = datetime.datetime.now(datetime.UTC)
    loadavg_before = os.getloadavg()
    git_rev = version_of(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    data_dir = Path(tempfile.mkdtemp(prefix="abierta-bench-works-"))
    if EMBEDDED:
        # make run's settings: no DATABASE_URL (SQLite in ABIERTA_DATA_DIR, a new folder), no Redis.
        import sqlite3

        pg_version = f"SQLite {sqlite3.sqlite_version}"
        database = {}
    else:
        log(f"recreating the database {urllib.parse.urlsplit(DATABASE_URL).path.lstrip('/')}")
        pg_version = f"PostgreSQL {recreate_database(DATABASE_URL)}"
        database = {"DATABASE_URL": DATABASE_URL}
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in {"ABIERTA_TESTING", "DEBUG", "REDIS_URL", "DATABASE_URL", "ABIERTA_LOCAL_PAGE_CACHE"}
        },
        **database,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "ABIERTA_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "abierta.settings",
    }
    # This checkout's code (cwd), not whatever an editable install of the venv points at.
    abierta = [sys.executable, "-m", "abierta.manage"]
    rows: list[dict[str, Any]] = []
    server: subprocess.Popen[bytes] | None = None
    nginx: subprocess.Popen[bytes] | None = None
    size: dict[str, Any] = {}
    page_headers: dict[str, str] = {}
    try:
        log("migrating")
        run([*abierta, "migrate", "--noinput", "-v0"], env)
        log(f"seeding {WORKS:,} works and {CONTRACTS:,} contracts (bench/secop_data.py seed-works)")
        t0 = time.monotonic()
        seed_args = ["seed-works", "--works", str(WORKS), "--contracts", str(CONTRACTS), "--seed", str(SEED)]
        out = run([sys.executable, "bench/secop_data.py", *seed_args], env)
        seeded = json.loads(out.strip().splitlines()[-1])
        seed_seconds = time.monotonic() - t0
        codes: list[str] = seeded.pop("codes")
        log(f"seeded {seeded} in {seed_seconds:.0f} s")
        run([*abierta, "collectstatic", "--noinput", "-v0"], env)
        paths_file = data_dir / "paths.txt"
        paths_file.write_text("".join(f"/o/{c}\n" for c in codes))
        beacons_file = data_dir / "beacons.txt"
        beacons_file.write_text("".join(f"/o/{c}/v.gif\n" for c in codes))
        first = f"/o/{codes[0]}"
        script = data_dir / "bench.lua"
        script.write_text(WRK_LUA)

        page = b""
        modes: list[tuple[str, dict[str, str], bool]] = [
            # Each worker's local-memory cache keeps at most 2,000 pages (settings.CACHES): visiting all
            # 10,000 first would not make it hold them, so only wrk's warm-up runs before the measure.
            (LOCMEM_MODE, {"ABIERTA_PAGE_CACHE_SECONDS": "600", "ABIERTA_LOCAL_PAGE_CACHE": "locmem"}, False),
            (FILE_MODE, {"ABIERTA_PAGE_CACHE_SECONDS": "600", "ABIERTA_LOCAL_PAGE_CACHE": "file"}, True),
        ]
        redis = bool(REDIS_URL) and not EMBEDDED and redis_reachable()
        if redis:
            modes.append((REDIS_MODE, {"ABIERTA_PAGE_CACHE_SECONDS": "600", "REDIS_URL": REDIS_URL}, True))
        modes.append((OFF_MODE, {"ABIERTA_PAGE_CACHE_SECONDS": "0"}, False))
        # The beacon and nginx's proxy cache are measured once, in front of the shared cache as deployed.
        front_of = REDIS_MODE if redis else FILE_MODE
        for mode, mode_env, warm_all in modes:
            if "REDIS_URL" in mode_env:
                flush_redis()
            log(f"starting gunicorn on {BASE}: {WORKERS} workers x {THREADS} threads ({mode})")
            server = start_gunicorn({**env, **mode_env}, data_dir)
            for code in (codes[0], codes[-1]):
                status, body, headers = get(f"{BASE}/o/{code}")
                if status != 200:
                    raise SystemExit(f"/o/{code}: HTTP {status}")
            if not page:
                page, page_headers = body, headers
                size = transfer_size(page)
            if warm_all:
                # Steady state: every work's page visited once before (its billboard has been scanned).
                log(f"visiting all {len(codes):,} pages once, 4 clients ({mode})")
                t0 = time.monotonic()
                with concurrent.futures.ThreadPoolExecutor(4) as pool:
                    statuses = set(pool.map(lambda c: get(f"{BASE}/o/{c}")[0], codes))
                if statuses != {200}:
                    raise SystemExit(f"warm pass: statuses {statuses}")
                log(f"  {time.monotonic() - t0:.0f} s")
            log(f"warm-up {WARMUP} s ({mode})")
            wrk(BASE, paths_file, first, WARMUP, script, data_dir / "warmup.json")
            log(f"measuring {DURATION} s at {CONNECTIONS} connections ({mode})")
            measured = wrk(BASE, paths_file, first, DURATION, script, data_dir / "o.json")
            rows.append(summarize(mode, measured))
            if mode == front_of:
                # Every visit also loads the beacon that counts it; it is never cached.
                log(f"the visit beacon: warm-up {WARMUP} s, then {DURATION} s")
                wrk(BASE, beacons_file, f"{first}/v.gif", WARMUP, script, data_dir / "warmup.json")
                measured = wrk(BASE, beacons_file, f"{first}/v.gif", DURATION, script, data_dir / "o.json")
                rows.append(summarize(BEACON_MODE, measured))
                # The shipped nginx configuration in front (deploy/nginx/): caching gunicorn's answers.
                log("nginx with deploy/nginx caching gunicorn's answers: every page once, then wrk")
                nginx = start_nginx(None, data_dir)
                with concurrent.futures.ThreadPoolExecutor(4) as pool:
                    statuses = set(pool.map(lambda c: get(f"{NGINX_BASE}/o/{c}")[0], codes))
                if statuses != {200}:
                    raise SystemExit(f"proxy warm pass: statuses {statuses}")
                wrk(NGINX_BASE, paths_file, first, WARMUP, script, data_dir / "warmup.json")
                measured = wrk(NGINX_BASE, paths_file, first, DURATION, script, data_dir / "o.json")
                behind = "Redis" if mode == REDIS_MODE else "the shared files"
                rows.append(summarize(PROXY_MODE.format(behind=behind), measured))
                stop_nginx(nginx)
                nginx = None
            stop(server)
            server = None
            if mode == LOCMEM_MODE:
                log("nginx serving the same HTML as a static file")
                nginx = start_nginx(page, data_dir)
                wrk(NGINX_BASE, paths_file, first, WARMUP, script, data_dir / "warmup.json")
                measured = wrk(NGINX_BASE, paths_file, first, DURATION, script, data_dir / "o.json")
                rows.append(summarize(NGINX_MODE, measured))
                stop_nginx(nginx)
                nginx = None
        queries = json.loads(run([sys.executable, "bench/works.py", "queries", codes[0]], env).strip().splitlines()[-1])
    finally:
        if server is not None:
            stop(server)
        if nginx is not None:
            stop_nginx(nginx)
        shutil.rmtree(data_dir, ignore_errors=True)

    loadavg_after = os.getloadavg()
    nginx_rps = next(r["rps"] for r in rows if r["server"] == NGINX_MODE)
    verdicts = {
        r["server"]: (r["p99"] <= TARGET_P99_MS, r["rps"] / nginx_rps >= TARGET_SHARE)
        for r in rows
        if r["server"] in CACHED_MODES
    }
    if REDIS_MODE not in verdicts:
        why = "the embedded default has no Redis" if EMBEDDED else f"BENCH_REDIS_URL={REDIS_URL!r} unreachable or empty"
        verdicts_note = f"; Redis row skipped ({why})"
    else:
        verdicts_note = ""
    # The old per-worker memory row is there for comparison: the verdict is on what is deployed.
    p99_met = all(p for name, (p, _s) in verdicts.items() if name != LOCMEM_MODE)
    share_met = all(s for name, (_p, s) in verdicts.items() if name != LOCMEM_MODE)
    size_met = size["total_gz"] <= TARGET_BYTES
    clean = all(r["non2xx"] == 0 and r["errors"] == 0 for r in rows)
    css_note = ", ".join(f"`{h}` {n:,} B ({gz:,} B gzip)" for h, n, gz in size["css"]) or "none"
    js_note = ", ".join(f"`{h}` {n:,} B ({gz:,} B gzip)" for h, n, gz in size["scripts"]) or "none"
    facts = [
        f"- Date: {started:%Y-%m-%d %H:%M} UTC; commit {git_rev}",
        f"- Machine: `nproc` = {os.cpu_count()}, {platform.machine()}, load average {loadavg_before[0]:.2f} / "
        f"{loadavg_before[1]:.2f} before the run and {loadavg_after[0]:.2f} / {loadavg_after[1]:.2f} after "
        "(1 / 5 min); shared and noisy: figures from one run",
        f"- {pg_version}"
        + (" (make run's embedded default: no DATABASE_URL, no REDIS_URL)" if EMBEDDED else " on 127.0.0.1")
        + f"; Python {platform.python_version()}; "
        f"{version_of([str(BIN / 'gunicorn'), '--version'])}; {version_of(['nginx', '-v'])}; "
        f"{version_of(['wrk', '-v'])}",
        f"- Server: gunicorn, {WORKERS} {'sync' if THREADS == 1 else 'gthread'} workers"
        + (f" x {THREADS} threads" if THREADS > 1 else "")
        + ", DEBUG off; nginx: 2 worker processes, access log off, sendfile; all on the same machine as wrk"
        + ("" if EMBEDDED else " and PostgreSQL")
        + "; the proxy row: deploy/nginx/ as shipped (gzip, access log to /dev/null, 2 worker processes)",
        f"- Load: wrk, {CONNECTIONS} connections, 2 threads, {WARMUP} s warm-up then {DURATION} s measured, "
        f"timeout 10 s; `/o/<code>` rotating over all {len(codes):,} works (each thread from its own offset)",
        f"- Data: {seeded['works']:,} works, {seeded['contracts']:,} contracts, {seeded['work_contracts']:,} "
        f"links work–contract, {seeded['updates']:,} progress updates (seeded in {seed_seconds:.0f} s)",
        f"- The page as rendered (cache off, Django test client): {queries['queries']} SQL queries, "
        f"{queries['bytes']:,} bytes; `Cache-Control: {page_headers.get('Cache-Control', '(none)')}`",
        f"- Transferred (gzip level {GZIP_LEVEL}): HTML {size['html']:,} B → {size['html_gz']:,} B; stylesheets "
        f"{css_note}; **HTML + CSS {size['total_gz']:,} B** against 50 KB (50,000 B): "
        f"**{'met' if size_met else 'MISSED'}**. Scripts (not needed to read the page): {js_note}; "
        f"images: {len(size['images'])}",
        f"- Command: `{'BENCH_DATABASE_URL=sqlite ' if EMBEDDED else ''}{os.path.relpath(sys.executable, ROOT)} "
        f"bench/works.py`, settings BENCH_WORKERS={WORKERS} "
        f"BENCH_THREADS={THREADS} BENCH_CONNECTIONS={CONNECTIONS} BENCH_DURATION={DURATION} BENCH_WARMUP={WARMUP} "
        f"BENCH_WORKS={WORKS} BENCH_CONTRACTS={CONTRACTS} BENCH_SEED={SEED}",
        "- Targets with the page cache on (as deployed): "
        + "; ".join(
            f"{name.split(', ', 2)[-1]}: p99 ≤ 50 ms **{'met' if p else 'MISSED'}**, ≥ 25% of nginx "
            f"**{'met' if sh else 'MISSED'}**"
            for name, (p, sh) in verdicts.items()
        )
        + f"{verdicts_note}; every answer 2xx and no socket error: {'yes' if clean else 'NO'}",
    ]
    report = f"### Latest run\n\n{table(rows, nginx_rps)}\n\n" + "\n".join(facts)
    print()
    print(report)
    if WRITE_DOCS:
        if EMBEDDED:
            write_docs(
                report,
                EMBEDDED_START,
                EMBEDDED_END,
                heading="## The page behind a work's QR code, embedded default (SQLite, no Redis)",
            )
        else:
            write_docs(report, START, END, heading="## The page behind a work's QR code")
        log(f"written to {DOCS.relative_to(ROOT)}")
    return 0 if p99_met and share_met and size_met and clean else 1


def queries(code: str) -> None:
    """SQL queries and bytes of one rendered page (page cache off), through Django's test client."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "abierta.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ABIERTA_PAGE_CACHE_SECONDS = 0
    client = Client()
    client.get(f"/o/{code}")  # warm
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/o/{code}")
    print(json.dumps({"queries": len(ctx.captured_queries), "bytes": len(response.content)}))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "queries":
        queries(sys.argv[2])
        raise SystemExit(0)
    raise SystemExit(main())
