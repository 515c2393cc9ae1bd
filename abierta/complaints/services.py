"""Operations on complaints. Views validate; these write, encrypt and audit.

Every function that reads or changes a case on behalf of a handler appends to the audit log in the
same transaction. No function here receives a client address, a User-Agent or a stored receipt.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import secrets
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from abierta.accounts.models import User
from abierta.complaints import crypto, keystore
from abierta.complaints.businessdays import add_business_days
from abierta.complaints.filetimes import to_the_day
from abierta.complaints.models import Attachment, AuditEntry, Case, CaseGrant, HandlerKey, Message, RecoveryKey
from abierta.core.receipts import new_receipt, normalize_receipt

GENESIS = "0" * 64


# ---------------------------------------------------------------- data carried in and out


@dataclass
class ReportData:
    """What the reporter wrote. Everything here is encrypted before it is stored."""

    category: str
    what: str
    who: str = ""
    where: str = ""
    when: str = ""
    evidence: str = ""
    reference: str = ""  # a contract, work or process the report is about
    identified: bool = False
    name: str = ""
    document_type: str = ""
    document_number: str = ""
    contact: str = ""
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class Evidence:
    """A validated file: its kind from uploads.sniff, and its original bytes (kept as evidence)."""

    name: str
    kind: str
    data: bytes


@dataclass
class OpenCase:
    """A case and its case key, held only for the length of a request."""

    case: Case
    case_key: bytes

    def content_key(self) -> bytes:
        return crypto.content_key(self.case_key, keystore.load(self.case.key_id))


# ---------------------------------------------------------------- helpers


def today() -> datetime.date:
    return timezone.localdate()


def _seal_json(key: bytes, value: dict[str, Any]) -> bytes:
    return crypto.encrypt(key, json.dumps(value, ensure_ascii=False).encode())


def _open_json(key: bytes, blob: bytes) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(crypto.decrypt(key, bytes(blob)))
    return value


def handlers() -> list[User]:
    """The people who may read complaints: active transparency officers with a key."""
    return list(
        User.objects.filter(role=User.Role.TRANSPARENCY, is_active=True, handler_key__isnull=False).select_related(
            "handler_key"
        )
    )


def _blob_to_the_day(name: str) -> None:
    """Give a stored blob (and its folder) the day it was written, not the time (local storage only)."""
    try:
        path = Path(default_storage.path(name))
    except NotImplementedError:  # a remote storage: its own object times are docs/security/complaints.md's
        return
    to_the_day(path, path.parent)


def _store_attachment(case: Case, key: bytes, evidence: Evidence, message: Message | None, reporter: bool) -> None:
    blob = default_storage.save(
        f"complaints/{secrets.token_hex(16)}.bin", ContentFile(crypto.encrypt(key, evidence.data))
    )
    _blob_to_the_day(blob)
    meta = {"name": evidence.name, "kind": evidence.kind, "size": len(evidence.data)}
    Attachment.objects.create(case=case, message=message, meta=_seal_json(key, meta), blob=blob, from_reporter=reporter)


# ---------------------------------------------------------------- reporter side


@transaction.atomic
def complaint_submit(
    *, report: ReportData, files: list[Evidence], channel: str = Case.Channel.WEB, with_receipt: bool = True
) -> tuple[Case, str | None]:
    """File a new case. Returns the case and its receipt (shown once, never stored)."""
    day = today()
    case_key = crypto.new_key()
    key_id, store_key = keystore.create()
    content_key = crypto.content_key(case_key, store_key)
    receipt = new_receipt() if with_receipt else None
    salt = crypto.new_salt()
    recovery = RecoveryKey.objects.filter(active=True).order_by("-id").first()
    case = Case.objects.create(
        number=f"tmp-{secrets.token_hex(6)}",
        category=report.category,
        channel=channel,
        identified=report.identified,
        received_on=day,
        forward_due_on=add_business_days(day, settings.ABIERTA_COMPLAINTS_FORWARD_DAYS),
        due_on=add_business_days(day, settings.ABIERTA_COMPLAINTS_TERM_DAYS),
        key_id=key_id,
        receipt_hash=crypto.receipt_lookup_hash(receipt) if receipt else None,
        receipt_salt=salt if receipt else None,
        receipt_wrap=crypto.encrypt(crypto.receipt_key(receipt, salt), case_key) if receipt else None,
        recovery_seal=crypto.seal(bytes(recovery.public_key), case_key) if recovery else None,
        content=_seal_json(content_key, asdict(report)),
    )
    case.number = f"D-{day.year}-{case.pk:05d}"
    case.save(update_fields=["number"])
    for handler in handlers():
        CaseGrant.objects.create(
            case=case, user=handler, sealed_key=crypto.seal(bytes(handler.handler_key.public_key), case_key)
        )
    for evidence in files:
        _store_attachment(case, content_key, evidence, None, reporter=True)
    # No email here: one sent now would give the report's moment and number to whoever reads the
    # handlers' mail. ``complaints_digest`` tells them, without numbers, every few hours.
    return case, receipt


def complaint_open(*, receipt: str) -> OpenCase | None:
    """The case a receipt opens, or None. Costs two Argon2id runs whether or not it matches."""
    normal = normalize_receipt(receipt)
    if normal is None:
        return None
    case = (
        Case.objects.filter(receipt_hash=crypto.receipt_lookup_hash(normal)).exclude(status=Case.Status.DELETED).first()
    )
    if case is None or case.receipt_wrap is None or case.receipt_salt is None:
        crypto.receipt_key(normal, crypto.new_salt())  # same cost as a hit
        return None
    try:
        case_key = crypto.decrypt(crypto.receipt_key(normal, bytes(case.receipt_salt)), bytes(case.receipt_wrap))
    except crypto.DecryptionError:
        return None
    return OpenCase(case, case_key)


def case_reopen(*, case_id: int, case_key: bytes) -> OpenCase | None:
    """The case again from a key the reporter's session holds (no Argon2 on every page)."""
    case = Case.objects.filter(pk=case_id).exclude(status=Case.Status.DELETED).first()
    if case is None:
        return None
    opened = OpenCase(case, case_key)
    try:
        _open_json(opened.content_key(), bytes(case.content))
    except (crypto.DecryptionError, keystore.KeyDestroyed):
        return None
    return opened


