"""Benchmark of the contract imports and the contract search (issue 4), on PostgreSQL.

    make bench-contracts        # or: .venv/bin/python bench/contracts.py

End to end, with no manual step:

1. writes, with bench/secop_data.py (seeded, the same bytes every run), a SECOP II contracts
   export of BENCH_ROWS (100,000) rows (dataset jbjy-vk9h, CSV, 78 columns) and the same
   contracts as JSON Lines of OCDS 1.1.5 releases, two per ocid (tender/award, then
   contract/implementation), and validates a sample of the releases against the local schema;
2. drops and creates the database BENCH_DATABASE_URL (default abierta_bench_contracts), migrates,
   and runs ``abierta import_secop_contratos FILE`` twice: the first run creates every contract,
   the second finds every row unchanged. For each run: wall time, rows/s, and the peak resident
   memory (VmHWM, from ``wait4``'s rusage) of the importing process;
3. OCDS: times ``ocdskit compile --schema <local release schema>`` on the releases file (it reads
   and merges only; its output goes to a file), then, in a second fresh database
   (BENCH_OCDS_DATABASE_URL, default abierta_bench_contracts_ocds), ``abierta import_ocds FILE``
   on the same file (reads, merges and stores). Target: the import at least as fast as compile;
4. contract search over the 100,000 contracts of step 2: gunicorn on 127.0.0.1 (DEBUG off, the
   anonymous page cache off: ``ABIERTA_PAGE_CACHE_SECONDS=0``, every search is rendered), a
   fixed mix of realistic searches on ``/contratos/`` (Spanish words common and rare, filters,
   sorts, deep pages), requested one at a time (BENCH_SEARCH_CLIENTS, default 1) for
   BENCH_SEARCH_ROUNDS (10) rounds after one warm-up round: p50/p95/p99 per kind and overall;
   and the same searches through the search functions directly (no HTTP, no template), to tell
   the database's share from the page's. Target: p95 ≤ 50 ms;
5. prints a table and writes it into docs/benchmarks.md between the ``bench:contracts`` markers.

Targets (issue 4): import ≥ 2,000 rows/s with a peak RSS ≤ 300 MB; OCDS import at least as fast as
``ocdskit compile`` on the same file in the same run; search p95 ≤ 50 ms. Figures come from one run
on a shared, noisy machine: the script records its load and never hides a miss.

Settings (environment): BENCH_DATABASE_URL, BENCH_OCDS_DATABASE_URL, BENCH_ROWS (100000),
BENCH_SEED (4), BENCH_PORT (8771), BENCH_WORKERS (3), BENCH_SEARCH_ROUNDS (10),
BENCH_SEARCH_CLIENTS (1), BENCH_SKIP (comma-separated parts to skip: secop, ocds, search; without
secop, the database is kept and searched as an earlier run left it),
BENCH_WRITE_DOCS (1; 0 to only print), BENCH_KEEP_FILES (a folder to keep the generated files in).
"""

from __future__ import annotations

import concurrent.futures
import datetime
import inspect
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pages import BIN, DOCS, ROOT, log, recreate_database, run, stop, version_of, wait_healthy, write_docs

