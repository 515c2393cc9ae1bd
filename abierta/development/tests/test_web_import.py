"""Importing the development plan from the web, and the public downloads in the import template.

The permission matrix of the import page is written out by hand from
``abierta.development.access.may_import`` (the transparency officer or an admin), not computed from it.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from abierta.accounts.models import User
from abierta.core.importing import import_enqueue
from abierta.core.models import ChangeRecord, ImportRun
from abierta.core.tests.fake_smtp import FakeSMTP, run_worker
from abierta.development.exporter import XLSX_TYPE
from abierta.development.importers import MeasurementsImporter
from abierta.development.models import Goal, Measurement, Pillar, Programme, YearTarget
from abierta.development.tests.builders import DevPlan, make_dev_plan
from factories import PERSONAS, World, make_user

LOGIN = "login"

# Columns: anonymous, citizen, editor_own, editor_other, monitor, transparency, committee, admin.
# ``POST`` sends an empty form (400 with its errors when the persona may import); ``POST_VALID``
# sends the plan's own measurements, downloaded from the public page (302 to the run's page, which
# the queue has imported: nothing changes); ``RUN`` opens that page.
MATRIX: dict[tuple[str, str], tuple[Any, ...]] = {
    # (method, plan)           anon   citizen ed_own ed_oth monitor transp committee admin
    ("GET", "plan"): (LOGIN, 403, 403, 403, 403, 200, 403, 200),
    ("POST", "plan"): (LOGIN, 403, 403, 403, 403, 400, 403, 400),
    ("POST_VALID", "plan"): (LOGIN, 403, 403, 403, 403, 302, 403, 302),
    ("RUN", "plan"): (LOGIN, 403, 403, 403, 403, 200, 403, 200),
    ("RUN", "missing"): (LOGIN, 403, 403, 403, 403, 404, 403, 404),
    ("GET", "missing"): (LOGIN, 403, 403, 403, 403, 404, 403, 404),
}

CASES = [
    pytest.param(method, plan, persona, expected[i], id=f"{method}-{plan}-{persona}")
    for (method, plan), expected in MATRIX.items()
    for i, persona in enumerate(PERSONAS)
]


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are checked in their source language."""
    with translation.override("en"):
        yield


@pytest.fixture
def dev(world: World) -> DevPlan:
    return make_dev_plan(world)


def import_url(slug: str = "pdd-prueba") -> str:
    return reverse("development:plan_import", args=[slug])


def download(name: str, fmt: str, slug: str = "pdd-prueba") -> bytes:
    response = Client().get(reverse(f"development:plan_{name}", args=[slug, fmt]))
    assert response.status_code == 200
    return response.content


def fingerprint() -> tuple[Any, ...]:
    """What a refused or rejected import must leave untouched."""
    return (
        list(Goal.objects.order_by("pk").values_list("code", "title", "target", "baseline", "weight", "programme_id")),
        list(Measurement.objects.order_by("pk").values_list("goal_id", "date", "value", "source")),
        list(YearTarget.objects.order_by("pk").values_list("goal_id", "year", "target")),
        Pillar.objects.count(),
        Programme.objects.count(),
        ChangeRecord.objects.count(),
    )


def upload(client: Client, kind: str, name: str, content: bytes, slug: str = "pdd-prueba") -> Any:
    """Upload, then follow to the run's page (the queue is immediate in tests: the report is there)."""
    return client.post(import_url(slug), {"kind": kind, "file": SimpleUploadedFile(name, content)}, follow=True)


def a_run(dev: DevPlan) -> ImportRun:
    """A finished web import of the plan's own measurements (by the administrator)."""
    return import_enqueue(
        kind=MeasurementsImporter.kind,
        upload=SimpleUploadedFile("m.csv", b"meta_codigo,fecha,valor,fuente\n"),
        options={"plan": dev.plan.slug},
    )


# The permission matrix -------------------------------------------------------------------------------


def test_matrix_covers_every_persona() -> None:
    assert all(len(row) == len(PERSONAS) for row in MATRIX.values())


