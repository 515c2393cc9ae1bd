"""The building blocks: receipts, boxes, sealing, the content key and the key store."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from abierta.complaints import crypto, keystore


def test_lookup_hash_is_deterministic_and_depends_on_the_site_salt() -> None:
    one = crypto.receipt_lookup_hash("K7QM-2XRT-9HCF-W3PD")
    assert one == crypto.receipt_lookup_hash("K7QM-2XRT-9HCF-W3PD")
    assert one != crypto.receipt_lookup_hash("K7QM-2XRT-9HCF-W3PE")
    assert one.startswith("$argon2id$")
    settings.ABIERTA_COMPLAINTS_RECEIPT_SALT = "another site"
    try:
        assert crypto.receipt_lookup_hash("K7QM-2XRT-9HCF-W3PD") != one
    finally:
        settings.ABIERTA_COMPLAINTS_RECEIPT_SALT = ""


def test_receipt_key_differs_from_the_lookup_hash_and_by_salt() -> None:
    salt = crypto.new_salt()
    key = crypto.receipt_key("K7QM-2XRT-9HCF-W3PD", salt)
    assert len(key) == 32
    assert key != crypto.receipt_key("K7QM-2XRT-9HCF-W3PD", crypto.new_salt())
    assert crypto.b64(key) not in crypto.receipt_lookup_hash("K7QM-2XRT-9HCF-W3PD")


def test_boxes_round_trip_and_refuse_wrong_keys_and_tampering() -> None:
    key = crypto.new_key()
    box = crypto.encrypt(key, b"secret")
    assert crypto.decrypt(key, box) == b"secret"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(crypto.new_key(), box)
    tampered = box[:-1] + bytes([box[-1] ^ 1])
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(key, tampered)


def test_sealed_boxes_open_only_with_the_private_key() -> None:
    public, private = crypto.new_keypair()
    _other_public, other_private = crypto.new_keypair()
    sealed = crypto.seal(public, b"case key")
    assert crypto.unseal(private, sealed) == b"case key"
    with pytest.raises(crypto.DecryptionError):
        crypto.unseal(other_private, sealed)


def test_content_key_needs_both_the_case_key_and_the_store_key() -> None:
    case_key, store_key = crypto.new_key(), crypto.new_key()
    key = crypto.content_key(case_key, store_key)
    assert key not in (case_key, store_key)
    assert key != crypto.content_key(case_key, crypto.new_key())
    assert key != crypto.content_key(crypto.new_key(), store_key)


def test_phc_parameters_are_readable() -> None:
    params = crypto.parse_phc("$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaA")
    assert params == {"type": "argon2id", "version": "v=19", "m": 65536, "t": 3, "p": 4}


def test_keystore_creates_loads_and_destroys(tmp_path: Path) -> None:
    settings.ABIERTA_COMPLAINTS_KEYSTORE = str(tmp_path / "keys")
    key_id, key = keystore.create()
    assert keystore.load(key_id) == key
    path = next((tmp_path / "keys").rglob("*.key"))
    assert path.stat().st_mode & 0o077 == 0
    keystore.destroy(key_id)
    assert not path.exists()
    with pytest.raises(keystore.KeyDestroyed):
        keystore.load(key_id)
    keystore.destroy(key_id)  # twice is harmless
    with pytest.raises(ValueError, match="bad key id"):
        keystore.load("../../etc/passwd")


def test_fingerprint_is_short_and_stable() -> None:
    public, _ = crypto.new_keypair()
    assert crypto.fingerprint(public) == crypto.fingerprint(public)
    assert len(crypto.fingerprint(public).split()) == 5
