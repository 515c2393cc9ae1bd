"""Retention (protection 6): closed cases are crypto-shredded, and a database and files backup taken
before the deletion no longer opens them once restored. Also the reminders and the retention warnings.
"""

from __future__ import annotations

import datetime
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail, serializers
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection

from abierta.accounts.models import User
from abierta.complaints import crypto, keystore, retention, services
from abierta.complaints.models import Attachment, Case, CaseGrant
from abierta.complaints.services import Evidence, ReportData
from factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

D = datetime.date
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
SECRET = "El secretario pidió dos millones por firmar el contrato 2026-118"


def daily(day: datetime.date) -> str:
    out = StringIO()
    call_command("complaints_daily", today=day.isoformat(), stdout=out)
    return out.getvalue()


@pytest.fixture
def handler() -> User:
    user = make_user("gestora@example.org", User.Role.TRANSPARENCY)
    services.handler_key_create(user=user, password=PASSWORD)
    return user


def submit(what: str = SECRET, files: list[Evidence] | None = None) -> tuple[Case, str]:
    case, receipt = services.complaint_submit(
        report=ReportData(category=Case.Category.BRIBERY, what=what), files=files or []
    )
    assert receipt is not None
    return case, receipt


def close(case: Case, *, closed_on: datetime.date, delete_after: datetime.date) -> None:
    case.status = Case.Status.CLOSED
    case.answered_on = closed_on
    case.closed_on = closed_on
    case.delete_after = delete_after
    case.save()


# ---------------------------------------------------------------- crypto-shredding


COMPLAINT_MODELS = ["Case", "CaseGrant", "Message", "Attachment", "HandlerKey", "RecoveryKey"]


def backup_database() -> str:
    """Every row of the complaint tables that hold keys or content (the audit log is append-only)."""
    rows = []
    for name in COMPLAINT_MODELS:
        rows.extend(apps.get_model("complaints", name).objects.all())
    dump: str = serializers.serialize("json", rows)
    return dump


