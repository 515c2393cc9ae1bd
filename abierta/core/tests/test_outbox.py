"""The mail outbox: written with the fact that causes it, delivered by the queue, never lost while
the mail server is down, never sent twice by a retry (issue 14)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMessage, send_mail
from django.db import transaction
from django.utils import timezone

from abierta.core import outbox
from abierta.core.models import Institution, OutboxMessage, ScheduledRun
from abierta.core.tests.fake_smtp import FakeSMTP, run_worker

pytestmark = pytest.mark.django_db


def a_minute_later() -> None:
    """Messages and the outbox sweep are due again, as a minute later."""
    OutboxMessage.objects.update(due_at=timezone.now())
    ScheduledRun.objects.update(next_run_at=timezone.now())


def test_a_message_is_a_row_of_the_transaction_that_causes_it(queued: FakeSMTP) -> None:
    with transaction.atomic():
        Institution.objects.create(name="Secretaría de Prueba", slug="prueba")
        send_mail("Asunto", "Cuerpo", None, ["ana@example.org"])
        assert OutboxMessage.objects.filter(state="pending").count() == 1
    assert not queued.received  # nothing talks to the server inside the request
    # A transaction that fails takes its mail with it.
    with pytest.raises(RuntimeError), transaction.atomic():
        Institution.objects.create(name="Otra", slug="otra")
        send_mail("No sale", "Cuerpo", None, ["ana@example.org"])
        raise RuntimeError
    assert OutboxMessage.objects.count() == 1
    run_worker()
    (message,) = queued.messages()
    assert message["Subject"] == "Asunto" and message["To"] == "ana@example.org"
    assert message.get_content().strip() == "Cuerpo"
    row = OutboxMessage.objects.get()
    assert row.state == "sent" and row.sent_at is not None and row.attempts == 0
    assert bytes(row.message) == b"" and row.recipients == []  # delivered: nothing of it is kept


def test_a_waiting_message_cannot_be_read_from_the_database(queued: FakeSMTP) -> None:
    """Messages carry voting codes and complaint receipts: sealed while they wait."""
    queued.stop()
    send_mail("Su código", "Código de votación: 493817", None, ["ana@example.org"])
    raw = bytes(OutboxMessage.objects.get().message)
    assert b"493817" not in raw and "493817".encode("utf-16-le") not in raw and "código".encode() not in raw


def test_with_the_mail_server_down_nothing_is_lost_and_nothing_is_sent_twice(queued: FakeSMTP) -> None:
    queued.stop()
    for n in range(3):
        send_mail(f"Aviso {n}", "Cuerpo", None, [f"p{n}@example.org"])
    run_worker()
    rows = list(OutboxMessage.objects.order_by("pk"))
    assert [r.state for r in rows] == ["pending"] * 3
    assert all(r.attempts == 1 and r.last_error and r.due_at > timezone.now() for r in rows)
    # Later the server is back; the sweep finds what is due and sends each message once.
    queued.start()
    a_minute_later()
    run_worker()
    a_minute_later()
    run_worker()  # a second pass (another worker, a retried sweep) sends nothing again
    assert sorted(m["Subject"] for m in queued.messages()) == ["Aviso 0", "Aviso 1", "Aviso 2"]
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {"sent"}


def test_the_idempotency_key_makes_a_repeated_write_a_no_op(queued: FakeSMTP) -> None:
    for _ in range(2):  # e.g. a task that failed half-way and runs again
        EmailMessage("Avance", "Texto", None, ["ana@example.org"], headers={outbox.KEY_HEADER: "update:1:ana"}).send()
    assert OutboxMessage.objects.count() == 1
    run_worker()
    (message,) = queued.messages()
    assert outbox.KEY_HEADER not in message  # the key is ours, not the reader's
    assert message["Message-ID"]  # derived from the key: a copy resent after a crash looks the same


def test_a_message_that_keeps_failing_is_marked_failed_and_can_be_sent_again(queued: FakeSMTP, settings: Any) -> None:
    settings.ABIERTA_OUTBOX_ATTEMPTS = 2
    queued.stop()
    send_mail("Aviso", "Cuerpo", None, ["ana@example.org"])
    run_worker()
    a_minute_later()
    run_worker()
    row = OutboxMessage.objects.get()
    assert row.state == "failed" and row.attempts == 2 and "Connection" in row.last_error
    queued.start()
    assert outbox.resend(row.pk)
    run_worker()
    assert len(queued.received) == 1
    assert OutboxMessage.objects.get().state == "sent"
    assert not outbox.resend(row.pk)  # a sent message is not sent again


def test_a_claimed_message_is_not_taken_by_a_second_worker_until_the_claim_expires(queued: FakeSMTP) -> None:
    send_mail("Aviso", "Cuerpo", None, ["ana@example.org"])
    now = timezone.now()
    first = outbox._claim(now)
    assert len(first) == 1
    assert outbox._claim(now) == []
    # The first worker died: after the claim expires the message is delivered by another.
    later = now + datetime.timedelta(seconds=outbox.CLAIM_SECONDS + 1)
    assert outbox.deliver_due(later)["sent"] == 1
    assert len(queued.received) == 1


def test_bcc_reaches_the_server_but_not_the_headers(queued: FakeSMTP) -> None:
    EmailMessage("Aviso", "Cuerpo", None, ["ana@example.org"], bcc=["oculta@example.org"]).send()
    run_worker()
    ((_, recipients, raw),) = queued.received
    assert recipients == ["ana@example.org", "oculta@example.org"]
    assert b"oculta@example.org" not in raw


def test_locmem_delivery_keeps_subject_and_body_for_readers_of_mail_outbox(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EMAIL_BACKEND = "abierta.core.outbox.OutboxBackend"
    settings.ABIERTA_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # the immediate queue runs after the commit
        send_mail("Código", "Su código es 123456", None, ["ana@example.org"])
    (message,) = mail.outbox
    assert message.subject == "Código" and "123456" in str(message.body) and message.to == ["ana@example.org"]


def test_store_many_skips_what_a_previous_run_wrote(queued: FakeSMTP) -> None:
    def messages(n: int) -> list[EmailMessage]:
        return [
            EmailMessage("Avance", "Texto", None, [f"p{i}@example.org"], headers={outbox.KEY_HEADER: f"u:1:{i}"})
            for i in range(n)
        ]

    assert outbox.store_many(messages(3), chunk=2) == 3
    assert outbox.store_many(messages(5), chunk=2) == 2  # the run again, after a crash at message 3
    run_worker()
    assert sorted(m["To"] for m in queued.messages()) == [f"p{i}@example.org" for i in range(5)]
