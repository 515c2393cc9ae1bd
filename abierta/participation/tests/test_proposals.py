"""Proposals: online and transcribed, supports, answers, merges, the inventory and its exports."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from abierta.accounts.models import User
from abierta.participation.cocreation import services
from abierta.participation.models import Process, Proposal, ProposalSupport
from abierta.participation.tests.factories import make_process, make_table
from factories import World, make_user, sign_in


@pytest.fixture
def process(world: World) -> Process:
    return make_process(world.plan, "tables")


@pytest.mark.parametrize("phase", ["before", "tables", "analysis", "consultation", "results"])
def test_make_process_puts_the_process_in_the_phase(world: World, phase: str) -> None:
    assert make_process(world.plan, phase).phase() == phase


def test_transcribed_proposal_is_credited_to_the_table_not_the_staff(process: Process) -> None:
    table = make_table(process.plan, 3)
    staff = make_user("staff@example.org", User.Role.TRANSPARENCY)
    p = services.proposal_transcribe(table=table, actor=staff, title="Más luz", body="Alumbrado")
    assert (p.channel, p.author, p.table, p.transcribed_by) == (Proposal.Channel.IN_PERSON, None, table, staff)
    page = Client().get(reverse("participation:proposals", args=[process.plan.slug])).content.decode()
    assert "Más luz" in page
    assert "mesa 3" in page.lower()
    assert "Staff" not in page and "staff@example.org" not in page


def test_online_proposal_has_author_and_channel(process: Process) -> None:
    user = make_user("ana@example.org")
    p = services.proposal_submit(process=process, author=user, title="T", body="B")
    assert (p.channel, p.author, p.table) == (Proposal.Channel.ONLINE, user, None)


def test_support_is_one_per_person(process: Process) -> None:
    user = make_user("ana@example.org")
    p = services.proposal_submit(process=process, author=user, title="T", body="B")
    assert services.proposal_support(proposal=p, user=user) is True
    assert services.proposal_support(proposal=p, user=user) is False
    assert p.supports.count() == 1


def test_merge_moves_supporters_without_duplicates(process: Process) -> None:
    a, b, c = (make_user(f"{n}@example.org") for n in "abc")
    dup = services.proposal_submit(process=process, author=a, title="Duplicada", body="x")
    target = services.proposal_submit(process=process, author=b, title="Original", body="y")
    for u in (a, b):
        services.proposal_support(proposal=dup, user=u)
    for u in (b, c):
        services.proposal_support(proposal=target, user=u)
    services.proposal_merge(proposal=dup, into=target)
    dup.refresh_from_db()
    assert dup.status == Proposal.Status.MERGED
    assert dup.merged_into == target
    assert "Original" in dup.answer
    assert sorted(target.supports.values_list("user__email", flat=True)) == [
        "a@example.org",
        "b@example.org",
        "c@example.org",
    ]
    assert not dup.supports.exists()
    assert ProposalSupport.objects.count() == 3


def test_answer_reject_needs_a_reason(world: World, persona_client: object) -> None:
    process = make_process(world.plan, "analysis")
    p = services.proposal_submit(process=process, author=make_user("x@example.org"), title="T", body="B")
    client = persona_client("transparency")  # type: ignore[operator]
    url = reverse("participation:staff_answer", args=[world.plan.slug, p.pk])
    response = client.post(url, {"decision": "reject", "answer": ""})
    assert response.status_code == 400
    assert 'value="reject" ' in response.content.decode() or 'value="reject"' in response.content.decode()
    p.refresh_from_db()
    assert p.status == Proposal.Status.RECEIVED
    response = client.post(url, {"decision": "reject", "answer": "Fuera de la competencia del distrito."})
    assert response.status_code == 302
    p.refresh_from_db()
    assert (p.status, p.answer) == (Proposal.Status.REJECTED, "Fuera de la competencia del distrito.")


def test_propose_form_bad_input_keeps_input_and_writes_nothing(process: Process) -> None:
    client = sign_in(Client(), make_user("ana@example.org"))
    url = reverse("participation:proposal_new", args=[process.plan.slug])
    response = client.post(url, {"title": "Mi título guardado", "body": ""})
    assert response.status_code == 400
    assert "Mi título guardado" in response.content.decode()
    assert not Proposal.objects.exists()
    response = client.post(url, {"title": "Mi título", "body": "Cuerpo"})
    assert response.status_code == 302
    author = Proposal.objects.get().author
    assert author is not None and author.email == "ana@example.org"


def test_support_button_posts_a_support(process: Process) -> None:
    user = make_user("ana@example.org")
    p = services.proposal_submit(process=process, author=user, title="T", body="B")
    client = sign_in(Client(), make_user("beto@example.org"))
    url = reverse("participation:proposal_support", args=[process.plan.slug, p.pk])
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302
    assert p.supports.count() == 1
    assert client.get(url).status_code == 405


def test_inventory_filters_and_exports(process: Process) -> None:
    table = make_table(process.plan, 2)
    staff = make_user("staff@example.org", User.Role.TRANSPARENCY)
    online = services.proposal_submit(process=process, author=make_user("ana@example.org"), title="=Online", body="b")
    paper = services.proposal_transcribe(table=table, actor=staff, title="En papel", body="c")
    services.proposal_support(proposal=online, user=make_user("beto@example.org"))
    services.proposal_answer(proposal=paper, accept=True, answer="Aceptada")
    url = reverse("participation:proposals", args=[process.plan.slug])
    client = Client()

    page = client.get(url, {"channel": "in_person"}).content.decode()
    assert "En papel" in page and "=Online" not in page
    page = client.get(url, {"table": "2"}).content.decode()
    assert "En papel" in page and "=Online" not in page
    page = client.get(url, {"status": "received"}).content.decode()
    assert "=Online" in page and "En papel" not in page

    csv_text = b"".join(client.get(url, {"format": "csv"}).streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("Número,Título")
    assert len(lines) == 3
    assert "'=Online" in csv_text  # no formula injection
    assert "staff@example.org" not in csv_text and "ana@example.org" not in csv_text

    data = json.loads(b"".join(client.get(url, {"format": "json"}).streaming_content))  # type: ignore[attr-defined]
    rows = {r["titulo"]: r for r in data["propuestas"]}
    assert rows["=Online"]["apoyos"] == 1
    assert rows["=Online"]["canal"] == "online"
    assert rows["En papel"]["mesa"] == 2
    assert rows["En papel"]["estado"] == "accepted"
    assert rows["En papel"]["respuesta"] == "Aceptada"

    data = json.loads(b"".join(client.get(url, {"format": "json", "channel": "online"}).streaming_content))  # type: ignore[attr-defined]
    assert [r["titulo"] for r in data["propuestas"]] == ["=Online"]


def test_proposal_detail_shows_merge_and_initiative(process: Process) -> None:
    a = make_user("a@example.org")
    dup = services.proposal_submit(process=process, author=a, title="Duplicada", body="x")
    target = services.proposal_submit(process=process, author=a, title="Original", body="y")
    services.proposal_merge(proposal=dup, into=target)
    services.proposal_answer(proposal=target, accept=True, answer="Sí")
    services.initiative_shortlist(plan=process.plan, proposals=[target], title="Iniciativa luz")
    client = Client()
    page = client.get(reverse("participation:proposal", args=[process.plan.slug, dup.pk])).content.decode()
    assert reverse("participation:proposal", args=[process.plan.slug, target.pk]) in page
    page = client.get(reverse("participation:proposal", args=[process.plan.slug, target.pk])).content.decode()
    assert "Iniciativa luz" in page and "Duplicada" in page


def test_inventory_pages_by_fifty_and_keeps_the_filters(process: Process) -> None:
    table = make_table(process.plan, 2)
    staff = make_user("staff@example.org", User.Role.TRANSPARENCY)
    for i in range(53):
        services.proposal_transcribe(table=table, actor=staff, title=f"En papel {i:02d}", body="c")
    services.proposal_submit(process=process, author=make_user("ana@example.org"), title="En línea", body="b")
    url = reverse("participation:proposals", args=[process.plan.slug])
    client = Client()

    first = client.get(url, {"channel": "in_person"})
    html = first.content.decode()
    assert len(first.context["proposals"]) == 50
    assert "53 propuestas" in html and "Página 1 de 2" in html
    assert 'href="?channel=in_person&amp;page=2" rel="next"' in html
    assert 'id="site-search" type="search" name="q" value=""' in html  # not the list's filters
    second = client.get(url, {"channel": "in_person", "page": "2"})
    assert [p.title for p, _origin in second.context["proposals"]] == ["En papel 50", "En papel 51", "En papel 52"]
    assert 'href="?channel=in_person&amp;page=1" rel="prev"' in second.content.decode()
    # The download holds every row of the filter, not one page, and says so.
    assert 'href="?channel=in_person&amp;format=csv" download>Descargar todo (CSV)</a>' in second.content.decode()
    csv_text = b"".join(client.get(url, {"channel": "in_person", "format": "csv"}).streaming_content).decode()  # type: ignore[attr-defined]
    assert len(csv_text.strip().splitlines()) == 54
    # Beyond the last page: the last; not a number: the first.
    assert client.get(url, {"channel": "in_person", "page": "7"}).context["page"].number == 2
    assert client.get(url, {"page": "dos"}).context["page"].number == 1


def test_table_page_shows_its_first_proposals_and_links_to_the_rest(process: Process) -> None:
    table = make_table(process.plan, 4)
    staff = make_user("staff@example.org", User.Role.TRANSPARENCY)
    for i in range(12):
        services.proposal_transcribe(table=table, actor=staff, title=f"Propuesta {i}", body="c")
    response = Client().get(reverse("participation:table", args=[process.plan.slug, 4]))
    assert len(response.context["proposals"]) == 10
    link = reverse("participation:proposals", args=[process.plan.slug]) + "?table=4"
    assert f'<a href="{link}">Ver las 12 propuestas de esta mesa</a>' in response.content.decode()
