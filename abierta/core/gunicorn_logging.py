"""A gunicorn logger that writes no access line for the paths that must leave no trace.

``gunicorn … --logger-class abierta.core.gunicorn_logging.QuietPathsLogger`` (as ``make run`` and
docs/deploy.md do): a request whose path starts with one of ``QUIET_PREFIXES`` (the complaint
channel, in either language) is not written to the access log at all, neither its time nor its size
(which told a receipt from a refusal). Every other request is logged as gunicorn would.

This module reads no Django setting: gunicorn loads it before the application.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from gunicorn.glogging import Logger  # type: ignore[import-untyped]

QUIET_PREFIXES = ("/denuncias/", "/en/denuncias/")


def is_quiet(path: str) -> bool:
    # Decode what a client could percent-encode (``/%64enuncias/`` reaches the same view).
    normal = "/" + unquote(path).lstrip("/")
    return normal.startswith(QUIET_PREFIXES) or normal.rstrip("/") in {p.rstrip("/") for p in QUIET_PREFIXES}


class QuietPathsLogger(Logger):  # type: ignore[misc]
    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if is_quiet(str(environ.get("PATH_INFO") or getattr(req, "path", "") or "")):
            return
        super().access(resp, req, environ, request_time)