@pytest.mark.parametrize(("method", "plan", "persona", "expected"), CASES)
def test_permission(
    method: str, plan: str, persona: str, expected: Any, dev: DevPlan, persona_client: Callable[[str], Client]
) -> None:
    client = persona_client(persona)
    url = import_url("pdd-prueba" if plan == "plan" else "no-existe")
    if method == "RUN":
        url = reverse("development:plan_import_run", args=["pdd-prueba", a_run(dev).pk if plan == "plan" else 9999])
    data: dict[str, Any] = {}
    if method == "POST_VALID":
        data = {"kind": "measurements", "file": SimpleUploadedFile("m.csv", download("measurements", "csv"))}
    before = fingerprint()
    response = client.get(url) if method in ("GET", "RUN") else client.post(url, data)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login") + "?next=")
    else:
        assert response.status_code == expected
    assert fingerprint() == before, "an import that was refused, rejected or changed nothing wrote something"


@pytest.mark.parametrize("role", [User.Role.EDITOR, User.Role.TRANSPARENCY, User.Role.ADMIN])
def test_staff_without_second_factor_cannot_import(dev: DevPlan, world: World, role: str) -> None:
    user = make_user(f"sin2fa-{role}@example.org", role, world.own_office)
    client = Client()
    client.force_login(user)
    before = fingerprint()
    assert client.get(import_url()).status_code == 403
    content = download("template", "csv").replace(b"Meta G3", b"Otra")
    assert upload(client, "plan", "plan.csv", content).status_code == 403
    assert fingerprint() == before


def test_dashboard_links_the_import_only_for_those_allowed(
    dev: DevPlan, persona_client: Callable[[str], Client]
) -> None:
    link = f'href="{import_url()}"'
    for persona in ["editor_own", "editor_other", "monitor", "committee", "transparency", "admin"]:
        html = persona_client(persona).get(reverse("site:staff_home")).content.decode()
        assert (link in html) == (persona in {"transparency", "admin"}), persona


# Importing -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(("kind", "name"), [("plan", "template"), ("measurements", "measurements")])
def test_round_trip_changes_nothing(
    fmt: str, kind: str, name: str, dev: DevPlan, persona_client: Callable[[str], Client]
) -> None:
    content = download(name, fmt)
    before = fingerprint()
    response = upload(persona_client("transparency"), kind, f"archivo.{fmt}", content)
    assert response.status_code == 200
    report = response.context["report"]
    expected = 5 if kind == "plan" else Measurement.objects.count()
    assert (report.read, report.created, report.updated, report.unchanged) == (expected, 0, 0, expected)
    assert fingerprint() == before
    html = response.content.decode()
    assert "The file was imported" in html
    assert f'href="{dev.plan.get_absolute_url()}"' in html


def test_import_writes_and_names_the_actor(dev: DevPlan, persona_client: Callable[[str], Client]) -> None:
    content = download("template", "csv").decode("utf-8-sig").replace("Meta G3", "Meta G3 corregida")
    response = upload(persona_client("admin"), "plan", "plan.csv", content.encode("utf-8"))
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.updated, report.unchanged) == (1, 4)
    dev.g3.refresh_from_db()
    assert dev.g3.title == "Meta G3 corregida"
    record = ChangeRecord.objects.filter(scope=dev.g3.history_scope()).latest("pk")
    assert record.actor is not None and record.actor.email == "admin@example.org"


def test_new_measurements_are_recorded(dev: DevPlan, persona_client: Callable[[str], Client]) -> None:
    content = b'meta_codigo,fecha,valor,fuente\nG3,2025-01-31,12,Registro\nG4,2025-02-28,"16,5",Registro\n'
    response = upload(persona_client("transparency"), "measurements", "m.csv", content)
    assert response.status_code == 200
    assert response.context["report"].created == 2
    measurement = Measurement.objects.get(goal=dev.g3, date="2025-01-31")
    assert measurement.created_by is not None and measurement.created_by.email == "transparency@example.org"


