"""Protection 4: handler keys. The private key is never stored in the clear (not in its table, not
in the sessions table); a wrong password opens nothing; an administrator, through the pages or
the database, sees only ciphertext; a password change keeps access, and a lost key is replaced and
re-granted by a colleague or with the office's recovery key.
"""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest
from django.contrib import admin
from django.contrib.sessions.models import Session
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from abierta.accounts.models import User
from abierta.complaints import crypto, keyring, services
from abierta.complaints.models import Attachment, Case, CaseGrant, HandlerKey, Message
from abierta.complaints.tests.factories import (
    SECRET,
    case_url,
    file_case,
    handler_client,
    make_handler,
    session_private_key,
)
from factories import PASSWORD, sign_in

pytestmark = pytest.mark.django_db

FILE_SECRET = b"PERGAMINO-4409 receipt of the bribe"
NOTE_SECRET = "OCELOTE-1180 the witness works in contracts"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\nBT (" + FILE_SECRET + b") Tj ET\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _encodings(secret: bytes) -> list[bytes]:
    return [secret, secret.hex().encode(), base64.b64encode(secret), crypto.b64(secret).encode()]


def _contains(haystack: bytes, secret: bytes) -> bool:
    return any(form in haystack for form in _encodings(secret))


def test_the_stored_key_is_wrapped_and_a_wrong_password_opens_nothing() -> None:
    user = make_handler()
    key = HandlerKey.objects.get(user=user)
    private = services.handler_key_unlock(user=user, password=PASSWORD)
    assert len(private) == 32
    assert not _contains(bytes(key.wrapped_private_key), private)
    assert not _contains(bytes(key.public_key), private)
    with pytest.raises(crypto.DecryptionError):
        services.handler_key_unlock(user=user, password=PASSWORD + "x")
    client = sign_in(Client(), user)
    response = client.post(reverse("complaints:unlock"), {"password": "guess-1234"})
    assert response.status_code == 400
    assert keyring.COOKIE_NAME not in response.cookies


def test_an_administrator_sees_only_ciphertext(persona_client: Callable[[str], Client]) -> None:
    handler = make_handler()
    hclient = handler_client(handler)
    case = file_case(files=[services.Evidence("recibo.pdf", "pdf", PDF)])
    hclient.post(case_url(case, "complaints:case_message"), {"body": NOTE_SECRET, "internal": "on"})

    # Direct database reads: every stored column and file is ciphertext.
    stored = Case.objects.get(pk=case.pk)
    assert not _contains(bytes(stored.content), SECRET.encode())
    assert all(not _contains(bytes(m.body), NOTE_SECRET.encode()) for m in Message.objects.filter(case=case))
    for attachment in Attachment.objects.filter(case=case):
        with default_storage.open(attachment.blob, "rb") as handle:
            assert not _contains(handle.read(), FILE_SECRET)
        assert not _contains(bytes(attachment.meta), b"recibo.pdf")

    # The administrator persona has no grant, and the pages refuse them.
    client = persona_client("admin")
    admin_user = User.objects.get(email="admin@example.org")
    assert not CaseGrant.objects.filter(user=admin_user).exists()
    assert client.get(case_url(case)).status_code == 403
    attachment_url = reverse("complaints:attachment", args=[case.number, case.attachments.get().pk])
    assert client.get(attachment_url).status_code == 403
    assert client.get(attachment_url + "?original=1").status_code == 403
    assert client.get(reverse("complaints:inbox")).status_code == 403
    # Not through the Django admin either.
    for model in (Case, Message, Attachment, HandlerKey, CaseGrant):
        assert not admin.site.is_registered(model)
    # Nor can they make themselves a handler key: the key page is for transparency officers only.
    assert client.get(reverse("complaints:unlock")).status_code == 403


