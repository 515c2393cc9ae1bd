"""Builders shared by the complaints tests: handlers and their clients, cases filed through the
service, reports submitted through the reporter's pages (solving the proof of work), and evidence
files that carry identifying metadata."""

from __future__ import annotations

import hashlib
import io
import re
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import ExifTags, Image
from pypdf import PdfWriter
from pypdf.generic import NameObject, StreamObject

from abierta.accounts.models import User
from abierta.complaints import antiabuse, keyring, services
from abierta.complaints.models import Case
from factories import PASSWORD, make_user, sign_in

SECRET = "ZAFIRO-7781 the secretary asked for a bribe"
WHO = "Funcionario Pérez"

NEW = "/denuncias/nueva/"
FOLLOWUP = "/denuncias/seguimiento/"
REPLY = "/denuncias/seguimiento/responder/"
LEAVE = "/denuncias/seguimiento/salir/"
WHAT = "El interventor del contrato de la vía pidió un pago de dos millones para aprobar el acta de obra."

ARTIST = "Ana Reportera Secreta"
CAMERA = "PhoneMaker Z9"
XMP_CREATOR = "xmp-creator-ana"


# ---------------------------------------------------------------- handlers


def make_handler(email: str = "handler@example.org", *, key: bool = True) -> User:
    user = make_user(email, User.Role.TRANSPARENCY)
    if key:
        services.handler_key_create(user=user, password=PASSWORD)
    return user


def handler_client(user: User, *, unlock: bool = True) -> Client:
    client = sign_in(Client(), user)
    if unlock:
        response = client.post(reverse("complaints:unlock"), {"password": PASSWORD})
        assert response.status_code == 302, response.content
        assert keyring.COOKIE_NAME in client.cookies
    return client


def file_case(
    *, what: str = SECRET, identified: bool = False, files: list[services.Evidence] | None = None, **extra: str
) -> Case:
    report = services.ReportData(category=Case.Category.BRIBERY, what=what, who=WHO, identified=identified)
    for name, value in extra.items():
        setattr(report, name, value)
    case, _receipt = services.complaint_submit(report=report, files=files or [])
    return case


def case_url(case: Case, name: str = "complaints:case") -> str:
    return reverse(name, args=[case.number])


def session_private_key(client: Client) -> bytes:
    """The private key the client's session and cookie hold (as the keyring reads it)."""
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.session = client.session
    request.COOKIES[keyring.COOKIE_NAME] = client.cookies[keyring.COOKIE_NAME].value
    key = keyring.private_key(request)
    assert key is not None
    return key


# ---------------------------------------------------------------- the reporter's pages


def pdf(name: str = "acta.pdf", body: bytes = b"acta de obra") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + body + b"\n%%EOF\n", content_type="application/pdf")


def png(name: str = "foto.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def challenge_in(html: str) -> str:
    found = re.search(r'name="challenge" value="([^"]+)"', html)
    assert found, "the form carries a challenge"
    return found.group(1)


def solve(challenge: str) -> str:
    bits = int(challenge.split(".")[3])
    n = 0
    while antiabuse.leading_zero_bits(hashlib.sha256(f"{challenge}:{n}".encode()).digest()) < bits:
        n += 1
    return str(n)


def report_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "category": Case.Category.BRIBERY,
        "what": WHAT,
        "who": "El interventor",
        "where": "Obra de la avenida Pedro de Heredia",
        "when": "Marzo de 2026",
        "evidence": "Mensajes de WhatsApp",
        "reference": "",
        "identity": "anonymous",
        "name": "",
        "document_type": "",
        "document_number": "",
        "contact": "",
    }
    data.update(overrides)
    return data


def submit(client: Client, data: dict[str, Any] | None = None, prefix: str = "", **extra: Any) -> Any:
    """GET the form, solve its proof of work and POST the report (multipart)."""
    page = client.get(f"{prefix}{NEW}", **extra)
    challenge = challenge_in(page.content.decode())
    payload = {**(data if data is not None else report_data()), "challenge": challenge, "pow": solve(challenge)}
    return client.post(f"{prefix}{NEW}", payload, **extra)


def receipt_of(response: Any) -> str:
    found = re.search(r'id="receipt"[^>]*>\s*([0-9A-Z-]+)\s*<', response.content.decode())
    assert found, "the receipt page shows the receipt"
    return found.group(1)


def receipt_payload(receipt: str) -> dict[str, str]:
    """The follow-up form's fields: the receipt and a solved challenge of the follow-up form."""
    challenge = antiabuse.receipt_challenge_issue()
    return {"receipt": receipt, "challenge": challenge, "pow": solve(challenge)}


def open_followup(client: Client, receipt: str, prefix: str = "", **extra: Any) -> Any:
    """POST a receipt to the follow-up form, with its proof of work solved."""
    return client.post(f"{prefix}{FOLLOWUP}", receipt_payload(receipt), **extra)


def token_in(html: str) -> str:
    found = re.search(r'name="token" value="([^"]+)"', html)
    assert found
    return found.group(1)


# ---------------------------------------------------------------- evidence with metadata


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (40, 20), (200, 30, 30))
    exif = Image.Exif()
    exif[ExifTags.Base.Artist] = ARTIST
    exif[ExifTags.Base.Model] = CAMERA
    exif[ExifTags.Base.Orientation] = 6  # taken sideways: shown rotated 90° clockwise
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (10.0, 25.0, 3.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (75.0, 32.0, 7.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def pdf_with_author() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": ARTIST, "/Creator": CAMERA, "/Title": "Recibo de soborno"})
    xmp = StreamObject()
    xmp.set_data(f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>{XMP_CREATOR}</dc:creator></x:xmpmeta>'.encode())
    xmp.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
    writer.root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
