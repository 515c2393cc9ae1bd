"""The commitment page shows the latest progress updates of each milestone; the rest are one link away."""

import datetime

from django.test import Client
from django.urls import reverse

from abierta.plans.models import ProgressUpdate
from abierta.plans.views import UPDATES_SHOWN
from factories import World


def _updates(world: World, n: int) -> None:
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(
            milestone=world.milestone,
            date=datetime.date(2023, 1, 1) + datetime.timedelta(days=i),
            text=f"Avance número {i:02d}",
        )
        for i in range(n)
    )


def test_commitment_page_shows_the_latest_updates_and_links_to_all(world: World, client: Client) -> None:
    _updates(world, UPDATES_SHOWN + 4)
    page = client.get(world.commitment.get_absolute_url()).content.decode()
    newest = UPDATES_SHOWN + 3
    assert f"Avance número {newest:02d}" in page
    assert f"Avance número {newest - UPDATES_SHOWN + 1:02d}" in page
    assert f"Avance número {newest - UPDATES_SHOWN:02d}" not in page
    url = reverse("plans:milestone_updates", args=[world.plan.slug, world.commitment.code, world.milestone.pk])
    assert f'href="{url}"' in page

    all_page = client.get(url)
    assert all_page.status_code == 200
    text = all_page.content.decode()
    assert all(f"Avance número {i:02d}" in text for i in range(UPDATES_SHOWN + 4))


def test_no_link_when_every_update_is_shown(world: World, client: Client) -> None:
    _updates(world, UPDATES_SHOWN)
    page = client.get(world.commitment.get_absolute_url()).content.decode()
    assert "/hitos/" not in page


def test_milestone_page_only_under_its_own_commitment(world: World, client: Client) -> None:
    url = reverse("plans:milestone_updates", args=[world.plan.slug, world.other_commitment.code, world.milestone.pk])
    assert client.get(url).status_code == 404
