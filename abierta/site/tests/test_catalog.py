"""The open data catalog: every registered dataset downloads as CSV (BOM, accents, documented
header, one row per object, formula-safe) and JSON, is listed and documented, and is described in
a DCAT-AP JSON-LD catalog that expands offline with pyld. (In site: it builds data of every app.)"""

from __future__ import annotations

import csv
import datetime
import io
import json
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pyld import jsonld

from abierta.core.history import record, snapshot
from abierta.datos.registry import Dataset, all_datasets, get
from abierta.development.tests.builders import make_dev_plan
from abierta.participation.models import Initiative, Process, Proposal, WorkingTable
from abierta.plans.models import (
    ActionPlan,
    Commitment,
    CommitteeMeeting,
    CommitteeMember,
    Endorsement,
    MonitoringReport,
    ProgressUpdate,
)
from abierta.procurement.tests.factories import make_plan_line
from abierta.works.tests.factories import make_work
from factories import World

DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
BOM = b"\xef\xbb\xbf"
FORMULA = '=HYPERLINK("http://evil.example")'


@pytest.fixture
def data(world: World) -> World:
    """At least one row in every dataset, with accents and a would-be formula."""
    make_dev_plan(world)
    make_plan_line()
    make_work()
    plan = world.plan
    table = WorkingTable.objects.create(
        plan=plan,
        number=1,
        name="Mesa de niñez y adolescencia",
        sector=WorkingTable.Sector.POPULATION,
        held_on=datetime.date(2022, 9, 3),
        place="Institución Educativa Soledad Acosta",
        attendance=42,
    )
    initiative = Initiative.objects.create(
        plan=plan, number=1, title="Participación en la gestión pública", commitment=world.commitment
    )
    process = Process.objects.create(
        plan=plan,
        title="Cocreación 2022",
        tables_from=datetime.datetime(2022, 9, 1, tzinfo=datetime.UTC),
        analysis_from=datetime.datetime(2022, 10, 20, tzinfo=datetime.UTC),
        consultation_from=datetime.datetime(2022, 11, 8, tzinfo=datetime.UTC),
        results_from=datetime.datetime(2022, 11, 15, tzinfo=datetime.UTC),
    )
    Proposal.objects.create(
        process=process,
        title="Veedurías en los barrios",
        body="Que las juntas de acción comunal hagan veeduría a las obras de su UCG.",
        channel=Proposal.Channel.IN_PERSON,
        table=table,
        status=Proposal.Status.ACCEPTED,
        answer="Se incluye en la iniciativa 1.",
        initiative=initiative,
    )
    CommitteeMember.objects.create(
        plan=plan,
        name="Ramón Núñez",
        sector="Población étnica",
        working_table=table,
        start_date=datetime.date(2022, 10, 1),
    )
    CommitteeMeeting.objects.create(
        plan=plan,
        date=datetime.date(2023, 3, 2),
        place="Plaza de la Aduana",
        summary="Instalación del comité",
        minutes=SimpleUploadedFile("acta.pdf", b"%PDF-1.4 acta"),
    )
    Endorsement.objects.create(plan=plan, name="Fundación Cívica Señora", sector="Sociedad civil")
    MonitoringReport.objects.create(
        plan=plan,
        kind=MonitoringReport.Kind.INITIAL,
        title="Informe de cocreación",
        published_on=datetime.date(2023, 1, 5),
        file=SimpleUploadedFile("informe.pdf", b"%PDF-1.4 informe"),
        institution=world.monitoring_body,
    )
    ProgressUpdate.objects.create(
        milestone=world.milestone,
        date=datetime.date(2023, 2, 1),
        text=FORMULA,
        evidence_url="https://example.org/evidencia",
    )
    # An unpublished plan's data is never published.
    hidden = ActionPlan.objects.create(
        slug="borrador",
        title="Borrador",
        jurisdiction="Cartagena",
        period_start=2030,
        period_end=2031,
        is_published=False,
    )
    Commitment.objects.create(
        plan=hidden,
        code="HIDDEN01",
        title="Oculto",
        lead_institution=world.own_office,
        start_month=datetime.date(2030, 1, 1),
        end_month=datetime.date(2030, 6, 1),
    )
    return world


