"""Reporting an irregularity on a work: the form, the photos' metadata (location removed unless
the reporter keeps it; everything else always removed), the email to the office, the anonymous
path through the complaint channel, bad input, and what is not stored."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext
from PIL import Image

from abierta.accounts.models import User
from abierta.core import uploads
from abierta.core.tests.factories import png_bomb
from abierta.core.uploads import JPEG, PNG, WEBP
from abierta.works import services, views
from abierta.works.models import IrregularityPhoto, IrregularityReport, Work
from abierta.works.tests.factories import GPS, make_work, photo_with_exif
from factories import make_user

pytestmark = pytest.mark.django_db

Capture = Callable[..., Any]
TEXT = "La obra está parada desde hace dos meses y no hay señalización en la vía."


def stored_exif(photo: IrregularityPhoto) -> Image.Exif:
    with photo.image.open("rb") as handle, Image.open(handle) as image:
        return image.getexif()


@pytest.fixture
def work() -> Work:
    work = make_work(contracts=2, name="Canal pluvial de Olaya")
    work.office.email = "infraestructura@example.org"
    work.office.save()
    return work


def _post(client: Client, work: Work, data: dict[str, Any], capture: Capture) -> Any:
    with capture(execute=True):
        return client.post(reverse("works:report", args=[work.code]), data)


def test_the_report_page_offers_the_anonymous_complaint_channel(client: Client, work: Work) -> None:
    response = client.get(reverse("works:report", args=[work.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html and "csrfmiddlewaretoken" in html
    assert work.office.name in html
    url = views.complaint_form_url(work)
    assert url.replace("&", "&amp;") in html or url in html
    assert reverse("complaints:start") in html
    ref = parse_qs(urlparse(url).query)["ref"][0]
    works_contract = work.work_contracts.get(role="works").contract
    assert work.code in ref and works_contract.contract_id in ref
    # The complaint form reads ?ref= and fills in the related work.
    form = Client().get(url)
    assert form.status_code == 200 and works_contract.contract_id in form.content.decode()


def test_a_report_reaches_the_office(client: Client, work: Work) -> None:
    response = client.post(
        reverse("works:report", args=[work.code]),
        {"text": TEXT, "contact_name": "Ana", "contact": "ana@example.org"},
        REMOTE_ADDR="203.0.113.9",
        HTTP_USER_AGENT="NavegadorPrueba/1.0",
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("works:report_sent", args=[work.code])
    report = IrregularityReport.objects.get()
    assert (report.work, report.text, report.contact_name, report.contact) == (work, TEXT, "Ana", "ana@example.org")
    assert report.status == IrregularityReport.Status.RECEIVED
    # Nothing about the connection is stored.
    stored = " ".join(str(getattr(report, f.attname)) for f in IrregularityReport._meta.concrete_fields)
    assert "203.0.113.9" not in stored and "NavegadorPrueba" not in stored
    # Written in the report's transaction (to the outbox in production; core/tests/test_outbox.py).
    message = mail.outbox[0]
    assert message.to == ["infraestructura@example.org"]
    assert work.name in message.subject and TEXT in message.body and "ana@example.org" in message.body
    assert reverse("works:staff_report", args=[report.pk]) in message.body
    page = client.get(response["Location"])
    assert page.status_code == 200 and work.office.name in page.content.decode()


def test_without_an_office_email_its_editors_are_told(
    client: Client, work: Work, django_capture_on_commit_callbacks: Capture
) -> None:
    work.office.email = ""
    work.office.save()
    make_user("editora@example.org", User.Role.EDITOR, work.office)
    make_user("otra@example.org", User.Role.EDITOR, None)
    _post(client, work, {"text": TEXT}, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["editora@example.org"]]
    assert TEXT in mail.outbox[0].body


def test_photo_metadata_is_removed_including_the_location(
    client: Client, work: Work, django_capture_on_commit_callbacks: Capture
) -> None:
    response = _post(
        client,
        work,
        {"text": TEXT, "photos": [photo_with_exif(), photo_with_exif()]},
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 302
    photos = list(IrregularityPhoto.objects.all())
    assert len(photos) == 2
    for photo in photos:
        assert not photo.kept_location
        exif = stored_exif(photo)
        assert dict(exif) == {} and exif.get_ifd(0x8825) == {}
        assert photo.image.name.endswith(".jpg") and "foto" not in photo.image.name


def test_the_reporter_may_keep_the_location_and_nothing_else(
    client: Client, work: Work, django_capture_on_commit_callbacks: Capture
) -> None:
    response = _post(
        client,
        work,
        {"text": TEXT, "photos": [photo_with_exif()], "keep_location": "on"},
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 302
    photo = IrregularityPhoto.objects.get()
    assert photo.kept_location
    exif = stored_exif(photo)
    assert exif.get_ifd(0x8825) == GPS
    assert set(exif) == {0x8825}  # no make, model, author or date


@pytest.mark.parametrize(("fmt", "kind"), [("JPEG", JPEG), ("PNG", PNG), ("WEBP", WEBP)])
@pytest.mark.parametrize("keep", [False, True])
def test_clean_file_strips_photos_in_every_format(fmt: str, kind: str, keep: bool) -> None:
    original = photo_with_exif(fmt)
    assert fmt != "JPEG" or b"Ana Perez" in original.read()
    cleaned = uploads.clean_file(original, kind, keep_location=keep)
    data = cleaned.read()
    assert b"Ana Perez" not in data  # nor a JPEG comment
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        assert image.format == fmt
    assert exif.get_ifd(0x8825) == (GPS if keep else {})
    assert 0x010F not in exif and 0x013B not in exif and 0x0132 not in exif


def test_no_text_is_refused_keeping_what_was_typed(client: Client, work: Work) -> None:
    response = client.post(
        reverse("works:report", args=[work.code]),
        {"text": "", "contact_name": "Ana Pérez", "contact": "300 123 4567", "photos": [photo_with_exif()]},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert 'value="Ana Pérez"' in html and 'value="300 123 4567"' in html
    # Photos are never kept from a refused form: the page says so.
    assert escape(gettext("Photos are not kept when the form has errors: choose them again before sending.")) in html
    assert not IrregularityReport.objects.exists() and not IrregularityPhoto.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    "data",
    [
        {"text": "Muy corto"},
        {"text": TEXT, "contact": "no soy un teléfono"},
        {"text": TEXT, "contact": "ana@"},
        {"text": TEXT, "photos": [SimpleUploadedFile("nota.jpg", b"esto no es una imagen", content_type="image/jpeg")]},
        {"text": TEXT, "photos": [photo_with_exif() for _ in range(6)]},
    ],
    ids=["short", "bad-phone", "bad-email", "not-an-image", "too-many-photos"],
)
def test_bad_input_writes_nothing(client: Client, work: Work, data: dict[str, Any]) -> None:
    response = client.post(reverse("works:report", args=[work.code]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert escape(data["text"]) in html  # what was typed is kept
    assert not IrregularityReport.objects.exists() and not IrregularityPhoto.objects.exists()


def test_the_report_form_needs_its_csrf_token(work: Work) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("works:report", args=[work.code]), {"text": TEXT})
    assert response.status_code == 403
    assert not IrregularityReport.objects.exists()


def test_too_many_reports_from_one_connection_get_429(
    client: Client, work: Work, django_capture_on_commit_callbacks: Capture
) -> None:
    for _ in range(views.REPORTS_PER_HOUR):
        assert _post(client, work, {"text": TEXT}, django_capture_on_commit_callbacks).status_code == 302
    response = _post(client, work, {"text": TEXT + " Otra vez."}, django_capture_on_commit_callbacks)
    assert response.status_code == 429
    assert "Otra vez." in response.content.decode()
    assert IrregularityReport.objects.count() == views.REPORTS_PER_HOUR


def test_an_unpublished_work_cannot_be_reported(client: Client, work: Work) -> None:
    work.is_published = False
    work.save()
    assert client.get(reverse("works:report", args=[work.code])).status_code == 404
    assert client.post(reverse("works:report", args=[work.code]), {"text": TEXT}).status_code == 404
    assert not IrregularityReport.objects.exists()


def test_forwarding_to_the_complaint_channel_is_anonymous_and_happens_once(work: Work) -> None:
    from abierta.complaints.models import Attachment, Case
    from abierta.complaints.services import case_content, case_open_as_handler, handler_key_create, handler_key_unlock

    officer = make_user("oficial@example.org", User.Role.TRANSPARENCY, work.office)
    handler_key_create(user=officer, password="clave-de-prueba-larga")
    report = services.report_submit(
        work=work,
        text=TEXT,
        contact_name="Ana Pérez",
        contact="ana@example.org",
        photos=[services.ReportPhoto(upload=photo_with_exif(), kind=JPEG)],
    )
    number = services.report_forward(report=report, actor=officer, category=Case.Category.EMBEZZLEMENT)
    case = Case.objects.get()
    assert case.number == number
    assert case.identified is False and case.receipt_hash is None
    assert case.category == Case.Category.EMBEZZLEMENT
    assert Attachment.objects.filter(case=case).count() == 1
    # The content is encrypted: neither the text nor the reporter's contact is readable in the row.
    assert TEXT.encode() not in bytes(case.content) and b"ana@example.org" not in bytes(case.content)
    # A handler opens it: the text and the work's reference are there, the reporter's name and contact are not.
    opened = case_open_as_handler(
        case=case, user=officer, private_key=handler_key_unlock(user=officer, password="clave-de-prueba-larga")
    )
    assert opened is not None
    content = case_content(opened)
    assert content.what == TEXT and work.code in content.reference
    assert "Ana" not in str(content) and "ana@example.org" not in str(content)
    report.refresh_from_db()
    assert report.status == IrregularityReport.Status.REVIEWED
    assert report.forwarded_on is not None
    assert services.report_forward(report=report, actor=officer, category=Case.Category.OTHER) is None
    assert Case.objects.count() == 1


def test_forwarding_removes_the_contact_and_leaves_no_link_to_the_report(work: Work) -> None:
    """C10: the plaintext contact stayed, linked to the case by ``works.irregularityreport:<pk>``."""
    from abierta.complaints.models import AuditEntry, Case

    officer = make_user("oficial@example.org", User.Role.TRANSPARENCY, work.office)
    report = services.report_submit(work=work, text=TEXT, contact_name="Ana Pérez", contact="ana@example.org")
    number = services.report_forward(report=report, actor=officer, category=Case.Category.EMBEZZLEMENT)
    assert number is not None
    report.refresh_from_db()
    assert (report.contact_name, report.contact) == ("", "")
    entry = AuditEntry.objects.get(case_number=number)
    assert str(report.pk) not in entry.detail and "irregularityreport" not in entry.detail
    # Nothing in the works tables names the case either.
    assert number not in str(IrregularityReport.objects.filter(pk=report.pk).values().get())


def test_a_decompression_bomb_photo_is_refused_quickly_and_the_text_kept(client: Client, work: Work) -> None:
    """Security review W1: a 420 KB PNG of 12000 × 12000 pixels took a worker 19 s and 1 GB to decode."""
    started = time.monotonic()
    response = client.post(reverse("works:report", args=[work.code]), {"text": TEXT, "photos": [png_bomb()]})
    assert time.monotonic() - started < 5
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error-summary"' in html and "megapíxeles" in html
    assert escape(TEXT) in html
    assert not IrregularityReport.objects.exists() and not IrregularityPhoto.objects.exists()
