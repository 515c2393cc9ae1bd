"""Visits counted per work and day by the page's beacon: buffered, flushed, nothing about the visitor."""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import DatabaseError
from django.test import Client

from abierta.core.cache import current_version
from abierta.works import scans
from abierta.works.models import WorkScanDay
from abierta.works.tests.factories import make_work
from abierta.works.views import PIXEL_GIF
from factories import PERSONAS

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _empty_buffer() -> Iterator[None]:
    scans._take()
    yield
    scans._take()


def counts() -> dict[tuple[str, datetime.date], int]:
    return {(s.work.code, s.day): s.count for s in WorkScanDay.objects.select_related("work")}


def test_beacon_answers_a_gif_that_nobody_keeps_and_sets_no_cookie(client: Client) -> None:
    work = make_work()
    response = client.get(f"/o/{work.code}/v.gif")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/gif"
    assert response.content == PIXEL_GIF
    assert response.content.startswith(b"GIF89a") and len(response.content) == 43
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")
    assert scans.pending_hits() == 1


def test_hits_are_buffered_then_added_in_one_flush(client: Client) -> None:
    one, two = make_work(), make_work()
    for _ in range(3):
        client.get(f"/o/{one.code}/v.gif")
    client.get(f"/o/{two.code}/v.gif")
    assert WorkScanDay.objects.count() == 0  # still in the process's buffer
    assert scans.scans_flush() == 4
    from django.utils import timezone

    today = timezone.localdate()
    assert counts() == {(one.code, today): 3, (two.code, today): 1}
    # A second flush adds to the same rows.
    client.get(f"/o/{one.code}/v.gif")
    client.get(f"/o/{one.code.lower()}/v.gif")  # the code as typed
    assert scans.scans_flush() == 2
    assert counts()[(one.code, today)] == 5
    assert scans.scans_flush() == 0


def test_flush_is_one_upsert_per_batch_whatever_the_number_of_works(
    django_assert_num_queries: Callable[..., Any],
) -> None:
    works = [make_work(contracts=0) for _ in range(6)]
    WorkScanDay.objects.create(work=works[0], day=DAY, count=10)
    for work in works:
        scans.scan_record(code=work.code, day=DAY)
    scans.scan_record(code=works[0].code, day=DAY + datetime.timedelta(days=1))
    with django_assert_num_queries(2):  # read the ids of the codes, upsert all rows
        assert scans.scans_flush() == 7
    assert WorkScanDay.objects.get(work=works[0], day=DAY).count == 11
    assert WorkScanDay.objects.count() == 7


def test_flush_happens_by_itself_after_enough_hits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scans, "FLUSH_HITS", 3)
    work = make_work()
    scans.scan_record(code=work.code, day=DAY)
    scans.scan_record(code=work.code, day=DAY)
    assert not WorkScanDay.objects.exists()
    scans.scan_record(code=work.code, day=DAY)
    assert WorkScanDay.objects.get(work=work, day=DAY).count == 3
    assert scans.pending_hits() == 0


def test_flush_happens_by_itself_after_some_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    work = make_work()
    scans.scan_record(code=work.code, day=DAY)
    clock[0] += scans.FLUSH_SECONDS - 0.5
    scans.scan_record(code=work.code, day=DAY)
    assert not WorkScanDay.objects.exists()
    clock[0] += 1
    scans.scan_record(code=work.code, day=DAY)
    assert WorkScanDay.objects.get(work=work, day=DAY).count == 3


def test_unknown_unpublished_and_malformed_codes_are_not_counted(client: Client) -> None:
    hidden = make_work(is_published=False)
    for path in (f"/o/{hidden.code}/v.gif", "/o/ZZZZ9999/v.gif"):
        assert client.get(path).status_code == 200  # a beacon never fails the page
    assert scans.pending_hits() == 2
    client.get("/o/NOT%20A%20CODE%3C%3E/v.gif")
    assert scans.pending_hits() == 2  # not even buffered
    assert scans.scans_flush() == 0
    assert not WorkScanDay.objects.exists()


def test_counting_never_empties_the_page_cache(client: Client) -> None:
    work = make_work()
    client.get(work.get_absolute_url())
    version = current_version()
    client.get(f"/o/{work.code}/v.gif")
    scans.scans_flush()
    assert current_version() == version
    assert client.get(work.get_absolute_url())["X-Page-Cache"] in ("hit", "edge-hit")


def test_a_failed_flush_keeps_the_counts_for_the_next(monkeypatch: pytest.MonkeyPatch) -> None:
    work = make_work()
    scans.scan_record(code=work.code, day=DAY)
    scans.scan_record(code=work.code, day=DAY)

    def down(rows: object) -> None:
        raise DatabaseError("connection lost")

    monkeypatch.setattr(scans, "_upsert", down)
    assert scans.scans_flush() == 0
    assert scans.pending_hits() == 2
    monkeypatch.undo()
    assert scans.scans_flush() == 2
    assert WorkScanDay.objects.get(work=work, day=DAY).count == 2


def test_what_is_stored_is_a_count_and_nothing_about_visitors(client: Client) -> None:
    work = make_work()
    client.get(f"/o/{work.code}/v.gif", HTTP_USER_AGENT="Mozilla/5.0 Prueba", REMOTE_ADDR="203.0.113.9")
    scans.scans_flush()
    assert {f.name for f in WorkScanDay._meta.concrete_fields} == {"id", "work", "day", "count"}
    row = WorkScanDay.objects.values().get()
    assert "203.0.113.9" not in str(row) and "Mozilla" not in str(row)


# The staff page of visit counts ---------------------------------------------------------------

VISITS_ALLOWED = {"editor_own", "transparency", "admin"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_visits_page_permissions(persona: str, persona_client: Callable[[str], Client], world: object) -> None:
    work = make_work(office=world.own_office)  # type: ignore[attr-defined]
    response = persona_client(persona).get(f"/gestion/obras/{work.code}/visitas/")
    if persona == "anonymous":
        assert response.status_code == 302 and "/cuenta/ingresar/" in response["Location"]
    elif persona in VISITS_ALLOWED:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


def test_visits_page_shows_daily_counts_including_this_process_pending(
    persona_client: Callable[[str], Client], world: object
) -> None:
    from django.utils import timezone

    work = make_work(office=world.own_office)  # type: ignore[attr-defined]
    today = timezone.localdate()
    WorkScanDay.objects.create(work=work, day=today - datetime.timedelta(days=1), count=41)
    WorkScanDay.objects.create(work=work, day=today - datetime.timedelta(days=200), count=999)  # too old
    scans.scan_record(code=work.code)
    scans.scan_record(code=work.code)
    html = persona_client("editor_own").get(f"/gestion/obras/{work.code}/visitas/").content.decode()
    assert f'<time datetime="{today:%Y-%m-%d}">' in html
    assert '<td class="num">2</td>' in html and '<td class="num">41</td>' in html
    assert "999" not in html
    assert "43" in html  # the total
    for link in ("qr.svg", "qr.png", "valla.pdf"):
        assert f'href="/gestion/obras/{work.code}/{link}"' in html


def test_visits_page_of_an_unknown_work_is_not_found(persona_client: Callable[[str], Client]) -> None:
    assert persona_client("admin").get("/gestion/obras/ZZZZ9999/visitas/").status_code == 404
