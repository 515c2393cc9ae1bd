"""Builders shared by the plans tests: evidence files (a minimal PDF, a PNG that carries GPS data)
and the files stored under MEDIA_ROOT."""

from __future__ import annotations

import io
import os
from pathlib import Path

from django.conf import settings
from PIL import Image

PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
GPS_IFD = 0x8825


def png_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "CamaraDeEjemplo"  # Make
    exif[GPS_IFD] = {1: "N", 2: (10.0, 25.0, 0.0), 3: "W", 4: (75.0, 30.0, 0.0)}
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 30, 30)).save(out, format="PNG", exif=exif)
    data = out.getvalue()
    with Image.open(io.BytesIO(data)) as check:  # the fixture really carries GPS data
        assert check.getexif().get_ifd(GPS_IFD)
    return data


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [Path(d) / f for d, _dirs, files in os.walk(root) for f in files] if root.exists() else []
