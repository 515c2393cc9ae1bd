"""A small SMTP server for tests: it runs in a thread on 127.0.0.1, keeps what it receives, and can
be taken down and brought back on the same port (to test what happens while the mail server is down)."""

from __future__ import annotations

import io
import socketserver
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any
from unittest import mock

from django.core.management import call_command


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def _say(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())

    def handle(self) -> None:
        self._say("220 fake ESMTP")
        sender, recipients = "", list[str]()
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            command = raw.decode(errors="replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self._say("250 fake")
            elif verb == "MAIL":
                sender, recipients = command.split(":", 1)[1].strip(" <>"), []
                self._say("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip(" <>"))
                self._say("250 OK")
            elif verb == "DATA":
                self._say("354 end with .")
                lines = []
                while True:
                    line = self.rfile.readline()
                    if line in (b".\r\n", b".\n", b""):
                        break
                    lines.append(line[1:] if line.startswith(b"..") else line)
                self.server.received.append((sender, recipients, b"".join(lines)))
                self._say("250 queued")
            elif verb == "RSET":
                sender, recipients = "", []
                self._say("250 OK")
            elif verb == "NOOP":
                self._say("250 OK")
            elif verb == "QUIT":
                self._say("221 bye")
                return
            else:
                self._say("502 not implemented")


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    received: list[tuple[str, list[str], bytes]]


class FakeSMTP:
    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []
        self.port = 0
        self._server: _Server | None = None

    def start(self) -> FakeSMTP:
        server = _Server(("127.0.0.1", self.port), _Handler)
        server.received = self.received
        self.port = server.server_address[1]
        self._server = server
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def messages(self) -> list[EmailMessage]:
        return [message_from_bytes(raw, policy=policy.default) for _, _, raw in self.received]

    def __enter__(self) -> FakeSMTP:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def run_worker() -> str:
    """One pass of ``abierta worker``: the due schedules, then every queued task, then stop.

    The library's worker closes connections it finds inside a transaction (as a long-running process
    should); a test runs inside one, so that is switched off here."""
    out = io.StringIO()
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("worker", "--once", stdout=out)
    return out.getvalue()
