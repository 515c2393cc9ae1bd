"""scripts/recount.py, standalone, on a generated ballot file: the same count as the database."""

from __future__ import annotations

import datetime
import hashlib
import json
import subprocess
import sys
from pathlib import Path

from abierta.participation.consultation import services as svc
from abierta.participation.models import Ballot, BallotFile
from abierta.participation.tests.factories import cast, close, make_consultation
from factories import World

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "recount.py"


def test_recount_matches_tally_and_database(world: World, tmp_path: Path) -> None:
    c = make_consultation(world.plan, max_choices=2, n=4)
    receipts = cast(c, [[1], [2, 3], [4], [1, 4], [1]] * 7)
    cast(c, [[2], [3]], channel="in_person")
    close(c)
    data = bytes(BallotFile.objects.get(consultation=c).data)
    path = tmp_path / "boletas.json"
    path.write_bytes(data)
    # Standalone: a clean interpreter with no access to the project (-I: isolated mode).
    out = subprocess.run(  # noqa: S603 (our own script, fixed arguments)
        [sys.executable, "-I", str(SCRIPT), str(path), "--receipt", receipts[3], "--json"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    result = json.loads(out.stdout)
    assert result["digest"] == hashlib.sha256(data).hexdigest() == svc.digest(data)
    t = svc.tally(c, BallotFile.objects.get(consultation=c))
    assert {int(k): v for k, v in result["by_initiative"].items()} == t.counts()
    assert result["ballots"] == t.ballots == Ballot.objects.filter(consultation=c).count() == 37
    assert result["by_channel"] == {"in_person": 2, "web": 35}
    assert result["your_ballot"]["receipt_hash"] == svc.receipt_hash(receipts[3])
    assert result["your_ballot"]["choices"] == [1, 4]


def test_recount_text_output_and_unknown_receipt(world: World, tmp_path: Path) -> None:
    c = make_consultation(world.plan)
    cast(c, [[1], [2]])
    path = tmp_path / "b.json"
    path.write_bytes(bytes(close(c).ballot_file.data))
    out = subprocess.run(  # noqa: S603 (our own script, fixed arguments)
        [sys.executable, "-I", str(SCRIPT), str(path), "--receipt", "0000-0000-0000-0000"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 1
    assert f"SHA-256 digest: {svc.digest(path.read_bytes())}" in out.stdout
    assert "no ballot has it" in out.stdout


def _run(tmp_path: Path, document: dict[str, object]) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "crafted.json"
    path.write_bytes(json.dumps(document, sort_keys=True, separators=(",", ":")).encode())
    return subprocess.run(  # noqa: S603 (our own script, fixed arguments)
        [sys.executable, "-I", str(SCRIPT), str(path)], capture_output=True, text=True, check=False, cwd=tmp_path
    )


def test_recount_prints_voters_beside_ballots_and_accepts_a_true_file(world: World, tmp_path: Path) -> None:
    c = make_consultation(world.plan, max_choices=2)
    cast(c, [[1], [2, 3], [3]])
    out = _run(tmp_path, json.loads(bytes(close(c).ballot_file.data)))
    assert out.returncode == 0, out.stdout
    assert "Ballots: 3    Voters: 3" in out.stdout and "PROBLEM" not in out.stdout


def test_recount_rejects_every_crafted_problem(world: World, tmp_path: Path) -> None:
    c = make_consultation(world.plan, max_choices=2, n=3)
    cast(c, [[1], [2], [3], [1, 2]])
    document = json.loads(bytes(close(c).ballot_file.data))
    ballots = document["ballots"]
    first_day = datetime.date.fromisoformat(document["consultation"]["opens_at"][:10])
    ballots.append(dict(ballots[0]))  # a duplicate receipt hash (stuffed copy)
    ballots[1]["choices"] = [99]  # not shortlisted (99 is in the plan, not in the file's shortlist)
    ballots[2]["choices"] = [1, 2, 3]  # more than max_choices
    ballots[3]["day"] = (first_day - datetime.timedelta(days=1)).isoformat()  # before the opening
    out = _run(tmp_path, document)
    assert out.returncode == 2
    problems = [line for line in out.stdout.splitlines() if line.startswith("PROBLEM: ")]
    assert any(f"receipt hash {ballots[0]['receipt_hash']} appears 2 times" in p for p in problems)
    assert any("chooses 99, not in the shortlist" in p for p in problems)
    assert any("3 choices, more than max_choices 2" in p for p in problems)
    assert any("outside the opening window" in p for p in problems)
    assert any("5 ballots but 4 voters" in p for p in problems)
    assert "Ballots: 5    Voters: 4" in out.stdout
    # A day after the close is refused too; a file that hides its voters is flagged.
    ballots.pop()
    ballots[1]["choices"], ballots[2]["choices"] = [2], [3]
    ballots[3]["day"] = "2099-01-01"
    del document["consultation"]["voters"]
    out = _run(tmp_path, document)
    assert out.returncode == 2
    assert "outside the opening window" in out.stdout and "does not declare the number of voters" in out.stdout
    assert "Voters: not declared" in out.stdout
