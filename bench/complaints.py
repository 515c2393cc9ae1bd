"""Benchmark of the complaint channel: submission latency with real Argon2id, and how much one
machine absorbs before the proof of work and the rate limits answer.

    .venv/bin/python bench/complaints.py        # or: make bench-complaints

End to end, with no manual step:

1. drops and creates the database (BENCH_DATABASE_URL, default
   postgres://postgres@127.0.0.1:5432/abierta_bench_complaints), migrates, and gives two
   transparency officers a handler key (every case is sealed to both);
2. starts gunicorn on 127.0.0.1 with production settings for the channel (Argon2id m = 64 MiB,
   t = 3, p = 4; proof of work 16 bits), Redis as the shared cache of the anti-abuse counters
   (REDIS_URL, default redis://127.0.0.1:6379/15, flushed first), and the client address read from
   X-Real-IP, as behind a proxy, so that the benchmark can speak as many sources;
3. before each phase, fetches the forms and solves their proofs of work in this process (the
   client's cost, not measured as server time), then measures:
   A. latency: N_SEQ reports sent one at a time, each from its own source, each with a 50 kB PDF;
      then N_SEQ follow-up sign-ins with their receipts (two Argon2id runs each);
   B. capacity: N_LOAD reports from distinct sources with BENCH_CONCURRENCY concurrent clients:
      accepted reports per minute and latency under load;
   C. one source sending 15 valid reports in a row: how many are accepted before 429;
   D. 200 reports with a wrong proof of work, 20 concurrent clients: all refused, and how fast;
   E. one source trying 25 wrong receipts: answered until the 20th, 429 from the 21st;
4. prints a table and writes it into docs/benchmarks.md between the ``bench:complaints`` markers.

Settings: BENCH_DATABASE_URL, BENCH_PORT (8766), BENCH_WORKERS (3), BENCH_CONCURRENCY (8),
BENCH_N_SEQ (40), BENCH_N_LOAD (240), REDIS_URL, BENCH_WRITE_DOCS (1).
"""

from __future__ import annotations

import concurrent.futures
import datetime
import hashlib
import html
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from pages import BIN, DOCS, ROOT, log, recreate_database, run, stop, version_of, wait_healthy, write_docs

