"""The gunicorn access log of ``make run`` and docs/deploy.md drops the complaint pages (review C1f)."""

from __future__ import annotations

import datetime
import logging
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config  # type: ignore[import-untyped]

from abierta.core.gunicorn_logging import QuietPathsLogger

ROOT = Path(__file__).resolve().parents[3]


def _logger(tmp_path: Path) -> tuple[QuietPathsLogger, Path]:
    config = Config()
    log = tmp_path / "access.log"
    config.set("accesslog", str(log))
    return QuietPathsLogger(config), log


def _request(logger: QuietPathsLogger, path: str) -> None:
    environ = {"PATH_INFO": path, "REQUEST_METHOD": "POST", "SERVER_PROTOCOL": "HTTP/1.1", "RAW_URI": path}
    req = SimpleNamespace(path=path, query="", method="POST", version=(1, 1), headers=[], uri=path)
    resp = SimpleNamespace(status="200 OK", sent=2607, headers=[], response_length=2607)
    logger.access(resp, req, environ, datetime.timedelta(seconds=0.1))


@pytest.mark.parametrize("path", ["/denuncias/nueva/", "/en/denuncias/seguimiento/", "/%64enuncias/nueva/"])
def test_a_complaint_request_writes_no_access_line(tmp_path: Path, path: str) -> None:
    logger, log = _logger(tmp_path)
    _request(logger, path)
    _request(logger, "/obras/")
    for handler in logger.access_log.handlers:
        handler.flush()
    lines = log.read_text().splitlines()
    assert len(lines) == 1 and '"POST /obras/' in lines[0]
    assert "denuncias" not in log.read_text()
    logging.getLogger("gunicorn.access").handlers.clear()


def test_make_run_and_the_deploy_recipe_use_the_logger() -> None:
    for name in ("Makefile", "docs/deploy.md"):
        text = (ROOT / name).read_text()
        assert "--logger-class abierta.core.gunicorn_logging.QuietPathsLogger" in text, name


def test_make_run_and_the_deploy_recipe_open_no_control_socket() -> None:
    """S13: gunicorn 25.1+ opens a control socket (``~/.gunicorn/gunicorn.ctl``) unless told not to."""
    for name in ("Makefile", "docs/deploy.md"):
        for line in (ROOT / name).read_text().splitlines():
            if "gunicorn abierta.wsgi" in line:
                assert "--no-control-socket" in line, (name, line)
