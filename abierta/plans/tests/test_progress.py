"""Progress updates, milestone status, the public history, bad uploads and assessments."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from PIL import Image

from abierta.core.models import ChangeRecord
from abierta.plans import services
from abierta.plans.models import Commitment, Milestone, ProgressUpdate
from abierta.plans.tests.factories import PDF, png_with_gps, stored_files
from factories import World, make_user

TEXT = "Se capacitaron 40 dignatarios de JAC en SECOP II en la localidad 1."


def spanish(msgid: str, **params: Any) -> str:
    with translation.override("es-co"):
        text = gettext(msgid)
    return text % params if params else text


def progress_url(world: World) -> str:
    return reverse("plans:progress_new", args=[world.milestone.pk])


def form_data(**extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"date": "2023-03-10", "text": TEXT, "status": Milestone.Status.IN_PROGRESS}
    data.update(extra)
    return data


@pytest.fixture
def editor(persona_client: Callable[[str], Client]) -> Client:
    return persona_client("editor_own")


# --- Posting progress -------------------------------------------------------------------------


def test_progress_with_pdf(world: World, editor: Client) -> None:
    upload = SimpleUploadedFile("acta de formación.pdf", PDF, content_type="application/pdf")
    response = editor.post(progress_url(world), form_data(evidence_file=upload))
    assert response.status_code == 302
    assert response["Location"] == world.commitment.get_absolute_url()
    update = ProgressUpdate.objects.get()
    assert update.milestone == world.milestone
    assert update.text == TEXT
    assert update.date == datetime.date(2023, 3, 10)
    assert update.evidence_kind == "pdf"
    assert update.evidence_name == "acta de formación.pdf"
    assert update.institution == world.own_office
    assert update.author is not None and update.author.email == "editor_own@example.org"
    # Stored under a random name, byte for byte.
    assert update.evidence_file.name.endswith(".pdf")
    assert "formación" not in update.evidence_file.name
    with update.evidence_file.open("rb") as f:
        assert f.read() == PDF
    # And served publicly.
    served = Client().get(reverse("plans:evidence_file", args=[update.pk]))
    assert served.status_code == 200
    assert served["Content-Type"] == "application/pdf"
    assert b"".join(served.streaming_content) == PDF  # type: ignore[attr-defined]


def test_progress_with_png_loses_exif(world: World, editor: Client) -> None:
    upload = SimpleUploadedFile("foto.png", png_with_gps(), content_type="image/png")
    response = editor.post(progress_url(world), form_data(evidence_file=upload))
    assert response.status_code == 302
    update = ProgressUpdate.objects.get()
    assert update.evidence_kind == "png"
    with update.evidence_file.open("rb") as f:
        data = f.read()
    assert b"eXIf" not in data
    assert b"CamaraDeEjemplo" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (32, 24)
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info


def test_progress_with_link(world: World, editor: Client) -> None:
    link = "https://www.cartagena.gov.co/transparencia/ogp"
    response = editor.post(progress_url(world), form_data(evidence_url=link))
    assert response.status_code == 302
    update = ProgressUpdate.objects.get()
    assert update.evidence_url == link
    assert not update.evidence_file
    page = Client().get(world.commitment.get_absolute_url()).content.decode()
    assert TEXT in page
    assert f'href="{link}"' in page


def test_progress_needs_some_evidence(world: World, editor: Client) -> None:
    response = editor.post(progress_url(world), form_data())
    assert response.status_code == 400
    assert ProgressUpdate.objects.count() == 0
    assert TEXT in response.content.decode()


def test_progress_link_must_be_web_address(world: World, editor: Client) -> None:
    response = editor.post(progress_url(world), form_data(evidence_url="javascript:alert(1)"))
    assert response.status_code == 400
    assert ProgressUpdate.objects.count() == 0


def test_progress_date_cannot_be_in_future(world: World, editor: Client) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=2)
    response = editor.post(progress_url(world), form_data(date=tomorrow.isoformat(), evidence_url="https://a.co/"))
    assert response.status_code == 400
    assert ProgressUpdate.objects.count() == 0


# --- Status change and the public history ------------------------------------------------------


def test_status_change_recorded_in_history(world: World, editor: Client) -> None:
    response = editor.post(
        progress_url(world), form_data(status=Milestone.Status.COMPLETED, evidence_url="https://a.co/")
    )
    assert response.status_code == 302
    world.milestone.refresh_from_db()
    assert world.milestone.status == Milestone.Status.COMPLETED
    record = ChangeRecord.objects.get(object_id=str(world.milestone.pk), content_type__model="milestone")
    assert record.action == ChangeRecord.Action.UPDATED
    assert record.changes == {"status": [Milestone.Status.NOT_STARTED, Milestone.Status.COMPLETED]}
    assert record.actor_name == "Editor_own Prueba"
    assert record.actor_institution == "Oficina Propia"
    assert record.scope == world.commitment.history_scope()
    # The new update is in the history too.
    assert ChangeRecord.objects.filter(content_type__model="progressupdate", action="created").count() == 1


def test_same_status_records_no_milestone_change(world: World) -> None:
    actor = make_user("ed@example.org", "editor", world.own_office)
    services.progress_update_post(
        milestone=world.milestone,
        actor=actor,
        date=datetime.date(2023, 2, 1),
        text="x",
        evidence_url="https://a.co/",
        new_status=Milestone.Status.NOT_STARTED,
    )
    assert not ChangeRecord.objects.filter(content_type__model="milestone").exists()
    assert ProgressUpdate.objects.count() == 1


def test_public_history_on_commitment_page(world: World, editor: Client) -> None:
    editor.post(progress_url(world), form_data(status=Milestone.Status.DELAYED, evidence_url="https://a.co/"))
    page = Client().get(world.commitment.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    history = html[html.index('id="history-heading"') :]
    assert "Editor_own Prueba" in history
    assert "(Oficina Propia)" in history
    # The changed field with its old and new values, as labels in the reader's language.
    with translation.override("es-co"):
        label = str(Milestone._meta.get_field("status").verbose_name).capitalize()
        old, new = str(Milestone.Status.NOT_STARTED.label), str(Milestone.Status.DELAYED.label)
    assert f"{label}: <del>{old}</del> → <ins>{new}</ins>" in history
    # The whole history page too.
    full = Client().get(reverse("plans:commitment_history", args=[world.plan.slug, world.commitment.code]))
    assert full.status_code == 200
    assert "Editor_own Prueba" in full.content.decode()


# --- Bad input loses nothing -------------------------------------------------------------------

BAD_UPLOADS = {
    "exe": ("informe.exe", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "wrong_type"),
    "html-as-pdf": ("informe.pdf", b"<!doctype html><html><script>alert(1)</script></html>", "wrong_type"),
    "malformed-pdf": ("informe.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "malformed_pdf"),
    "malformed-png": ("foto.png", b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"garbage" * 20, "malformed_image"),
}
MESSAGES = {
    "wrong_type": ("This file is not of an accepted type. Accepted: %(types)s.", {"types": "JPG, PDF, PNG, WEBP"}),
    "malformed_pdf": ("The PDF file is damaged or incomplete.", {}),
    "malformed_image": ("The image is damaged or incomplete.", {}),
}


@pytest.mark.parametrize("case", list(BAD_UPLOADS))
def test_bad_upload_loses_nothing(world: World, editor: Client, case: str) -> None:
    name, content, message = BAD_UPLOADS[case]
    records = ChangeRecord.objects.count()
    typed = TEXT + " <b>negrita</b>"
    response = editor.post(
        progress_url(world),
        form_data(text=typed, evidence_file=SimpleUploadedFile(name, content), status="completed"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    msgid, params = MESSAGES[message]
    assert spanish(msgid, **params) in html
    # What was typed is still in the form, escaped.
    assert TEXT + " &lt;b&gt;negrita&lt;/b&gt;" in html
    assert 'value="2023-03-10"' in html
    assert ProgressUpdate.objects.count() == 0
    assert ChangeRecord.objects.count() == records
    assert stored_files() == []
    world.milestone.refresh_from_db()
    assert world.milestone.status == Milestone.Status.NOT_STARTED


def test_too_large_file_loses_nothing(world: World, editor: Client, settings: Any) -> None:
    settings.ABIERTA_MAX_UPLOAD_BYTES = 100
    assert len(PDF) > 100
    records = ChangeRecord.objects.count()
    response = editor.post(progress_url(world), form_data(evidence_file=SimpleUploadedFile("grande.pdf", PDF)))
    assert response.status_code == 400
    html = response.content.decode()
    # The message names the limit ("100 bytes" in the reader's language).
    with translation.override("es-co"):
        expected = spanish(
            "The file weighs %(size)s; the largest accepted is %(limit)s.",
            size=_filesize(len(PDF)),
            limit=_filesize(100),
        )
    assert expected in html
    assert TEXT in html
    assert ProgressUpdate.objects.count() == 0
    assert ChangeRecord.objects.count() == records
    assert stored_files() == []


def _filesize(n: int) -> str:
    from django.template.defaultfilters import filesizeformat

    return str(filesizeformat(n))


def test_empty_file_refused(world: World, editor: Client) -> None:
    response = editor.post(progress_url(world), form_data(evidence_file=SimpleUploadedFile("v.pdf", b"")))
    assert response.status_code == 400
    assert ProgressUpdate.objects.count() == 0
    assert stored_files() == []


@pytest.mark.parametrize(
    "msgid", [m for m, _p in MESSAGES.values()] + ["The file weighs %(size)s; the largest accepted is %(limit)s."]
)
def test_upload_errors_are_translated_to_spanish(msgid: str) -> None:
    assert spanish(msgid) != msgid


# --- HTML typed in a text field is shown as text ----------------------------------------------


def test_html_in_progress_text_is_escaped(world: World, editor: Client) -> None:
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    response = editor.post(progress_url(world), form_data(text=evil, evidence_url="https://a.co/"))
    assert response.status_code == 302
    html = Client().get(world.commitment.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<script>alert" not in html
    assert "<img src=x" not in html


# --- Assessment --------------------------------------------------------------------------------


def assess_url(commitment: Commitment) -> str:
    return reverse("plans:assess", args=[commitment.pk])


@pytest.mark.parametrize(
    ("persona", "fields"),
    [
        ("editor_own", ["completion"]),
        ("monitor", ["completion", "opened_government"]),
        ("transparency", ["completion", "opened_government"]),
        ("admin", ["completion", "opened_government"]),
    ],
)
def test_assessment_fields_per_role(
    world: World, persona_client: Callable[[str], Client], persona: str, fields: list[str]
) -> None:
    response = persona_client(persona).get(assess_url(world.commitment))
    assert response.status_code == 200
    assert list(response.context["form"].fields) == fields
    html = response.content.decode()
    assert ('name="opened_government"' in html) == ("opened_government" in fields)


def test_editor_cannot_set_opened_government(world: World, persona_client: Callable[[str], Client]) -> None:
    response = persona_client("editor_own").post(
        assess_url(world.commitment), {"completion": "substantial", "opened_government": "outstanding"}
    )
    assert response.status_code == 302
    world.commitment.refresh_from_db()
    assert world.commitment.completion == "substantial"
    assert world.commitment.opened_government == ""
    record = ChangeRecord.objects.get(content_type__model="commitment")
    assert record.changes == {"completion": ["not_started", "substantial"]}
    assert record.actor_name == "Editor_own Prueba"


def test_monitor_assesses_opened_government(world: World, persona_client: Callable[[str], Client]) -> None:
    response = persona_client("monitor").post(
        assess_url(world.commitment), {"completion": "complete", "opened_government": "major"}
    )
    assert response.status_code == 302
    world.commitment.refresh_from_db()
    assert (world.commitment.completion, world.commitment.opened_government) == ("complete", "major")
    record = ChangeRecord.objects.get(content_type__model="commitment")
    assert record.changes == {"completion": ["not_started", "complete"], "opened_government": ["", "major"]}
    assert record.actor_institution == "Universidad Monitora"


def test_invalid_assessment_changes_nothing(world: World, persona_client: Callable[[str], Client]) -> None:
    response = persona_client("monitor").post(assess_url(world.commitment), {"completion": "perfect"})
    assert response.status_code == 400
    world.commitment.refresh_from_db()
    assert world.commitment.completion == "not_started"
    assert not ChangeRecord.objects.exists()
