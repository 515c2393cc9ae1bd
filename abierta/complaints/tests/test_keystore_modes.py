"""The key store is created readable by the site's user only, and the check that says when it is not
(security review S10: ``var/complaint-keys`` was 0755; its subfolders and key files were private)."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest

from abierta.complaints import checks as complaint_checks
from abierta.complaints import keystore

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_key_store_is_created_private(tmp_path: Path, settings: Any, permissive_umask: None) -> None:
    """S10: the key store's own folder was 0755 (its subfolders and files were already private)."""
    settings.ABIERTA_COMPLAINTS_KEYSTORE = tmp_path / "deep" / "complaint-keys"
    key_id, _ = keystore.create()
    store = tmp_path / "deep" / "complaint-keys"
    assert mode(store) == 0o700
    assert mode(store / key_id[:2]) == 0o700
    assert mode(store / key_id[:2] / f"{key_id}.key") == 0o600
    assert complaint_checks.keystore_private() == []


def test_a_key_store_others_can_list_is_warned_of(tmp_path: Path, settings: Any) -> None:
    store = tmp_path / "complaint-keys"
    store.mkdir()
    store.chmod(0o755)
    settings.ABIERTA_COMPLAINTS_KEYSTORE = store
    assert [m.id for m in complaint_checks.keystore_private()] == ["complaints.W001"]
    store.chmod(0o700)
    assert complaint_checks.keystore_private() == []
