"""The Django admin keeps the public history of the action plan, the bulk delete action included (S7)."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse

from abierta.accounts.models import User
from abierta.core.models import ChangeRecord
from abierta.plans import services
from abierta.plans.models import Milestone, ProgressUpdate
from factories import World, make_user

pytestmark = pytest.mark.django_db


def _updates(world: World, n: int, first_day: int = 1) -> list[ProgressUpdate]:
    author = User.objects.filter(email="editora@example.org").first() or make_user(
        "editora@example.org", User.Role.EDITOR, world.own_office
    )
    return [
        services.progress_update_post(
            milestone=world.milestone,
            actor=author,
            date=datetime.date(2024, 5, first_day + d),
            text=f"Avance número {d}",
        )
        for d in range(n)
    ]


def test_bulk_delete_in_the_admin_records_each_deletion(world: World, persona_client: Callable[[str], Client]) -> None:
    """S7: "delete selected" called delete_queryset, which skipped the public history."""
    updates = _updates(world, 2)
    kept = _updates(world, 1, first_day=20)[0]
    before = ChangeRecord.objects.filter(action=ChangeRecord.Action.DELETED).count()
    response = persona_client("admin").post(
        reverse("admin:plans_progressupdate_changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [u.pk for u in updates], "post": "yes"},
    )
    assert response.status_code == 302
    assert list(ProgressUpdate.objects.all()) == [kept]
    deleted = ChangeRecord.objects.filter(action=ChangeRecord.Action.DELETED)
    assert deleted.count() == before + 2
    assert {r.object_id for r in deleted} == {str(u.pk) for u in updates}
    record = deleted.get(object_id=str(updates[0].pk))
    assert record.changes["text"] == ["Avance número 0", None]
    assert record.actor_name  # who did it, as on the staff pages


def test_deleting_one_object_in_the_admin_records_it(world: World, persona_client: Callable[[str], Client]) -> None:
    milestone = Milestone.objects.create(
        commitment=world.commitment,
        title="Hito para borrar",
        start_date=datetime.date(2024, 1, 1),
        end_date=datetime.date(2024, 6, 30),
        responsible=world.own_office,
    )
    response = persona_client("admin").post(
        reverse("admin:plans_milestone_delete", args=[milestone.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert ChangeRecord.objects.filter(action=ChangeRecord.Action.DELETED, object_id=str(milestone.pk)).exists()