START, END = "<!-- bench:contracts:start -->", "<!-- bench:contracts:end -->"
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/abierta_bench_contracts")
OCDS_DATABASE_URL = os.environ.get(
    "BENCH_OCDS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/abierta_bench_contracts_ocds"
)
ROWS = int(os.environ.get("BENCH_ROWS", "100000"))
SEED = int(os.environ.get("BENCH_SEED", "4"))
PORT = int(os.environ.get("BENCH_PORT", "8771"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
ROUNDS = int(os.environ.get("BENCH_SEARCH_ROUNDS", "10"))
CLIENTS = int(os.environ.get("BENCH_SEARCH_CLIENTS", "1"))
SKIP = {s.strip() for s in os.environ.get("BENCH_SKIP", "").split(",") if s.strip()}
WRITE_DOCS = os.environ.get("BENCH_WRITE_DOCS", "1") != "0"
KEEP_FILES = os.environ.get("BENCH_KEEP_FILES", "")
HOST = "127.0.0.1"  # loopback only
BASE = f"http://{HOST}:{PORT}"
# The shared test data: ../shared/data beside the repository, or $ABIERTA_SHARED_DIR/data (as factories.py).
SHARED = Path(os.environ.get("ABIERTA_SHARED_DIR") or ROOT.parent / "shared")
SCHEMA = SHARED / "data" / "ocds" / "schema-1.1.5" / "release-schema.json"
SEARCH_PATH = "/contratos/"
LOG = ["--log-level", "warning"]

TARGET_ROWS_S = 2000.0
TARGET_RSS_MB = 300.0
TARGET_P95_MS = 50.0

# The searches, by kind. Each is a dict of the search's fields (abierta.contracting.search.ContractFilters)
# plus "page"; PARAMS maps them to the names of the public form's fields in the address.
SEARCHES: dict[str, list[dict[str, Any]]] = {
    "text, common words (tens of thousands of matches)": [
        {"text": "servicios profesionales"},
        {"text": "prestación de servicios"},
        {"text": "apoyo a la gestión"},
        {"text": "suministro"},
        {"text": "cartagena"},
        {"text": "secretaría de infraestructura"},
        {"text": "contratación"},
        {"text": "plan de desarrollo"},
    ],
    "text, rare words (tens to hundreds of matches)": [
        {"text": "ciclorruta"},
        {"text": "caño juan angola"},
        {"text": "muralla baluartes"},
        {"text": "alumbrado público"},
        {"text": "kits escolares"},
        {"text": "interventoría pozón"},
        {"text": "pavimentación olaya herrera"},
        {"text": "protección costera la boquilla"},
    ],
    "text + filters": [
        {"text": "pavimentación", "year": 2024, "contract_type": "Obra"},
        {"text": "servicios profesionales", "entity": "transcaribe"},
        {"text": "suministro", "year": 2023, "value_min": 100_000_000},
        {"text": "interventoría", "status": "En ejecución"},
        {"text": "abogado", "modality": "Contratación directa", "year": 2025},
        {"text": "medicamentos", "entity": "dadis"},
        {"text": "escenario deportivo", "entity": "ider", "sort": "-valor"},
        {"text": "vivienda", "value_min": 1_000_000_000, "value_max": 20_000_000_000},
    ],
    "filters only": [
        {"modality": "Contratación directa", "year": 2023},
        {"contract_type": "Obra", "status": "En ejecución"},
        {"value_min": 5_000_000_000},
        {"entity": "instituto de patrimonio"},
        {"entity": "890480184", "year": 2022},
        {"contract_type": "Suministros", "modality": "Selección abreviada subasta inversa"},
        {"status": "Suspendido"},
        {"year": 2025, "value_max": 20_000_000},
    ],
    "contractor (name or document)": [
        {"supplier": "consorcio"},
        {"supplier": "marrugo"},
        {"supplier": "unión temporal caribe"},
        {"supplier": "constructora"},
        {"supplier": "padilla julio"},
        {"supplier": "ingeniería y obras"},
        {"supplier": "cassiani"},
        {"supplier": "puello"},
    ],
    "sorted and paged": [
        {"sort": "-valor"},
        {"sort": "valor", "page": 5},
        {"sort": "contratista", "page": 3},
        {"sort": "-entidad", "page": 2},
        {"sort": "fecha", "page": 10},
        {"sort": "-valor", "contract_type": "Obra", "page": 4},
        {"sort": "-fecha", "page": 20},
        {"sort": "-fecha", "page": 40},
    ],
    # The list counts at most search.COUNT_CAP (1,000) matches: 40 pages of 25.
    "no filter, pages 1 to 40": [
        {},
        {"page": 2},
        {"page": 3},
        {"page": 5},
        {"page": 10},
        {"page": 20},
        {"page": 30},
        {"page": 40},
    ],
}

# ContractFilters field -> query-string name of the public search form (abierta.contracting.forms).
PARAMS = {
    "text": "q",
    "entity": "entidad",
    "supplier": "contratista",
    "modality": "modalidad",
    "contract_type": "tipo",
    "status": "estado",
    "year": "anio",
    "value_min": "valor_min",
    "value_max": "valor_max",
    "sort": "orden",
    "page": "pagina",
}


@dataclass
class Timed:
    seconds: float
    maxrss_mb: float
    user_s: float
    sys_s: float
    returncode: int
    output: str
    pg_s: float = 0.0

    def cpu(self) -> str:
        pg = f"; PostgreSQL {self.pg_s:.1f} s" if self.pg_s else ""
        return f"{self.seconds:.1f} s (CPU: importer {self.user_s:.1f} s user + {self.sys_s:.1f} s sys{pg})"


class BackendCpu:
    """CPU seconds spent by the PostgreSQL backends serving one database while a command runs.

    Polls pg_stat_activity (client backends of ``url``'s database) and /proc/<pid>/stat every 0.2 s
    and keeps each backend's last reading: it can miss at most the last 0.2 s of a backend's work.
    """

    def __init__(self, url: str) -> None:
        self.database = urllib.parse.urlsplit(url).path.lstrip("/")
        self.admin_url = urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path="/postgres"))
        self.ticks: dict[int, int] = {}
        self.stop = False
        self.tick = os.sysconf("SC_CLK_TCK")

    def poll(self) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            while not self.stop:
                pids = conn.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = %s AND backend_type = 'client backend'",
                    (self.database,),
                ).fetchall()
                for (pid,) in pids:
                    try:
                        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                    except OSError:
                        continue
                    self.ticks[pid] = int(fields[11]) + int(fields[12])  # utime + stime
                time.sleep(0.2)

    @property
    def seconds(self) -> float:
        return sum(self.ticks.values()) / self.tick


