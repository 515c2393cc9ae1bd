"""The page cache empties what a write can change, not the whole site: each cached page is stored
under the versions of the sections (apps) it read, noted from its SQL while it rendered."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import update_last_login
from django.test import Client

from abierta.core.cache import current_version, edge_version, reading_sections, versions
from abierta.core.models import ContentVersion, Institution
from abierta.plans.models import ProgressUpdate
from abierta.works.models import Work, WorkFollower
from abierta.works.tests.factories import make_work
from factories import World, make_user


def qr(work: Work) -> str:
    return f"/o/{work.code}"


def test_a_write_in_another_section_leaves_the_qr_page_and_the_plan_page_cached(world: World, client: Client) -> None:
    work = make_work(world.own_office)
    plan = world.plan.get_absolute_url()
    client.get(qr(work))
    client.get(plan)
    # A progress report of a commitment (plans) and a work's follower (not public content):
    ProgressUpdate.objects.create(milestone=world.milestone, date=datetime.date(2023, 3, 1), text="Nuevo avance")
    WorkFollower.objects.create(work=work, email="vecina@example.org")
    assert client.get(qr(work))["X-Page-Cache"] == "edge-hit"
    # The plan page read the plans section, so it shows the new report at once.
    response = client.get(plan)
    assert response["X-Page-Cache"] == "miss"


def test_a_change_of_what_a_page_shows_empties_it(world: World, client: Client) -> None:
    work = make_work(world.own_office)
    client.get(qr(work))
    assert client.get(qr(work))["X-Page-Cache"] == "edge-hit"
    # The page shows the work's office (core): renaming the office shows at once.
    Institution.objects.filter(pk=world.own_office.pk).update(name="Secretaría renombrada")
    office = Institution.objects.get(pk=world.own_office.pk)
    office.save()
    response = client.get(qr(work))
    assert response.get("X-Page-Cache") != "edge-hit"
    assert "Secretaría renombrada" in response.content.decode()


def test_the_sections_a_page_read_are_those_of_its_queries(world: World, client: Client) -> None:
    work = make_work(world.own_office)
    with reading_sections() as noted:
        assert client.get(qr(work)).status_code == 200
    assert {"works", "core"} <= noted
    assert "participation" not in noted and "plans" not in noted and "accounts" not in noted


def test_derived_data_read_from_the_cache_counts_as_a_read_of_its_section(db: None) -> None:
    with reading_sections() as noted:
        edge_version("contracting")
    assert noted == {"contracting"}
    with reading_sections() as everything:
        edge_version()
    assert everything == {"*"}


def test_with_sections_off_any_write_empties_every_page(world: World, client: Client, settings: object) -> None:
    settings.ABIERTA_PAGE_CACHE_SECTIONS = False  # type: ignore[attr-defined]
    work = make_work(world.own_office)
    client.get(qr(work))
    assert client.get(qr(work))["X-Page-Cache"] == "edge-hit"
    ProgressUpdate.objects.create(milestone=world.milestone, date=datetime.date(2023, 3, 1), text="Otro avance")
    assert client.get(qr(work)).get("X-Page-Cache") != "edge-hit"


def test_signing_in_changes_no_version(world: World, client: Client) -> None:
    user = make_user("vecino@example.org")
    before = versions()
    update_last_login(type(user), user)  # what a sign-in saves (the user_logged_in signal)
    user.refresh_from_db()
    assert user.last_login is not None
    assert versions() == before
    user.first_name = "Otro nombre"
    user.save()
    assert versions()["accounts"] > before.get("accounts", 0)


def test_each_section_has_its_own_counter(world: World) -> None:
    before = versions()
    total = current_version()
    world.plan.title = "Plan con otro título"
    world.plan.save()
    after = versions()
    assert after["plans"] == before["plans"] + 1
    assert {k: v for k, v in after.items() if k != "plans"} == {k: v for k, v in before.items() if k != "plans"}
    assert current_version() == total + 1
    assert ContentVersion.objects.filter(section="plans").count() == 1
