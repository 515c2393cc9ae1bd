"""The action plans' staff screens: a new cycle's plan, its commitments and endorsements, without the
Django admin; their services, their bad input and the attacks on them."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from abierta.accounts.models import User
from abierta.core.models import ChangeRecord, Institution
from abierta.plans import access, services
from abierta.plans.models import ActionPlan, Commitment, Endorsement, Milestone
from factories import World, make_user

NEW_PLAN = {
    "title": "Plan de Acción de Gobierno Abierto 2024–2025",
    "slug": "cartagena-2024-2025",
    "jurisdiction": "Cartagena de Indias",
    "period_start": "2024",
    "period_end": "2025",
    "submitted_on": "2024-02-01",
    "ends_on": "2099-12-31",
    "vision": "Una ciudad que rinde cuentas.",
}


def commitment_data(world: World, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": "COCDI0101",
        "title": "Datos abiertos de contratación",
        "order": "",
        "problem": "La ciudadanía no encuentra los contratos.",
        "status_quo": "Los contratos están en PDF.",
        "description": "Publicar los contratos como datos abiertos.",
        "objective": "Que cualquiera pueda revisar la contratación.",
        "value_access_to_information": "on",
        "value_public_accountability": "on",
        "start_month": "2024-03",
        "end_month": "2025-06",
        "lead_institution": world.own_office.pk,
        "supporting_institutions": [world.other_office.pk],
        "verifiable": "on",
        "potential": Commitment.Potential.MODEST,
    }
    data.update(extra)
    return data


@pytest.fixture
def officer(world: World) -> User:
    return make_user("oficial@example.org", User.Role.TRANSPARENCY, world.own_office)


def snapshot_db() -> tuple[Any, ...]:
    return (
        list(ActionPlan.objects.order_by("pk").values()),
        list(Commitment.objects.order_by("pk").values()),
        list(Endorsement.objects.order_by("pk").values()),
        ChangeRecord.objects.count(),
    )


# Services


def test_plan_save_creates_a_draft_with_its_history(world: World, officer: User) -> None:
    plan = ActionPlan(
        slug="nuevo-ciclo", title="Nuevo ciclo", jurisdiction="Cartagena", period_start=2024, period_end=2025
    )
    services.plan_save(plan=plan, actor=officer, lead_institutions=[world.own_office], supporting_institutions=[])
    plan.refresh_from_db()
    assert plan.is_published is False
    assert list(plan.lead_institutions.all()) == [world.own_office]
    record = ChangeRecord.objects.get(scope=plan.history_scope())
    assert record.action == "created"
    assert record.actor_name == officer.get_full_name()
    assert record.changes["is_published"] == [None, False] or "is_published" not in record.changes


def test_plan_publish_records_the_change(world: World, officer: User) -> None:
    plan = ActionPlan.objects.create(
        slug="b", title="B", jurisdiction="C", period_start=2024, period_end=2025, is_published=False
    )
    services.plan_publish(plan=plan, actor=officer)
    plan.refresh_from_db()
    assert plan.is_published
    record = ChangeRecord.objects.get(scope=plan.history_scope(), action="updated")
    assert record.changes == {"is_published": [False, True]}


def test_commitment_save_puts_a_new_commitment_last_and_records_its_offices(world: World, officer: User) -> None:
    unplaced: dict[str, Any] = {"order": None}  # no position given (an empty form field): it goes last
    commitment = Commitment(
        plan=world.plan,
        code="TEST0003",
        title="Tercero",
        **unplaced,
        lead_institution=world.own_office,
        start_month=datetime.date(2024, 1, 1),
        end_month=datetime.date(2024, 6, 1),
    )
    Commitment.objects.filter(pk=world.other_commitment.pk).update(order=7)
    services.commitment_save(commitment=commitment, actor=officer, supporting_institutions=[world.other_office])
    assert commitment.order == 8
    record = ChangeRecord.objects.get(scope=commitment.history_scope())
    assert record.changes["supporting_institutions"] == [None, ["Oficina Ajena"]]
    before = ChangeRecord.objects.count()
    commitment.title = "Tercero, corregido"
    services.commitment_save(commitment=commitment, actor=officer, supporting_institutions=[])
    change = ChangeRecord.objects.order_by("-pk").first()
    assert ChangeRecord.objects.count() == before + 1 and change is not None
    assert change.changes == {
        "title": ["Tercero", "Tercero, corregido"],
        "supporting_institutions": [["Oficina Ajena"], []],
    }
    assert commitment.order == 8


def test_endorsement_add_and_remove_keep_the_plans_history(world: World, officer: User) -> None:
    endorsement = services.endorsement_add(plan=world.plan, actor=officer, name="Funcicar", sector="Sociedad civil")
    services.endorsement_remove(endorsement=endorsement, actor=officer)
    assert not Endorsement.objects.exists()
    actions = list(
        ChangeRecord.objects.filter(scope=world.plan.history_scope())
        .order_by("pk")
        .values_list("action", "object_repr")
    )
    assert actions == [("created", "Funcicar (Sociedad civil)"), ("deleted", "Funcicar (Sociedad civil)")]
    page = Client().get(reverse("plans:plan_history", args=[world.plan.slug])).content.decode()
    assert "Funcicar" in page


# Predicates and states


def test_an_ended_plan_takes_no_new_commitment(world: World) -> None:
    world.plan.ends_on = timezone.localdate() - datetime.timedelta(days=1)
    assert "terminó" in access.commitment_refusal(world.plan)
    world.plan.ends_on = timezone.localdate()
    assert access.commitment_refusal(world.plan) == ""


def test_publish_refusals(world: World) -> None:
    assert "ya está publicado" in access.publish_refusal(world.plan)
    empty = ActionPlan.objects.create(
        slug="v", title="V", jurisdiction="C", period_start=2024, period_end=2025, is_published=False
    )
    assert "al menos un compromiso" in access.publish_refusal(empty)


# The screens


def test_officer_creates_a_plan_adds_a_commitment_and_publishes_it(
    world: World, persona_client: Callable[[str], Client]
) -> None:
    client = persona_client("transparency")
    data = {**NEW_PLAN, "lead_institutions": [world.own_office.pk]}
    response = client.post(reverse("plans:staff_plan_new"), data)
    assert response.status_code == 302
    plan = ActionPlan.objects.get(slug="cartagena-2024-2025")
    assert response["Location"] == reverse("plans:staff_plan", args=[plan.slug])
    assert not plan.is_published
    assert plan.ends_on == datetime.date(2099, 12, 31)
    # A draft is on no public page, in no API answer.
    anonymous = Client()
    assert anonymous.get(plan.get_absolute_url()).status_code == 404
    assert plan.slug not in anonymous.get("/").content.decode()
    assert anonymous.get(reverse("plans:plan_history", args=[plan.slug])).status_code == 404

    # Publishing asks first; with no commitment it is refused, with the reason.
    publish = reverse("plans:staff_plan_publish", args=[plan.slug])
    response = client.post(publish)
    assert response.status_code == 409
    assert "al menos un compromiso" in response.content.decode()

    response = client.post(reverse("plans:staff_commitment_new", args=[plan.slug]), commitment_data(world))
    assert response.status_code == 302
    commitment = Commitment.objects.get(code="COCDI0101")
    assert response["Location"] == reverse("plans:staff_commitment", args=[plan.slug, commitment.pk])
    assert commitment.plan == plan
    assert commitment.order == 1
    assert commitment.start_month == datetime.date(2024, 3, 1)
    assert commitment.end_month == datetime.date(2025, 6, 1)
    assert commitment.value_access_to_information and commitment.value_public_accountability
    assert not commitment.value_civic_participation
    assert commitment.potential == "modest"
    assert list(commitment.supporting_institutions.all()) == [world.other_office]
    assert anonymous.get(commitment.get_absolute_url()).status_code == 404

    # A milestone from the commitment's staff page, back to it while the plan is a draft.
    staff_page = client.get(response["Location"]).content.decode()
    milestone_new = reverse("plans:milestone_new", args=[commitment.pk])
    assert milestone_new in staff_page
    response = client.post(
        milestone_new,
        {
            "title": "Portal con los contratos de 2024",
            "start_date": "2024-03-01",
            "end_date": "2024-09-30",
            "responsible": world.own_office.pk,
            "status": Milestone.Status.NOT_STARTED,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:staff_commitment", args=[plan.slug, commitment.pk])
    milestone = commitment.milestones.get()
    assert reverse("plans:milestone_edit", args=[milestone.pk]) in client.get(response["Location"]).content.decode()

    confirm = client.get(publish)
    assert confirm.status_code == 200
    assert "Sí, publicar el plan" in confirm.content.decode()
    assert not ActionPlan.objects.get(pk=plan.pk).is_published  # the GET asks, it does not publish
    response = client.post(publish)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.is_published
    page = anonymous.get(plan.get_absolute_url()).content.decode()
    assert "Datos abiertos de contratación" in page
    assert anonymous.get(commitment.get_absolute_url()).status_code == 200
    assert "Portal con los contratos de 2024" in anonymous.get(commitment.get_absolute_url()).content.decode()
    history = anonymous.get(reverse("plans:plan_history", args=[plan.slug])).content.decode()
    assert "Oficina Propia" in history  # who published, with the office


def test_the_page_cache_shows_a_change_at_once(
    world: World, persona_client: Callable[[str], Client], settings: Any
) -> None:
    settings.ABIERTA_PAGE_CACHE_SECONDS = 300
    anonymous = Client()
    assert "Plan de prueba" in anonymous.get(world.plan.get_absolute_url()).content.decode()
    data = {**NEW_PLAN, "slug": world.plan.slug, "title": "Plan de prueba corregido"}
    response = persona_client("transparency").post(reverse("plans:staff_plan_edit", args=[world.plan.slug]), data)
    assert response.status_code == 302
    assert "Plan de prueba corregido" in anonymous.get(world.plan.get_absolute_url()).content.decode()


def test_a_published_plan_keeps_its_address(world: World, persona_client: Callable[[str], Client]) -> None:
    data = {**NEW_PLAN, "slug": "otra-direccion"}
    response = persona_client("transparency").post(reverse("plans:staff_plan_edit", args=[world.plan.slug]), data)
    assert response.status_code == 302
    world.plan.refresh_from_db()
    assert world.plan.slug == "plan-prueba"
    assert world.plan.title == NEW_PLAN["title"]


def test_commitment_edit_keeps_a_published_code_and_records_history(
    world: World, persona_client: Callable[[str], Client]
) -> None:
    url = reverse("plans:staff_commitment_edit", args=[world.plan.slug, world.commitment.pk])
    client = persona_client("admin")
    form = client.get(url).content.decode()
    assert 'value="TEST0001"' in form and "disabled" in form
    response = client.post(url, commitment_data(world, code="CAMBIADO", order="3"))
    assert response.status_code == 302
    world.commitment.refresh_from_db()
    assert world.commitment.code == "TEST0001"
    assert world.commitment.order == 3
    assert world.commitment.title == "Datos abiertos de contratación"
    public = Client().get(reverse("plans:commitment_history", args=[world.plan.slug, "TEST0001"])).content.decode()
    assert "Datos abiertos de contratación" in public


def test_commitments_are_listed_in_order_and_paged(world: World, persona_client: Callable[[str], Client]) -> None:
    for n in range(60):
        Commitment.objects.create(
            plan=world.plan,
            code=f"LOTE{n:04d}",
            title=f"Lote {n}",
            order=100 + n,
            lead_institution=world.own_office,
            start_month=datetime.date(2024, 1, 1),
            end_month=datetime.date(2024, 2, 1),
        )
    Commitment.objects.filter(pk=world.other_commitment.pk).update(order=0)
    client = persona_client("transparency")
    url = reverse("plans:staff_plan", args=[world.plan.slug])
    first = client.get(url).content.decode()
    assert first.index("TEST0002") < first.index("LOTE0000") < first.index("LOTE0001")
    assert "LOTE0059" not in first
    assert "LOTE0059" in client.get(url + "?page=2").content.decode()


def test_endorsements_are_added_and_removed_after_a_confirmation(
    world: World, persona_client: Callable[[str], Client]
) -> None:
    client = persona_client("transparency")
    response = client.post(
        reverse("plans:staff_endorsement_new", args=[world.plan.slug]), {"name": "Funcicar", "sector": "Sociedad civil"}
    )
    assert response.status_code == 302
    endorsement = Endorsement.objects.get()
    assert "Funcicar" in Client().get(world.plan.get_absolute_url()).content.decode()
    again = client.post(
        reverse("plans:staff_endorsement_new", args=[world.plan.slug]), {"name": "funcicar", "sector": "Academia"}
    )
    assert again.status_code == 400
    assert "Esta organización ya respalda el plan." in again.content.decode()
    remove = reverse("plans:staff_endorsement_remove", args=[world.plan.slug, endorsement.pk])
    assert client.get(remove).status_code == 200
    assert Endorsement.objects.exists()
    assert client.post(remove).status_code == 302
    assert not Endorsement.objects.exists()


def test_an_ended_plan_explains_why_no_commitment_can_be_added(
    world: World, persona_client: Callable[[str], Client]
) -> None:
    ActionPlan.objects.filter(pk=world.plan.pk).update(ends_on=datetime.date(2023, 12, 31))
    client = persona_client("transparency")
    url = reverse("plans:staff_commitment_new", args=[world.plan.slug])
    page = client.get(url)
    assert page.status_code == 200
    assert "terminó" in page.content.decode() and "<form" not in page.content.decode().split("<main", 1)[1]
    assert url not in client.get(reverse("plans:staff_plan", args=[world.plan.slug])).content.decode()
    before = snapshot_db()
    assert client.post(url, commitment_data(world)).status_code == 409
    assert snapshot_db() == before


def test_staff_home_links(world: World, persona_client: Callable[[str], Client]) -> None:
    home = reverse("site:staff_home")
    assert reverse("plans:staff_plans") in persona_client("transparency").get(home).content.decode()
    assert reverse("plans:staff_plan_new") in persona_client("admin").get(home).content.decode()
    editor_home = persona_client("editor_own").get(home).content.decode()
    assert reverse("plans:staff_plans") not in editor_home
    assert reverse("plans:progress_new", args=[world.milestone.pk]) in editor_home


def test_an_editor_of_a_draft_plans_commitment_gets_back_to_its_staff_page(
    world: World, persona_client: Callable[[str], Client]
) -> None:
    ActionPlan.objects.filter(pk=world.plan.pk).update(is_published=False)
    client = persona_client("editor_own")
    home = client.get(reverse("site:staff_home")).content.decode()
    staff_page = reverse("plans:staff_commitment", args=[world.plan.slug, world.commitment.pk])
    assert staff_page in home
    page = client.get(staff_page).content.decode()
    assert reverse("plans:staff_commitment_edit", args=[world.plan.slug, world.commitment.pk]) not in page
    response = client.post(
        reverse("plans:milestone_edit", args=[world.milestone.pk]),
        {
            "title": "Hito corregido",
            "start_date": "2023-01-01",
            "end_date": "2023-06-30",
            "responsible": world.own_office.pk,
            "status": Milestone.Status.IN_PROGRESS,
        },
    )
    assert response["Location"] == staff_page


# Attacks


@pytest.mark.parametrize("persona", ["editor_own", "citizen", "monitor", "committee"])
def test_others_cannot_create_or_publish(world: World, persona_client: Callable[[str], Client], persona: str) -> None:
    draft = ActionPlan.objects.create(
        slug="borrador", title="Borrador", jurisdiction="C", period_start=2024, period_end=2025, is_published=False
    )
    Commitment.objects.create(
        plan=draft,
        code="BORR0001",
        title="En borrador",
        lead_institution=world.own_office,
        start_month=datetime.date(2024, 1, 1),
        end_month=datetime.date(2024, 2, 1),
    )
    client = persona_client(persona)
    before = snapshot_db()
    posts = [
        (reverse("plans:staff_plan_new"), {**NEW_PLAN, "lead_institutions": [world.own_office.pk]}),
        (reverse("plans:staff_plan_publish", args=[draft.slug]), {}),
        (reverse("plans:staff_plan_edit", args=[draft.slug]), {**NEW_PLAN, "slug": "borrador"}),
        (reverse("plans:staff_commitment_new", args=[draft.slug]), commitment_data(world)),
        (
            reverse("plans:staff_commitment_edit", args=[world.plan.slug, world.commitment.pk]),
            commitment_data(world, code="TEST0001"),
        ),
        (reverse("plans:staff_endorsement_new", args=[draft.slug]), {"name": "X", "sector": "Y"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert snapshot_db() == before


def test_a_commitment_of_another_plan_is_not_found_through_a_forged_address(
    world: World, persona_client: Callable[[str], Client]
) -> None:
    other_plan = ActionPlan.objects.create(
        slug="otro", title="Otro", jurisdiction="C", period_start=2024, period_end=2025, is_published=False
    )
    endorsement = Endorsement.objects.create(plan=other_plan, name="Ajena", sector="Academia")
    client = persona_client("transparency")
    before = snapshot_db()
    edit = reverse("plans:staff_commitment_edit", args=[other_plan.slug, world.commitment.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, commitment_data(world, code="TEST0001")).status_code == 404
    assert client.get(reverse("plans:staff_commitment", args=[other_plan.slug, world.commitment.pk])).status_code == 404
    remove = reverse("plans:staff_endorsement_remove", args=[world.plan.slug, endorsement.pk])
    assert client.post(remove).status_code == 404
    assert snapshot_db() == before


# Bad input: a Spanish message next to the field, what was typed kept, nothing written.


def _field_error(html: str, field: str) -> str:
    """The text of the errors printed next to ``field``."""
    marker = f'id="id_{field}_error"'
    assert marker in html, f"no error next to {field}"
    return html.split(marker, 1)[1].split("</ul>", 1)[0]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"period_end": "2023"}, "period_end", "El último año es anterior al primer año."),
        ({"ends_on": "2024-01-01"}, "ends_on", "La fecha de terminación es anterior a la de presentación."),
        ({"title": ""}, "title", "Este campo es obligatorio."),
        ({"jurisdiction": ""}, "jurisdiction", "Este campo es obligatorio."),
        ({"slug": "plan-prueba"}, "slug", "Otro plan ya tiene esta dirección."),
        ({"slug": "Con Espacios"}, "slug", "Use solo minúsculas, dígitos y guiones"),
        ({"period_start": "1999"}, "period_start", "Escriba un año entre 2000 y 2100."),
    ],
)
def test_bad_plan_input(
    world: World, persona_client: Callable[[str], Client], change: dict[str, str], field: str, message: str
) -> None:
    before = snapshot_db()
    data = {**NEW_PLAN, **change}
    response = persona_client("transparency").post(reverse("plans:staff_plan_new"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in _field_error(html, field)
    assert 'value="Cartagena de Indias"' in html or field == "jurisdiction"
    assert "Una ciudad que rinde cuentas." in html
    assert snapshot_db() == before


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"end_month": "2024-01"}, "end_month", "El mes de terminación es anterior al mes de inicio."),
        ({"code": "TEST0002"}, "code", "Otro compromiso ya tiene este código."),
        ({"code": "CON ESPACIO"}, "code", "Use solo letras, dígitos y guiones."),
        ({"title": ""}, "title", "Este campo es obligatorio."),
        ({"start_month": "marzo"}, "start_month", "Escriba un mes como año y mes, por ejemplo 2024-03."),
        ({"lead_institution": ""}, "lead_institution", "Este campo es obligatorio."),
    ],
)
def test_bad_commitment_input(
    world: World, persona_client: Callable[[str], Client], change: dict[str, str], field: str, message: str
) -> None:
    before = snapshot_db()
    response = persona_client("transparency").post(
        reverse("plans:staff_commitment_new", args=[world.plan.slug]), commitment_data(world, **change)
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in _field_error(html, field)
    assert "La ciudadanía no encuentra los contratos." in html
    assert snapshot_db() == before


def test_commitment_form_offers_every_ogp_field(world: World, persona_client: Callable[[str], Client]) -> None:
    html = persona_client("transparency").get(reverse("plans:staff_commitment_new", args=[world.plan.slug]))
    text = html.content.decode()
    for name in (
        "code",
        "title",
        "problem",
        "status_quo",
        "description",
        "objective",
        "value_access_to_information",
        "value_civic_participation",
        "value_public_accountability",
        "value_technology",
        "start_month",
        "end_month",
        "lead_institution",
        "supporting_institutions",
        "verifiable",
        "potential",
    ):
        assert f'name="{name}"' in text, name
    # Only government offices lead a commitment.
    Institution.objects.create(name="Fundación Civil", slug="civil", kind=Institution.Kind.CIVIL_SOCIETY)
    text = persona_client("admin").get(reverse("plans:staff_commitment_new", args=[world.plan.slug])).content.decode()
    lead = text.split('name="lead_institution"', 1)[1].split("</select>", 1)[0]
    assert "Fundación Civil" not in lead
