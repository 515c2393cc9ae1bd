"""The permission matrix of the offices and staff accounts pages, for every persona.

Written out by hand from ``abierta.accounts.access``: offices are managed by the platform admin and
the transparency officer (``may_manage_offices``), staff accounts by the platform admin only
(``may_manage_staff``); an office's history is public.

Legend: ``LOGIN`` = 302 to the sign-in page; ``DONE`` = 302 after the change was made; a number =
that status code. ``POST`` sends an empty form (400 with its errors when the persona may use it);
``POST_VALID`` sends a complete one. A refused or invalid request changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from abierta.accounts.models import User
from abierta.core.models import ChangeRecord, Institution
from factories import PERSONAS, World, make_user

LOGIN = "login"
DONE = "done"
ANY = (LOGIN, 403, 403, 403, 403, 403, 403)  # every persona but the admin (last column)
OFFICES = (LOGIN, 403, 403, 403, 403)  # anonymous … monitor; then transparency, committee, admin

# Columns: anonymous, citizen, editor_own, editor_other, monitor, transparency, committee, admin.
MATRIX: dict[tuple[str, str], tuple[Any, ...]] = {
    ("office_list", "GET"): (*OFFICES, 200, 403, 200),
    ("office_new", "GET"): (*OFFICES, 200, 403, 200),
    ("office_new", "POST"): (*OFFICES, 400, 403, 400),
    ("office_new", "POST_VALID"): (*OFFICES, DONE, 403, DONE),
    ("office_edit", "GET"): (*OFFICES, 200, 403, 200),
    ("office_edit", "POST"): (*OFFICES, 400, 403, 400),
    ("office_edit", "POST_VALID"): (*OFFICES, DONE, 403, DONE),
    ("office_history", "GET"): (200, 200, 200, 200, 200, 200, 200, 200),
    ("staff_list", "GET"): (*ANY, 200),
    ("staff_invite", "GET"): (*ANY, 200),
    ("staff_invite", "POST"): (*ANY, 400),
    ("staff_invite", "POST_VALID"): (*ANY, DONE),
    ("staff_detail", "GET"): (*ANY, 200),
    ("staff_detail", "POST"): (*ANY, 400),
    ("staff_detail", "POST_VALID"): (*ANY, DONE),
    ("staff_deactivate", "GET"): (*ANY, 200),
    ("staff_deactivate", "POST"): (*ANY, DONE),
    ("staff_reactivate", "GET"): (405,) * 8,
    ("staff_reactivate", "POST"): (*ANY, DONE),
    ("staff_invite_again", "POST"): (*ANY, DONE),
}

CASES = [
    pytest.param(name, method, persona, expected[i], id=f"{name}-{method}-{persona}")
    for (name, method), expected in MATRIX.items()
    for i, persona in enumerate(PERSONAS)
]

VALID: dict[str, dict[str, str]] = {
    "office_new": {"name": "Secretaría de Hacienda", "slug": "hacienda", "kind": "government"},
    "office_edit": {"name": "Oficina Propia Renombrada", "slug": "propia", "kind": "government"},
    "staff_invite": {
        "email": "nuevo@example.org",
        "first_name": "Nuevo",
        "last_name": "Editor",
        "role": "editor",
    },
    "staff_detail": {"role": "transparency", "institution": ""},
}


@pytest.fixture
def invited(world: World) -> User:
    """A staff account invited, not yet accepted (its password is unusable)."""
    user = User.objects.create_user(email="invitada@example.org", role=User.Role.EDITOR, institution=world.own_office)
    return user


def url_for(name: str, world: World, invited: User) -> str:
    if name == "office_edit":
        return reverse("accounts_staff:office_edit", args=[world.own_office.pk])
    if name == "office_history":
        return reverse("accounts_staff:office_history", args=[world.own_office.slug])
    if name in {"staff_detail", "staff_deactivate", "staff_reactivate", "staff_invite_again"}:
        return reverse(f"accounts_staff:{name}", args=[invited.pk])
    return reverse(f"accounts_staff:{name}")


def fingerprint() -> tuple[Any, ...]:
    return (
        list(Institution.objects.order_by("pk").values_list("name", "slug", "kind")),
        list(User.objects.order_by("pk").values_list("email", "role", "institution_id", "is_active", "password")),
        ChangeRecord.objects.count(),
        len(mail.outbox),
    )


def test_matrix_covers_every_persona_and_every_url() -> None:
    assert all(len(row) == len(PERSONAS) for row in MATRIX.values())
    from abierta.accounts import staff_urls

    assert {p.name for p in staff_urls.urlpatterns} == {name for name, _m in MATRIX}


@pytest.mark.parametrize(("name", "method", "persona", "expected"), CASES)
def test_permission(
    name: str,
    method: str,
    persona: str,
    expected: Any,
    world: World,
    invited: User,
    persona_client: Callable[[str], Client],
) -> None:
    client = persona_client(persona)
    if name == "staff_reactivate":
        User.objects.filter(pk=invited.pk).update(is_active=False)
    url = url_for(name, world, invited)
    before = fingerprint()
    data = VALID.get(name, {}) if method == "POST_VALID" else {}
    if name == "staff_invite" and data:
        data = {**data, "institution": str(world.own_office.pk)}
    response = client.get(url) if method == "GET" else client.post(url, data)

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login") + "?next=")
    elif expected == DONE:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert fingerprint() != before
        assert ChangeRecord.objects.count() > before[2] or len(mail.outbox) > before[3]
    else:
        assert response.status_code == expected
    if expected != DONE:
        assert fingerprint() == before, "a refused or invalid request changed something"


@pytest.mark.parametrize("role", [User.Role.TRANSPARENCY, User.Role.ADMIN])
def test_staff_without_second_factor_are_refused(world: World, invited: User, role: str) -> None:
    user = make_user(f"sin2fa-{role}@example.org", role, world.own_office)
    client = Client()
    client.force_login(user)
    before = fingerprint()
    for name in ("office_list", "staff_list", "staff_invite", "staff_detail", "staff_deactivate"):
        assert client.get(url_for(name, world, invited)).status_code == 403, name
    assert client.post(url_for("staff_invite", world, invited), VALID["staff_invite"]).status_code == 403
    assert client.post(url_for("staff_deactivate", world, invited)).status_code == 403
    assert fingerprint() == before


def test_staff_home_links_follow_the_predicates(persona_client: Callable[[str], Client]) -> None:
    offices = reverse("accounts_staff:office_list")
    staff = reverse("accounts_staff:staff_list")
    invite = reverse("accounts_staff:staff_invite")
    for persona in PERSONAS:
        response = persona_client(persona).get(reverse("site:staff_home"))
        if response.status_code != 200:
            assert persona in {"anonymous", "citizen"}
            continue
        html = response.content.decode()
        assert (offices in html) == (persona in {"transparency", "admin"}), persona
        assert (staff in html) == (persona == "admin"), persona
        assert (invite in html) == (persona == "admin"), persona
