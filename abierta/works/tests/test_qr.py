"""The QR code of a work decodes, with a standard reader (ZXing), to the work's absolute address."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
import zxingcpp
from django.test import Client
from PIL import Image, ImageDraw

from abierta.works import qr
from abierta.works.tests.factories import make_work
from factories import PERSONAS

pytestmark = pytest.mark.django_db

ALLOWED = {"editor_own", "transparency", "admin"}
DOWNLOADS = {
    "qr.svg": ("image/svg+xml", "qr.svg"),
    "qr.png": ("image/png", "qr.png"),
    "valla.pdf": ("application/pdf", "valla.pdf"),
}


def decode(image: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]


def rasterize_segno_svg(svg: bytes, pixels_per_module: int = 6) -> Image.Image:
    """Draw segno's SVG as the file says: a path of horizontal 1-unit strokes (``M``, ``m``, ``h``),
    under ``scale(n)``, on a light square. Enough of SVG to check what was drawn, not what we meant."""
    text = svg.decode()
    size = int(re.search(r'<svg[^>]* width="(\d+)"', text).group(1))  # type: ignore[union-attr]
    scale = int(re.search(r'transform="scale\((\d+)\)"', text).group(1))  # type: ignore[union-attr]
    units = size // scale
    path = re.search(r'class="qrline"[^>]* d="([^"]+)"', text).group(1)  # type: ignore[union-attr]
    image = Image.new("L", (units * pixels_per_module, units * pixels_per_module), 255)
    draw = ImageDraw.Draw(image)
    x = y = 0.0
    for command, args in re.findall(r"([MmHhVv])([-\d.\s]+)", path):
        numbers = [float(n) for n in args.split()]
        if command == "M":
            x, y = numbers
        elif command == "m":
            x, y = x + numbers[0], y + numbers[1]
        elif command == "h":
            top = (y - 0.5) * pixels_per_module
            draw.rectangle(
                [x * pixels_per_module, top, (x + numbers[0]) * pixels_per_module - 1, top + pixels_per_module - 1],
                fill=0,
            )
            x += numbers[0]
        else:  # pragma: no cover - segno only writes M, m and h
            raise AssertionError(f"unexpected path command {command}")
    return image


def test_png_decodes_to_the_absolute_url(settings: object) -> None:
    settings.SITE_URL = "https://obras.cartagena.gov.co"  # type: ignore[attr-defined]
    work = make_work()
    image = Image.open(io.BytesIO(qr.qr_png(work)))
    assert decode(image) == [f"https://obras.cartagena.gov.co/o/{work.code}"]


def test_svg_decodes_to_the_absolute_url(settings: object) -> None:
    settings.SITE_URL = "https://obras.cartagena.gov.co"  # type: ignore[attr-defined]
    work = make_work(name="Parque de Chambacú & Espinal <norte>")
    svg = qr.qr_svg(work)
    assert svg.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    assert b"Parque de Chamb" in svg and b"&lt;norte&gt;" in svg  # the work's name as the description
    assert decode(rasterize_segno_svg(svg)) == [f"https://obras.cartagena.gov.co/o/{work.code}"]


def test_error_correction_and_quiet_zone(settings: object) -> None:
    work = make_work()
    code = qr.work_qr(work)
    assert code.error == "Q"
    assert not code.is_micro
    image = Image.open(io.BytesIO(qr.qr_png(work, scale=4)))
    modules = len(qr.qr_matrix(work))
    assert image.size == ((modules + 8) * 4, (modules + 8) * 4)
    # The quiet zone is light all round: four modules, sixteen pixels.
    gray = image.convert("L")
    width = image.size[0]
    border = {gray.getpixel((i, j)) for i in range(width) for j in range(16)}
    assert border == {255}


def test_short_url_drops_the_scheme(settings: object) -> None:
    settings.SITE_URL = "https://obras.cartagena.gov.co"  # type: ignore[attr-defined]
    work = make_work()
    assert qr.short_url(work) == f"obras.cartagena.gov.co/o/{work.code}"


@pytest.mark.parametrize("download", list(DOWNLOADS))
@pytest.mark.parametrize("persona", PERSONAS)
def test_downloads_are_for_the_works_office_transparency_and_admins(
    persona: str, download: str, persona_client: Callable[[str], Client], world: object
) -> None:
    work = make_work(office=world.own_office)  # type: ignore[attr-defined]
    response = persona_client(persona).get(f"/gestion/obras/{work.code}/{download}")
    if persona == "anonymous":
        assert response.status_code == 302 and "/cuenta/ingresar/" in response["Location"]
    elif persona in ALLOWED:
        content_type, suffix = DOWNLOADS[download]
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert response["Content-Disposition"] == f'attachment; filename="obra-{work.code}-{suffix}"'
        assert response["Cache-Control"] == "private, no-store"
    else:
        assert response.status_code == 403


def test_staff_can_print_the_code_before_the_work_is_published(
    persona_client: Callable[[str], Client], world: object
) -> None:
    work = make_work(office=world.own_office, is_published=False)  # type: ignore[attr-defined]
    response = persona_client("editor_own").get(f"/gestion/obras/{work.code.lower()}/qr.png")
    assert response.status_code == 200
    assert decode(Image.open(io.BytesIO(response.content))) == [qr.work_url(work)]


def test_the_code_is_the_spanish_address_whatever_the_staff_language(
    persona_client: Callable[[str], Client], world: object, settings: object
) -> None:
    settings.SITE_URL = "https://obras.cartagena.gov.co"  # type: ignore[attr-defined]
    work = make_work(office=world.own_office)  # type: ignore[attr-defined]
    response = persona_client("editor_own").get(f"/en/gestion/obras/{work.code}/qr.png")
    assert response.status_code == 200
    assert decode(Image.open(io.BytesIO(response.content))) == [f"https://obras.cartagena.gov.co/o/{work.code}"]


def test_unknown_work_is_not_found(persona_client: Callable[[str], Client]) -> None:
    assert persona_client("admin").get("/gestion/obras/ZZZZ9999/qr.png").status_code == 404
