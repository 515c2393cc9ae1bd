"""Reporter pages are the same for every persona: no account is needed, and none is linked."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from abierta.complaints.models import Case
from factories import PERSONAS

PAGES = ["/denuncias/", "/denuncias/nueva/", "/denuncias/seguimiento/", "/denuncias/estadisticas/"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_persona_sees_the_reporter_pages_without_their_account(
    persona: str, persona_client: Callable[[str], Client]
) -> None:
    client = persona_client(persona)
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, (persona, path)
        html = response.content.decode()
        # Nothing on the page ties it to the signed-in account: no email, no sign-out form.
        assert "@example.org" not in html, (persona, path)
        assert "csrfmiddlewaretoken" not in html, (persona, path)
        assert set(response.cookies) <= {"sid", "sid_en"}, (persona, path)


@pytest.mark.parametrize("persona", ["citizen", "transparency", "admin"])
def test_a_signed_in_person_reports_like_anyone_else(
    persona: str, persona_client: Callable[[str], Client], settings: object
) -> None:
    """The case keeps no trace of the account the browser was signed in with."""
    settings.ABIERTA_COMPLAINTS_NOJS_WAIT_SECONDS = 0  # type: ignore[attr-defined]
    client = persona_client(persona)
    form = client.get("/denuncias/nueva/").content.decode()
    challenge = form.split('name="challenge" value="')[1].split('"')[0]
    response = client.post(
        "/denuncias/nueva/",
        {
            "challenge": challenge,
            "pow": "",
            "category": Case.Category.ABUSE,
            "what": "El jefe de la oficina obliga a los contratistas a trabajar en su campaña política.",
            "identity": "anonymous",
        },
    )
    assert response.status_code == 200 and 'id="receipt"' in response.content.decode()
    case = Case.objects.get()
    assert case.assigned_to is None and not case.identified
    assert set(response.cookies) <= {"sid", "sid_en"}