START, END = "<!-- bench:complaints:start -->", "<!-- bench:complaints:end -->"
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/abierta_bench_complaints")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
PORT = int(os.environ.get("BENCH_PORT", "8766"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
N_SEQ = int(os.environ.get("BENCH_N_SEQ", "40"))
N_LOAD = int(os.environ.get("BENCH_N_LOAD", "240"))
WRITE_DOCS = os.environ.get("BENCH_WRITE_DOCS", "1") != "0"
HOST = "127.0.0.1"
BASE = f"http://{HOST}:{PORT}"
FORM = "/denuncias/nueva/"
FOLLOWUP = "/denuncias/seguimiento/"
PDF = b"%PDF-1.4\n" + b"% relleno de prueba\n" * 2600 + b"trailer<</Root 1 0 R>>\n%%EOF\n"
WHAT = "El 3 de noviembre un funcionario de la ventanilla 3 pidió dinero para aprobar una licencia de construcción."

CHALLENGE = re.compile(r'name="challenge" value="([^"]+)"')
RECEIPT = re.compile(r'id="receipt"[^>]*>\s*([0-9A-Z]{4}(?:-[0-9A-Z]{4}){3})')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def request(path: str, source: str, data: bytes | None = None, content_type: str = "") -> tuple[int, str, float]:
    headers = {"X-Real-IP": source}
    if content_type:
        headers["Content-Type"] = content_type
    req = urllib.request.Request(BASE + path, data=data, headers=headers)  # noqa: S310 (loopback)
    started = time.perf_counter()
    try:
        with OPENER.open(req, timeout=120) as response:
            body = response.read().decode()
            status = response.status
    except urllib.error.HTTPError as error:
        body = error.read().decode(errors="replace")
        status = error.code
    return status, body, (time.perf_counter() - started) * 1000


def solve(challenge: str) -> str:
    bits = int(challenge.split(".")[3])
    n = 0
    while True:
        digest = hashlib.sha256(f"{challenge}:{n}".encode()).digest()
        value = int.from_bytes(digest, "big")
        if value >> (256 - bits) == 0:
            return str(n)
        n += 1


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, data) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/pdf\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def prepared_report(source: str, valid_pow: bool = True) -> tuple[str, bytes, str]:
    status, body, _ = request(FORM, source)
    if status != 200:
        raise SystemExit(f"GET {FORM} answered {status}")
    match = CHALLENGE.search(body)
    if not match:
        raise SystemExit("no challenge in the form")
    challenge = html.unescape(match.group(1))
    answer = solve(challenge) if valid_pow else "1"
    data, content_type = multipart(
        {
            "challenge": challenge,
            "pow": answer,
            "category": "bribery",
            "what": WHAT,
            "where": "Edificio de la Alcaldía",
            "identity": "anonymous",
        },
        {"attachments": ("mensajes.pdf", PDF)},
    )
    return source, data, content_type


def send(prepared: tuple[str, bytes, str]) -> tuple[int, float, str | None]:
    source, data, content_type = prepared
    status, body, ms = request(FORM, source, data, content_type)
    match = RECEIPT.search(body)
    return status, ms, match.group(1) if match and status == 200 else None


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def main() -> int:
    started = datetime.datetime.now(datetime.UTC)
    loadavg_before = os.getloadavg()
    log(f"recreating the database {urllib.parse.urlsplit(DATABASE_URL).path.lstrip('/')}")
    pg_version = recreate_database(DATABASE_URL)
    flush_redis()
    data_dir = Path(tempfile.mkdtemp(prefix="abierta-bench-complaints-"))
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"ABIERTA_TESTING", "DEBUG"}},
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "ABIERTA_DATA_DIR": str(data_dir),
        "ABIERTA_CLIENT_IP_HEADER": "HTTP_X_REAL_IP",
        "DJANGO_SETTINGS_MODULE": "abierta.settings",
    }
    abierta = str(BIN / "abierta")
    gunicorn: subprocess.Popen[bytes] | None = None
    rows: list[tuple[str, str]] = []
    ok = True
    try:
        log("migrating and creating two handler keys (Argon2id, production parameters)")
        run([abierta, "migrate", "--noinput", "-v0"], env)
        run(
            [
                abierta,
                "shell",
                "-c",
                "from abierta.accounts.models import User\n"
                "from abierta.complaints import services\n"
                "for e in ('a@bench.local', 'b@bench.local'):\n"
                "    u = User.objects.create_user(email=e, password='bench-password-1', role='transparency')\n"
                "    services.handler_key_create(user=u, password='bench-password-1')\n",
            ],
            env,
        )
        run([abierta, "collectstatic", "--noinput", "-v0"], env)
        log(f"starting gunicorn on {BASE} with {WORKERS} workers")
        gunicorn = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "abierta.wsgi",
                "--bind",
                f"{HOST}:{PORT}",
                "--workers",
                str(WORKERS),
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
            stdout=(data_dir / "gunicorn.log").open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_healthy(gunicorn, base=BASE)
        source_counter = iter(range(1, 10**6))

        def new_source() -> str:
            n = next(source_counter)
            return f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"

        # A. Latency, one at a time.
        log(f"A: preparing {N_SEQ} reports (proof of work solved here)")
        prepared = [prepared_report(new_source()) for _ in range(N_SEQ + 3)]
        for p in prepared[:3]:  # warm-up
            send(p)
        log(f"A: sending {N_SEQ} reports one at a time")
        results = [send(p) for p in prepared[3:]]
        submit_ms = [ms for status, ms, receipt in results if receipt]
        receipts = [receipt for _, _, receipt in results if receipt]
        ok &= len(receipts) == N_SEQ
        log(f"A: {len(receipts)} / {N_SEQ} accepted; following up with their receipts")
        followup_ms: list[float] = []
        for receipt in receipts:
            status, _body, ms = request(
                FOLLOWUP,
                new_source(),
                urllib.parse.urlencode({"receipt": receipt}).encode(),
                "application/x-www-form-urlencoded",
            )
            if status == 303:
                followup_ms.append(ms)
        ok &= len(followup_ms) == len(receipts)
        rows.append(
            (
                "A. report sent (Argon2id ×2, encryption, 50 kB PDF), one at a time",
                f"{len(submit_ms)} accepted; p50 {pct(submit_ms, 50):.0f} ms, p99 {pct(submit_ms, 99):.0f} ms, "
                f"mean {statistics.mean(submit_ms):.0f} ms",
            )
        )
        rows.append(
            (
                "A. follow-up sign-in with the receipt (Argon2id ×2), one at a time",
                f"{len(followup_ms)} accepted; p50 {pct(followup_ms, 50):.0f} ms, p99 {pct(followup_ms, 99):.0f} ms",
            )
        )

        # B. Capacity with concurrent clients.
        log(f"B: preparing {N_LOAD} reports")
        prepared = [prepared_report(new_source()) for _ in range(N_LOAD)]
        log(f"B: sending them with {CONCURRENCY} concurrent clients")
        t0 = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(CONCURRENCY) as pool:
            results = list(pool.map(send, prepared))
        elapsed = time.perf_counter() - t0
        accepted = [ms for status, ms, receipt in results if receipt]
        statuses = sorted({status for status, _, _ in results})
        ok &= len(accepted) == N_LOAD
        rows.append(
            (
                f"B. {N_LOAD} reports from distinct sources, {CONCURRENCY} concurrent clients",
                f"{len(accepted)} accepted in {elapsed:.1f} s = **{len(accepted) / elapsed * 60:.0f} reports/min**; "
                f"p50 {pct(accepted, 50):.0f} ms, p99 {pct(accepted, 99):.0f} ms; statuses {statuses}",
            )
        )

        # C. One source, valid reports in a row.
        source = new_source()
        prepared = [prepared_report(source) for _ in range(15)]
        statuses_c = [send(p)[0] for p in prepared]
        first_429 = statuses_c.index(429) + 1 if 429 in statuses_c else None
        ok &= first_429 == 11
        rows.append(
            (
                "C. one source, 15 valid reports in a row",
                f"accepted {statuses_c.count(200)}; first 429 at report {first_429}; statuses {statuses_c}",
            )
        )

        # D. Wrong proof of work, many sources.
        prepared = [prepared_report(new_source(), valid_pow=False) for _ in range(200)]
        t0 = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(20) as pool:
            results = list(pool.map(send, prepared))
        elapsed = time.perf_counter() - t0
        refused = [r for r in results if r[2] is None]
        ok &= len(refused) == 200
        rows.append(
            (
                "D. 200 reports with a wrong proof of work, 20 concurrent clients",
                f"refused {len(refused)} (statuses {sorted({r[0] for r in results})}) at "
                f"{len(results) / elapsed:.0f} refusals/s, p99 {pct([r[1] for r in results], 99):.0f} ms",
            )
        )

        # E. Receipt guessing from one source.
        source = new_source()
        statuses_e = []
        for i in range(25):
            status, _body, _ms = request(
                FOLLOWUP,
                source,
                urllib.parse.urlencode({"receipt": f"0000-0000-0000-{i:04d}"}).encode(),
                "application/x-www-form-urlencoded",
            )
            statuses_e.append(status)
        first_429_e = statuses_e.index(429) + 1 if 429 in statuses_e else None
        ok &= first_429_e == 21
        rows.append(("E. one source, 25 wrong receipts", f"first 429 at attempt {first_429_e}; statuses {statuses_e}"))
    finally:
        if gunicorn is not None:
            stop(gunicorn)
        shutil.rmtree(data_dir, ignore_errors=True)

    git_rev = version_of(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    table = "| phase | result |\n| --- | --- |\n" + "\n".join(f"| {a} | {b} |" for a, b in rows)
    facts = [
        f"- Date: {started:%Y-%m-%d %H:%M} UTC; commit {git_rev}",
        f"- Machine: `nproc` = {os.cpu_count()}, {platform.machine()}, load average before the run "
        f"{loadavg_before[0]:.2f} / {loadavg_before[1]:.2f} (1 / 5 min); shared and noisy: figures from one run",
        f"- PostgreSQL {pg_version}, Redis at {REDIS_URL} (anti-abuse counters), Python {platform.python_version()}, "
        f"gunicorn {WORKERS} sync workers; clients on the same machine",
        "- Argon2id m = 64 MiB, t = 3, p = 4 (production); proof of work 16 bits (solved by the client, not timed)",
        f"- Command: `{os.path.relpath(sys.executable, ROOT)} bench/complaints.py`, BENCH_CONCURRENCY={CONCURRENCY} "
        f"BENCH_N_SEQ={N_SEQ} BENCH_N_LOAD={N_LOAD}",
        f"- Every expectation (all valid reports accepted, 429 from the 11th report of one source and from the 21st "
        f"wrong receipt, every wrong proof of work refused): **{'met' if ok else 'NOT met'}**",
    ]
    report = "### Latest run\n\n" + table + "\n\n" + "\n".join(facts)
    print()
    print(report)
    if WRITE_DOCS:
        write_docs(report, START, END, heading="## Complaint channel (denuncias)")
        log(f"written to {DOCS.relative_to(ROOT)}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
