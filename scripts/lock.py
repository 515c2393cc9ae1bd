#!/usr/bin/env python3
"""Write the Python lock files from the packages installed in this environment (``make lock``).

    .venv/bin/python scripts/lock.py [--check]

``requirements.lock`` pins what the site runs on: the dependencies of ``abierta`` (pyproject.toml)
and theirs, each at the version installed here. ``requirements-dev.lock`` pins that and the ``dev``
extra (tests, linters, type checker). Only what pyproject.toml asks for, directly or through a
dependency, is written: a package installed here by hand is left out. Markers are evaluated for this
interpreter and platform (CI and the servers: CPython on Linux).

To upgrade: ``pip install -U -e '.[dev]'`` (or one package), run the tests, then ``make lock`` and
commit the two files. ``--check`` exits 1, writing nothing, when the files differ from what would
be written (the environment is not the one the locks describe).
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "abierta"
LOCKS = {"requirements.lock": (), "requirements-dev.lock": ("dev",)}


def project_requirements(extras: tuple[str, ...]) -> list[Requirement]:
    """What pyproject.toml asks for: its dependencies, and those of ``extras``."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    texts = list(project["dependencies"])
    for extra in extras:
        texts += project["optional-dependencies"][extra]
    return [Requirement(text) for text in texts]


def _wanted(requirement: Requirement, extras: tuple[str, ...]) -> bool:
    """Whether ``requirement`` applies here, for the distribution installed with ``extras``."""
    if requirement.marker is None:
        return True
    environment = dict(default_environment())
    return any(requirement.marker.evaluate({**environment, "extra": extra}) for extra in ("", *extras))


def closure(extras: tuple[str, ...]) -> dict[str, str]:
    """{canonical name: ``Name==version``} of everything the project with ``extras`` needs."""
    pins: dict[str, str] = {}
    # Markers are evaluated when a requirement is met, with the extras it was asked with.
    pending = [(r, "pyproject.toml") for r in project_requirements(extras) if _wanted(r, ())]
    seen: set[tuple[str, tuple[str, ...]]] = set()
    while pending:
        requirement, wanted_by = pending.pop()
        installed = metadata.distribution(requirement.name)
        version = installed.version
        if not requirement.specifier.contains(version, prereleases=True):
            raise SystemExit(f"{installed.metadata['Name']} {version} does not satisfy {wanted_by}: {requirement}")
        pins[canonicalize_name(requirement.name)] = f"{installed.metadata['Name']}=={version}"
        key = (canonicalize_name(requirement.name), tuple(sorted(requirement.extras)))
        if key in seen:
            continue
        seen.add(key)
        for text in installed.requires or []:
            dependency = Requirement(text)
            if _wanted(dependency, key[1]):
                pending.append((dependency, installed.metadata["Name"]))
    return pins


def render(lock: str, extras: tuple[str, ...]) -> str:
    pins = closure(extras)
    target = f"{PROJECT}[{','.join(extras)}]" if extras else PROJECT
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    header = (
        f"# {lock}: every package {target} needs, at the version tested (Python {version}, {sys.platform}).\n"
        "# Written by `make lock` (scripts/lock.py) from the installed packages; do not edit by hand.\n"
        f"# Install: pip install -r {lock} && pip install --no-deps -e {'.[dev]' if extras else '.'}\n"
    )
    return header + "".join(f"{pins[key]}\n" for key in sorted(pins))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the files, write nothing")
    args = parser.parse_args()
    stale = []
    for lock, extras in LOCKS.items():
        text = render(lock, extras)
        path = ROOT / lock
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(lock)
        else:
            path.write_text(text, encoding="utf-8")
    if stale:
        print("out of date with the installed packages:", ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
