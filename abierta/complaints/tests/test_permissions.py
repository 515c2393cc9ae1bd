"""Every handler page for every persona, written out by hand from ``abierta.complaints.access``:
only a transparency officer with a verified second factor handles complaints; a platform
administrator may read the audit log, nothing else.

Legend: ``LOGIN`` = 302 to the sign-in page; ``UNLOCK`` = 302 to the key's unlock page; ``DONE`` =
302 after a successful write; a number = that status code. "transparency" is the officer with the
key locked (no key yet); the last column, "unlocked", is the same officer with the key unlocked
and a grant of the case. POSTs send an empty form, so a handler gets 400 where input is required.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from abierta.accounts.models import User
from abierta.complaints import services
from abierta.complaints.models import Case
from abierta.complaints.tests.factories import file_case, handler_client, make_handler
from factories import PASSWORD, PERSONAS, make_user

LOGIN = "login"
UNLOCK = "unlock"
DONE = "done"

COLUMNS = [*PERSONAS, "unlocked"]

# (method, page)                 anon   citizen ed_own ed_oth monitor transp committee admin  unlocked
MATRIX: dict[tuple[str, str], tuple[Any, ...]] = {
    ("GET", "inbox"): (LOGIN, 403, 403, 403, 403, 200, 403, 403, 200),
    ("GET", "unlock"): (LOGIN, 403, 403, 403, 403, 200, 403, 403, 200),
    ("GET", "audit"): (LOGIN, 403, 403, 403, 403, 200, 403, 200, 200),
    ("GET", "case"): (LOGIN, 403, 403, 403, 403, UNLOCK, 403, 403, 200),
    ("GET", "attachment"): (LOGIN, 403, 403, 403, 403, UNLOCK, 403, 403, 200),
    ("POST", "case_status"): (LOGIN, 403, 403, 403, 403, UNLOCK, 403, 403, 400),
    ("POST", "case_assign"): (LOGIN, 403, 403, 403, 403, UNLOCK, 403, 403, DONE),
    ("POST", "case_message"): (LOGIN, 403, 403, 403, 403, UNLOCK, 403, 403, 400),
    ("POST", "case_extend"): (LOGIN, 403, 403, 403, 403, UNLOCK, 403, 403, 400),
    ("POST", "case_delete"): (LOGIN, 403, 403, 403, 403, UNLOCK, 403, 403, 400),
}

CASES = [
    pytest.param(method, page, persona, expected[i], id=f"{method}-{page}-{persona}")
    for (method, page), expected in MATRIX.items()
    for i, persona in enumerate(COLUMNS)
]

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00"
    b"\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82"
)


def url_for(page: str, case: Case) -> str:
    if page in ("inbox", "unlock", "audit"):
        return reverse(f"complaints:{page}")
    if page == "attachment":
        return reverse("complaints:attachment", args=[case.number, case.attachments.get().pk])
    return reverse(f"complaints:{page}", args=[case.number])


def test_matrix_covers_every_persona() -> None:
    assert all(len(row) == len(COLUMNS) for row in MATRIX.values())


@pytest.mark.parametrize(("method", "page", "persona", "expected"), CASES)
def test_permission(
    persona_client: Callable[[str], Client], method: str, page: str, persona: str, expected: Any
) -> None:
    unlocked = persona == "unlocked"
    client = handler_client(make_handler("unlocked@example.org")) if unlocked else persona_client(persona)
    # A colleague with a key, so that the case is sealed to someone other than the visitor too.
    make_handler("colleague@example.org")
    case = file_case(files=[services.Evidence("photo.png", "png", PNG)])
    before = (Case.objects.get(pk=case.pk).status, Case.objects.get(pk=case.pk).assigned_to_id)
    url = url_for(page, case)
    response = client.post(url, {}) if method == "POST" else client.get(url)

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    elif expected == UNLOCK:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("complaints:unlock") + "?next=")
    elif expected == DONE:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("complaints:case", args=[case.number]))
    else:
        assert response.status_code == expected
    if expected != DONE:
        after = Case.objects.get(pk=case.pk)
        assert (after.status, after.assigned_to_id) == before


@pytest.mark.django_db
def test_a_staff_session_without_the_second_factor_has_no_access() -> None:
    officer = make_user("officer@example.org", User.Role.TRANSPARENCY)
    services.handler_key_create(user=officer, password=PASSWORD)
    case = file_case()
    client = Client()
    client.force_login(officer)  # signed in with the password only: no verified device
    for url in (
        reverse("complaints:inbox"),
        reverse("complaints:unlock"),
        reverse("complaints:audit"),
        reverse("complaints:case", args=[case.number]),
    ):
        assert client.get(url).status_code == 403, url
    refused = client.post(reverse("complaints:unlock"), {"password": PASSWORD})
    assert refused.status_code == 403
    assert "abierta_hk" not in refused.cookies


@pytest.mark.django_db
def test_predicates_for_every_role() -> None:
    from abierta.complaints import access
    from factories import sign_in

    expected_handle = {User.Role.TRANSPARENCY}
    expected_audit = {User.Role.TRANSPARENCY, User.Role.ADMIN}
    for role in User.Role.values:
        user = make_user(f"{role}@example.org", role)
        assert access.may_handle(user) is False  # not verified: no device on this object
        client = sign_in(Client(), user)
        request_user = client.get(reverse("complaints:inbox")).wsgi_request.user
        assert access.may_handle(request_user) is (role in expected_handle), role
        assert access.may_read_audit(request_user) is (role in expected_audit), role
