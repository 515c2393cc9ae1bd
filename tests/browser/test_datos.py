"""The open data catalog in a real browser, with axe-core (WCAG 2.1 AA): the list of datasets and
a dataset's page, in Spanish and English, with the demonstration data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_catalog_and_dataset_pages_are_accessible(
    live_server: Any,
    transactional_db: None,
    new_context: Callable[..., Any],
    axe: Callable[[Any], None],
) -> None:
    from django.core.management import call_command

    from abierta.datos.registry import all_datasets

    call_command("demo", "--no-users", verbosity=0)
    base = live_server.url
    page = new_context().new_page()

    # From the footer of the home page to the catalog.
    assert page.goto(base + "/").status == 200
    page.locator('footer a[href="/datos/"]').click()
    page.wait_for_url(base + "/datos/")
    assert page.locator("main h1").count() == 1
    assert page.locator("main .card").count() == len(all_datasets())
    axe(page)

    # A dataset's page, from its card.
    page.locator('main a[href="/datos/metas-plan-de-desarrollo/"]').click()
    page.wait_for_url(base + "/datos/metas-plan-de-desarrollo/")
    assert page.locator("main table tbody tr").count() > 10
    assert page.locator('main a[href="/datos/metas-plan-de-desarrollo.csv"]').count() == 1
    axe(page)

    for path in ("/en/datos/", "/datos/compromisos/", "/en/datos/avances/"):
        response = page.goto(base + path)
        assert response.status == 200, path
        assert page.locator("main h1").count() == 1, path
        axe(page)
