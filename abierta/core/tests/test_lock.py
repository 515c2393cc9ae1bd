"""The Python lock files pin every dependency pyproject.toml names, at a version it allows
(security review S13: there was no lock file, and gunicorn>=23 brought in 27.0.1 unseen)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[3]
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;#]+)$")


def pins(lock: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in (ROOT / lock).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        match = PIN.match(line.strip())
        assert match, f"{lock}: not an exact pin: {line!r}"
        found[canonicalize_name(match[1])] = match[2]
    return found


def project() -> dict[str, list[str]]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {"": data["dependencies"], "dev": data["optional-dependencies"]["dev"]}


@pytest.mark.parametrize(
    ("lock", "groups"), [("requirements.lock", [""]), ("requirements-dev.lock", ["", "dev"])], ids=["runtime", "dev"]
)
def test_the_lock_pins_what_pyproject_asks_for(lock: str, groups: list[str]) -> None:
    """A dependency added to pyproject.toml without `make lock` would be left out of the install."""
    pinned = pins(lock)
    for group in groups:
        for text in project()[group]:
            requirement = Requirement(text)
            name = canonicalize_name(requirement.name)
            assert name in pinned, f"{lock} has no pin for {requirement.name}: run make lock"
            assert requirement.specifier.contains(pinned[name], prereleases=True), (lock, text, pinned[name])
    assert "abierta" not in pinned  # installed with --no-deps -e . after the lock


def test_the_runtime_lock_holds_no_development_tool() -> None:
    runtime = pins("requirements.lock")
    for tool in ("pytest", "mypy", "ruff", "playwright", "hypothesis", "schemathesis"):
        assert tool not in runtime
    assert set(runtime) <= set(pins("requirements-dev.lock"))
