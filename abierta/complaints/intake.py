"""Complaints that arrive by email: read a mailbox and file each message as a case (channel "email").

The mailbox is read from an mbox file, a Maildir folder or an IMAP server (only UNSEEN messages,
marked \\Seen once filed). IMAP goes over TLS with the server's certificate and name verified
(``ssl.create_default_context()``, or a private CA's file): IMAPS, or STARTTLS when ``ssl=False``;
plain IMAP only to a server on this machine, since the password and every complaint cross the link.
A message already filed is recognised by a keyed hash of its Message-ID (or of its bytes, when it
has none) in ``IntakeMessage``, so running intake again files nothing twice.
Each message is filed in its own transaction with its ``IntakeMessage`` row; one that cannot be read
is reported with its position and the reason, and the rest goes on.

Anyone can write any ``From``. A message is filed as *identified* (its sender's name and address
kept, encrypted, as the report's identity) and gets a receipt by email only when the city's own
receiving server vouches for its ``From`` address: a DMARC pass in the ``Authentication-Results``
header that server adds, named by ``ABIERTA_COMPLAINTS_INTAKE_AUTHSERV_ID`` (:func:`dmarc_pass`).
Any other message is filed as anonymous, without name or address, and nobody is answered. The
receipt goes to the verified ``From`` address only (never ``Reply-To``, which the sender chooses),
and says no name (the display name is the sender's text, sent to whatever address was forged).
Messages above ``ABIERTA_COMPLAINTS_INTAKE_MAX_BYTES`` are not filed, and attachments past
``ABIERTA_COMPLAINTS_INTAKE_MAX_ATTACHMENTS`` are listed as not accepted, never decoded.
"""

from __future__ import annotations

import contextlib
import email
import hashlib
import imaplib
import ipaddress
import mailbox
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage as ParsedEmail
from email.message import Message as EmailPart
from html.parser import HTMLParser
from pathlib import Path
from ssl import SSLContext, create_default_context
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from abierta.complaints import crypto, services
from abierta.complaints.models import Case, IntakeMessage
from abierta.complaints.services import Evidence, ReportData
from abierta.core import uploads

ACCEPTED = uploads.DOCUMENTS | uploads.IMAGES
MAX_NAME = 200
IMAP_PORT = 143
IMAPS_PORT = 993


class IntakeError(Exception):
    """A message that cannot be filed; the text says why."""


@dataclass
class IntakeReport:
    read: int = 0
    filed: list[str] = field(default_factory=list)  # case numbers
    skipped: int = 0  # already filed
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (position, reason)
    receipts: int = 0

    def lines(self) -> list[str]:
        lines = [
            _("Read: %(read)s; filed: %(filed)s; skipped (already filed): %(skipped)s; rejected: %(rejected)s.")
            % {"read": self.read, "filed": len(self.filed), "skipped": self.skipped, "rejected": len(self.rejected)}
        ]
        if self.filed:
            lines.append(_("Filed: %(numbers)s") % {"numbers": ", ".join(self.filed)})
        lines.extend(
            _("Rejected %(position)s: %(reason)s") % {"position": position, "reason": reason}
            for position, reason in self.rejected
        )
        return lines


@dataclass
class ParsedComplaint:
    digest: str
    report: ReportData
    files: list[Evidence]
    reply_to: str
    message_id: str


# ---------------------------------------------------------------- reading one message