@transaction.atomic
def reporter_reply(*, opened: OpenCase, body: str, files: list[Evidence]) -> Message:
    key = opened.content_key()
    message = Message.objects.create(
        case=opened.case,
        author_kind=Message.Author.REPORTER,
        body=crypto.encrypt(key, body.encode()),
        created_on=today(),
    )
    for evidence in files:
        _store_attachment(opened.case, key, evidence, message, reporter=True)
    Case.objects.filter(pk=opened.case.pk).update(unread=True)
    return message


# ---------------------------------------------------------------- reading


def case_content(opened: OpenCase) -> ReportData:
    return ReportData(**_open_json(opened.content_key(), bytes(opened.case.content)))


@dataclass
class ShownMessage:
    message: Message
    body: str
    attachments: list[tuple[Attachment, dict[str, Any]]]


def case_messages(opened: OpenCase, *, include_internal: bool) -> list[ShownMessage]:
    key = opened.content_key()
    messages = opened.case.messages.select_related("author").prefetch_related("attachments")
    if not include_internal:
        messages = messages.filter(internal=False)
    return [
        ShownMessage(
            m,
            crypto.decrypt(key, bytes(m.body)).decode(),
            [(a, _open_json(key, bytes(a.meta))) for a in m.attachments.all()],
        )
        for m in messages
    ]


def case_attachments(opened: OpenCase) -> list[tuple[Attachment, dict[str, Any]]]:
    """The files sent with the report itself (not with later messages)."""
    key = opened.content_key()
    return [(a, _open_json(key, bytes(a.meta))) for a in opened.case.attachments.filter(message=None)]


def attachment_data(opened: OpenCase, attachment: Attachment) -> tuple[dict[str, Any], bytes]:
    """The attachment's metadata and its original bytes."""
    key = opened.content_key()
    with default_storage.open(attachment.blob, "rb") as handle:
        data = crypto.decrypt(key, handle.read())
    return _open_json(key, bytes(attachment.meta)), data


# ---------------------------------------------------------------- handler keys


def handler_key_create(*, user: User, password: str) -> HandlerKey:
    """Give a handler a key pair, wrapped under their password. Past cases need a grant from a colleague."""
    public, private = crypto.new_keypair()
    salt = crypto.new_salt()
    params = crypto.Argon2Params.from_settings()
    wrapped = crypto.encrypt(crypto.password_key(password, salt, params), private)
    key, _created = HandlerKey.objects.update_or_create(
        user=user,
        defaults={"public_key": public, "wrapped_private_key": wrapped, "salt": salt, "kdf": asdict(params)},
    )
    audit_append(actor=user, action="key-created", detail=crypto.fingerprint(public))
    return key


def handler_key_unlock(*, user: User, password: str) -> bytes:
    """The handler's private key. Raises DecryptionError on a wrong password."""
    key = HandlerKey.objects.get(user=user)
    params = crypto.Argon2Params(**key.kdf) if key.kdf else None
    return crypto.decrypt(crypto.password_key(password, bytes(key.salt), params), bytes(key.wrapped_private_key))