def restore_database(dump: str) -> None:
    """Write the backup's rows back. A real restore goes into a new database; here the rows are
    rewritten in place, so on PostgreSQL the case table's guard (which refuses rewriting a tombstone)
    is set aside meanwhile, as the table's owner restoring a backup could."""
    guarded = connection.vendor == "postgresql"
    if guarded:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE complaints_case DISABLE TRIGGER complaints_case_guard")
    try:
        for obj in serializers.deserialize("json", dump):
            obj.save()
    finally:
        if guarded:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("ALTER TABLE complaints_case ENABLE TRIGGER complaints_case_guard")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def test_deleted_case_cannot_be_read_from_a_restored_backup(handler: User, tmp_path: Path) -> None:
    recovery_public, recovery_private = crypto.new_keypair()
    services.recovery_key_install(public_key=recovery_public)
    case, receipt = submit(files=[Evidence(name="contrato.pdf", kind="pdf", data=PDF)])
    private_key = services.handler_key_unlock(user=handler, password=PASSWORD)
    key_file = Path(settings.ABIERTA_COMPLAINTS_KEYSTORE) / case.key_id[:2] / f"{case.key_id}.key"
    attachment = Attachment.objects.get(case=case)
    assert key_file.exists()
    assert default_storage.exists(attachment.blob)

    # Before: every key reads the case.
    opened = services.case_open_as_handler(case=case, user=handler, private_key=private_key)
    assert opened is not None
    assert services.case_content(opened).what == SECRET
    assert services.attachment_data(opened, attachment)[1] == PDF
    by_receipt = services.complaint_open(receipt=receipt)
    assert by_receipt is not None
    assert services.case_content(by_receipt).what == SECRET

    # The backup: the database rows and the stored files, but not the key store.
    dump = backup_database()
    media_backup = tmp_path / "media-backup"
    shutil.copytree(settings.MEDIA_ROOT, media_backup)
    key_file_backup = tmp_path / "forbidden-key-backup"  # only to prove the test's own point, at the end
    shutil.copy(key_file, key_file_backup)

    close(case, closed_on=D(2020, 1, 10), delete_after=D(2025, 1, 10))
    output = daily(D(2026, 3, 2))
    assert case.number in output

    case.refresh_from_db()
    assert case.status == Case.Status.DELETED
    assert bytes(case.content) == b""
    assert case.receipt_hash is None
    assert case.receipt_wrap is None
    assert case.recovery_seal is None
    assert not case.attachments.exists()
    assert not case.messages.exists()
    assert not CaseGrant.objects.filter(case=case).exists()
    assert not default_storage.exists(attachment.blob)
    assert not key_file.exists()
    # The tombstone keeps its dates for the statistics.
    assert case.received_on is not None
    assert case.closed_on == D(2020, 1, 10)
    # Deleted cases open with nothing.
    assert services.complaint_open(receipt=receipt) is None
    assert services.case_open_as_handler(case=case, user=handler, private_key=private_key) is None

    # Restore the backup over the tombstone: ciphertext, sealed keys, receipt wrap and files are back.
    restore_database(dump)
    shutil.copytree(media_backup, settings.MEDIA_ROOT, dirs_exist_ok=True)
    case.refresh_from_db()
    assert case.status == Case.Status.RECEIVED
    assert bytes(case.content) != b""
    attachment = Attachment.objects.get(case=case)
    assert default_storage.exists(attachment.blob)

    # The handler's private key still unseals the case key, but the content needs the store key.
    opened = services.case_open_as_handler(case=case, user=handler, private_key=private_key)
    assert opened is not None
    with pytest.raises(keystore.KeyDestroyed):
        services.case_content(opened)
    with pytest.raises(keystore.KeyDestroyed):
        services.attachment_data(opened, attachment)
    # Even if an attacker guessed the store key, the old case key alone opens nothing.
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(opened.case_key, bytes(case.content))

    # The receipt: the same.
    by_receipt = services.complaint_open(receipt=receipt)
    if by_receipt is not None:
        with pytest.raises(keystore.KeyDestroyed):
            services.case_content(by_receipt)
    assert services.case_reopen(case_id=case.pk, case_key=opened.case_key) is None

    # The offline recovery key: it re-grants the case to a new handler, who still cannot read it.
    newcomer = make_user("nuevo@example.org", User.Role.TRANSPARENCY)
    services.handler_key_create(user=newcomer, password=PASSWORD)
    assert services.recovery_grant(case=case, recovery_private_key=recovery_private, to=newcomer)
    newcomer_key = services.handler_key_unlock(user=newcomer, password=PASSWORD)
    recovered = services.case_open_as_handler(case=case, user=newcomer, private_key=newcomer_key)
    assert recovered is not None
    with pytest.raises(keystore.KeyDestroyed):
        services.case_content(recovered)

    # Control: the store key is the only thing missing. Had the key store been in the same backup
    # (what keystore.py says never to do), the restored case would open.
    key_file.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(key_file_backup, key_file)
    assert services.case_content(opened).what == SECRET


def test_an_open_case_is_never_deleted(handler: User) -> None:
    case, _receipt = submit()
    case.status = Case.Status.INVESTIGATION
    case.delete_after = D(2020, 1, 1)  # a stale date must not matter
    case.save()
    answered, _receipt = submit()
    answered.status = Case.Status.ANSWERED
    answered.answered_on = D(2020, 1, 1)
    answered.delete_after = D(2020, 1, 1)
    answered.save()
    daily(D(2030, 1, 1))
    case.refresh_from_db()
    answered.refresh_from_db()
    assert case.status == Case.Status.INVESTIGATION
    assert answered.status == Case.Status.ANSWERED
    assert keystore.load(case.key_id)


def test_a_closed_case_is_kept_until_its_day(handler: User) -> None:
    case, _receipt = submit()
    close(case, closed_on=D(2026, 1, 5), delete_after=D(2031, 1, 5))
    daily(D(2031, 1, 4))
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    daily(D(2031, 1, 5))
    case.refresh_from_db()
    assert case.status == Case.Status.DELETED
    assert case.deleted_on is not None
    assert retention.retention_delete(day=D(2031, 1, 6)) == []  # idempotent: nothing left to delete


# ---------------------------------------------------------------- retention warnings


def warning_mails() -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if "deleted soon" in m.subject or "eliminad" in m.subject]


