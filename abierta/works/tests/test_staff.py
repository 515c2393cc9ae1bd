"""Staff pages of public works: every view for every persona, then each view's happy path and
bad input (works, contracts, publication, progress updates, the reports inbox)."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from PIL import Image

from abierta.contracting.tests.factories import make_contract
from abierta.core.models import ChangeRecord
from abierta.core.uploads import JPEG
from abierta.works import services
from abierta.works.models import (
    IrregularityPhoto,
    IrregularityReport,
    Work,
    WorkContract,
    WorkFollower,
    WorkPhoto,
    WorkUpdate,
)
from abierta.works.tests.factories import make_work, photo_with_exif
from factories import PERSONAS, World

pytestmark = pytest.mark.django_db

Capture = Callable[..., Any]
ClientFor = Callable[[str], Client]
MANAGERS = {"editor_own", "transparency", "admin"}
# Editors of any office may register works (for their office) and open the list and inbox.
LIST_USERS = MANAGERS | {"editor_other"}


@pytest.fixture
def work(world: World) -> Work:
    return make_work(world.own_office, contracts=2, name="Parque de Olaya")


@pytest.fixture
def report(work: Work) -> IrregularityReport:
    return services.report_submit(
        work=work,
        text="Los andenes quedaron sin terminar frente al colegio.",
        contact="ana@example.org",
        photos=[services.ReportPhoto(upload=photo_with_exif(), kind=JPEG)],
    )


def _views(work: Work, report: IrregularityReport) -> list[tuple[str, str, str, dict[str, Any], set[str]]]:
    """(name, method, url, data, personas allowed)."""
    code = work.code
    link = work.work_contracts.first()
    assert link is not None
    photo = report.photos.get()
    return [
        ("list", "get", reverse("works:staff_works"), {}, LIST_USERS),
        ("create", "get", reverse("works:staff_work_create"), {}, LIST_USERS),
        ("inbox", "get", reverse("works:staff_reports"), {}, LIST_USERS),
        ("edit", "get", reverse("works:staff_work", args=[code]), {}, MANAGERS),
        ("edit-post", "post", reverse("works:staff_work", args=[code]), {"name": ""}, MANAGERS),
        ("publish", "post", reverse("works:staff_work_publish", args=[code]), {"published": "0"}, MANAGERS),
        ("link", "post", reverse("works:staff_contract_link", args=[code]), {"reference": ""}, MANAGERS),
        ("unlink", "post", reverse("works:staff_contract_unlink", args=[code, link.pk]), {}, MANAGERS),
        ("update", "get", reverse("works:staff_update_add", args=[code]), {}, MANAGERS),
        ("update-post", "post", reverse("works:staff_update_add", args=[code]), {}, MANAGERS),
        ("report", "get", reverse("works:staff_report", args=[report.pk]), {}, MANAGERS),
        ("report-post", "post", reverse("works:staff_report", args=[report.pk]), {"status": "reviewed"}, MANAGERS),
        ("forward", "post", reverse("works:staff_report_forward", args=[report.pk]), {"category": "nope"}, MANAGERS),
        ("photo", "get", reverse("works:staff_report_photo", args=[report.pk, photo.pk]), {}, MANAGERS),
    ]


VIEW_NAMES = [
    "list",
    "create",
    "inbox",
    "edit",
    "edit-post",
    "publish",
    "link",
    "unlink",
    "update",
    "update-post",
    "report",
    "report-post",
    "forward",
    "photo",
]


@pytest.mark.parametrize("view", VIEW_NAMES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_staff_view_for_every_persona(
    persona: str, view: str, persona_client: ClientFor, work: Work, report: IrregularityReport
) -> None:
    name, method, url, data, allowed = next(v for v in _views(work, report) if v[0] == view)
    before = (
        Work.objects.filter(pk=work.pk).values_list("is_published", "name").get(),
        WorkContract.objects.count(),
        IrregularityReport.objects.values_list("status", flat=True).get(),
    )
    client = persona_client(persona)
    response = getattr(client, method)(url, data)
    if persona == "anonymous":
        assert response.status_code == 302 and "/cuenta/ingresar/" in response["Location"]
    elif persona in allowed:
        assert response.status_code in {200, 302, 400}, (name, response.status_code)
    else:
        assert response.status_code == 403, (name, response.status_code)
    if persona not in allowed:
        after = (
            Work.objects.filter(pk=work.pk).values_list("is_published", "name").get(),
            WorkContract.objects.count(),
            IrregularityReport.objects.values_list("status", flat=True).get(),
        )
        assert after == before


# ---------------------------------------------------------------- works


def _work_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "Puente peatonal de Bocagrande",
        "description": "Puente peatonal sobre la avenida San Martín.",
        "sector": Work.Sector.TRANSPORT_URBAN,
        "status": Work.Status.PREPARATION,
        "address": "Avenida San Martín con calle 5",
        "localidad": Work.Localidad.HISTORICA,
        "ucg": "1",
        "latitude": "10.398300",
        "longitude": "-75.556900",
        "budget": "2500000000",
        "physical_progress": "0",
        "financial_progress": "0",
        "start_on": "2025-02-01",
        "end_on": "2025-12-31",
    }
    data.update(overrides)
    return data


def test_an_editor_registers_a_work_for_their_office(persona_client: ClientFor, world: World) -> None:
    client = persona_client("editor_own")
    page = client.get(reverse("works:staff_work_create"))
    assert page.status_code == 200
    response = client.post(reverse("works:staff_work_create"), _work_data(office=world.own_office.pk))
    assert response.status_code == 302
    work = Work.objects.get(name="Puente peatonal de Bocagrande")
    assert response["Location"] == reverse("works:staff_work", args=[work.code])
    assert work.office == world.own_office and work.ucg == 1 and work.latitude == Decimal("10.398300")
    record = ChangeRecord.objects.get(scope=work.history_scope())
    assert record.action == ChangeRecord.Action.CREATED and record.changes["name"] == [None, work.name]
    # Another office is not among the choices of an editor.
    refused = client.post(reverse("works:staff_work_create"), _work_data(office=world.other_office.pk, name="Otra"))
    assert refused.status_code == 400
    assert not Work.objects.filter(name="Otra").exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ucg": "16"}, "ucg"),
        ({"ucg": "0"}, "ucg"),
        ({"latitude": "", "longitude": "-75.5"}, "latitude"),
        ({"latitude": "95"}, "latitude"),
        ({"end_on": "2024-01-01"}, "end_on"),
        ({"name": ""}, "name"),
        ({"physical_progress": "120"}, "physical_progress"),
    ],
)
def test_bad_work_data_is_refused_keeping_what_was_typed(
    persona_client: ClientFor, world: World, overrides: dict[str, str], field: str
) -> None:
    client = persona_client("transparency")
    response = client.post(reverse("works:staff_work_create"), _work_data(office=world.own_office.pk, **overrides))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error-summary"' in html and f'href="#id_{field}"' in html
    assert 'value="Avenida San Martín con calle 5"' in html
    assert not Work.objects.exists()


def test_editing_a_work_keeps_its_public_history(persona_client: ClientFor, work: Work, world: World) -> None:
    client = persona_client("editor_own")
    page = client.get(reverse("works:staff_work", args=[work.code]))
    assert page.status_code == 200
    assert 'name="physical_progress"' not in page.content.decode()  # progress changes by updates
    data = _work_data(office=world.own_office.pk, name="Parque de Olaya, etapa 2")
    del data["physical_progress"], data["financial_progress"]
    response = client.post(reverse("works:staff_work", args=[work.code]), data)
    assert response.status_code == 302
    work.refresh_from_db()
    assert work.name == "Parque de Olaya, etapa 2" and work.physical_progress == Decimal("35")
    record = ChangeRecord.objects.get(scope=work.history_scope())
    assert record.changes["name"] == ["Parque de Olaya", "Parque de Olaya, etapa 2"]
    assert record.actor_name and record.actor_institution == world.own_office.name
    bad = client.post(reverse("works:staff_work", args=[work.code]), {**data, "ucg": "99"})
    assert bad.status_code == 400
    work.refresh_from_db()
    assert work.ucg == 1


def test_publish_and_unpublish(persona_client: ClientFor, work: Work) -> None:
    client = persona_client("transparency")
    assert client.post(reverse("works:staff_work_publish", args=[work.code]), {"published": "0"}).status_code == 302
    work.refresh_from_db()
    assert not work.is_published
    assert Client().get(reverse("works:follow", args=[work.code])).status_code == 404
    assert client.post(reverse("works:staff_work_publish", args=[work.code]), {"published": "1"}).status_code == 302
    work.refresh_from_db()
    assert work.is_published
    changes = [r.changes.get("is_published") for r in ChangeRecord.objects.filter(scope=work.history_scope())]
    assert [True, False] in changes and [False, True] in changes
    assert client.get(reverse("works:staff_work_publish", args=[work.code])).status_code == 405


def test_link_a_contract_by_number_or_ocid_and_unlink_it(persona_client: ClientFor, work: Work) -> None:
    client = persona_client("editor_own")
    url = reverse("works:staff_contract_link", args=[work.code])
    by_number = make_contract(contract_id="CO1.PCCNTR.555")
    by_ocid = make_contract()
    assert client.post(url, {"reference": "co1.pccntr.555", "role": "design"}).status_code == 302
    assert client.post(url, {"reference": by_ocid.ocid, "role": "other"}).status_code == 302
    roles = dict(work.work_contracts.values_list("contract_id", "role"))
    assert roles[by_number.pk] == "design" and roles[by_ocid.pk] == "other"
    # Bad input: unknown, already linked, a number two contracts share, no role.
    make_contract(contract_id="CO1.PCCNTR.777")
    make_contract(contract_id="CO1.PCCNTR.777")
    for data in (
        {"reference": "CO1.PCCNTR.000", "role": "works"},
        {"reference": by_ocid.ocid, "role": "works"},
        {"reference": "CO1.PCCNTR.777", "role": "works"},
        {"reference": "", "role": "works"},
        {"reference": "CO1.PCCNTR.555", "role": "boss"},
    ):
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert 'class="error-summary"' in response.content.decode()
    assert work.work_contracts.count() == 4
    link = work.work_contracts.get(contract=by_number)
    assert client.post(reverse("works:staff_contract_unlink", args=[work.code, link.pk])).status_code == 302
    assert not work.work_contracts.filter(contract=by_number).exists()
    actions = list(ChangeRecord.objects.filter(scope=work.history_scope()).values_list("action", flat=True))
    assert actions.count("created") == 2 and actions.count("deleted") == 1
    # A link of another work is not reachable through this one.
    other = make_work(work.office)
    other_link = other.work_contracts.get()
    assert client.post(reverse("works:staff_contract_unlink", args=[work.code, other_link.pk])).status_code == 404


# ---------------------------------------------------------------- progress updates


def _update_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "date": timezone.localdate().isoformat(),
        "physical_progress": "60",
        "financial_progress": "55.25",
        "text": "Se fundió la placa del puente y se instalaron las barandas.",
    }
    data.update(overrides)
    return data


def test_a_progress_update_with_photos_notifies_followers(
    persona_client: ClientFor, work: Work, django_capture_on_commit_callbacks: Capture
) -> None:
    WorkFollower.objects.create(work=work, email="ana@example.org", confirmed_at=timezone.now())
    WorkFollower.objects.create(work=work, email="pendiente@example.org")
    client = persona_client("editor_own")
    page = client.get(reverse("works:staff_update_add", args=[work.code]))
    assert page.status_code == 200 and 'name="photo_1"' in page.content.decode()
    data = _update_data(photo_1=photo_with_exif(), caption_1="Placa del puente recién fundida")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("works:staff_update_add", args=[work.code]), data)
    assert response.status_code == 302
    update = WorkUpdate.objects.get()
    assert update.physical_progress == Decimal("60") and update.financial_progress == Decimal("55.25")
    assert update.author is not None and update.notified_at is not None
    work.refresh_from_db()
    assert (work.physical_progress, work.financial_progress) == (Decimal("60"), Decimal("55.25"))
    photo = WorkPhoto.objects.get()
    assert photo.caption == "Placa del puente recién fundida"
    with photo.image.open("rb") as handle:
        stored = handle.read()
    assert b"Ana Perez" not in stored  # the JPEG comment goes too
    with Image.open(io.BytesIO(stored)) as image:
        exif = image.getexif()
        assert dict(exif) == {} and exif.get_ifd(0x8825) == {}
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    assert "Se fundió la placa del puente" in mail.outbox[0].body
    scopes = ChangeRecord.objects.filter(scope=work.history_scope())
    assert scopes.filter(content_type__model="workupdate").exists()
    assert scopes.filter(content_type__model="work", changes__has_key="physical_progress").exists()


def test_a_back_dated_update_does_not_replace_the_latest_progress(work: Work) -> None:
    today = timezone.localdate()
    services.work_update_add(
        work=work, author=None, date=today, physical_progress=Decimal(70), financial_progress=Decimal(60), text="Hoy."
    )
    services.work_update_add(
        work=work,
        author=None,
        date=today.replace(year=today.year - 1),
        physical_progress=Decimal(20),
        financial_progress=Decimal(20),
        text="Informe atrasado del año pasado.",
    )
    work.refresh_from_db()
    assert (work.physical_progress, work.financial_progress) == (Decimal(70), Decimal(60))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"physical_progress": "20"}, "correction"),  # lower than the current 35 %, not ticked
        ({"physical_progress": "101"}, "physical_progress"),
        ({"financial_progress": "-1"}, "financial_progress"),
        ({"date": "2999-01-01"}, "date"),
        ({"date": "ayer"}, "date"),
        ({"text": ""}, "text"),
        ({"caption_1": "Sin foto"}, "photo_1"),
        ({"photo_1": "with-exif"}, "caption_1"),
        ({"photo_2": "not-an-image", "caption_2": "Algo"}, "photo_2"),
    ],
)
def test_bad_updates_are_refused_and_nothing_is_written(
    persona_client: ClientFor, work: Work, overrides: dict[str, Any], field: str
) -> None:
    if overrides.get("photo_1") == "with-exif":
        overrides["photo_1"] = photo_with_exif()
    if overrides.get("photo_2") == "not-an-image":
        overrides["photo_2"] = SimpleUploadedFile("x.jpg", b"no es una imagen", content_type="image/jpeg")
    client = persona_client("editor_own")
    response = client.post(reverse("works:staff_update_add", args=[work.code]), _update_data(**overrides))
    assert response.status_code == 400
    html = response.content.decode()
    assert f'href="#id_{field}"' in html
    if field != "text":
        assert "Se fundió la placa del puente" in html  # what was typed is kept
    assert not WorkUpdate.objects.exists() and not WorkPhoto.objects.exists()
    work.refresh_from_db()
    assert work.physical_progress == Decimal("35")


def test_a_lower_progress_is_accepted_as_a_confirmed_correction(persona_client: ClientFor, work: Work) -> None:
    client = persona_client("editor_own")
    data = _update_data(physical_progress="30", correction="on", text="Corrección: el 35 % incluía obra no recibida.")
    assert client.post(reverse("works:staff_update_add", args=[work.code]), data).status_code == 302
    work.refresh_from_db()
    assert work.physical_progress == Decimal("30")


# ---------------------------------------------------------------- reports inbox


def test_the_inbox_shows_only_the_office_reports_and_filters(
    persona_client: ClientFor, work: Work, report: IrregularityReport, world: World
) -> None:
    other = make_work(world.other_office, contracts=0, name="Obra de la otra oficina")
    services.report_submit(work=other, text="Reporte sobre la obra de otra oficina, no debe verse.")
    second = make_work(world.own_office, contracts=0, name="Segunda obra propia")
    answered = services.report_submit(work=second, text="Reporte ya respondido de la segunda obra.")
    answered.status = IrregularityReport.Status.ANSWERED
    answered.save()
    client = persona_client("editor_own")
    html = client.get(reverse("works:staff_reports")).content.decode()
    assert "Los andenes quedaron" in html and "Reporte ya respondido" in html
    assert "no debe verse" not in html
    only_work = client.get(reverse("works:staff_reports"), {"work": work.code}).content.decode()
    assert "Los andenes quedaron" in only_work and "Reporte ya respondido" not in only_work
    only_answered = client.get(reverse("works:staff_reports"), {"status": "answered"}).content.decode()
    assert "Reporte ya respondido" in only_answered and "Los andenes quedaron" not in only_answered
    foreign = client.get(reverse("works:staff_reports"), {"work": other.code})
    assert foreign.status_code == 400 and "no debe verse" not in foreign.content.decode()
    everything = persona_client("transparency").get(reverse("works:staff_reports")).content.decode()
    assert "no debe verse" in everything


def test_answer_a_report_and_the_reporter_is_emailed(
    persona_client: ClientFor, report: IrregularityReport, django_capture_on_commit_callbacks: Capture
) -> None:
    client = persona_client("editor_own")
    url = reverse("works:staff_report", args=[report.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Los andenes quedaron" in html and "ana@example.org" in html
    assert reverse("works:staff_report_photo", args=[report.pk, report.photos.get().pk]) in html
    mail.outbox.clear()
    bad = client.post(url, {"status": "answered", "answer": ""})
    assert bad.status_code == 400
    report.refresh_from_db()
    assert report.status == IrregularityReport.Status.RECEIVED
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"status": "answered", "answer": "El contratista terminará los andenes el lunes."})
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.status == IrregularityReport.Status.ANSWERED
    assert report.answer == "El contratista terminará los andenes el lunes."
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    assert "terminará los andenes" in mail.outbox[0].body


def test_the_report_photo_is_served_to_its_staff_only(persona_client: ClientFor, report: IrregularityReport) -> None:
    photo = report.photos.get()
    client = persona_client("editor_own")
    response = client.get(reverse("works:staff_report_photo", args=[report.pk, photo.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg" and "no-store" in response["Cache-Control"]
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    with Image.open(io.BytesIO(body)) as image:
        assert image.getexif().get_ifd(0x8825) == {}
    other = IrregularityPhoto.objects.create(report=services.report_submit(work=report.work, text="Otro reporte más."))
    url = reverse("works:staff_report_photo", args=[report.pk, other.pk])
    assert client.get(url).status_code == 404


def test_forward_a_report_to_the_complaint_channel(persona_client: ClientFor, report: IrregularityReport) -> None:
    from abierta.complaints.models import Case

    client = persona_client("transparency")
    url = reverse("works:staff_report_forward", args=[report.pk])
    assert client.post(url, {"category": "nope"}).status_code == 400
    assert not Case.objects.exists()
    response = client.post(url, {"category": Case.Category.PROCUREMENT}, follow=True)
    assert response.status_code == 200
    case = Case.objects.get()
    assert case.number in response.content.decode() and not case.identified
    client.post(url, {"category": Case.Category.PROCUREMENT})
    assert Case.objects.count() == 1


def test_a_name_with_a_line_break_is_refused(persona_client: ClientFor, world: World) -> None:
    """S11: a CR/LF in a work's name was saved, and every follower mail about it then failed silently."""
    client = persona_client("transparency")
    name = "Obra prueba\r\nBcc: evil@example.org"
    response = client.post(reverse("works:staff_work_create"), _work_data(office=world.own_office.pk, name=name))
    assert response.status_code == 400
    html = response.content.decode()
    with translation.override("es-co"):
        message = gettext("Write this on a single line, without line breaks, tabs or control characters.")
    assert message in html and 'href="#id_name"' in html
    assert 'value="Avenida San Martín con calle 5"' in html
    assert not Work.objects.exists()
    # Line breaks stay allowed in the description, a text of several lines.
    ok = client.post(
        reverse("works:staff_work_create"),
        _work_data(office=world.own_office.pk, description="Primera línea.\r\nSegunda línea.\tCon tabulación."),
    )
    assert ok.status_code == 302
    assert (
        client.post(
            reverse("works:staff_work_create"),
            _work_data(office=world.own_office.pk, name="Otra", description="a\x00b"),
        ).status_code
        == 400
    )


def test_follower_mail_subject_is_one_line_whatever_the_name(
    work: Work, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    """S11: the subject of a mail is built on one line even from a name saved before the check."""
    Work.objects.filter(pk=work.pk).update(name="Obra prueba\r\nBcc: evil@example.org")
    work.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.follow_request(work=work, email="ana@example.org")
    assert len(mail.outbox) == 1
    assert "Obra prueba Bcc: evil@example.org" in mail.outbox[0].subject
    assert "\n" not in mail.outbox[0].subject and "\r" not in mail.outbox[0].subject
    assert mail.outbox[0].bcc == []
