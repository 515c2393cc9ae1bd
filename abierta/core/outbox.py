"""The mail outbox: every message the platform sends is first a row, written in the transaction of
the fact that causes it, and then delivered by the queue (docs/decisions/0021-task-queue.md).

``EMAIL_BACKEND = "abierta.core.outbox.OutboxBackend"`` makes every ``send_mail`` and
``EmailMessage.send`` of the project (and of Django, e.g. the password reset form) write an
:class:`~abierta.core.models.OutboxMessage` instead of talking to a server. ``outbox_deliver``
hands the rows to the real backend, ``ABIERTA_EMAIL_DELIVERY_BACKEND`` (SMTP in production):

- **never lost**: a failed delivery stays pending, with its error, and is tried again with backoff
  (the worker also sweeps the outbox every minute) until ``ABIERTA_OUTBOX_ATTEMPTS`` attempts;
  then it is marked failed and listed on the staff page, where it can be sent again;
- **never readable from the database alone**: messages carry voting codes, complaint receipts and
  set-up links, so each is sealed (``ABIERTA_OUTBOX_KEY``, kept apart from the database) and its
  content is wiped once delivered; the row keeps only its key, state and times;
- **never twice by a retry**: each row has a unique idempotency key (the header
  ``X-Abierta-Key`` a caller sets, e.g. one per update and follower, or a random one), so a task
  that runs again writes nothing new; a delivered row is never claimed again. The one window left
  is a worker dying after the server accepted a message and before the row is marked sent: that
  message goes again, with the same ``Message-ID``, which mail systems use to spot duplicates.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import logging
import uuid
from collections.abc import Iterable, Sequence
from email import message_from_bytes, policy
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, transaction
from django.db import connection as db_connection
from django.db.models import Q
from django.utils import timezone
from django_tasks import task_backends
from nacl.secret import SecretBox

from abierta.core.models import OutboxMessage
from abierta.core.queue import backoff_seconds, durable, periodic

logger = logging.getLogger(__name__)

KEY_HEADER = "X-Abierta-Key"
CLAIM_SECONDS = 300
BATCH = 100


def _kick() -> None:
    outbox_deliver.enqueue()


def _kick_soon() -> None:
    """Ask the queue to deliver. With the database queue the task is a row of the caller's
    transaction: it exists if and only if the messages do. With a queue outside the database (the
    tests' immediate one), it is asked after the commit. A fan-out writes its messages with
    :func:`store_many`, which asks once."""
    if task_backends[outbox_deliver.backend].supports_defer:  # a database queue
        _kick()
    else:
        transaction.on_commit(_kick)


def message_key(message: EmailMessage) -> str:
    key = message.extra_headers.get(KEY_HEADER)
    return str(key) if key else f"mail:{uuid.uuid4().hex}"


def _key() -> bytes:
    configured: str = settings.ABIERTA_OUTBOX_KEY
    if configured:
        return bytes.fromhex(configured)
    return hashlib.blake2b(
        b"outbox", key=settings.SECRET_KEY.encode()[:64], digest_size=32, person=b"abierta-outbox"
    ).digest()


def _seal(raw: bytes) -> bytes:
    return bytes(SecretBox(_key()).encrypt(raw))


def _open(sealed: bytes) -> bytes:
    return bytes(SecretBox(_key()).decrypt(sealed))


def _row(message: EmailMessage) -> OutboxMessage | None:
    key = message_key(message)
    message.extra_headers.pop(KEY_HEADER, None)
    # A Message-ID made from the key: a message sent again after a crash is recognisably the same.
    domain = settings.SITE_URL.split("//")[-1].split("/")[0].split(":")[0] or "abierta.local"
    message.extra_headers.setdefault("Message-ID", f"<{uuid.uuid5(uuid.NAMESPACE_URL, key).hex}@{domain}>")
    recipients = message.recipients()
    if not recipients:
        return None
    return OutboxMessage(
        key=key,
        sender=message.from_email or settings.DEFAULT_FROM_EMAIL,
        recipients=recipients,
        message=_seal(message.message().as_bytes(linesep="\r\n")),
    )


def store(message: EmailMessage) -> bool:
    """Write one message to the outbox; False if its key was already there (written before)."""
    row = _row(message)
    if row is None:
        return False
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        return False
    _kick_soon()
    return True


def store_many(messages: Iterable[EmailMessage], *, chunk: int = 500) -> int:
    """Write many messages (a fan-out) in bulk; those whose key is already there are skipped, so a
    task that runs again writes nothing twice. Asks the queue once. Returns how many were new."""
    written = 0
    batch: list[OutboxMessage] = []

    def flush() -> int:
        keys = [r.key for r in batch]
        before = set(OutboxMessage.objects.filter(key__in=keys).values_list("key", flat=True))
        OutboxMessage.objects.bulk_create(batch, ignore_conflicts=True)
        new = len(set(keys) - before)
        batch.clear()
        return new

    for message in messages:
        row = _row(message)
        if row is not None:
            batch.append(row)
        if len(batch) >= chunk:
            written += flush()
    if batch:
        written += flush()
    if written:
        _kick_soon()
    return written


def send_many(messages: Iterable[EmailMessage]) -> int:
    """Send many messages: to the outbox in bulk when it is the mail backend (it always is, but in
    the tests), else through the configured backend. Returns how many were written or sent."""
    if settings.EMAIL_BACKEND == "abierta.core.outbox.OutboxBackend":
        return store_many(messages)
    with get_connection() as connection:
        return int(connection.send_messages(list(messages)) or 0)


class OutboxBackend(BaseEmailBackend):
    """Django mail backend that writes to the outbox (in the caller's transaction) and sends nothing."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        return sum(store(m) for m in email_messages)


class _Raw(EmailMessage):
    """A stored message given back to a Django backend exactly as it was written."""

    def __init__(self, row: OutboxMessage) -> None:
        self._raw = _open(bytes(row.message))
        parsed = message_from_bytes(self._raw, policy=policy.default)
        text = parsed.get_body(preferencelist=("plain",))
        super().__init__(
            subject=str(parsed.get("Subject", "")),
            body=text.get_content() if text is not None else "",
            from_email=row.sender,
            to=list(row.recipients),
        )

    def message(self, *args: Any, **kwargs: Any) -> Any:
        return _Stored(self._raw)

    def recipients(self) -> list[str]:
        return list(self.to)


class _Stored:
    """What Django's backends ask of a message: its bytes (with CRLF line ends, as stored)."""

    def __init__(self, raw: bytes) -> None:
        self._raw = raw

    def as_bytes(self, unixfrom: bool = False, linesep: str = "\r\n") -> bytes:
        return self._raw if linesep == "\r\n" else self._raw.replace(b"\r\n", linesep.encode())

    def get_charset(self) -> None:
        return None

    def __getattr__(self, name: str) -> Any:  # anything else, from the parsed message
        return getattr(message_from_bytes(self._raw, policy=policy.SMTP), name)


def _claim(now: datetime.datetime) -> list[OutboxMessage]:
    """Claim up to BATCH due messages for this worker, in one conditional update: a row another
    worker claimed meanwhile no longer matches, so no two workers share a message. The claim's
    end, to the microsecond and with a random offset, tells this worker's rows apart."""
    due = Q(state=OutboxMessage.State.PENDING, due_at__lte=now) & (
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )
    ids = list(OutboxMessage.objects.filter(due).order_by("due_at", "pk").values_list("pk", flat=True)[:BATCH])
    if not ids:
        return []
    until = now + datetime.timedelta(seconds=CLAIM_SECONDS, microseconds=uuid.uuid4().int % 1_000_000)
    OutboxMessage.objects.filter(due, pk__in=ids).update(claimed_until=until)
    return list(OutboxMessage.objects.filter(pk__in=ids, claimed_until=until).order_by("due_at", "pk"))


def deliver_due(now: datetime.datetime | None = None) -> dict[str, int]:
    """Deliver what is due now; the figures of this pass."""
    moment = now or timezone.now()
    rows = _claim(moment)
    figures = {"sent": 0, "failed": 0, "waiting": 0}
    if not rows:
        return figures
    connection = get_connection(settings.ABIERTA_EMAIL_DELIVERY_BACKEND)
    opened = False
    try:
        for row in rows:
            try:
                if not opened:
                    connection.open()
                    opened = True
                connection.send_messages([_Raw(row)])
            except Exception as exc:
                _failed(row, exc, moment, figures)
                # The connection may be broken: open it again for the next message.
                with contextlib.suppress(Exception):
                    connection.close()
                opened = False
                continue
            _mark_sent(row.pk)
            figures["sent"] += 1
    finally:
        if opened:
            with contextlib.suppress(Exception):
                connection.close()
    return figures


def _mark_sent(pk: int) -> None:
    """The message left: keep only its key and times. On PostgreSQL the commit does not wait for the
    disk (``synchronous_commit off``): a crash can lose the mark of the last messages, which are then
    sent again with the same Message-ID, rather than make every delivery wait for an fsync."""
    with transaction.atomic():
        if db_connection.vendor == "postgresql":
            with db_connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        OutboxMessage.objects.filter(pk=pk).update(
            state=OutboxMessage.State.SENT,
            sent_at=timezone.now(),
            claimed_until=None,
            last_error="",
            message=b"",  # delivered: the content is not kept
            recipients=[],
            sender="",
        )


def _failed(row: OutboxMessage, exc: BaseException, now: datetime.datetime, figures: dict[str, int]) -> None:
    attempts = row.attempts + 1
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if attempts >= int(settings.ABIERTA_OUTBOX_ATTEMPTS):
        OutboxMessage.objects.filter(pk=row.pk).update(
            state=OutboxMessage.State.FAILED, attempts=attempts, last_error=error, claimed_until=None
        )
        logger.error("outbox: message %s failed for good after %d attempts: %s", row.pk, attempts, error)
        figures["failed"] += 1
        return
    wait = backoff_seconds(attempts, int(settings.ABIERTA_OUTBOX_BACKOFF_SECONDS))
    OutboxMessage.objects.filter(pk=row.pk).update(
        attempts=attempts,
        last_error=error,
        claimed_until=None,
        due_at=now + datetime.timedelta(seconds=wait),
    )
    logger.warning("outbox: message %s not delivered (attempt %d): %s", row.pk, attempts, error)
    figures["waiting"] += 1


def resend(pk: int) -> bool:
    """A failed message goes back to the queue (the staff page's button)."""
    moved = OutboxMessage.objects.filter(pk=pk, state=OutboxMessage.State.FAILED).update(
        state=OutboxMessage.State.PENDING, attempts=0, due_at=timezone.now(), claimed_until=None
    )
    if moved:
        _kick_soon()
    return bool(moved)


@periodic("outbox-purge", daily_at=datetime.time(4, 0))
@durable(attempts=2, backoff=600)
def outbox_purge() -> int:
    """Forget delivered messages after ``ABIERTA_OUTBOX_KEEP_DAYS`` (only their key and times were
    kept; a key matters only while a task that wrote it might run again)."""
    cutoff = timezone.now() - datetime.timedelta(days=int(settings.ABIERTA_OUTBOX_KEEP_DAYS))
    deleted, _ = OutboxMessage.objects.filter(state=OutboxMessage.State.SENT, sent_at__lt=cutoff).delete()
    return deleted


@periodic("outbox-sweep", every=datetime.timedelta(minutes=1))
@durable(attempts=1, limit=600)
def outbox_deliver() -> dict[str, int]:
    """Deliver the due messages, batch after batch, until none is due."""
    total = {"sent": 0, "failed": 0, "waiting": 0}
    while True:
        figures = deliver_due()
        for name, value in figures.items():
            total[name] += value
        if sum(figures.values()) < BATCH:
            return total
