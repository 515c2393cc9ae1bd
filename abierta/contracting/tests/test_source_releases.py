"""The source releases of each ocid: whatever the order releases arrive in (one batch, one per batch, one
per file), the stored compiled release is what ``ocdsmerge`` compiles from them in order of arrival; and
the record package publishes each contract's releases."""

from __future__ import annotations

import copy
import io
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from abierta.contracting.importers import OcdsImporter, SecopContractsImporter, without_nul
from abierta.contracting.models import Contract, SourceRelease
from abierta.contracting.ocds import repair_release
from abierta.contracting.tests.factories import CSV, get_json
from abierta.contracting.tests.ocds_sample import oracle, sample_releases, split_release
from abierta.contracting.tests.schemas import assert_valid, assert_valid_release
from abierta.core.importing import run_import
from abierta.core.models import ImportRun

pytestmark = pytest.mark.django_db


def run(path: Path, *, batch_size: int = 1000) -> ImportRun:
    return run_import(OcdsImporter(), path, batch_size=batch_size, out=io.StringIO(), progress=False)


def package(releases: list[Any]) -> dict[str, Any]:
    return {"uri": "https://example.org/p.json", "publishedDate": "2024-01-01T00:00:00Z", "releases": releases}


def write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False))
    return path


def expected(releases: list[dict[str, Any]]) -> dict[str, Any]:
    """ocdsmerge's result, as stored: PostgreSQL keeps no NUL character, so the importer drops them."""
    return without_nul(repair_release(oracle(releases)))  # type: ignore[no-any-return]


def import_each(tmp_path: Path, releases: list[dict[str, Any]], how: str) -> None:
    """Import ``releases`` in this order: in one batch, one per batch of one file, or one file each."""
    if how == "one batch":
        run(write(tmp_path / "all.json", package(releases)))
    elif how == "one per batch":
        run(write(tmp_path / "all.json", package(releases)), batch_size=1)
    else:
        for n, release in enumerate(releases):
            run(write(tmp_path / f"r{n}.json", release))


# ocdsmerge's "1.1/null" case: a newer release sets a field to null, which removes it.
NULL_CASE = [
    {
        "ocid": "ocds-213czf-A",
        "id": "1",
        "date": "2014-01-01T00:00:00Z",
        "tag": ["tender"],
        "initiationType": "tender",
        "tender": {"id": "A", "procurementMethod": "selective"},
    },
    {
        "ocid": "ocds-213czf-A",
        "id": "2",
        "date": "2014-01-02T00:00:00Z",
        "tag": ["tender"],
        "initiationType": "tender",
        "tender": {"id": "A", "procurementMethod": None},
    },
]
HOW = ["one batch", "one per batch", "one file each"]


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize("order", list(itertools.permutations(range(2))), ids=str)
def test_the_null_case_compiles_as_ocdsmerge_in_any_order(tmp_path: Path, order: tuple[int, ...], how: str) -> None:
    """Newest first, the older release used to be merged under the stored compiled release and brought
    back the value the newer one had set to null (``selective``)."""
    releases = [copy.deepcopy(NULL_CASE[i]) for i in order]
    import_each(tmp_path, releases, how)
    contract = Contract.objects.get()
    assert contract.release == expected(releases)
    assert contract.release["tender"] == {"id": "A"}
    assert contract.release["id"] == "ocds-213czf-A-2014-01-02T00:00:00Z"
    assert SourceRelease.objects.filter(contract=contract).count() == 2


@pytest.mark.slow
@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize("order", list(itertools.permutations(range(3))), ids=str)
def test_releases_of_a_real_process_compile_as_ocdsmerge_in_any_order(
    tmp_path: Path, order: tuple[int, ...], how: str
) -> None:
    """The three releases ``split_release`` makes of real SECOP I releases (the second sets the tender's
    title to null), in each of the six orders, in one batch, one per batch and one file each."""
    for path in (sample_releases()[0], sample_releases()[-1]):
        parts = sorted(split_release(json.loads(path.read_text())), key=lambda r: r["date"])
        releases = [copy.deepcopy(parts[i]) for i in order]
        import_each(tmp_path, releases, how)
        contract = Contract.objects.get(ocid=parts[0]["ocid"])
        assert contract.release == expected(releases)
        assert "title" not in contract.release.get("tender", {})
        assert_valid_release(contract.release)


