"""The queue's own parts: retries with backoff and a bound, schedules that run once whatever the
number of workers, a time limit, and tasks whose worker died (issue 14)."""

from __future__ import annotations

import datetime
import time
from typing import Any

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from abierta.core import queue
from abierta.core.models import ScheduledRun
from abierta.core.tests import sample_tasks
from abierta.core.tests.fake_smtp import run_worker
from abierta.core.tests.sample_tasks import CALLS, broken, flaky, slow

pytestmark = pytest.mark.django_db


@pytest.fixture
def db_queue(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    CALLS.clear()


def mine() -> Any:
    """The sample tasks (a worker pass also runs the schedules declared by the apps)."""
    return DBTaskResult.objects.filter(task_path__startswith=sample_tasks.__name__)


def _due_now() -> None:
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())


def test_a_transient_failure_is_retried_later_with_backoff(db_queue: None) -> None:
    flaky.enqueue("a", 2)
    run_worker()
    waiting = mine().get(status=TaskResultStatus.READY)
    assert waiting.args_kwargs["kwargs"]["_attempt"] == 2
    assert waiting.run_after > timezone.now()  # not at once: backoff
    run_worker()
    assert CALLS == ["a"]  # not due yet
    _due_now()
    run_worker()
    _due_now()
    run_worker()
    assert CALLS == ["a", "a", "a"]
    assert mine().filter(status=TaskResultStatus.SUCCESSFUL).count() == 3
    assert not mine().filter(status=TaskResultStatus.FAILED).exists()


def test_attempts_are_bounded_and_the_last_failure_stays_for_the_staff_page(db_queue: None) -> None:
    flaky.enqueue("b", 99)
    for _ in range(5):
        run_worker()
        _due_now()
    assert CALLS == ["b", "b", "b"]
    failed = mine().get(status=TaskResultStatus.FAILED)
    assert "ConnectionError" in failed.exception_class_path and "the remote is down" in failed.traceback


def test_a_programming_error_is_not_retried(db_queue: None) -> None:
    broken.enqueue()
    run_worker()
    _due_now()
    run_worker()
    assert CALLS == ["broken"]
    assert mine().get().status == TaskResultStatus.FAILED


def test_a_task_past_its_time_limit_is_stopped(db_queue: None) -> None:
    slow.enqueue()
    started = time.monotonic()
    run_worker()
    assert time.monotonic() - started < 2.5
    failed = mine().get()
    assert failed.status == TaskResultStatus.FAILED and "TaskTimeout" in failed.exception_class_path


def test_a_schedule_runs_once_per_period_whatever_the_number_of_workers(
    db_queue: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queue, "SCHEDULES", {})
    queue.periodic("test-every-hour", every=datetime.timedelta(hours=1))(flaky)
    now = timezone.now()
    assert queue.schedules_tick(now) == ["test-every-hour"]
    assert queue.schedules_tick(now) == []  # a second worker, at the same moment
    assert queue.schedules_tick(now + datetime.timedelta(minutes=59)) == []
    assert queue.schedules_tick(now + datetime.timedelta(minutes=61)) == ["test-every-hour"]
    assert DBTaskResult.objects.count() == 2
    # Two workers that read the row at the same time: only the one whose update matches enqueues.
    run = ScheduledRun.objects.get()
    ScheduledRun.objects.filter(name=run.name).update(next_run_at=run.next_run_at)
    assert (
        ScheduledRun.objects.filter(name=run.name, next_run_at=run.next_run_at).update(
            next_run_at=run.next_run_at + datetime.timedelta(hours=1)
        )
        == 1
    )
    assert (
        ScheduledRun.objects.filter(name=run.name, next_run_at=run.next_run_at).update(
            next_run_at=run.next_run_at + datetime.timedelta(hours=1)
        )
        == 0
    )


def test_a_daily_schedule_runs_at_its_local_time(db_queue: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(queue, "SCHEDULES", {})
    queue.periodic("test-daily", daily_at=datetime.time(6, 0))(flaky)
    bogota = timezone.get_current_timezone()
    evening = datetime.datetime(2026, 12, 3, 20, 0, tzinfo=bogota)
    assert queue.schedules_tick(evening) == []  # first sight: waits for 6:00
    assert ScheduledRun.objects.get().next_run_at == datetime.datetime(2026, 12, 4, 6, 0, tzinfo=bogota)
    assert queue.schedules_tick(datetime.datetime(2026, 12, 4, 6, 0, 30, tzinfo=bogota)) == ["test-daily"]
    assert ScheduledRun.objects.get().next_run_at == datetime.datetime(2026, 12, 5, 6, 0, tzinfo=bogota)


def test_a_task_whose_worker_died_is_marked_failed(db_queue: None, settings: Any) -> None:
    settings.ABIERTA_TASK_LOST_AFTER = 60
    result = flaky.enqueue("c", 0)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    assert queue.recover_lost() == 1
    lost = DBTaskResult.objects.get(pk=result.id)
    assert lost.status == TaskResultStatus.FAILED and "WorkerLost" in lost.exception_class_path


def test_under_the_tests_immediate_queue_a_retry_runs_at_once(settings: Any) -> None:
    CALLS.clear()
    flaky.enqueue("d", 1)
    assert CALLS == ["d", "d"]
