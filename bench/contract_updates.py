"""Benchmark of writing changed contracts on PostgreSQL: Django's ``bulk_update`` against the
importer's ``_copy_update`` (COPY into a temporary table, one ``UPDATE … FROM``), in one run.

    .venv/bin/python bench/contract_updates.py        # BENCH_DATABASE_URL, BENCH_CONTRACTS (5000)

Creates BENCH_CONTRACTS contracts by importing OCDS releases, then, three rounds each, alternating,
changes every contract's title and writes them back with each method (what an import of newer
releases does to an existing contract, ``_ContractWriter._write``). Prints the median time of each
and their ratio; writes the table into docs/benchmarks.md between the ``bench:contract-updates``
markers (BENCH_WRITE_DOCS=0 to only print).
"""

from __future__ import annotations

import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
N = int(os.environ.get("BENCH_CONTRACTS", "5000"))


def main() -> int:
    from pages import recreate_database, write_docs

    url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/abierta_bench_updates")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "abierta.settings")
    recreate_database(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from abierta.contracting.importers import UPDATE_FIELDS, OcdsImporter, _copy_update
    from abierta.contracting.models import Contract
    from abierta.core.importing import run_import

    call_command("migrate", verbosity=0)
    releases = [
        {
            "ocid": f"ocds-bench-{i:06d}",
            "id": f"r{i}",
            "date": "2024-01-01T00:00:00Z",
            "tag": ["tender"],
            "initiationType": "tender",
            "buyer": {"id": "CO-NIT-890480184", "name": "Alcaldía"},
            "tender": {"id": f"t{i}", "title": f"Contrato {i}", "value": {"amount": 1000 + i, "currency": "COP"}},
        }
        for i in range(N)
    ]
    path = Path(tempfile.mkdtemp()) / "releases.json"
    path.write_text(json.dumps({"releases": releases}))
    run_import(OcdsImporter(), path, out=io.StringIO(), progress=False)
    times: dict[str, list[float]] = {"bulk_update": [], "copy_update": []}
    for round_ in range(3):
        for method in ("bulk_update", "copy_update"):
            contracts = list(Contract.objects.all())
            for c in contracts:
                c.release = {**c.release, "tender": {**c.release["tender"], "title": f"{method} {round_}"}}
                c.title = f"{method} {round_}"
            started = time.perf_counter()
            with transaction.atomic():
                if method == "bulk_update":
                    Contract.objects.bulk_update(contracts, UPDATE_FIELDS, batch_size=1000)
                else:
                    _copy_update(contracts, UPDATE_FIELDS)
            times[method].append(time.perf_counter() - started)
            assert Contract.objects.filter(title=f"{method} {round_}").count() == N
    bulk, copy = statistics.median(times["bulk_update"]), statistics.median(times["copy_update"])
    report = "\n".join(
        [
            f"Writing {N:,} changed contracts on PostgreSQL, median of 3 rounds each, alternating "
            f"(load {os.getloadavg()[0]:.1f}); command: `.venv/bin/python bench/contract_updates.py`.",
            "",
            "| method | time | contracts/s |",
            "| --- | ---: | ---: |",
            f"| Django `bulk_update` (before) | {bulk:.2f} s | {N / bulk:,.0f} |",
            f"| COPY + `UPDATE … FROM` (now) | {copy:.2f} s | {N / copy:,.0f} |",
            "",
            f"Ratio: {bulk / copy:.1f}× faster.",
        ]
    )
    print(report)
    if os.environ.get("BENCH_WRITE_DOCS", "1") != "0":
        write_docs(
            report,
            "<!-- bench:contract-updates:start -->",
            "<!-- bench:contract-updates:end -->",
            heading="## Writing changed contracts (issue 14)",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
