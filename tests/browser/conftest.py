"""Fixtures for the browser tests: Debian's Chromium driven by Playwright, and axe-core.

Run with ``pytest -m browser`` (``make browser``). Never downloads a browser: it uses
/usr/bin/chromium, and axe-core from node_modules (``npm ci``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium (or make system-deps)")
    if not AXE_JS.exists():
        pytest.fail(f"axe-core not found at {AXE_JS}: run `npm ci --no-audit --no-fund` (or make node)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in the main thread; Django would refuse
    # ORM calls made from the test body (creating users, reading devices) without this. Set here,
    # not at import, so that unit tests collected alongside keep Django's async-safety check.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_context(browser: Any) -> Iterator[Callable[..., Any]]:
    """``new_context()`` opens a fresh, cookie-less browser context (a new visitor).

    ``bypass_csp`` lets the test inject axe-core despite the site's strict
    Content-Security-Policy; the site itself is unchanged.
    """
    contexts: list[Any] = []

    def make(**kwargs: Any) -> Any:
        kwargs.setdefault("bypass_csp", True)
        kwargs.setdefault("locale", "es-CO")
        context = browser.new_context(**kwargs)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def format_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"{len(violations)} axe-core (WCAG 2.1 AA) violation(s) on {url}:"]
    for v in violations:
        lines.append(f"- {v['id']} [{v.get('impact')}]: {v['help']} ({v.get('helpUrl', '')})")
        for node in v.get("nodes", []):
            target = " ".join(str(t) for t in node.get("target", []))
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    at {target}: {summary}")
            lines.append(f"       html: {node.get('html', '')[:200]}")
    return "\n".join(lines)


def check_axe(page: Any) -> None:
    """Run axe-core on the page as it is now and fail with an actionable list of violations."""
    # Contrast is only checked for real if the site's stylesheet was served and applied.
    unstyled = page.evaluate(
        """() => [...document.querySelectorAll('link[rel=stylesheet]')]
            .filter(l => !l.sheet || l.sheet.cssRules.length === 0).map(l => l.href)"""
    )
    assert not unstyled, f"stylesheet not loaded on {page.url}: {unstyled}"
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    violations = result["violations"]
    assert not violations, format_violations(page.url, violations)


@pytest.fixture
def axe() -> Callable[[Any], None]:
    return check_axe
