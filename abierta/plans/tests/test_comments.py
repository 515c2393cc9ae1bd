"""Public comments: publishing, reports of abuse, automatic hiding and moderation."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from abierta.accounts.models import User
from abierta.plans.models import Comment, CommentReport
from factories import World, make_user, sign_in


def es(msgid: str) -> str:
    with translation.override("es-co"):
        return gettext(msgid)


def citizen(email: str, verified: bool = True) -> Client:
    client = Client()
    client.force_login(make_user(email, verified_email=verified))
    return client


def comment_url(world: World) -> str:
    return reverse("plans:commitment_comment", args=[world.plan.slug, world.commitment.code])


def report_url(comment: Comment) -> str:
    return reverse("plans:comment_report", args=[comment.pk])


@pytest.fixture
def comment(world: World) -> Comment:
    return Comment.objects.create(
        plan=world.plan,
        commitment=world.commitment,
        author=make_user("autora@example.org"),
        body="Las obras del barrio no avanzan.",
    )


def test_publish_comment_on_commitment(world: World) -> None:
    client = citizen("ana@example.org")
    response = client.post(comment_url(world), {"body": "  ¿Cuándo se publica el informe?  "})
    assert response.status_code == 302
    saved = Comment.objects.get()
    assert response["Location"] == world.commitment.get_absolute_url() + f"#comentario-{saved.pk}"
    assert saved.body == "¿Cuándo se publica el informe?"
    assert saved.commitment == world.commitment
    assert saved.status == Comment.Status.PUBLISHED
    page = client.get(world.commitment.get_absolute_url()).content.decode()
    assert "¿Cuándo se publica el informe?" in page
    assert es("Your comment was published.") in page
    # Shown to anonymous readers too, under the author's name.
    public = Client().get(world.commitment.get_absolute_url()).content.decode()
    assert "¿Cuándo se publica el informe?" in public
    assert "Ana Prueba" in public


def test_publish_comment_on_plan(world: World) -> None:
    client = citizen("ana@example.org")
    response = client.post(reverse("plans:plan_comment", args=[world.plan.slug]), {"body": "Buen plan."})
    assert response.status_code == 302
    assert Comment.objects.get().commitment is None
    assert "Buen plan." in Client().get(world.plan.get_absolute_url()).content.decode()


def test_blank_comment_refused_and_kept(world: World) -> None:
    client = citizen("ana@example.org")
    response = client.post(comment_url(world), {"body": "   "})
    assert response.status_code == 400
    assert es("This field is required.") in response.content.decode()
    too_long = "a" * 2001
    response = client.post(comment_url(world), {"body": too_long})
    assert response.status_code == 400
    assert too_long in response.content.decode()
    assert Comment.objects.count() == 0


def test_unverified_citizen_cannot_comment(world: World) -> None:
    response = citizen("nueva@example.org", verified=False).post(comment_url(world), {"body": "Hola"})
    assert response.status_code == 403
    assert Comment.objects.count() == 0


def test_html_in_comment_is_escaped(world: World) -> None:
    citizen("ana@example.org").post(comment_url(world), {"body": "<script>alert(1)</script><b>x</b>"})
    page = Client().get(world.commitment.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;" in page
    assert "<script>alert(1)" not in page


def test_report_once_per_person(world: World, comment: Comment) -> None:
    client = citizen("ana@example.org")
    assert client.get(report_url(comment)).status_code == 200
    response = client.post(report_url(comment), {"reason": "offensive"}, follow=True)
    assert response.redirect_chain[0] == (world.commitment.get_absolute_url() + "#comentarios", 302)
    assert es("Thank you. A moderator will review this comment.") in response.content.decode()
    response = client.post(report_url(comment), {"reason": "spam"}, follow=True)
    assert es("You had already reported this comment.") in response.content.decode()
    comment.refresh_from_db()
    assert comment.report_count == 1
    assert comment.needs_review
    assert comment.status == Comment.Status.PUBLISHED
    report = CommentReport.objects.get()
    assert report.reason == "offensive"


def test_report_needs_a_reason(comment: Comment) -> None:
    response = citizen("ana@example.org").post(report_url(comment), {"reason": "because"})
    assert response.status_code == 400
    assert CommentReport.objects.count() == 0


def test_auto_hide_after_reports(world: World, comment: Comment, settings: Any) -> None:
    settings.ABIERTA_COMMENT_HIDE_AFTER_REPORTS = 3
    settings.ABIERTA_COMMENT_REPORTER_MIN_AGE_DAYS = 0
    for n in range(2):
        citizen(f"r{n}@example.org").post(report_url(comment), {"reason": "spam"})
    comment.refresh_from_db()
    assert (comment.report_count, comment.status) == (2, Comment.Status.PUBLISHED)
    assert comment.body in Client().get(world.commitment.get_absolute_url()).content.decode()

    citizen("r2@example.org").post(report_url(comment), {"reason": "spam"})
    comment.refresh_from_db()
    assert (comment.report_count, comment.status) == (3, Comment.Status.HIDDEN)
    assert comment.needs_review
    page = Client().get(world.commitment.get_absolute_url()).content.decode()
    assert comment.body not in page
    assert es("This comment was hidden by moderation.") in page
    # A hidden comment cannot be reported any more.
    assert citizen("r3@example.org").get(report_url(comment)).status_code == 404


def test_auto_hide_threshold_is_a_setting(comment: Comment, settings: Any) -> None:
    settings.ABIERTA_COMMENT_HIDE_AFTER_REPORTS = 1
    settings.ABIERTA_COMMENT_REPORTER_MIN_AGE_DAYS = 0
    citizen("r@example.org").post(report_url(comment), {"reason": "spam"})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.HIDDEN


def test_moderation_hide_with_reason_and_restore(
    world: World, comment: Comment, persona_client: Callable[[str], Client]
) -> None:
    citizen("r@example.org").post(report_url(comment), {"reason": "personal_data"})
    moderator = persona_client("transparency")
    queue = moderator.get(reverse("plans:moderation"))
    assert queue.status_code == 200
    assert comment.body in queue.content.decode()

    reason = "Publica datos personales de un tercero"
    response = moderator.post(reverse("plans:comment_hide", args=[comment.pk]), {"reason": reason})
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:moderation")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.HIDDEN
    assert comment.moderation_reason == reason
    assert comment.moderated_by is not None and comment.moderated_by.email == "transparency@example.org"
    assert comment.moderated_at is not None
    assert not comment.needs_review
    page = Client().get(world.commitment.get_absolute_url()).content.decode()
    assert comment.body not in page
    assert f"{es('Reason:')} {reason}" in page

    response = moderator.post(reverse("plans:comment_restore", args=[comment.pk]))
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED
    assert comment.moderation_reason == ""
    page = Client().get(world.commitment.get_absolute_url()).content.decode()
    assert comment.body in page
    assert reason not in page


def test_restored_comment_is_not_hidden_again_by_reports(
    world: World, comment: Comment, persona_client: Callable[[str], Client], settings: Any
) -> None:
    """Once a moderator has published it again, reports flag it for review but do not hide it."""
    settings.ABIERTA_COMMENT_HIDE_AFTER_REPORTS = 1
    persona_client("admin").post(reverse("plans:comment_restore", args=[comment.pk]))
    citizen("r@example.org").post(report_url(comment), {"reason": "spam"})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED
    assert comment.needs_review


def test_staff_comment_needs_second_factor(world: World) -> None:
    editor = make_user("ed@example.org", "editor", world.own_office)
    without = Client()
    without.force_login(editor)
    assert without.post(comment_url(world), {"body": "Hola"}).status_code == 403
    assert sign_in(Client(), editor).post(comment_url(world), {"body": "Hola"}).status_code == 302
    assert Comment.objects.count() == 1


def test_comment_rate_limit_per_account_keeps_text(world: World, settings: Any) -> None:
    """S1: one account could publish comments one after another with no limit."""
    settings.ABIERTA_COMMENTS_PER_10_MINUTES = 5
    client = citizen("ana@example.org")
    for n in range(5):
        assert client.post(comment_url(world), {"body": f"Comentario {n}"}).status_code == 302
    response = client.post(comment_url(world), {"body": "Sexto comentario seguido"})
    assert response.status_code == 429
    page = response.content.decode()
    assert (
        es(
            "You have published many comments in a short time. Wait a few minutes and send it again; "
            "your text is kept below."
        )
        in page
    )
    assert "Sexto comentario seguido" in page
    assert Comment.objects.count() == 5
    # Counted per account: another person may still comment.
    assert citizen("beto@example.org").post(comment_url(world), {"body": "Hola"}).status_code == 302


def test_comment_daily_limit(world: World, settings: Any) -> None:
    """S1: the daily limit holds even when the ten-minute one would allow more."""
    settings.ABIERTA_COMMENTS_PER_10_MINUTES = 100
    settings.ABIERTA_COMMENTS_PER_DAY = 3
    client = citizen("ana@example.org")
    for n in range(3):
        assert client.post(comment_url(world), {"body": f"Comentario {n}"}).status_code == 302
    assert client.post(comment_url(world), {"body": "Uno más"}).status_code == 429
    assert Comment.objects.count() == 3


def aged_citizen(email: str, days: int) -> Client:
    """A citizen whose email was confirmed ``days`` days ago."""
    user = make_user(email)
    User.objects.filter(pk=user.pk).update(email_verified_at=timezone.now() - datetime.timedelta(days=days))
    client = Client()
    client.force_login(user)
    return client


def test_fresh_accounts_cannot_hide_a_comment(world: World, comment: Comment, settings: Any) -> None:
    """S1: three accounts made for the purpose hid any comment until a moderator looked."""
    settings.ABIERTA_COMMENT_HIDE_AFTER_REPORTS = 3
    settings.ABIERTA_COMMENT_REPORTER_MIN_AGE_DAYS = 7
    for n in range(3):
        aged_citizen(f"nueva{n}@example.org", days=1).post(report_url(comment), {"reason": "spam"})
    comment.refresh_from_db()
    assert (comment.report_count, comment.status) == (3, Comment.Status.PUBLISHED)
    assert comment.needs_review  # a moderator still sees the reports
    assert comment.body in Client().get(world.commitment.get_absolute_url()).content.decode()


def test_long_standing_accounts_can_hide_a_comment(world: World, comment: Comment, settings: Any) -> None:
    """S1: reports from accounts confirmed at least ABIERTA_COMMENT_REPORTER_MIN_AGE_DAYS ago count."""
    settings.ABIERTA_COMMENT_HIDE_AFTER_REPORTS = 3
    settings.ABIERTA_COMMENT_REPORTER_MIN_AGE_DAYS = 7
    for n in range(2):
        aged_citizen(f"antigua{n}@example.org", days=30).post(report_url(comment), {"reason": "spam"})
    aged_citizen("nueva@example.org", days=0).post(report_url(comment), {"reason": "spam"})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED
    aged_citizen("antigua2@example.org", days=8).post(report_url(comment), {"reason": "spam"})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.HIDDEN


def test_email_verified_at_follows_email_verified(db: None) -> None:
    """S1: the confirmation time is set when the address is confirmed, and cleared if it is not."""
    user = make_user("x@example.org", verified_email=False)
    assert user.email_verified_at is None
    user.email_verified = True
    user.save(update_fields=["email_verified"])
    user.refresh_from_db()
    assert user.email_verified_at is not None


def test_comments_page_by_fifty_and_a_new_comment_leads_to_its_page(world: World) -> None:
    author = make_user("autora@example.org")
    for i in range(50):
        Comment.objects.create(plan=world.plan, commitment=world.commitment, author=author, body=f"Comentario {i}")
    page = Client().get(world.commitment.get_absolute_url())
    assert len(page.context["comments"]) == 50
    assert "(50)" in page.content.decode() and not page.context["comments_page"].has_other_pages()
    response = citizen("ana@example.org").post(comment_url(world), {"body": "El comentario 51"})
    saved = Comment.objects.get(body="El comentario 51")
    assert response["Location"] == world.commitment.get_absolute_url() + f"?page=2#comentario-{saved.pk}"
    second = Client().get(world.commitment.get_absolute_url(), {"page": "2"})
    assert [c.body for c in second.context["comments"]] == ["El comentario 51"]
    html = second.content.decode()
    assert 'aria-label="Páginas de comentarios"' in html and "Página 2 de 2" in html and "(51)" in html


def test_a_refused_comment_shows_the_comments_with_links_to_the_page(world: World) -> None:
    author = make_user("autora@example.org")
    for i in range(51):
        Comment.objects.create(plan=world.plan, commitment=world.commitment, author=author, body=f"Comentario {i}")
    response = citizen("ana@example.org").post(comment_url(world), {"body": ""})
    assert response.status_code == 400
    assert f'href="{world.commitment.get_absolute_url()}?page=2"' in response.content.decode()
