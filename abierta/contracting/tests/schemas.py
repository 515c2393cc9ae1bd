"""The official OCDS 1.1.5 and OC4IDS schemas as validators, for the tests of every publication.

The schemas are read from the shared test data (``factories.shared_data``) and their $refs resolved locally, never
on the network, when a test first asks for a validator: a test needing one is skipped without the shared data,
and a module importing this one is not. They declare Draft 4; jsonschema's own format checker has no date-time
or uri checks without optional packages, so this module adds strict ones (RFC 3339 date-times, absolute
RFC 3986 URIs): a value that the official tools would reject is rejected here too.
"""

from __future__ import annotations

import datetime
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator, FormatChecker  # type: ignore[import-untyped]
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from factories import shared_data

_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*$")

FORMATS = FormatChecker()


def _date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE_TIME.match(value):
        return False
    try:
        datetime.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _uri(value: object) -> bool:
    return not isinstance(value, str) or bool(_URI.match(value))


FORMATS.checks("date-time")(_date_time)
FORMATS.checks("uri")(_uri)


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@cache
def validator(name: str) -> Draft4Validator:
    """Draft 4 validator of one package schema: release-package, record-package or project-package."""
    ocds, oc4ids = shared_data("ocds", "schema-1.1.5"), shared_data("oc4ids")
    schemas = [_load(ocds / "release-schema.json"), _load(oc4ids / "project-schema.json")]
    registry: Registry[Any] = Registry().with_resources(
        (s["id"], Resource.from_contents(s, default_specification=DRAFT4)) for s in schemas
    )
    path = oc4ids / f"{name}-schema.json" if name == "project-package" else ocds / f"{name}-schema.json"
    schema = _load(path)
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema, registry=registry, format_checker=FORMATS)


def assert_valid(name: str, package: dict[str, Any]) -> None:
    errors = sorted(validator(name).iter_errors(package), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in errors[:20])


# One compiled release, as the importers store it ----------------------------------------------

_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", re.IGNORECASE)


def release_validator() -> Draft4Validator:
    """Draft 4 validator of the OCDS 1.1.5 release schema, checking date-time strictly (RFC 3339)."""
    checker = FormatChecker()

    @checker.checks("date-time")  # type: ignore[untyped-decorator]
    def is_date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        if not _RFC3339.match(value):
            return False
        try:
            datetime.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
        except ValueError:
            return False
        return True

    schema = shared_data("ocds", "schema-1.1.5", "release-schema.json")
    return Draft4Validator(json.loads(schema.read_text()), format_checker=checker)


def assert_valid_release(release: dict[str, Any]) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message[:200]}" for e in release_validator().iter_errors(release)]
    assert errors == [], errors


@cache
def release_schema() -> dict[str, Any]:
    """The OCDS 1.1.5 release schema itself (its merge rules, its codelists)."""
    schema: dict[str, Any] = json.loads(shared_data("ocds", "schema-1.1.5", "release-schema.json").read_text())
    return schema
