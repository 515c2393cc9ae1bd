"""The permission matrix: every protected URL, GET and POST, for every persona.

The expectations are written out by hand from the rules in ``abierta.plans.access`` (not computed
from those predicates), so a change to a rule must change this table too.

Legend: ``LOGIN`` = 302 to the sign-in page; ``ADMIN_LOGIN`` = 302 to the admin's sign-in page;
``DONE`` = 302 somewhere else (the action was carried out); a number = that status code. Empty
POSTs to staff forms answer 400 (the form's errors) when the persona may use the form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from abierta.accounts.models import User
from abierta.core.models import ChangeRecord
from abierta.plans.models import (
    Comment,
    CommentReport,
    CommitteeMeeting,
    CommitteeMember,
    Milestone,
    MonitoringReport,
    ProgressUpdate,
)
from factories import PERSONAS, World, make_user

LOGIN = "login"
ADMIN_LOGIN = "admin-login"
DONE = "done"

# Columns, in this order: anonymous, citizen, editor_own, editor_other, monitor, transparency,
# committee, admin.
MATRIX: dict[tuple[str, str], tuple[Any, ...]] = {
    # (method, url name)                 anon   citizen ed_own ed_oth monitor transp committee admin
    ("GET", "dashboard"): (LOGIN, 403, 200, 200, 200, 200, 200, 200),
    ("POST", "dashboard"): (LOGIN, 403, 200, 200, 200, 200, 200, 200),
    ("GET", "progress_own"): (LOGIN, 403, 200, 403, 403, 200, 403, 200),
    ("POST", "progress_own"): (LOGIN, 403, 400, 403, 403, 400, 403, 400),
    ("GET", "progress_other"): (LOGIN, 403, 403, 200, 403, 200, 403, 200),
    ("POST", "progress_other"): (LOGIN, 403, 403, 400, 403, 400, 403, 400),
    ("GET", "milestone_new_own"): (LOGIN, 403, 200, 403, 403, 200, 403, 200),
    ("POST", "milestone_new_own"): (LOGIN, 403, 400, 403, 403, 400, 403, 400),
    ("GET", "milestone_new_other"): (LOGIN, 403, 403, 200, 403, 200, 403, 200),
    ("POST", "milestone_new_other"): (LOGIN, 403, 403, 400, 403, 400, 403, 400),
    ("GET", "milestone_edit_own"): (LOGIN, 403, 200, 403, 403, 200, 403, 200),
    ("POST", "milestone_edit_own"): (LOGIN, 403, 400, 403, 403, 400, 403, 400),
    ("GET", "milestone_edit_other"): (LOGIN, 403, 403, 200, 403, 200, 403, 200),
    ("POST", "milestone_edit_other"): (LOGIN, 403, 403, 400, 403, 400, 403, 400),
    ("GET", "assess_own"): (LOGIN, 403, 200, 403, 200, 200, 403, 200),
    ("POST", "assess_own"): (LOGIN, 403, 400, 403, 400, 400, 403, 400),
    ("GET", "assess_other"): (LOGIN, 403, 403, 200, 200, 200, 403, 200),
    ("POST", "assess_other"): (LOGIN, 403, 403, 400, 400, 400, 403, 400),
    ("GET", "report_new"): (LOGIN, 403, 403, 403, 200, 403, 403, 200),
    ("POST", "report_new"): (LOGIN, 403, 403, 403, 400, 403, 403, 400),
    ("GET", "member_new"): (LOGIN, 403, 403, 403, 403, 200, 403, 200),
    ("POST", "member_new"): (LOGIN, 403, 403, 403, 403, 400, 403, 400),
    ("GET", "meeting_new"): (LOGIN, 403, 403, 403, 403, 200, 200, 200),
    ("POST", "meeting_new"): (LOGIN, 403, 403, 403, 403, 400, 400, 400),
    ("GET", "moderation"): (LOGIN, 403, 403, 403, 403, 200, 403, 200),
    ("POST", "moderation"): (LOGIN, 403, 403, 403, 403, 200, 403, 200),
    ("GET", "comment_hide"): (405, 405, 405, 405, 405, 405, 405, 405),
    ("POST", "comment_hide"): (LOGIN, 403, 403, 403, 403, DONE, 403, DONE),
    ("GET", "comment_restore"): (405, 405, 405, 405, 405, 405, 405, 405),
    ("POST", "comment_restore"): (LOGIN, 403, 403, 403, 403, DONE, 403, DONE),
    ("GET", "comment_post"): (405, 405, 405, 405, 405, 405, 405, 405),
    ("POST", "comment_post"): (LOGIN, DONE, DONE, DONE, DONE, DONE, DONE, DONE),
    ("GET", "comment_report"): (LOGIN, 200, 200, 200, 200, 200, 200, 200),
    ("POST", "comment_report"): (LOGIN, DONE, DONE, DONE, DONE, DONE, DONE, DONE),
    ("GET", "account"): (LOGIN, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "admin"): (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200),
}

CASES = [
    pytest.param(method, name, persona, expected[i], id=f"{method}-{name}-{persona}")
    for (method, name), expected in MATRIX.items()
    for i, persona in enumerate(PERSONAS)
]

# What a successful POST sends, per URL; other POSTs are empty.
POST_DATA = {
    "comment_post": {"body": "Un comentario de prueba."},
    "comment_report": {"reason": "spam"},
    "comment_hide": {"reason": "Lenguaje ofensivo"},
}


@pytest.fixture
def comment(world: World) -> Comment:
    author = make_user("autora@example.org")
    return Comment.objects.create(plan=world.plan, author=author, body="Comentario existente")


def url_for(name: str, world: World, comment: Comment) -> str:
    other_milestone = world.other_commitment.milestones.get()
    slug = world.plan.slug
    urls = {
        "dashboard": reverse("site:staff_home"),
        "progress_own": reverse("plans:progress_new", args=[world.milestone.pk]),
        "progress_other": reverse("plans:progress_new", args=[other_milestone.pk]),
        "milestone_new_own": reverse("plans:milestone_new", args=[world.commitment.pk]),
        "milestone_new_other": reverse("plans:milestone_new", args=[world.other_commitment.pk]),
        "milestone_edit_own": reverse("plans:milestone_edit", args=[world.milestone.pk]),
        "milestone_edit_other": reverse("plans:milestone_edit", args=[other_milestone.pk]),
        "assess_own": reverse("plans:assess", args=[world.commitment.pk]),
        "assess_other": reverse("plans:assess", args=[world.other_commitment.pk]),
        "report_new": reverse("plans:report_new", args=[slug]),
        "member_new": reverse("plans:member_new", args=[slug]),
        "meeting_new": reverse("plans:meeting_new", args=[slug]),
        "moderation": reverse("plans:moderation"),
        "comment_hide": reverse("plans:comment_hide", args=[comment.pk]),
        "comment_restore": reverse("plans:comment_restore", args=[comment.pk]),
        "comment_post": reverse("plans:plan_comment", args=[slug]),
        "comment_report": reverse("plans:comment_report", args=[comment.pk]),
        "account": reverse("accounts:account"),
        "admin": reverse("admin:index"),
    }
    return urls[name]


def fingerprint(comment: Comment) -> tuple[Any, ...]:
    """What a refused request must leave untouched."""
    comment.refresh_from_db()
    return (
        Comment.objects.count(),
        CommentReport.objects.count(),
        ProgressUpdate.objects.count(),
        Milestone.objects.count(),
        list(Milestone.objects.order_by("pk").values_list("title", "start_date", "end_date", "status")),
        ChangeRecord.objects.count(),
        MonitoringReport.objects.count(),
        CommitteeMember.objects.count(),
        CommitteeMeeting.objects.count(),
        comment.status,
        comment.moderated_at,
        comment.report_count,
    )


def test_matrix_covers_every_persona() -> None:
    assert all(len(row) == len(PERSONAS) for row in MATRIX.values())


@pytest.mark.parametrize(("method", "name", "persona", "expected"), CASES)
def test_permission(
    method: str,
    name: str,
    persona: str,
    expected: Any,
    world: World,
    comment: Comment,
    persona_client: Callable[[str], Client],
) -> None:
    client = persona_client(persona)
    url = url_for(name, world, comment)
    before = fingerprint(comment)
    data = POST_DATA.get(name, {})
    response = client.get(url) if method == "GET" else client.post(url, data)

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login") + "?next=")
    elif expected == ADMIN_LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login") + "?next=")
    elif expected == DONE:
        assert response.status_code == 302
        assert not response["Location"].startswith(reverse("accounts:login"))
        assert fingerprint(comment) != before, "the action was reported done but changed nothing"
    else:
        assert response.status_code == expected
    if expected in (LOGIN, ADMIN_LOGIN, 403, 405):
        assert fingerprint(comment) == before, "a refused request changed something"


STAFF_ROLES = [r for r in User.Role if r != User.Role.CITIZEN]


@pytest.mark.parametrize("role", STAFF_ROLES, ids=[str(r) for r in STAFF_ROLES])
def test_staff_without_second_factor_is_not_staff(world: World, comment: Comment, role: str) -> None:
    """Signed in with the password only (no verified device): every /gestion/ page is refused."""
    user = make_user(f"sin2fa-{role}@example.org", role, world.own_office)
    client = Client()
    client.force_login(user)
    before = fingerprint(comment)
    for name in (
        "dashboard",
        "progress_own",
        "milestone_new_own",
        "milestone_edit_own",
        "assess_own",
        "report_new",
        "member_new",
        "meeting_new",
        "moderation",
    ):
        url = url_for(name, world, comment)
        assert client.get(url).status_code == 403, name
        assert client.post(url, {}).status_code == 403, name
    for name in ("comment_hide", "comment_restore"):
        assert client.post(url_for(name, world, comment), {"reason": "x"}).status_code == 403, name
    # Without the second factor a staff account cannot comment either, nor reach the admin.
    assert client.post(url_for("comment_post", world, comment), {"body": "hola"}).status_code == 403
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert fingerprint(comment) == before
