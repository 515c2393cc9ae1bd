"""Upload checks: the type comes from the content; photos lose their metadata."""

from __future__ import annotations

import io
import time
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from abierta.core.tests.factories import png_bomb
from abierta.core.uploads import DOCUMENTS, IMAGES, clean_file, validate_upload

XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="10,25.0N"/>'
    b"</rdf:RDF></x:xmpmeta>"
)


def photo(fmt: str) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "CamaraDeEjemplo"
    exif[0x8825] = {1: "N", 2: (10.0, 25.0, 0.0)}
    exif[0x0112] = 6  # rotated: width and height swap when applied
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 120, 200)).save(out, format=fmt, exif=exif, xmp=XMP)
    return out.getvalue()


@pytest.mark.parametrize(("fmt", "kind", "ext"), [("JPEG", "jpeg", "jpg"), ("WEBP", "webp", "webp")])
def test_photos_lose_exif_and_xmp(fmt: str, kind: str, ext: str) -> None:
    data = photo(fmt)
    assert b"CamaraDeEjemplo" in data and b"GPSLatitude" in data
    upload = SimpleUploadedFile(f"foto.{ext}", data)
    assert validate_upload(upload, IMAGES) == kind
    stored = clean_file(upload, kind)
    assert stored.name is not None and stored.name.endswith(f".{ext}") and "foto" not in stored.name
    out = stored.read()
    assert b"CamaraDeEjemplo" not in out
    assert b"GPSLatitude" not in out
    with Image.open(io.BytesIO(out)) as image:
        assert dict(image.getexif()) == {}
        assert image.size == (24, 32)  # the orientation was applied before the tag was dropped


def test_type_comes_from_content_not_name() -> None:
    with pytest.raises(ValidationError) as error:
        validate_upload(SimpleUploadedFile("foto.png", b"%PDF-1.4\n%%EOF\n"), IMAGES)
    assert error.value.code == "wrong_type"
    assert validate_upload(SimpleUploadedFile("sin-extension", b"%PDF-1.4\n%%EOF\n"), DOCUMENTS) == "pdf"
    with pytest.raises(ValidationError) as error:
        validate_upload(SimpleUploadedFile("x.pdf", b"<svg onload=alert(1)>"), DOCUMENTS | IMAGES)
    assert error.value.code == "wrong_type"


def test_truncated_jpeg_is_malformed() -> None:
    data = photo("JPEG")
    with pytest.raises(ValidationError) as error:
        validate_upload(SimpleUploadedFile("f.jpg", data[:40]), IMAGES)
    assert error.value.code == "malformed"


def test_an_image_over_the_pixel_budget_is_refused_before_it_is_decoded(
    monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    """Security review W1: a 420 KB PNG of 12000 × 12000 pixels cost a worker 19 s and 1 GB."""
    bomb = png_bomb()
    assert bomb.size is not None and bomb.size < 500_000
    small = SimpleUploadedFile("p.png", photo("PNG"))

    def no_decoding(self: Image.Image, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the pixels were decoded")

    monkeypatch.setattr(Image.Image, "load", no_decoding)
    started = time.monotonic()
    with pytest.raises(ValidationError) as error:
        validate_upload(bomb, IMAGES)
    assert error.value.code == "too_many_pixels"
    assert "40" in error.value.messages[0]
    with pytest.raises(ValidationError):
        clean_file(bomb, "png")
    assert time.monotonic() - started < 2
    # The budget is a setting; Pillow's own limit (warning at 89 Mpx, error at 179 Mpx) is not the one.
    settings.ABIERTA_MAX_IMAGE_PIXELS = 10 * 10
    with pytest.raises(ValidationError) as error:
        validate_upload(small, IMAGES)
    assert error.value.code == "too_many_pixels"


def test_pillows_decompression_bomb_error_is_a_validation_error_not_a_500(settings: Any) -> None:
    """Security review C8: above 179 Mpx Pillow raises DecompressionBombError in Image.open."""
    settings.ABIERTA_MAX_IMAGE_PIXELS = 10**12  # even if the budget were set above Pillow's limit
    with pytest.raises(ValidationError) as error:
        validate_upload(png_bomb(width=14000, height=14000), IMAGES)
    assert error.value.code == "too_many_pixels"
