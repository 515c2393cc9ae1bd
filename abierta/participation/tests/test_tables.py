"""Working tables: attendance per group, minutes and photos, the public pages and the diversity dashboard."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image, ImageFile

from abierta.core.tests.fake_smtp import FakeSMTP, run_worker
from abierta.participation.cocreation import services
from abierta.participation.models import Population, TablePhoto, Territory, WorkingTable
from abierta.participation.tests.factories import make_process, make_table
from factories import World

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (8, 8), "red")
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_attendance_counts_per_group_and_total(world: World) -> None:
    table = make_table(world.plan)
    services.table_attendance_set(table=table, counts={"youth": 12, "women": 8, "older": 0})
    table.refresh_from_db()
    assert table.attendance == 20
    assert dict(table.attendance_counts.values_list("group", "count")) == {"youth": 12, "women": 8}
    services.table_attendance_set(table=table, counts={"youth": 0, "women": 5})
    table.refresh_from_db()
    assert table.attendance == 5


def test_photo_loses_exif(world: World) -> None:
    table = make_table(world.plan)
    upload = SimpleUploadedFile("f.jpg", jpeg_with_exif(), content_type="image/jpeg")
    photo = services.table_photo_add(table=table, image=upload, kind="jpeg", caption="Personas en la mesa")
    photo.refresh_from_db()  # published by the queue (immediate in tests)
    assert photo.state == TablePhoto.State.READY and not photo.original
    with Image.open(photo.image.path) as stored:
        assert 0x010F not in stored.getexif()


def test_table_edit_saves_everything(world: World, persona_client: Callable[[str], Client]) -> None:
    make_process(world.plan, "tables")
    table = make_table(world.plan, 4)
    client = persona_client("transparency")
    url = reverse("participation:staff_table", args=[world.plan.slug, 4])
    data = {
        "place": "Biblioteca",
        "facilitator": "Laura Pérez",
        "population": Population.YOUTH,
        "territory": Territory.UCG3,
        "count_youth": "15",
        "count_women": "7",
        "minutes_file": SimpleUploadedFile("acta.pdf", PDF, content_type="application/pdf"),
        "photo": SimpleUploadedFile("f.jpg", jpeg_with_exif(), content_type="image/jpeg"),
        "photo_caption": "Jóvenes debatiendo",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    table.refresh_from_db()
    assert (table.facilitator, table.population, table.territory, table.attendance) == (
        "Laura Pérez",
        "youth",
        "ucg3",
        22,
    )
    assert table.minutes
    page = Client().get(reverse("participation:table", args=[world.plan.slug, 4])).content.decode()
    assert "Laura Pérez" in page and "Jóvenes debatiendo" in page and 'alt="Jóvenes debatiendo"' in page
    assert reverse("participation:table_minutes", args=[world.plan.slug, 4]) in page
    assert Client().get(reverse("participation:table_minutes", args=[world.plan.slug, 4])).status_code == 200
    photo = TablePhoto.objects.get()
    assert Client().get(reverse("participation:table_photo", args=[world.plan.slug, 4, photo.pk])).status_code == 200


def test_table_edit_bad_input_keeps_input_and_writes_nothing(
    world: World, persona_client: Callable[[str], Client]
) -> None:
    make_process(world.plan, "tables")
    table = make_table(world.plan, 4)
    client = persona_client("transparency")
    url = reverse("participation:staff_table", args=[world.plan.slug, 4])
    response = client.post(
        url,
        {
            "facilitator": "Nombre guardado",
            "count_youth": "-3",
            "minutes_file": SimpleUploadedFile("acta.pdf", b"not a pdf", content_type="application/pdf"),
            "photo": SimpleUploadedFile("f.jpg", jpeg_with_exif(), content_type="image/jpeg"),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nombre guardado" in page and "error-summary" in page
    table.refresh_from_db()
    assert table.facilitator == "" and not table.minutes and table.attendance is None
    assert not TablePhoto.objects.exists() and not table.attendance_counts.exists()


def test_tables_list_and_detail_are_public(world: World) -> None:
    make_table(world.plan, 1)
    client = Client()
    assert "Mesa 1" in client.get(reverse("participation:tables", args=[world.plan.slug])).content.decode()
    assert client.get(reverse("participation:table", args=[world.plan.slug, 1])).status_code == 200
    assert client.get(reverse("participation:table", args=[world.plan.slug, 9])).status_code == 404
    assert client.get(reverse("participation:table_minutes", args=[world.plan.slug, 1])).status_code == 404


def test_diversity_dashboard_shows_a_missing_population(world: World) -> None:
    table = WorkingTable.objects.create(
        plan=world.plan,
        number=1,
        name="Mesa juvenil",
        sector=WorkingTable.Sector.POPULATION,
        population=Population.YOUTH,
        territory=Territory.RURAL,
    )
    services.table_attendance_set(table=table, counts={"youth": 10, "women": 4})
    response = Client().get(reverse("participation:diversity", args=[world.plan.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    missing = page.split('class="diversity-missing"')
    # Three dimensions, each with its list of who is missing.
    assert len(missing) == 4
    populations_missing = missing[2].split("</ul>")[0]
    assert str(Population.INDIGENOUS.label) in populations_missing or "indígenas" in populations_missing.lower()
    assert str(Population.YOUTH.label) not in populations_missing
    sectors_missing = missing[1].split("</ul>")[0]
    assert str(WorkingTable.Sector.POPULATION.label) not in sectors_missing
    assert '<th scope="col">' in page


def test_cocreation_page_links_the_process(world: World) -> None:
    make_process(world.plan, "analysis")
    page = Client().get(reverse("participation:cocreation", args=[world.plan.slug])).content.decode()
    assert reverse("participation:process", args=[world.plan.slug]) in page
    assert 'aria-current="step"' in page
    page = Client().get(reverse("participation:process", args=[world.plan.slug])).content.decode()
    assert 'aria-current="step"' in page


def test_a_table_photo_is_published_by_the_queue(
    world: World, persona_client: Callable[[str], Client], queued: FakeSMTP, monkeypatch: pytest.MonkeyPatch
) -> None:
    """W1: the request decodes nothing; the public table page shows the photo once the worker has
    stripped it, and the staff form says it is being processed until then."""
    make_process(world.plan, "tables")
    make_table(world.plan, 4)
    client = persona_client("transparency")
    url = reverse("participation:staff_table", args=[world.plan.slug, 4])
    photo_file = SimpleUploadedFile("f.jpg", jpeg_with_exif(), content_type="image/jpeg")

    def refuse(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("an image was decoded in the request")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)
    data = {"place": "Biblioteca", "photo": photo_file, "photo_caption": "Jóvenes debatiendo"}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    photo = TablePhoto.objects.get()
    assert photo.state == TablePhoto.State.PENDING
    public = reverse("participation:table", args=[world.plan.slug, 4])
    assert "Jóvenes debatiendo" not in Client().get(public).content.decode()
    photo_url = reverse("participation:table_photo", args=[world.plan.slug, 4, photo.pk])
    assert Client().get(photo_url).status_code == 404
    assert "se está procesando" in client.get(url).content.decode()
    monkeypatch.undo()
    run_worker()
    photo.refresh_from_db()
    assert photo.state == TablePhoto.State.READY
    assert 'alt="Jóvenes debatiendo"' in Client().get(public).content.decode()
    assert Client().get(photo_url).status_code == 200
    assert "se está procesando" not in client.get(url).content.decode()
