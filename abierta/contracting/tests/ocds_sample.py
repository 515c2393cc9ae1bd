"""The real SECOP I releases and records of the shared test data, and ocdsmerge (the reference merge) as the oracle.

Each function reads the shared test data when a test calls it: that test is skipped without the data, and a
module importing this one is not (a module calling them at import, to parametrize, is skipped as a whole).
"""

from __future__ import annotations

import copy
import warnings
from functools import cache
from pathlib import Path
from typing import Any

import ocdsmerge

from abierta.contracting.tests.schemas import release_schema
from factories import shared_data


def sample_releases() -> list[Path]:
    """The release files of the sample, in name order."""
    return sorted((shared_data("ocds", "colombia-secop1-sample", "sample") / "releases").glob("*.json"))


def sample_records() -> list[Path]:
    """The record files of the sample, in name order."""
    return sorted((shared_data("ocds", "colombia-secop1-sample", "sample") / "records").glob("*.json"))


@cache
def _merger() -> ocdsmerge.Merger:
    return ocdsmerge.Merger(schema=release_schema())


def oracle(releases: list[dict[str, Any]]) -> dict[str, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate ids in the real data
        return _merger().create_compiled_release(copy.deepcopy(releases))  # type: ignore[no-any-return]


def split_release(release: dict[str, Any]) -> list[dict[str, Any]]:
    """Three releases of one process from one real release: tender first, award next, then the contract."""
    base = {k: v for k, v in release.items() if k not in ("awards", "contracts", "tender")}
    first = {**copy.deepcopy(base), "id": "r1", "date": "2016-01-01T00:00:00Z", "tag": ["tender"]}
    if "tender" in release:
        first["tender"] = copy.deepcopy(release["tender"])
        first["tender"]["status"] = "active"
    second = {
        "ocid": release["ocid"],
        "id": "r2",
        "date": "2016-02-01T00:00:00Z",
        "tag": ["award"],
        "awards": copy.deepcopy(release.get("awards", [])),
        "tender": {"status": "complete", "title": None},
    }
    third = {
        "ocid": release["ocid"],
        "id": "r3",
        "date": "2016-03-01T00:00:00Z",
        "tag": ["contract"],
        "contracts": copy.deepcopy(release.get("contracts", [])),
        "parties": copy.deepcopy(release.get("parties", [])),
        "planning": {"budget": {"description": "CDP actualizado"}},
    }
    return [third, first, second]  # out of order on purpose
