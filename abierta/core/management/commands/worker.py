"""``abierta worker``: run queued tasks and the schedules declared in code.

One process runs the tasks of the queue one after another (django-tasks-db's worker, in batches)
and, between batches, enqueues the schedules that are due (``abierta.core.queue.schedules_tick``)
and gives back tasks whose worker died. Run as many as you like, on as many machines as share the
database: the database hands each task to one of them (``SELECT … FOR UPDATE SKIP LOCKED`` on
PostgreSQL; one writer at a time on SQLite). Ctrl+C or SIGTERM lets the running task finish.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.module_loading import autodiscover_modules
from django_tasks_db.management.commands.db_worker import Worker

from abierta.core.queue import recover_lost, schedules_tick


class Command(BaseCommand):
    help = "Run queued tasks and the schedules declared in code (stop with Ctrl+C)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="seconds to wait when nothing is due")
        parser.add_argument("--batch", type=int, default=20, help="tasks run between two looks at the schedules")
        parser.add_argument("--once", action="store_true", help="run what is due now, then stop (tests, cron)")
        parser.add_argument("--no-schedules", action="store_true", help="run tasks only; another worker schedules")

    def handle(self, *args: Any, **options: Any) -> None:
        autodiscover_modules("tasks")  # every app's schedules are declared in its tasks.py
        if options["verbosity"] < 2:  # the library says "starting" and "exiting" at every batch
            logging.getLogger("django_tasks_db").setLevel(logging.WARNING)
        stop = {"now": False}
        current: dict[str, Worker | None] = {"worker": None}

        def shutdown(signum: int, frame: Any) -> None:
            stop["now"] = True
            worker = current["worker"]
            if worker is not None and worker.running_task:
                worker.running = False  # finish the running task, then stop
                return
            raise SystemExit(0)

        if not options["once"]:
            signal.signal(signal.SIGINT, shutdown)
            signal.signal(signal.SIGTERM, shutdown)
        worker_id = f"{socket.gethostname()}-{os.getpid()}"[:64]
        self.stdout.write(
            f"Abierta worker {worker_id}: running tasks" + ("" if options["no_schedules"] else " and schedules")
        )
        while not stop["now"]:
            if not options["no_schedules"]:
                for name in schedules_tick():
                    self.stdout.write(f"schedule {name}: enqueued")
            recover_lost()
            worker = Worker(
                queue_names=["*"],
                interval=0,
                batch=True,
                backend_name="default",
                startup_delay=False,
                max_tasks=options["batch"],
                worker_id=worker_id,
                excluded_queue_names=[],
            )
            current["worker"] = worker
            worker.run()
            current["worker"] = None
            ran = worker._run_tasks
            if options["once"]:
                if ran < options["batch"]:
                    return
                continue
            if ran == 0 and not stop["now"]:
                time.sleep(options["interval"])
