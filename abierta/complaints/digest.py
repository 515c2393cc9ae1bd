"""The handlers' digest: one email every few hours saying how many reports and reporter messages
arrived since the last one, never which (no case number, no date).

A notification sent at each submission gave the moment of every report to whoever reads the
handlers' mail (its ``Date:`` header and ``Message-ID``) and named the case. The digest is sent by
``abierta complaints_digest``, run from cron every few hours (docs/deploy.md); how far it has told
is one ``DigestMark`` row without a time.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from abierta.complaints import services
from abierta.complaints.models import Case, DigestMark, Message


@dataclass
class Digest:
    reports: int = 0
    messages: int = 0
    sent: int = 0  # emails

    def __bool__(self) -> bool:
        return bool(self.reports or self.messages)


def _mark() -> DigestMark:
    mark = DigestMark.objects.select_for_update().order_by("id").first()
    return mark if mark is not None else DigestMark.objects.create()


@transaction.atomic
def complaints_digest() -> Digest:
    """Count what arrived since the last digest, tell every handler (if anything did), move the mark."""
    mark = _mark()
    cases = Case.objects.filter(id__gt=mark.last_case_id)
    messages = Message.objects.filter(id__gt=mark.last_message_id, author_kind=Message.Author.REPORTER)
    digest = Digest(reports=cases.count(), messages=messages.count())
    mark.last_case_id = Case.objects.order_by("-id").values_list("id", flat=True).first() or mark.last_case_id
    mark.last_message_id = Message.objects.order_by("-id").values_list("id", flat=True).first() or mark.last_message_id
    mark.save()
    if not digest:
        return digest
    subject = _("Complaints: new activity in the inbox")
    inbox = settings.SITE_URL + reverse("complaints:inbox")
    for handler in services.handlers():
        body = render_to_string(
            "complaints/email/digest.txt",
            {"handler": handler, "reports": digest.reports, "messages": digest.messages, "inbox_url": inbox},
        )
        digest.sent += send_mail(subject, body, None, [handler.email], fail_silently=True)
    return digest
