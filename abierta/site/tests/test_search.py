"""Site search: full text on PostgreSQL, word by word on SQLite."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from abierta.plans.models import ActionPlan, Commitment
from abierta.site import search
from abierta.site.search import site_search
from factories import World


@pytest.fixture
def hidden_plan(world: World) -> ActionPlan:
    plan = ActionPlan.objects.create(
        slug="borrador",
        title="Borrador",
        jurisdiction="Cartagena",
        period_start=2024,
        period_end=2025,
        is_published=False,
    )
    Commitment.objects.create(
        plan=plan,
        code="DRAFT0001",
        title="Compromiso de prueba sin publicar",
        lead_institution=world.own_office,
        start_month=datetime.date(2024, 1, 1),
        end_month=datetime.date(2024, 6, 1),
    )
    return plan


def titles(hits: list[search.Hit]) -> list[str]:
    return [h.title for h in hits]


def test_site_search_on_current_database(world: World, hidden_plan: ActionPlan) -> None:
    hits = site_search("prueba")
    assert ("commitment", "TEST0001 Compromiso de prueba", world.commitment.get_absolute_url()) in [
        (h.kind, h.title, h.url) for h in hits
    ]
    assert ("milestone", "Hito de prueba", world.commitment.get_absolute_url()) in [
        (h.kind, h.title, h.url) for h in hits
    ]
    assert not any("TEST0002" in t or "DRAFT0001" in t or "sin publicar" in t for t in titles(hits))
    assert "TEST0002 Compromiso ajeno" in titles(site_search("ajeno"))
    assert site_search("") == []
    assert site_search("  a  ") == []
    assert site_search("zzzinexistente") == []


def test_search_page(world: World, client: Client) -> None:
    response = client.get(reverse("site:search"), {"q": "ajeno"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Compromiso ajeno" in html
    assert world.other_commitment.get_absolute_url() in html
    # The query is echoed as text, never as markup.
    response = client.get(reverse("site:search"), {"q": "<script>x</script>"})
    assert response.status_code == 200
    assert "<script>x</script>" not in response.content.decode()


@pytest.mark.dbfallback
def test_word_match_fallback(world: World, hidden_plan: ActionPlan) -> None:
    """The SQLite path: every word must appear (any case) in the code, title or texts.

    Run on SQLite by ``make fallback``; on PostgreSQL the vendor is overridden so the same path
    runs there too.
    """
    fake = mock.Mock(vendor="sqlite") if connection.vendor != "sqlite" else connection
    Commitment.objects.filter(pk=world.commitment.pk).update(description="Formación de veedurías en SECOP")
    with mock.patch.object(search, "connection", fake):
        assert titles(site_search("compromiso PRUEBA")) == ["TEST0001 Compromiso de prueba"]
        assert titles(site_search("compromiso")) == ["TEST0001 Compromiso de prueba", "TEST0002 Compromiso ajeno"]
        assert titles(site_search("secop veedurías")) == ["TEST0001 Compromiso de prueba"]
        assert titles(site_search("test0002")) == ["TEST0002 Compromiso ajeno"]
        assert titles(site_search("hito prueba")) == ["Hito de prueba"]
        assert titles(site_search("compromiso inexistente")) == []
        # Words of one letter are ignored; nothing but them means no search.
        assert titles(site_search("y ajeno")) == ["TEST0002 Compromiso ajeno", "Hito ajeno"]
        assert site_search("y o") == []