def timed(
    args: list[str],
    env: dict[str, str],
    stdin: Path | None = None,
    stdout: Path | None = None,
    database_url: str = "",
) -> Timed:
    """Run ``args`` and measure its wall time, CPU time and peak RSS (ru_maxrss of this child alone);
    with ``database_url``, also the CPU time of the PostgreSQL backends serving it."""
    out_file = stdout.open("wb") if stdout else subprocess.PIPE
    in_file = stdin.open("rb") if stdin else subprocess.DEVNULL
    backend = BackendCpu(database_url) if database_url else None
    started = time.perf_counter()
    proc = subprocess.Popen(args, env=env, cwd=ROOT, stdin=in_file, stdout=out_file, stderr=subprocess.PIPE)
    # Read the pipes in threads so that a chatty child never blocks, then reap it with wait4 to get
    # its own rusage (RUSAGE_CHILDREN would mix every child this script has waited for).
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        f_out = pool.submit(proc.stdout.read) if proc.stdout else None
        f_err = pool.submit(proc.stderr.read) if proc.stderr else None
        f_pg = pool.submit(backend.poll) if backend else None
        _pid, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        if backend:
            backend.stop = True
        text = (f_out.result() if f_out else b"") + (f_err.result() if f_err else b"")
        if f_pg:
            f_pg.result()
    proc.returncode = os.waitstatus_to_exitcode(status)
    for f in (out_file, in_file):
        if hasattr(f, "close"):
            f.close()  # type: ignore[union-attr]
    return Timed(
        seconds=elapsed,
        maxrss_mb=usage.ru_maxrss / 1024,  # kB on Linux
        user_s=usage.ru_utime,
        sys_s=usage.ru_stime,
        returncode=proc.returncode,
        output=text.decode(errors="replace"),
        pg_s=backend.seconds if backend else 0.0,
    )


def db_query(url: str, sql: str) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(url) as conn:
        return list(conn.execute(sql).fetchall())


def last_run(url: str) -> dict[str, Any]:
    rows = db_query(
        url,
        "SELECT kind, status, read, created, updated, unchanged, rejected FROM core_importrun ORDER BY id DESC LIMIT 1",
    )
    if not rows:
        return {}
    keys = ("kind", "status", "read", "created", "updated", "unchanged", "rejected")
    return dict(zip(keys, rows[0], strict=True))


def django_env(url: str, data_dir: Path) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if k not in {"ABIERTA_TESTING", "DEBUG", "REDIS_URL"}},
        "DATABASE_URL": url,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "ABIERTA_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "abierta.settings",
    }


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def query_string(search: dict[str, Any]) -> str:
    pairs = [(PARAMS[k], str(v)) for k, v in search.items()]
    return SEARCH_PATH + ("?" + urllib.parse.urlencode(pairs) if pairs else "")


