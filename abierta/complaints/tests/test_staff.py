"""The handler's workflow through the pages: unlock, inbox, a case from receipt to closing,
assignment, messages, the extension rules and the deadline filters.

The helpers (``make_handler``, ``handler_client``, ``file_case`` …) are in factories.py, shared by the
other handler-side test modules.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from abierta.accounts.models import User
from abierta.complaints import keyring, services
from abierta.complaints.businessdays import add_business_days
from abierta.complaints.models import AuditEntry, Case, CaseGrant, Message
from abierta.complaints.tests.factories import (
    SECRET,
    WHO,
    case_url,
    file_case,
    handler_client,
    make_handler,
    session_private_key,
)
from factories import PASSWORD, make_user, sign_in


def actions() -> list[str]:
    return list(AuditEntry.objects.order_by("id").values_list("action", flat=True))


# ---------------------------------------------------------------- unlock


@pytest.mark.django_db
def test_first_unlock_creates_the_key_and_shows_its_fingerprint() -> None:
    user = make_handler(key=False)
    client = sign_in(Client(), user)
    page = client.get(reverse("complaints:unlock"))
    assert page.status_code == 200
    assert b"Create" in page.content or b"Crear" in page.content
    wrong = client.post(reverse("complaints:unlock"), {"password": "not-my-password"})
    assert wrong.status_code == 400
    assert not hasattr(User.objects.get(pk=user.pk), "handler_key")
    assert keyring.COOKIE_NAME not in wrong.cookies
    done = client.post(reverse("complaints:unlock"), {"password": PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == reverse("complaints:inbox")
    cookie = done.cookies[keyring.COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/"
    assert not cookie["max-age"] and not cookie["expires"]
    assert keyring.SESSION_KEY in client.session
    assert "unlocked" in actions() and "key-created" in actions()
    again = client.get(reverse("complaints:unlock"))
    fingerprint = again.context["fingerprint"]
    assert fingerprint and fingerprint.encode() in again.content


@pytest.mark.django_db
def test_unlock_redirects_only_to_a_safe_next() -> None:
    client = sign_in(Client(), make_handler())
    url = reverse("complaints:unlock")
    inside = client.post(url, {"password": PASSWORD, "next": "/gestion/denuncias/?mine=on"})
    assert inside["Location"] == "/gestion/denuncias/?mine=on"
    outside = client.post(url, {"password": PASSWORD, "next": "https://evil.example/"})
    assert outside["Location"] == reverse("complaints:inbox")


@pytest.mark.django_db
def test_wrong_password_says_so_and_stores_nothing() -> None:
    client = sign_in(Client(), make_handler())
    response = client.post(reverse("complaints:unlock"), {"password": "wrong-password-1"})
    assert response.status_code == 400
    assert response.context["form"].errors["password"]
    assert keyring.SESSION_KEY not in client.session
    assert keyring.COOKIE_NAME not in response.cookies
    assert actions()[-1] == "unlock-failed"


@pytest.mark.django_db
def test_lock_forgets_the_key() -> None:
    client = handler_client(make_handler())
    case = file_case()
    assert client.get(case_url(case)).status_code == 200
    response = client.post(reverse("complaints:unlock"), {"lock": "1"})
    assert response.status_code == 302
    assert keyring.SESSION_KEY not in client.session
    locked = client.get(case_url(case))
    assert locked.status_code == 302
    assert locked["Location"].startswith(reverse("complaints:unlock") + "?next=")


# ---------------------------------------------------------------- inbox


@pytest.mark.django_db
def test_inbox_shows_metadata_without_the_key_and_a_locked_banner() -> None:
    user = make_handler()
    case = file_case()
    client = sign_in(Client(), user)  # signed in, key locked
    page = client.get(reverse("complaints:inbox"))
    assert page.status_code == 200
    assert page.context["locked"] is True
    assert case.number.encode() in page.content
    assert SECRET.encode() not in page.content
    assert reverse("complaints:unlock").encode() in page.content
    assert not AuditEntry.objects.filter(action="read").exists()


@pytest.mark.django_db
def test_inbox_filters_by_status_mine_and_hides_deleted() -> None:
    me = make_handler()
    other = make_handler("other@example.org")
    client = handler_client(me)
    mine = file_case()
    theirs = file_case()
    closed = file_case()
    gone = file_case()
    Case.objects.filter(pk=mine.pk).update(assigned_to=me)
    Case.objects.filter(pk=theirs.pk).update(assigned_to=other)
    services.case_transition(case=closed, actor=me, status=Case.Status.CLOSED)
    services.case_transition(case=gone, actor=me, status=Case.Status.CLOSED)
    services.case_delete(case=Case.objects.get(pk=gone.pk), actor=me)

    def numbers(query: dict[str, str]) -> set[str]:
        response = client.get(reverse("complaints:inbox"), query)
        assert response.status_code == 200
        return {row.case.number for row in response.context["page"].object_list}

    assert numbers({}) == {mine.number, theirs.number, closed.number}
    assert numbers({"mine": "on"}) == {mine.number}
    assert numbers({"status": "closed"}) == {closed.number}
    assert numbers({"status": "deleted"}) == {gone.number}


@pytest.mark.django_db
def test_overdue_and_due_soon_filters_with_fixed_dates() -> None:
    client = handler_client(make_handler())
    today = services.today()
    late = file_case()
    soon = file_case()
    far = file_case()
    answered = file_case()
    Case.objects.filter(pk=late.pk).update(due_on=today - datetime.timedelta(days=10))
    soon_day = add_business_days(today, settings.ABIERTA_COMPLAINTS_DUE_SOON_DAYS)
    Case.objects.filter(pk=soon.pk).update(due_on=soon_day)
    Case.objects.filter(pk=far.pk).update(due_on=add_business_days(today, 12))
    Case.objects.filter(pk=answered.pk).update(due_on=today - datetime.timedelta(days=10), status=Case.Status.ANSWERED)

    def rows(view: str) -> dict[str, int | None]:
        response = client.get(reverse("complaints:inbox"), {"view": view} if view else {})
        return {row.case.number: row.days_left for row in response.context["page"].object_list}

    assert set(rows("overdue")) == {late.number}
    assert rows("overdue")[late.number] is not None
    assert rows("overdue")[late.number] < 0  # type: ignore[operator]
    assert rows("due_soon") == {soon.number: settings.ABIERTA_COMPLAINTS_DUE_SOON_DAYS}
    everything = rows("")
    assert everything[far.number] == 12
    assert everything[answered.number] is None
    page = client.get(reverse("complaints:inbox")).content.decode()
    assert "badge--overdue" in page and "badge--due-soon" in page


@pytest.mark.django_db
def test_unread_marker_clears_when_a_handler_reads_and_returns_on_reply() -> None:
    client = handler_client(make_handler())
    case = file_case()
    assert Case.objects.get(pk=case.pk).unread
    client.get(case_url(case))
    assert not Case.objects.get(pk=case.pk).unread
    opened = services.case_open_as_handler(
        case=case, user=User.objects.get(email="handler@example.org"), private_key=session_private_key(client)
    )
    assert opened is not None
    services.reporter_reply(opened=opened, body="More facts", files=[])
    page = client.get(reverse("complaints:inbox")).content.decode()
    assert "complaints-unread" in page


# ---------------------------------------------------------------- a case


@pytest.mark.django_db
def test_case_page_decrypts_the_report_and_logs_a_read() -> None:
    client = handler_client(make_handler())
    anonymous = file_case(where="Calle 30", reference="CT-2025-001")
    identified = file_case(identified=True, name="Ana Testigo", document_number="1047000111", contact="ana@x.co")
    page = client.get(case_url(anonymous))
    assert page.status_code == 200
    text = page.content.decode()
    assert SECRET in text and WHO in text and "Calle 30" in text and "CT-2025-001" in text
    assert "complaints-identity" not in text
    assert page["Cache-Control"].count("no-store") == 1
    shown = client.get(case_url(identified)).content.decode()
    assert "Ana Testigo" in shown and "1047000111" in shown and "ana@x.co" in shown
    reads = AuditEntry.objects.filter(action="read").values_list("case_number", flat=True)
    assert list(reads) == [anonymous.number, identified.number]


@pytest.mark.django_db
def test_workflow_from_received_to_closed() -> None:
    user = make_handler()
    client = handler_client(user)
    case = file_case()
    status_url = case_url(case, "complaints:case_status")

    # A transition that is not allowed from "received" is refused and nothing changes.
    refused = client.post(status_url, {"status": Case.Status.ANSWERED})
    assert refused.status_code == 400
    assert Case.objects.get(pk=case.pk).status == Case.Status.RECEIVED

    for status in (Case.Status.TRIAGE, Case.Status.INVESTIGATION):
        assert client.post(status_url, {"status": status}).status_code == 302
        assert Case.objects.get(pk=case.pk).status == status

    # Forwarding needs an authority; the form keeps what was chosen.
    missing = client.post(status_url, {"status": Case.Status.FORWARDED})
    assert missing.status_code == 400
    assert missing.context["status_form"].errors["authority"]
    assert missing.context["status_form"]["status"].value() == Case.Status.FORWARDED
    assert client.post(status_url, {"status": "forwarded", "authority": "procuraduria"}).status_code == 302
    case.refresh_from_db()
    assert (case.status, case.forwarded_to, case.forwarded_on) == ("forwarded", "procuraduria", services.today())

    assert client.post(status_url, {"status": Case.Status.ANSWERED}).status_code == 302
    assert client.post(status_url, {"status": Case.Status.CLOSED}).status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    assert case.answered_on == case.closed_on == services.today()
    assert case.delete_after is not None
    details = list(AuditEntry.objects.filter(action="status").values_list("detail", flat=True))
    assert details == [
        "received → triage",
        "triage → investigation",
        "investigation → forwarded (procuraduria)",
        "forwarded → answered",
        "answered → closed",
    ]


@pytest.mark.django_db
def test_assignment_grants_access_to_the_assignee() -> None:
    first = make_handler()
    case = file_case()
    newcomer = make_handler("newcomer@example.org")  # a key made after the case arrived
    newcomer_client = handler_client(newcomer)
    refused = newcomer_client.get(case_url(case))
    assert refused.status_code == 403
    assert b"assign it to you" in refused.content or refused.templates[0].name == "complaints/staff/no_access.html"

    client = handler_client(first)
    page = client.get(case_url(case))
    assert newcomer.pk in [
        choice.value for choice, _label in page.context["assign_form"].fields["handler"].choices if choice
    ]
    response = client.post(case_url(case, "complaints:case_assign"), {"handler": newcomer.pk})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).assigned_to == newcomer
    assert CaseGrant.objects.filter(case=case, user=newcomer).exists()
    assert newcomer_client.get(case_url(case)).status_code == 200
    assert {"granted", "assigned"} <= set(actions())

    # A user who is not a handler cannot be chosen.
    citizen = make_user("someone@example.org")
    bad = client.post(case_url(case, "complaints:case_assign"), {"handler": citizen.pk})
    assert bad.status_code == 400


@pytest.mark.django_db
def test_messages_reach_the_reporter_and_notes_stay_internal() -> None:
    user = make_handler()
    client = handler_client(user)
    case = file_case()
    url = case_url(case, "complaints:case_message")
    empty = client.post(url, {"body": "", "internal": "on"})
    assert empty.status_code == 400
    assert client.post(url, {"body": "Please send the invoice."}).status_code == 302
    assert client.post(url, {"body": "Looks like case D-2024-7", "internal": "on"}).status_code == 302

    opened = services.case_open_as_handler(case=case, user=user, private_key=session_private_key(client))
    assert opened is not None
    to_reporter = [m.body for m in services.case_messages(opened, include_internal=False)]
    assert to_reporter == ["Please send the invoice."]
    everything = [m.body for m in services.case_messages(opened, include_internal=True)]
    assert everything == ["Please send the invoice.", "Looks like case D-2024-7"]
    page = client.get(case_url(case)).content.decode()
    assert "complaints-message--internal" in page and "complaints-message--handler" in page
    assert actions().count("message") == 1 and actions().count("note") == 1


@pytest.mark.django_db
def test_a_message_may_carry_a_file_and_a_bad_file_keeps_the_text() -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = handler_client(make_handler())
    case = file_case()
    url = case_url(case, "complaints:case_message")
    bad = client.post(url, {"body": "Keep this text", "file": SimpleUploadedFile("x.exe", b"MZ\x90\x00binary")})
    assert bad.status_code == 400
    assert bad.context["message_form"]["body"].value() == "Keep this text"
    pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    ok = client.post(url, {"body": "Signed answer", "file": SimpleUploadedFile("answer.pdf", pdf)})
    assert ok.status_code == 302
    message = Message.objects.get(case=case)
    assert message.attachments.count() == 1


@pytest.mark.django_db
def test_extension_only_before_expiry_once_and_up_to_double() -> None:
    client = handler_client(make_handler())
    case = file_case()
    url = case_url(case, "complaints:case_extend")
    page = client.get(case_url(case))
    doubled = add_business_days(case.received_on, 2 * settings.ABIERTA_COMPLAINTS_TERM_DAYS)
    assert page.context["can_extend"] is True
    assert doubled.isoformat().encode() in page.content

    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "We need the contract file from the archive."}).status_code == 302
    case.refresh_from_db()
    assert case.extended and case.due_on == doubled
    assert actions().count("extended") == 1
    # The reporter is told why and until when (a system message they can see).
    system = Message.objects.get(case=case, author_kind=Message.Author.SYSTEM)
    assert not system.internal

    again = client.post(url, {"reason": "Once more"})
    assert again.status_code == 400
    assert Case.objects.get(pk=case.pk).due_on == doubled

    # After the term has expired no extension is possible.
    late = file_case()
    Case.objects.filter(pk=late.pk).update(due_on=services.today() - datetime.timedelta(days=1))
    assert client.post(case_url(late, "complaints:case_extend"), {"reason": "Too late"}).status_code == 400
    assert not Case.objects.get(pk=late.pk).extended
    assert services.extension_allowed(Case.objects.get(pk=late.pk), services.today()) is False


@pytest.mark.django_db
def test_only_a_closed_case_is_deleted_and_only_with_confirmation() -> None:
    user = make_handler()
    client = handler_client(user)
    case = file_case()
    url = case_url(case, "complaints:case_delete")
    assert client.post(url, {"confirm": "on"}).status_code == 400  # still open
    services.case_transition(case=case, actor=user, status=Case.Status.CLOSED)
    assert client.post(url, {}).status_code == 400  # no confirmation
    assert Case.objects.get(pk=case.pk).status == Case.Status.CLOSED
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == Case.Status.DELETED
    tombstone = client.get(case_url(case))
    assert tombstone.status_code == 403
    assert SECRET.encode() not in tombstone.content


@pytest.mark.django_db
def test_writes_need_post() -> None:
    client = handler_client(make_handler())
    case = file_case()
    for name in ("case_status", "case_assign", "case_message", "case_extend", "case_delete"):
        assert client.get(case_url(case, f"complaints:{name}")).status_code == 405


@pytest.mark.django_db
def test_unknown_case_is_404() -> None:
    client = handler_client(make_handler())
    assert client.get(reverse("complaints:case", args=["D-2025-99999"])).status_code == 404


def _inbox_queries(client: Client, query: dict[str, str]) -> tuple[int, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(reverse("complaints:inbox"), query)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("complaints:inbox"), query)
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.django_db
@pytest.mark.parametrize("view", ["", "overdue"])
def test_inbox_pages_by_fifty_and_its_queries_do_not_grow_with_the_cases(view: str) -> None:
    client = handler_client(make_handler())
    for _i in range(18):
        file_case()
    if view:
        Case.objects.update(due_on=datetime.date(2020, 1, 2))  # long overdue
    few, response = _inbox_queries(client, {"view": view})
    assert len(response.context["page"].object_list) == 18
    for _i in range(36):
        file_case()
    if view:
        Case.objects.update(due_on=datetime.date(2020, 1, 2))
    many, response = _inbox_queries(client, {"view": view})
    assert many == few
    page = response.context["page"]
    assert (len(page.object_list), page.paginator.count) == (50, 54)
    assert all(row.case.pk for row in page.object_list)
    second = client.get(reverse("complaints:inbox"), {"view": view, "page": "2"})
    assert len(second.context["page"].object_list) == 4
    previous = "?view=overdue&amp;page=1" if view else "?page=1"
    assert f'href="{previous}" rel="prev"' in second.content.decode()
