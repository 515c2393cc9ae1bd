"""Photos are re-encoded by the queue, never in the request (security review W1): the request keeps
the original in private storage and the photo pending; the task strips the metadata and publishes
it; a photo that cannot be decoded is marked failed, shown to staff, never served."""

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
from PIL import Image, ImageFile

from abierta.core import uploads
from abierta.core.models import ProcessedImage
from abierta.core.queue import TaskTimeout
from abierta.core.tests.fake_smtp import FakeSMTP, run_worker
from abierta.works.models import IrregularityPhoto, Work, WorkPhoto
from abierta.works.tests.factories import make_work, photo_with_exif
from factories import World

pytestmark = pytest.mark.django_db

ClientFor = Callable[[str], Client]
CAPTION = "Placa del puente recién fundida"
TEXT = "La obra está parada desde hace dos meses y no hay señalización en la vía."


@pytest.fixture
def work(world: World) -> Work:
    return make_work(world.own_office, contracts=1, name="Parque de Olaya")


@pytest.fixture
def no_decoding(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], None]]:
    """While active, decoding an image file's pixels (Pillow's ``ImageFile.load``, which every decoder
    goes through) fails the test; calling the result allows it again."""

    def refuse(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("an image was decoded in the request")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)
    yield monkeypatch.undo
    monkeypatch.undo()


def _update_data(**extra: Any) -> dict[str, Any]:
    data = {
        "date": "2024-05-10",
        "physical_progress": "60",
        "financial_progress": "55",
        "text": "Se fundió la placa del puente y se instalaron las barandas.",
    }
    data.update(extra)
    return data


def _public_files() -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def test_a_work_photo_is_not_decoded_in_the_request_and_shows_once_published(
    persona_client: ClientFor, work: Work, queued: FakeSMTP, no_decoding: Callable[[], None]
) -> None:
    """W1: the editor's request stores the original untouched; the worker strips it and publishes it."""
    client = persona_client("editor_own")
    response = client.post(
        reverse("works:staff_update_add", args=[work.code]), _update_data(photo_1=photo_with_exif(), caption_1=CAPTION)
    )
    assert response.status_code == 302
    photo = WorkPhoto.objects.get()
    assert photo.state == ProcessedImage.State.PENDING and not photo.image
    staff = client.get(reverse("works:staff_work", args=[work.code])).content.decode()
    assert "1 foto en proceso" in staff
    # The original waits outside MEDIA_ROOT, where no public address reaches it.
    original = Path(photo.original.path)
    assert original.is_file() and Path(settings.ABIERTA_PRIVATE_ROOT) in original.parents
    assert not _public_files()
    page = Client().get(work.get_absolute_url()).content.decode()
    assert "Se fundió la placa" in page and CAPTION not in page and "/media/" not in page

    no_decoding()  # the worker may decode
    run_worker()
    photo.refresh_from_db()
    assert photo.state == ProcessedImage.State.READY and not photo.original and not original.exists()
    with photo.image.open("rb") as handle:
        stored = handle.read()
    assert b"Ana Perez" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        exif = image.getexif()
        assert dict(exif) == {} and exif.get_ifd(0x8825) == {}
    page = Client().get(work.get_absolute_url()).content.decode()
    assert f'alt="{CAPTION}"' in page and photo.image.url in page


def test_a_report_photo_is_not_decoded_in_the_anonymous_request(
    client: Client, work: Work, queued: FakeSMTP, no_decoding: Callable[[], None]
) -> None:
    """W1: the public report form keeps the pixel budget from the header and decodes nothing."""
    response = client.post(
        reverse("works:report", args=[work.code]), {"text": TEXT, "photos": [photo_with_exif()], "keep_location": "on"}
    )
    assert response.status_code == 302
    photo = IrregularityPhoto.objects.get()
    assert photo.state == ProcessedImage.State.PENDING
    no_decoding()
    run_worker()
    photo.refresh_from_db()
    assert photo.state == ProcessedImage.State.READY
    with photo.image.open("rb") as handle, Image.open(handle) as image:
        exif = image.getexif()
        assert 0x010F not in exif and exif.get_ifd(0x8825)  # the location, kept at the reporter's request


