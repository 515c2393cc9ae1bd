"""Following a work: double opt-in by email, no duplicates, no enumeration, rate limits, the
confirmation and one-click unsubscribe links (RFC 8058), and the progress notifications."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from abierta.core.models import OutboxMessage
from abierta.core.tests.fake_smtp import FakeSMTP, run_worker
from abierta.works import services, views
from abierta.works.models import Work, WorkFollower, WorkUpdate
from abierta.works.tests.factories import make_work

pytestmark = pytest.mark.django_db

Capture = Callable[..., Any]


@pytest.fixture
def work() -> Work:
    return make_work(contracts=0, name="Pavimentación de la calle 30")


def _follow(client: Client, work: Work, email: str, capture: Capture) -> Any:
    with capture(execute=True):
        return client.post(reverse("works:follow", args=[work.code]), {"email": email})


def _link(body: object, kind: str) -> str:
    found = re.search(rf"https?://\S+/obras/seguir/{kind}/(\S+?)/", str(body))
    assert found, body
    return found.group(1)


def test_the_follow_page_shows_a_form(client: Client, work: Work) -> None:
    response = client.get(reverse("works:follow", args=[work.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="email"' in html and "csrfmiddlewaretoken" in html
    assert work.name in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_an_unpublished_or_unknown_work_cannot_be_followed(client: Client, work: Work) -> None:
    work.is_published = False
    work.save()
    assert client.get(reverse("works:follow", args=[work.code])).status_code == 404
    assert client.get(reverse("works:follow", args=["NOSUCH00"])).status_code == 404
    assert client.post(reverse("works:follow", args=[work.code]), {"email": "a@example.org"}).status_code == 404
    assert not WorkFollower.objects.exists()


def test_following_writes_a_confirmation_link_that_leaves_through_the_outbox(
    client: Client, work: Work, queued: FakeSMTP
) -> None:
    response = client.post(reverse("works:follow", args=[work.code]), {"email": " Ana@Example.org "})
    assert response.status_code == 302
    assert response["Location"] == reverse("works:follow_sent", args=[work.code])
    # Written with the follower, in the request's transaction; nothing talked to the mail server.
    assert OutboxMessage.objects.filter(state="pending").count() == 1 and not queued.received
    run_worker()
    follower = WorkFollower.objects.get()
    assert follower.email == "ana@example.org" and follower.confirmed_at is None
    (message,) = queued.messages()
    assert message["To"] == "ana@example.org"
    assert work.name in str(message["Subject"])
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert f"/obras/seguir/confirmar/{follower.token}/" in text
    assert re.fullmatch(
        rf"<https?://[^/]+/obras/seguir/baja/{follower.token}/>", str(message["List-Unsubscribe"]).strip()
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert f"/obras/seguir/confirmar/{follower.token}/" in html
    page = client.get(response["Location"])
    assert page.status_code == 200 and work.name in page.content.decode()


def test_the_same_email_twice_makes_one_follower_and_the_answer_never_tells(
    client: Client, work: Work, django_capture_on_commit_callbacks: Capture
) -> None:
    first = _follow(client, work, "ana@example.org", django_capture_on_commit_callbacks)
    second = _follow(client, work, "ANA@example.org", django_capture_on_commit_callbacks)
    assert WorkFollower.objects.count() == 1
    assert (first.status_code, first["Location"]) == (second.status_code, second["Location"])
    # Pending: the same confirmation link again.
    token = WorkFollower.objects.get().token
    assert [_link(m.body, "confirmar") for m in mail.outbox] == [token, token]

    services.follow_confirm(token=token)
    third = _follow(client, work, "ana@example.org", django_capture_on_commit_callbacks)
    assert (third.status_code, third["Location"]) == (first.status_code, first["Location"])
    assert WorkFollower.objects.count() == 1
    reminder = mail.outbox[-1]
    assert "/obras/seguir/confirmar/" not in reminder.body  # already follows: a reminder, not a link
    assert f"/obras/seguir/baja/{token}/" in reminder.body


def test_at_most_three_emails_an_hour_to_one_address_about_one_work(
    client: Client, work: Work, django_capture_on_commit_callbacks: Capture
) -> None:
    responses = [_follow(client, work, "ana@example.org", django_capture_on_commit_callbacks) for _ in range(5)]
    assert {r.status_code for r in responses} == {302}
    assert len(mail.outbox) == services.FOLLOW_MAILS_PER_HOUR
    other = make_work(contracts=0)
    _follow(client, other, "ana@example.org", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == services.FOLLOW_MAILS_PER_HOUR + 1


def test_address_variants_share_one_quota(
    client: Client, work: Work, django_capture_on_commit_callbacks: Capture
) -> None:
    """S3: +tags and Gmail dots reached one mailbox under new names, each with a fresh quota."""
    variants = ["victim+1@gmail.com", "victim+2@gmail.com", "v.ictim@gmail.com", "Victim@GoogleMail.com"]
    for email in variants:
        assert _follow(client, work, email, django_capture_on_commit_callbacks).status_code == 302
    assert len(mail.outbox) == services.FOLLOW_MAILS_PER_HOUR
    # Another mailbox is counted on its own.
    _follow(client, work, "otra+1@gmail.com", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == services.FOLLOW_MAILS_PER_HOUR + 1


def test_many_works_do_not_multiply_the_quota(settings: Any, django_capture_on_commit_callbacks: Capture) -> None:
    """S3: a victim could receive 3 mails an hour per work; now at most so many about all works."""
    settings.ABIERTA_FOLLOW_MAILS_PER_MAILBOX_PER_HOUR = 5
    works = [make_work(contracts=0, name=f"Obra {n}") for n in range(4)]
    with django_capture_on_commit_callbacks(execute=True):
        for work in works:
            for n in range(3):
                services.follow_request(work=work, email=f"victim+{work.pk}-{n}@example.org")
    assert len(mail.outbox) == 5
    assert {m.to[0].split("+")[0] for m in mail.outbox} == {"victim"}


def test_too_many_requests_from_one_connection_get_429(
    client: Client, work: Work, django_capture_on_commit_callbacks: Capture
) -> None:
    for i in range(views.FOLLOW_REQUESTS_PER_HOUR):
        assert _follow(client, work, f"p{i}@example.org", django_capture_on_commit_callbacks).status_code == 302
    response = _follow(client, work, "late@example.org", django_capture_on_commit_callbacks)
    assert response.status_code == 429
    assert 'value="late@example.org"' in response.content.decode()
    assert not WorkFollower.objects.filter(email="late@example.org").exists()


@pytest.mark.parametrize("email", ["", "no-es-un-correo", "a@b"])
def test_a_bad_address_is_refused_with_what_was_typed(client: Client, work: Work, email: str) -> None:
    response = client.post(reverse("works:follow", args=[work.code]), {"email": email})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error-summary"' in html
    if email:
        assert f'value="{email}"' in html
    assert not WorkFollower.objects.exists()
    assert mail.outbox == []


def test_confirming_needs_a_button_press(
    client: Client, work: Work, django_capture_on_commit_callbacks: Capture
) -> None:
    _follow(client, work, "ana@example.org", django_capture_on_commit_callbacks)
    token = _link(mail.outbox[0].body, "confirmar")
    url = reverse("works:follow_confirm", args=[token])
    page = client.get(url)  # a mail scanner opening the link confirms nothing
    assert page.status_code == 200 and "<form" in page.content.decode()
    assert WorkFollower.objects.get().confirmed_at is None
    done = client.post(url)
    assert done.status_code == 200
    assert WorkFollower.objects.get().confirmed_at is not None
    again = client.get(url)
    assert again.status_code == 200 and "<form" not in again.content.decode().split("<main", 1)[1].split("</main>")[0]


def test_a_wrong_or_expired_confirmation_link_is_404(client: Client, work: Work) -> None:
    assert client.get(reverse("works:follow_confirm", args=["nope"])).status_code == 404
    assert client.post(reverse("works:follow_confirm", args=["nope"])).status_code == 404
    old = WorkFollower.objects.create(work=work, email="viejo@example.org")
    WorkFollower.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=services.FOLLOW_CONFIRM_DAYS + 1)
    )
    assert client.post(reverse("works:follow_confirm", args=[old.token])).status_code == 404
    assert WorkFollower.objects.get().confirmed_at is None


def test_an_expired_pending_address_starts_again(
    client: Client, work: Work, django_capture_on_commit_callbacks: Capture
) -> None:
    old = WorkFollower.objects.create(work=work, email="ana@example.org")
    WorkFollower.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=30))
    _follow(client, work, "ana@example.org", django_capture_on_commit_callbacks)
    new = WorkFollower.objects.get()
    assert new.pk != old.pk and new.token != old.token
    assert _link(mail.outbox[0].body, "confirmar") == new.token


def test_unsubscribe_page_then_one_click_post_without_csrf(work: Work) -> None:
    follower = WorkFollower.objects.create(work=work, email="ana@example.org", confirmed_at=timezone.now())
    client = Client(enforce_csrf_checks=True)
    url = reverse("works:follow_unsubscribe", args=[follower.token])
    page = client.get(url)
    assert page.status_code == 200 and "<form" in page.content.decode()
    assert WorkFollower.objects.exists()
    # What a mail client sends for RFC 8058 one-click unsubscribe: no cookie, no CSRF token.
    response = client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert not WorkFollower.objects.exists()
    # Twice, or with an unknown token: the same answer, nothing to do.
    assert client.post(url).status_code == 200
    assert client.get(url).status_code == 200


def test_a_progress_update_notifies_confirmed_followers_once(
    work: Work, django_capture_on_commit_callbacks: Capture
) -> None:
    confirmed = WorkFollower.objects.create(work=work, email="ana@example.org", confirmed_at=timezone.now())
    WorkFollower.objects.create(work=work, email="pendiente@example.org")
    other = make_work(contracts=0)
    WorkFollower.objects.create(work=other, email="otra@example.org", confirmed_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        update = services.work_update_add(
            work=work,
            author=None,
            date=timezone.localdate(),
            physical_progress=Decimal("50"),
            financial_progress=Decimal("45.5"),
            text="Se terminó la base granular del tramo 2.",
        )
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    message = mail.outbox[0]
    assert work.name in message.subject
    assert "Se terminó la base granular del tramo 2." in message.body
    assert "50 %" in message.body and "45,50 %" in message.body
    assert f"/obras/seguir/baja/{confirmed.token}/" in message.body
    assert message.extra_headers["List-Unsubscribe"].endswith(f"/obras/seguir/baja/{confirmed.token}/>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert isinstance(message, EmailMultiAlternatives)
    assert "text/html" in [m for _, m in message.alternatives]
    update.refresh_from_db()
    assert update.notified_at is not None
    # Idempotent: a second run sends nothing.
    assert services.work_update_notify(update_id=update.pk) == 0
    assert len(mail.outbox) == 1


def test_the_update_and_its_emails_commit_together(work: Work, queued: FakeSMTP) -> None:
    WorkFollower.objects.create(work=work, email="ana@example.org", confirmed_at=timezone.now())

    def add() -> None:
        services.work_update_add(
            work=work,
            author=None,
            date=timezone.localdate(),
            physical_progress=Decimal("50"),
            financial_progress=Decimal("50"),
            text="Avance.",
        )

    with pytest.raises(RuntimeError), transaction.atomic():
        add()
        raise RuntimeError  # the update is not saved: no fan-out, no email
    assert not WorkUpdate.objects.exists() and not DBTaskResult.objects.exists()
    add()
    # The editor's request only wrote the fan-out task; the worker writes and sends the emails.
    assert WorkUpdate.objects.get().notified_at is None and not OutboxMessage.objects.exists()
    run_worker()
    assert WorkUpdate.objects.get().notified_at is not None
    assert [m["To"] for m in queued.messages()] == ["ana@example.org"]


def test_with_the_mail_server_down_an_update_reaches_every_follower_exactly_once(work: Work, queued: FakeSMTP) -> None:
    """Issue 14's test: SMTP down, an update is posted, SMTP comes back: each follower gets one email."""
    from abierta.core.models import ScheduledRun

    emails = [f"seguidor{i}@example.org" for i in range(25)]
    WorkFollower.objects.bulk_create([WorkFollower(work=work, email=e, confirmed_at=timezone.now()) for e in emails])
    queued.stop()
    services.work_update_add(
        work=work,
        author=None,
        date=timezone.localdate(),
        physical_progress=Decimal("60"),
        financial_progress=Decimal("55"),
        text="Avance con el servidor de correo caído.",
    )
    run_worker()  # the fan-out writes 25 messages; none can leave
    assert OutboxMessage.objects.filter(state="pending").count() == 25 and not queued.received
    run_worker()  # a second pass (or a retried fan-out) writes nothing more
    assert OutboxMessage.objects.count() == 25
    queued.start()
    for _ in range(3):  # the sweep runs every minute; three minutes pass
        OutboxMessage.objects.filter(state="pending").update(due_at=timezone.now())
        ScheduledRun.objects.update(next_run_at=timezone.now())
        run_worker()
    delivered = sorted(m["To"] for m in queued.messages())
    assert delivered == sorted(emails)  # every follower, each exactly once
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {"sent"}
