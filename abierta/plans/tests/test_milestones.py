"""Editors add and correct milestones; bad input keeps what was typed; history records it."""

import datetime

from django.test import Client
from django.urls import reverse

from abierta.core.models import ChangeRecord
from abierta.plans.models import Milestone
from factories import World


def test_editor_adds_a_milestone_with_history(world: World, persona_client) -> None:  # type: ignore[no-untyped-def]
    client: Client = persona_client("editor_own")
    url = reverse("plans:milestone_new", args=[world.commitment.pk])
    response = client.post(
        url,
        {
            "title": "Taller con veedurías",
            "start_date": "2023-07-01",
            "end_date": "2023-08-15",
            "responsible": world.own_office.pk,
            "status": "not_started",
        },
    )
    assert response.status_code == 302
    milestone = world.commitment.milestones.get(title="Taller con veedurías")
    assert milestone.order == world.milestone.order + 1
    record = ChangeRecord.objects.get(object_id=str(milestone.pk), action="created")
    assert record.scope == world.commitment.history_scope()
    assert record.actor_name.startswith("Editor_own")
    page = Client().get(world.commitment.get_absolute_url()).content.decode()
    assert "Taller con veedurías" in page


def test_editing_records_what_changed(world: World, persona_client) -> None:  # type: ignore[no-untyped-def]
    client: Client = persona_client("editor_own")
    url = reverse("plans:milestone_edit", args=[world.milestone.pk])
    response = client.post(
        url,
        {
            "title": world.milestone.title,
            "start_date": "2023-01-01",
            "end_date": "2023-09-30",
            "responsible": world.own_office.pk,
            "status": "delayed",
        },
    )
    assert response.status_code == 302
    world.milestone.refresh_from_db()
    assert world.milestone.end_date == datetime.date(2023, 9, 30)
    record = ChangeRecord.objects.get(object_id=str(world.milestone.pk), action="updated")
    assert set(record.changes) == {"end_date", "status"}
    assert record.changes["status"] == ["not_started", "delayed"]


def test_end_before_start_is_refused_and_keeps_the_text(world: World, persona_client) -> None:  # type: ignore[no-untyped-def]
    client: Client = persona_client("editor_own")
    url = reverse("plans:milestone_new", args=[world.commitment.pk])
    before = (Milestone.objects.count(), ChangeRecord.objects.count())
    response = client.post(
        url,
        {
            "title": "Hito <b>mal</b> fechado",
            "start_date": "2023-07-01",
            "end_date": "2023-06-01",
            "responsible": world.own_office.pk,
            "status": "not_started",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "La fecha de finalización es anterior a la fecha de inicio." in body
    assert "Hito &lt;b&gt;mal&lt;/b&gt; fechado" in body
    assert (Milestone.objects.count(), ChangeRecord.objects.count()) == before
