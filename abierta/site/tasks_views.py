"""The queue's staff page (platform administrators): what failed for good, and a button to try again.

Failed tasks are the queue's rows left "failed" after their last attempt (or whose worker died);
failed emails are outbox rows whose delivery attempts ran out. Neither shows a message's recipients
or content: the outbox holds voting codes and complaint receipts.

A failed web import (a task declared with ``core.importing.web_import_task``) runs again only while
its file is kept: its run is put back in the queue first. Once the file is gone (the run was marked
lost, which deletes it) the page says so and links to the page that takes the file.
"""

from __future__ import annotations

import logging
import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from abierta.accounts.decorators import staff_required
from abierta.accounts.roles import is_admin
from abierta.core import outbox
from abierta.core.importing import failed_import, import_requeue
from abierta.core.models import OutboxMessage
from abierta.core.paging import page_of

logger = logging.getLogger(__name__)
PER_PAGE = 30


def _admin(request: HttpRequest) -> None:
    if not is_admin(request.user):
        raise PermissionDenied


def _last_line(traceback: str) -> str:
    lines = [line for line in traceback.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


@staff_required
def tasks(request: HttpRequest) -> HttpResponse:
    _admin(request)
    failed = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).order_by("-finished_at", "id")
    task_page = page_of(request, failed, PER_PAGE)
    mails = OutboxMessage.objects.filter(state=OutboxMessage.State.FAILED).order_by("-created_at", "pk")
    mail_page = page_of(
        request, mails.only("pk", "key", "created_at", "attempts", "last_error"), PER_PAGE, param="correo"
    )
    rows = [
        {
            "id": result.id,
            "name": result.task_path.rsplit(".", 1)[-1],
            "path": result.task_path,
            "finished_at": result.finished_at,
            "error": _last_line(result.traceback) or result.exception_class_path,
            "web_import": failed_import(result.task_path, dict(result.args_kwargs.get("kwargs", {}))),
        }
        for result in task_page
    ]
    context = {
        "task_page": task_page,
        "rows": rows,
        "mail_page": mail_page,
        "waiting_tasks": DBTaskResult.objects.filter(status=TaskResultStatus.READY).count(),
        "running_tasks": DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count(),
        "waiting_mails": OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING).count(),
    }
    return render(request, "site/staff_tasks.html", context)


@require_POST
@staff_required
def task_retry(request: HttpRequest, task_id: uuid.UUID) -> HttpResponseRedirect:
    _admin(request)
    result = DBTaskResult.objects.filter(pk=task_id, status=TaskResultStatus.FAILED).first()
    if result is None:
        raise Http404
    try:
        task = result.task
    except (ImportError, AttributeError):
        messages.error(request, _("This task no longer exists in the platform's code: it cannot be run again."))
        return redirect("site:staff_tasks")
    kwargs = dict(result.args_kwargs.get("kwargs", {}))
    kwargs.pop("_attempt", None)  # a new series of attempts
    web_import = failed_import(result.task_path, kwargs)
    with transaction.atomic():
        if web_import is not None and not (web_import.run and import_requeue(web_import.run.pk)):
            messages.error(
                request,
                _("The file of this import is no longer kept, so it cannot be imported again: upload it again."),
            )
            return redirect("site:staff_tasks")
        task.enqueue(*result.args_kwargs.get("args", []), **kwargs)
        result.delete()
    logger.info("task %s (%s) enqueued again by user %s", task_id, result.task_path, request.user.pk)
    messages.success(request, _("The task was queued again."))
    return redirect("site:staff_tasks")


@require_POST
@staff_required
def mail_resend(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    _admin(request)
    if not outbox.resend(pk):
        raise Http404
    logger.info("outbox message %s queued again by user %s", pk, request.user.pk)
    messages.success(request, _("The email was queued again."))
    return redirect("site:staff_tasks")
