#!/usr/bin/env python3
"""Recount a published consultation ballot file, with the Python standard library alone.

    python3 recount.py boletas.json [--receipt K7QM-2XRT-9HCF-W3PD] [--json]

Prints the SHA-256 digest of the file's bytes (compare it with the one on the results page), then
the votes per initiative, the ballots by channel and by day. With --receipt, finds your ballot by
the SHA-256 of your receipt, computed here: the receipt never leaves your computer.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def normalise_receipt(typed: str) -> str | None:
    compact = "".join(ch for ch in typed.upper() if ch.isalnum()).translate(CONFUSABLE)
    if len(compact) != 16 or any(ch not in ALPHABET for ch in compact):
        return None
    return "-".join(compact[i : i + 4] for i in range(0, 16, 4))


def recount(data: bytes) -> dict[str, object]:
    document = json.loads(data.decode("utf-8"))
    ballots = document["ballots"]
    per_initiative: Counter[int] = Counter()
    channels: Counter[str] = Counter()
    days: Counter[str] = Counter()
    for ballot in ballots:
        per_initiative.update(ballot["choices"])
        channels[ballot["channel"]] += 1
        days[ballot["day"]] += 1
    initiatives = {i["number"]: i["title"] for i in document["consultation"].get("initiatives", [])}
    for number in initiatives:
        per_initiative.setdefault(number, 0)
    return {
        "digest": hashlib.sha256(data).hexdigest(),
        "ballots": len(ballots),
        "by_initiative": {str(k): per_initiative[k] for k in sorted(per_initiative)},
        "titles": {str(k): v for k, v in initiatives.items()},
        "by_channel": dict(sorted(channels.items())),
        "by_day": dict(sorted(days.items())),
    }


def find(data: bytes, receipt: str) -> dict[str, object] | None:
    normal = normalise_receipt(receipt)
    if normal is None:
        return None
    wanted = hashlib.sha256(normal.encode()).hexdigest()
    for ballot in json.loads(data.decode("utf-8"))["ballots"]:
        if ballot["receipt_hash"] == wanted:
            found: dict[str, object] = ballot
            return found
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("file", type=Path)
    parser.add_argument("--receipt", help="your receipt, to find your ballot")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    data = args.file.read_bytes()
    result = recount(data)
    if args.receipt:
        result["your_ballot"] = find(data, args.receipt)
    if args.json:
        print(json.dumps(result, sort_keys=True, ensure_ascii=False))
    else:
        titles = result["titles"]
        assert isinstance(titles, dict)  # noqa: S101
        print(f"SHA-256 digest: {result['digest']}")
        print(f"Ballots: {result['ballots']}")
        print("Votes per initiative:")
        for number, votes in dict(result["by_initiative"]).items():  # type: ignore[call-overload]
            print(f"  {number:>4}  {votes:>8}  {titles.get(number, '')}")
        print("Ballots by channel:")
        for channel, n in dict(result["by_channel"]).items():  # type: ignore[call-overload]
            print(f"  {channel:<12} {n:>8}")
        print("Ballots by day:")
        for day, n in dict(result["by_day"]).items():  # type: ignore[call-overload]
            print(f"  {day}  {n:>8}")
        if args.receipt:
            ballot = result["your_ballot"]
            if ballot is None:
                print("Your receipt: no ballot has it (check that you typed it as written).")
            else:
                print(f"Your receipt: found. {json.dumps(ballot, sort_keys=True)}")
    if args.receipt and result["your_ballot"] is None:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