def test_bad_rows_are_all_listed_and_nothing_is_written(dev: DevPlan, persona_client: Callable[[str], Client]) -> None:
    content = (
        b"meta_codigo,fecha,valor,fuente\n"
        b"G3,2025-01-31,12,Registro\n"  # line 2: good, but not written since others fail
        b"G99,2025-01-31,12,Registro\n"  # line 3: unknown goal
        b"G4,31/02/2025,10,Registro\n"  # line 4: not a date
        b"G4,2025-03-31,diez,Registro\n"  # line 5: not a number
        b"G5,2025-04-30,10,\n"  # line 6: no source
    )
    before = fingerprint()
    response = upload(persona_client("transparency"), "measurements", "m.csv", content)
    assert response.status_code == 200  # the run's page, with its report
    assert fingerprint() == before
    html = response.content.decode()
    assert "nothing was written" in html
    lines = [e.line for e in response.context["errors"]]
    assert sorted(set(lines)) == [3, 4, 5, 6]
    for e in response.context["errors"]:
        assert str(e) in html.replace("&#x27;", "'").replace("&quot;", '"')
    assert "Line 3: Unknown goal code «G99»" in html
    assert "Line 2:" not in html


def test_bad_plan_rows_are_rejected(dev: DevPlan, persona_client: Callable[[str], Client]) -> None:
    text = download("template", "csv").decode("utf-8-sig")
    text = text.replace("Meta G3", "Meta G3 corregida").replace(",aumentar,", ",subir,", 1)
    before = fingerprint()
    response = upload(persona_client("transparency"), "plan", "plan.csv", text.encode())
    assert response.status_code == 200  # the run's page, with its report
    assert fingerprint() == before
    assert response.context["report"].errors
    assert "«subir» in «sentido» must be one of" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "content", "message", "status"),
    [
        # Refused by the form, in the request (400, nothing queued) ...
        ("plan.pdf", b"%PDF-1.4 hello", "is not a CSV or Excel file", 400),
        ("plan.txt", b"meta_codigo,fecha\n", "is not a CSV or Excel file", 400),
        # ... or by the importer, in the queue: the run's page says why.
        ("plan.xlsx", b"meta_codigo,fecha,valor,fuente\n", "is not a valid Excel (.xlsx) workbook", 200),
        ("plan.csv", b"PK\x03\x04 zip", "is a spreadsheet workbook", 200),
        ("plan.csv", b"una,tabla,cualquiera\n1,2,3\n", "Required columns are missing", 200),
    ],
)
def test_wrong_file_is_refused_clearly(
    name: str, content: bytes, message: str, status: int, dev: DevPlan, persona_client: Callable[[str], Client]
) -> None:
    before = fingerprint()
    response = upload(persona_client("transparency"), "measurements", name, content)
    assert response.status_code == status
    assert message in response.content.decode()
    assert fingerprint() == before


def test_too_large_is_refused(dev: DevPlan, persona_client: Callable[[str], Client], settings: Any) -> None:
    content = download("measurements", "csv")
    settings.ABIERTA_MAX_UPLOAD_BYTES = len(content) - 1
    before = fingerprint()
    response = upload(persona_client("transparency"), "measurements", "m.csv", content)
    assert response.status_code == 400
    assert "the largest accepted is" in response.content.decode()
    assert response.context["report"] is None
    assert fingerprint() == before


def test_missing_kind_is_refused(dev: DevPlan, persona_client: Callable[[str], Client]) -> None:
    before = fingerprint()
    response = persona_client("admin").post(
        import_url(), {"kind": "otra", "file": SimpleUploadedFile("m.csv", download("measurements", "csv"))}
    )
    assert response.status_code == 400
    assert fingerprint() == before


