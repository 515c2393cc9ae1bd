"""The queue's staff page: what failed for good, for platform administrators only, with a button to
try again; nothing of a message's recipients or content is shown (issue 14)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.mail import send_mail
from django.test import Client
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from abierta.core.models import OutboxMessage
from abierta.core.tests.fake_smtp import FakeSMTP, run_worker
from abierta.core.tests.sample_tasks import CALLS, flaky
from factories import PERSONAS

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
