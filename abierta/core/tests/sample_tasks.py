"""Tasks for the queue's tests (module-level, as the queue requires), shared by core's and site's tests."""

from __future__ import annotations

import time

from abierta.core import queue

CALLS: list[str] = []


@queue.durable(attempts=3, backoff=1)
def flaky(name: str, fail_times: int) -> str:
    CALLS.append(name)
    if CALLS.count(name) <= fail_times:
        raise ConnectionError("the remote is down")
    return f"done {name}"


@queue.durable(attempts=3, backoff=1)
def broken() -> None:
    CALLS.append("broken")
    raise ValueError("a bug, not worth another try")


@queue.durable(attempts=1, limit=1)
def slow() -> None:
    time.sleep(3)
