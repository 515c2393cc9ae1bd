"""The permission matrix of the action plans' staff screens: every URL, GET and POST, for every persona.

Written out by hand from the rules in ``abierta.plans.access`` (plans, commitments and endorsements
are managed by the transparency office and platform admins; an office editor sees only the staff
page of a commitment it keeps up to date). ``LOGIN`` = 302 to the sign-in page; ``DONE`` = 302 and
something changed; a number = that status. Empty POSTs to forms answer 400 when the persona may
use the form.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from abierta.core.models import ChangeRecord
from abierta.plans.models import ActionPlan, Commitment, Endorsement
from factories import PERSONAS, World

LOGIN = "login"
DONE = "done"

MANAGERS_GET = (LOGIN, 403, 403, 403, 403, 200, 403, 200)
MANAGERS_FORM = (LOGIN, 403, 403, 403, 403, 400, 403, 400)
MANAGERS_DONE = (LOGIN, 403, 403, 403, 403, DONE, 403, DONE)

MATRIX: dict[tuple[str, str], tuple[Any, ...]] = {
    # (method, url name)                 anon   citizen ed_own ed_oth monitor transp committee admin
    ("GET", "staff_plans"): MANAGERS_GET,
    ("POST", "staff_plans"): MANAGERS_GET,
    ("GET", "staff_plan_new"): MANAGERS_GET,
    ("POST", "staff_plan_new"): MANAGERS_FORM,
    ("GET", "staff_plan"): MANAGERS_GET,
    ("POST", "staff_plan"): MANAGERS_GET,
    ("GET", "staff_plan_edit"): MANAGERS_GET,
    ("POST", "staff_plan_edit"): MANAGERS_FORM,
    ("GET", "staff_plan_publish"): MANAGERS_GET,
    ("POST", "staff_plan_publish"): MANAGERS_DONE,
    # The published plan: its state refuses publishing again (409, the reason shown).
    ("POST", "staff_plan_publish_published"): (LOGIN, 403, 403, 403, 403, 409, 403, 409),
    ("GET", "staff_commitment_new"): MANAGERS_GET,
    ("POST", "staff_commitment_new"): MANAGERS_FORM,
    ("GET", "staff_commitment"): (LOGIN, 403, 200, 403, 403, 200, 403, 200),
    ("GET", "staff_commitment_other"): (LOGIN, 403, 403, 200, 403, 200, 403, 200),
    ("GET", "staff_commitment_edit"): MANAGERS_GET,
    ("POST", "staff_commitment_edit"): MANAGERS_FORM,
    ("GET", "staff_endorsement_new"): MANAGERS_GET,
    ("POST", "staff_endorsement_new"): MANAGERS_FORM,
    ("GET", "staff_endorsement_remove"): MANAGERS_GET,
    ("POST", "staff_endorsement_remove"): MANAGERS_DONE,
}

CASES = [
    pytest.param(method, name, persona, expected[i], id=f"{method}-{name}-{persona}")
    for (method, name), expected in MATRIX.items()
    for i, persona in enumerate(PERSONAS)
]


@pytest.fixture
def draft(world: World) -> ActionPlan:
    """A draft plan with one commitment (it may be published) and one endorsement."""
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
        code="BORR0001",
        title="Compromiso en borrador",
        lead_institution=world.own_office,
        start_month=datetime.date(2024, 1, 1),
        end_month=datetime.date(2024, 12, 1),
    )
    Endorsement.objects.create(plan=plan, name="Fundación Ejemplo", sector="Sociedad civil")
    return plan


def url_for(name: str, world: World, draft: ActionPlan) -> str:
    slug = world.plan.slug
    endorsement = draft.endorsements.get()
    urls = {
        "staff_plans": reverse("plans:staff_plans"),
        "staff_plan_new": reverse("plans:staff_plan_new"),
        "staff_plan": reverse("plans:staff_plan", args=[slug]),
        "staff_plan_edit": reverse("plans:staff_plan_edit", args=[slug]),
        "staff_plan_publish": reverse("plans:staff_plan_publish", args=[draft.slug]),
        "staff_plan_publish_published": reverse("plans:staff_plan_publish", args=[slug]),
        "staff_commitment_new": reverse("plans:staff_commitment_new", args=[slug]),
        "staff_commitment": reverse("plans:staff_commitment", args=[slug, world.commitment.pk]),
        "staff_commitment_other": reverse("plans:staff_commitment", args=[slug, world.other_commitment.pk]),
        "staff_commitment_edit": reverse("plans:staff_commitment_edit", args=[slug, world.commitment.pk]),
        "staff_endorsement_new": reverse("plans:staff_endorsement_new", args=[slug]),
        "staff_endorsement_remove": reverse("plans:staff_endorsement_remove", args=[draft.slug, endorsement.pk]),
    }
    return urls[name]


def fingerprint() -> tuple[Any, ...]:
    """What a refused request must leave untouched."""
    return (
        list(ActionPlan.objects.order_by("pk").values_list("slug", "title", "is_published")),
        list(Commitment.objects.order_by("pk").values_list("code", "title", "order")),
        list(Endorsement.objects.order_by("pk").values_list("name", "sector")),
        ChangeRecord.objects.count(),
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
    draft: ActionPlan,
    persona_client: Callable[[str], Client],
) -> None:
    client = persona_client(persona)
    url = url_for(name, world, draft)
    before = fingerprint()
    response = client.get(url) if method == "GET" else client.post(url, {})

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login") + "?next=")
    elif expected == DONE:
        assert response.status_code == 302
        assert not response["Location"].startswith(reverse("accounts:login"))
        assert fingerprint() != before, "the action was reported done but changed nothing"
    else:
        assert response.status_code == expected
    if expected != DONE:
        assert fingerprint() == before, "a refused request changed something"