def test_the_pixel_budget_is_still_checked_in_the_request(client: Client, work: Work, queued: FakeSMTP) -> None:
    from abierta.core.tests.factories import png_bomb

    response = client.post(reverse("works:report", args=[work.code]), {"text": TEXT, "photos": [png_bomb()]})
    assert response.status_code == 400
    assert not IrregularityPhoto.objects.exists()


def _truncated_jpeg() -> SimpleUploadedFile:
    """A JPEG whose header is whole (it passes the request's checks) and whose pixels stop half-way."""
    image = Image.frombytes("RGB", (256, 256), os.urandom(256 * 256 * 3))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    data = out.getvalue()
    return SimpleUploadedFile("rota.jpg", data[: len(data) // 2], content_type="image/jpeg")


def test_a_photo_that_cannot_be_decoded_is_failed_never_served(
    persona_client: ClientFor, work: Work, queued: FakeSMTP
) -> None:
    """W1: the worker cannot decode it; the photo stays unpublished, the raw bytes are gone, and the
    staff see that it failed."""
    client = persona_client("editor_own")
    response = client.post(
        reverse("works:staff_update_add", args=[work.code]), _update_data(photo_1=_truncated_jpeg(), caption_1=CAPTION)
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    photo = WorkPhoto.objects.get()
    original = Path(photo.original.path)
    run_worker()
    photo.refresh_from_db()
    assert photo.state == ProcessedImage.State.FAILED and photo.error
    assert not photo.image and not photo.original and not original.exists()
    assert not _public_files()
    page = Client().get(work.get_absolute_url()).content.decode()
    assert CAPTION not in page
    staff = client.get(reverse("works:staff_work", args=[work.code])).content.decode()
    assert "1 foto no se pudo procesar y no se muestra" in staff


def test_a_report_photo_past_the_time_limit_is_failed_and_staff_see_it(
    persona_client: ClientFor, client: Client, work: Work, queued: FakeSMTP, monkeypatch: pytest.MonkeyPatch
) -> None:
    """W1: a photo that takes past the task's time limit is marked failed, and the inbox says so."""
    client.post(reverse("works:report", args=[work.code]), {"text": TEXT, "photos": [photo_with_exif()]})
    photo = IrregularityPhoto.objects.get()
    staff = persona_client("editor_own")
    detail = staff.get(reverse("works:staff_report", args=[photo.report_id])).content.decode()
    assert "se está procesando" in detail
    assert staff.get(reverse("works:staff_report_photo", args=[photo.report_id, photo.pk])).status_code == 404

    def too_slow(*args: Any, **kwargs: Any) -> bytes:
        raise TaskTimeout("ran past its limit of 120 s")

    monkeypatch.setattr(uploads, "reencode", too_slow)
    run_worker()
    photo.refresh_from_db()
    assert photo.state == ProcessedImage.State.FAILED and "TaskTimeout" in photo.error
    detail = staff.get(reverse("works:staff_report", args=[photo.report_id])).content.decode()
    assert "no se pudo procesar" in detail
    assert staff.get(reverse("works:staff_report_photo", args=[photo.report_id, photo.pk])).status_code == 404


def test_the_task_leaves_a_photo_already_published_alone(work: Work) -> None:
    photo = WorkPhoto.objects.create(
        update=work.updates.create(date="2024-05-01", physical_progress=1, financial_progress=1, text="x"),
        caption="ya",
        state=ProcessedImage.State.READY,
    )
    assert uploads.image_publish_now("works.WorkPhoto", photo.pk) == ProcessedImage.State.READY
    assert uploads.image_publish_now("works.WorkPhoto", photo.pk + 1000) == "gone"
