"""Reading a frozen ballot file a piece at a time.

The file of a consultation with 100,000 ballots is ~14 MB, kept in the database
(``BallotFile.data``). Its downloads and its count read it in chunks of ``CHUNK`` bytes, each with
its own ``SUBSTR`` query, so a request holds one chunk, never the file, nor a list of 100,000 parsed
ballots (docs/benchmarks.md, big city: the CSV used to peak at 74 MB).

The file is canonical JSON (``services.ballot_file``: sorted keys, no spaces), so it starts with
``{"ballots":[`` and its ballots are flat objects that :func:`ballots` decodes one by one.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from typing import Any

from django.db.models import BinaryField, F, Func, Value
from django.db.models.functions import Length

from abierta.participation.models import BallotFile

CHUNK = 1 << 20
_START = '{"ballots":['
_BYTES: BinaryField[bytes, bytes] = BinaryField()


def size(frozen: BallotFile) -> int:
    """The file's length in bytes, counted by the database."""
    if "data" in frozen.__dict__:
        return len(frozen.data)
    n = BallotFile.objects.filter(pk=frozen.pk).annotate(n=Length("data")).values_list("n", flat=True).get()
    return int(n or 0)


def chunks(frozen: BallotFile, chunk: int = CHUNK) -> Iterator[bytes]:
    """The file's exact bytes, ``chunk`` at a time."""
    if "data" in frozen.__dict__:  # already in memory: no reason to read it again
        view = memoryview(frozen.data)
        for start in range(0, len(view), chunk):
            yield bytes(view[start : start + chunk])
        return
    offset = 0
    while True:
        part = (
            BallotFile.objects.filter(pk=frozen.pk)
            .annotate(
                part=Func(F("data"), Value(offset + 1), Value(chunk), function="SUBSTR", output_field=BinaryField())
            )
            .values_list("part", flat=True)
            .get()
        )
        data = bytes(part or b"")
        if data:
            yield data
        if len(data) < chunk:
            return
        offset += chunk


def ballots(frozen: BallotFile, chunk: int = CHUNK) -> Iterator[dict[str, Any]]:
    """The file's ballots, in the file's order, decoded one at a time."""
    decoder = json.JSONDecoder()
    text_of = codecs.getincrementaldecoder("utf-8")()
    buffer, position, started = "", 0, False
    for data in chunks(frozen, chunk):
        buffer = buffer[position:] + text_of.decode(data)
        position = 0
        if not started:
            if len(buffer) < len(_START):
                continue
            if not buffer.startswith(_START):
                raise ValueError("not a ballot file: it does not start with the ballots")
            position, started = len(_START), True
        while True:
            while position < len(buffer) and buffer[position] in ", \n":
                position += 1
            if position >= len(buffer):
                break
            if buffer[position] == "]":
                return
            try:
                ballot, end = decoder.raw_decode(buffer, position)
            except json.JSONDecodeError:
                break  # the ballot goes on in the next chunk
            yield ballot
            position = end
    raise ValueError("not a ballot file: the list of ballots does not end")