def test_warnings_at_30_and_7_days_are_sent_once_each(handler: User) -> None:
    case, _receipt = submit()
    delete_after = D(2031, 3, 1)
    close(case, closed_on=D(2026, 3, 1), delete_after=delete_after)

    def before(*, days: int) -> datetime.date:
        return delete_after - datetime.timedelta(days=days)

    daily(before(days=31))
    assert warning_mails() == []
    daily(before(days=30))
    assert len(warning_mails()) == 1
    first = warning_mails()[0]
    assert first.to == [handler.email]
    assert case.number in first.body
    assert SECRET not in first.body
    assert "2031-03-01" in first.body
    for days in (30, 29, 20, 8):
        daily(before(days=days))
    assert len(warning_mails()) == 1
    daily(before(days=7))
    assert len(warning_mails()) == 2
    for days in (7, 6, 1):
        daily(before(days=days))
    assert len(warning_mails()) == 2
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    daily(delete_after)
    case.refresh_from_db()
    assert case.status == Case.Status.DELETED
    assert len(warning_mails()) == 2


def test_a_case_closed_late_gets_only_the_nearest_warning(handler: User) -> None:
    case, _receipt = submit()
    close(case, closed_on=D(2026, 3, 1), delete_after=D(2026, 3, 6))
    daily(D(2026, 3, 1))
    daily(D(2026, 3, 2))
    assert len(warning_mails()) == 1


def test_a_reopened_case_is_warned_again_when_closed_again(handler: User) -> None:
    case, _receipt = submit()
    close(case, closed_on=D(2026, 3, 1), delete_after=D(2026, 3, 20))
    daily(D(2026, 3, 1))
    assert len(warning_mails()) == 1
    services.case_transition(case=case, actor=handler, status=Case.Status.INVESTIGATION, on=D(2026, 3, 2))
    case.refresh_from_db()
    assert case.deletion_warned_on is None
    close(case, closed_on=D(2026, 3, 3), delete_after=D(2026, 3, 25))
    daily(D(2026, 3, 3))
    assert len(warning_mails()) == 2


# ---------------------------------------------------------------- reminders


def reminder_mails() -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if m not in warning_mails()]


def test_one_reminder_per_handler_with_numbers_and_dates_only(handler: User) -> None:
    colleague = make_user("colega@example.org", User.Role.TRANSPARENCY)
    services.handler_key_create(user=colleague, password=PASSWORD)
    make_user("sin-llave@example.org", User.Role.TRANSPARENCY)  # no key: not a handler
    overdue, _r = submit()
    overdue.received_on, overdue.forward_due_on, overdue.due_on = D(2026, 2, 2), D(2026, 2, 9), D(2026, 2, 23)
    overdue.status = Case.Status.FORWARDED
    overdue.forwarded_on = D(2026, 2, 5)
    overdue.save()
    soon, _r = submit()
    soon.received_on, soon.forward_due_on, soon.due_on = D(2026, 2, 20), D(2026, 2, 27), D(2026, 3, 5)
    soon.save()
    later, _r = submit()
    later.received_on, later.forward_due_on, later.due_on = D(2026, 3, 2), D(2026, 3, 9), D(2026, 3, 24)
    later.save()
    mail.outbox.clear()

    output = daily(D(2026, 3, 2))  # Monday; 5 March is 3 business days away
    assert len(mail.outbox) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["colega@example.org", "gestora@example.org"]
    body = mail.outbox[0].body
    assert overdue.number in body
    assert soon.number in body  # due soon, and its forwarding term (27 Feb) has passed
    assert later.number not in body
    assert body.count(soon.number) == 2
    assert SECRET not in body
    assert "2026-02-23" in body
    assert "2" in output

    reminder = retention.reminder_for(D(2026, 3, 2))
    assert [c.number for c in reminder.overdue] == [overdue.number]
    assert [c.number for c in reminder.due_soon] == [soon.number]
    assert [c.number for c in reminder.forward_due] == [soon.number]

    # Idempotent: the same day again sends nothing.
    daily(D(2026, 3, 2))
    assert len(mail.outbox) == 2


def test_no_reminder_when_there_is_nothing_to_say(handler: User) -> None:
    submit()  # received today: nothing is due yet
    mail.outbox.clear()
    output = daily(services.today())
    assert mail.outbox == []
    assert "0" in output


def test_bad_date_is_refused() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("complaints_daily", today="2026-13-40")
