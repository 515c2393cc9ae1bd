"""Files the site writes are readable by its own user only, and the check that says when the SQLite
database is not (security review S10: ``var/abierta.sqlite3`` was 0644)."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from abierta.core import checks

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_file_saved_through_the_storage_is_private(tmp_path: Path, permissive_umask: None) -> None:
    """S10: uploads (``media/complaints/*.bin``) were 0644 whatever they held."""
    storage = FileSystemStorage(location=tmp_path / "media")
    name = storage.save("complaints/blob.bin", ContentFile(b"ciphertext"))
    assert mode(tmp_path / "media" / name) == 0o600
    assert mode(tmp_path / "media" / "complaints") == 0o700


def sqlite_at(path: Path) -> list[Any]:
    return checks.sqlite_file_messages({"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)})


def test_a_readable_sqlite_database_is_warned_of(tmp_path: Path) -> None:
    database = tmp_path / "var" / "abierta.sqlite3"
    database.parent.mkdir(mode=0o700)
    database.write_bytes(b"")
    database.chmod(0o644)
    messages = sqlite_at(database)
    assert [m.id for m in messages] == ["core.W001"]
    assert str(database) in messages[0].msg
    database.chmod(0o600)
    assert sqlite_at(database) == []
    database.parent.chmod(0o755)
    assert [m.id for m in sqlite_at(database)] == ["core.W001"]


def test_no_warning_for_a_database_not_yet_made_or_not_sqlite(tmp_path: Path) -> None:
    assert sqlite_at(tmp_path / "missing" / "abierta.sqlite3") == []
    assert checks.sqlite_file_messages({"ENGINE": "django.db.backends.postgresql", "NAME": "abierta"}) == []
