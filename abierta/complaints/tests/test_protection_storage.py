"""Protections 2 and 3: content encrypted at rest; the receipt kept only as an Argon2id hash."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from abierta.accounts.models import User
from abierta.complaints import crypto, services
from abierta.complaints.checks import argon2_parameters
from abierta.complaints.models import Case, HandlerKey
from factories import make_user

SENTINEL = "ZAFIRO-CANGREJO-7781 el secretario cobró coima"
ATTACHMENT_SENTINEL = "PERGAMINO-OCELOTE-4409 recibo de soborno"


def _variants(phrase: str) -> list[bytes]:
    """The phrase raw and in base64 at each of the three alignments (standard and URL-safe)."""
    raw = phrase.encode()
    out = [raw, raw.hex().encode()]
    for shift in range(3):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            encoded = encode(b"\0" * shift + raw)
            # Drop the characters that depend on the padding bytes and the tail.
            start = {0: 0, 1: 2, 2: 3}[shift]
            out.append(encoded[start : start + 24])
    return out


def _pdf_with(text: str) -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n"
        + f"BT /F1 12 Tf ({text}) Tj ET\n".encode()
        + b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def _dump_tables() -> bytes:
    """Every row of every table, as bytes: text columns encoded, binary columns raw."""
    chunks: list[bytes] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 (table names from introspection)
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | bytearray | memoryview):
                        chunks.append(bytes(value))
                    else:
                        chunks.append(str(value).encode())
    return b"\n".join(chunks)


def _folder_bytes(folder: Path) -> bytes:
    chunks = [b""]
    for path in folder.rglob("*"):
        if path.is_file():
            chunks.append(path.name.encode())
            chunks.append(path.read_bytes())
    return b"\n".join(chunks)


def _submit_sentinel_case() -> tuple[Case, str, User]:
    handler = make_user("handler@example.org", User.Role.TRANSPARENCY)
    services.handler_key_create(user=handler, password="a handler passphrase")
    case, receipt = services.complaint_submit(
        report=services.ReportData(
            category=Case.Category.BRIBERY,
            what=SENTINEL,
            who=SENTINEL,
            identified=True,
            name="Reportante " + SENTINEL,
            document_number="1047123456",
            contact="reportante@example.org",
        ),
        files=[services.Evidence(f"{ATTACHMENT_SENTINEL}.pdf", "pdf", _pdf_with(ATTACHMENT_SENTINEL))],
    )
    assert receipt is not None
    opened = services.complaint_open(receipt=receipt)
    assert opened is not None
    services.reporter_reply(
        opened=opened,
        body="Más: " + SENTINEL,
        files=[services.Evidence("b.pdf", "pdf", _pdf_with(ATTACHMENT_SENTINEL))],
    )
    return case, receipt, handler


def _assert_absent(haystack: bytes, where: str) -> None:
    for phrase in (SENTINEL, ATTACHMENT_SENTINEL, "1047123456", "reportante@example.org"):
        for needle in _variants(phrase):
            assert needle not in haystack, f"{phrase!r} found in {where} as {needle!r}"


@pytest.mark.django_db
def test_sentinel_absent_from_every_table_and_the_storage_folder() -> None:
    case, _receipt, handler = _submit_sentinel_case()
    # The case really holds the sentinel: a handler opens it.
    private = services.handler_key_unlock(user=handler, password="a handler passphrase")
    opened = services.case_open_as_handler(case=case, user=handler, private_key=private)
    assert opened is not None
    assert services.case_content(opened).what == SENTINEL
    meta, data = services.attachment_data(opened, services.case_attachments(opened)[0][0])
    assert ATTACHMENT_SENTINEL.encode() in data and meta["name"].startswith(ATTACHMENT_SENTINEL)

    _assert_absent(_dump_tables(), "the database")
    _assert_absent(_folder_bytes(Path(settings.MEDIA_ROOT)), "the storage folder")
    _assert_absent(_folder_bytes(Path(settings.ABIERTA_COMPLAINTS_KEYSTORE)), "the key store")
    # The check itself can fail: the sentinel is found where it is in the clear.
    with pytest.raises(AssertionError):
        _assert_absent(SENTINEL.encode(), "a control")
    with pytest.raises(AssertionError):
        _assert_absent(base64.b64encode(b"x" + SENTINEL.encode()), "a control")


@pytest.mark.django_db(transaction=True)
def test_sentinel_absent_from_pg_dump() -> None:
    """On PostgreSQL, the real backup tool's output of the whole database holds no sentinel."""
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump applies to PostgreSQL; the table scan above covers SQLite")
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        pytest.fail("pg_dump is missing (Debian package postgresql-client)")
    _submit_sentinel_case()
    params = connection.get_connection_params()
    env = {**os.environ, "PGPASSWORD": str(params.get("password") or "")}
    dump = subprocess.run(  # noqa: S603
        [
            pg_dump,
            "--no-owner",
            "-h",
            str(params.get("host") or "127.0.0.1"),
            "-p",
            str(params.get("port") or 5432),
            "-U",
            str(params.get("user") or "postgres"),
            str(connection.settings_dict["NAME"]),
        ],
        capture_output=True,
        check=True,
        env=env,
    ).stdout
    assert b"complaints_case" in dump
    _assert_absent(dump, "pg_dump")


