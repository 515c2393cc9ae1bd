"""The reporter's pages, driven as a person would: report, receipt, follow-up, reply, leave.

The helpers (``submit``, ``solve``, ``receipt_of`` …) are in factories.py, shared by the other reporter tests.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from abierta.complaints import antiabuse, crypto, services
from abierta.complaints.models import Attachment, Case, Message
from abierta.complaints.tests.factories import (
    FOLLOWUP,
    LEAVE,
    NEW,
    REPLY,
    WHAT,
    challenge_in,
    open_followup,
    pdf,
    png,
    receipt_of,
    report_data,
    submit,
    token_in,
)
from abierta.core import pow
from abierta.core.tests.factories import png_bomb


@pytest.fixture(autouse=True)
def _light_pow(settings: Any) -> None:
    settings.ABIERTA_COMPLAINTS_POW_BITS = 8


# ---------------------------------------------------------------- pages


@pytest.mark.django_db
def test_start_page_explains_the_channel_and_protection() -> None:
    response = Client().get("/denuncias/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="proteccion"' in html
    assert "Ley 962 de 2005" in html
    assert NEW in html and FOLLOWUP in html and "/denuncias/estadisticas/" in html


@pytest.mark.django_db
def test_form_has_guidance_challenge_and_script() -> None:
    html = Client().get(NEW).content.decode()
    for name in ("category", "what", "who", "where", "when", "evidence", "reference", "identity", "attachments"):
        assert f'name="{name}"' in html
    assert 'name="pow"' in html
    assert challenge_in(html).startswith("v1.")
    assert re.search(r'<script src="/static/js/pow.js" defer></script>', html)
    assert 'value="anonymous"' in html and re.search(r'value="anonymous"[^>]*checked', html)


@pytest.mark.django_db
def test_ref_prefills_the_reference() -> None:
    html = Client().get(NEW, {"ref": "SECOP-CD-2026-0042"}).content.decode()
    assert re.search(r'name="reference"[^>]*value="SECOP-CD-2026-0042"', html)


# ---------------------------------------------------------------- submitting


@pytest.mark.django_db
def test_anonymous_report_gives_a_receipt_once_and_stores_it_encrypted() -> None:
    client = Client()
    response = submit(client, report_data(reference="CD-001"))
    assert response.status_code == 200
    receipt = receipt_of(response)
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", receipt)
    assert "cannot be recovered" in response.content.decode() or "no se puede recuperar" in response.content.decode()
    assert FOLLOWUP in response.content.decode()
    case = Case.objects.get()
    assert case.identified is False and case.category == Case.Category.BRIBERY
    assert WHAT.encode() not in bytes(case.content)
    opened = services.complaint_open(receipt=receipt)
    assert opened is not None
    report = services.case_content(opened)
    assert report.what == WHAT and report.reference == "CD-001" and report.name == ""
    # Not in any cookie or URL: the response sets no cookie at all.
    assert not response.cookies


@pytest.mark.django_db
def test_identified_report_requires_name_and_contact_and_keeps_input() -> None:
    client = Client()
    response = submit(client, report_data(identity="identified", document_number="1234567"))
    html = response.content.decode()
    assert response.status_code == 400
    assert Case.objects.count() == 0
    assert 'id="receipt"' not in html
    assert "Write your name" in html or "Escriba su nombre" in html
    assert 'id="id_name_error"' in html and 'id="id_contact_error"' in html
    assert WHAT in html and 'value="1234567"' in html
    assert re.search(r'value="identified"[^>]*checked', html)


@pytest.mark.django_db
def test_identified_report_is_stored_with_the_identity() -> None:
    data = report_data(
        identity="identified", name="Ana Pérez", document_type="CC", document_number="1234567", contact="ana@correo.co"
    )
    response = submit(Client(), data)
    case = Case.objects.get()
    assert case.identified is True
    opened = services.complaint_open(receipt=receipt_of(response))
    assert opened is not None
    report = services.case_content(opened)
    assert (report.name, report.document_type, report.document_number, report.contact) == (
        "Ana Pérez",
        "CC",
        "1234567",
        "ana@correo.co",
    )


@pytest.mark.django_db
def test_anonymous_report_drops_identity_fields_typed_by_mistake() -> None:
    response = submit(Client(), report_data(name="Ana Pérez", contact="ana@correo.co"))
    opened = services.complaint_open(receipt=receipt_of(response))
    assert opened is not None
    report = services.case_content(opened)
    assert report.identified is False and report.name == "" and report.contact == ""


@pytest.mark.django_db
def test_bad_contact_is_explained() -> None:
    data = report_data(identity="identified", name="Ana", contact="no es un contacto")
    html = submit(Client(), data).content.decode()
    assert 'id="id_contact_error"' in html
    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_short_what_gets_a_clear_message_and_keeps_everything() -> None:
    html = submit(Client(), report_data(what="Robo", who="El alcalde")).content.decode()
    assert 'id="id_what_error"' in html
    assert "30" in re.search(r'id="id_what_error">(.*?)</ul>', html, re.S).group(1)  # type: ignore[union-attr]
    assert "El alcalde" in html and re.search(r">\s*Robo</textarea>", html)
    # Files are not kept: the page says to choose them again.
    assert "choose them again" in html or "elíjalos de nuevo" in html
    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_missing_category_and_what() -> None:
    html = submit(Client(), report_data(category="", what="")).content.decode()
    assert 'id="id_category_error"' in html and 'id="id_what_error"' in html
    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_attachments_are_kept_as_original_bytes() -> None:
    client = Client()
    data = report_data(attachments=[pdf(), png()])
    response = submit(client, data)
    opened = services.complaint_open(receipt=receipt_of(response))
    assert opened is not None
    names = sorted(meta["name"] for _a, meta in services.case_attachments(opened))
    assert names == ["acta.pdf", "foto.png"]
    first = Attachment.objects.order_by("id").first()
    assert first is not None
    _meta, data_bytes = services.attachment_data(opened, first)
    assert data_bytes.startswith(b"%PDF-1.4\nacta de obra")


@pytest.mark.django_db
def test_a_pdf_that_is_really_text_is_rejected_by_content() -> None:
    fake = SimpleUploadedFile("contrato.pdf", b"just some text, not a pdf at all", content_type="application/pdf")
    html = submit(Client(), report_data(attachments=[fake])).content.decode()
    assert 'id="id_attachments_error"' in html
    assert "contrato.pdf" in html
    assert Case.objects.count() == 0 and Attachment.objects.count() == 0


@pytest.mark.django_db
def test_at_most_five_files() -> None:
    files = [pdf(f"doc{i}.pdf") for i in range(6)]
    html = submit(Client(), report_data(attachments=files)).content.decode()
    assert 'id="id_attachments_error"' in html
    assert Case.objects.count() == 0
    response = submit(Client(), report_data(attachments=[pdf(f"doc{i}.pdf") for i in range(5)]))
    assert 'id="receipt"' in response.content.decode()
    assert Attachment.objects.count() == 5


# ---------------------------------------------------------------- follow-up


@pytest.mark.django_db
def test_full_followup_flow() -> None:
    reporter = Client()
    receipt = receipt_of(submit(reporter, report_data(attachments=[pdf()])))

    # Typed carelessly: lower case, spaces instead of dashes.
    typed = receipt.lower().replace("-", " ")
    response = open_followup(reporter, typed)
    assert response.status_code == 303 and response["Location"] == FOLLOWUP
    assert "sid" in response.cookies

    page = reporter.get(FOLLOWUP)
    html = page.content.decode()
    case = Case.objects.get()
    assert case.number in html
    assert "Recibida" in html or "Received" in html
    assert WHAT in html and "acta.pdf" in html
    assert receipt not in html

    # A handler writes; an internal note stays hidden.
    opened = services.complaint_open(receipt=receipt)
    assert opened is not None
    key = opened.content_key()
    Message.objects.create(
        case=case,
        author_kind=Message.Author.HANDLER,
        body=crypto.encrypt(key, b"Gracias, revisamos."),
        created_on=case.received_on,
    )
    Message.objects.create(
        case=case,
        author_kind=Message.Author.HANDLER,
        internal=True,
        body=crypto.encrypt(key, b"nota interna secreta"),
        created_on=case.received_on,
    )
    html = reporter.get(FOLLOWUP).content.decode()
    assert "Gracias, revisamos." in html and "nota interna secreta" not in html
    assert "Oficina de transparencia" in html or "Transparency office" in html

    token = token_in(html)
    response = reporter.post(REPLY, {"body": "Tengo más fotos.", "token": token, "attachments": [png("nueva.png")]})
    assert response.status_code == 303 and response["Location"] == FOLLOWUP
    html = reporter.get(FOLLOWUP).content.decode()
    assert "Tengo más fotos." in html and "nueva.png" in html
    assert "Usted" in html or "You" in html
    reporter_message = Message.objects.get(author_kind=Message.Author.REPORTER)
    assert b"Tengo" not in bytes(reporter_message.body)
    assert Case.objects.get().unread is True

    token = token_in(html)
    response = reporter.post(LEAVE, {"token": token})
    assert response.status_code == 200
    assert response.cookies["sid"].value == ""
    html = reporter.get(FOLLOWUP).content.decode()
    assert 'name="receipt"' in html and WHAT not in html


@pytest.mark.django_db
def test_wrong_receipt_is_not_recognised() -> None:
    submit(Client(), report_data())
    response = open_followup(Client(), "K7QM-2XRT-9HCF-W3PD")
    assert response.status_code == 200
    assert 'id="id_receipt_error"' in response.content.decode()
    assert "sid" not in response.cookies
    response = open_followup(Client(), "not a receipt")
    assert 'id="id_receipt_error"' in response.content.decode()


@pytest.mark.django_db
def test_reply_needs_the_token_of_the_cookie() -> None:
    reporter = Client()
    receipt = receipt_of(submit(reporter))
    open_followup(reporter, receipt)
    reporter.get(FOLLOWUP)
    response = reporter.post(REPLY, {"body": "Hola", "token": "forged"})
    assert response.status_code == 403
    assert Message.objects.count() == 0


@pytest.mark.django_db
def test_empty_reply_reshows_the_case_with_an_error() -> None:
    reporter = Client()
    open_followup(reporter, receipt_of(submit(reporter)))
    token = token_in(reporter.get(FOLLOWUP).content.decode())
    response = reporter.post(REPLY, {"body": "", "token": token})
    assert response.status_code == 200
    assert 'id="id_body_error"' in response.content.decode()
    assert Message.objects.count() == 0


@pytest.mark.django_db
def test_reply_without_session_goes_to_the_receipt_form() -> None:
    response = Client().post(REPLY, {"body": "Hola", "token": "x"})
    assert response.status_code == 303 and response["Location"] == FOLLOWUP


@pytest.mark.django_db
def test_session_expires_after_idle_time(monkeypatch: pytest.MonkeyPatch) -> None:
    reporter = Client()
    open_followup(reporter, receipt_of(submit(reporter)))
    assert WHAT in reporter.get(FOLLOWUP).content.decode()
    start = antiabuse.now()
    monkeypatch.setattr(antiabuse, "now", lambda: start + 31 * 60)
    monkeypatch.setattr(pow, "now", lambda: start + 31 * 60)
    response = reporter.get(FOLLOWUP)
    assert 'name="receipt"' in response.content.decode() and WHAT not in response.content.decode()


@pytest.mark.django_db
def test_a_cookie_copied_before_leaving_opens_nothing_after() -> None:
    """C6: the review replayed the cookie captured before "leave" and got the case page back."""
    reporter = Client()
    open_followup(reporter, receipt_of(submit(reporter)))
    html = reporter.get(FOLLOWUP).content.decode()
    copied = reporter.cookies["sid"].value
    assert reporter.post(LEAVE, {"token": token_in(html)}).status_code == 200
    thief = Client()
    for name in ("sid", "sid_en"):
        thief.cookies[name] = copied
    response = thief.get(FOLLOWUP)
    assert 'name="receipt"' in response.content.decode() and WHAT not in response.content.decode()
    assert response.cookies["sid"].value == ""  # and not renewed
    assert thief.post(REPLY, {"body": "x", "token": "x"}).status_code == 303
    assert Message.objects.count() == 0
    # The receipt still opens the case: a new session, under the new epoch.
    case = Case.objects.get()
    assert case.session_epoch == 1


@pytest.mark.django_db
def test_leaving_ends_the_sessions_of_the_other_language_and_other_browsers_too() -> None:
    receipt = receipt_of(submit(Client()))
    first, second = Client(), Client()
    open_followup(first, receipt)
    open_followup(second, receipt)
    html = first.get("/en" + FOLLOWUP).content.decode()
    assert WHAT in html
    first.post("/en" + LEAVE, {"token": token_in(html)})
    assert WHAT not in second.get(FOLLOWUP).content.decode()
    assert WHAT not in first.get(FOLLOWUP).content.decode()


@pytest.mark.django_db
def test_a_session_ends_two_hours_after_the_receipt_was_typed_even_if_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """C6: the idle expiry was renewed with every page, so a cookie in use never expired."""
    reporter = Client()
    open_followup(reporter, receipt_of(submit(reporter)))
    start = antiabuse.now()
    for minutes in range(20, 120, 20):  # a page every 20 minutes: never idle
        monkeypatch.setattr(antiabuse, "now", lambda m=minutes: start + m * 60)
        assert WHAT in reporter.get(FOLLOWUP).content.decode(), minutes
    monkeypatch.setattr(antiabuse, "now", lambda: start + 2 * 3600 + 1)
    response = reporter.get(FOLLOWUP)
    assert 'name="receipt"' in response.content.decode() and WHAT not in response.content.decode()


@pytest.mark.django_db
def test_tampered_cookie_opens_nothing() -> None:
    reporter = Client()
    open_followup(reporter, receipt_of(submit(reporter)))
    reporter.cookies["sid"] = crypto.b64(b"x" * 80)
    assert 'name="receipt"' in reporter.get(FOLLOWUP).content.decode()


# ---------------------------------------------------------------- English


@pytest.mark.django_db
def test_english_pages() -> None:
    client = Client()
    html = client.get("/en/denuncias/").content.decode()
    assert 'lang="en"' in html and "Report corruption" in html
    assert 'href="/denuncias/"' in html  # the language switch, a plain link
    html = client.get("/en" + NEW).content.decode()
    assert 'action="/en/denuncias/nueva/"' in html and "What happened?" in html
    response = submit(client, report_data(), prefix="/en")
    assert "Your report was received" in response.content.decode()
    receipt = receipt_of(response)
    response = open_followup(client, receipt, prefix="/en")
    assert response.status_code == 303 and response["Location"] == "/en" + FOLLOWUP
    html = client.get("/en" + FOLLOWUP).content.decode()
    assert "Your report" in html and "Answer due" in html and WHAT in html


@pytest.mark.django_db
def test_a_decompression_bomb_attachment_is_refused_quickly_and_the_text_kept() -> None:
    """Security review C8/W1: an image Pillow calls a decompression bomb made a 500 and lost the report."""
    started = time.monotonic()
    response = submit(Client(), report_data(who="El interventor Gómez", attachments=[png_bomb("prueba.png")]))
    assert time.monotonic() - started < 5
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_attachments_error"' in html and "megapíxeles" in html
    assert WHAT in html and "El interventor Gómez" in html
    assert Case.objects.count() == 0
