"""Dates to the day, never times, wherever a case leaves a trace (security review C1): its rows, its
key file and evidence files (and their folders), and the handlers' email."""

from __future__ import annotations

import datetime
import os
import re
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import models

from abierta.complaints import filetimes, keystore, services
from abierta.complaints.models import Attachment, AuditEntry, Case
from abierta.complaints.tests.factories import file_case, make_handler

pytestmark = pytest.mark.django_db

# The only exact times the app keeps: when staff did something (their key, the office's recovery key,
# a handler's message, an audit entry). None is written when a reporter acts.
STAFF_TIMES = {
    "HandlerKey.created_at",
    "RecoveryKey.created_at",
    "Message.created_at",
    "AuditEntry.at",
}


def _midnight_utc() -> float:
    day = datetime.datetime.now(datetime.UTC).date()
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC).timestamp()


def test_no_model_of_the_app_has_a_time_but_the_staff_ones() -> None:
    found = {
        f"{model.__name__}.{field.name}"
        for model in apps.get_app_config("complaints").get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.DateTimeField)
    }
    assert found == STAFF_TIMES


def test_a_report_and_a_reply_write_no_time_in_any_row() -> None:
    make_handler()
    case = file_case(files=[services.Evidence("acta.pdf", "pdf", b"%PDF-1.4 acta")])
    services.reporter_reply(opened=services.OpenCase(case, _case_key(case)), body="más datos", files=[])
    for model in apps.get_app_config("complaints").get_models():
        fields = {f.name: f for f in model._meta.get_fields()}
        rows = model._default_manager.filter(pk=case.pk) if model is Case else None
        if isinstance(fields.get("case"), models.ForeignKey):
            rows = model._default_manager.filter(case=case)
        if rows is None:
            continue
        assert rows.exists(), model.__name__
        for name, field in fields.items():
            if isinstance(field, models.DateTimeField):
                assert not rows.filter(**{f"{name}__isnull": False}).exists(), (model.__name__, name)
    # And the audit log says nothing about the submission or the reply.
    assert not AuditEntry.objects.filter(case_number=case.number).exists()


def _case_key(case: Case) -> bytes:
    handler = case.grants.order_by("id").first().user  # type: ignore[union-attr]
    from factories import PASSWORD

    private = services.handler_key_unlock(user=handler, password=PASSWORD)
    opened = services.case_open_as_handler(case=case, user=handler, private_key=private)
    assert opened is not None
    return opened.case_key


def _times(path: Path | str) -> tuple[float, float]:
    stat = os.stat(path)
    return stat.st_mtime, stat.st_atime


def test_key_file_evidence_file_and_their_folders_keep_the_day_not_the_time() -> None:
    """The review read the key's and the blob's mtime to the nanosecond."""
    make_handler()
    case = file_case(files=[services.Evidence("acta.pdf", "pdf", b"%PDF-1.4 acta")])
    midnight = _midnight_utc()
    key = keystore._path(case.key_id)
    blob = Path(default_storage.path(Attachment.objects.get(case=case).blob))
    for path in (key, key.parent, key.parent.parent, blob, blob.parent):
        assert _times(path) == (midnight, midnight), path
    # Opening the case (the reporter's follow-up reads the key) does not stamp the time of access.
    assert services.case_reopen(case_id=case.pk, case_key=_case_key(case)) is not None
    assert _times(key) == (midnight, midnight)


def test_deleting_a_case_leaves_its_folders_with_the_day() -> None:
    make_handler()
    case = file_case(files=[services.Evidence("acta.pdf", "pdf", b"%PDF-1.4 acta")])
    key = keystore._path(case.key_id)
    blob = Path(default_storage.path(Attachment.objects.get(case=case).blob))
    services.case_delete(case=case, actor=None)
    assert not key.exists() and not blob.exists()
    midnight = _midnight_utc()
    assert _times(key.parent) == (midnight, midnight)
    assert _times(blob.parent) == (midnight, midnight)


def test_midnight_is_of_the_utc_day(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.utils import timezone

    moment = datetime.datetime(2026, 12, 2, 23, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    assert filetimes.midnight() == datetime.datetime(2026, 12, 2, tzinfo=datetime.UTC).timestamp()


# ---------------------------------------------------------------- the handlers' digest


def _digest() -> str:
    out = StringIO()
    call_command("complaints_digest", stdout=out)
    return out.getvalue()


def test_the_digest_counts_reports_and_messages_and_names_no_case() -> None:
    make_handler("gestora@example.org")
    make_handler("colega@example.org")
    first = file_case()
    second = file_case()
    assert mail.outbox == []  # nothing at submission
    assert "2" in _digest()
    assert sorted(m.to[0] for m in mail.outbox) == ["colega@example.org", "gestora@example.org"]
    message = mail.outbox[0]
    text = f"{message.subject}\n{message.body}"
    assert "2 denuncias nuevas" in text
    for case in (first, second):
        assert case.number not in text
    assert not re.search(r"D-\d{4}-\d+", text)
    assert f"{settings.SITE_URL}/gestion/denuncias/" in message.body

    # Nothing new: no email.
    mail.outbox.clear()
    _digest()
    assert mail.outbox == []

    # A reporter's message (not a handler's) is counted.
    services.reporter_reply(opened=services.OpenCase(first, _case_key(first)), body="más datos", files=[])
    _digest()
    assert len(mail.outbox) == 2
    assert "1 mensaje nuevo" in mail.outbox[0].body
    assert "0 denuncias nuevas" in mail.outbox[0].body
    assert first.number not in mail.outbox[0].body
