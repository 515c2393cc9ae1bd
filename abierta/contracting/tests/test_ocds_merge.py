"""The OCDS merge: our fast merge against ocdsmerge (the reference implementation) as the oracle."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonref  # type: ignore[import-untyped]
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ocdsmerge.rules import get_merge_rules

from abierta.contracting import ocds_rules
from abierta.contracting.ocds import compile_releases, repair_release
from abierta.contracting.tests.ocds_sample import oracle, sample_records, sample_releases, split_release
from abierta.contracting.tests.schemas import assert_valid_release, release_schema

# Every test here compares with the real data or the official schema: without them the module is skipped.
RELEASES = sample_releases()
RECORDS = sample_records()
SCHEMA_DICT = release_schema()

pytestmark = pytest.mark.slow


def ours(releases: list[dict[str, Any]]) -> dict[str, Any]:
    return compile_releases(copy.deepcopy(releases))


def _types(prop: dict[str, Any]) -> list[str]:
    kind = prop.get("type", [])
    return [kind] if isinstance(kind, str) else list(kind)


def derive_rules(schema: dict[str, Any]) -> dict[str, Any]:
    """Read the rules again from the schema (what ocds_rules.py holds, committed)."""
    deref = jsonref.replace_refs(schema)
    closed: dict[tuple[str, ...], frozenset[str]] = {}
    dates: set[tuple[str, ...]] = set()

    def walk(properties: dict[str, Any], path: tuple[str, ...], depth: int = 0) -> None:
        if depth > 12:
            return
        for key, value in properties.items():
            here = (*path, key)
            types = _types(value)
            if value.get("format") == "date-time":
                dates.add(here)
            codelist = value.get("codelist", "")
            if "enum" in value and codelist and not value.get("openCodelist") and codelist != "currency.csv":
                closed[here] = frozenset(code for code in value["enum"] if code is not None)
            if "object" in types and "properties" in value:
                walk(value["properties"], here, depth + 1)
            if "array" in types and "properties" in value.get("items", {}):
                walk(value["items"]["properties"], here, depth + 1)

    walk(deref["properties"], ())
    closed.pop(("tag",), None)
    merge = get_merge_rules(schema)
    return {
        "omit": {path for path, rule in merge.items() if rule == "omitWhenMerged"},
        "whole": {path for path, rule in merge.items() if rule == "wholeListMerge"},
        "closed": closed,
        "dates": dates,
    }


def test_rules_match_the_release_schema() -> None:
    derived = derive_rules(SCHEMA_DICT)
    assert derived["omit"] == ocds_rules.OMIT_WHEN_MERGED
    assert derived["whole"] == ocds_rules.WHOLE_LIST_MERGE
    assert derived["closed"] == ocds_rules.CLOSED_CODELISTS
    assert derived["dates"] == ocds_rules.DATE_TIME_FIELDS


@pytest.mark.parametrize("path", RELEASES, ids=lambda p: p.stem)
def test_each_real_release_compiles_as_ocdsmerge_does(path: Path) -> None:
    release = json.loads(path.read_text())
    assert ours([release]) == oracle([release])


@pytest.mark.parametrize("path", RECORDS, ids=lambda p: p.stem)
def test_each_real_record_compiles_as_ocdsmerge_does(path: Path) -> None:
    record = json.loads(path.read_text())
    assert ours(record["releases"]) == oracle(record["releases"])


@pytest.mark.parametrize("path", RELEASES, ids=lambda p: p.stem)
def test_releases_of_one_process_compile_as_ocdsmerge_does(path: Path) -> None:
    releases = split_release(json.loads(path.read_text()))
    compiled = ours(releases)
    assert compiled == oracle(releases)
    assert compiled["id"] == f"{compiled['ocid']}-2016-03-01T00:00:00Z"
    assert compiled["tag"] == ["compiled"]


@pytest.mark.parametrize("path", RELEASES + RECORDS, ids=lambda p: p.stem)
def test_repaired_compiled_releases_validate(path: Path) -> None:
    data = json.loads(path.read_text())
    releases = data.get("releases", [data])
    assert_valid_release(repair_release(ours(releases)))


def test_repair_keeps_a_value_outside_the_codelist_in_details() -> None:
    release = repair_release(
        {
            "awards": [{"id": 1, "status": "MARTHA ZULENY TORRES BEJARANO"}],
            "contracts": [{"id": "1", "status": "active", "dateSigned": "2016-06-27T00:00:00"}],
            "tender": {"tenderPeriod": {"startDate": "no es fecha"}},
        }
    )
    assert release["awards"][0] == {"id": 1, "statusDetails": "MARTHA ZULENY TORRES BEJARANO"}
    assert release["contracts"][0]["dateSigned"] == "2016-06-27T00:00:00-05:00"
    assert release["tender"]["tenderPeriod"] == {}


def test_merge_rules_on_small_cases() -> None:
    r1 = {
        "ocid": "ocds-x-1",
        "id": "1",
        "date": "2024-01-01T00:00:00Z",
        "tag": ["tender"],
        "tender": {"title": "A", "submissionMethod": ["written"], "items": [{"id": "i1", "quantity": 1}]},
        "parties": [{"id": "p1", "roles": ["buyer"], "name": "Alcaldía"}],
        "awards": [{"id": "a", "title": "x"}],
    }
    r2 = {
        "ocid": "ocds-x-1",
        "id": "2",
        "date": "2024-02-01T00:00:00Z",
        "tag": ["tenderUpdate"],
        "tender": {"title": None, "submissionMethod": ["electronicSubmission"], "items": [{"id": "i2"}]},
        "parties": [{"id": "p1", "roles": ["buyer", "procuringEntity"]}],
        "awards": [{"id": "a", "title": "y", "description": None}],
    }
    compiled = ours([r2, r1])
    assert compiled == oracle([r2, r1])
    assert compiled == {
        "ocid": "ocds-x-1",
        "id": "ocds-x-1-2024-02-01T00:00:00Z",
        "date": "2024-02-01T00:00:00Z",
        "tag": ["compiled"],
        "tender": {"submissionMethod": ["electronicSubmission"], "items": [{"id": "i1", "quantity": 1}, {"id": "i2"}]},
        "parties": [{"id": "p1", "roles": ["buyer", "procuringEntity"], "name": "Alcaldía"}],
        "awards": [{"id": "a", "title": "y"}],
    }


# --- Property test: random releases of one ocid ----------------------------------------------------

_scalar = st.one_of(st.text(max_size=3), st.integers(-5, 5), st.booleans())
_ids = st.sampled_from(["1", "2", "3", 4])


def _obj(depth: int) -> st.SearchStrategy[dict[str, Any]]:
    leaf = st.dictionaries(st.sampled_from(["title", "status", "amount", "x"]), _scalar, max_size=3)
    if depth == 0:
        return leaf
    child = _obj(depth - 1)
    return st.fixed_dictionaries(
        {},
        optional={
            "title": _scalar,
            "description": st.one_of(_scalar, st.none()),
            "value": leaf,
            "items": st.lists(st.builds(lambda i, d: {"id": i, **d}, _ids, leaf), max_size=3),
            "submissionMethod": st.lists(st.text(max_size=2), max_size=2),
            "nested": child,
        },
    )


_release = st.builds(
    lambda n, tender, awards, parties: {
        "ocid": "ocds-x-1",
        "id": str(n),
        "date": f"2024-01-{n:02d}T00:00:00Z",
        "tag": ["tender"],
        "tender": tender,
        "awards": awards,
        "parties": parties,
    },
    st.integers(1, 28),
    _obj(2),
    st.lists(st.builds(lambda i, d: {"id": i, **d}, _ids, _obj(1)), max_size=3),
    st.lists(
        st.builds(
            lambda i, roles, name: {"id": i, "roles": roles, "name": name},
            _ids,
            st.lists(st.sampled_from(["buyer", "supplier", "payer"]), max_size=2),
            _scalar,
        ),
        max_size=2,
    ),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_release, min_size=1, max_size=4))
def test_random_releases_compile_as_ocdsmerge_does(releases: list[dict[str, Any]]) -> None:
    assert ours(releases) == oracle(releases)