# Public downloads ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["template", "measurements"])
def test_csv_downloads(name: str, dev: DevPlan) -> None:
    response = Client().get(reverse(f"development:plan_{name}", args=["pdd-prueba", "csv"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    slug = "plantilla" if name == "template" else "mediciones"
    assert response["Content-Disposition"] == f'attachment; filename="pdd-prueba-{slug}.csv"'
    first = response.content.decode("utf-8-sig").splitlines()[0]
    assert first.startswith("pilar_codigo," if name == "template" else "meta_codigo,fecha,valor")


@pytest.mark.parametrize("name", ["template", "measurements"])
def test_xlsx_downloads(name: str, dev: DevPlan) -> None:
    response = Client().get(reverse(f"development:plan_{name}", args=["pdd-prueba", "xlsx"]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 1 + (5 if name == "template" else Measurement.objects.count())


def test_csv_cells_cannot_run_as_formulas(dev: DevPlan) -> None:
    Goal.objects.filter(pk=dev.g3.pk).update(title="=HYPERLINK(1)")
    text = download("template", "csv").decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text


def test_downloads_of_unpublished_or_missing_plans_are_404(dev: DevPlan) -> None:
    dev.plan.is_published = False
    dev.plan.save()
    for name in ("plan_template", "plan_measurements"):
        assert Client().get(reverse(f"development:{name}", args=["pdd-prueba", "csv"])).status_code == 404
        assert Client().get(reverse(f"development:{name}", args=["no-existe", "xlsx"])).status_code == 404


def test_plan_page_links_the_downloads(dev: DevPlan) -> None:
    html = Client().get(dev.plan.get_absolute_url()).content.decode()
    for name in ("plan_template", "plan_measurements"):
        for fmt in ("csv", "xlsx"):
            assert f'href="{reverse(f"development:{name}", args=["pdd-prueba", fmt])}"' in html
    assert "the same format the planning office imports" in html


# Off the request -------------------------------------------------------------------------------------


def test_the_upload_is_imported_by_the_queue_and_its_page_shows_progress_then_the_report(
    dev: DevPlan, persona_client: Callable[[str], Client], queued: FakeSMTP
) -> None:
    """The request keeps the file and a queued run; the worker imports it; the run's page reloads
    itself until the report is there."""
    client = persona_client("transparency")
    content = b"meta_codigo,fecha,valor,fuente\nG3,2025-01-31,12,Registro\nG99,2025-01-31,12,Registro\n"
    before = fingerprint()
    response = client.post(import_url(), {"kind": "measurements", "file": SimpleUploadedFile("m.csv", content)})
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert response["Location"] == reverse("development:plan_import_run", args=["pdd-prueba", run.pk])
    assert run.status == ImportRun.Status.QUEUED and run.file_name == "m.csv" and run.options == {"plan": "pdd-prueba"}
    stored = Path(run.upload.path)
    assert stored.read_bytes() == content and Path(settings.ABIERTA_PRIVATE_ROOT) in stored.parents
    assert fingerprint() == before  # nothing imported in the request
    page = client.get(response["Location"]).content.decode()
    assert "js/import-wait.js" in page and "data-import-wait" in page and "The file is waiting to be imported" in page
    # While it runs, the rows read so far.
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING, read=7)
    page = client.get(response["Location"]).content.decode()
    assert "The file is being imported" in page and "7 rows read so far." in page
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.QUEUED, read=0)

    run_worker()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FINISHED and run.read == 2 and run.rejected == 1
    assert not run.upload and not stored.exists()
    assert fingerprint() == before  # all or nothing: line 3 is wrong
    page = client.get(response["Location"]).content.decode()
    assert "data-import-wait" not in page
    assert "nothing was written" in page and "Line 3: Unknown goal code «G99»" in page


def test_a_queued_good_file_is_written(dev: DevPlan, persona_client: Callable[[str], Client], queued: FakeSMTP) -> None:
    client = persona_client("admin")
    content = b"meta_codigo,fecha,valor,fuente\nG3,2025-01-31,12,Registro\n"
    response = client.post(import_url(), {"kind": "measurements", "file": SimpleUploadedFile("m.csv", content)})
    assert not Measurement.objects.filter(goal=dev.g3, date="2025-01-31").exists()
    run_worker()
    measurement = Measurement.objects.get(goal=dev.g3, date="2025-01-31")
    assert measurement.created_by is not None and measurement.created_by.email == "admin@example.org"
    page = client.get(response["Location"]).content.decode()
    assert "The file was imported" in page


def test_a_run_of_another_plan_is_not_shown(dev: DevPlan, persona_client: Callable[[str], Client]) -> None:
    run = ImportRun.objects.create(kind=MeasurementsImporter.kind, file_name="m.csv", options={"plan": "otro"})
    url = reverse("development:plan_import_run", args=["pdd-prueba", run.pk])
    assert persona_client("admin").get(url).status_code == 404
