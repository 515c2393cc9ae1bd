#!/usr/bin/env python3
"""Recount a published consultation ballot file, with the Python standard library alone.

    python3 recount.py boletas.json [--receipt K7QM-2XRT-9HCF-W3PD] [--json]

Prints the SHA-256 digest of the file's bytes (compare it with the one on the results page), the
number of voters the file declares beside the number of ballots it holds, then the votes per
initiative, the ballots by channel and by day. With --receipt, finds your ballot by the SHA-256 of
your receipt, computed here: the receipt never leaves your computer.

It checks the file, and rejects it (exit status 2, each problem listed) when a receipt hash appears
twice, a ballot chooses an initiative the file does not declare, chooses none, the same one twice or
more than max_choices, a ballot's day is outside the opening window, or the ballots are not as many
as the voters.
"""

from __future__ import annotations

import argparse
import datetime
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


def _window(header: dict[str, object]) -> tuple[datetime.date, datetime.date] | None:
    """The first and last day of the opening window, in the offset the file's times are written in."""
    try:
        opens = datetime.datetime.fromisoformat(str(header["opens_at"]))
        closes = datetime.datetime.fromisoformat(str(header["closes_at"]))
    except (KeyError, ValueError):
        return None
    # A close at midnight admits no ballot on that day.
    return opens.date(), (closes - datetime.timedelta(microseconds=1)).date()


def problems(document: dict[str, object]) -> list[str]:
    """Every reason the file cannot be trusted as it stands, one line each."""
    found: list[str] = []
    header = document.get("consultation")
    ballots = document.get("ballots")
    if not isinstance(header, dict) or not isinstance(ballots, list):
        return ["the file has no 'consultation' header or no 'ballots' list"]
    known = {i.get("number") for i in header.get("initiatives", []) if isinstance(i, dict)}
    max_choices = header.get("max_choices")
    window = _window(header)
    if window is None:
        found.append("the header has no readable opens_at and closes_at: the days cannot be checked")
    seen: Counter[str] = Counter(str(b.get("receipt_hash")) for b in ballots if isinstance(b, dict))
    for receipt_hash, n in sorted(seen.items()):
        if n > 1:
            found.append(f"receipt hash {receipt_hash} appears {n} times")
    for position, ballot in enumerate(ballots, start=1):
        if not isinstance(ballot, dict):
            found.append(f"ballot {position}: not an object")
            continue
        where = f"ballot {position} ({str(ballot.get('receipt_hash'))[:16]}…)"
        choices = ballot.get("choices")
        if not isinstance(choices, list) or not choices:
            found.append(f"{where}: no choices")
            continue
        unknown = sorted({c for c in choices if c not in known}, key=str)
        if unknown:
            found.append(f"{where}: chooses {', '.join(map(str, unknown))}, not in the shortlist the file declares")
        if len(set(map(str, choices))) != len(choices):
            found.append(f"{where}: chooses the same initiative twice")
        if isinstance(max_choices, int) and len(choices) > max_choices:
            found.append(f"{where}: {len(choices)} choices, more than max_choices {max_choices}")
        try:
            day = datetime.date.fromisoformat(str(ballot.get("day")))
        except ValueError:
            found.append(f"{where}: the day {ballot.get('day')!r} is not a date")
            continue
        if window is not None and not window[0] <= day <= window[1]:
            found.append(f"{where}: day {day.isoformat()} is outside the opening window {window[0]} to {window[1]}")
    voters = header.get("voters")
    if voters is None:
        found.append("the header does not declare the number of voters")
    elif voters != len(ballots):
        found.append(f"{len(ballots)} ballots but {voters} voters: they must be equal")
    return found


def recount(data: bytes) -> dict[str, object]:
    document = json.loads(data.decode("utf-8"))
    ballots = [b for b in document["ballots"] if isinstance(b, dict)]
    per_initiative: Counter[int] = Counter()
    channels: Counter[str] = Counter()
    days: Counter[str] = Counter()
    for ballot in ballots:
        per_initiative.update(c for c in ballot.get("choices") or [] if isinstance(c, int))
        channels[str(ballot.get("channel"))] += 1
        days[str(ballot.get("day"))] += 1
    initiatives = {i["number"]: i["title"] for i in document["consultation"].get("initiatives", [])}
    for number in initiatives:
        per_initiative.setdefault(number, 0)
    return {
        "digest": hashlib.sha256(data).hexdigest(),
        "ballots": len(ballots),
        "voters": document["consultation"].get("voters"),
        "problems": problems(document),
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
        voters = result["voters"] if result["voters"] is not None else "not declared"
        print(f"Ballots: {result['ballots']}    Voters: {voters}")
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
        found = result["problems"]
        assert isinstance(found, list)  # noqa: S101
        for problem in found:
            print(f"PROBLEM: {problem}")
        if found:
            print(f"The file is rejected: {len(found)} problem(s).")
    if result["problems"]:
        return 2
    if args.receipt and result["your_ballot"] is None:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
