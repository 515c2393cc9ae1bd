"""Operations on public works that span models: following a work, progress updates that notify
its followers, irregularity reports, and the staff's management of works and their contracts.

Forms validate first (abierta/works/forms.py); these functions assume valid input, write in one
transaction each, keep the public history (abierta/core/history.py) and send mail only once the
transaction has committed (``transaction.on_commit``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from abierta.accounts.models import User
from abierta.complaints.services import Evidence, ReportData, audit_append, complaint_submit
from abierta.contracting.models import Contract
from abierta.core import history, outbox, ratelimit, uploads
from abierta.core.mailboxes import mailbox_key
from abierta.core.plaintext import one_line
from abierta.core.queue import durable
from abierta.core.uploads import JPEG, sniff
from abierta.works.models import (
    IrregularityPhoto,
    IrregularityReport,
    Work,
    WorkContract,
    WorkFollower,
    WorkPhoto,
    WorkUpdate,
)

# How long a confirmation link stays valid; an unconfirmed address is forgotten after it.
FOLLOW_CONFIRM_DAYS = 7
# At most this many emails an hour to one address about one work, whatever is typed in the form.
FOLLOW_MAILS_PER_HOUR = 3

# ---------------------------------------------------------------- public history


def _snapshot(obj: Work | WorkContract | WorkUpdate) -> dict[str, Any]:
    return history.snapshot(obj)


def _record(
    obj: Work | WorkContract | WorkUpdate, *, actor: User | None, before: dict[str, Any] | None, **kw: Any
) -> None:
    history.record(obj, actor=actor, before=before, **kw)


# ---------------------------------------------------------------- links and mail


def work_public_path(work: Work) -> str:
    """The work's public page (``/o/<code>``)."""
    return work.get_absolute_url()


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _unsubscribe_url(follower: WorkFollower) -> str:
    return absolute(reverse("works:follow_unsubscribe", args=[follower.token]))


