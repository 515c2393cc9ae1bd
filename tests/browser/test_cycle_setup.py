"""A transparency officer sets up a cycle in the browser: a co-creation process with two working
tables and criteria, a consultation with a three-initiative ballot, its preview, opening it; then a
citizen reaches the voting page from the public plan pages. axe on every page; none wider than 360 px."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from abierta.accounts.models import User
from abierta.participation.models import Consultation, Criterion, Initiative, Process, WorkingTable
from factories import World, make_user
from tests.browser.test_walkthrough import current_code, sign_in_with_password, submit

pytestmark = pytest.mark.browser
DAY = datetime.timedelta(days=1)


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _check(page: Any, axe: Callable[[Any], None]) -> None:
    axe(page)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} is {width}px wide at 360px"


def test_officer_sets_up_a_cycle_and_a_citizen_reaches_the_vote(
    live_server: Any, transactional_db: None, world: World, new_context: Callable[..., Any], axe: Callable[[Any], None]
) -> None:
    base, slug = live_server.url, world.plan.slug
    for n in (1, 2, 3, 4):
        Initiative.objects.create(plan=world.plan, number=n, title=f"Iniciativa {n}", summary="Resumen")
    officer = make_user("oficial@example.org", User.Role.TRANSPARENCY, world.own_office)
    device = TOTPDevice.objects.create(user=officer, name="Teléfono", confirmed=True)
    page = new_context().new_page()
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in_with_password(page, base, officer, f"/gestion/cocreacion/{slug}/nuevo/")
    page.wait_for_url(f"{base}/cuenta/ingresar/codigo/")
    page.fill("#id_token", current_code(device))
    submit(page)
    page.wait_for_url(f"{base}/gestion/cocreacion/{slug}/nuevo/")
    _check(page, axe)
    now = timezone.now()
    page.fill("#id_title", "Cocreación 2024-2025")
    page.fill("#id_tables_from", _local(now + DAY))
    page.fill("#id_analysis_from", _local(now + 3 * DAY))
    page.fill("#id_consultation_from", _local(now + 5 * DAY))
    page.fill("#id_results_from", _local(now + 12 * DAY))
    submit(page)
    page.wait_for_url(f"{base}/gestion/cocreacion/{slug}/proceso/")
    _check(page, axe)

    page.goto(f"{base}/gestion/cocreacion/{slug}/proceso/criterios/")
    _check(page, axe)
    for i, (name, weight) in enumerate((("Viabilidad", "2"), ("Impacto", "3"))):
        page.fill(f"#id_c-{i}-name", name)
        page.fill(f"#id_c-{i}-weight", weight)
        page.fill(f"#id_c-{i}-max_score", "5")
    submit(page)
    page.wait_for_url(f"{base}/gestion/cocreacion/{slug}/proceso/")
    for name in ("Mesa de jóvenes", "Mesa de la UCG 3"):
        page.goto(f"{base}/gestion/cocreacion/{slug}/proceso/mesas/nueva/")
        _check(page, axe)
        page.fill("#id_name", name)
        page.select_option("#id_sector", "population")
        submit(page)
        page.wait_for_url(f"{base}/gestion/cocreacion/{slug}/proceso/")
    _check(page, axe)
    process = Process.objects.get(plan=world.plan)
    assert list(Criterion.objects.filter(process=process).values_list("name", flat=True)) == ["Viabilidad", "Impacto"]
    assert WorkingTable.objects.filter(plan=world.plan).count() == 2

    page.goto(f"{base}/gestion/consulta/{slug}/editar/")
    _check(page, axe)
    page.fill("#id_question", "¿Qué iniciativa debe ser compromiso?")
    for n in (1, 2, 3):
        page.get_by_label(f"{n}. Iniciativa {n}").check()
    page.get_by_label("4. Iniciativa 4").uncheck()
    page.fill("#id_opens_at", _local(now + 6 * DAY))
    page.fill("#id_closes_at", _local(now + 11 * DAY))
    submit(page)
    page.wait_for_url(f"{base}/gestion/consulta/{slug}/")
    _check(page, axe)
    page.goto(f"{base}/gestion/consulta/{slug}/vista-previa/")
    _check(page, axe)
    assert page.locator("main input[name=choices]").count() == 3
    page.goto(f"{base}/gestion/consulta/{slug}/abrir/")
    _check(page, axe)
    submit(page)
    page.wait_for_url(f"{base}/gestion/consulta/{slug}/")
    _check(page, axe)
    assert Consultation.objects.get(process=process).is_open()

    visitor = new_context().new_page()
    visitor.set_viewport_size({"width": 360, "height": 740})
    visitor.goto(f"{base}{world.plan.get_absolute_url()}")
    visitor.locator(f"main a[href='/plan/{slug}/cocreacion/']").first.click()
    visitor.wait_for_url(f"{base}/plan/{slug}/cocreacion/")
    _check(visitor, axe)
    visitor.locator(f"main a[href='/consulta/{slug}/']").first.click()
    visitor.wait_for_url(f"{base}/consulta/{slug}/")
    _check(visitor, axe)
    visitor.locator(f"main a[href='/consulta/{slug}/votar/']").click()
    visitor.wait_for_url(f"{base}/consulta/{slug}/votar/")
    _check(visitor, axe)