def _csv(client: Client, dataset: Dataset) -> tuple[bytes, list[list[str]]]:
    response = client.get(f"/datos/{dataset.slug}.csv")
    assert response.status_code == 200, dataset.slug
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="{dataset.slug}.csv"' in response["Content-Disposition"]
    assert response.streaming  # written while read: memory stays flat however many rows
    body = response.getvalue()
    return body, list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _json(client: Client, dataset: Dataset) -> dict[str, Any]:
    response = client.get(f"/datos/{dataset.slug}.json")
    assert response.status_code == 200, dataset.slug
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    doc: dict[str, Any] = json.loads(body.decode("utf-8"))
    return doc


def test_the_registry_has_the_datasets_of_todays_modules() -> None:
    slugs = {d.slug for d in all_datasets()}
    assert {
        "planes-de-accion",
        "compromisos",
        "hitos",
        "avances",
        "informes-de-seguimiento",
        "comite-de-seguimiento",
        "reuniones-del-comite",
        "respaldos",
        "mesas-de-trabajo",
        "iniciativas",
        "metas-plan-de-desarrollo",
        "mediciones",
        "propuestas-de-cocreacion",
    } <= slugs


def test_the_catalog_opens_with_the_plans_co_creation_and_development_plan_datasets() -> None:
    """Each app registers its own datasets; their order in the catalog is the one it always had."""
    assert [d.slug for d in all_datasets()][:13] == [
        "planes-de-accion",
        "compromisos",
        "hitos",
        "avances",
        "informes-de-seguimiento",
        "comite-de-seguimiento",
        "reuniones-del-comite",
        "respaldos",
        "mesas-de-trabajo",
        "iniciativas",
        "metas-plan-de-desarrollo",
        "mediciones",
        "propuestas-de-cocreacion",
    ]


def test_every_csv_has_a_bom_the_documented_header_and_one_row_per_object(client: Client, data: World) -> None:
    for dataset in all_datasets():
        raw, rows = _csv(client, dataset)
        assert raw.startswith(BOM), dataset.slug
        assert rows[0] == dataset.headers, dataset.slug
        count = dataset.queryset().count()
        assert count >= 1, f"{dataset.slug} has no row in the fixture"
        assert len(rows) - 1 == count, dataset.slug
        assert all(len(r) == len(dataset.headers) for r in rows), dataset.slug


def test_csv_keeps_accents_and_neutralises_formulas(client: Client, data: World) -> None:
    _, rows = _csv(client, get("comite-de-seguimiento"))  # type: ignore[arg-type]
    assert rows[1][1] == "Ramón Núñez" and rows[1][2] == "Población étnica"
    assert rows[0][3] == "Mesa de trabajo"
    _, rows = _csv(client, get("avances"))  # type: ignore[arg-type]
    text = rows[0].index("Descripción")
    assert rows[1][text] == "'" + FORMULA
    _, rows = _csv(client, get("planes-de-accion"))  # type: ignore[arg-type]
    assert rows[0][1] == "Título" and [r[0] for r in rows[1:]] == ["plan-prueba"]  # the draft plan is not there
    _, rows = _csv(client, get("compromisos"))  # type: ignore[arg-type]
    assert "HIDDEN01" not in {r[1] for r in rows}


def test_json_parses_and_matches_the_csv(client: Client, data: World) -> None:
    for dataset in all_datasets():
        doc = _json(client, dataset)
        _, rows = _csv(client, dataset)
        assert doc["identificador"] == dataset.slug
        assert doc["licencia"] == "https://creativecommons.org/licenses/by/4.0/"
        assert [c["clave"] for c in doc["columnas"]] == dataset.keys
        assert [c["encabezado_csv"] for c in doc["columnas"]] == dataset.headers
        items = doc["elementos"]
        assert len(items) == len(rows) - 1 == dataset.queryset().count(), dataset.slug
        for item, row in zip(items, rows[1:], strict=True):
            assert list(item) == dataset.keys
            for value, cell in zip(item.values(), row, strict=True):
                if isinstance(value, str) and not value.startswith(("=", "+", "-", "@")):
                    assert value == cell, dataset.slug
                elif isinstance(value, bool):
                    assert cell == ("sí" if value else "no")
                elif value is None:
                    assert cell == ""


