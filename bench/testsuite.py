"""Wall and CPU time of ``make test`` at two commits, measured in one run on this machine.

    .venv/bin/python bench/testsuite.py [--before REV] [--after REV] [--database-url URL]

Each commit is cloned into a temporary folder (with the shared test data beside it, when this
checkout has it), its tools are installed first (``make install-dev node messages``, not timed),
then ``make test`` is timed: wall time, and the CPU time of every process it ran (user + system,
from ``getrusage(RUSAGE_CHILDREN)``). The pytest summaries (unit and browser) are picked from its
output. ``--before`` defaults to the last commit before the house-plan restructuring.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SUMMARY = re.compile(r"=+ (.*? in [\d.]+s.*?) =+")


def run_make_test(rev: str, workdir: Path, database_url: str) -> dict[str, object]:
    checkout = workdir / rev[:12]
    subprocess.run(["git", "clone", "-q", str(ROOT), str(checkout)], check=True)
    subprocess.run(["git", "-C", str(checkout), "checkout", "-q", rev], check=True)
    env = {**os.environ, "DATABASE_URL": database_url}
    subprocess.run(["make", "install-dev", "node", "messages"], cwd=checkout, env=env, check=True, capture_output=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    done = subprocess.run(["make", "test"], cwd=checkout, env=env, capture_output=True, text=True, check=False)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    (workdir / f"make-test-{rev[:12]}.log").write_text(done.stdout + done.stderr)
    return {
        "rev": rev[:12],
        "exit": done.returncode,
        "wall": wall,
        "cpu": cpu,
        "summaries": SUMMARY.findall(done.stdout),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", default="eaae344")
    parser.add_argument("--after", default="HEAD")
    parser.add_argument("--database-url", default="", help="empty: the embedded SQLite (as make test by default)")
    args = parser.parse_args()
    git = ["git", "-C", str(ROOT), "rev-parse"]
    revs = [
        subprocess.run([*git, rev], check=True, capture_output=True, text=True).stdout.strip()
        for rev in (args.before, args.after)
    ]
    workdir = Path(tempfile.mkdtemp(prefix="abierta-testsuite-"))
    if SHARED.is_dir():
        (workdir / "shared").symlink_to(SHARED)
    print(f"work folder: {workdir} (shared data: {'yes' if SHARED.is_dir() else 'no'})", flush=True)
    results = []
    try:
        for rev in revs:
            print(f"make test at {rev[:12]} …", flush=True)
            results.append(run_make_test(rev, workdir, args.database_url))
    finally:
        for rev in revs:
            shutil.rmtree(workdir / rev[:12], ignore_errors=True)
    print()
    print("| commit | exit | wall | CPU (user+sys) | pytest summaries |")
    print("| --- | ---: | ---: | ---: | --- |")
    for r in results:
        summaries = "; ".join(str(s) for s in r["summaries"])  # type: ignore[attr-defined]
        print(f"| `{r['rev']}` | {r['exit']} | {r['wall']:.0f} s | {r['cpu']:.0f} s | {summaries} |")
    b, a = results
    print(f"\nafter / before: wall {a['wall'] / b['wall']:.2f}, CPU {a['cpu'] / b['cpu']:.2f}")  # type: ignore[operator]
    print(f"logs: {workdir}")
    sys.exit(0 if all(r["exit"] == 0 for r in results) else 1)


if __name__ == "__main__":
    main()
