"""Evidence files as a handler downloads them: by default without the metadata that could identify
the reporter (EXIF GPS, author, camera; a PDF's document information and XMP), or byte for byte
as received, when the original itself is the evidence.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import NameObject

from abierta.core import uploads

_PDF_PAGE_METADATA = ("/Metadata", "/PieceInfo", "/LastModified")
_IMAGE_FORMATS = {uploads.PNG: "PNG", uploads.JPEG: "JPEG", uploads.WEBP: "WEBP"}


class CannotClean(Exception):
    """The file is of a kind this module cannot clean, or it is damaged: only the original exists."""


@dataclass(frozen=True)
class Exported:
    data: bytes
    content_type: str
    filename: str


def safe_filename(name: str, kind: str, fallback: str) -> str:
    """An ASCII file name with the extension of the file's real kind (never the one it was sent with)."""
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_")[:80] or fallback
    extension = uploads.EXTENSIONS.get(kind, "bin")
    return f"{stem}.{extension}"


def _clean_image(data: bytes, kind: str) -> bytes:
    try:
        with uploads.open_image(io.BytesIO(data)) as original:
            upright = ImageOps.exif_transpose(original)
            # A copy of the pixels alone: no EXIF, XMP, comments or ICC text travel with it.
            clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())
            if upright.mode == "P":
                palette = upright.getpalette()
                if palette is not None:
                    clean.putpalette(palette)
                if "transparency" in upright.info:
                    clean.info["transparency"] = upright.info["transparency"]
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, ValidationError) as exc:
        raise CannotClean from exc
    out = io.BytesIO()
    fmt = _IMAGE_FORMATS[kind]
    if fmt == "JPEG" and clean.mode not in ("RGB", "L", "CMYK"):
        clean = clean.convert("RGB")
    params: dict[str, object] = {"quality": 95} if fmt != "PNG" else {}
    if "transparency" in clean.info:
        params["transparency"] = clean.info["transparency"]
    clean.save(out, format=fmt, **params)
    return out.getvalue()


def _clean_pdf(data: bytes) -> bytes:
    try:
        reader = PdfReader(io.BytesIO(data))
        writer = PdfWriter()
        for page in reader.pages:
            added = writer.add_page(page)
            for key in _PDF_PAGE_METADATA:
                if key in added:
                    del added[NameObject(key)]
        # No document information (Author, Creator, Producer, Title…) and no XMP stream.
        writer.metadata = None
        if "/Metadata" in writer.root_object:
            del writer.root_object[NameObject("/Metadata")]
        out = io.BytesIO()
        writer.write(out)
    except (PyPdfError, OSError, ValueError, KeyError, TypeError) as exc:
        raise CannotClean from exc
    return out.getvalue()


def without_metadata(data: bytes, kind: str) -> bytes:
    """The file re-encoded without its metadata. Raises CannotClean."""
    if kind in _IMAGE_FORMATS:
        return _clean_image(data, kind)
    if kind == uploads.PDF:
        return _clean_pdf(data)
    raise CannotClean(kind)


def export(meta: dict[str, object], data: bytes, *, original: bool, fallback: str) -> Exported:
    """What to send: the cleaned file (default) or the original bytes."""
    kind = str(meta.get("kind") or "")
    name = str(meta.get("name") or "")
    content_type = uploads.CONTENT_TYPES.get(kind, "application/octet-stream")
    if original:
        return Exported(data, content_type, safe_filename(name, kind, fallback))
    return Exported(without_metadata(data, kind), content_type, safe_filename(name, kind, fallback))
