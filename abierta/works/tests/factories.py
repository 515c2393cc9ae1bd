"""Small builders for works in tests (not the importers: those have their own tests), and a photo carrying metadata."""

from __future__ import annotations

import datetime
import io
import itertools
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from abierta.contracting.tests.factories import make_contract
from abierta.core.models import Institution
from abierta.works.models import Work, WorkContract

_seq = itertools.count(1)

GPS = {1: "N", 2: (10.0, 24.0, 26.0), 3: "W", 4: (75.0, 29.0, 39.0)}


def make_work(office: Institution | None = None, *, contracts: int = 1, **fields: Any) -> Work:
    n = next(_seq)
    if office is None:
        office, _ = Institution.objects.get_or_create(
            slug="infraestructura", defaults={"name": "Secretaría de Infraestructura"}
        )
    defaults: dict[str, Any] = {
        "name": f"Pavimentación de la calle {n}",
        "description": "Pavimentación en concreto rígido, andenes y drenaje pluvial.",
        "sector": Work.Sector.TRANSPORT_ROAD,
        "status": Work.Status.IMPLEMENTATION,
        "address": "Barrio Olaya Herrera, sector Central",
        "localidad": Work.Localidad.VIRGEN,
        "ucg": 6,
        "latitude": Decimal("10.407200"),
        "longitude": Decimal("-75.494300"),
        "budget": Decimal("1200000000"),
        "physical_progress": Decimal("35"),
        "financial_progress": Decimal("40"),
        "start_on": datetime.date(2024, 3, 15),
        "end_on": datetime.date(2024, 12, 15),
    }
    defaults.update(fields)
    work = Work.objects.create(office=office, **defaults)
    for i in range(contracts):
        role = WorkContract.Role.WORKS if i == 0 else WorkContract.Role.SUPERVISION
        WorkContract.objects.create(work=work, contract=make_contract(), role=role)
    return work


def photo_with_exif(fmt: str = "JPEG", name: str = "foto.jpg") -> SimpleUploadedFile:
    """A real image carrying a camera make, an author, a date and a GPS position."""
    image = Image.new("RGB", (64, 48), (180, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "Cámara Ejemplo"  # Make
    exif[0x0110] = "Modelo 7"  # Model
    exif[0x013B] = "Ana Pérez"  # Artist
    exif[0x0132] = "2024:05:01 10:00:00"  # DateTime
    exif[0x8825] = GPS
    out = io.BytesIO()
    extra: dict[str, Any] = {"comment": b"Ana Perez, calle 5"} if fmt == "JPEG" else {}
    image.save(out, fmt, exif=exif.tobytes(), **extra)
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}[fmt]
    return SimpleUploadedFile(name, out.getvalue(), content_type=content_type)
