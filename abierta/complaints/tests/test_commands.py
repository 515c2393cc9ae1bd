"""The recovery key and audit commands."""

from __future__ import annotations

import re
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import translation

from abierta.accounts.models import User
from abierta.complaints import crypto, services
from abierta.complaints.models import AuditEntry, Case, CaseGrant, RecoveryKey
from abierta.complaints.services import ReportData
from factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

SECRET = "Cobran una comisión por cada licencia de construcción"


@pytest.fixture(autouse=True)
def _commands_in_english() -> Iterator[None]:
    """The commands speak the site's language (Spanish); these tests read their English messages."""
    with translation.override("en"):
        yield


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def submit() -> Case:
    case, _receipt = services.complaint_submit(report=ReportData(category=Case.Category.BRIBERY, what=SECRET), files=[])
    return case


def printed_private_key(output: str) -> str:
    match = re.search(r"^PRIVATE KEY: (\S+)$", output, re.MULTILINE)
    assert match is not None
    return match.group(1)


def test_generate_installs_the_public_key_and_prints_the_private_key_once() -> None:
    output = run("complaints_recovery_key", "generate")
    private = crypto.unb64(printed_private_key(output))
    key = RecoveryKey.objects.get(active=True)
    assert len(private) == crypto.KEY_BYTES
    assert key.fingerprint in output
    assert "offline" in output
    assert "paper" in output
    assert "two custodians" in output
    # Only the public key is stored; it matches the printed private key.
    sealed = crypto.seal(bytes(key.public_key), b"x" * 32)
    assert crypto.unseal(private, sealed) == b"x" * 32
    assert printed_private_key(output) not in str(list(RecoveryKey.objects.values()))
    assert AuditEntry.objects.filter(action="recovery-key-installed").count() == 1


def test_generate_refuses_to_replace_silently() -> None:
    run("complaints_recovery_key", "generate")
    with pytest.raises(CommandError, match="--replace"):
        run("complaints_recovery_key", "generate")
    run("complaints_recovery_key", "generate", "--replace")
    assert RecoveryKey.objects.filter(active=True).count() == 1
    assert RecoveryKey.objects.count() == 2


def test_install_a_public_key_made_elsewhere() -> None:
    public, _private = crypto.new_keypair()
    output = run("complaints_recovery_key", "install", "--public-key", crypto.b64(public))
    key = RecoveryKey.objects.get(active=True)
    assert bytes(key.public_key) == public
    assert key.fingerprint in output
    assert key.fingerprint in run("complaints_recovery_key", "show")


def test_install_a_public_key_that_begins_with_a_dash() -> None:
    """URL-safe base64 begins with "-" one time in 64: it is the key, not an unknown option."""
    public = bytes([0xF8]) + bytes(range(1, crypto.KEY_BYTES))
    pasted = crypto.b64(public)
    assert pasted.startswith("-")
    output = run("complaints_recovery_key", "install", "--public-key", pasted)
    key = RecoveryKey.objects.get(active=True)
    assert bytes(key.public_key) == public
    assert key.fingerprint in output
    run("complaints_recovery_key", "install", "--replace", f"--public-key={pasted}")
    assert RecoveryKey.objects.filter(public_key=public).count() == 2


def test_install_refuses_a_bad_key() -> None:
    with pytest.raises(CommandError):
        run("complaints_recovery_key", "install", "--public-key", "not-a-key")
    with pytest.raises(CommandError):
        run("complaints_recovery_key", "show")


