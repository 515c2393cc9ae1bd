"""A whole co-creation process in a real browser, with axe-core on every public page of it.

Tables with attendance → a proposal online and one transcribed from a table → evaluation, answers
and the shortlist → a consultation where a web vote (document + emailed code) and an in-person vote
mix, and a second vote by the same person is refused → the results, and the downloaded ballot file
recounted by scripts/recount.py (outside the platform) matches them. The process is moved from
phase to phase by changing its dates, as time would.
"""

from __future__ import annotations

import datetime
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from abierta.accounts.models import User
from abierta.core.models import ImportRun
from abierta.core.tests.fake_smtp import run_worker
from abierta.participation.models import (
    Ballot,
    BallotFile,
    Consultation,
    Criterion,
    Process,
    Proposal,
    RollEntry,
    SealedBallot,
    Voter,
    WorkingTable,
)
from factories import World, make_user
from tests.browser.test_walkthrough import current_code, sign_in_with_password

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
DAY = datetime.timedelta(days=1)


def _phase(process: Process, phase: str) -> None:
    """Place the process's dates so that now falls in ``phase``; the consultation follows."""
    now = timezone.now()
    order = ["tables", "analysis", "consultation", "results"]
    start = now - DAY * (2 * order.index(phase) + 1)
    process.tables_from = start
    process.analysis_from = start + 2 * DAY
    process.consultation_from = start + 4 * DAY
    process.results_from = start + 6 * DAY
    process.save()
    Consultation.objects.filter(process=process).update(
        opens_at=process.consultation_from, closes_at=process.results_from
    )


def _no_horizontal_scroll(page: Any, url: str) -> None:
    """The page at 360 px wide scrolls only vertically."""
    narrow = page.context.new_page()
    narrow.set_viewport_size({"width": 360, "height": 740})
    narrow.goto(url)
    width = narrow.evaluate("() => document.documentElement.scrollWidth")
    narrow.close()
    assert width <= 360, f"{url} is {width}px wide at 360px"


def _no_wider_than_360(page: Any) -> None:
    """At 360 CSS pixels the page scrolls only vertically."""
    page.set_viewport_size({"width": 360, "height": 740})
    width = page.evaluate("() => document.documentElement.scrollWidth")
    wide = page.evaluate(
        "() => [...document.querySelectorAll('main *')]"
        ".filter(e => e.getBoundingClientRect().right > 361 && !e.closest('.table-scroll'))"
        ".slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + e.textContent.slice(0, 40))"
    )
    page.set_viewport_size({"width": 1280, "height": 800})
    assert width <= 360, f"{page.url} is {width}px wide at 360px: {wide}"


def _submit(page: Any, form_selector: str = "main form") -> None:
    page.locator(f"{form_selector} button[type=submit]").last.click()
    page.wait_for_load_state()


