"""The queue's staff page in a browser: a platform administrator finds what failed from the staff
home, on a phone too, and sends a failed email again; a web import whose file is gone offers the
upload page, not a useless retry (issue 14)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_admin_finds_failed_work_and_sends_an_email_again(
    live_server: Any, transactional_db: None, new_context: Callable[..., Any], axe: Callable[[Any], None]
) -> None:
    from django.utils import timezone
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from abierta.accounts.models import User
    from abierta.core.models import ImportRun, OutboxMessage
    from factories import PASSWORD, make_user

    admin = make_user("admin@example.org", User.Role.ADMIN)
    device = TOTPDevice.objects.create(user=admin, name="Teléfono", confirmed=True)
    DBTaskResult.objects.create(
        task_path="abierta.contracting.tasks.contracts_flags_task",
        args_kwargs={"args": [], "kwargs": {"_attempt": 2}},
        backend_name="default",
        queue_name="default",
        run_after=timezone.now(),
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        exception_class_path="builtins.ConnectionError",
        traceback="Traceback (most recent call last):\nConnectionError: la base de datos no respondió",
    )
    lost = ImportRun.objects.create(
        kind="secop2_contratos",
        file_name="contratos-2024.csv",
        status=ImportRun.Status.FAILED,
        message="La importación se detuvo antes de terminar: suba el archivo de nuevo.",
    )
    DBTaskResult.objects.create(
        task_path="abierta.contracting.tasks.contracts_file_import",
        args_kwargs={"args": [], "kwargs": {"run_id": lost.pk}},
        backend_name="default",
        queue_name="default",
        run_after=timezone.now(),
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        exception_class_path="abierta.core.queue.WorkerLost",
        traceback="The worker stopped before the task ended (running for more than 1:00:00).",
    )
    mail = OutboxMessage.objects.create(
        key="work-update:1:1",
        sender="",
        recipients=[],
        message=b"",
        state=OutboxMessage.State.FAILED,
        attempts=10,
        last_error="ConnectionRefusedError: [Errno 111] Connection refused",
    )
    base = live_server.url
    page = new_context(viewport={"width": 360, "height": 780}).new_page()
    page.goto(f"{base}/cuenta/ingresar/?next=/gestion/")
    page.fill("#id_username", admin.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(base + "/cuenta/ingresar/codigo/")
    page.fill("#id_token", str(totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)).zfill(6))
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(base + "/gestion/")
    link = page.get_by_role("link", name="Tareas en segundo plano y correos")
    assert "(3 fallaron)" in page.locator("main").inner_text()
    link.click()
    page.wait_for_url(base + "/gestion/tareas/")
    main = page.locator("main").inner_text()
    assert "contracts_flags_task" in main and "la base de datos no respondió" in main
    assert "Connection refused" in main and "work-update" in main
    # The lost import: its file is gone, so the row links to the upload page instead of a retry.
    assert "El archivo contratos-2024.csv ya no se conserva" in main
    assert page.locator('main a[href="/gestion/contratos/importar/"]').count() == 1
    assert page.locator("main form[action*='/reintentar/']").count() == 1  # the flags task only
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 361)
            .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).slice(0, 12)"""
    )
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360, wide
    axe(page)
    page.get_by_role("button", name=f"Enviar de nuevo {mail.pk}").click()
    page.wait_for_url(base + "/gestion/tareas/")
    assert "El correo volvió a la cola." in page.locator("main").inner_text()
    mail.refresh_from_db()
    assert mail.state != OutboxMessage.State.FAILED
    axe(page)
