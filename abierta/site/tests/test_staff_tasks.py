"""The queue's staff page: what failed for good, for platform administrators only, with a button to
try again; nothing of a message's recipients or content is shown; a failed web import runs again
only while its file is kept, else the page links to where the file is uploaded (issue 14)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import send_mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from abierta.contracting.importers import SecopContractsImporter
from abierta.contracting.models import Contract
from abierta.contracting.tasks import contracts_file_import
from abierta.contracting.tests.factories import CSV
from abierta.core.importing import failed_import, imports_lost
from abierta.core.models import ImportRun, OutboxMessage
from abierta.core.queue import recover_lost
from abierta.core.tests.fake_smtp import FakeSMTP, run_worker
from abierta.core.tests.sample_tasks import CALLS, flaky
from abierta.development.models import DevelopmentPlan
from abierta.development.tasks import plan_file_import
from abierta.procurement.tasks import paa_file_import
from factories import PERSONAS, World

pytestmark = pytest.mark.django_db

PAGE = reverse("site:staff_tasks")


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_platform_administrators_see_the_page(persona: str, persona_client: Callable[[str], Client]) -> None:
    client = persona_client(persona)
    response = client.get(PAGE)
    if persona == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    elif persona == "admin":
        assert response.status_code == 200
    else:
        assert response.status_code == 403
    # Nor can anyone else press the buttons.
    if persona != "admin":
        assert client.post(reverse("site:staff_mail_resend", args=[1])).status_code in (302, 403)


def _failed_task(settings: Any) -> DBTaskResult[Any, Any]:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    CALLS.clear()
    flaky.using(priority=0).enqueue("x", 99, _attempt=3)  # its last attempt
    run_worker()
    return DBTaskResult.objects.get(task_path__endswith="flaky", status=TaskResultStatus.FAILED)


def test_a_failed_task_is_listed_and_runs_again(persona_client: Callable[[str], Client], settings: Any) -> None:
    failed = _failed_task(settings)
    admin = persona_client("admin")
    page = admin.get(PAGE).content.decode()
    assert "flaky" in page and "the remote is down" in page
    home = admin.get(reverse("site:staff_home")).content.decode()
    assert "(1 falló)" in home
    response = admin.post(reverse("site:staff_task_retry", args=[failed.id]))
    assert response.status_code == 302
    again = DBTaskResult.objects.get(task_path__endswith="flaky", status=TaskResultStatus.READY)
    assert again.args_kwargs["args"] == ["x", 99] and "_attempt" not in again.args_kwargs["kwargs"]
    assert not DBTaskResult.objects.filter(pk=failed.id).exists()
    assert "No task has failed." not in admin.get(PAGE).content.decode()  # Spanish page
    assert "Ninguna tarea ha fallado." in admin.get(PAGE).content.decode()


def test_a_failed_email_shows_neither_recipient_nor_content_and_can_be_sent_again(
    persona_client: Callable[[str], Client], queued: FakeSMTP, settings: Any
) -> None:
    settings.ABIERTA_OUTBOX_ATTEMPTS = 1
    queued.stop()
    send_mail("Su código de votación", "Código: 493817", None, ["votante@example.org"])
    run_worker()
    row = OutboxMessage.objects.get(state="failed")
    admin = persona_client("admin")
    page = admin.get(PAGE).content.decode()
    assert "Connection" in page
    assert "votante@example.org" not in page and "493817" not in page and "Su código" not in page
    queued.start()
    assert admin.post(reverse("site:staff_mail_resend", args=[row.pk])).status_code == 302
    run_worker()
    assert OutboxMessage.objects.get().state == "sent" and len(queued.received) == 1
    assert admin.post(reverse("site:staff_mail_resend", args=[row.pk])).status_code == 404  # once


# --- Web imports: run again only while the file is kept ----------------------------------------


def _upload_contracts(client: Client) -> ImportRun:
    data = {"kind": SecopContractsImporter.kind, "file": SimpleUploadedFile("contratos.csv", CSV.read_bytes())}
    assert client.post(reverse("contracting:contracts_import"), data).status_code == 302
    return ImportRun.objects.get()


def _import_task(status: TaskResultStatus) -> DBTaskResult[Any, Any]:
    return DBTaskResult.objects.get(task_path__endswith="contracts_file_import", status=status)


def test_a_lost_import_is_not_run_again_and_the_page_asks_for_the_file(
    persona_client: Callable[[str], Client], queued: FakeSMTP
) -> None:
    """The worker died while importing: the task and the run are marked lost, which deletes the file.
    Running the task again could do nothing, so the page offers the upload page instead."""
    admin = persona_client("admin")
    run = _upload_contracts(admin)
    stored = Path(run.upload.path)
    long_ago = timezone.now() - datetime.timedelta(hours=2)
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING, started_at=long_ago)
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING, started_at=long_ago)
    assert recover_lost() == 1 and imports_lost() == 1
    failed = _import_task(TaskResultStatus.FAILED)
    assert not stored.exists()

    page = admin.get(PAGE).content.decode()
    assert "contracts_file_import" in page
    assert "El archivo contratos.csv ya no se conserva" in page
    assert f'href="{reverse("contracting:contracts_import")}"' in page
    assert reverse("site:staff_task_retry", args=[failed.id]) not in page  # no useless button

    # Pressed anyway (an old page): nothing is queued and the task stays listed.
    response = admin.post(reverse("site:staff_task_retry", args=[failed.id]), follow=True)
    assert "ya no se conserva" in response.content.decode()
    assert DBTaskResult.objects.get(pk=failed.id).status == TaskResultStatus.FAILED
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED and "suba el archivo de nuevo" in run.message


def test_a_failed_import_whose_file_is_kept_runs_again_and_resumes(
    persona_client: Callable[[str], Client], queued: FakeSMTP, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The task failed after its batches were committed (here, while recomputing the red flags): the
    file is still kept, so running it again puts the run back in the queue, and it goes on from its
    last committed line instead of doing nothing."""

    def fails(self: SecopContractsImporter, run: ImportRun) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(SecopContractsImporter, "finish", fails)
    admin = persona_client("admin")
    run = _upload_contracts(admin)
    run_worker()
    failed = _import_task(TaskResultStatus.FAILED)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED and run.upload and run.committed_line == 11
    assert "puede ejecutarla de nuevo" in run.message
    assert Contract.objects.count() == 8

    page = admin.get(PAGE).content.decode()
    assert "El archivo contratos.csv todavía se conserva" in page
    assert reverse("site:staff_task_retry", args=[failed.id]) in page

    monkeypatch.undo()
    assert admin.post(reverse("site:staff_task_retry", args=[failed.id])).status_code == 302
    run.refresh_from_db()
    assert run.status == ImportRun.Status.QUEUED
    assert _import_task(TaskResultStatus.READY).args_kwargs["kwargs"] == {"run_id": run.pk}
    run_worker()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FINISHED and not run.upload
    # The batches of the first attempt are not read twice.
    assert (run.read, run.created, run.updated, run.unchanged, run.rejected) == (10, 8, 0, 0, 2)
    assert run.rejections.count() == 2 and Contract.objects.count() == 8
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).exists()


def test_each_web_import_names_the_page_that_takes_its_file(world: World) -> None:
    plan = DevelopmentPlan.objects.create(
        slug="pdd", title="Plan de Desarrollo", jurisdiction="Cartagena", period_start=2024, period_end=2027
    )
    cases: list[tuple[Any, dict[str, Any], str]] = [
        (contracts_file_import, {"run_id": 1}, reverse("contracting:contracts_import")),
        (
            paa_file_import,
            {"run_id": 1, "entity_name": "X", "entity_nit": "", "year": 2024},
            reverse("procurement:paa_upload"),
        ),
        (
            plan_file_import,
            {"run_id": 1, "plan_id": plan.pk, "kind": "plan"},
            reverse("development:plan_import", args=["pdd"]),
        ),
        (plan_file_import, {"run_id": 1, "plan_id": plan.pk + 1, "kind": "plan"}, ""),
    ]
    for task, kwargs, url in cases:
        found = failed_import(task.module_path, kwargs)
        assert found is not None and found.upload_url == url and found.run is None and not found.file_kept
    assert failed_import(flaky.module_path, {}) is None  # not an import: retried as before
    assert failed_import("abierta.contracting.tasks.gone", {}) is None  # no longer in the code
