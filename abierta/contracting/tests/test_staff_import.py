"""Importing a SECOP II or OCDS file from the staff area, for every persona: the file is kept and the
queue imports it per batch; the run's page shows it waiting, running, then its report with every
rejected line; a file of the wrong format writes nothing; the same file again changes nothing;
bad form input; the rejections and the runs, paged; the links to the page."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from abierta.contracting.importers import OcdsImporter, SecopContractsImporter
from abierta.contracting.models import Contract
from abierta.contracting.tests.factories import CSV, minimal_release
from abierta.core.models import ImportRejection, ImportRun
from abierta.core.tests.fake_smtp import FakeSMTP, run_worker
from factories import PERSONAS, World

pytestmark = pytest.mark.django_db

MANAGERS = {"transparency", "admin"}
PAGE = reverse("contracting:contracts_import")
SECOP, OCDS = SecopContractsImporter.kind, OcdsImporter.kind


def expected(persona: str, ok: int = 200) -> int:
    if persona == "anonymous":
        return 302
    return ok if persona in MANAGERS else 403


def secop_upload(name: str = "contratos.csv", content: bytes | None = None) -> dict[str, Any]:
    return {"kind": SECOP, "file": SimpleUploadedFile(name, CSV.read_bytes() if content is None else content)}


def ocds_package() -> bytes:
    good = [minimal_release(f"ocds-k50g02-WEB-{n}") for n in range(1, 4)]
    without_ocid = {key: value for key, value in minimal_release("x").items() if key != "ocid"}
    return json.dumps({"uri": "https://example.org/p.json", "releases": [*good, without_ocid]}).encode()


def run_page(run: ImportRun) -> str:
    return reverse("contracting:contracts_import_run", args=[run.pk])


@pytest.mark.parametrize("persona", PERSONAS)
def test_pages_permissions(persona_client: Callable[[str], Client], world: World, persona: str) -> None:
    run = ImportRun.objects.create(kind=SECOP, file_name="contratos.csv", status=ImportRun.Status.QUEUED)
    client = persona_client(persona)
    for url in (PAGE, run_page(run)):
        response = client.get(url)
        assert response.status_code == expected(persona)
        if persona == "anonymous":
            assert "/cuenta/" in response["Location"]
    if persona in MANAGERS:
        # The page of a run of another kind (a PAA, a page of the SECOP II synchronisation) is not here.
        for kind in ("paa", "secop2_soda"):
            other = ImportRun.objects.create(kind=kind, file_name="otro.xlsx")
            assert client.get(run_page(other)).status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_upload_permissions(persona_client: Callable[[str], Client], world: World, persona: str) -> None:
    response = persona_client(persona).post(PAGE, secop_upload())
    # A manager's upload goes to the queue (immediate in tests) and on to the run's page.
    assert response.status_code == expected(persona, ok=302)
    assert Contract.objects.exists() == (persona in MANAGERS)
    run = ImportRun.objects.first()
    assert (run is not None) == (persona in MANAGERS)
    if run is not None:
        assert response["Location"] == run_page(run)
        assert run.started_by == f"{persona}@example.org"


def test_upload_is_imported_by_the_queue_and_the_page_shows_every_rejected_line(
    persona_client: Callable[[str], Client], world: World, queued: FakeSMTP
) -> None:
    client = persona_client("transparency")
    response = client.post(PAGE, secop_upload())
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert (run.kind, run.status, run.file_name) == (SECOP, ImportRun.Status.QUEUED, "contratos.csv")
    assert run.upload and not Contract.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "data-import-wait" in page and "en espera" in page.lower()

    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING, read=500)
    page = client.get(response["Location"]).content.decode()
    assert "data-import-wait" in page and "500 filas leídas hasta ahora" in page
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.QUEUED, read=0)

    run_worker()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FINISHED
    assert (run.read, run.created, run.updated, run.unchanged, run.rejected) == (10, 8, 0, 0, 2)
    assert not run.upload and Contract.objects.count() == 8
    page = client.get(response["Location"]).content.decode()
    assert "data-import-wait" not in page and "El archivo quedó importado" in page
    assert "<dt>Filas leídas</dt><dd>10</dd>" in page and "<dt>Creadas</dt><dd>8</dd>" in page
    assert "Línea 10: valor_del_contrato no es un número: «doscientos millones»" in page
    assert "Línea 11: fecha_de_firma no es una fecha válida: «31/02/2024»" in page
    assert "2 filas no se importaron" in page
    # The form to upload the next file is there too.
    assert f'action="{PAGE}"' in page


def test_the_same_file_uploaded_twice_changes_nothing(persona_client: Callable[[str], Client], world: World) -> None:
    client = persona_client("admin")
    client.post(PAGE, secop_upload())
    stored = {c.ocid: (c.pk, c.release_hash, c.imported_at) for c in Contract.objects.all()}
    response = client.post(PAGE, secop_upload())
    again = ImportRun.objects.order_by("-pk").first()
    assert again is not None and response["Location"] == run_page(again)
    assert (again.read, again.created, again.updated, again.unchanged, again.rejected) == (10, 0, 0, 8, 2)
    assert {c.ocid: (c.pk, c.release_hash, c.imported_at) for c in Contract.objects.all()} == stored
    assert ImportRun.objects.count() == 2  # a run each, both listed
    listing = client.get(PAGE).content.decode()
    for run in ImportRun.objects.all():
        assert run_page(run) in listing


def test_an_ocds_package(persona_client: Callable[[str], Client], world: World) -> None:
    client = persona_client("transparency")
    data = {"kind": OCDS, "file": SimpleUploadedFile("paquete.json", ocds_package())}
    page = client.post(PAGE, data, follow=True).content.decode()
    run = ImportRun.objects.get()
    assert (run.kind, run.status) == (OCDS, ImportRun.Status.FINISHED)
    assert (run.read, run.created, run.rejected) == (4, 3, 1)
    assert Contract.objects.filter(source=Contract.Source.OCDS).count() == 3
    assert "Línea 4: la entrega no tiene ocid" in page
    assert [r.line for r in run.rejections.all()] == [4]


@pytest.mark.parametrize(
    ("kind", "name", "content", "message"),
    [
        (SECOP, "contratos.csv", b"a,b,c\r\n1,2,3\r\n", "faltan las columnas id_contrato"),
        (SECOP, "contratos.json", b'{"data": [1, 2', "no es una lista de contratos de SECOP II"),
        (OCDS, "paquete.json", b"ocid,date\r\nx,y\r\n", "no es JSON"),
        (OCDS, "paquete.json.gz", b"\x1f\x8bnot really gzip", "está dañado"),
    ],
)
def test_a_file_of_the_wrong_format_fails_with_its_message_and_writes_nothing(
    persona_client: Callable[[str], Client], world: World, kind: str, name: str, content: bytes, message: str
) -> None:
    client = persona_client("admin")
    response = client.post(PAGE, {"kind": kind, "file": SimpleUploadedFile(name, content)}, follow=True)
    assert response.status_code == 200  # the run's page, which says why
    page = response.content.decode()
    assert "El archivo no se importó: no se guardó nada" in page and message in page
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED and message in run.message
    assert (run.read, run.created, run.committed_line) == (0, 0, 0)
    assert not run.upload and not Contract.objects.exists()
    assert "No importada" in client.get(PAGE).content.decode()  # its status in the list


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": SECOP}, "file", "Este campo es obligatorio."),
        ({"file": ("contratos.csv", b"x")}, "kind", "Este campo es obligatorio."),
        ({"kind": "xlsx", "file": ("contratos.csv", b"x")}, "kind", "Escoja una opción válida."),
        ({"kind": SECOP, "file": ("contratos.xlsx", b"PK\x03\x04")}, "file", "«contratos.xlsx» no es un archivo CSV"),
        ({"kind": OCDS, "file": ("paquete.csv", b"x")}, "file", "«paquete.csv» no es un archivo JSON"),
        ({"kind": SECOP, "file": ("contratos.csv", b"")}, "file", "vacío"),
    ],
)
def test_bad_form_input_is_400_next_to_the_field_and_writes_nothing(
    persona_client: Callable[[str], Client], world: World, data: dict[str, Any], field: str, message: str
) -> None:
    if "file" in data:
        name, content = data["file"]
        data = {**data, "file": SimpleUploadedFile(name, content)}
    response = persona_client("admin").post(PAGE, data)
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {field}
    body = response.content.decode()
    assert message in " ".join(form.errors[field]) and 'class="error-summary"' in body
    assert f'href="#id_{field}"' in body  # the summary links to the field, where the message is too
    if data.get("kind") in (SECOP, OCDS):  # the choice made stays chosen
        assert f'value="{data["kind"]}"' in body and "checked" in body
    assert not ImportRun.objects.exists() and not Contract.objects.exists()


def test_a_file_over_the_limit_is_refused(
    persona_client: Callable[[str], Client], world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("abierta.contracting.forms.import_size_limit", lambda: 100)
    response = persona_client("admin").post(PAGE, secop_upload())
    assert response.status_code == 400
    assert "el máximo permitido es 100" in " ".join(response.context["form"].errors["file"])
    assert not ImportRun.objects.exists()


def test_the_form_says_the_size_limit(persona_client: Callable[[str], Client], world: World) -> None:
    page = persona_client("transparency").get(PAGE).content.decode()
    assert "60,0\xa0MB" in page or "60,0 MB" in page
    assert 'accept=".csv,.json,.jsonl,.ndjson,.gz"' in page


def test_the_page_in_english(persona_client: Callable[[str], Client], world: World) -> None:
    page = persona_client("admin").get("/en" + PAGE).content.decode()
    assert "Import a SECOP II or OCDS file" in page and "60.0" in page and "What the file holds" in page


def test_rejected_lines_are_paged_with_their_count(persona_client: Callable[[str], Client], world: World) -> None:
    run = ImportRun.objects.create(kind=SECOP, file_name="c.csv", status=ImportRun.Status.FINISHED, read=150)
    ImportRun.objects.filter(pk=run.pk).update(rejected=150)
    ImportRejection.objects.bulk_create([ImportRejection(run=run, line=n, reason=f"motivo {n}") for n in range(2, 152)])
    client = persona_client("transparency")
    first = client.get(run_page(run)).content.decode()
    assert "150 filas no se importaron" in first and "Página 1 de 2" in first
    assert "Línea 2: motivo 2" in first and "Línea 101: motivo 101" in first and "Línea 102:" not in first
    second = client.get(run_page(run) + "?page=2").content.decode()
    assert "Línea 102: motivo 102" in second and "Línea 151: motivo 151" in second and "Línea 2:" not in second


def test_the_latest_runs_are_paged_and_only_of_contracts_files(
    persona_client: Callable[[str], Client], world: World
) -> None:
    runs = [
        ImportRun.objects.create(kind=SECOP if n % 2 else OCDS, file_name=f"archivo-{n:02d}.csv", read=n)
        for n in range(25)
    ]
    ImportRun.objects.create(kind="paa", file_name="plan-anual.xlsx")
    ImportRun.objects.create(kind="secop2_soda", file_name="pagina-soda")
    client = persona_client("admin")
    first = client.get(PAGE).content.decode()
    second = client.get(PAGE + "?ejecuciones=2").content.decode()
    assert "Página 1 de 2" in first and "?ejecuciones=2" in first
    shown = [run for run in runs if run.file_name in first]
    assert len(shown) == 20 and len([run for run in runs if run.file_name in second]) == 5
    assert "plan-anual.xlsx" not in first + second and "pagina-soda" not in first + second


def test_a_stopped_run_says_what_was_kept(persona_client: Callable[[str], Client], world: World) -> None:
    run = ImportRun.objects.create(
        kind=SECOP,
        file_name="grande.csv.gz",
        status=ImportRun.Status.FAILED,
        message="La importación tardó demasiado y se detuvo: divida el archivo en archivos más pequeños.",
        committed_line=2001,
        read=2000,
        created=2000,
    )
    page = persona_client("admin").get(run_page(run)).content.decode()
    assert "tardó demasiado" in page and "Se conservaron las filas hasta la línea 2001" in page


@pytest.mark.parametrize("persona", PERSONAS)
def test_links_to_the_page(persona_client: Callable[[str], Client], world: World, persona: str) -> None:
    client = persona_client(persona)
    home = client.get(reverse("site:staff_home"))
    if persona in MANAGERS:
        assert PAGE in home.content.decode()
        assert PAGE in client.get(reverse("contracting:secop_entities")).content.decode()
    elif home.status_code == 200:
        assert PAGE not in home.content.decode()