def handler_key_rewrap(*, user: User, old_password: str, new_password: str) -> None:
    """Wrap the private key under a new password (after a password change)."""
    private = handler_key_unlock(user=user, password=old_password)
    key = HandlerKey.objects.get(user=user)
    salt = crypto.new_salt()
    params = crypto.Argon2Params.from_settings()
    key.wrapped_private_key = crypto.encrypt(crypto.password_key(new_password, salt, params), private)
    key.salt = salt
    key.kdf = asdict(params)
    key.save(update_fields=["wrapped_private_key", "salt", "kdf"])
    audit_append(actor=user, action="key-rewrapped")


def case_open_as_handler(*, case: Case, user: User, private_key: bytes) -> OpenCase | None:
    """The case opened with the handler's own grant, or None if they have none (or it is deleted)."""
    if case.status == Case.Status.DELETED:
        return None
    grant = CaseGrant.objects.filter(case=case, user=user).first()
    if grant is None:
        return None
    try:
        return OpenCase(case, crypto.unseal(private_key, bytes(grant.sealed_key)))
    except crypto.DecryptionError:
        return None


def case_grant(*, opened: OpenCase, actor: User, to: User) -> bool:
    """Seal the case key to another handler. False if they have no key yet."""
    key = HandlerKey.objects.filter(user=to).first()
    if key is None:
        return False
    CaseGrant.objects.update_or_create(
        case=opened.case, user=to, defaults={"sealed_key": crypto.seal(bytes(key.public_key), opened.case_key)}
    )
    audit_append(actor=actor, action="granted", case=opened.case, detail=to.email)
    return True


def recovery_key_install(*, public_key: bytes, actor: User | None = None) -> RecoveryKey:
    RecoveryKey.objects.filter(active=True).update(active=False)
    key = RecoveryKey.objects.create(public_key=public_key, fingerprint=crypto.fingerprint(public_key))
    audit_append(actor=actor, action="recovery-key-installed", detail=key.fingerprint)
    return key


def recovery_grant(*, case: Case, recovery_private_key: bytes, to: User, actor: User | None = None) -> bool:
    """Give a handler access to a case with the offline recovery key (after a lost handler key)."""
    if case.recovery_seal is None or case.status == Case.Status.DELETED:
        return False
    try:
        case_key = crypto.unseal(recovery_private_key, bytes(case.recovery_seal))
    except crypto.DecryptionError:
        return False
    return case_grant(opened=OpenCase(case, case_key), actor=actor or to, to=to)


# ---------------------------------------------------------------- handling


@transaction.atomic
def case_read(*, opened: OpenCase, actor: User) -> None:
    if opened.case.unread:
        Case.objects.filter(pk=opened.case.pk).update(unread=False)
        opened.case.unread = False
    audit_append(actor=actor, action="read", case=opened.case)


@transaction.atomic
def case_assign(*, opened: OpenCase, actor: User, handler: User | None) -> None:
    case = opened.case
    if handler is not None:
        case_grant(opened=opened, actor=actor, to=handler)
    case.assigned_to = handler
    case.save(update_fields=["assigned_to"])
    audit_append(actor=actor, action="assigned", case=case, detail=handler.email if handler else "-")


ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    Case.Status.RECEIVED: {Case.Status.TRIAGE, Case.Status.INVESTIGATION, Case.Status.FORWARDED, Case.Status.CLOSED},
    Case.Status.TRIAGE: {Case.Status.INVESTIGATION, Case.Status.FORWARDED, Case.Status.ANSWERED, Case.Status.CLOSED},
    Case.Status.INVESTIGATION: {Case.Status.FORWARDED, Case.Status.ANSWERED, Case.Status.CLOSED},
    Case.Status.FORWARDED: {Case.Status.ANSWERED, Case.Status.CLOSED},
    Case.Status.ANSWERED: {Case.Status.CLOSED, Case.Status.INVESTIGATION},
    Case.Status.CLOSED: {Case.Status.INVESTIGATION},
    Case.Status.DELETED: set(),
}


@transaction.atomic
def case_transition(
    *, case: Case, actor: User, status: str, authority: str = "", on: datetime.date | None = None
) -> None:
    """Move a case to a new state. The caller checked ``status in ALLOWED_TRANSITIONS[case.status]``."""
    day = on or today()
    old = case.status
    case.status = status
    if status == Case.Status.FORWARDED:
        case.forwarded_to = authority
        case.forwarded_on = day
    if status == Case.Status.ANSWERED and case.answered_on is None:
        case.answered_on = day
    if status == Case.Status.CLOSED:
        case.closed_on = day
        if case.answered_on is None:
            case.answered_on = day
        case.delete_after = day + datetime.timedelta(days=settings.ABIERTA_COMPLAINTS_RETENTION_DAYS)
    elif old == Case.Status.CLOSED:
        case.closed_on = None
        case.delete_after = None
        case.deletion_warned_on = None
    case.save()
    detail = f"{old} → {status}" + (f" ({authority})" if authority else "")
    audit_append(actor=actor, action="status", case=case, detail=detail)