def test_a_value_moved_by_the_repair_does_not_stay_when_a_newer_release_corrects_it(tmp_path: Path) -> None:
    """A status outside the codelist is stored in ``statusDetails``; a newer release with a valid
    status compiles as if merged from the start (the repaired compiled release is not merged onto)."""
    older: dict[str, Any] = {**copy.deepcopy(NULL_CASE[0]), "awards": [{"id": "1", "status": "MARTHA ZULENY TORRES"}]}
    newer: dict[str, Any] = {**copy.deepcopy(NULL_CASE[0]), "id": "2", "date": "2014-02-01T00:00:00Z"}
    newer["awards"] = [{"id": "1", "status": "active"}]
    run(write(tmp_path / "a.json", older))
    assert Contract.objects.get().release["awards"] == [{"id": "1", "statusDetails": "MARTHA ZULENY TORRES"}]
    assert Contract.objects.get().release_repaired
    run(write(tmp_path / "b.json", newer))
    contract = Contract.objects.get()
    assert contract.release == expected([older, newer])
    assert contract.release["awards"] == [{"id": "1", "status": "active"}]
    assert not contract.release_repaired


def test_releases_of_the_same_date_count_in_order_of_arrival(tmp_path: Path) -> None:
    one = {**copy.deepcopy(NULL_CASE[0]), "tender": {"id": "A", "title": "uno"}}
    two = {**copy.deepcopy(NULL_CASE[0]), "id": "2", "tender": {"id": "A", "title": "dos"}}
    three = {**copy.deepcopy(NULL_CASE[0]), "id": "3", "date": "2013-12-01T00:00:00Z", "tender": {"title": "0"}}
    for n, release in enumerate([one, two, three]):
        run(write(tmp_path / f"{n}.json", release))
    assert Contract.objects.get().release == expected([one, two, three])
    assert Contract.objects.get().release["tender"]["title"] == "dos"


def test_a_nul_character_in_a_release_is_dropped_not_a_failed_import(tmp_path: Path) -> None:
    """PostgreSQL refuses NUL in text and JSON (found by the property test below): it is dropped."""
    release = {**copy.deepcopy(NULL_CASE[0]), "tender": {"id": "A", "title": "Obra\x00 vial"}}
    imported = run(write(tmp_path / "nul.json", release))
    assert imported.created == 1 and imported.rejected == 0
    assert Contract.objects.get().release["tender"]["title"] == "Obra vial"


def test_importing_the_same_releases_again_changes_nothing(tmp_path: Path) -> None:
    parts = split_release(json.loads(sample_releases()[-1].read_text()))
    path = write(tmp_path / "all.json", package(parts))
    run(path)
    stored = Contract.objects.get().release
    again = run(write(tmp_path / "again.json", package(list(reversed(parts)))), batch_size=1)
    assert (again.read, again.created, again.updated, again.unchanged) == (3, 0, 0, 3)
    assert Contract.objects.get().release == stored
    assert SourceRelease.objects.count() == 3


def test_a_release_sent_again_with_other_content_replaces_the_stored_one(tmp_path: Path) -> None:
    first, second = copy.deepcopy(NULL_CASE)
    run(write(tmp_path / "a.json", package([first, second])))
    corrected = {**copy.deepcopy(first), "tender": {"id": "A", "title": "Vías"}}
    result = run(write(tmp_path / "b.json", corrected))
    assert (result.read, result.updated) == (1, 1)
    assert Contract.objects.get().release == expected([corrected, second])
    assert SourceRelease.objects.count() == 2
    assert json.loads(SourceRelease.objects.get(release_id="1").data) == corrected


def test_a_secop_contract_is_the_first_release_of_its_history(tmp_path: Path) -> None:
    """An OCDS release for a contract stored from a SECOP II row merges with it (older or newer);
    a new SECOP II row for it starts the history again."""
    run_import(SecopContractsImporter(), CSV, out=io.StringIO(), progress=False)
    contract = Contract.objects.order_by("pk").first()
    assert contract is not None
    secop = copy.deepcopy(contract.release)
    older: dict[str, Any] = {"ocid": contract.ocid, "id": "x", "date": "2000-01-01T00:00:00Z", "tag": ["planning"]}
    older["planning"] = {"rationale": "Plan"}
    run(write(tmp_path / "older.json", older))
    contract.refresh_from_db()
    assert contract.release == expected([secop, older])
    assert contract.release["planning"]["rationale"] == "Plan"
    assert SourceRelease.objects.filter(contract=contract).count() == 2
    # The same SECOP II file again: the row differs from what is stored (the OCDS release merged in).
    run_import(SecopContractsImporter(), CSV, out=io.StringIO(), progress=False)
    contract.refresh_from_db()
    assert contract.release == secop
    assert not SourceRelease.objects.filter(contract=contract).exists()


