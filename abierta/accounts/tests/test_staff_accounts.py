"""Offices and staff accounts: the services, the pages, the invitation link and its attacks, bad
input, the last platform admin, and the first admin from an empty database."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from abierta.accounts import services
from abierta.accounts.models import User
from abierta.accounts.roles import staff_user
from abierta.accounts.tests.factories import SETUP, current_code, es, login, mailed_paths
from abierta.core.models import ChangeRecord, Institution
from factories import PASSWORD, World, make_user, sign_in

pytestmark = pytest.mark.django_db

INVITE = reverse("accounts_staff:staff_invite")
LINK = "/cuenta/invitacion/"
NEW_PASSWORD = "otra-clave-muy-segura-42"


@pytest.fixture
def admin(world: World) -> User:
    return make_user("admin@example.org", User.Role.ADMIN, world.other_office)


@pytest.fixture
def admin_client(admin: User) -> Client:
    return sign_in(Client(), admin)


def invite(admin: User, world: World, email: str = "nueva@example.org", role: str = User.Role.EDITOR) -> User:
    return services.staff_invite(
        actor=admin, email=email, first_name="Nueva", last_name="Editora", role=role, institution=world.own_office
    )


def link() -> str:
    paths = mailed_paths(LINK)
    assert paths, "no invitation link was mailed"
    return paths[-1]


def snapshot() -> tuple[Any, ...]:
    return (
        list(User.objects.order_by("pk").values_list("email", "role", "institution_id", "is_active", "password")),
        list(Institution.objects.order_by("pk").values_list("name", "slug")),
        ChangeRecord.objects.count(),
        len(mail.outbox),
    )


# --- Services ------------------------------------------------------------------------------------


def test_institution_save_records_public_history(admin: User) -> None:
    office = services.institution_save(institution=Institution(name="Secretaría TIC", slug="tic"), actor=admin)
    office.phone = "605 123 4567"
    services.institution_save(institution=office, actor=admin)
    records = list(ChangeRecord.objects.filter(scope=office.history_scope()).order_by("at", "id"))
    assert [r.action for r in records] == ["created", "updated"]
    assert records[1].changes == {"phone": ["", "605 123 4567"]}
    assert records[0].actor == admin


def test_staff_invite_creates_an_account_that_cannot_sign_in_and_mails_a_link(admin: User, world: World) -> None:
    user = invite(admin, world)
    assert not user.has_usable_password()
    assert user.role == User.Role.EDITOR and user.institution == world.own_office and user.is_active
    assert [m.to for m in mail.outbox] == [["nueva@example.org"]]
    assert "Oficina Propia" in mail.outbox[0].body
    record = ChangeRecord.objects.get(scope=user.history_scope())
    assert record.action == "created" and record.actor == admin
    assert staff_user(user) is None


def test_staff_change_and_deactivation_are_recorded(admin: User, world: World) -> None:
    user = invite(admin, world)
    assert services.staff_change(actor=admin, user=user, role=User.Role.TRANSPARENCY, institution=None)
    assert not services.staff_change(actor=admin, user=user, role=User.Role.TRANSPARENCY, institution=None)
    services.staff_deactivate(actor=admin, user=user)
    services.staff_reactivate(actor=admin, user=user)
    changes = [r.changes for r in ChangeRecord.objects.filter(scope=user.history_scope()).order_by("at", "id")][1:]
    assert changes == [
        {"role": ["editor", "transparency"], "institution": ["Oficina Propia", ""]},
        {"is_active": [True, False]},
        {"is_active": [False, True]},
    ]


def test_last_active_admin(admin: User, world: World) -> None:
    assert services.last_active_admin(admin)
    other = make_user("admin2@example.org", User.Role.ADMIN)
    assert not services.last_active_admin(admin)
    services.staff_deactivate(actor=admin, user=other)
    assert services.last_active_admin(admin)


# --- The invitation link -------------------------------------------------------------------------


def test_invitation_sets_password_then_enrols_totp_and_signs_in(admin: User, world: World) -> None:
    invite(admin, world)
    client = Client()
    url = link()
    page = client.get(url)
    assert page.status_code == 200
    assert "nueva@example.org" in page.content.decode()
    assert client.get(url).status_code == 200, "opening the link does not use it up"
    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == SETUP
    user = User.objects.get(email="nueva@example.org")
    assert user.check_password(NEW_PASSWORD) and user.email_verified
    assert "_auth_user_id" not in client.session, "not signed in before the second factor"
    assert client.get(SETUP).status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post(SETUP, {"token": current_code(device)})
    assert done.status_code == 200
    assert done.context["next"] == reverse("site:staff_home")
    assert client.get(reverse("site:staff_home")).status_code == 200
    assert int(client.session["_auth_user_id"]) == user.pk
    record = ChangeRecord.objects.filter(scope=user.history_scope(), action="updated").get()
    assert record.changes == {"email_verified": [False, True]} and record.actor == user


def test_a_used_invitation_link_does_not_work_again(admin: User, world: World) -> None:
    invite(admin, world)
    url = link()
    Client().post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    before = snapshot()
    again = Client()
    assert again.get(url).status_code == 400
    response = again.post(url, {"password1": "tercera-clave-segura-7", "password2": "tercera-clave-segura-7"})
    assert response.status_code == 400
    assert es("This link does not work") in response.content.decode()
    assert snapshot() == before
    assert User.objects.get(email="nueva@example.org").check_password(NEW_PASSWORD)


def test_an_expired_invitation_link_does_not_work(
    admin: User, world: World, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    settings.ABIERTA_STAFF_INVITATION_HOURS = 72
    invite(admin, world)
    url = link()
    later = datetime.datetime.now() + datetime.timedelta(hours=73)  # noqa: DTZ005 - the generator's own clock
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: later)
    before = snapshot()
    assert Client().get(url).status_code == 400
    assert Client().post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}).status_code == 400
    assert snapshot() == before


@pytest.mark.parametrize("part", ["token", "uid"])
def test_a_tampered_invitation_link_does_not_work(admin: User, world: World, part: str) -> None:
    invite(admin, world)
    other = invite(admin, world, email="otra@example.org")
    _empty, _cuenta, _inv, uid, token, _end = link().split("/")
    if part == "token":
        token = token[:-1] + ("a" if token[-1] != "a" else "b")
    else:  # the link of one account, pointed at another
        uid = mailed_paths(LINK)[0].split("/")[3]
    url = f"{LINK}{uid}/{token}/"
    before = snapshot()
    assert Client().get(url).status_code == 400
    assert Client().post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}).status_code == 400
    assert snapshot() == before
    assert not other.has_usable_password()


def test_a_new_invitation_replaces_the_old_link(admin: User, world: World, admin_client: Client) -> None:
    user = invite(admin, world)
    old = link()
    response = admin_client.post(reverse("accounts_staff:staff_invite_again", args=[user.pk]))
    assert response.status_code == 302
    assert Client().get(old).status_code == 400
    assert Client().get(link()).status_code == 200


def test_a_deactivated_invitee_cannot_use_the_link(admin: User, world: World) -> None:
    user = invite(admin, world)
    services.staff_deactivate(actor=admin, user=user)
    assert Client().get(link()).status_code == 400


def test_a_weak_password_is_refused_in_spanish_and_nothing_is_written(admin: User, world: World) -> None:
    invite(admin, world)
    before = snapshot()
    response = Client().post(link(), {"password1": "12345", "password2": "12345"})
    assert response.status_code == 400
    assert response.context["form"].errors["password1"]
    assert "contraseña" in response.content.decode().lower()
    assert snapshot() == before


# --- The pages: bad input, CSRF, the last admin ---------------------------------------------------


def test_invite_from_the_page(admin_client: Client, world: World) -> None:
    data = {
        "email": "Editor@Example.org",
        "first_name": "Ana",
        "last_name": "Pérez",
        "role": "editor",
        "institution": world.own_office.pk,
    }
    response = admin_client.post(INVITE, data)
    user = User.objects.get(email="editor@example.org")
    assert response["Location"] == reverse("accounts_staff:staff_detail", args=[user.pk])
    assert len(mailed_paths(LINK)) == 1


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"email": "ADMIN@example.org"}, "email", "An account with this email already exists."),
        ({"role": "superuser"}, "role", None),
        ({"role": "citizen"}, "role", None),
        ({"institution": ""}, "institution", "Choose the office of this office editor."),
    ],
)
def test_bad_invitation_input(
    persona_client: Callable[[str], Client], world: World, change: dict[str, str], field: str, message: str | None
) -> None:
    client = persona_client("admin")
    data = {
        "email": "nuevo@example.org",
        "first_name": "Ana María",
        "last_name": "Pérez",
        "role": "editor",
        "institution": str(world.own_office.pk),
        **change,
    }
    before = snapshot()
    response = client.post(INVITE, data)
    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == [field]
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    if message:
        assert es(message) in html
    else:
        assert "Escoja una opción válida" in html
    assert 'value="Ana María"' in html, "what was typed is kept"
    assert snapshot() == before


def test_csrf_is_required(admin: User, world: World) -> None:
    client = sign_in(Client(enforce_csrf_checks=True), admin)
    user = invite(admin, world)
    before = snapshot()
    data = {"email": "x@example.org", "first_name": "X", "last_name": "Y", "role": "monitor"}
    assert client.post(INVITE, data).status_code == 403
    assert client.post(reverse("accounts_staff:staff_deactivate", args=[user.pk])).status_code == 403
    assert client.post(reverse("accounts_staff:office_new"), {"name": "X", "slug": "x"}).status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["citizen", "editor_own", "monitor", "transparency", "committee"])
def test_non_admins_cannot_invite_or_deactivate(
    persona_client: Callable[[str], Client], world: World, persona: str
) -> None:
    target = User.objects.create_user(email="t@example.org", role=User.Role.EDITOR, institution=world.own_office)
    client = persona_client(persona)
    before = snapshot()
    data = {"email": "x@example.org", "first_name": "X", "last_name": "Y", "role": "admin"}
    assert client.post(INVITE, data).status_code == 403
    assert client.post(reverse("accounts_staff:staff_deactivate", args=[target.pk])).status_code == 403
    assert client.post(reverse("accounts_staff:staff_detail", args=[target.pk]), {"role": "admin"}).status_code == 403
    assert snapshot() == before


def test_the_last_admin_cannot_demote_or_deactivate_themselves(admin: User, admin_client: Client) -> None:
    before = snapshot()
    detail = reverse("accounts_staff:staff_detail", args=[admin.pk])
    response = admin_client.post(detail, {"role": "transparency", "institution": ""})
    assert response.status_code == 400
    assert es("This is the only active platform administrator: make another one before changing this role.") in (
        response.content.decode()
    )
    deactivate = reverse("accounts_staff:staff_deactivate", args=[admin.pk])
    assert admin_client.get(deactivate).status_code == 409
    assert admin_client.post(deactivate).status_code == 409
    assert snapshot() == before
    # With a second admin, the first may step down.
    make_user("admin2@example.org", User.Role.ADMIN)
    assert admin_client.post(detail, {"role": "transparency", "institution": ""}).status_code == 302
    assert User.objects.get(pk=admin.pk).role == User.Role.TRANSPARENCY


def test_deactivation_asks_first_and_then_the_account_cannot_sign_in(
    admin: User, admin_client: Client, world: World
) -> None:
    editor = make_user("editora@example.org", User.Role.EDITOR, world.own_office)
    session = sign_in(Client(), editor)
    assert session.get(reverse("site:staff_home")).status_code == 200
    url = reverse("accounts_staff:staff_deactivate", args=[editor.pk])
    page = admin_client.get(url)
    assert page.status_code == 200 and User.objects.get(pk=editor.pk).is_active, "the GET only asks"
    assert 'class="button--secondary"' in page.content.decode()
    assert admin_client.post(url).status_code == 302
    assert not User.objects.get(pk=editor.pk).is_active
    # The open session ends, and the password no longer signs in.
    assert session.get(reverse("site:staff_home")).status_code == 302
    response = login(Client(), editor.email, PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in response.wsgi_request.session
    assert not response.context["form"].is_valid()
    # Reactivated, the password works again.
    admin_client.post(reverse("accounts_staff:staff_reactivate", args=[editor.pk]))
    assert login(Client(), editor.email, PASSWORD).status_code == 302


def test_bad_office_input_keeps_what_was_typed(admin_client: Client, world: World) -> None:
    before = snapshot()
    response = admin_client.post(
        reverse("accounts_staff:office_new"), {"name": "Oficina Propia", "slug": "no válido", "kind": "government"}
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "slug"}
    html = response.content.decode()
    assert es("An office with this name already exists.") in html
    assert 'value="no válido"' in html
    assert snapshot() == before


def test_office_history_is_public(admin_client: Client, world: World) -> None:
    url = reverse("accounts_staff:office_edit", args=[world.own_office.pk])
    admin_client.post(url, {"name": "Oficina Propia", "slug": "propia", "kind": "government", "phone": "123"})
    page = Client().get(reverse("accounts_staff:office_history", args=["propia"]))
    assert page.status_code == 200
    assert "admin@example.org" not in page.content.decode()
    assert "123" in page.content.decode()


def test_staff_list_filters_and_pages(admin_client: Client, world: World) -> None:
    for n in range(55):
        User.objects.create_user(email=f"e{n:02d}@example.org", role=User.Role.EDITOR, institution=world.own_office)
    User.objects.create_user(email="m@example.org", role=User.Role.MONITOR, institution=world.monitoring_body)
    User.objects.create_user(email="ciudadana@example.org")
    url = reverse("accounts_staff:staff_list")
    first = admin_client.get(url)
    assert len(first.context["page"].object_list) == 50
    emails = {u.email for u in first.context["page"].paginator.object_list}
    assert "ciudadana@example.org" not in emails
    assert {u.email for u in admin_client.get(url, {"rol": "monitor"}).context["page"].object_list} == {"m@example.org"}
    by_office = admin_client.get(url, {"oficina": world.monitoring_body.pk}).context["page"].object_list
    assert {u.email for u in by_office} == {"m@example.org"}
    assert admin_client.get(url, {"rol": "nada", "oficina": "x"}).context["page"].paginator.count == 57


# --- The first platform admin --------------------------------------------------------------------


def test_createsuperuser_makes_a_platform_admin_who_enrols_totp(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", interactive=False, email="primera@example.org", verbosity=0)
    user = User.objects.get(email="primera@example.org")
    assert user.role == User.Role.ADMIN and user.email_verified and user.is_superuser
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, user.email, PASSWORD, next="/gestion/")
    assert response.status_code == 200 and response.context["sent"] is True
    path = mailed_paths("/cuenta/ingresar/activar-2fa/")[0]
    assert client.post(path)["Location"] == SETUP
    assert client.get(SETUP).status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.post(SETUP, {"token": current_code(device)}).status_code == 200
    assert client.get(reverse("accounts_staff:staff_invite")).status_code == 200