def test_json_is_utf8_without_escapes_and_progress_is_computed(client: Client, data: World) -> None:
    response = client.get("/datos/metas-plan-de-desarrollo.json")
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    assert "Pilar económico" in body and "\\u00f3" not in body
    goals = {g["meta_codigo"]: g for g in json.loads(body)["elementos"]}
    assert goals["G1"]["avance_porcentaje"] == 90 and goals["G1"]["nivel_actual"] == 31
    assert goals["G3"]["avance_porcentaje"] is None and goals["G3"]["nivel_actual"] is None  # no data is not zero
    assert goals["G4"]["avance_porcentaje"] == 100 and goals["G4"]["avance_razon"] == 1.5
    assert goals["G5"]["avance_razon"] == -0.25


def test_catalog_page_lists_every_dataset_with_its_downloads(client: Client, data: World) -> None:
    for prefix in ("", "/en"):
        response = client.get(f"{prefix}/datos/")
        assert response.status_code == 200
        html = response.content.decode()
        for dataset in all_datasets():
            assert f'href="{prefix}/datos/{dataset.slug}/"' in html
            assert f'href="/datos/{dataset.slug}.csv"' in html
            assert f'href="/datos/{dataset.slug}.json"' in html
        assert 'href="https://creativecommons.org/licenses/by/4.0/"' in html
        assert 'href="/datos/catalog.jsonld"' in html


def test_dataset_page_documents_every_column(client: Client, data: World) -> None:
    for dataset in all_datasets():
        response = client.get(f"/datos/{dataset.slug}/")
        assert response.status_code == 200
        html = response.content.decode()
        for column in dataset.columns:
            assert f"<code>{column.key}</code>" in html
            assert f">{column.header}</th>" in html.replace("&#x27;", "'")
    html = client.get("/datos/compromisos/").content.decode()
    assert 'href="/plan/plan-prueba/compromisos.csv"' in html  # the OGP format, as another distribution
    assert client.get("/datos/no-existe/").status_code == 404
    assert client.get("/datos/no-existe.csv").status_code == 404
    assert client.get("/datos/no-existe.json").status_code == 404


def test_footer_links_to_the_catalog(client: Client, data: World) -> None:
    assert 'href="/datos/"' in client.get("/").content.decode()


def _no_network(url: str, options: Any = None) -> Any:
    raise AssertionError(f"the catalog tried to fetch {url}")


def _expanded(client: Client) -> list[dict[str, Any]]:
    response = client.get("/datos/catalog.jsonld")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    doc = json.loads(response.content.decode("utf-8"))
    assert isinstance(doc["@context"], dict)  # inline, never a remote context
    expanded: list[dict[str, Any]] = jsonld.expand(doc, {"documentLoader": _no_network})
    return expanded