@pytest.mark.django_db
def test_the_record_package_embeds_each_contracts_releases(client: Client, tmp_path: Path) -> None:
    """In date order, valid, and with a natural person's document withheld in every release (the
    supplier's reference renamed as in the compiled release, even in a release without the party)."""
    ocid = "ocds-k50g02-H1"
    person: dict[str, Any] = {"id": "CO-CC-1012362575", "name": "Martha Torres", "roles": ["supplier"]}
    person["identifier"] = {"scheme": "CO-CC", "id": "1012362575"}
    first: dict[str, Any] = {"ocid": ocid, "id": "1", "date": "2024-01-01T00:00:00Z", "tag": ["tender"]}
    first["parties"] = [person]
    first["tender"] = {"id": "T", "title": "Aseo"}
    second: dict[str, Any] = {"ocid": ocid, "id": "2", "date": "2024-02-01T00:00:00Z", "tag": ["award"]}
    second["awards"] = [{"id": "A", "suppliers": [{"id": "CO-CC-1012362575", "name": "Martha Torres"}]}]
    run(write(tmp_path / "p.json", package([second, first])))
    data = get_json(client, reverse("contracting_files:records"))
    assert_valid("record-package", data)
    (record,) = data["records"]
    assert [r["id"] for r in record["releases"]] == ["1", "2"]
    assert record["releases"][0]["tender"] == {"id": "T", "title": "Aseo"}
    text = json.dumps(data)
    assert "1012362575" not in text
    supplier = record["releases"][1]["awards"][0]["suppliers"][0]["id"]
    assert supplier == record["compiledRelease"]["awards"][0]["suppliers"][0]["id"] == "persona-natural-1"


_scalar = st.one_of(st.text(max_size=2), st.integers(0, 3), st.none())
_release = st.builds(
    lambda day, n, tender, items: {
        "ocid": "ocds-x-1",
        "id": str(n),
        "date": f"2024-01-{day:02d}T00:00:00Z",
        "tag": ["tender"],
        "tender": {**tender, **({"items": items} if items else {})},
    },
    st.integers(1, 5),
    st.integers(1, 6),
    st.dictionaries(st.sampled_from(["title", "status", "description"]), _scalar, max_size=3),
    st.lists(st.builds(lambda i, q: {"id": i, "quantity": q}, st.sampled_from(["1", "2"]), _scalar), max_size=2),
)


@pytest.mark.slow
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(st.lists(_release, min_size=1, max_size=5, unique_by=lambda r: (r["id"], r["date"])), st.integers(1, 3))
def test_random_releases_one_per_batch_compile_as_ocdsmerge(
    tmp_path: Path, releases: list[dict[str, Any]], batch_size: int
) -> None:
    Contract.objects.all().delete()
    run(write(tmp_path / "r.json", package(releases)), batch_size=batch_size)
    assert Contract.objects.get().release == expected(releases)


def test_a_contract_stored_before_its_releases_were_kept_takes_them_again(tmp_path: Path) -> None:
    """Its compiled release becomes the first release of its history; the same compiled release read
    again (a record with only its ``compiledRelease``) is not kept twice."""
    record: dict[str, Any] = {"ocid": "ocds-213czf-A", "releases": [{"url": "https://example.org/r.json"}]}
    record["compiledRelease"] = {**copy.deepcopy(NULL_CASE[0]), "id": "ocds-213czf-A-2014-01-01T00:00:00Z"}
    run(write(tmp_path / "record.json", record))
    SourceRelease.objects.all().delete()  # as stored before source releases were kept
    again = run(write(tmp_path / "again.json", record))
    assert (again.read, again.unchanged) == (1, 1)
    assert SourceRelease.objects.count() == 1
    run(write(tmp_path / "newer.json", NULL_CASE[1]))
    assert Contract.objects.get().release["tender"] == {"id": "A"}
    assert SourceRelease.objects.count() == 2


def test_a_json_lines_release_is_kept_as_its_line(tmp_path: Path) -> None:
    lines = [json.dumps(release, indent=None, separators=(", ", ": ")) for release in NULL_CASE]
    path = tmp_path / "r.jsonl"
    path.write_text("\n".join(lines) + "\n")
    run(path)
    assert list(SourceRelease.objects.order_by("pk").values_list("data", flat=True)) == lines
    again = run(path)
    assert (again.read, again.unchanged) == (2, 2)