def test_a_whole_cocreation_process(
    live_server: Any,
    transactional_db: None,
    world: World,
    new_context: Callable[..., Any],
    axe: Callable[[Any], None],
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.ABIERTA_VOTE_CODE_BACKEND = "email"
    base = live_server.url
    plan = world.plan
    slug = plan.slug
    process = Process.objects.create(
        plan=plan,
        title="Cocreación del plan de prueba",
        tables_from=timezone.now(),
        analysis_from=timezone.now(),
        consultation_from=timezone.now(),
        results_from=timezone.now(),
    )
    _phase(process, "tables")
    Criterion.objects.create(process=process, name="Viabilidad", max_score=5, weight=2, order=1)
    Criterion.objects.create(process=process, name="Impacto", max_score=5, weight=1, order=2)
    WorkingTable.objects.create(plan=plan, number=1, name="Mesa de jóvenes", sector=WorkingTable.Sector.POPULATION)
    Consultation.objects.create(
        process=process,
        question="¿Qué iniciativa debe ser compromiso?",
        opens_at=timezone.now(),
        closes_at=timezone.now(),
    )
    _phase(process, "tables")
    officer = make_user("oficial@example.org", User.Role.TRANSPARENCY, world.own_office)
    device = TOTPDevice.objects.create(user=officer, name="Teléfono", confirmed=True)
    citizen = make_user("ciudadana@example.org")

    # 1. The officer records the table's attendance by group.
    office = new_context().new_page()
    sign_in_with_password(office, base, officer, f"/gestion/cocreacion/{slug}/mesas/1/")
    office.wait_for_url(f"{base}/cuenta/ingresar/codigo/")
    office.fill("#id_token", current_code(device))
    _submit(office)
    office.wait_for_url(f"{base}/gestion/cocreacion/{slug}/mesas/1/")
    office.fill("#id_count_youth", "18")
    office.fill("#id_count_women", "11")
    office.fill("#id_facilitator", "Laura Méndez")
    _submit(office)
    table = WorkingTable.objects.get(plan=plan, number=1)
    assert table.attendance == 29 and table.facilitator == "Laura Méndez"

    visitor = new_context().new_page()
    for path in (f"/plan/{slug}/cocreacion/", f"/plan/{slug}/cocreacion/proceso/", f"/plan/{slug}/cocreacion/mesas/"):
        visitor.goto(base + path)
        axe(visitor)
    visitor.goto(f"{base}/plan/{slug}/cocreacion/mesas/1/")
    assert "18" in visitor.locator("main").inner_text()
    axe(visitor)
    visitor.goto(f"{base}/plan/{slug}/cocreacion/diversidad/")
    axe(visitor)

    # 2. A citizen proposes online; the officer transcribes a proposal collected at the table.
    person = new_context().new_page()
    sign_in_with_password(person, base, citizen, f"/plan/{slug}/cocreacion/propuestas/nueva/")
    person.wait_for_url(f"{base}/plan/{slug}/cocreacion/propuestas/nueva/")
    axe(person)
    person.fill("#id_title", "Datos abiertos de contratación")
    person.fill("#id_body", "Publicar cada mes los contratos de la alcaldía en formato abierto.")
    _submit(person)
    online = Proposal.objects.get(channel=Proposal.Channel.ONLINE)
    assert online.author == citizen
    office.goto(f"{base}/gestion/cocreacion/{slug}/propuestas/transcribir/")
    office.select_option("#id_table", str(table.pk))
    office.fill("#id_title", "Veedurías juveniles")
    office.fill("#id_body", "Formar a jóvenes de cada UCG como veedores de obras públicas.")
    _submit(office)
    transcribed = Proposal.objects.get(channel=Proposal.Channel.IN_PERSON)
    assert transcribed.table == table and transcribed.author is None and transcribed.transcribed_by == officer
    visitor.goto(f"{base}/plan/{slug}/cocreacion/propuestas/")
    text = visitor.locator("main").inner_text()
    assert "Veedurías juveniles" in text and "oficial@example.org" not in text
    axe(visitor)

    # 3. Analysis: scores, answers and the shortlist.
    _phase(process, "analysis")
    for proposal in (online, transcribed):
        office.goto(f"{base}/gestion/cocreacion/{slug}/propuestas/{proposal.pk}/evaluar/")
        for field in office.locator("main form input[type=number]").all():
            field.fill("4")
        _submit(office)
        office.goto(f"{base}/gestion/cocreacion/{slug}/propuestas/{proposal.pk}/responder/")
        office.locator("input[name=decision][value=accept]").check()
        office.fill("#id_answer", "Se acoge y pasa a la consulta.")
        _submit(office, f"main form[action$='/propuestas/{proposal.pk}/responder/']")
    assert set(Proposal.objects.values_list("status", flat=True)) == {Proposal.Status.ACCEPTED}
    for proposal, title in ((online, "Contratación abierta"), (transcribed, "Veedurías juveniles de obras")):
        office.goto(f"{base}/gestion/cocreacion/{slug}/iniciativas/nueva/")
        office.locator(f"input[name=proposals][value='{proposal.pk}']").check()
        office.fill("#id_title", title)
        office.fill("#id_summary", "Iniciativa preseleccionada para la consulta.")
        _submit(office)
    visitor.goto(f"{base}/plan/{slug}/cocreacion/propuestas/{online.pk}/")
    assert "Se acoge" in visitor.locator("main").inner_text()
    axe(visitor)

    # Before the consultation opens, the officer chooses level 2 and uploads the voter roll: a file
    # with a bad row first (reported with its line, nothing written), then a good one.
    office.goto(f"{base}/gestion/consulta/{slug}/identidad/")
    axe(office)
    office.locator("input[name=assurance][value='2']").check()
    office.locator("input[name=roll_fact][value=issue_date]").check()
    _submit(office, "main form:has(button[value=level])")
    office.wait_for_url(f"{base}/gestion/consulta/{slug}/identidad/")
    assert Consultation.objects.get(process=process).assurance == 2
    # The file is imported by the queue (production's database backend here, run by one pass of
    # the worker): the run's page says it waits, then js/import-wait.js brings the report.
    immediate = settings.TASKS
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    bad_roll = b"documento;fecha_expedicion\n1.047.123.456;24/05/2009\n73100200;31/02/2001\n"
    office.set_input_files("#id_file", files=[{"name": "padron.csv", "mimeType": "text/csv", "buffer": bad_roll}])
    _submit(office, "main form:has(button[value=roll])")
    office.wait_for_url(re.compile(rf"{base}/gestion/consulta/{slug}/identidad/padron/\d+/"))
    run_url = office.url
    assert "El archivo está en espera de ser importado" in office.locator("main [role=status]").inner_text()
    assert office.locator("script[src*='import-wait']").count() == 1
    axe(office)
    _no_horizontal_scroll(office, run_url)
    # While the worker reads the file, the script updates the rows read in place.
    waiting = ImportRun.objects.get(kind="voter-roll")
    ImportRun.objects.filter(pk=waiting.pk).update(status=ImportRun.Status.RUNNING, read=1)
    office.get_by_text("1 fila leída hasta ahora.").wait_for(timeout=10_000)
    assert office.url == run_url
    ImportRun.objects.filter(pk=waiting.pk).update(status=ImportRun.Status.QUEUED, read=0)
    run_worker()
    office.locator("main .error-summary").wait_for(timeout=10_000)  # the script found the report
    assert "Línea 3" in office.locator("main .error-summary").inner_text()
    assert not RollEntry.objects.exists()
    assert not [p for p in Path(settings.ABIERTA_PRIVATE_ROOT).rglob("*") if p.is_file()]  # the file is gone
    axe(office)
    _no_horizontal_scroll(office, run_url)
    good_roll = b"documento;fecha_expedicion\n1.047.123.456;24/05/2009\n73100200;01/02/2001\n"
    office.set_input_files("#id_file", files=[{"name": "padron.csv", "mimeType": "text/csv", "buffer": good_roll}])
    _submit(office, "main form:has(button[value=roll])")
    office.wait_for_url(re.compile(rf"{base}/gestion/consulta/{slug}/identidad/padron/\d+/"))
    assert office.url != run_url and not RollEntry.objects.exists()
    run_worker()
    office.locator("main .notice--success").wait_for(timeout=10_000)
    assert "2 personas en el padrón" in office.locator("main .notice--success").inner_text()
    assert RollEntry.objects.count() == 2
    assert not [p for p in Path(settings.ABIERTA_PRIVATE_ROOT).rglob("*") if p.is_file()]
    axe(office)
    _no_horizontal_scroll(office, office.url)
    _no_horizontal_scroll(office, f"{base}/gestion/consulta/{slug}/identidad/")
    settings.TASKS = immediate

    # 4. Consultation: a web vote with an emailed code, an in-person vote, and a refused second vote.
    _phase(process, "consultation")
    voter = new_context().new_page()
    voter.goto(f"{base}/consulta/{slug}/")
    assert "Nivel 2 de 3" in voter.locator("main").inner_text()
    axe(voter)
    voter.goto(f"{base}/consulta/{slug}/votar/")
    assert "Nivel 2 de 3" in voter.locator("main").inner_text()
    axe(voter)
    _no_horizontal_scroll(voter, f"{base}/consulta/{slug}/votar/")
    # Knowing only the number (as SECOP publishes it) is not enough: a wrong date is refused, kept.
    voter.select_option("#id_document_type", "CC")
    voter.fill("#id_document_number", "1.047.123.456")
    voter.fill("#id_second_fact", "1980-01-01")
    voter.fill("#id_contact", "votante@example.org")
    mail.outbox.clear()
    voter.wait_for_function("() => document.querySelector('input[name=pow]').value !== ''")
    _submit(voter)
    voter.wait_for_selector("main .error-summary")
    assert "No pudimos verificar" in voter.locator("main .error-summary").inner_text()
    assert voter.input_value("#id_document_number") == "1.047.123.456" and not mail.outbox
    axe(voter)
    # With the right date, the proof of work found by js/pow.js is accepted and the code is sent.
    voter.fill("#id_second_fact", "2009-05-24")
    voter.wait_for_function("() => document.querySelector('input[name=pow]').value !== ''")
    _submit(voter)
    voter.wait_for_selector("#id_code")
    code = re.search(r"\b(\d{6})\b", str(mail.outbox[-1].body))
    assert code, mail.outbox[-1].body
    axe(voter)
    voter.fill("#id_code", code.group(1))
    voter.locator("input[name=choices]").first.check()
    _submit(voter)
    web_receipt = voter.locator("main .receipt code").inner_text().strip()
    axe(voter)

    # The transparency office opens a polling table and assigns its facilitator (here, itself).
    office.goto(f"{base}/gestion/consulta/{slug}/mesas/")
    office.fill("#id_number", "1")
    office.fill("#id_place", "Colegio La Esperanza")
    _submit(office, "main form[action$='/mesas/nueva/']")
    office.fill("#id_t1-email", officer.email)
    _submit(office, "main form[action$='/mesas/1/facilitadores/']")
    assert officer.email in office.locator("main").inner_text()
    axe(office)
    _no_wider_than_360(office)
    office.goto(f"{base}/gestion/consulta/{slug}/mesa/")
    office.wait_for_url(f"{base}/gestion/consulta/{slug}/mesa/1/")
    axe(office)
    office.select_option("#id_document_type", "CC")
    office.fill("#id_document_number", "73100200")
    office.locator("input[name=choices]").last.check()
    _submit(office)
    table_receipt = office.locator("main .message code").inner_text().strip()
    assert table_receipt and table_receipt != web_receipt
    # The web voter tries again in person: refused, nothing recorded.
    office.goto(f"{base}/gestion/consulta/{slug}/mesa/1/")
    office.select_option("#id_document_type", "CC")
    office.fill("#id_document_number", "1047123456")
    office.locator("input[name=choices]").last.check()
    _submit(office)
    consultation = Consultation.objects.get(process=process)
    assert Voter.objects.filter(consultation=consultation).count() == 2
    # Both ballots wait, sealed, in the ballot box: fewer than a batch; the close empties it.
    assert SealedBallot.objects.filter(consultation=consultation).count() == 2 and not Ballot.objects.exists()

    # 5. Results, and the ballot file recounted outside the platform. The consultation closes now
    # (not days ago, as _phase would place it), so that today's ballots fall inside its window.
    just_now = timezone.now() - datetime.timedelta(minutes=1)
    Process.objects.filter(pk=process.pk).update(results_from=just_now)
    Consultation.objects.filter(process=process).update(closes_at=just_now)
    # The paper tally sheet of table 1 for today, as the city publishes it.
    office.goto(f"{base}/gestion/consulta/{slug}/mesas/")
    office.select_option("#id_table", "1")
    office.fill("#id_day", timezone.localdate().isoformat())
    office.fill("#id_count", "1")
    _submit(office, "main form[action$='/actas/']")
    assert "Coincide" in office.locator("main").inner_text()
    axe(office)
    visitor.goto(f"{base}/consulta/{slug}/resultados/")
    results_text = visitor.locator("main").inner_text()
    assert sorted(Ballot.objects.values_list("channel", flat=True)) == ["in_person", "web"]
    frozen = BallotFile.objects.get(consultation=consultation)
    assert frozen.sha256 in results_text and "se congeló al cierre" in results_text
    assert "Consta que votaron 2 personas" in results_text and "Coincide" in results_text
    axe(visitor)
    _no_wider_than_360(visitor)
    response = visitor.request.get(f"{base}/consulta/{slug}/boletas.json")
    assert response.ok
    ballot_file = tmp_path / "boletas.json"
    ballot_file.write_bytes(response.body())
    recount = subprocess.run(
        [
            sys.executable,
            "-I",
            str(ROOT / "scripts" / "recount.py"),
            str(ballot_file),
            "--receipt",
            web_receipt,
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    counted = json.loads(recount.stdout)
    assert counted["problems"] == [] and counted["voters"] == counted["ballots"] == 2
    assert ballot_file.read_bytes() == bytes(frozen.data)
    published = json.loads(ballot_file.read_bytes())
    assert len(published["ballots"]) == 2
    assert counted["digest"] in results_text, "the digest on the results page is the file's"
    assert sum(counted["by_initiative"].values()) == 2
    assert counted["your_ballot"] is not None and counted["your_ballot"]["channel"] == "web"
    visitor.goto(f"{base}/consulta/{slug}/mi-voto/")
    axe(visitor)
    visitor.fill("#id_receipt", web_receipt)
    _submit(visitor)
    assert "web" in visitor.locator("main").inner_text().lower() or "Web" in visitor.locator("main").inner_text()
    axe(visitor)
