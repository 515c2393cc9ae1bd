"""Email intake: mbox, Maildir and IMAP; idempotent; files accepted, others listed; receipts by email."""

from __future__ import annotations

import mailbox
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import clear_url_caches
from django.utils import translation

from abierta.accounts.models import User
from abierta.complaints import intake, services
from abierta.complaints.models import Case, IntakeMessage
from abierta.core.tests.factories import png_bomb_bytes
from factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120
RECEIPT = re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b")


AUTHSERV = "mx.cartagena.gov.co"


def verified(domain: str = "example.net") -> str:
    """What the city's receiving server writes when DMARC passes for ``domain``."""
    return (
        f"{AUTHSERV}; spf=pass smtp.mailfrom={domain}; dkim=pass header.d={domain}; "
        f"dmarc=pass (p=reject) header.from={domain}"
    )


@pytest.fixture(autouse=True)
def _trusted_server(settings: Any) -> None:
    settings.ABIERTA_COMPLAINTS_INTAKE_AUTHSERV_ID = AUTHSERV


@pytest.fixture(autouse=True)
def _commands_in_english(settings: Any) -> Iterator[None]:
    """The commands speak the site's language (Spanish); these tests read their English messages."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
    # URLs reversed while English was the default language were cached without their /en/ prefix.
    clear_url_caches()


def complaint_email(
    *, sender: str = "Ana Pérez <ana@example.net>", subject: str = "Contrato 2026-118", message_id: str | None = None
) -> EmailMessage:
    msg = EmailMessage()
    msg["Authentication-Results"] = verified()
    msg["From"] = sender
    msg["To"] = "denuncias@cartagena.gov.co"
    msg["Subject"] = subject
    if message_id:
        msg["Message-ID"] = message_id
    msg.set_content("El interventor recibió dinero del contratista.\nAdjunto el acta.")
    msg.add_attachment(PDF, maintype="application", subtype="pdf", filename="acta.pdf")
    msg.add_attachment(EXE, maintype="application", subtype="octet-stream", filename="programa.exe")
    return msg


def html_email() -> EmailMessage:
    msg = EmailMessage()
    msg["Authentication-Results"] = verified()
    msg["From"] = "luis@example.net"
    msg["Subject"] = "Obra sin terminar"
    msg["Message-ID"] = "<html-1@example.net>"
    msg.set_content(
        "<html><head><style>p{color:red}</style></head><body><p>La obra del <b>parque</b> está parada.</p>"
        "<ul><li>Desde marzo</li></ul><script>alert(1)</script></body></html>",
        subtype="html",
    )
    return msg


def no_sender_email() -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = "sin remitente"
    msg.set_content("texto")
    return msg


def messages() -> list[EmailMessage]:
    return [
        complaint_email(message_id="<one@example.net>"),
        html_email(),
        no_sender_email(),
        complaint_email(sender="sinid@example.net", subject="Sin Message-ID"),
    ]


@pytest.fixture
def handler() -> tuple[User, bytes]:
    user = make_user("gestora@example.org", User.Role.TRANSPARENCY)
    services.handler_key_create(user=user, password=PASSWORD)
    return user, services.handler_key_unlock(user=user, password=PASSWORD)


def make_mbox(path: Path, items: list[EmailMessage]) -> Path:
    box = mailbox.mbox(path)
    for item in items:
        box.add(item)
    box.flush()
    box.close()
    return path


def make_maildir(path: Path, items: list[EmailMessage]) -> Path:
    box = mailbox.Maildir(path, create=True)
    for item in items:
        box.add(item)
    return path


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("complaints_intake", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def opened_content(case: Case, handler: tuple[User, bytes]) -> tuple[services.ReportData, list[dict[str, Any]]]:
    opened = services.case_open_as_handler(case=case, user=handler[0], private_key=handler[1])
    assert opened is not None
    return services.case_content(opened), [meta for _a, meta in services.case_attachments(opened)]


@pytest.mark.parametrize("kind", ["mbox", "maildir"])
def test_files_each_message_once(
    kind: str, tmp_path: Path, handler: tuple[User, bytes], django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    make = make_mbox if kind == "mbox" else make_maildir
    path = make(tmp_path / kind, messages())
    with django_capture_on_commit_callbacks(execute=True):
        out, err = run(f"--{kind}", str(path))
    assert "Read: 4; filed: 3; skipped (already filed): 0; rejected: 1." in out
    assert ("#3" in err) if kind == "mbox" else ("#" in err)  # a Maildir has no order
    assert "From" in err

    cases = list(Case.objects.order_by("id"))
    assert len(cases) == 3
    assert all(c.channel == Case.Channel.EMAIL for c in cases)
    assert all(c.category == Case.Category.OTHER for c in cases)
    assert all(c.identified for c in cases)
    assert IntakeMessage.objects.count() == 3

    by_reference = {opened_content(c, handler)[0].reference: c for c in cases}
    ana_case, luis_case = by_reference["Contrato 2026-118"], by_reference["Obra sin terminar"]
    report, files = opened_content(ana_case, handler)
    assert report.what.startswith("El interventor recibió dinero")
    assert report.contact == "ana@example.net"
    assert report.name == "Ana Pérez"
    assert report.reference == "Contrato 2026-118"
    assert "not accepted: programa.exe" in report.evidence
    assert [f["name"] for f in files] == ["acta.pdf"]
    assert files[0]["kind"] == "pdf"

    html_report, html_files = opened_content(luis_case, handler)
    assert "La obra del parque está parada." in html_report.what
    assert "- Desde marzo" in html_report.what
    assert "alert" not in html_report.what
    assert "color" not in html_report.what
    assert html_files == []

    # A receipt to each sender, which opens their case; nothing to the message without a sender.
    receipts = [m for m in mail.outbox if m.to != ["gestora@example.org"]]
    assert sorted(m.to[0] for m in receipts) == ["ana@example.net", "luis@example.net", "sinid@example.net"]
    ana = next(m for m in receipts if m.to == ["ana@example.net"])
    assert ana.extra_headers["In-Reply-To"] == "<one@example.net>"
    assert ana.extra_headers["Auto-Submitted"] == "auto-replied"
    assert "/denuncias/seguimiento/" in ana.body
    match = RECEIPT.search(str(ana.body))
    assert match is not None
    opened = services.complaint_open(receipt=match.group(0))
    assert opened is not None
    assert opened.case == ana_case

    # Again: nothing new is filed (the message without a Message-ID is known by its bytes).
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        out, _err = run(f"--{kind}", str(path))
    assert "Read: 4; filed: 0; skipped (already filed): 3; rejected: 1." in out
    assert Case.objects.count() == 3
    assert mail.outbox == []


def test_no_receipts(tmp_path: Path, handler: tuple[User, bytes]) -> None:
    path = make_mbox(tmp_path / "box", [complaint_email(message_id="<nr@example.net>")])
    run("--mbox", str(path), "--no-receipts")
    case = Case.objects.get()
    assert case.receipt_hash is None
    assert case.receipt_wrap is None
    assert opened_content(case, handler)[0].contact == "ana@example.net"


def test_too_large_attachment_is_listed(tmp_path: Path, handler: tuple[User, bytes], settings: Any) -> None:
    settings.ABIERTA_MAX_UPLOAD_BYTES = 20
    path = make_mbox(tmp_path / "box", [complaint_email(message_id="<big@example.net>")])
    run("--mbox", str(path), "--no-receipts")
    report, files = opened_content(Case.objects.get(), handler)
    assert files == []
    assert "not accepted: acta.pdf" in report.evidence
    assert "not accepted: programa.exe" in report.evidence


def test_automatic_replies_are_not_filed(tmp_path: Path) -> None:
    auto = complaint_email(message_id="<auto@example.net>")
    auto["Auto-Submitted"] = "auto-replied"
    out, err = run("--mbox", str(make_mbox(tmp_path / "box", [auto])))
    assert "rejected: 1" in out
    assert "automatic" in err
    assert not Case.objects.exists()


def test_a_failure_while_filing_leaves_nothing_half_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, handler: tuple[User, bytes]
) -> None:
    path = make_mbox(tmp_path / "box", [complaint_email(message_id="<fail@example.net>")])
    real = IntakeMessage.objects.create

    def boom(**kwargs: Any) -> IntakeMessage:
        raise RuntimeError("disk full")

    monkeypatch.setattr(IntakeMessage.objects, "create", boom)
    with pytest.raises(RuntimeError):
        run("--mbox", str(path))
    assert not Case.objects.exists()
    monkeypatch.setattr(IntakeMessage.objects, "create", real)
    out, _err = run("--mbox", str(path))
    assert "filed: 1" in out


def test_html_to_text() -> None:
    text = intake.html_to_text("<p>Uno &amp; dos</p><p>tres<br>cuatro</p><script>x()</script>")
    assert text == "Uno & dos\n\ntres\ncuatro"


def test_missing_mailbox(tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        run("--mbox", str(tmp_path / "nope"))
    with pytest.raises(CommandError):
        run("--maildir", str(tmp_path / "nope"))


# ---------------------------------------------------------------- IMAP


class FakeIMAP:
    """Just enough of imaplib.IMAP4 for intake: UNSEEN search, fetch by UID, +FLAGS \\Seen."""

    mailbox: dict[str, tuple[bytes, set[str]]] = {}
    password = "clave-imap"

    def __init__(self, host: str, port: int, ssl_context: Any = None) -> None:
        assert ssl_context is not None and ssl_context.verify_mode == ssl.CERT_REQUIRED
        assert ssl_context.check_hostname
        self.host, self.port = host, port
        self.logged_in = False

    def login(self, user: str, password: str) -> tuple[str, list[bytes]]:
        if password != self.password:
            import imaplib

            raise imaplib.IMAP4.error("authentication failed")
        self.logged_in = True
        return "OK", [b"logged in"]

    def select(self, folder: str) -> tuple[str, list[bytes]]:
        assert self.logged_in
        return ("OK", [str(len(self.mailbox)).encode()]) if folder == "INBOX" else ("NO", [b"no such folder"])

    def uid(self, command: str, *args: str) -> tuple[str, list[Any]]:
        if command == "SEARCH":
            assert args == ("UNSEEN",)
            unseen = [uid for uid, (_raw, flags) in self.mailbox.items() if "\\Seen" not in flags]
            return "OK", [" ".join(unseen).encode()]
        if command == "FETCH":
            raw = self.mailbox[args[0]][0]
            assert "PEEK" in args[1]  # fetching must not mark it seen by itself
            return "OK", [(f"1 (UID {args[0]} BODY[] {{{len(raw)}}}".encode(), raw), b")"]
        if command == "STORE":
            assert args[1:] == ("+FLAGS", "(\\Seen)")
            self.mailbox[args[0]][1].add("\\Seen")
            return "OK", [b""]
        raise AssertionError(command)

    def close(self) -> tuple[str, list[bytes]]:
        return "OK", [b""]

    def logout(self) -> tuple[str, list[bytes]]:
        return "BYE", [b""]


def test_imap_files_unseen_and_marks_them_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, handler: tuple[User, bytes]
) -> None:
    import imaplib

    FakeIMAP.mailbox = {str(uid): (msg.as_bytes(), set()) for uid, msg in enumerate(messages(), start=10)}
    FakeIMAP.mailbox["9"] = (complaint_email(message_id="<old@example.net>").as_bytes(), {"\\Seen"})
    monkeypatch.setattr(imaplib, "IMAP4_SSL", FakeIMAP)
    password_file = tmp_path / "password"
    password_file.write_text("clave-imap\n")
    args = ["--imap", "mail.example.org", "--user", "denuncias", "--password-file", str(password_file), "--no-receipts"]

    out, err = run(*args)
    assert "Read: 4; filed: 3; skipped (already filed): 0; rejected: 1." in out
    assert "UID 12" in err  # the one without a sender
    assert {uid for uid, (_raw, flags) in FakeIMAP.mailbox.items() if "\\Seen" in flags} == {"9", "10", "11", "13"}
    assert Case.objects.count() == 3

    out, _err = run(*args)
    assert "Read: 1; filed: 0; skipped (already filed): 0; rejected: 1." in out
    assert Case.objects.count() == 3

    # Marked unseen again by a person: recognised, not filed twice, and marked seen again.
    FakeIMAP.mailbox["10"][1].clear()
    out, _err = run(*args)
    assert "skipped (already filed): 1" in out
    assert "\\Seen" in FakeIMAP.mailbox["10"][1]
    assert Case.objects.count() == 3


def test_imap_needs_user_and_password(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import imaplib

    monkeypatch.setattr(imaplib, "IMAP4_SSL", FakeIMAP)
    with pytest.raises(CommandError, match="--user"):
        run("--imap", "mail.example.org")
    wrong = tmp_path / "wrong"
    wrong.write_text("otra")
    with pytest.raises(CommandError, match="authentication"):
        run("--imap", "mail.example.org", "--user", "u", "--password-file", str(wrong))


# ---------------------------------------------------------------- TLS (security review C4)


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 that no CA signed, named as the review's fake server was."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a self-signed certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(  # noqa: S603
        [  # noqa: S607
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=not-the-mail-server",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


class FakeIMAPServer:
    """An IMAP server on 127.0.0.1 that records every line a client sends (answering LOGIN with NO):
    implicit TLS (IMAPS), STARTTLS, or plain without STARTTLS."""

    def __init__(self, cert: Path, key: Path, *, mode: str) -> None:
        self.mode = mode
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert, key)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(10)
        self.port = self.listener.getsockname()[1]
        self.received: list[str] = []
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        try:
            conn, _addr = self.listener.accept()
            conn.settimeout(10)
            if self.mode == "imaps":
                conn = self.context.wrap_socket(conn, server_side=True)
            self.talk(conn)
        except (OSError, ssl.SSLError):
            pass  # the client hung up (as it must on a certificate it does not trust)
        finally:
            self.listener.close()

    def talk(self, conn: socket.socket) -> None:
        stream = conn.makefile("rwb")
        capabilities = "IMAP4rev1 STARTTLS" if self.mode == "starttls" else "IMAP4rev1"
        stream.write(f"* OK [CAPABILITY {capabilities}] ready\r\n".encode())
        stream.flush()
        while line := stream.readline():
            text = line.decode(errors="replace").strip()
            self.received.append(text)
            tag, _, command = text.partition(" ")
            verb = command.split(" ", 1)[0].upper()
            if verb == "CAPABILITY":
                stream.write(f"* CAPABILITY {capabilities}\r\n{tag} OK done\r\n".encode())
            elif verb == "STARTTLS":
                stream.write(f"{tag} OK begin TLS\r\n".encode())
                stream.flush()
                conn = self.context.wrap_socket(conn, server_side=True)
                stream = conn.makefile("rwb")
                continue
            elif verb == "LOGOUT":
                stream.write(f"* BYE\r\n{tag} OK bye\r\n".encode())
                stream.flush()
                return
            elif verb == "LOGIN":
                stream.write(f"{tag} NO [AUTHENTICATIONFAILED] refused by the fake server\r\n".encode())
            else:
                stream.write(f"{tag} BAD unknown\r\n".encode())
            stream.flush()

    def logins(self) -> list[str]:
        self.thread.join(10)
        return [line for line in self.received if " LOGIN " in line.upper()]


def imap_args(server: FakeIMAPServer, password_file: Path, *extra: str) -> list[str]:
    return ["--imap", "127.0.0.1", "--port", str(server.port), "--user", "denuncias", "--password-file",
            str(password_file), *extra]  # fmt: skip


@pytest.fixture
def password_file(tmp_path: Path) -> Path:
    path = tmp_path / "imappw"
    path.write_text("s3cret-imap-password\n")
    return path


def test_imaps_with_a_self_signed_certificate_gets_no_password(
    self_signed: tuple[Path, Path], password_file: Path
) -> None:
    server = FakeIMAPServer(*self_signed, mode="imaps")
    with pytest.raises(CommandError, match=r"CERTIFICATE_VERIFY_FAILED|certificate verify failed"):
        run(*imap_args(server, password_file))
    assert server.logins() == []
    assert not any("s3cret" in line for line in server.received)


def test_imaps_with_the_private_ca_given_sends_the_login(self_signed: tuple[Path, Path], password_file: Path) -> None:
    """Control: the same server, trusted through --cafile, does get the LOGIN (and refuses it)."""
    server = FakeIMAPServer(*self_signed, mode="imaps")
    with pytest.raises(CommandError, match="AUTHENTICATIONFAILED"):
        run(*imap_args(server, password_file, "--cafile", str(self_signed[0])))
    assert len(server.logins()) == 1


def test_starttls_with_a_self_signed_certificate_gets_no_password(
    self_signed: tuple[Path, Path], password_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intake, "is_local_host", lambda host: False)  # as if the server were another machine
    server = FakeIMAPServer(*self_signed, mode="starttls")
    with pytest.raises(CommandError, match=r"CERTIFICATE_VERIFY_FAILED|certificate verify failed"):
        run(*imap_args(server, password_file, "--no-ssl"))
    assert server.logins() == []
    assert any(line.upper().endswith("STARTTLS") for line in server.received)


def test_plain_imap_to_another_machine_is_refused(self_signed: tuple[Path, Path], password_file: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setattr(intake, "is_local_host", lambda host: False)
    server = FakeIMAPServer(*self_signed, mode="plain")
    with pytest.raises(CommandError, match="STARTTLS"):
        run(*imap_args(server, password_file, "--no-ssl"))
    assert server.logins() == []


def test_plain_imap_to_this_machine_is_allowed(self_signed: tuple[Path, Path], password_file: Path) -> None:
    server = FakeIMAPServer(*self_signed, mode="plain")
    with pytest.raises(CommandError, match="AUTHENTICATIONFAILED"):
        run(*imap_args(server, password_file, "--no-ssl"))
    assert len(server.logins()) == 1


@pytest.mark.parametrize(
    ("host", "local"),
    [("localhost", True), ("127.0.0.1", True), ("::1", True), ("mail.cartagena.gov.co", False), ("10.0.0.5", False)],
)
def test_which_hosts_are_this_machine(host: str, local: bool) -> None:
    assert intake.is_local_host(host) is local


# ---------------------------------------------------------------- whom to trust (security review C7)


def spoofed_mayor(*headers: str) -> bytes:
    msg = EmailMessage()
    for header in headers:
        msg["Authentication-Results"] = header
    msg["From"] = "Alcalde <alcalde@cartagena.gov.co>"
    msg["Reply-To"] = "attacker@evil.example"
    msg["Subject"] = "Denuncia urgente"
    msg["Message-ID"] = f"<mayor-{len(headers)}-{abs(hash(headers))}@evil.example>"
    msg.set_content("El secretario de obras recibe sobornos.")
    return msg.as_bytes()


def file(raw: bytes, capture: Callable[..., Any]) -> Case:
    with capture(execute=True):
        outcome, case = intake.file_message(raw)
    assert outcome == "filed" and case is not None
    return case


@pytest.mark.parametrize(
    "headers",
    [
        (),  # no verdict at all
        (f"{AUTHSERV}; dmarc=fail (p=none) header.from=cartagena.gov.co",),
        # The sender's own "pass" below the receiving server's "fail"…
        (
            f"{AUTHSERV}; dmarc=fail header.from=cartagena.gov.co",
            f"{AUTHSERV}; dmarc=pass header.from=cartagena.gov.co",
        ),
        # …or below a header of another server: neither is the city's server speaking.
        ("mx.evil.example; dmarc=pass header.from=cartagena.gov.co", f"{AUTHSERV}; dmarc=pass"),
        # A pass, but for another domain than the From.
        (f"{AUTHSERV}; dmarc=pass header.from=evil.example",),
    ],
    ids=["none", "fail", "forged-below-fail", "other-server-on-top", "other-domain"],
)
def test_a_spoofed_from_is_filed_anonymous_and_nobody_is_answered(
    headers: tuple[str, ...], handler: tuple[User, bytes], django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    case = file(spoofed_mayor(*headers), django_capture_on_commit_callbacks)
    assert case.identified is False
    assert case.receipt_hash is None
    report, _files = opened_content(case, handler)
    assert (report.name, report.contact) == ("", "")
    assert "could not be verified" in report.evidence
    assert "sobornos" in report.what
    assert [m for m in mail.outbox if "attacker@evil.example" in m.to or "alcalde@cartagena.gov.co" in m.to] == []
    assert not [m for m in mail.outbox if m.subject.startswith("Your complaint was received")]


def test_without_a_trusted_server_configured_no_email_is_identified(
    settings: Any, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    settings.ABIERTA_COMPLAINTS_INTAKE_AUTHSERV_ID = ""
    case = file(
        spoofed_mayor(f"{AUTHSERV}; dmarc=pass header.from=cartagena.gov.co"), django_capture_on_commit_callbacks
    )
    assert case.identified is False


def test_a_verified_sender_is_answered_at_from_never_reply_to(
    handler: tuple[User, bytes], django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    case = file(spoofed_mayor(verified("cartagena.gov.co")), django_capture_on_commit_callbacks)
    assert case.identified is True
    report, _files = opened_content(case, handler)
    assert (report.name, report.contact) == ("Alcalde", "alcalde@cartagena.gov.co")
    receipts = [m for m in mail.outbox if m.subject.startswith("Your complaint was received")]
    assert [m.to for m in receipts] == [["alcalde@cartagena.gov.co"]]
    assert receipts[0].cc == [] and receipts[0].bcc == []


@pytest.mark.parametrize("trusted", [True, False])
def test_the_display_name_never_travels_in_the_reply(
    trusted: bool, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    msg = EmailMessage()
    if trusted:
        msg["Authentication-Results"] = verified("example.org")
    msg["From"] = '"BUY CHEAP PILLS AT http://spam.example NOW" <victim@example.org>'
    msg["Subject"] = "hola"
    msg["Message-ID"] = f"<pills-{trusted}@example.org>"
    msg.set_content("Texto de la denuncia.")
    file(msg.as_bytes(), django_capture_on_commit_callbacks)
    receipts = [m for m in mail.outbox if m.subject.startswith("Your complaint was received")]
    assert len(receipts) == (1 if trusted else 0)
    for sent in mail.outbox:
        assert "PILLS" not in str(sent.body) and "spam.example" not in str(sent.body)
        assert "PILLS" not in sent.subject


def test_two_from_addresses_are_never_verified(django_capture_on_commit_callbacks: Callable[..., Any]) -> None:
    raw = (
        f"Authentication-Results: {verified('example.net')}\r\n"
        "From: ana@example.net, alcalde@cartagena.gov.co\r\nSubject: x\r\n"
        "Message-ID: <two@example.net>\r\n\r\ntexto\r\n"
    ).encode()
    assert file(raw, django_capture_on_commit_callbacks).identified is False


def test_message_size_and_attachment_count_are_capped(
    settings: Any, handler: tuple[User, bytes], django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    settings.ABIERTA_COMPLAINTS_INTAKE_MAX_ATTACHMENTS = 1
    msg = complaint_email(message_id="<many@example.net>")
    msg.add_attachment(PDF, maintype="application", subtype="pdf", filename="otra.pdf")
    case = file(msg.as_bytes(), django_capture_on_commit_callbacks)
    report, files = opened_content(case, handler)
    assert [f["name"] for f in files] == ["acta.pdf"]
    assert "not accepted: programa.exe (more than 1 files)" in report.evidence
    assert "not accepted: otra.pdf (more than 1 files)" in report.evidence

    settings.ABIERTA_COMPLAINTS_INTAKE_MAX_BYTES = 2000
    big = complaint_email(message_id="<big-message@example.net>")
    big.add_attachment(
        b"%PDF-1.4\n" + b"x" * 5000 + b"\n%%EOF\n", maintype="application", subtype="pdf", filename="b.pdf"
    )
    with pytest.raises(intake.IntakeError, match="larger than"):
        intake.file_message(big.as_bytes())


def test_a_decompression_bomb_attachment_is_listed_not_decoded(
    handler: tuple[User, bytes], django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    msg = complaint_email(message_id="<bomb@example.net>")
    msg.add_attachment(png_bomb_bytes(), maintype="image", subtype="png", filename="foto.png")
    started = time.monotonic()
    case = file(msg.as_bytes(), django_capture_on_commit_callbacks)
    assert time.monotonic() - started < 10
    report, files = opened_content(case, handler)
    assert [f["name"] for f in files] == ["acta.pdf"]
    assert "not accepted: foto.png (The image is too large" in report.evidence
