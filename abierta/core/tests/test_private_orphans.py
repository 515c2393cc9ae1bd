"""Private files no row references (a row deleted, a request that stopped after storing its upload)
are deleted by a daily task once older than a day; referenced files and young ones stay; the names
are checked against the database in batches."""

from __future__ import annotations

import datetime
import math
import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from abierta.core.importing import import_enqueue
from abierta.core.models import ImportRun
from abierta.core.queue import SCHEDULES
from abierta.core.tasks import private_orphans_task
from abierta.core.uploads import private_file_fields, private_orphans_delete

pytestmark = pytest.mark.django_db

DAY = 24 * 3600


def _private(name: str, *, age_seconds: float) -> Path:
    path = Path(settings.ABIERTA_PRIVATE_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"documento;fecha\n98765432;2009-05-24\n")
    moment = time.time() - age_seconds
    os.utime(path, (moment, moment))
    return path


def _age(path: Path, seconds: float) -> None:
    moment = time.time() - seconds
    os.utime(path, (moment, moment))


def test_referenced_and_young_files_stay_old_orphans_go() -> None:
    run = import_enqueue(kind="test-lines", upload=SimpleUploadedFile("padron.csv", b"a\n"), options={})
    referenced = Path(run.upload.path)
    _age(referenced, 3 * DAY)
    old_orphan = _private("imports/2026/01/perdido.csv", age_seconds=2 * DAY)
    old_image = _private("pending-images/2026/01/huerfana.jpg", age_seconds=2 * DAY)
    young_orphan = _private("imports/2026/12/en-curso.csv", age_seconds=3600)
    assert private_orphans_delete() == 2
    assert referenced.exists() and young_orphan.exists()
    assert not old_orphan.exists() and not old_image.exists()
    # The row's file goes once the row no longer references it (here: the row is deleted).
    ImportRun.objects.filter(pk=run.pk).delete()
    assert private_orphans_delete() == 1 and not referenced.exists()


def test_links_and_other_things_than_files_are_left_alone(tmp_path: Path) -> None:
    outside = tmp_path / "fuera.txt"
    outside.write_text("no se borra")
    link = Path(settings.ABIERTA_PRIVATE_ROOT) / "imports" / "enlace.csv"
    link.parent.mkdir(parents=True)
    link.symlink_to(outside)
    os.utime(link, (time.time() - 3 * DAY,) * 2, follow_symlinks=False)
    assert private_orphans_delete() == 0
    assert link.is_symlink() and outside.read_text() == "no se borra"


def test_without_the_folder_nothing_happens() -> None:
    assert not Path(settings.ABIERTA_PRIVATE_ROOT).exists()
    assert private_orphans_delete() == 0


def test_names_are_checked_in_batches() -> None:
    kept = []
    for n in range(3):
        run = import_enqueue(kind="test-lines", upload=SimpleUploadedFile(f"{n}.csv", b"a\n"), options={})
        kept.append(Path(run.upload.path))
        _age(kept[-1], 2 * DAY)
    orphans = [_private(f"imports/2026/0{n + 1}/{n}.csv", age_seconds=2 * DAY) for n in range(4)]
    with CaptureQueriesContext(connection) as queries:
        assert private_orphans_delete(batch_size=2) == 4
    # Seven files in batches of two: four batches, one query per private file field each.
    assert len(queries) == math.ceil(7 / 2) * len(private_file_fields())
    assert all(path.exists() for path in kept) and not any(path.exists() for path in orphans)


def test_the_age_is_measured_from_now() -> None:
    path = _private("imports/2026/11/ayer.csv", age_seconds=3600)
    tomorrow = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=1)
    assert private_orphans_delete(now=tomorrow) == 1 and not path.exists()


def test_every_private_file_field_is_covered() -> None:
    labels = {f"{model._meta.label}.{name}" for model, name in private_file_fields()}
    assert "core.ImportRun.upload" in labels
    # The originals of the photos waiting for the queue (every model of core.models.ProcessedImage).
    photos = {"works.WorkPhoto.original", "works.IrregularityPhoto.original", "participation.TablePhoto.original"}
    assert photos <= labels and "plans.ProgressUpdate.evidence_original" in labels


def test_the_task_runs_daily() -> None:
    schedule = SCHEDULES["private-orphans"]
    assert schedule.daily_at == datetime.time(4, 30) and schedule.task is private_orphans_task
    _private("imports/2026/01/perdido.csv", age_seconds=2 * DAY)
    assert private_orphans_task.call() == 1
