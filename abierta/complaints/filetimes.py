"""File times of the complaint channel, to the day: a key or an evidence file written at 14:03:27
must not say so in its modification or access time (nor its folder in its own).

``to_the_day`` sets both to midnight UTC of the current day, after writing. The inode's change time
(``ctime``) cannot be set by a program and still gives the moment: docs/security/complaints.md says
what that means and how to run (an encrypted volume, mounted ``noatime``).
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

from django.utils import timezone


def midnight() -> float:
    """Midnight UTC of the current day, as a POSIX timestamp."""
    day = timezone.now().astimezone(datetime.UTC).date()
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC).timestamp()


def to_the_day(*paths: Path | str) -> None:
    """Set the access and modification times of each path (file or folder) to today's midnight UTC."""
    stamp = midnight()
    for path in paths:
        try:
            os.utime(path, (stamp, stamp))
        except FileNotFoundError:
            continue


def read_bytes(path: Path) -> bytes:
    """A file's bytes without updating its access time (``O_NOATIME`` where the system allows it)."""
    flags = os.O_RDONLY | getattr(os, "O_NOATIME", 0)
    try:
        fd = os.open(path, flags)
    except PermissionError:  # O_NOATIME needs the file's owner
        fd = os.open(path, os.O_RDONLY)
    with os.fdopen(fd, "rb") as handle:
        return handle.read()