@transaction.atomic
def case_message(
    *, opened: OpenCase, actor: User, body: str, internal: bool, files: list[Evidence] | None = None
) -> Message:
    key = opened.content_key()
    now = timezone.now()
    message = Message.objects.create(
        case=opened.case,
        author_kind=Message.Author.HANDLER,
        author=actor,
        internal=internal,
        body=crypto.encrypt(key, body.encode()),
        created_on=timezone.localdate(now),
        created_at=now,
    )
    for evidence in files or []:
        _store_attachment(opened.case, key, evidence, message, reporter=False)
    audit_append(actor=actor, action="note" if internal else "message", case=opened.case)
    return message


def extension_allowed(case: Case, day: datetime.date) -> bool:
    return case.is_open and not case.extended and day <= case.due_on


@transaction.atomic
def case_extend(*, opened: OpenCase, actor: User, reason: str, on: datetime.date | None = None) -> datetime.date:
    """Extend the term to double (Ley 1755 art. 14), telling the reporter why and until when."""
    day = on or today()
    case = opened.case
    new_due = add_business_days(case.received_on, 2 * settings.ABIERTA_COMPLAINTS_TERM_DAYS)
    case.due_on = new_due
    case.extended = True
    case.save(update_fields=["due_on", "extended"])
    text = _("The term to answer was extended until %(date)s. Reason: %(reason)s") % {
        "date": new_due.isoformat(),
        "reason": reason,
    }
    Message.objects.create(
        case=case,
        author_kind=Message.Author.SYSTEM,
        author=actor,
        body=crypto.encrypt(opened.content_key(), text.encode()),
        created_on=day,
        created_at=timezone.now(),
    )
    audit_append(actor=actor, action="extended", case=case, detail=new_due.isoformat())
    return new_due


@transaction.atomic
def case_delete(*, case: Case, actor: User | None) -> None:
    """Destroy the case's keys and ciphertext; keep a tombstone with dates and state for statistics."""
    for attachment in case.attachments.all():
        default_storage.delete(attachment.blob)
        _blob_to_the_day(attachment.blob)  # the folder's time, after the removal
    case.attachments.all().delete()
    case.messages.all().delete()
    case.grants.all().delete()
    keystore.destroy(case.key_id)
    case.receipt_hash = None
    case.receipt_salt = None
    case.receipt_wrap = None
    case.recovery_seal = None
    case.content = b""
    case.assigned_to = None
    case.status = Case.Status.DELETED
    case.deleted_on = today()
    case.save()
    audit_append(actor=actor, action="deleted", case=case)


# ---------------------------------------------------------------- the audit log


def _entry_hash(prev: str, at: datetime.datetime, actor_email: str, action: str, case_number: str, detail: str) -> str:
    canonical = json.dumps([prev, at.isoformat(), actor_email, action, case_number, detail], ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def audit_append(*, actor: User | None, action: str, case: Case | None = None, detail: str = "") -> AuditEntry:
    """Append to the hash chain. Serialised: one writer at a time extends the chain."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [0x0A0D17])
        last = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first()
        prev = last or GENESIS
        at = timezone.now()
        email = actor.email if actor else ""
        number = case.number if case else ""
        entry = AuditEntry(
            at=at,
            actor=actor,
            actor_email=email,
            action=action,
            case_number=number,
            detail=detail[:500],
            prev_hash=prev,
            hash=_entry_hash(prev, at, email, action, number, detail[:500]),
        )
        entry.save()
        return entry


def audit_head(*, before: datetime.datetime) -> tuple[int, str]:
    """The chain as it stood at ``before``: how many entries, and the hash of the last one (the
    genesis hash when there is none). Published daily, it anchors the chain outside the database."""
    entries = AuditEntry.objects.filter(at__lt=before)
    last = entries.order_by("-id").values_list("hash", flat=True).first()
    return entries.count(), last or GENESIS


def audit_hash_at(count: int) -> str | None:
    """The hash of the ``count``-th entry of the chain (GENESIS for 0), None if there are fewer:
    to check a published head against the chain."""
    if count == 0:
        return GENESIS
    return AuditEntry.objects.order_by("id").values_list("hash", flat=True)[count - 1 : count].first()


def audit_verify() -> AuditEntry | None:
    """The first entry whose hash or link does not match, or None if the whole chain holds."""
    prev = GENESIS
    for entry in AuditEntry.objects.order_by("id").iterator():
        expected = _entry_hash(prev, entry.at, entry.actor_email, entry.action, entry.case_number, entry.detail)
        if entry.prev_hash != prev or entry.hash != expected:
            return entry
        prev = entry.hash
    return None