def test_the_sessions_table_holds_no_usable_private_key() -> None:
    user = make_handler()
    client = handler_client(user)
    case = file_case()
    private = services.handler_key_unlock(user=user, password=PASSWORD)

    rows = list(Session.objects.all())
    assert rows
    for row in rows:
        assert not _contains(row.session_data.encode(), private)
        decoded = row.get_decoded()
        assert not any(_contains(str(value).encode(), private) for value in decoded.values())
    stored = Session.objects.get(session_key=client.session.session_key).get_decoded()[keyring.SESSION_KEY]
    # Without E (the cookie) the stored value does not open; with another random key neither.
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(crypto.new_key(), crypto.unb64(stored))
    assert crypto.decrypt(crypto.unb64(client.cookies[keyring.COOKIE_NAME].value), crypto.unb64(stored)) == private

    # The session cookie alone (someone who copied the sessions table and forged the cookie) opens nothing.
    thief = Client()
    thief.cookies["sessionid"] = client.cookies["sessionid"].value
    response = thief.get(case_url(case))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("complaints:unlock"))
    # The E cookie alone, with another session of the same person, neither.
    other = sign_in(Client(), user)
    other.cookies[keyring.COOKIE_NAME] = client.cookies[keyring.COOKIE_NAME].value
    assert other.get(case_url(case)).status_code == 302
    # Both together do.
    assert client.get(case_url(case)).status_code == 200


def test_password_change_then_rewrap_keeps_access() -> None:
    user = make_handler()
    case = file_case()
    new_password = "a-brand-new-passphrase-42"
    user.set_password(new_password)
    user.save()
    client = sign_in(Client(), user)
    url = reverse("complaints:unlock")

    asks = client.post(url, {"password": new_password})
    assert asks.status_code == 400
    assert asks.context["form"].errors["previous_password"]
    wrong_previous = client.post(url, {"password": new_password, "previous_password": "not-it-999"})
    assert wrong_previous.status_code == 400
    done = client.post(url, {"password": new_password, "previous_password": PASSWORD})
    assert done.status_code == 302
    assert client.get(case_url(case)).status_code == 200
    # The key now opens with the new password only.
    services.handler_key_unlock(user=user, password=new_password)
    with pytest.raises(crypto.DecryptionError):
        services.handler_key_unlock(user=user, password=PASSWORD)
    # Someone who only knows the old password cannot use it as the account password.
    assert sign_in(Client(), user).post(url, {"password": PASSWORD}).status_code == 400


def _lose_key(user: User) -> Client:
    """The handler forgot their password: it is reset, and they replace their key with a new one."""
    reset_password = "reset-by-the-admin-77"
    user.set_password(reset_password)
    user.save()
    client = sign_in(Client(), user)
    response = client.post(reverse("complaints:unlock"), {"password": reset_password, "new_key": "on"})
    assert response.status_code == 302
    return client


def test_key_loss_then_a_colleague_grants_access_again() -> None:
    loser = make_handler()
    colleague = make_handler("colleague@example.org")
    case = file_case()
    old_fingerprint = crypto.fingerprint(bytes(HandlerKey.objects.get(user=loser).public_key))
    client = _lose_key(loser)
    assert crypto.fingerprint(bytes(HandlerKey.objects.get(user=loser).public_key)) != old_fingerprint

    refused = client.get(case_url(case))
    assert refused.status_code == 403
    assert SECRET.encode() not in refused.content

    colleague_client = handler_client(colleague)
    assert colleague_client.post(case_url(case, "complaints:case_assign"), {"handler": loser.pk}).status_code == 302
    page = client.get(case_url(case))
    assert page.status_code == 200
    assert SECRET.encode() in page.content


def test_key_loss_then_the_recovery_key_grants_access_again() -> None:
    recovery_public, recovery_private = crypto.new_keypair()
    services.recovery_key_install(public_key=recovery_public)
    loser = make_handler()  # the only handler: no colleague can help
    case = file_case()
    client = _lose_key(loser)
    assert client.get(case_url(case)).status_code == 403
    assert services.recovery_grant(case=case, recovery_private_key=recovery_private, to=loser) is True
    assert client.get(case_url(case)).status_code == 200
    opened = services.case_open_as_handler(case=case, user=loser, private_key=session_private_key(client))
    assert opened is not None and services.case_content(opened).what == SECRET
