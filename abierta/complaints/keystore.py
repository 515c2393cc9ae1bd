"""The store keys of cases, kept outside the database so that deleting one shreds every copy.

A database backup holds the case's ciphertext and its sealed case keys, but not the store key: once
the store key is deleted, the backup cannot be read. Back up this folder separately and keep its
backups no longer than the retention margin (docs/security/complaints.md). With several app servers
the folder is a shared volume (or a KMS behind the same three functions).
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

from django.conf import settings

from abierta.complaints.crypto import KEY_BYTES
from abierta.complaints.filetimes import read_bytes, to_the_day

_KEY_ID = re.compile(r"^[0-9a-f]{32}$")


class KeyDestroyed(Exception):
    """The case's store key is gone: the case was deleted."""


def _path(key_id: str) -> Path:
    if not _KEY_ID.match(key_id):
        raise ValueError("bad key id")
    return Path(settings.ABIERTA_COMPLAINTS_KEYSTORE) / key_id[:2] / f"{key_id}.key"


def create() -> tuple[str, bytes]:
    """A new store key and its id. The file and its folders keep the day it was written, not the time."""
    key_id = secrets.token_hex(16)
    key = secrets.token_bytes(KEY_BYTES)
    path = _path(key_id)
    # The store itself too, not only the folder of the key (mkdir's parents get the umask's mode).
    Path(settings.ABIERTA_COMPLAINTS_KEYSTORE).mkdir(parents=True, exist_ok=True, mode=0o700)
    path.parent.mkdir(exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
        handle.flush()
        os.fsync(handle.fileno())
    to_the_day(path, path.parent, path.parent.parent)
    return key_id, key


def load(key_id: str) -> bytes:
    try:
        key = read_bytes(_path(key_id))
    except FileNotFoundError as exc:
        raise KeyDestroyed(key_id) from exc
    if len(key) != KEY_BYTES:
        raise KeyDestroyed(key_id)
    return key


def destroy(key_id: str) -> None:
    """Overwrite the key and remove it (on SSDs, the overwrite is best-effort; the unlink is what counts)."""
    path = _path(key_id)
    try:
        with path.open("r+b") as handle:
            handle.write(b"\0" * KEY_BYTES)
            handle.flush()
            os.fsync(handle.fileno())
        path.unlink()
    except FileNotFoundError:
        return
    to_the_day(path.parent)
