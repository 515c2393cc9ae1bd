"""Protection 1: no client address, no browser data and no receipt in any log, table or error report.

Every reporter page and action is driven with a recognisable address, User-Agent and proxy header;
then every log record (DEBUG and up, SQL included), every table of the database and the error
report Django would mail to the admins are searched for them.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.views.debug import ExceptionReporter

from abierta.complaints import services
from abierta.complaints.tests.factories import (
    FOLLOWUP,
    LEAVE,
    NEW,
    REPLY,
    WHAT,
    challenge_in,
    open_followup,
    pdf,
    receipt_of,
    report_data,
    solve,
    submit,
    token_in,
)

IP = "203.0.113.77"
PROXY_IP = "198.51.100.23"
UA = "SentinelAgent/9.9"
REFERER = "https://referer.example/leak-page"
HEADERS: dict[str, Any] = {
    "REMOTE_ADDR": IP,
    "HTTP_USER_AGENT": UA,
    "HTTP_X_FORWARDED_FOR": f"{PROXY_IP}, {IP}",
    "HTTP_X_REAL_IP": IP,
    "HTTP_REFERER": REFERER,
}
REPLY_TEXT = "Respuesta con detalle Zafiro-4471 sobre el contrato."
FILE_NAME = "prueba-secreta-Onix.pdf"


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def record_text(record: logging.LogRecord) -> str:
    """Everything a log handler could write from the record, the request's META included."""
    parts = [record.getMessage(), repr(record.args)]
    if record.exc_info:
        parts.append(logging.Formatter().formatException(record.exc_info))
    request = getattr(record, "request", None)
    if request is not None:
        parts.append(repr(request.META))
        parts.append(repr(request.COOKIES))
    parts.extend(repr(v) for k, v in vars(record).items() if k not in {"msg", "args", "exc_info", "request"})
    return "\n".join(parts)


@pytest.fixture
def logs() -> Iterator[Collect]:
    handler = Collect()
    root = logging.getLogger()
    watched = [root, logging.getLogger("django"), logging.getLogger("django.db.backends")]
    levels = [logger.level for logger in watched]
    root.addHandler(handler)
    for logger in watched:
        logger.setLevel(logging.DEBUG)
    connection.force_debug_cursor = True  # SQL, with its parameters, is logged too
    try:
        yield handler
    finally:
        connection.force_debug_cursor = False
        root.removeHandler(handler)
        for logger, level in zip(watched, levels, strict=True):
            logger.setLevel(level)


def forbidden_values(receipt: str) -> list[str]:
    return [IP, PROXY_IP, UA, "SentinelAgent", REFERER, receipt, receipt.replace("-", ""), receipt.lower()]


def database_dump() -> str:
    lines: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        lines.append(bytes(value).decode("latin-1"))
                    else:
                        lines.append(str(value))
    return "\n".join(lines)


@pytest.mark.django_db
def test_no_address_browser_or_receipt_in_logs_or_database(logs: Collect) -> None:
    reporter = Client(**HEADERS)
    statuses: dict[str, int] = {}
    statuses["start"] = reporter.get("/denuncias/").status_code
    statuses["start-en"] = reporter.get("/en/denuncias/").status_code
    statuses["new"] = reporter.get(NEW, {"ref": "CD-2026-77"}).status_code
    invalid = reporter.post(NEW, report_data(what="corto", challenge="v1.1.x.8.bad", pow=""))
    statuses["new-invalid"] = invalid.status_code
    response = submit(reporter, report_data(attachments=[pdf(FILE_NAME)]))
    statuses["receipt"] = response.status_code
    receipt = receipt_of(response)
    statuses["wrong-receipt"] = open_followup(reporter, "K7QM-2XRT-9HCF-W3PD").status_code
    statuses["right-receipt"] = open_followup(reporter, receipt).status_code
    page = reporter.get(FOLLOWUP)
    statuses["case"] = page.status_code
    statuses["reply"] = reporter.post(
        REPLY, {"body": REPLY_TEXT, "token": token_in(page.content.decode()), "attachments": [pdf("otro.pdf")]}
    ).status_code
    page = reporter.get(FOLLOWUP)
    assert REPLY_TEXT in page.content.decode()
    statuses["forged-reply"] = reporter.post(REPLY, {"body": "x", "token": "forged"}).status_code
    statuses["leave"] = reporter.post(LEAVE, {"token": token_in(page.content.decode())}).status_code
    statuses["stats"] = reporter.get("/denuncias/estadisticas/").status_code
    statuses["missing"] = reporter.get("/denuncias/no-existe/").status_code

    assert statuses["receipt"] == 200 and statuses["right-receipt"] == 303 and statuses["reply"] == 303
    assert statuses["forged-reply"] == 403 and statuses["missing"] == 404
    assert all(code < 500 for code in statuses.values()), statuses
    assert logs.records, "the capture works: SQL and request logs were recorded"
    assert any(r.name == "django.db.backends" for r in logs.records)

    logged = "\n".join(record_text(r) for r in logs.records)
    for value in forbidden_values(receipt):
        assert value not in logged, f"{value!r} was logged"

    dump = database_dump()
    assert "D-" in dump, "the dump reads the tables"
    for value in [*forbidden_values(receipt), WHAT, REPLY_TEXT, FILE_NAME, "CD-2026-77"]:
        assert value not in dump, f"{value!r} is in the database"


@pytest.mark.django_db
def test_error_report_shows_no_address_browser_receipt_or_report(
    logs: Collect, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "complaint_submit", broken)
    client = Client(raise_request_exception=False, **HEADERS)
    challenge = challenge_in(client.get(NEW).content.decode())
    data = report_data(
        identity="identified",
        name="Ana Testigo Reservada",
        document_type="CC",
        document_number="99887766",
        contact="ana.testigo@correo.co",
        attachments=[pdf(FILE_NAME)],
        challenge=challenge,
        pow=solve(challenge),
    )
    response = client.post(NEW, data)
    assert response.status_code == 500

    errors = [r for r in logs.records if r.name == "django.request" and r.levelno >= logging.ERROR]
    assert errors, "the error was logged for the admins"
    record = errors[-1]
    request = getattr(record, "request")  # noqa: B009
    assert record.exc_info is not None
    reporter = ExceptionReporter(request, *record.exc_info)
    text = reporter.get_traceback_text()
    html = reporter.get_traceback_html()
    assert "database went away" in text, "the report is the real one"
    for report in (text, html):
        for value in [IP, PROXY_IP, UA, REFERER, WHAT, "Ana Testigo Reservada", "99887766", "ana.testigo@correo.co"]:
            assert value not in report, f"{value!r} is in the error report"
        assert FILE_NAME not in report
        assert challenge not in report


@pytest.mark.django_db
def test_error_report_during_followup_hides_the_receipt(logs: Collect, monkeypatch: pytest.MonkeyPatch) -> None:
    receipt = receipt_of(submit(Client(), report_data()))

    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("key store unavailable")

    monkeypatch.setattr(services, "complaint_open", broken)
    client = Client(raise_request_exception=False, **HEADERS)
    assert open_followup(client, receipt).status_code == 500
    record = [r for r in logs.records if r.name == "django.request" and r.levelno >= logging.ERROR][-1]
    assert record.exc_info is not None
    reporter = ExceptionReporter(getattr(record, "request"), *record.exc_info)  # noqa: B009
    for report in (reporter.get_traceback_text(), reporter.get_traceback_html()):
        assert "key store unavailable" in report
        for value in [*forbidden_values(receipt), receipt.lower()]:
            assert value not in report
    assert sys.exc_info() == (None, None, None)