def fetch(path: str) -> tuple[int, float, int]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(f"{BASE}{path}", timeout=30) as response:  # noqa: S310 (loopback)
            body = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        body = error.read()
        status = error.code
    return status, (time.perf_counter() - started) * 1000, len(body)


# Run inside Django (``python bench/contracts.py direct FILE``): the search functions without HTTP.
def direct(spec_file: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "abierta.settings")
    import django

    django.setup()
    from decimal import Decimal

    from abierta.contracting import search

    spec = json.loads(spec_file.read_text())
    with_filters = "filters" in inspect.signature(search.result_page).parameters
    out: dict[str, list[float]] = {}
    for round_ in range(spec["rounds"] + 1):
        for kind, searches in spec["searches"].items():
            for s in searches:
                fields = {k: (Decimal(v) if k.startswith("value_") else v) for k, v in s.items() if k != "page"}
                started = time.perf_counter()
                filters = search.ContractFilters(**fields)
                qs = search.contracts_search(filters)
                try:
                    if with_filters:
                        page = search.result_page(qs, filters, s.get("page", 1))
                    else:
                        page = search.result_page(qs, s.get("page", 1))
                    len(page.items)
                except search.PageOutOfRange:  # only with fewer contracts than the benchmark's
                    pass
                ms = (time.perf_counter() - started) * 1000
                if round_:  # round 0 warms up
                    out.setdefault(kind, []).append(ms)
    print(json.dumps(out))