def _of_type(nodes: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [n for n in nodes if kind in n.get("@type", [])]


def test_dcat_catalog_expands_offline_with_every_dataset(client: Client, data: World) -> None:
    expanded = _expanded(client)
    catalogs = _of_type(expanded, DCAT + "Catalog")
    assert len(catalogs) == 1
    catalog = catalogs[0]
    assert catalog[DCT + "title"] and catalog[DCT + "description"]
    assert (
        catalog[DCT + "publisher"][0]["http://xmlns.com/foaf/0.1/name"][0]["@value"] == settings.ABIERTA_ENTITY["name"]
    )
    assert catalog[DCT + "license"][0]["@id"] == "https://creativecommons.org/licenses/by/4.0/"
    datasets = _of_type(catalog[DCAT + "dataset"], DCAT + "Dataset")
    assert len(datasets) == len(catalog[DCAT + "dataset"]) == len(all_datasets())
    assert {d[DCT + "identifier"][0]["@value"] for d in datasets} == {d.slug for d in all_datasets()}
    dated = 0
    for node in datasets:
        slug = node[DCT + "identifier"][0]["@value"]
        assert node[DCT + "title"] and node[DCT + "description"] and node[DCAT + "keyword"]
        assert node[DCT + "publisher"] and node[DCAT + "contactPoint"]
        expected = get(slug).modified()  # type: ignore[union-attr]
        if expected is None:  # nothing dates it in this fixture: no date rather than "now"
            assert DCT + "modified" not in node
        else:
            modified = node[DCT + "modified"][0]
            assert modified == {"@value": expected.isoformat(), "@type": XSD_DATE}
            dated += 1
        distributions = _of_type(node[DCAT + "distribution"], DCAT + "Distribution")
        assert len(distributions) >= 2
        downloads = [d[DCAT + "downloadURL"][0]["@id"] for d in distributions]
        assert f"{settings.SITE_URL}/datos/{slug}.csv" in downloads
        for dist in distributions:
            assert dist[DCAT + "downloadURL"][0]["@id"].startswith(("http://", "https://"))
            assert dist[DCAT + "accessURL"][0]["@id"].startswith(settings.SITE_URL)
            assert dist[DCT + "format"] and dist[DCAT + "mediaType"] and dist[DCT + "license"]
    assert dated >= 4  # progress updates, reports, working tables, initiatives, measurements...


def test_modified_dates_come_from_the_data(client: Client, data: World) -> None:
    progress = get("avances")
    milestones = get("hitos")
    assert progress is not None and milestones is not None
    ProgressUpdate.objects.update(created_at=datetime.datetime(2023, 2, 2, 15, tzinfo=datetime.UTC))
    assert progress.modified() == datetime.date(2023, 2, 2)

    # A new progress update moves the date, on the JSON and in the catalog.
    ProgressUpdate.objects.create(milestone=data.milestone, date=datetime.date(2023, 3, 1), text="Segundo avance")
    from django.utils import timezone

    today = timezone.localdate()
    assert progress.modified() == today
    assert _json(client, progress)["modificado"] == today.isoformat()

    # Progress on an unpublished plan dates nothing.
    ProgressUpdate.objects.update(created_at=datetime.datetime(2023, 2, 2, 15, tzinfo=datetime.UTC))
    hidden = Commitment.objects.get(code="HIDDEN01")
    hidden_milestone = hidden.milestones.create(
        title="Oculto",
        start_date=datetime.date(2030, 1, 1),
        end_date=datetime.date(2030, 2, 1),
        responsible=data.own_office,
    )
    ProgressUpdate.objects.create(milestone=hidden_milestone, date=datetime.date(2030, 1, 2), text="Oculto")
    assert progress.modified() == datetime.date(2023, 2, 2)

    # A public change record (an edit of a milestone) dates the milestones dataset.
    assert milestones.modified() is None
    before = snapshot(data.milestone)
    data.milestone.title = "Hito corregido"
    data.milestone.save()
    record(data.milestone, actor=None, before=before)
    assert milestones.modified() == today
    expanded = _expanded(client)
    nodes = _of_type(_of_type(expanded, DCAT + "Catalog")[0][DCAT + "dataset"], DCAT + "Dataset")
    hitos = next(n for n in nodes if n[DCT + "identifier"][0]["@value"] == "hitos")
    assert hitos[DCT + "modified"][0]["@value"] == today.isoformat()


def test_a_dataset_without_anything_to_date_has_no_modified_date(client: Client, world: World) -> None:
    dataset = get("reuniones-del-comite")
    assert dataset is not None and dataset.modified() is None
    expanded = _expanded(client)
    nodes = _of_type(_of_type(expanded, DCAT + "Catalog")[0][DCAT + "dataset"], DCAT + "Dataset")
    node = next(n for n in nodes if n[DCT + "identifier"][0]["@value"] == "reuniones-del-comite")
    assert DCT + "modified" not in node  # never "now"