@pytest.mark.django_db
@override_settings(ABIERTA_COMPLAINTS_ARGON2=settings.ABIERTA_COMPLAINTS_ARGON2_PRODUCTION)
def test_receipt_stored_only_as_argon2id_hash_with_strong_parameters() -> None:
    case, receipt = services.complaint_submit(
        report=services.ReportData(category=Case.Category.OTHER, what="hechos concretos"), files=[]
    )
    assert receipt is not None
    case.refresh_from_db()
    params = crypto.parse_phc(case.receipt_hash or "")
    assert params["type"] == "argon2id"
    assert params["m"] >= 65536
    assert params["t"] >= 3
    # The receipt itself, in any spelling, is nowhere in the database.
    dump = _dump_tables()
    for spelling in (receipt, receipt.replace("-", ""), receipt.lower()):
        assert spelling.encode() not in dump
    # The stored hash is not the wrapping key: it does not open the case key.
    digest = crypto.unb64(case.receipt_hash.rsplit("$", 1)[1]) if case.receipt_hash else b""
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(digest, bytes(case.receipt_wrap or b""))
    # And the receipt still opens the case under these parameters.
    assert services.complaint_open(receipt=receipt) is not None


@pytest.mark.django_db
@override_settings(ABIERTA_COMPLAINTS_ARGON2=settings.ABIERTA_COMPLAINTS_ARGON2_PRODUCTION)
def test_handler_key_wrapped_with_strong_parameters() -> None:
    handler = make_user("handler@example.org", User.Role.TRANSPARENCY)
    services.handler_key_create(user=handler, password="a handler passphrase")
    kdf = HandlerKey.objects.get(user=handler).kdf
    assert kdf["memory_cost"] >= 65536 and kdf["time_cost"] >= 3


def test_weak_parameters_fail_the_system_check() -> None:
    with override_settings(
        TESTING=False, ABIERTA_COMPLAINTS_ARGON2={"time_cost": 1, "memory_cost": 8, "parallelism": 1}
    ):
        assert [e.id for e in argon2_parameters()] == ["complaints.E001"]
    with override_settings(TESTING=False, ABIERTA_COMPLAINTS_ARGON2=settings.ABIERTA_COMPLAINTS_ARGON2_PRODUCTION):
        assert argon2_parameters() == []


def test_production_settings_use_strong_parameters() -> None:
    assert settings.ABIERTA_COMPLAINTS_ARGON2_PRODUCTION["memory_cost"] >= 65536
    assert settings.ABIERTA_COMPLAINTS_ARGON2_PRODUCTION["time_cost"] >= 3
    call_command("check", "--tag", "security")
