"""A milestone's evidence image is re-encoded by the queue, never in the editor's request: the request
keeps the original in private storage and the update's evidence pending; the task strips the
metadata and publishes it; the page, the API and the data set show it only once ready; staff see
"being processed" and "could not be processed". A PDF keeps its path: stored at once, as it came."""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from PIL import Image, ImageFile

from abierta.core import uploads
from abierta.core.models import ProcessedImage
from abierta.core.queue import TaskTimeout
from abierta.core.tests.fake_smtp import FakeSMTP, run_worker
from abierta.plans.models import Milestone, ProgressUpdate
from abierta.plans.tests.factories import PDF, png_with_gps, stored_files
from factories import PERSONAS, World

pytestmark = pytest.mark.django_db

ClientFor = Callable[[str], Client]
TEXT = "Se instaló el tablero de datos abiertos en la sede de la alcaldía."
PROCESSING = "La imagen de la evidencia se está procesando"
FAILED = "La imagen de la evidencia no se pudo procesar"
# The personas for whom the commitment's pages show its staff links (plans.access.may_edit_commitment).
EDITORS = {"editor_own", "transparency", "admin"}


@pytest.fixture
def no_decoding(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], None]]:
    """While active, decoding an image's pixels fails the test; calling the result allows it again."""

    def refuse(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("an image was decoded in the request")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)
    yield monkeypatch.undo
    monkeypatch.undo()


def _post(client: Client, world: World, upload: SimpleUploadedFile) -> Any:
    data = {"date": "2023-03-10", "text": TEXT, "status": Milestone.Status.IN_PROGRESS, "evidence_file": upload}
    return client.post(reverse("plans:progress_new", args=[world.milestone.pk]), data)


def _png() -> SimpleUploadedFile:
    return SimpleUploadedFile("tablero.png", png_with_gps(), content_type="image/png")


