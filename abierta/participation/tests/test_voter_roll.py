"""The voter roll (padrón) of assurance level 2: the import (file, command, staff page), its
rejections with line and reason, its bounds, and who may reach the page; the production check of
the code backend (security review F5)."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from abierta.core.importing import FILE, Upload, run_import
from abierta.core.models import ImportRun
from abierta.participation import checks
from abierta.participation.consultation import services as svc
from abierta.participation.consultation.importers import RollImporter
from abierta.participation.models import Consultation, RollEntry
from abierta.participation.tests.factories import make_consultation
from factories import PERSONAS, World

GOOD_CSV = "documento;fecha_expedicion\n98.765.432;24/05/2009\n0012345678;2001-02-03\n\nAB12345;03-04-2015\n"


def _import(c: Consultation, data: bytes, name: str = "padron.csv", max_rows: int = 1000) -> ImportRun:
    importer = RollImporter(consultation=c, file_name=name, max_rows=max_rows)
    return run_import(importer, Upload(name, data), mode=FILE, progress=False)


def _xlsx(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _on_roll(c: Consultation, number: str, day: str) -> bool:
    entry = svc.roll_hash(c.pk, number, datetime.date.fromisoformat(day))
    return RollEntry.objects.filter(consultation=c, entry_hash=entry).exists()


@pytest.fixture
def consultation(world: World) -> Consultation:
    return make_consultation(world.plan)


def test_good_csv(consultation: Consultation) -> None:
    run = _import(consultation, GOOD_CSV.encode())
    assert run.status == ImportRun.Status.FINISHED and run.rejected == 0 and run.created == 3
    assert RollEntry.objects.count() == 3
    assert _on_roll(consultation, "98765432", "2009-05-24")
    assert _on_roll(consultation, "12345678", "2001-02-03")
    assert _on_roll(consultation, "ab12345", "2015-04-03")
    assert not _on_roll(consultation, "98765432", "2009-05-25")
    stored = " ".join(RollEntry.objects.values_list("entry_hash", flat=True))
    for clear in ("98765432", "2009", "24/05", "12345678"):
        assert clear not in stored, "neither the number nor the date in clear"


def test_good_xlsx_with_excel_dates(consultation: Consultation) -> None:
    data = _xlsx(
        [
            ["Número de documento", "Fecha de nacimiento", "Tipo"],
            [98765432, datetime.datetime(1990, 5, 24), "CC"],  # noqa: DTZ001 (an Excel date has no zone)
            ["1.047.123.456", "24/12/1985", "CE"],
            [None, None, None],
        ]
    )
    run = _import(consultation, data, name="padron.xlsx")
    assert run.status == ImportRun.Status.FINISHED and run.created == 2, run.message
    assert _on_roll(consultation, "98765432", "1990-05-24")
    assert _on_roll(consultation, "1047123456", "1985-12-24")


def test_rejected_rows_with_line_and_reason_and_nothing_written(consultation: Consultation) -> None:
    _import(consultation, GOOD_CSV.encode())
    bad = (
        "documento,fecha_expedicion\n"
        "11111111,2001-01-01\n"  # line 2: good
        ",2001-01-01\n"  # line 3
        "22222222,31/02/2001\n"  # line 4
        "3.3,2001-01-01\n"  # line 5
        "44444444,1850-01-01\n"  # line 6
        "011111111,2002-02-02\n"  # line 7: the same person as line 2
        "55555555,\n"  # line 8
    )
    run = _import(consultation, bad.encode())
    assert run.status == ImportRun.Status.FINISHED and run.rejected == 6
    reasons = {r.line: r.reason for r in run.rejections.all()}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8]
    assert "vacío" in reasons[3] and "no es una fecha" in reasons[4] and "3 a 20" in reasons[5]
    assert "1900" in reasons[6] and "fila anterior" in reasons[7] and "vacía" in reasons[8]
    for reason in reasons.values():
        assert not any(d in reason for d in ("1111", "2222", "4444", "5555", "2001")), "no data in the reasons"
    # All or nothing: the previous roll is untouched.
    assert RollEntry.objects.count() == 3 and _on_roll(consultation, "98765432", "2009-05-24")


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"nombre,edad\nAna,3\n", "p.csv", "primera fila"),
        (b"", "p.csv", "vacío"),
        (b"documento,fecha\n\xff\xfe,1\n", "p.csv", "UTF-8"),
        (b"documento,fecha\n1,2\n", "p.txt", "CSV"),
        (b"PK\x03\x04 not really", "p.xlsx", "Excel"),
    ],
)
def test_format_errors(consultation: Consultation, data: bytes, name: str, words: str) -> None:
    run = _import(consultation, data, name=name)
    assert run.status == ImportRun.Status.FAILED and words in run.message
    assert not RollEntry.objects.exists()


def test_row_bound_counts_blank_rows(consultation: Consultation) -> None:
    """A file of blank rows cannot keep a worker busy: every row read counts (security review S5)."""
    data = ("documento,fecha\n" + "\n" * 50 + "1234567,2001-01-01\n").encode()
    run = _import(consultation, data, max_rows=20)
    assert run.status == ImportRun.Status.FAILED and "20" in run.message
    blank_xlsx = _xlsx([["documento", "fecha"], *[[None, None]] * 30, [1234567, "2001-01-01"]])
    run = _import(consultation, blank_xlsx, name="p.xlsx", max_rows=20)
    assert run.status == ImportRun.Status.FAILED
    assert not RollEntry.objects.exists()


def test_a_workbook_that_unzips_too_large_is_refused_before_it_is_opened(
    consultation: Consultation, monkeypatch: Any
) -> None:
    from abierta.participation.consultation import importers

    data = _xlsx([["documento", "fecha"], [1234567, "2001-01-01"]])
    monkeypatch.setattr(importers, "MAX_UNZIPPED_BYTES", 1000)
    opened: list[Any] = []
    import openpyxl

    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: opened.append(a))
    run = _import(consultation, data, name="p.xlsx")
    assert run.status == ImportRun.Status.FAILED and "descomprimido" in run.message
    assert not opened and not RollEntry.objects.exists()


def test_a_new_roll_replaces_the_old(consultation: Consultation) -> None:
    _import(consultation, GOOD_CSV.encode())
    _import(consultation, b"documento,fecha\n99999999,2010-10-10\n")
    assert RollEntry.objects.count() == 1 and _on_roll(consultation, "99999999", "2010-10-10")


def test_command(consultation: Consultation, tmp_path: Path) -> None:
    path = tmp_path / "padron.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    out = io.StringIO()
    call_command("consultation_roll_import", consultation.process.plan.slug, str(path), "--no-progress", stdout=out)
    assert "padron.csv" in out.getvalue()
    assert RollEntry.objects.count() == 3
    path.write_text("documento,fecha\n1,2\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("consultation_roll_import", "no-such-plan", str(path), "--no-progress", stdout=io.StringIO())


# ---------------------------------------------------------------- the staff page


def _page(c: Consultation) -> str:
    return reverse("participation:consultation_identity", kwargs={"slug": c.process.plan.slug})


def _run_page(c: Consultation, run: ImportRun) -> str:
    return reverse("participation:consultation_identity_run", kwargs={"slug": c.process.plan.slug, "run_id": run.pk})


MANAGERS = {"transparency", "admin"}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("state", ["before", "open", "closed"])
def test_identity_page_permissions(
    persona: str, state: str, world: World, persona_client: Callable[[str], Client]
) -> None:
    c = make_consultation(world.plan, state=state)
    client = persona_client(persona)
    response = client.get(_page(c))
    upload = client.post(
        _page(c),
        {"action": "roll", "file": SimpleUploadedFile("padron.csv", GOOD_CSV.encode(), content_type="text/csv")},
    )
    level = client.post(_page(c), {"action": "level", "assurance": "2", "roll_fact": "birth_date"})
    c.refresh_from_db()
    if persona == "anonymous":
        assert response.status_code == 302 and "/cuenta/" in response["Location"]
        assert upload.status_code == 302 and level.status_code == 302
    elif persona in MANAGERS and state != "closed":
        assert response.status_code == 200
        assert upload.status_code == 302, upload.content.decode()
        run = ImportRun.objects.get()
        assert upload["Location"] == _run_page(c, run)
        assert client.get(upload["Location"]).status_code == 200
        assert RollEntry.objects.filter(consultation=c).count() == 3
        if state == "before":
            assert level.status_code == 302 and c.assurance == 2 and c.roll_fact == "birth_date"
        else:
            assert level.status_code == 403 and c.assurance == 1, "the level is fixed once voting starts"
        return
    else:
        assert response.status_code == 403 and upload.status_code == 403 and level.status_code == 403
    assert not RollEntry.objects.exists() and not ImportRun.objects.exists()
    assert c.assurance == 1


def test_identity_page_reports_rejections(consultation: Consultation, persona_client: Callable[[str], Client]) -> None:
    staff = persona_client("transparency")
    bad = b"documento,fecha_expedicion\n11111111,2001-01-01\n22222222,no\n"
    response = staff.post(
        _page(consultation),
        {"action": "roll", "file": SimpleUploadedFile("p.csv", bad, content_type="text/csv")},
        follow=True,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Línea 3" in body and "no es una fecha" in body and "no se guardó nada" in body
    assert not RollEntry.objects.exists()
    # Shown again when the page is opened later.
    assert "Línea 3" in staff.get(_page(consultation)).content.decode()


def test_level3_refused_without_a_verifier(
    world: World, persona_client: Callable[[str], Client], settings: Any
) -> None:
    settings.ABIERTA_VOTE_VERIFIER = ""
    c = make_consultation(world.plan, state="before")
    admin = persona_client("admin")
    response = admin.post(_page(c), {"action": "level", "assurance": "3", "roll_fact": "issue_date"})
    assert response.status_code == 400 and "ABIERTA_VOTE_VERIFIER" in response.content.decode()
    c.refresh_from_db()
    assert c.assurance == 1
    settings.ABIERTA_VOTE_VERIFIER = "abierta.participation.tests.factories.FakeVerifier"
    response = admin.post(_page(c), {"action": "level", "assurance": "3", "roll_fact": "issue_date"})
    c.refresh_from_db()
    assert response.status_code == 302 and c.assurance == 3


def test_staff_home_links_the_page(world: World, persona_client: Callable[[str], Client]) -> None:
    c = make_consultation(world.plan)
    assert _page(c) in persona_client("transparency").get(reverse("site:staff_home")).content.decode()
    assert _page(c) not in persona_client("editor_own").get(reverse("site:staff_home")).content.decode()


# ---------------------------------------------------------------- F5: the code backend in production


@pytest.mark.parametrize(
    "backend",
    ["console", "fixed", "abierta.participation.consultation.otp.ConsoleGateway"],
)
def test_f5_console_and_fixed_refused_in_production(settings: Any, backend: str) -> None:
    settings.PRODUCTION = True
    settings.ABIERTA_VOTE_CODE_BACKEND = backend
    (error,) = checks.vote_code_backend()
    assert error.id == "participation.E001" and error.level >= 40


@pytest.mark.parametrize("backend", ["email", "abierta.participation.tests.factories.FakeVerifier"])
def test_f5_real_backends_pass_in_production(settings: Any, backend: str) -> None:
    settings.PRODUCTION = True
    settings.ABIERTA_VOTE_CODE_BACKEND = backend
    assert checks.vote_code_backend() == []


def test_f5_console_allowed_in_development(settings: Any) -> None:
    settings.PRODUCTION = False
    settings.ABIERTA_VOTE_CODE_BACKEND = "console"
    assert checks.vote_code_backend() == []


def test_f5_check_is_registered(settings: Any) -> None:
    from django.core import checks as django_checks

    settings.PRODUCTION = True
    settings.ABIERTA_VOTE_CODE_BACKEND = "console"
    found = django_checks.run_checks(tags=[django_checks.Tags.security])
    assert "participation.E001" in {m.id for m in found}
