"""The voter roll uploaded on the staff page is imported by the queue, not in the request: the file
waits in private storage, the run's page shows the progress, then the line-numbered report; the
import stays all or nothing; the task carries ids only; and the file, which holds document
numbers, is gone once the import ends, imported or not."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from abierta.core.models import ImportRun
from abierta.core.tests.fake_smtp import FakeSMTP, run_worker
from abierta.participation.consultation.importers import KIND, RollImporter
from abierta.participation.models import Consultation, RollEntry
from abierta.participation.tests.factories import make_consultation
from factories import PERSONAS, World

pytestmark = pytest.mark.django_db

ClientFor = Callable[[str], Client]
GOOD = b"documento;fecha_expedicion\n98.765.432;24/05/2009\n0012345678;2001-02-03\nAB12345;03-04-2015\n"
BAD_ROW = b"documento,fecha_expedicion\n11111111,2001-01-01\n22222222,no\n"
BAD_HEADER = b"nombre,telefono\nAna,300\n"
MANAGERS = {"transparency", "admin"}


@pytest.fixture
def consultation(world: World) -> Consultation:
    return make_consultation(world.plan, state="before")


def _page(c: Consultation) -> str:
    return reverse("participation:consultation_identity", kwargs={"slug": c.process.plan.slug})


def _run_page(c: Consultation, run: ImportRun) -> str:
    return reverse("participation:consultation_identity_run", kwargs={"slug": c.process.plan.slug, "run_id": run.pk})


def _upload(client: Client, c: Consultation, data: bytes, name: str = "padron.csv") -> Any:
    return client.post(_page(c), {"action": "roll", "file": SimpleUploadedFile(name, data, content_type="text/csv")})


def _private_files() -> list[Path]:
    root = Path(settings.ABIERTA_PRIVATE_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_the_roll_waits_for_the_queue_then_the_report_shows_and_the_file_is_gone(
    consultation: Consultation, persona_client: ClientFor, queued: FakeSMTP
) -> None:
    staff = persona_client("transparency")
    response = _upload(staff, consultation, GOOD)
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert response["Location"] == _run_page(consultation, run)
    assert run.status == ImportRun.Status.QUEUED and run.kind == KIND and run.file_name == "padron.csv"
    stored = Path(run.upload.path)
    assert Path(settings.ABIERTA_PRIVATE_ROOT) in stored.parents and stored.read_bytes() == GOOD
    assert not RollEntry.objects.exists()
    # The task carries ids, never a document number or a date.
    task = DBTaskResult.objects.get(task_path__endswith="roll_file_import")
    arguments = json.dumps(task.args_kwargs)
    assert "98765432" not in arguments and "98.765.432" not in arguments and "2009" not in arguments
    waiting = staff.get(response["Location"]).content.decode()
    assert "El archivo está en espera de ser importado" in waiting and "data-import-wait" in waiting
    # The identity page itself shows the latest upload too.
    assert "El archivo está en espera de ser importado" in staff.get(_page(consultation)).content.decode()

    run_worker()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FINISHED and run.created == 3 and not run.rejected
    assert RollEntry.objects.filter(consultation=consultation).count() == 3
    assert not run.upload and not stored.exists() and not _private_files()
    report = staff.get(response["Location"]).content.decode()
    assert "padron.csv: 3 personas en el padrón." in report and "data-import-wait" not in report
    # The keyed fingerprints never leave the server.
    for entry in RollEntry.objects.values_list("entry_hash", flat=True):
        assert entry not in report


def test_a_roll_with_a_bad_row_writes_nothing_and_its_file_is_gone(
    consultation: Consultation, persona_client: ClientFor, queued: FakeSMTP
) -> None:
    staff = persona_client("transparency")
    _upload(staff, consultation, GOOD)
    run_worker()
    assert RollEntry.objects.count() == 3
    response = _upload(staff, consultation, BAD_ROW)
    run = ImportRun.objects.order_by("-pk").first()
    assert run is not None and run.status == ImportRun.Status.QUEUED
    stored = Path(run.upload.path)
    assert stored.exists()
    run_worker()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FINISHED and run.rejected == 1 and run.created == 0
    assert not run.upload and not stored.exists() and not _private_files()
    # All or nothing: the earlier roll is untouched.
    assert RollEntry.objects.count() == 3
    body = staff.get(response["Location"]).content.decode()
    assert "Línea 3" in body and "no es una fecha" in body and "no se guardó nada" in body
    assert "22222222" not in body  # a reason never repeats the number


def test_a_file_of_the_wrong_format_fails_with_its_message_and_its_file_is_gone(
    consultation: Consultation, persona_client: ClientFor, queued: FakeSMTP
) -> None:
    staff = persona_client("admin")
    response = _upload(staff, consultation, BAD_HEADER)
    run = ImportRun.objects.get()
    stored = Path(run.upload.path)
    run_worker()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED and "«documento»" in run.message
    assert not run.upload and not stored.exists() and not _private_files()
    body = staff.get(response["Location"]).content.decode()
    assert "El archivo no se importó: no se guardó nada" in body and "«documento»" in body
    assert not RollEntry.objects.exists()


def test_an_unexpected_error_fails_the_run_and_the_file_is_gone(
    consultation: Consultation, persona_client: ClientFor, queued: FakeSMTP, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: RollImporter, items: list[tuple[int, str]]) -> Any:
        raise RuntimeError("disco lleno")

    monkeypatch.setattr(RollImporter, "apply", broken)
    staff = persona_client("transparency")
    response = _upload(staff, consultation, GOOD)
    run = ImportRun.objects.get()
    stored = Path(run.upload.path)
    run_worker()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED and "error inesperado" in run.message
    assert not run.upload and not stored.exists() and not _private_files()
    assert not RollEntry.objects.exists()
    task = DBTaskResult.objects.get(task_path__endswith="roll_file_import")
    assert task.status == TaskResultStatus.FAILED  # with its traceback, for the staff page of the queue
    assert "error inesperado" in staff.get(response["Location"]).content.decode()


def test_the_run_page_shows_the_rows_read_while_it_runs(consultation: Consultation, persona_client: ClientFor) -> None:
    run = ImportRun.objects.create(
        kind=KIND,
        file_name="grande.csv",
        options={"consultation": consultation.pk},
        status=ImportRun.Status.RUNNING,
        read=1500,
    )
    body = persona_client("transparency").get(_run_page(consultation, run)).content.decode()
    assert "El archivo se está importando" in body and "1500 filas leídas hasta ahora" in body
    assert "js/import-wait.js" in body


def test_a_run_of_another_consultation_or_kind_is_not_found(
    consultation: Consultation, persona_client: ClientFor
) -> None:
    theirs = ImportRun.objects.create(kind=KIND, file_name="p.csv", options={"consultation": consultation.pk + 1})
    paa = ImportRun.objects.create(kind="paa", file_name="p.xlsx", options={"consultation": consultation.pk})
    staff = persona_client("admin")
    assert staff.get(_run_page(consultation, theirs)).status_code == 404
    assert staff.get(_run_page(consultation, paa)).status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_see_a_run_page(persona: str, consultation: Consultation, persona_client: ClientFor) -> None:
    run = ImportRun.objects.create(
        kind=KIND,
        file_name="padron.csv",
        options={"consultation": consultation.pk},
        status=ImportRun.Status.FINISHED,
        created=2,
    )
    response = persona_client(persona).get(_run_page(consultation, run))
    if persona == "anonymous":
        assert response.status_code == 302 and "/cuenta/" in response["Location"]
    elif persona in MANAGERS:
        assert response.status_code == 200 and "padron.csv: 2 personas en el padrón." in response.content.decode()
    else:
        assert response.status_code == 403