class _TextFromHtml(HTMLParser):
    """Visible text of an HTML body, with line breaks where blocks end; no script or style."""

    BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "head"):
            self._skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head"):
            self._skip = max(0, self._skip - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)

    def text(self) -> str:
        lines = [re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in "".join(self.parts).split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_to_text(html: str) -> str:
    parser = _TextFromHtml()
    parser.feed(html)
    parser.close()
    return parser.text()


def digest_of(message_id: str, raw: bytes) -> str:
    if message_id:
        return crypto.mac("intake", message_id.encode())
    return crypto.mac("intake", hashlib.sha256(raw).digest())


def _address(message: ParsedEmail, header: str) -> Address | None:
    value = message[header]
    addresses = getattr(value, "addresses", ()) if value is not None else ()
    for address in addresses:
        if address.addr_spec and "@" in address.addr_spec:
            return address  # type: ignore[no-any-return]
    return None


def _body(message: ParsedEmail) -> tuple[str, EmailPart | None]:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return "", None
    content = part.get_content()
    text = content if isinstance(content, str) else ""
    if part.get_content_subtype() == "html":
        text = html_to_text(text)
    return text.strip(), part


def _safe_name(name: str | None, index: int) -> str:
    cleaned = Path((name or "").replace("\\", "/")).name.strip()
    cleaned = "".join(ch for ch in cleaned if ch.isprintable())[:MAX_NAME]
    return cleaned or _("attachment-%(n)s") % {"n": index}


def _attachments(message: ParsedEmail, body: EmailPart | None) -> tuple[list[Evidence], list[str]]:
    """The accepted files as Evidence, and a line for each file not accepted."""
    files: list[Evidence] = []
    refused: list[str] = []
    index = 0
    for part in message.walk():
        if part is body or part.is_multipart():
            continue
        disposition = part.get_content_disposition()
        if disposition != "attachment" and part.get_content_maintype() == "text":
            continue  # the other alternative of the body
        index += 1
        name = _safe_name(part.get_filename(), index)
        if index > settings.ABIERTA_COMPLAINTS_INTAKE_MAX_ATTACHMENTS:
            reason = _("more than %(max)d files") % {"max": settings.ABIERTA_COMPLAINTS_INTAKE_MAX_ATTACHMENTS}
            refused.append(_("not accepted: %(name)s (%(reason)s)") % {"name": name, "reason": reason})
            continue
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes) or not data:
            refused.append(_("not accepted: %(name)s (%(reason)s)") % {"name": name, "reason": _("empty")})
            continue
        upload = SimpleUploadedFile(name, data)
        try:
            kind = uploads.validate_upload(upload, ACCEPTED)
        except ValidationError as e:
            refused.append(_("not accepted: %(name)s (%(reason)s)") % {"name": name, "reason": " ".join(e.messages)})
            continue
        files.append(Evidence(name=name, kind=kind, data=uploads.clean_file(upload, kind).read()))
    return files, refused


_COMMENT = re.compile(r"\([^()]*\)")
_RESULT = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=\s*([A-Za-z0-9_-]+)(.*)$", re.S)
_HEADER_FROM = re.compile(r"\bheader\.from\s*=\s*([^\s;]+)", re.I)


def _results(value: str) -> tuple[str, list[tuple[str, str, str]]]:
    """An Authentication-Results header (RFC 8601) as its authserv-id and (method, result, properties)."""
    text = _COMMENT.sub(" ", value)
    text = _COMMENT.sub(" ", text)  # one level of nesting
    head, *parts = text.split(";")
    authserv = head.strip().split()[0].lower() if head.strip() else ""
    found = []
    for part in parts:
        match = _RESULT.match(part)
        if match:
            found.append((match.group(1).lower(), match.group(2).lower(), match.group(3)))
    return authserv, found


def dmarc_pass(message: ParsedEmail, sender: Address) -> bool:
    """Whether the city's receiving server says DMARC passed for this ``From`` domain.

    Only the ``Authentication-Results`` headers at the top of the message that carry the trusted
    authserv-id count: the receiving server prepends its own above everything the sender wrote,
    and must remove any that claim its id from incoming mail (RFC 8601 §5). Among them there must be
    a ``dmarc=pass``, no other DMARC result, and the ``header.from`` they name (when they name one)
    must be the ``From`` domain. A message with more than one ``From`` address is never verified.
    """
    trusted = str(settings.ABIERTA_COMPLAINTS_INTAKE_AUTHSERV_ID or "").strip().lower()
    if not trusted:
        return False
    senders = getattr(message["From"], "addresses", ())
    if len(senders) != 1:
        return False
    domain = sender.domain.lower().rstrip(".")
    dmarc: list[tuple[str, str]] = []
    for value in message.get_all("Authentication-Results") or []:
        authserv, results = _results(str(value))
        if authserv != trusted:
            break  # below the receiving server's own headers: written by someone else
        for method, result, properties in results:
            if method == "dmarc":
                named = _HEADER_FROM.search(properties)
                dmarc.append((result, named.group(1).lower().rstrip(".") if named else domain))
    return bool(dmarc) and all(result == "pass" and named == domain for result, named in dmarc)


