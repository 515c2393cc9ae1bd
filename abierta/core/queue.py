"""The task queue: Django's Tasks framework (``django-tasks`` with the ``django-tasks-db`` backend),
and the three things it leaves to the project (docs/decisions/0021-task-queue.md):

- **retries**: :func:`durable` wraps a task so that a transient failure (the mail server, the
  network) enqueues it again with exponential backoff, up to a bounded number of attempts; the last
  failure is left as a failed task, with its traceback, for the staff page;
- **schedules** declared in code: :func:`periodic` registers a task to run every so often or every
  day at a local time; :func:`schedules_tick`, called by the worker, enqueues what is due, once
  whatever the number of workers (a conditional update moves ``ScheduledRun.next_run_at``);
- **a time limit** per task (``SIGALRM`` in the worker's main thread).

With the database backend, a task enqueued inside a transaction is a row of that transaction: it
exists if and only if the fact that caused it was committed.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import logging
import random
import signal
import smtplib
import socket
import threading
import urllib.error
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone
from django_tasks import task, task_backends
from django_tasks.base import Task

logger = logging.getLogger(__name__)

# Failures worth another try later: the network, the mail server, a remote service that timed out.
# (smtplib's errors are OSErrors; a file that does not exist is not worth another try.)
TRANSIENT: tuple[type[BaseException], ...] = (
    ConnectionError,
    TimeoutError,
    socket.gaierror,
    smtplib.SMTPException,
    urllib.error.URLError,
)

R = TypeVar("R")


class TaskTimeout(Exception):
    """The task ran past its time limit."""


class Transient(Exception):
    """Raised by a task to ask for another attempt later (e.g. a remote answered 503)."""


@contextlib.contextmanager
def time_limit(seconds: int | None) -> Iterator[None]:
    """Interrupt the block after ``seconds`` with :class:`TaskTimeout` (only in the main thread)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def _expired(signum: int, frame: Any) -> None:
        raise TaskTimeout(f"ran past its limit of {seconds} s")

    previous = signal.signal(signal.SIGALRM, _expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def backoff_seconds(attempt: int, base: int) -> float:
    """The wait before attempt ``attempt + 1``: ``base``·2^(attempt-1), up to +25 % at random."""
    return float(base * 2 ** (attempt - 1)) * (1 + random.random() / 4)  # noqa: S311 (not a secret)


def _supports_defer(the_task: Task[Any, Any]) -> bool:
    return bool(task_backends[the_task.backend].supports_defer)


def durable(
    *,
    attempts: int = 5,
    backoff: int = 30,
    limit: int | None = 300,
    queue_name: str = "default",
    priority: int = 0,
    transient: tuple[type[BaseException], ...] = TRANSIENT,
) -> Callable[[Callable[..., R]], Task[..., R | dict[str, Any]]]:
    """Make ``func`` a task that retries transient failures with backoff, ``attempts`` times in all.

    The attempt number travels as the keyword ``_attempt``. A retried run ends "successful" with
    ``{"retried": n}``; the last failed attempt ends "failed" and is shown on the staff page.
    """

    def decorate(func: Callable[..., R]) -> Task[..., R | dict[str, Any]]:
        retried: tuple[type[BaseException], ...] = (*transient, Transient)

        @functools.wraps(func)
        def run(*args: Any, _attempt: int = 1, **kwargs: Any) -> R | dict[str, Any]:
            try:
                with time_limit(limit):
                    return func(*args, **kwargs)
            except retried as exc:
                if _attempt >= attempts:
                    raise
                wait = backoff_seconds(_attempt, backoff)
                again = the_task
                if _supports_defer(the_task):
                    again = the_task.using(run_after=timezone.now() + datetime.timedelta(seconds=wait))
                logger.warning("%s: attempt %d failed (%r); retrying in %.0f s", func.__name__, _attempt, exc, wait)
                again.enqueue(*args, _attempt=_attempt + 1, **kwargs)
                return {"retried": _attempt + 1, "error": repr(exc)[:500]}

        the_task: Task[..., R | dict[str, Any]] = task(priority=priority, queue_name=queue_name)(run)
        return the_task

    return decorate


def enqueue_on_commit(the_task: Task[..., Any], *args: Any, **kwargs: Any) -> None:
    """Enqueue once the current transaction commits (for work that must not see uncommitted rows)."""
    transaction.on_commit(lambda: the_task.enqueue(*args, **kwargs))


# --- Schedules ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Schedule:
    name: str
    task: Task[..., Any]
    every: datetime.timedelta | None = None
    daily_at: datetime.time | None = None  # local time (settings.TIME_ZONE)

    def next_after(self, moment: datetime.datetime) -> datetime.datetime:
        if self.every is not None:
            return moment + self.every
        if self.daily_at is None:
            raise ValueError("a schedule needs every= or daily_at=")
        local = timezone.localtime(moment)
        candidate = local.replace(hour=self.daily_at.hour, minute=self.daily_at.minute, second=0, microsecond=0)
        if candidate <= local:
            candidate += datetime.timedelta(days=1)
        return candidate


SCHEDULES: dict[str, Schedule] = {}


def periodic(
    name: str, *, every: datetime.timedelta | None = None, daily_at: datetime.time | None = None
) -> Callable[[Task[..., R]], Task[..., R]]:
    """Run the task every ``every``, or every day at ``daily_at`` (local time); declared beside it."""
    if (every is None) == (daily_at is None):
        raise ValueError("give either every= or daily_at=")

    def register(the_task: Task[..., R]) -> Task[..., R]:
        SCHEDULES[name] = Schedule(name=name, task=the_task, every=every, daily_at=daily_at)
        return the_task

    return register


def schedules_tick(now: datetime.datetime | None = None) -> list[str]:
    """Enqueue every schedule that is due; return their names. Safe with any number of workers."""
    from abierta.core.models import ScheduledRun

    moment = now or timezone.now()
    known = {run.name: run for run in ScheduledRun.objects.filter(name__in=list(SCHEDULES))}
    started = []
    for name, schedule in SCHEDULES.items():
        run = known.get(name)
        if run is None:
            # First sight: an interval schedule runs now, a daily one at its next time.
            first = moment if schedule.every is not None else schedule.next_after(moment)
            ScheduledRun.objects.get_or_create(name=name, defaults={"next_run_at": first})
            if first > moment:
                continue
            run = ScheduledRun.objects.get(name=name)
        if run.next_run_at > moment:
            continue
        with transaction.atomic():
            moved = ScheduledRun.objects.filter(name=name, next_run_at=run.next_run_at).update(
                next_run_at=schedule.next_after(moment), last_run_at=moment
            )
            if moved:  # this worker won the schedule: the task row commits with the move
                schedule.task.enqueue()
                started.append(name)
    return started


def recover_lost(now: datetime.datetime | None = None) -> int:
    """Mark failed the tasks left running by a worker that died (longer than ``ABIERTA_TASK_LOST_AFTER``
    seconds); they then show on the staff page, where they can be run again. Durable facts (the
    outbox, the import runs) do not depend on this: their own sweeps pick them up again."""
    from django.conf import settings
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    moment = now or timezone.now()
    limit = datetime.timedelta(seconds=int(settings.ABIERTA_TASK_LOST_AFTER))
    return DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=moment - limit).update(
        status=TaskResultStatus.FAILED,
        finished_at=moment,
        exception_class_path="abierta.core.queue.WorkerLost",
        traceback=f"The worker stopped before the task ended (running for more than {limit}).",
    )


class WorkerLost(Exception):
    """The worker running the task stopped before it ended."""