def _follower_message(
    follower: WorkFollower, template: str, subject: str, context: dict[str, Any]
) -> EmailMultiAlternatives:
    """A message to one follower, with its own one-click unsubscribe link (RFC 8058)."""
    unsubscribe = _unsubscribe_url(follower)
    context = {**context, "work": follower.work, "unsubscribe_url": unsubscribe, "site_url": settings.SITE_URL}
    text = render_to_string(f"works/email/{template}.txt", context)
    html = render_to_string(f"works/email/{template}.html", context)
    message = EmailMultiAlternatives(
        one_line(subject),
        text,
        None,
        [follower.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


# ---------------------------------------------------------------- following a work


def _mail_quota_left(work: Work, email: str) -> bool:
    """Count one more email to this mailbox; False once its hourly quota about this work
    (FOLLOW_MAILS_PER_HOUR) or about all works (ABIERTA_FOLLOW_MAILS_PER_MAILBOX_PER_HOUR) is used.

    The mailbox is the address without ``+tag`` (and without dots at Gmail), so variants of one
    address share one quota, and neither variants nor many works multiply it."""
    mailbox = mailbox_key(email)
    window, left = ratelimit.fixed_window(3600)
    everywhere = f"works:follow-mail:{mailbox}:{window}"
    if ratelimit.count(everywhere) >= settings.ABIERTA_FOLLOW_MAILS_PER_MAILBOX_PER_HOUR:
        return False
    if ratelimit.hit(f"works:follow-mail:{work.pk}:{mailbox}", window=3600) > FOLLOW_MAILS_PER_HOUR:
        return False
    ratelimit.hit(everywhere, window=left + 5)
    return True


def _expired(follower: WorkFollower, now: datetime.datetime) -> bool:
    return follower.confirmed_at is None and follower.created_at < now - datetime.timedelta(days=FOLLOW_CONFIRM_DAYS)


@transaction.atomic
def follow_request(*, work: Work, email: str) -> None:
    """Ask to follow a work: email a confirmation link (double opt-in).

    Whatever the address's state, the caller answers the same: a new or pending address gets the
    confirmation link (again), an address that already follows gets a reminder with its
    unsubscribe link. The same address twice never makes two rows. At most FOLLOW_MAILS_PER_HOUR
    emails an hour go to one address about one work, so the form cannot be used to flood a mailbox.
    """
    email = email.strip().lower()
    now = timezone.now()
    follower = WorkFollower.objects.select_for_update().filter(work=work, email=email).first()
    if follower is not None and _expired(follower, now):
        follower.delete()
        follower = None
    if follower is None:
        follower, _created = WorkFollower.objects.get_or_create(work=work, email=email)
    if not _mail_quota_left(work, email):
        return
    if follower.confirmed_at is None:
        confirm_url = absolute(reverse("works:follow_confirm", args=[follower.token]))
        message = _follower_message(
            follower,
            "follow_confirm",
            _("Confirm that you want to follow “%(name)s”") % {"name": work.name},
            {"confirm_url": confirm_url, "days": FOLLOW_CONFIRM_DAYS},
        )
    else:
        message = _follower_message(
            follower, "follow_already", _("You already follow “%(name)s”") % {"name": work.name}, {}
        )
    message.send()  # to the outbox, in this transaction


def follower_by_token(token: str) -> WorkFollower | None:
    """The follower a link's token names, if it is still valid (pending links expire)."""
    follower = WorkFollower.objects.select_related("work").filter(token=token).first()
    if follower is None or _expired(follower, timezone.now()):
        return None
    return follower


@transaction.atomic
def follow_confirm(*, token: str) -> WorkFollower | None:
    """Confirm a follower from its emailed link; None if the link is unknown or expired."""
    follower = follower_by_token(token)
    if follower is None:
        return None
    if follower.confirmed_at is None:
        follower.confirmed_at = timezone.now()
        follower.save(update_fields=["confirmed_at"])
    return follower


@transaction.atomic
def follow_cancel(*, token: str) -> Work | None:
    """Stop following: the address is deleted, nothing about it is kept. Returns the work, or None
    if the link names no follower (already unsubscribed)."""
    follower = WorkFollower.objects.select_related("work").filter(token=token).first()
    if follower is None:
        return None
    work = follower.work
    follower.delete()
    return work


# ---------------------------------------------------------------- progress updates


@dataclass
class UpdatePhoto:
    """A validated photo (its kind from uploads.validate_upload) and its description (the alt text)."""

    upload: UploadedFile
    kind: str
    caption: str


def progress_goes_back(work: Work, physical: Decimal, financial: Decimal) -> bool:
    return physical < work.physical_progress or financial < work.financial_progress


@transaction.atomic
def work_update_add(
    *,
    work: Work,
    author: User | None,
    date: datetime.date,
    physical_progress: Decimal,
    financial_progress: Decimal,
    text: str,
    photos: Sequence[UpdatePhoto] = (),
) -> WorkUpdate:
    """Publish a progress update: its photos lose their metadata (the queue does it, then shows them),
    the work's progress becomes that of its latest update by date, the public history records both,
    and every confirmed follower is emailed once the transaction commits."""
    update = WorkUpdate.objects.create(
        work=work,
        date=date,
        physical_progress=physical_progress,
        financial_progress=financial_progress,
        text=text,
        author=author,
    )
    for photo in photos:
        # The original waits in private storage; the queue strips its metadata and publishes it.
        content = uploads.stash_original(photo.upload, photo.kind)
        item = WorkPhoto(update=update, caption=photo.caption)
        item.original.save(content.name or "foto.jpg", content, save=False)
        item.save()
        uploads.enqueue_image_publish(item)
    _record(update, actor=author, before=None)
    latest = WorkUpdate.objects.filter(work=work).order_by("-date", "-pk").first()
    if latest is not None:
        before = _snapshot(work)
        work.physical_progress = latest.physical_progress
        work.financial_progress = latest.financial_progress
        work.save(update_fields=["physical_progress", "financial_progress", "updated_at"])
        _record(work, actor=author, before=before)
    # A row of this transaction (the database queue): the fan-out exists if and only if the update does.
    work_update_fanout.enqueue(update_id=update.pk)
    return update


def work_update_notify(*, update_id: int) -> int:
    """Write an email to every confirmed follower about an update, once, to the outbox.

    Run by the queue (``works.tasks.work_update_fanout``), never in the editor's request. The update
    is claimed by setting ``notified_at`` in the same transaction as the messages: a second call
    finds it set and writes nothing, and a run that fails half-way writes nothing at all (its retry
    starts again). Each message's key is the update and the follower, so nothing is sent twice.
    Returns how many messages were written. Followers are written to in Spanish, the site's
    language: their language is not stored."""
    with transaction.atomic():
        claimed = WorkUpdate.objects.filter(pk=update_id, notified_at__isnull=True).update(notified_at=timezone.now())
        if not claimed:
            return 0
        update = WorkUpdate.objects.select_related("work").get(pk=update_id)
        work = update.work
        followers = WorkFollower.objects.filter(work=work, confirmed_at__isnull=False).select_related("work")
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("New progress on “%(name)s”") % {"name": work.name}
            context = {
                "update": update,
                "photo_count": update.photos.exclude(state=WorkPhoto.State.FAILED).count(),
                "work_url": absolute(work_public_path(work)),
            }

            def messages() -> Iterator[EmailMultiAlternatives]:
                for follower in followers.order_by("pk").iterator(chunk_size=500):
                    message = _follower_message(follower, "work_update", subject, context)
                    message.extra_headers[outbox.KEY_HEADER] = f"work-update:{update_id}:{follower.pk}"
                    yield message

            return outbox.send_many(messages())


@durable(attempts=8, backoff=60, limit=1800)
def work_update_fanout(update_id: int) -> int:
    """The queue's task for :func:`work_update_notify` (retried if the database is briefly away)."""
    return work_update_notify(update_id=update_id)


# ---------------------------------------------------------------- irregularity reports


@dataclass
class ReportPhoto:
    upload: UploadedFile
    kind: str


def _office_recipients(work: Work) -> list[str]:
    """Where the office is told: its public email; without one, its active editors."""
    if work.office.email:
        return [work.office.email]
    return list(
        User.objects.filter(institution=work.office, role=User.Role.EDITOR, is_active=True).values_list(
            "email", flat=True
        )
    )


@transaction.atomic
def report_submit(
    *,
    work: Work,
    text: str,
    contact_name: str = "",
    contact: str = "",
    photos: Sequence[ReportPhoto] = (),
    keep_location: bool = False,
) -> IrregularityReport:
    """File a citizen's report for the work's responsible office and tell the office by email.
    Nothing about the sender's connection (address, browser) is stored."""
    report = IrregularityReport.objects.create(
        work=work, text=text, contact_name=contact_name.strip(), contact=contact.strip()
    )
    for photo in photos:
        content = uploads.stash_original(photo.upload, photo.kind)
        item = IrregularityPhoto(report=report, kept_location=keep_location)
        item.original.save(content.name or "foto.jpg", content, save=False)
        item.save()
        uploads.enqueue_image_publish(item, keep_location=keep_location)
    recipients = _office_recipients(work)
    if recipients:
        inbox_url = absolute(reverse("works:staff_report", args=[report.pk]))
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Irregularity report on “%(name)s”") % {"name": work.name}
            body = render_to_string(
                "works/email/report_office.txt",
                {"work": work, "report": report, "photo_count": len(photos), "inbox_url": inbox_url},
            )
        message = EmailMultiAlternatives(
            one_line(subject), body, None, recipients, headers={"Auto-Submitted": "auto-generated"}
        )
        message.send()  # to the outbox, in this transaction
    return report


@transaction.atomic
def report_review(*, report: IrregularityReport, actor: User, status: str, answer: str = "") -> IrregularityReport:
    """Mark a report reviewed or answered. An answer is emailed to the reporter if they left an
    email address."""
    report.status = status
    if answer:
        report.answer = answer
    report.save(update_fields=["status", "answer"])
    contact = report.contact
    if status == IrregularityReport.Status.ANSWERED and answer and "@" in contact:
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Answer to your report on “%(name)s”") % {"name": report.work.name}
            body = render_to_string(
                "works/email/report_answer.txt",
                {"report": report, "work": report.work, "office": report.work.office, "answer": answer},
            )
        message = EmailMultiAlternatives(
            one_line(subject), body, None, [contact], headers={"Auto-Submitted": "auto-generated"}
        )
        message.send()  # to the outbox, in this transaction
    return report


FORWARD_ACTION = "work_report_forwarded"


def report_reference(work: Work) -> str:
    """What the complaint channel's "related contract, work or process" field gets: the work's code
    and the number of its works contract."""
    link = work.work_contracts.select_related("contract").filter(role=WorkContract.Role.WORKS).first()
    number = link.contract.contract_id if link else ""
    return f"Obra {work.code}" + (f" · contrato {number}" if number else "")


@transaction.atomic
def report_forward(*, report: IrregularityReport, actor: User, category: str) -> str | None:
    """Send a report to the complaint channel as an anonymous case (encrypted, for the transparency
    office's handlers). Its text, the work's reference and its photos go; the reporter's name and
    contact do not, and are removed from the report here, so that the office's plain copy no longer
    names who reported. Nothing records which case it became (the audit entry does not name the
    report). Returns the case number, or None if the report was already forwarded."""
    report = IrregularityReport.objects.select_for_update().get(pk=report.pk)
    if report.forwarded_on is not None:
        return None
    work = report.work
    files: list[Evidence] = []
    for photo in report.photos.filter(state=IrregularityPhoto.State.READY):
        with photo.image.open("rb") as handle:
            data = handle.read()
        kind = sniff(data[:16]) or JPEG
        files.append(Evidence(name=photo.image.name.rsplit("/", 1)[-1], kind=kind, data=data))
    data = ReportData(
        category=category,
        what=report.text,
        where=", ".join(p for p in (work.name, work.address) if p),
        when=report.created_at.date().isoformat(),
        evidence=_("Photos sent with the report on the work's page.") if files else "",
        reference=report_reference(work),
        identified=False,
    )
    case, _receipt = complaint_submit(report=data, files=files, with_receipt=False)
    audit_append(actor=actor, action=FORWARD_ACTION, case=case, detail="works")
    report.contact_name = ""
    report.contact = ""
    report.forwarded_on = timezone.localdate()
    if report.status == IrregularityReport.Status.RECEIVED:
        report.status = IrregularityReport.Status.REVIEWED
    report.save(update_fields=["contact_name", "contact", "forwarded_on", "status"])
    return case.number


# ---------------------------------------------------------------- managing works


@transaction.atomic
def work_save(*, work: Work, actor: User | None, before: dict[str, Any] | None) -> Work:
    """Save a work filled in by its form (``before`` is ``work_snapshot`` taken before the form
    changed it, None for a new work) and record the change in its public history."""
    work.save()
    _record(work, actor=actor, before=before)
    return work


def work_snapshot(work: Work) -> dict[str, Any]:
    return _snapshot(work)


@transaction.atomic
def work_publish_set(*, work: Work, actor: User, published: bool) -> Work:
    before = _snapshot(work)
    work.is_published = published
    work.save(update_fields=["is_published", "updated_at"])
    _record(work, actor=actor, before=before)
    return work


@transaction.atomic
def work_contract_link(*, work: Work, contract: Contract, role: str, actor: User) -> WorkContract:
    link = WorkContract.objects.create(work=work, contract=contract, role=role)
    _record(link, actor=actor, before=None)
    return link


@transaction.atomic
def work_contract_unlink(*, link: WorkContract, actor: User) -> None:
    before = _snapshot(link)
    _record(link, actor=actor, before=before, action="deleted")
    link.delete()


def contract_find(reference: str) -> list[Contract]:
    """Contracts an ocid or a contract number names (a number may name several)."""
    reference = reference.strip()
    by_ocid = list(Contract.objects.filter(ocid=reference))
    if by_ocid:
        return by_ocid
    return list(Contract.objects.filter(contract_id__iexact=reference)[:5])