def test_a_case_after_generate_can_be_regranted_to_a_new_handler(tmp_path: Path) -> None:
    old = make_user("antigua@example.org", User.Role.TRANSPARENCY)
    services.handler_key_create(user=old, password=PASSWORD)
    output = run("complaints_recovery_key", "generate")
    case = submit()
    # The old handler forgot their password; a new handler arrives.
    newcomer = make_user("nueva@example.org", User.Role.TRANSPARENCY)
    services.handler_key_create(user=newcomer, password="otra-clave-larga-7")
    private_key = services.handler_key_unlock(user=newcomer, password="otra-clave-larga-7")
    assert services.case_open_as_handler(case=case, user=newcomer, private_key=private_key) is None

    key_file = tmp_path / "recovery.key"
    key_file.write_text(printed_private_key(output) + "\n")
    result = run(
        "complaints_recovery_grant", "--case", case.number, "--to", newcomer.email, "--private-key-file", str(key_file)
    )
    assert case.number in result
    opened = services.case_open_as_handler(case=case, user=newcomer, private_key=private_key)
    assert opened is not None
    assert services.case_content(opened).what == SECRET
    assert AuditEntry.objects.filter(action="granted", case_number=case.number, detail=newcomer.email).exists()


def test_recovery_grant_refusals(tmp_path: Path) -> None:
    handler = make_user("gestor@example.org", User.Role.TRANSPARENCY)
    services.handler_key_create(user=handler, password=PASSWORD)
    before = submit()  # no recovery key yet
    output = run("complaints_recovery_key", "generate")
    case = submit()
    good = tmp_path / "good.key"
    good.write_text(printed_private_key(output))
    _public, other_private = crypto.new_keypair()
    wrong = tmp_path / "wrong.key"
    wrong.write_text(crypto.b64(other_private))
    garbage = tmp_path / "garbage.key"
    garbage.write_text("hola")
    citizen = make_user("ciudadano@example.org")
    keyless = make_user("sin-llave@example.org", User.Role.TRANSPARENCY)

    def grant(number: str, email: str, path: Path) -> None:
        run("complaints_recovery_grant", "--case", number, "--to", email, "--private-key-file", str(path))

    with pytest.raises(CommandError, match="does not open"):
        grant(case.number, handler.email, wrong)
    with pytest.raises(CommandError):
        grant(case.number, handler.email, garbage)
    with pytest.raises(CommandError):
        grant(case.number, handler.email, tmp_path / "missing.key")
    with pytest.raises(CommandError):
        grant("D-1999-99999", handler.email, good)
    with pytest.raises(CommandError):
        grant(case.number, citizen.email, good)
    with pytest.raises(CommandError, match="no complaints key"):
        grant(case.number, keyless.email, good)
    with pytest.raises(CommandError, match="not sealed"):
        grant(before.number, handler.email, good)
    services.case_delete(case=case, actor=None)
    with pytest.raises(CommandError, match="deleted"):
        grant(case.number, handler.email, good)
    assert not CaseGrant.objects.filter(user__in=[citizen, keyless]).exists()


def tamper(entry_id: int, column: str, value: str) -> None:
    """Change an audit row behind the model's back, as an attacker with the database would."""
    assert column in {"detail", "hash"}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE complaints_auditentry DISABLE TRIGGER complaints_audit_append_only")
        cursor.execute(f"UPDATE complaints_auditentry SET {column} = %s WHERE id = %s", [value, entry_id])  # noqa: S608


def test_audit_verify_intact_and_broken() -> None:
    handler = make_user("gestor@example.org", User.Role.TRANSPARENCY)
    services.handler_key_create(user=handler, password=PASSWORD)
    case = submit()
    services.audit_append(actor=handler, action="read", case=case)
    services.audit_append(actor=handler, action="note", case=case)
    assert "intact" in run("complaints_audit_verify")

    entry = AuditEntry.objects.filter(action="read").get()
    tamper(entry.pk, "detail", "nada que ver")
    with pytest.raises(CommandError) as info:
        run("complaints_audit_verify")
    assert info.value.returncode == 1
    assert str(entry.pk) in str(info.value)
    assert "read" in str(info.value)


def test_audit_verify_exits_1_from_the_command_line() -> None:
    entry = services.audit_append(actor=None, action="x")
    tamper(entry.pk, "hash", "f" * 64)
    from django.core.management import ManagementUtility

    with pytest.raises(SystemExit) as info:
        ManagementUtility(["abierta", "complaints_audit_verify"]).execute()
    assert info.value.code == 1
