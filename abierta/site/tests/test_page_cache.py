"""The anonymous page cache: served from cache, invalidated by any change, never for signed-in people."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from abierta.core.cache import current_version
from abierta.plans.models import ProgressUpdate
from factories import World, make_user, sign_in


def test_second_anonymous_visit_is_served_from_cache(world: World, client: Client) -> None:
    url = world.commitment.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    second = client.get(url)
    assert second["X-Page-Cache"] == "hit"
    assert world.commitment.title in second.content.decode()


def test_a_change_shows_at_once(world: World, client: Client) -> None:
    url = world.commitment.get_absolute_url()
    client.get(url)
    before = current_version()
    ProgressUpdate.objects.create(
        milestone=world.milestone, date=datetime.date(2023, 2, 1), text="Avance recién publicado"
    )
    assert current_version() > before
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "Avance recién publicado" in response.content.decode()


def test_many_to_many_change_invalidates(world: World, client: Client) -> None:
    before = current_version()
    world.commitment.supporting_institutions.add(world.other_office)
    assert current_version() > before


def test_signed_in_people_never_get_or_fill_the_cache(world: World, client: Client) -> None:
    url = world.commitment.get_absolute_url()
    citizen = sign_in(Client(), make_user("vecina@example.org"))
    response = citizen.get(url)
    assert response.status_code == 200
    assert "X-Page-Cache" not in response
    # The anonymous visitor's first visit is a miss: the signed-in page was not stored.
    assert client.get(url)["X-Page-Cache"] == "miss"


def test_languages_are_cached_apart(world: World, client: Client) -> None:
    url = world.plan.get_absolute_url()
    spanish = client.get(url).content.decode()
    english = client.get("/en" + url).content.decode()
    assert 'lang="es-CO"' in spanish
    assert 'lang="en"' in english


@pytest.mark.parametrize("seconds", [0])
def test_cache_can_be_turned_off(world: World, client: Client, settings: object, seconds: int) -> None:
    settings.ABIERTA_PAGE_CACHE_SECONDS = seconds  # type: ignore[attr-defined]
    url = world.plan.get_absolute_url()
    client.get(url)
    assert "X-Page-Cache" not in client.get(url)


def test_only_infrastructure_saves_leave_the_version_alone(world: World) -> None:
    from django.contrib.sessions.backends.db import SessionStore

    before = current_version()
    session = SessionStore()
    session["x"] = 1
    session.save()
    assert current_version() == before
    world.plan.title = "Plan renombrado"
    world.plan.save()
    assert current_version() > before


def test_complaint_cases_and_their_audit_leave_the_version_alone(world: World) -> None:
    """A handler reading a case writes an audit entry; that must not empty the public page cache."""
    from abierta.complaints import services
    from abierta.complaints.models import Case

    before = current_version()
    case, _ = services.complaint_submit(
        report=services.ReportData(category=Case.Category.OTHER, what="hechos"), files=[]
    )
    services.audit_append(actor=None, action="read", case=case)
    assert current_version() == before


def test_votes_leave_the_version_alone(world: World) -> None:
    """Voters and ballots are written at hundreds a second and shown on no cached page."""
    from abierta.participation.models import Ballot, Consultation, Process, VoteCode, Voter

    moment = timezone.now()
    process = Process.objects.create(
        plan=world.plan,
        title="Cocreación",
        tables_from=moment,
        analysis_from=moment,
        consultation_from=moment,
        results_from=moment,
    )
    consultation = Consultation.objects.create(process=process, question="¿Cuál?", opens_at=moment, closes_at=moment)
    before = current_version()
    Voter.objects.create(consultation=consultation, document_hash="a" * 64)
    Ballot.objects.create(consultation=consultation, receipt_hash="b" * 64, choices=[1], channel="web", cast_on=moment)
    VoteCode.objects.create(consultation=consultation, document_hash="a" * 64, code_hash="c" * 64, expires_at=moment)
    assert current_version() == before
    world.plan.title = "Otro título"
    world.plan.save()
    assert current_version() > before
