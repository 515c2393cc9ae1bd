"""Monitoring reports, committee members and meetings: the staff forms that publish them."""

from __future__ import annotations

from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from abierta.core.models import ChangeRecord
from abierta.plans.models import ActionPlan, CommitteeMeeting, CommitteeMember, MonitoringReport
from abierta.plans.tests.factories import PDF, png_with_gps, stored_files
from factories import World, make_user, sign_in


def report_data(**extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": MonitoringReport.Kind.INITIAL,
        "title": "Informe inicial de co-creación",
        "summary": "Resumen del informe.",
        "published_on": "2023-05-02",
        "file": SimpleUploadedFile("informe.pdf", PDF),
    }
    data.update(extra)
    return data


def test_monitor_publishes_report(world: World, persona_client: Callable[[str], Client]) -> None:
    client = persona_client("monitor")
    response = client.post(reverse("plans:report_new", args=[world.plan.slug]), report_data())
    assert response.status_code == 302
    assert response["Location"] == world.plan.get_absolute_url() + "#informes"
    report = MonitoringReport.objects.get()
    assert report.institution == world.monitoring_body
    assert report.uploaded_by is not None and report.uploaded_by.email == "monitor@example.org"
    with report.file.open("rb") as f:
        assert f.read() == PDF
    assert ChangeRecord.objects.filter(content_type__model="monitoringreport", action="created").count() == 1
    page = Client().get(world.plan.get_absolute_url()).content.decode()
    assert "Informe inicial de co-creación" in page
    assert Client().get(reverse("plans:report_file", args=[report.pk])).status_code == 200


def test_commitment_assessment_report_needs_its_commitment(
    world: World, persona_client: Callable[[str], Client]
) -> None:
    client = persona_client("monitor")
    url = reverse("plans:report_new", args=[world.plan.slug])
    response = client.post(url, report_data(kind=MonitoringReport.Kind.COMMITMENT))
    assert response.status_code == 400
    assert MonitoringReport.objects.count() == 0
    assert stored_files() == []
    response = client.post(url, report_data(kind=MonitoringReport.Kind.COMMITMENT, commitment=world.commitment.pk))
    assert response.status_code == 302
    assert MonitoringReport.objects.get().commitment == world.commitment


def test_report_must_be_pdf(world: World, persona_client: Callable[[str], Client]) -> None:
    response = persona_client("monitor").post(
        reverse("plans:report_new", args=[world.plan.slug]),
        report_data(file=SimpleUploadedFile("informe.pdf", png_with_gps())),
    )
    assert response.status_code == 400
    assert "Informe inicial de co-creación" in response.content.decode()
    assert MonitoringReport.objects.count() == 0
    assert stored_files() == []


def test_admin_without_institution_cannot_publish_report(world: World) -> None:
    """A report is published under an institution; an admin with none is refused, not a 500."""
    admin = make_user("root@example.org", "admin", None)
    client = sign_in(Client(), admin)
    url = reverse("plans:report_new", args=[world.plan.slug])
    assert client.get(url).status_code == 403
    assert client.post(url, report_data()).status_code == 403
    assert MonitoringReport.objects.count() == 0
    dashboard = client.get(reverse("site:staff_home"))
    assert dashboard.status_code == 200
    html = dashboard.content.decode()
    assert not [p for p in ActionPlan.objects.all() if reverse("plans:report_new", args=[p.slug]) in html]


def test_transparency_adds_committee_member(world: World, persona_client: Callable[[str], Client]) -> None:
    client = persona_client("transparency")
    url = reverse("plans:member_new", args=[world.plan.slug])
    bad = client.post(
        url, {"name": "Rosa Pérez", "sector": "Juventudes", "start_date": "2023-02-01", "end_date": "2023-01-01"}
    )
    assert bad.status_code == 400
    assert "Rosa Pérez" in bad.content.decode()
    assert CommitteeMember.objects.count() == 0
    response = client.post(url, {"name": "Rosa Pérez", "sector": "Juventudes", "start_date": "2023-02-01"})
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:committee", args=[world.plan.slug])
    member = CommitteeMember.objects.get()
    assert (member.name, member.plan) == ("Rosa Pérez", world.plan)
    record = ChangeRecord.objects.get(content_type__model="committeemember")
    assert record.actor_name == "Transparency Prueba"
    assert "Rosa Pérez" in Client().get(response["Location"]).content.decode()


def test_committee_records_meeting_with_minutes(world: World, persona_client: Callable[[str], Client]) -> None:
    client = persona_client("committee")
    url = reverse("plans:meeting_new", args=[world.plan.slug])
    bad = client.post(
        url,
        {
            "date": "2023-03-02",
            "place": "Aduana",
            "summary": "Instalación del comité",
            "minutes": SimpleUploadedFile("acta.pdf", png_with_gps()),
        },
    )
    assert bad.status_code == 400
    assert "Instalación del comité" in bad.content.decode()
    assert CommitteeMeeting.objects.count() == 0
    assert stored_files() == []
    response = client.post(
        url,
        {
            "date": "2023-03-02",
            "place": "Aduana",
            "summary": "Instalación del comité",
            "minutes": SimpleUploadedFile("acta.pdf", PDF),
        },
    )
    assert response.status_code == 302
    meeting = CommitteeMeeting.objects.get()
    assert meeting.created_by is not None and meeting.created_by.email == "committee@example.org"
    served = Client().get(reverse("plans:minutes_file", args=[meeting.pk]))
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == PDF  # type: ignore[attr-defined]
