"""The demonstration works: real places of Cartagena, contracts through the real SECOP II mapping,
idempotent, and valid once published as OCDS and OC4IDS."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from abierta.contracting import demo as contracting_demo
from abierta.contracting.models import Contract
from abierta.contracting.tests.factories import get_json
from abierta.contracting.tests.schemas import assert_valid
from abierta.works import demo
from abierta.works.models import Work, WorkContract, WorkUpdate

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _load() -> None:
    contracting_demo.load(offices={}, users={})
    demo.load(offices={}, users={})


def _state() -> dict[str, Any]:
    return {
        "works": sorted(Work.objects.values_list("code", "name", "updated_at")),
        "contracts": sorted(Contract.objects.values_list("ocid", "release_hash", "imported_at", "flags")),
        "links": sorted(WorkContract.objects.values_list("work_id", "contract_id", "role")),
        "updates": sorted(WorkUpdate.objects.values_list("work_id", "date", "physical_progress")),
    }


def test_demo_works_are_in_cartagena_with_their_contracts() -> None:
    _load()
    works = list(Work.objects.all())
    assert 6 <= len(works) <= 10
    assert len({w.name for w in works}) == len(works)
    for work in works:
        assert work.is_published
        assert work.address and work.localidad
        # Cartagena's district, islands aside: 10.2–10.6 N, 75.4–75.6 W.
        assert work.latitude is not None and 10.2 <= float(work.latitude) <= 10.6
        assert work.longitude is not None and -75.6 <= float(work.longitude) <= -75.4
        roles = set(work.work_contracts.values_list("role", flat=True))
        assert {WorkContract.Role.WORKS, WorkContract.Role.SUPERVISION} <= roles
        if work.localidad != Work.Localidad.RURAL:
            assert work.ucg is not None and 1 <= work.ucg <= 15
    assert {w.localidad for w in works} == set(Work.Localidad.values)
    assert {w.status for w in works} >= {Work.Status.IMPLEMENTATION, Work.Status.COMPLETION}
    assert WorkUpdate.objects.filter(work__in=works).count() >= 10
    assert not WorkUpdate.objects.filter(notified_at__isnull=True).exists()


def test_demo_is_idempotent() -> None:
    _load()
    first = _state()
    _load()
    assert _state() == first


def test_demo_publishes_valid_ocds_and_oc4ids(client: Client) -> None:
    _load()
    assert_valid("release-package", get_json(client, reverse("contracting_files:releases")))
    assert_valid("record-package", get_json(client, reverse("contracting_files:records")))
    projects = get_json(client, reverse("works_files:oc4ids_projects"))
    assert_valid("project-package", projects)
    assert len(projects["projects"]) == Work.objects.count()
    for contract in Contract.objects.all():
        response = client.get(reverse("contracting_files:contract_release", args=[contract.ocid]))
        assert_valid("release-package", json.loads(response.content))
