"""OCDS 1.1.5 publication, validated against the official schemas (OC4IDS: ``works/tests/test_oc4ids.py``).

The validators, strict on date-times and URIs as the official tools are, are in ``schemas.py`` beside this module.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse

from abierta.contracting import publish
from abierta.contracting.tests.factories import get_json, local, make_contract, minimal_release, walk_pages
from abierta.contracting.tests.schemas import assert_valid
from factories import shared_data

# Schemas load and catch what they should -------------------------------------------------------


def test_the_validators_reject_invalid_packages() -> None:
    release = minimal_release("ocds-k50g02-X")
    package = {
        "uri": "https://example.org/p.json",
        "publisher": {"name": "X"},
        "publishedDate": "2024-01-01T00:00:00Z",
        "version": "1.1",
        "releases": [release],
    }
    assert_valid("release-package", package)
    for broken in (
        {**release, "date": "2024-01-01T00:00:00"},  # no offset
        {**release, "tag": ["nope"]},
        {k: v for k, v in release.items() if k != "initiationType"},
    ):
        with pytest.raises(AssertionError):
            assert_valid("release-package", {**package, "releases": [broken]})
    with pytest.raises(AssertionError):
        assert_valid("release-package", {**package, "uri": "no scheme here"})


# Repairs ---------------------------------------------------------------------------------------


def test_conform_repairs_real_world_defects_without_inventing_data() -> None:
    release = minimal_release("ocds-k50g02-R")
    release["planning"] = {"documents": [{"id": "1", "dateModified": "2011-02-26T22:06:51", "url": "https://x.co/a b"}]}
    release["tender"] = {"id": "T", "status": "Celebrado", "tenderPeriod": {"endDate": "no es fecha"}}
    release["awards"] = [dict(release["awards"][0], status="MARTHA ZULENY TORRES")] * 2
    release["contracts"][0]["value"] = {"amount": "1500.5", "currency": "pesos"}
    publish.conform(release)
    doc = release["planning"]["documents"][0]
    assert doc["dateModified"] == "2011-02-26T22:06:51-05:00"
    assert doc["url"] == "https://x.co/a%20b"
    assert "status" not in release["tender"]
    assert release["tender"]["tenderPeriod"] == {}
    assert len(release["awards"]) == 1 and "status" not in release["awards"][0]
    assert release["contracts"][0]["value"] == {"amount": 1500.5}
    # Valid values are kept exactly as written.
    assert publish.conform_datetime("2011-03-10T05:00:00.000000Z") == "2011-03-10T05:00:00.000000Z"
    assert publish.conform_datetime("2011-13-10T05:00:00Z") is None


def test_stage_tags() -> None:
    release = minimal_release("ocds-k50g02-S")
    assert publish.stage_tags(release) == ["award", "contract"]
    release["tender"] = {"id": "1"}
    release["contracts"][0]["implementation"] = {"transactions": [{"id": "1"}]}
    assert publish.stage_tags(release) == ["tender", "award", "contract", "implementation"]
    assert publish.stage_tags({"ocid": "x"}) == ["planning"]


# Release and record packages --------------------------------------------------------------------


@pytest.mark.django_db
def test_release_package_validates_and_describes_the_publication(client: Client) -> None:
    first = make_contract(ocid="ocds-k50g02-A")
    make_contract(ocid="ocds-k50g02-B")
    package = get_json(client, reverse("contracting_files:releases"))
    assert_valid("release-package", package)
    assert package["version"] == "1.1"
    assert package["publisher"]["name"] == "Alcaldía Distrital de Cartagena de Indias"
    assert package["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert package["uri"].endswith("/ocds/releases.json")
    assert package["publicationPolicy"].startswith("http")
    assert "links" not in package
    assert [r["ocid"] for r in package["releases"]] == ["ocds-k50g02-A", "ocds-k50g02-B"]
    release = package["releases"][0]
    assert release["id"] == f"ocds-k50g02-A-{first.release_hash[:12]}"
    assert release["tag"] == ["award", "contract"]
    # The published date is the latest change of the page's contracts, not "now".
    assert package["publishedDate"].startswith(first.imported_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT"))


@pytest.mark.django_db
def test_release_id_changes_with_the_content(client: Client) -> None:
    contract = make_contract(ocid="ocds-k50g02-C")
    before = get_json(client, reverse("contracting_files:releases"))["releases"][0]["id"]
    contract.release_hash = "f" * 64
    contract.save()
    after = get_json(client, reverse("contracting_files:releases"))["releases"][0]["id"]
    assert before != after and after.endswith("ffffffffffff")


@pytest.mark.django_db
def test_paging_by_ocid_cursor_walks_every_contract_once(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(publish, "PAGE_SIZE", 3)
    monkeypatch.setattr(publish, "CHUNK_SIZE", 2)
    ocids = [f"ocds-k50g02-P{i:02d}" for i in range(8)]
    for ocid in reversed(ocids):
        make_contract(ocid=ocid)
    monkeypatch.setattr(publish.contract_page, "__defaults__", (3,))
    packages = walk_pages(client, reverse("contracting_files:releases"), "releases")
    assert [len(p["releases"]) for p in packages] == [3, 3, 2]
    assert [r["ocid"] for p in packages for r in p["releases"]] == ocids
    for package in packages:
        assert_valid("release-package", package)
    assert "prev" not in packages[0]["links"]
    assert "next" not in packages[-1]["links"]
    # prev from the last page gives the middle page back.
    middle = get_json(client, local(packages[-1]["links"]["prev"]))
    assert [r["ocid"] for r in middle["releases"]] == ocids[3:6]
    assert set(middle["links"]) == {"next", "prev"}
    records = walk_pages(client, reverse("contracting_files:records"), "records")
    assert [r["ocid"] for p in records for r in p["records"]] == ocids
    for package in records:
        assert_valid("record-package", package)


@pytest.mark.django_db
def test_bad_cursor_gets_a_spanish_400_and_past_the_end_a_404(client: Client) -> None:
    make_contract()
    url = reverse("contracting_files:releases")
    for query in ({"after": "a", "before": "b"}, {"after": ""}, {"after": "x" * 300}, {"page": "2"}):
        response = client.get(url, query)
        assert response.status_code == 400
        assert response.json()["error"]
    response = client.get(url, {"after": "zzzz"})
    assert response.status_code == 404
    assert "primera página" in response.json()["error"]


@pytest.mark.django_db
def test_record_package_links_the_release_and_embeds_the_compiled_release(client: Client) -> None:
    contract = make_contract(ocid="ocds-k50g02-R1")
    package = get_json(client, reverse("contracting_files:records"))
    assert_valid("record-package", package)
    record = package["records"][0]
    assert record["ocid"] == contract.ocid
    assert record["compiledRelease"]["tag"] == ["compiled"]
    assert record["compiledRelease"]["contracts"] == contract.release["contracts"]
    (linked,) = record["releases"]
    url, fragment = linked["url"].split("#")
    path = local(url)
    assert path == reverse("contracting_files:contract_release", args=[contract.ocid])
    one = get_json(client, path)
    assert_valid("release-package", one)
    assert one["releases"][0]["id"] == fragment
    assert one["releases"][0]["date"] == linked["date"]


@pytest.mark.django_db
def test_per_contract_file(client: Client) -> None:
    contract = make_contract(ocid="ocds-k50g02-CO1.PCCNTR.123")
    response = client.get(reverse("contracting_files:contract_release", args=[contract.ocid]))
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and f"max-age={publish.MAX_AGE}" in response["Cache-Control"]
    package = response.json()
    assert_valid("release-package", package)
    assert package["uri"].endswith(f"/ocds/releases/{contract.ocid}.json")
    assert client.get(reverse("contracting_files:contract_release", args=["ocds-k50g02-none"])).status_code == 404
    # A second anonymous request comes from the page cache, with the same headers.
    again = client.get(reverse("contracting_files:contract_release", args=[contract.ocid]))
    assert again.json() == package and "public" in again["Cache-Control"]


@pytest.mark.django_db
def test_stored_defects_are_published_valid(client: Client) -> None:
    release = minimal_release("ocds-k50g02-D")
    release["date"] = "2016-06-30 09:49:59"
    release["tender"] = {"id": "1", "status": "Adjudicado", "procurementMethod": "Contratación directa"}
    release["awards"] = release["awards"] * 2
    release["contracts"][0]["status"] = "Servicios de personal temporal"
    make_contract(ocid="ocds-k50g02-D", release=release)
    for name in ("releases", "records"):
        assert_valid(f"{name[:-1]}-package", get_json(client, reverse(f"contracting_files:{name}")))


# The real SECOP I data ---------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.django_db
def test_the_real_secop1_records_round_trip_to_valid_ocds(client: Client) -> None:
    """21 real releases and 10 real records (malformed date-times, repeated awards, names in status
    fields) go in with ``abierta import_ocds`` and come out valid: packages and per-contract files."""
    from django.core.management import call_command

    from abierta.contracting.models import Contract

    secop1 = shared_data("ocds", "colombia-secop1-sample", "sample")
    files = sorted(str(p) for p in (secop1 / "releases").glob("*.json")) + sorted(
        str(p) for p in (secop1 / "records").glob("*.json")
    )
    assert len(files) == 31
    call_command("import_ocds", *files, "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    ocids = set(Contract.objects.values_list("ocid", flat=True))
    expected = {p.name[: len("ocds-k50g02-11-11-452228")] for p in (secop1 / "releases").glob("ocds-k50g02-11-*")}
    expected |= {p.stem for p in (secop1 / "records").glob("*.json")}
    assert ocids == expected
    releases = get_json(client, reverse("contracting_files:releases"))
    assert_valid("release-package", releases)
    assert {r["ocid"] for r in releases["releases"]} == ocids
    records = get_json(client, reverse("contracting_files:records"))
    assert_valid("record-package", records)
    assert {r["ocid"] for r in records["records"]} == ocids
    for ocid in ocids:
        one = get_json(client, reverse("contracting_files:contract_release", args=[ocid]))
        assert_valid("release-package", one)
        stored = Contract.objects.get(ocid=ocid).release
        published = one["releases"][0]
        # What was valid in the source is published as it was: buyer and contracts' values.
        assert published["buyer"] == stored["buyer"]
        assert [c.get("value") for c in published.get("contracts", [])] == [
            c.get("value") for c in stored.get("contracts", [])
        ]
