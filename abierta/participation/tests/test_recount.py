"""scripts/recount.py, standalone, on a generated ballot file: the same count as the database."""

from __future__ import annotations

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
