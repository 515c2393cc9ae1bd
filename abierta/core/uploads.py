"""Checks for uploaded files: size, and type read from the content, never from the name.

Images are re-encoded without their metadata (EXIF GPS, author, camera) before they are kept.
Every image is opened through :func:`open_image`, which reads its width and height from the header
(Pillow decodes nothing until the pixels are asked for) and refuses it above
``ABIERTA_MAX_IMAGE_PIXELS`` before any decoding: a 420 KB PNG can declare 12000 × 12000 pixels,
which take a worker 19 s and 1 GB to decode.
"""

from __future__ import annotations

import datetime
import io
import os
import uuid
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from abierta.core.queue import TaskTimeout, durable

PDF = "pdf"
PNG = "png"
JPEG = "jpeg"
WEBP = "webp"

CONTENT_TYPES = {PDF: "application/pdf", PNG: "image/png", JPEG: "image/jpeg", WEBP: "image/webp"}
EXTENSIONS = {PDF: "pdf", PNG: "png", JPEG: "jpg", WEBP: "webp"}
IMAGES = frozenset({PNG, JPEG, WEBP})
DOCUMENTS = frozenset({PDF})


def sniff(head: bytes) -> str | None:
    """The file's kind, from its first bytes."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


def _labels(kinds: Iterable[str]) -> str:
    return ", ".join(sorted(EXTENSIONS[k].upper() for k in kinds))


def too_many_pixels() -> ValidationError:
    limit = settings.ABIERTA_MAX_IMAGE_PIXELS
    return ValidationError(
        _(
            "The image is too large: at most %(megapixels)s megapixels are accepted (for example a photo of "
            "%(width)s × %(height)s pixels). Send a smaller copy."
        )
        % {"megapixels": limit // 1_000_000, "width": 8000, "height": limit // 8000},
        code="too_many_pixels",
    )


@contextmanager
def open_image(fp: IO[bytes]) -> Iterator[Image.Image]:
    """Open an image without decoding it, refusing it (ValidationError) above the pixel budget.

    Pillow's own decompression-bomb warning and error become the same refusal, never a 500.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(fp)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise too_many_pixels() from exc
    with image:
        width, height = image.size
        if width * height > settings.ABIERTA_MAX_IMAGE_PIXELS:
            raise too_many_pixels()
        yield image