def parse(raw: bytes) -> ParsedComplaint:
    """What one email says, as a report. Raises IntakeError if it cannot be filed."""
    if not raw.strip():
        raise IntakeError(_("empty message"))
    limit = settings.ABIERTA_COMPLAINTS_INTAKE_MAX_BYTES
    if len(raw) > limit:
        raise IntakeError(
            _("the message is larger than %(size)d MB: not filed") % {"size": max(1, limit // (1024 * 1024))}
        )
    try:
        message = email.message_from_bytes(raw, policy=policy.default)
        if not isinstance(message, ParsedEmail):  # policy.default always makes one; narrows the type
            raise IntakeError(_("not an email"))
        sender = _address(message, "From")
        if sender is None:
            raise IntakeError(_("no sender address (From)"))
        auto = str(message.get("Auto-Submitted", "no")).strip().lower()
        precedence = str(message.get("Precedence", "")).strip().lower()
        if auto != "no" or precedence in {"bulk", "junk", "list", "auto_reply"}:
            raise IntakeError(_("an automatic message (auto-reply, bounce or list), not a complaint"))
        verified = dmarc_pass(message, sender)
        message_id = str(message.get("Message-ID", "")).strip()
        text, body = _body(message)
        files, refused = _attachments(message, body)
        subject = str(message.get("Subject", "")).strip()
    except IntakeError:
        raise
    except Exception as e:  # a broken email must not stop the others
        raise IntakeError(_("cannot be read as an email: %(error)s") % {"error": type(e).__name__}) from e
    if not text and not files:
        raise IntakeError(_("no text and no accepted file"))
    if not verified:
        refused.insert(
            0,
            _(
                "The sender's address could not be verified (no DMARC pass from the city's mail server): "
                "filed as anonymous, and no receipt was sent."
            ),
        )
    report = ReportData(
        category=Case.Category.OTHER,
        what=text or _("(The email had no text; see the attached files.)"),
        evidence="\n".join(refused),
        reference=subject[:500],
        identified=verified,
        name=str(sender.display_name or "").strip() if verified else "",
        contact=sender.addr_spec if verified else "",
    )
    return ParsedComplaint(
        digest=digest_of(message_id, raw),
        report=report,
        files=files,
        reply_to=sender.addr_spec if verified else "",
        message_id=message_id,
    )


# ---------------------------------------------------------------- filing


def _send_receipt(parsed: ParsedComplaint, number: str, receipt: str) -> None:
    body = render_to_string(
        "complaints/email/intake_receipt.txt",
        {
            "number": number,
            "receipt": receipt,
            "followup_url": settings.SITE_URL + reverse("complaints:followup"),
        },
    )
    headers = {"Auto-Submitted": "auto-replied"}
    if parsed.message_id:
        headers |= {"In-Reply-To": parsed.message_id, "References": parsed.message_id}
    message = EmailMessage(
        _("Your complaint was received: %(number)s") % {"number": number},
        body,
        None,
        [parsed.reply_to],
        headers=headers,
    )
    message.send()


def file_message(raw: bytes, *, receipts: bool = True) -> tuple[str, Case | None]:
    """File one email. Returns ("filed", case) or ("skipped", None); raises IntakeError."""
    parsed = parse(raw)
    if IntakeMessage.objects.filter(digest=parsed.digest).exists():
        return "skipped", None
    try:
        with transaction.atomic():
            # A receipt only to a verified sender: nobody else can be told it.
            case, receipt = services.complaint_submit(
                report=parsed.report,
                files=parsed.files,
                channel=Case.Channel.EMAIL,
                with_receipt=receipts and bool(parsed.reply_to),
            )
            IntakeMessage.objects.create(digest=parsed.digest, filed_on=services.today())
            if receipt is not None:
                # To the outbox, sealed, in the filing's transaction: not lost if the mail server is down.
                _send_receipt(parsed, case.number, receipt)
    except IntegrityError:
        return "skipped", None  # another intake run filed it a moment ago
    return "filed", case


def _take(report: IntakeReport, position: str, raw: bytes, *, receipts: bool) -> bool:
    """File one message into the report. True if it is filed or was already filed."""
    report.read += 1
    try:
        outcome, case = file_message(raw, receipts=receipts)
    except IntakeError as e:
        report.rejected.append((position, str(e)))
        return False
    if case is None:
        report.skipped += 1
    else:
        report.filed.append(case.number)
        if receipts:
            report.receipts += 1
    return outcome in ("filed", "skipped")


# ---------------------------------------------------------------- sources


def _local_messages(box: mailbox.Mailbox[Any], label: str) -> Iterator[tuple[str, bytes | None, str]]:
    keys = list(box.iterkeys()) if label == "mbox" else sorted(box.iterkeys())
    for index, key in enumerate(keys, start=1):
        position = f"#{index}" if label == "mbox" else f"#{index} ({key})"
        try:
            yield position, box.get_bytes(key), ""
        except Exception as e:  # report it and go on
            yield position, None, type(e).__name__


def _intake_local(box: mailbox.Mailbox[Any], label: str, *, receipts: bool) -> IntakeReport:
    report = IntakeReport()
    for position, raw, error in _local_messages(box, label):
        if raw is None:
            report.read += 1
            report.rejected.append((position, _("cannot be read: %(error)s") % {"error": error}))
            continue
        _take(report, position, raw, receipts=receipts)
    return report


def intake_mbox(path: Path, *, receipts: bool = True) -> IntakeReport:
    if not path.is_file():
        raise FileNotFoundError(path)
    box = mailbox.mbox(path, factory=None, create=False)
    try:
        return _intake_local(box, "mbox", receipts=receipts)
    finally:
        box.close()


def intake_maildir(path: Path, *, receipts: bool = True) -> IntakeReport:
    if not (path / "cur").is_dir() and not (path / "new").is_dir():
        raise FileNotFoundError(path)
    return _intake_local(mailbox.Maildir(path, factory=None, create=False), "maildir", receipts=receipts)


def is_local_host(host: str) -> bool:
    """Whether ``host`` is this machine (a loopback name or address), where plain IMAP stays inside it."""
    if host.strip().lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def tls_context(cafile: str | None = None) -> SSLContext:
    """Certificate and host name verified, against the system's CAs or ``cafile`` (a private CA)."""
    return create_default_context(cafile=cafile)


def _imap_connect(host: str, port: int | None, *, use_tls: bool, cafile: str | None) -> imaplib.IMAP4:
    """A connection on which the password may be sent: verified TLS, or plain to this machine only."""
    if use_tls:
        return imaplib.IMAP4_SSL(host, port or IMAPS_PORT, ssl_context=tls_context(cafile))
    client = imaplib.IMAP4(host, port or IMAP_PORT)
    if is_local_host(host):
        return client
    try:
        if "STARTTLS" not in client.capabilities:
            raise imaplib.IMAP4.error(
                _("%(host)s does not offer STARTTLS: plain IMAP is only allowed to a server on this machine.")
                % {"host": host}
            )
        client.starttls(ssl_context=tls_context(cafile))
    except BaseException:
        with contextlib.suppress(OSError):
            client.shutdown()
        raise
    return client


def intake_imap(
    *,
    host: str,
    user: str,
    password: str,
    folder: str = "INBOX",
    port: int | None = None,
    ssl: bool = True,
    receipts: bool = True,
    cafile: str | None = None,
) -> IntakeReport:
    """File the folder's UNSEEN messages; mark each \\Seen once filed (or found already filed)."""
    report = IntakeReport()
    client = _imap_connect(host, port, use_tls=ssl, cafile=cafile)
    try:
        client.login(user, password)
        status, _data = client.select(folder)
        if status != "OK":
            raise imaplib.IMAP4.error(_("cannot open the folder %(folder)s") % {"folder": folder})
        status, found = client.uid("SEARCH", "UNSEEN")
        uids = found[0].split() if status == "OK" and found and isinstance(found[0], bytes) else []
        for uid in (u.decode() for u in uids):
            position = f"UID {uid}"
            status, data = client.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((item[1] for item in data or [] if isinstance(item, tuple) and len(item) > 1), None)
            if status != "OK" or not isinstance(raw, bytes):
                report.read += 1
                report.rejected.append((position, _("the server did not return the message")))
                continue
            if _take(report, position, raw, receipts=receipts):
                client.uid("STORE", uid, "+FLAGS", "(\\Seen)")
        client.close()
    finally:
        client.logout()
    return report
