"""Evidence downloads: without the metadata that could identify the reporter by default, and the
original byte for byte on request, each logged."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from PIL import ExifTags, Image
from pypdf import PdfReader

from abierta.complaints import export, services
from abierta.complaints.models import AuditEntry, Case
from abierta.complaints.tests.factories import (
    ARTIST,
    CAMERA,
    XMP_CREATOR,
    file_case,
    handler_client,
    jpeg_with_exif,
    make_handler,
    pdf_with_author,
)


def test_the_samples_do_carry_the_metadata() -> None:
    with Image.open(io.BytesIO(jpeg_with_exif())) as image:
        exif = image.getexif()
        assert exif[ExifTags.Base.Artist] == ARTIST
        assert exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"
    reader = PdfReader(io.BytesIO(pdf_with_author()))
    assert reader.metadata is not None and reader.metadata.author == ARTIST
    assert XMP_CREATOR.encode() in pdf_with_author()


def test_jpeg_loses_exif_gps_and_author_and_is_turned_upright() -> None:
    cleaned = export.without_metadata(jpeg_with_exif(), "jpeg")
    assert ARTIST.encode() not in cleaned and CAMERA.encode() not in cleaned
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        assert "exif" not in image.info
        assert image.size == (20, 40)  # the orientation was applied to the pixels


def test_png_and_webp_are_cleaned_too() -> None:
    for kind, fmt in (("png", "PNG"), ("webp", "WEBP")):
        image = Image.new("RGBA", (8, 8), (0, 0, 255, 128))
        exif = Image.Exif()
        exif[ExifTags.Base.Artist] = ARTIST
        out = io.BytesIO()
        image.save(out, format=fmt, exif=exif)
        assert ARTIST.encode() in out.getvalue()
        cleaned = export.without_metadata(out.getvalue(), kind)
        assert ARTIST.encode() not in cleaned
        with Image.open(io.BytesIO(cleaned)) as again:
            assert again.format == fmt and again.mode == "RGBA"


def test_pdf_loses_document_information_and_xmp() -> None:
    cleaned = export.without_metadata(pdf_with_author(), "pdf")
    assert ARTIST.encode() not in cleaned and CAMERA.encode() not in cleaned and XMP_CREATOR.encode() not in cleaned
    reader = PdfReader(io.BytesIO(cleaned))
    assert not reader.metadata
    assert "/Metadata" not in reader.root_object
    assert len(reader.pages) == 1


def test_damaged_files_and_unknown_kinds_cannot_be_cleaned() -> None:
    with pytest.raises(export.CannotClean):
        export.without_metadata(b"\xff\xd8\xffnot really a jpeg", "jpeg")
    with pytest.raises(export.CannotClean):
        export.without_metadata(b"%PDF-1.4 broken", "pdf")
    with pytest.raises(export.CannotClean):
        export.without_metadata(b"hello", "txt")


def test_safe_filename() -> None:
    assert export.safe_filename("Foto de la obra (1).JPG", "jpeg", "x") == "Foto-de-la-obra-1.jpg"
    assert export.safe_filename('../../etc/"passwd\r\n.pdf', "pdf", "x") == "etc-passwd.pdf"
    assert export.safe_filename("", "png", "D-2025-00001-3") == "D-2025-00001-3.png"
    assert export.safe_filename("evil.html", "pdf", "x") == "evil.pdf"


@pytest.mark.django_db
def test_download_strips_by_default_and_the_original_is_byte_identical() -> None:
    client = handler_client(make_handler())
    photo, document = jpeg_with_exif(), pdf_with_author()
    case = file_case(
        files=[services.Evidence("IMG_0001.jpg", "jpeg", photo), services.Evidence("recibo.pdf", "pdf", document)]
    )
    photo_att, pdf_att = case.attachments.order_by("id")
    page = client.get(reverse("complaints:case", args=[case.number])).content.decode()
    photo_url = reverse("complaints:attachment", args=[case.number, photo_att.pk])
    assert f'href="{photo_url}"' in page and f'href="{photo_url}?original=1"' in page

    clean = client.get(photo_url)
    assert clean.status_code == 200
    assert clean["Content-Type"] == "image/jpeg"
    assert clean["Content-Disposition"] == 'attachment; filename="IMG_0001.jpg"'
    assert "no-store" in clean["Cache-Control"]
    assert clean["X-Content-Type-Options"] == "nosniff"
    assert ARTIST.encode() not in clean.content and clean.content != photo

    original = client.get(photo_url + "?original=1")
    assert original.status_code == 200
    assert original.content == photo

    pdf_url = reverse("complaints:attachment", args=[case.number, pdf_att.pk])
    clean_pdf = client.get(pdf_url)
    assert clean_pdf["Content-Type"] == "application/pdf"
    assert ARTIST.encode() not in clean_pdf.content
    assert client.get(pdf_url + "?original=1").content == document

    entries = list(AuditEntry.objects.filter(action__startswith="exported").values_list("action", "detail"))
    assert entries == [
        ("exported", f"attachment {photo_att.pk}"),
        ("exported-original", f"attachment {photo_att.pk}"),
        ("exported", f"attachment {pdf_att.pk}"),
        ("exported-original", f"attachment {pdf_att.pk}"),
    ]


@pytest.mark.django_db
def test_an_attachment_of_another_case_is_404() -> None:
    client = handler_client(make_handler())
    one = file_case(files=[services.Evidence("a.pdf", "pdf", pdf_with_author())])
    other: Case = file_case()
    url = reverse("complaints:attachment", args=[other.number, one.attachments.get().pk])
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_a_file_that_cannot_be_cleaned_sends_back_to_the_case() -> None:
    client = handler_client(make_handler())
    case = file_case(files=[services.Evidence("broken.jpg", "jpeg", b"\xff\xd8\xffbroken")])
    url = reverse("complaints:attachment", args=[case.number, case.attachments.get().pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("complaints:case", args=[case.number])
    assert not AuditEntry.objects.filter(action="exported").exists()
    assert client.get(url + "?original=1").content == b"\xff\xd8\xffbroken"