def validate_upload(upload: UploadedFile, allowed: frozenset[str]) -> str:
    """Return the file's kind, or raise ValidationError with a message that says what is wrong."""
    limit = settings.ABIERTA_MAX_UPLOAD_BYTES
    if upload.size is None or upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > limit:
        raise ValidationError(
            _("The file weighs %(size)s; the largest accepted is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(16)
    kind = sniff(head)
    if kind is None or kind not in allowed:
        raise ValidationError(
            _("This file is not of an accepted type. Accepted: %(types)s.") % {"types": _labels(allowed)},
            code="wrong_type",
        )
    if kind == PDF:
        upload.seek(max(0, upload.size - 2048))
        if b"%%EOF" not in upload.read():
            raise ValidationError(_("The PDF file is damaged or incomplete."), code="malformed")
    else:
        try:
            upload.seek(0)
            with open_image(upload) as image:
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise ValidationError(_("The image is damaged or incomplete."), code="malformed") from exc
    upload.seek(0)
    return kind


# The EXIF block that holds a photo's location.
GPS_IFD = 0x8825


def reencode(fp: IO[bytes], kind: str, *, keep_location: bool = False) -> bytes:
    """The image's pixels re-encoded without their metadata (EXIF camera, dates and author, XMP, JPEG
    and PNG comments), orientation applied to the pixels; the location (the EXIF GPS block) is kept
    only if ``keep_location`` (a reporter who asks for it). This decodes the image: it is the costly
    step, run by the queue (:func:`image_publish`) for photos that go public."""
    with open_image(fp) as original:
        gps = dict(original.getexif().get_ifd(GPS_IFD)) if keep_location else {}
        image = ImageOps.exif_transpose(original)
        image.info = {}  # what Pillow would otherwise write back: comments, XMP, ICC notes
        out = io.BytesIO()
        fmt = {PNG: "PNG", JPEG: "JPEG", WEBP: "WEBP"}[kind]
        params: dict[str, Any] = {"quality": 90} if kind != PNG else {}
        if gps:
            exif = Image.Exif()
            exif[GPS_IFD] = gps
            params["exif"] = exif.tobytes()
        image.save(out, format=fmt, **params)
    return out.getvalue()


def clean_file(upload: UploadedFile, kind: str, *, keep_location: bool = False) -> ContentFile[bytes]:
    """The file to store, under a random name; images re-encoded by :func:`reencode`, here and now
    (for files that never reach a public page, such as the complaint channel's encrypted evidence);
    a PDF is kept byte for byte. Images shown on public pages (photos of works and tables, the
    evidence of a milestone's progress) go through :func:`stash_original` and the queue instead."""
    upload.seek(0)
    data = reencode(upload, kind, keep_location=keep_location) if kind in IMAGES else upload.read()
    upload.seek(0)
    return ContentFile(data, name=f"{uuid.uuid4().hex}.{EXTENSIONS[kind]}")


def stash_original(upload: UploadedFile, kind: str) -> ContentFile[bytes]:
    """The uploaded bytes as they came, under a random name, for :class:`PrivateStorage`: nothing is
    decoded in the request (the checks of :func:`validate_upload` read only the header)."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return ContentFile(data, name=f"{uuid.uuid4().hex}.{EXTENSIONS[kind]}")


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Files kept under ``ABIERTA_PRIVATE_ROOT``, outside ``MEDIA_ROOT``: no public address serves
    them (photos waiting for the queue to strip their metadata, uploaded import files)."""

    def __init__(self) -> None:
        super().__init__(base_url="/nowhere/")

    @property
    def base_location(self) -> str:
        return str(settings.ABIERTA_PRIVATE_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("a private file has no public address")


class ProcessedFields(NamedTuple):
    """The names of the four fields a model re-encoded by the queue keeps (:func:`image_publish_now`):
    the public file, the private original, the state (``ProcessedImage.State``) and the error."""

    image: str = "image"
    original: str = "original"
    state: str = "state"
    error: str = "error"


def private_file_fields() -> list[tuple[Any, str]]:
    """Every (model, field name) whose files are kept in :class:`PrivateStorage`: the originals of
    photos and evidence images waiting for the queue, the uploads of queued imports. Read from the
    app registry, so a new private file field is covered without being named here."""
    from django.apps import apps
    from django.db import models

    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField) and isinstance(field.storage, PrivateStorage)
    ]


# Private files checked against the database per query (one query per private file field).
ORPHAN_BATCH = 500


def _files_under(folder: str) -> Iterator[os.DirEntry[str]]:
    """The regular files under ``folder``, read one directory entry at a time (``os.scandir``), even
    in a directory of millions; symbolic links are not followed, nor returned."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                yield from _files_under(entry.path)
            elif entry.is_file(follow_symlinks=False):
                yield entry


def private_orphans_delete(
    *,
    now: datetime.datetime | None = None,
    min_age: datetime.timedelta = datetime.timedelta(days=1),
    batch_size: int = ORPHAN_BATCH,
) -> int:
    """Delete the files under ``ABIERTA_PRIVATE_ROOT`` older than ``min_age`` that no row references
    (a row deleted, a request that crashed after storing its upload); return how many. A younger
    file may belong to a request still running, and is left alone. The walk reads one directory
    entry at a time, and the names are checked against the database in batches of ``batch_size``:
    neither every file name nor every stored name is held in memory at once. Symbolic links and
    anything that is not a regular file are left alone."""
    root = Path(settings.ABIERTA_PRIVATE_ROOT)
    if not root.is_dir():
        return 0
    cutoff = (now or timezone.now()).timestamp() - min_age.total_seconds()
    fields = private_file_fields()
    batch: list[tuple[str, Path]] = []
    deleted = 0

    def flush() -> int:
        names = [name for name, _path in batch]
        referenced: set[str] = set()
        for model, field in fields:
            referenced.update(model._default_manager.filter(**{f"{field}__in": names}).values_list(field, flat=True))
        count = 0
        for name, path in batch:
            if name not in referenced:
                try:
                    path.unlink()
                except FileNotFoundError:  # deleted meanwhile by the queue itself
                    continue
                count += 1
        batch.clear()
        return count

    for entry in _files_under(str(root)):
        try:
            modified = entry.stat(follow_symlinks=False).st_mtime
        except FileNotFoundError:
            continue
        if modified > cutoff:
            continue
        path = Path(entry.path)
        batch.append((path.relative_to(root).as_posix(), path))
        if len(batch) >= batch_size:
            deleted += flush()
    if batch:
        deleted += flush()
    return deleted


def image_publish_now(model: str, pk: int, *, keep_location: bool = False) -> str:
    """Re-encode a pending photo's original into its public ``image``, then forget the original.

    The photo's model (``"app_label.ModelName"``) is a :class:`~abierta.core.models.ProcessedImage`,
    or any model that names its four fields in ``processed_fields`` (:class:`ProcessedFields`, such
    as a milestone's progress update and its evidence image).
    An original that cannot be decoded, or takes past the task's time limit, leaves the photo
    ``failed`` (shown to staff, never served) and its original deleted: the raw bytes, with their
    metadata, are never published. Returns the photo's new state."""
    from django.apps import apps

    from abierta.core.models import ProcessedImage

    photo_model = apps.get_model(model)
    names: ProcessedFields = getattr(photo_model, "processed_fields", ProcessedFields())
    photo = photo_model.objects.filter(pk=pk).first()
    if photo is None:
        return "gone"
    original = getattr(photo, names.original)
    if getattr(photo, names.state) != ProcessedImage.State.PENDING or not original:
        return str(getattr(photo, names.state))
    try:
        with original.open("rb") as fp:
            kind = sniff(fp.read(16))
            fp.seek(0)
            if kind not in IMAGES:
                raise ValueError("not an accepted image")
            data = reencode(fp, kind, keep_location=keep_location)
    except (ValidationError, UnidentifiedImageError, OSError, SyntaxError, ValueError, TaskTimeout) as exc:
        setattr(photo, names.state, ProcessedImage.State.FAILED)
        setattr(photo, names.error, f"{type(exc).__name__}: {exc}"[:300])
        original.delete(save=False)
        photo.save(update_fields=[names.state, names.error, names.original])
        return str(getattr(photo, names.state))
    getattr(photo, names.image).save(f"{uuid.uuid4().hex}.{EXTENSIONS[kind]}", ContentFile(data), save=False)
    original.delete(save=False)
    setattr(photo, names.state, ProcessedImage.State.READY)
    setattr(photo, names.error, "")
    photo.save(update_fields=[names.image, names.original, names.state, names.error])
    return str(getattr(photo, names.state))


@durable(attempts=3, backoff=60, limit=120)
def image_publish(model: str, pk: int, keep_location: bool = False) -> str:
    """The queue's task for :func:`image_publish_now`: two minutes at most per photo."""
    return image_publish_now(model, pk, keep_location=keep_location)


def enqueue_image_publish(photo: Any, *, keep_location: bool = False) -> None:
    """Queue the re-encoding of a photo just saved as pending (a row of the caller's transaction)."""
    image_publish.enqueue(model=photo._meta.label, pk=photo.pk, keep_location=keep_location)


def upload_path(prefix: str, filename: str) -> str:
    return f"{prefix}/{timezone.now():%Y/%m}/{filename}"
