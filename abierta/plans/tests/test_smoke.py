from django.test import Client

from factories import World


def test_plan_and_commitment_pages_render(world: World, client: Client) -> None:
    response = client.get(world.plan.get_absolute_url())
    assert response.status_code == 200
    assert world.commitment.code in response.content.decode()
    response = client.get(world.commitment.get_absolute_url())
    assert response.status_code == 200
    assert "Hito de prueba" in response.content.decode()