def measure_search(env: dict[str, str], data_dir: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str]:
    """p50/p95/p99 per kind, through HTTP and through the functions directly; and a note."""
    spec = data_dir / "searches.json"
    spec.write_text(json.dumps({"rounds": ROUNDS, "searches": SEARCHES}))
    log(f"search functions directly: {ROUNDS} rounds after one warm-up")
    direct_raw = json.loads(
        run([sys.executable, "bench/contracts.py", "direct", str(spec)], env).strip().splitlines()[-1]
    )
    direct_rows = [summarize(kind, values) for kind, values in direct_raw.items()]
    direct_rows.append(summarize("all searches", [v for vs in direct_raw.values() for v in vs]))

    http_rows: list[dict[str, Any]] = []
    note = ""
    page_env = {**env, "ABIERTA_PAGE_CACHE_SECONDS": "0"}
    log(f"starting gunicorn on {BASE} with {WORKERS} workers (page cache off)")
    gunicorn = subprocess.Popen(
        [str(BIN / "gunicorn"), "abierta.wsgi", "--bind", f"{HOST}:{PORT}", "--workers", str(WORKERS), *LOG],
        env=page_env,
        cwd=ROOT,
        stdout=(data_dir / "gunicorn.log").open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_healthy(gunicorn, base=BASE)
        status, _ms, _size = fetch(SEARCH_PATH)
        if status != 200:
            note = f"`{SEARCH_PATH}` answered HTTP {status}: the page was not measured, only the functions."
            return http_rows, direct_rows, note
        paths = [(kind, query_string(s)) for kind, searches in SEARCHES.items() for s in searches]
        bad = [(p, st) for _k, p in paths for st in [fetch(p)[0]] if st != 200]  # warm-up round, checked
        if bad:
            raise SystemExit(f"search pages that did not answer 200: {bad[:5]}")
        log(f"search pages: {ROUNDS} rounds of {len(paths)} searches, {CLIENTS} client(s) at a time")
        times: dict[str, list[float]] = {}
        sizes: list[int] = []
        work = [item for _ in range(ROUNDS) for item in paths]
        with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
            for (kind, _p), (st, ms, size) in zip(work, pool.map(lambda kp: fetch(kp[1]), work), strict=True):
                if st != 200:
                    raise SystemExit(f"{_p}: HTTP {st}")
                times.setdefault(kind, []).append(ms)
                sizes.append(size)
        http_rows = [summarize(kind, values) for kind, values in times.items()]
        http_rows.append(summarize("all searches", [v for vs in times.values() for v in vs]))
        note = f"mean page size {sum(sizes) / len(sizes) / 1024:.0f} KiB (uncompressed HTML)"
    finally:
        stop(gunicorn)
    return http_rows, direct_rows, note


def summarize(kind: str, values: list[float]) -> dict[str, Any]:
    return {
        "kind": kind,
        "n": len(values),
        "p50": pct(values, 50),
        "p95": pct(values, 95),
        "p99": pct(values, 99),
        "max": max(values) if values else float("nan"),
        "met": pct(values, 95) <= TARGET_P95_MS,
    }


def search_table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| searches | requests | p50 ms | p95 ms | p99 ms | max ms | p95 ≤ 50 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        name = f"**{r['kind']}**" if r["kind"] == "all searches" else r["kind"]
        lines.append(
            f"| {name} | {r['n']} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} | {r['max']:.1f} "
            f"| {'met' if r['met'] else 'MISSED'} |"
        )
    return "\n".join(lines)


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "direct":
        direct(Path(sys.argv[2]))
        return 0
    started = datetime.datetime.now(datetime.UTC)
    loadavg_before = os.getloadavg()
    git_rev = version_of(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    work_dir = Path(KEEP_FILES) if KEEP_FILES else Path(tempfile.mkdtemp(prefix="abierta-bench-contracts-"))
    work_dir.mkdir(parents=True, exist_ok=True)
    data_dir = Path(tempfile.mkdtemp(prefix="abierta-bench-contracts-data-"))
    python, abierta = sys.executable, str(BIN / "abierta")
    csv_file, ocds_file = work_dir / f"secop2-contratos-{ROWS}.csv", work_dir / f"ocds-releases-{ROWS}.jsonl"
    env = django_env(DATABASE_URL, data_dir)
    ocds_env = django_env(OCDS_DATABASE_URL, data_dir)
    import_rows: list[tuple[str, str, str, str, str, str]] = []
    facts_extra: list[str] = []
    verdicts: dict[str, bool] = {}
    http_rows: list[dict[str, Any]] = []
    direct_rows: list[dict[str, Any]] = []
    search_note = ""
    pg_version = "?"
    try:
        # 1. Files.
        if not csv_file.exists():
            log(f"writing {csv_file.name} ({ROWS:,} rows, seed {SEED})")
            run([python, "bench/secop_data.py", "csv", str(csv_file), "--rows", str(ROWS), "--seed", str(SEED)], env)
        if "ocds" not in SKIP and not ocds_file.exists():
            log(f"writing {ocds_file.name} ({2 * ROWS:,} releases)")
            run([python, "bench/secop_data.py", "ocds", str(ocds_file), "--rows", str(ROWS), "--seed", str(SEED)], env)
        if "ocds" not in SKIP:
            checked = json.loads(run([python, "bench/secop_data.py", "check-ocds", str(ocds_file)], env))["valid"]
            facts_extra.append(
                f"- Files: {csv_file.name} {csv_file.stat().st_size / 1e6:.0f} MB; {ocds_file.name} "
                f"{ocds_file.stat().st_size / 1e6:.0f} MB ({2 * ROWS:,} releases; the first {checked:,} "
                "validated against the OCDS 1.1.5 release schema)"
            )
        else:
            facts_extra.append(f"- Files: {csv_file.name} {csv_file.stat().st_size / 1e6:.0f} MB")

        # 2. SECOP II import, twice.
        if "secop" in SKIP:  # the search alone, on the contracts an earlier run imported
            pg_version = str(db_query(DATABASE_URL, "SHOW server_version")[0][0])
        else:
            log(f"recreating the database {urllib.parse.urlsplit(DATABASE_URL).path.lstrip('/')}")
            pg_version = recreate_database(DATABASE_URL)
            run([abierta, "migrate", "--noinput", "-v0"], env)
            for label in ("first import (creates)", "second import, same file (all unchanged)"):
                log(f"abierta import_secop_contratos: {label}")
                t = timed([abierta, "import_secop_contratos", str(csv_file)], env, database_url=DATABASE_URL)
                if t.returncode != 0:
                    sys.stderr.write(t.output[-4000:])
                    raise SystemExit(f"import_secop_contratos failed with code {t.returncode}")
                counts = last_run(DATABASE_URL)
                rate = ROWS / t.seconds
                fast, small = rate >= TARGET_ROWS_S, t.maxrss_mb <= TARGET_RSS_MB
                verdicts[f"SECOP II {label}: ≥ 2,000 rows/s"] = fast
                verdicts[f"SECOP II {label}: peak RSS ≤ 300 MB"] = small
                import_rows.append(
                    (
                        f"`import_secop_contratos`, {label}",
                        t.cpu(),
                        f"**{rate:,.0f}** ({'met' if fast else 'MISSED'})",
                        f"**{t.maxrss_mb:.0f}** ({'met' if small else 'MISSED'})",
                        f"read {counts.get('read')}, created {counts.get('created')}, updated {counts.get('updated')}, "
                        f"unchanged {counts.get('unchanged')}, rejected {counts.get('rejected')}",
                        "",
                    )
                )
                log(f"  {t.seconds:.1f} s, {rate:,.0f} rows/s, peak RSS {t.maxrss_mb:.0f} MB; {counts}")
            stored = db_query(DATABASE_URL, "SELECT count(*) FROM works_contract")[0][0]
            facts_extra.append(f"- Contracts stored after the SECOP II imports: {stored:,}")

        # 3. OCDS: ocdskit compile, then import_ocds into a fresh database.
        if "ocds" not in SKIP:
            log("ocdskit compile (local schema) on the releases file")
            compiled = work_dir / "compiled.jsonl"
            c = timed([str(BIN / "ocdskit"), "compile", "--schema", str(SCHEMA)], env, stdin=ocds_file, stdout=compiled)
            if c.returncode != 0:
                sys.stderr.write(c.output[-4000:])
                raise SystemExit("ocdskit compile failed")
            with compiled.open("rb") as f:
                compiled_count = sum(1 for _ in f)
            compiled.unlink()
            log(f"  {c.seconds:.1f} s, {compiled_count:,} compiled releases, peak RSS {c.maxrss_mb:.0f} MB")
            recreate_database(OCDS_DATABASE_URL)
            run([abierta, "migrate", "--noinput", "-v0"], ocds_env)
            log("abierta import_ocds on the same file (fresh database)")
            i = timed([abierta, "import_ocds", str(ocds_file)], ocds_env, database_url=OCDS_DATABASE_URL)
            if i.returncode != 0:
                sys.stderr.write(i.output[-4000:])
                raise SystemExit(f"import_ocds failed with code {i.returncode}")
            counts = last_run(OCDS_DATABASE_URL)
            stored_ocds = db_query(OCDS_DATABASE_URL, "SELECT count(*) FROM works_contract")[0][0]
            log(f"  {i.seconds:.1f} s, peak RSS {i.maxrss_mb:.0f} MB; {counts}; {stored_ocds:,} contracts stored")
            ratio = c.seconds / i.seconds
            verdicts["OCDS import at least as fast as ocdskit compile"] = i.seconds <= c.seconds
            import_rows.append(
                (
                    f"`ocdskit compile --schema <local>` ({2 * ROWS:,} releases → {compiled_count:,} compiled; "
                    "output to a file)",
                    f"{c.seconds:.1f} s (CPU: {c.user_s:.1f} s user + {c.sys_s:.1f} s sys)",
                    f"{2 * ROWS / c.seconds:,.0f} releases/s",
                    f"{c.maxrss_mb:.0f}",
                    "merges only, stores nothing",
                    "",
                )
            )
            import_rows.append(
                (
                    f"`import_ocds`, same file, fresh database ({stored_ocds:,} contracts stored)",
                    i.cpu(),
                    f"{2 * ROWS / i.seconds:,.0f} releases/s",
                    f"{i.maxrss_mb:.0f}",
                    f"read {counts.get('read')}, created {counts.get('created')}, updated {counts.get('updated')}, "
                    f"unchanged {counts.get('unchanged')}, rejected {counts.get('rejected')}",
                    f"compile time ÷ import time = **{ratio:.2f}** "
                    f"({'met' if i.seconds <= c.seconds else 'MISSED'}: needs ≥ 1)",
                )
            )

        # 4. Search.
        if "search" not in SKIP:
            count = db_query(DATABASE_URL, "SELECT count(*) FROM works_contract")[0][0]
            if count < ROWS:
                raise SystemExit(f"only {count} contracts in the database: the search needs the SECOP II import")
            analyzed = db_query(
                DATABASE_URL,
                "SELECT last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL FROM pg_stat_user_tables "
                "WHERE relname = 'works_contract'",
            )[0][0]
            # The steady state a few minutes after an import: autovacuum has analysed the table. (The
            # importers do not run ANALYZE themselves; right after a large import the planner's
            # estimates can be off until autovacuum gets to it.)
            import psycopg

            with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
                conn.execute("ANALYZE works_contract")
            facts_extra.append(
                "- Before the search: `ANALYZE works_contract` (autovacuum had "
                + ("already" if analyzed else "**not yet**")
                + " analysed the table after the import)"
            )
            run([abierta, "collectstatic", "--noinput", "-v0"], env)
            http_rows, direct_rows, search_note = measure_search(env, data_dir)
            rows_for_target = http_rows or direct_rows
            verdicts["search p95 ≤ 50 ms (all searches)"] = rows_for_target[-1]["met"]
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
        if not KEEP_FILES:
            shutil.rmtree(work_dir, ignore_errors=True)

    loadavg_after = os.getloadavg()
    parts = [f"### Latest run ({ROWS:,} contracts)"]
    if import_rows:
        parts.append(
            "| what | time | rows/s | peak RSS MB | counts | ratio |\n| --- | ---: | ---: | ---: | --- | --- |\n"
            + "\n".join("| " + " | ".join(r) + " |" for r in import_rows)
        )
    if http_rows:
        parts.append(
            f"Search pages `{SEARCH_PATH}` through HTTP (gunicorn, page cache off), {CLIENTS} client(s) at a time, "
            f"{ROUNDS} rounds after a warm-up round; {search_note}:\n\n" + search_table(http_rows)
        )
    elif search_note:
        parts.append(search_note)
    if direct_rows:
        parts.append(
            "The same searches through `abierta.contracting.search` directly (count capped, one page of 25 read; no "
            "HTTP, no template):\n\n" + search_table(direct_rows)
        )
    facts = [
        f"- Date: {started:%Y-%m-%d %H:%M} UTC; commit {git_rev}",
        f"- Machine: `nproc` = {os.cpu_count()}, {platform.machine()}, load average {loadavg_before[0]:.2f} / "
        f"{loadavg_before[1]:.2f} before the run and {loadavg_after[0]:.2f} / {loadavg_after[1]:.2f} after "
        "(1 / 5 min); shared and noisy: figures from one run",
        f"- PostgreSQL {pg_version} on 127.0.0.1; Python {platform.python_version()}; "
        f"{version_of([str(BIN / 'gunicorn'), '--version'])}; ocdskit {pkg_version('ocdskit')}, "
        f"ocdsmerge {pkg_version('ocdsmerge')}",
        "- Peak RSS: `ru_maxrss` of the importing process itself (from `wait4`), not counting PostgreSQL",
        f"- Search server: gunicorn, {WORKERS} sync workers, DEBUG off, `ABIERTA_PAGE_CACHE_SECONDS=0`",
        *facts_extra,
        f"- Command: `{os.path.relpath(sys.executable, ROOT)} bench/contracts.py`, settings BENCH_ROWS={ROWS} "
        f"BENCH_SEED={SEED} BENCH_WORKERS={WORKERS} BENCH_SEARCH_ROUNDS={ROUNDS} BENCH_SEARCH_CLIENTS={CLIENTS}"
        + (f" BENCH_SKIP={','.join(sorted(SKIP))}" if SKIP else "")
        + (" BENCH_KEEP_FILES=<folder> (files written by an earlier run with the same seed)" if KEEP_FILES else ""),
        "- Targets: " + "; ".join(f"{k}: **{'met' if v else 'MISSED'}**" for k, v in verdicts.items()),
    ]
    parts.append("\n".join(facts))
    report = "\n\n".join(parts)
    print()
    print(report)
    if WRITE_DOCS:
        write_docs(report, START, END, heading="## Contracts: SECOP II and OCDS imports, contract search")
        log(f"written to {DOCS.relative_to(ROOT)}")
    return 0 if all(verdicts.values()) else 1


def pkg_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "?"


if __name__ == "__main__":
    raise SystemExit(main())
