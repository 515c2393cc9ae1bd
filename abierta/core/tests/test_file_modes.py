"""Files the site writes are readable by its own user only, and the checks that say when they are not
(security review S10: ``var/abierta.sqlite3`` was 0644 and ``var/complaint-keys`` 0755)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from abierta.complaints import checks as complaint_checks
from abierta.complaints import keystore
from abierta.core import checks

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    """The usual login umask, under which files are created readable by everyone."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def test_a_file_saved_through_the_storage_is_private(tmp_path: Path, permissive_umask: None) -> None:
    """S10: uploads (``media/complaints/*.bin``) were 0644 whatever they held."""
    storage = FileSystemStorage(location=tmp_path / "media")
    name = storage.save("complaints/blob.bin", ContentFile(b"ciphertext"))
    assert mode(tmp_path / "media" / name) == 0o600
    assert mode(tmp_path / "media" / "complaints") == 0o700


def test_the_key_store_is_created_private(tmp_path: Path, settings: Any, permissive_umask: None) -> None:
    """S10: the key store's own folder was 0755 (its subfolders and files were already private)."""
    settings.ABIERTA_COMPLAINTS_KEYSTORE = tmp_path / "deep" / "complaint-keys"
    key_id, _ = keystore.create()
    store = tmp_path / "deep" / "complaint-keys"
    assert mode(store) == 0o700
    assert mode(store / key_id[:2]) == 0o700
    assert mode(store / key_id[:2] / f"{key_id}.key") == 0o600
    assert complaint_checks.keystore_private() == []


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


def test_a_key_store_others_can_list_is_warned_of(tmp_path: Path, settings: Any) -> None:
    store = tmp_path / "complaint-keys"
    store.mkdir()
    store.chmod(0o755)
    settings.ABIERTA_COMPLAINTS_KEYSTORE = store
    assert [m.id for m in complaint_checks.keystore_private()] == ["complaints.W001"]
    store.chmod(0o700)
    assert complaint_checks.keystore_private() == []