def _truncated_jpeg() -> SimpleUploadedFile:
    """A JPEG whose header is whole (it passes the request's checks) and whose pixels stop half-way."""
    image = Image.frombytes("RGB", (256, 256), os.urandom(256 * 256 * 3))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    data = out.getvalue()
    return SimpleUploadedFile("rota.jpg", data[: len(data) // 2], content_type="image/jpeg")


def _milestone_page(world: World) -> str:
    return reverse("plans:milestone_updates", args=[world.plan.slug, world.commitment.code, world.milestone.pk])


def _api(update: ProgressUpdate) -> dict[str, Any]:
    response = Client().get(f"/api/v1/progress-updates/{update.pk}")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def _csv_evidence(update: ProgressUpdate) -> str:
    """The "evidencia" cell of the update's row in the open data set of progress updates."""
    import csv

    response = Client().get(reverse("datos_files:csv", args=["avances"]))
    raw = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    text = raw.decode("utf-8-sig")
    rows = [row for row in csv.DictReader(io.StringIO(text)) if row["Descripción"] == TEXT]
    assert len(rows) == 1
    return rows[0]["Evidencia"]


def test_an_evidence_image_is_not_decoded_in_the_request_and_shows_once_ready(
    persona_client: ClientFor, world: World, queued: FakeSMTP, no_decoding: Callable[[], None]
) -> None:
    editor = persona_client("editor_own")
    response = _post(editor, world, _png())
    assert response.status_code == 302
    update = ProgressUpdate.objects.get()
    assert update.evidence_state == ProcessedImage.State.PENDING and not update.evidence_file
    assert update.evidence_kind == "png" and update.evidence_name == "tablero.png"
    original = Path(update.evidence_original.path)
    assert original.is_file() and Path(settings.ABIERTA_PRIVATE_ROOT) in original.parents
    assert original.read_bytes() == png_with_gps()  # kept as it came, decoded by nobody
    assert not stored_files()
    # Published at once, without its image: the text shows, no link, no API path, no data set link.
    page = Client().get(world.commitment.get_absolute_url()).content.decode()
    assert TEXT in page and reverse("plans:evidence_file", args=[update.pk]) not in page and PROCESSING not in page
    assert Client().get(reverse("plans:evidence_file", args=[update.pk])).status_code == 404
    listed = _api(update)
    assert (listed["evidence_file_url"], listed["evidence_name"], listed["evidence_kind"]) == (None, "", "")
    assert _csv_evidence(update) == ""
    staff = editor.get(world.commitment.get_absolute_url()).content.decode()
    assert PROCESSING in staff

    no_decoding()  # the worker may decode
    run_worker()
    update.refresh_from_db()
    assert update.evidence_state == ProcessedImage.State.READY and update.evidence_file
    assert not update.evidence_original and not original.exists()
    with update.evidence_file.open("rb") as handle:
        data = handle.read()
    assert b"CamaraDeEjemplo" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (32, 24) and dict(image.getexif()) == {} and image.getexif().get_ifd(0x8825) == {}
    link = reverse("plans:evidence_file", args=[update.pk])
    page = Client().get(world.commitment.get_absolute_url()).content.decode()
    assert f'href="{link}"' in page and "tablero.png" in page
    served = Client().get(link)
    assert served.status_code == 200 and b"".join(served.streaming_content) == data  # type: ignore[attr-defined]
    listed = _api(update)
    shown = (listed["evidence_file_url"], listed["evidence_name"], listed["evidence_kind"])
    assert shown == (link, "tablero.png", "png")
    assert _csv_evidence(update).endswith(link)
    assert PROCESSING not in editor.get(world.commitment.get_absolute_url()).content.decode()


def test_the_editor_is_told_the_image_appears_in_a_moment(
    persona_client: ClientFor, world: World, queued: FakeSMTP
) -> None:
    editor = persona_client("editor_own")
    data = {"date": "2023-03-10", "text": TEXT, "status": Milestone.Status.IN_PROGRESS, "evidence_file": _png()}
    response = editor.post(reverse("plans:progress_new", args=[world.milestone.pk]), data, follow=True)
    assert response.status_code == 200
    assert "aparece en un momento" in response.content.decode()


def test_an_evidence_image_that_cannot_be_decoded_is_failed_and_staff_see_it(
    persona_client: ClientFor, world: World, queued: FakeSMTP
) -> None:
    editor = persona_client("editor_own")
    assert _post(editor, world, _truncated_jpeg()).status_code == 302
    update = ProgressUpdate.objects.get()
    original = Path(update.evidence_original.path)
    run_worker()
    update.refresh_from_db()
    assert update.evidence_state == ProcessedImage.State.FAILED and update.evidence_error
    assert not update.evidence_file and not update.evidence_original and not original.exists()
    assert not stored_files()
    assert Client().get(reverse("plans:evidence_file", args=[update.pk])).status_code == 404
    assert FAILED not in Client().get(world.commitment.get_absolute_url()).content.decode()
    assert FAILED in editor.get(world.commitment.get_absolute_url()).content.decode()
    assert FAILED in editor.get(_milestone_page(world)).content.decode()


def test_an_evidence_image_past_the_time_limit_is_failed(
    persona_client: ClientFor, world: World, queued: FakeSMTP, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _post(persona_client("editor_own"), world, _png()).status_code == 302

    def too_slow(*args: Any, **kwargs: Any) -> bytes:
        raise TaskTimeout("ran past its limit of 120 s")

    monkeypatch.setattr(uploads, "reencode", too_slow)
    run_worker()
    update = ProgressUpdate.objects.get()
    assert update.evidence_state == ProcessedImage.State.FAILED and "TaskTimeout" in update.evidence_error
    assert not update.evidence_original and not stored_files()


def test_a_pdf_keeps_its_path_stored_at_once_and_queues_nothing(
    persona_client: ClientFor, world: World, queued: FakeSMTP
) -> None:
    upload = SimpleUploadedFile("acta.pdf", PDF, content_type="application/pdf")
    assert _post(persona_client("editor_own"), world, upload).status_code == 302
    update = ProgressUpdate.objects.get()
    assert update.evidence_state == ProcessedImage.State.READY and not update.evidence_original
    with update.evidence_file.open("rb") as handle:
        assert handle.read() == PDF
    assert not DBTaskResult.objects.filter(task_path__endswith="image_publish").exists()
    assert _api(update)["evidence_kind"] == "pdf"


def test_the_task_leaves_an_update_that_is_not_pending_alone(world: World) -> None:
    update = ProgressUpdate.objects.create(milestone=world.milestone, date="2023-03-01", text="Sin archivo")
    assert uploads.image_publish_now("plans.ProgressUpdate", update.pk) == ProcessedImage.State.READY
    assert uploads.image_publish_now("plans.ProgressUpdate", update.pk + 1000) == "gone"


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_sees_the_state_of_an_evidence_image(persona: str, world: World, persona_client: ClientFor) -> None:
    """Only those who may post progress on the commitment see that an image waits or failed; the
    public sees neither (the update's text is published, its image is simply not there yet)."""
    ProgressUpdate.objects.create(
        milestone=world.milestone, date="2023-03-01", text="Pendiente", evidence_state=ProcessedImage.State.PENDING
    )
    ProgressUpdate.objects.create(
        milestone=world.milestone, date="2023-03-02", text="Fallida", evidence_state=ProcessedImage.State.FAILED
    )
    client = persona_client(persona)
    for url in (world.commitment.get_absolute_url(), _milestone_page(world)):
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert "Pendiente" in body and "Fallida" in body
        assert (PROCESSING in body) == (FAILED in body) == (persona in EDITORS), (persona, url)


def test_a_waiting_evidence_original_is_not_an_orphan(
    persona_client: ClientFor, world: World, queued: FakeSMTP
) -> None:
    """The daily sweep of private files keeps an original its update still references, even old
    (a worker stopped for days), and deletes it once no update does."""
    assert _post(persona_client("editor_own"), world, _png()).status_code == 302
    update = ProgressUpdate.objects.get()
    original = Path(update.evidence_original.path)
    old = original.stat().st_mtime - 3 * 24 * 3600
    os.utime(original, (old, old))
    assert uploads.private_orphans_delete() == 0 and original.exists()
    ProgressUpdate.objects.filter(pk=update.pk).update(evidence_original="")
    assert uploads.private_orphans_delete() == 1 and not original.exists()
