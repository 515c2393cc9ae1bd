"""abierta secop_sync: SECOP II contracts from the portal's SODA API, against a fake portal (no network):
paging, idempotence, resuming after a server error, throttling, malformed pages, the app token."""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from abierta.contracting import secop_sync
from abierta.contracting.importers import SecopContractsImporter
from abierta.contracting.models import Contract, SecopEntity, SyncRun
from abierta.contracting.secop_sync import clean_nit, since_for, sync_all, sync_entity
from abierta.contracting.tests.factories import JSON
from abierta.contracting.tests.fake_soda import FakeSoda, serve, soda_row
from abierta.core.importing import run_import
from abierta.core.models import ImportRejection

pytestmark = pytest.mark.django_db

NIT = "890480184"


def dated(count: int, *, start: int = 1, first_day: int = 1) -> list[dict[str, object]]:
    """``count`` rows, each updated on its own day of September 2024."""
    return [soda_row(start + i, updated=f"2024-09-{first_day + i:02d}T00:00:00.000") for i in range(count)]


@pytest.fixture
def portal(settings: Any) -> Iterator[FakeSoda]:
    for fake in serve(dated(7)):
        settings.ABIERTA_SECOP_SODA_URL = fake.url
        settings.ABIERTA_SECOP_SODA_PAGE_SIZE = 3
        settings.ABIERTA_SECOP_SODA_APP_TOKEN = ""
        settings.ABIERTA_SECOP_SODA_OVERLAP_DAYS = 0
        yield fake


@pytest.fixture
def entity() -> SecopEntity:
    return SecopEntity.objects.create(nit=NIT, name="Alcaldía de Cartagena")


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    slept: list[float] = []
    monkeypatch.setattr(secop_sync, "_sleep", slept.append)
    return slept


def counts(run: SyncRun) -> tuple[int, int, int, int, int]:
    return (run.read, run.created, run.updated, run.unchanged, run.rejected)


def test_pages_through_every_contract_of_the_entity(portal: FakeSoda, entity: SecopEntity) -> None:
    portal.rows.append(soda_row(99, nit="800000000"))  # another entity's contract is not asked for
    run = sync_entity(entity)
    assert run.status == SyncRun.Status.FINISHED, run.error
    assert counts(run) == (7, 7, 0, 0, 0)
    assert run.pages == 3 and len(portal.requests) == 3  # 3 + 3 + 1: a short page is the last
    assert Contract.objects.count() == 7
    assert set(Contract.objects.values_list("buyer_nit", flat=True)) == {NIT}
    assert run.watermark == "2024-09-07T00:00:00.000"
    entity.refresh_from_db()
    assert entity.watermark == "2024-09-07T00:00:00.000"
    assert run.finished_at is not None and run.duration is not None
    for request in portal.requests:
        assert request.path == "/resource/jbjy-vk9h.json"
        assert request.params["$limit"] == "3"
        assert request.params["$order"] == "ultima_actualizacion ASC, id_contrato ASC"
        assert "nit_entidad = '890480184'" in request.params["$where"]
        assert "$offset" not in request.params
    # The next page is asked after the last row received, by (date, contract number).
    assert "ultima_actualizacion > '2024-09-03T00:00:00.000'" in portal.requests[1].params["$where"]
    assert "id_contrato > 'CO1.PCCNTR.6000003'" in portal.requests[1].params["$where"]
    # Each page was imported by the SECOP II importer and is kept with the run.
    assert run.imports.count() == 3
    contract = Contract.objects.get(contract_id="CO1.PCCNTR.6000001")
    assert contract.source == Contract.Source.SECOP2 and contract.value == 10_000_001
    assert contract.url.startswith("https://community.secop.gov.co/")


def test_a_second_run_creates_nothing(portal: FakeSoda, entity: SecopEntity, settings: Any) -> None:
    first = sync_entity(entity)
    assert first.created == 7
    settings.ABIERTA_SECOP_SODA_OVERLAP_DAYS = 2
    portal.requests.clear()
    second = sync_entity(entity)
    assert second.status == SyncRun.Status.FINISHED
    # Asked again from two days before the last update reached: those rows are unchanged.
    assert "ultima_actualizacion >= '2024-09-05T00:00:00.000'" in portal.requests[0].params["$where"]
    assert counts(second) == (3, 0, 0, 3, 0)
    assert Contract.objects.count() == 7


def test_a_contract_updated_at_the_portal_is_updated(portal: FakeSoda, entity: SecopEntity) -> None:
    sync_entity(entity)
    portal.rows[0] = soda_row(1, updated="2024-10-15T00:00:00.000", valor_del_contrato="12000000")
    run = sync_entity(entity)
    assert counts(run) == (2, 0, 1, 1, 0)  # the watermark's day again, and the updated contract
    assert Contract.objects.get(contract_id="CO1.PCCNTR.6000001").value == 12_000_000
    assert run.watermark == "2024-10-15T00:00:00.000"


def test_rows_of_the_same_day_across_pages_are_all_read(portal: FakeSoda, entity: SecopEntity) -> None:
    portal.rows[:] = [soda_row(n, updated="2024-09-30T00:00:00.000") for n in range(1, 9)]
    run = sync_entity(entity)
    assert counts(run) == (8, 8, 0, 0, 0)
    assert Contract.objects.count() == 8


def test_a_server_error_in_the_middle_stops_and_the_next_run_resumes(portal: FakeSoda, entity: SecopEntity) -> None:
    portal.answers[2] = (500, {"Content-Type": "application/json"}, b'{"message": "Internal error"}')
    failed = sync_entity(entity)
    assert failed.status == SyncRun.Status.FAILED
    assert failed.error == "El portal respondió HTTP 500: Internal error"
    assert counts(failed) == (3, 3, 0, 0, 0) and failed.pages == 1
    entity.refresh_from_db()
    assert entity.watermark == "2024-09-03T00:00:00.000"  # the last committed page

    resumed = sync_entity(entity)
    assert resumed.status == SyncRun.Status.FINISHED
    assert "ultima_actualizacion >= '2024-09-03T00:00:00.000'" in portal.requests[2].params["$where"]
    assert counts(resumed) == (5, 4, 0, 1, 0)
    # Every contract exactly once.
    ids = list(Contract.objects.values_list("contract_id", flat=True))
    assert sorted(ids) == [f"CO1.PCCNTR.{6000000 + n}" for n in range(1, 8)]


def test_an_interrupted_run_is_marked_and_the_next_one_resumes(portal: FakeSoda, entity: SecopEntity) -> None:
    stale = SyncRun.objects.create(entity=entity)
    run = sync_entity(entity)
    stale.refresh_from_db()
    assert stale.status == SyncRun.Status.FAILED and "Interrumpida" in stale.error
    assert run.status == SyncRun.Status.FINISHED and run.created == 7


def test_throttling_waits_as_asked_and_goes_on(portal: FakeSoda, entity: SecopEntity, waits: list[float]) -> None:
    portal.answers[2] = (429, {"Retry-After": "7"}, b"Too many requests")
    portal.answers[3] = (429, {"Retry-After": "2"}, b"Too many requests")
    run = sync_entity(entity)
    assert run.status == SyncRun.Status.FINISHED, run.error
    assert waits == [7.0, 2.0]
    assert counts(run) == (7, 7, 0, 0, 0)
    # The page refused was asked again, the same.
    assert portal.requests[1].params == portal.requests[2].params == portal.requests[3].params


def test_a_busy_portal_that_says_when_to_come_back_is_waited_for(
    portal: FakeSoda, entity: SecopEntity, waits: list[float]
) -> None:
    portal.answers[1] = (503, {"Retry-After": "30"}, b"Service Unavailable")
    run = sync_entity(entity)
    assert run.status == SyncRun.Status.FINISHED and waits == [30.0] and run.created == 7


def test_retry_after_as_a_date(monkeypatch: pytest.MonkeyPatch) -> None:
    now = datetime.datetime(2024, 9, 30, 12, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: now)
    assert secop_sync._retry_after({"Retry-After": "Mon, 30 Sep 2024 12:00:45 GMT"}) == 45.0
    assert secop_sync._retry_after({"Retry-After": "Mon, 30 Sep 2024 11:00:00 GMT"}) == 0.0
    assert secop_sync._retry_after({"Retry-After": "pronto"}) is None
    assert secop_sync._retry_after({}) is None


def test_throttling_that_does_not_end_stops_the_run(
    portal: FakeSoda, entity: SecopEntity, waits: list[float], settings: Any
) -> None:
    settings.ABIERTA_SECOP_SODA_RETRIES = 2
    for number in range(2, 10):
        portal.answers[number] = (429, {}, b"")
    run = sync_entity(entity)
    assert run.status == SyncRun.Status.FAILED
    assert run.error == "El portal está limitando las solicitudes (HTTP 429) y lo seguía haciendo tras 3 intentos."
    assert waits == [5.0, 10.0]  # no Retry-After: 5 s, doubled
    assert run.created == 3
    portal.answers.clear()
    assert sync_entity(entity).status == SyncRun.Status.FINISHED
    assert Contract.objects.count() == 7


def test_a_wait_too_long_stops_the_run(portal: FakeSoda, entity: SecopEntity, waits: list[float]) -> None:
    portal.answers[1] = (429, {"Retry-After": "3600"}, b"")
    run = sync_entity(entity)
    assert run.status == SyncRun.Status.FAILED and "3600" in run.error
    assert waits == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html><body>Mantenimiento</body></html>", "La respuesta del portal no es JSON (empieza: «<html>"),
        (b'{"rows": []}', "La respuesta del portal no es una lista de contratos."),
        (b'[{"id_contrato": "x"}, 3]', "La fila 2 de la respuesta del portal no es un objeto JSON."),
        (b'[{"nit_entidad": "890480184", "id_contrato": "CO1.PCCNTR.1"}]', "sin ultima_actualizacion"),
        (
            json.dumps([soda_row(50, nit="800000000")]).encode(),
            "El portal envió contratos de otras entidades (NIT 800000000)",
        ),
    ],
)
def test_a_malformed_page_stops_the_run_with_the_reason(
    portal: FakeSoda, entity: SecopEntity, body: bytes, message: str
) -> None:
    portal.answers[2] = (200, {"Content-Type": "application/json"}, body)
    run = sync_entity(entity)
    assert run.status == SyncRun.Status.FAILED
    assert message in run.error
    assert run.created == 3  # the page before stays
    entity.refresh_from_db()
    assert entity.watermark == "2024-09-03T00:00:00.000"


def test_rows_out_of_order_stop_the_run(portal: FakeSoda, entity: SecopEntity) -> None:
    rows = [soda_row(1, updated="2024-09-05T00:00:00.000"), soda_row(2, updated="2024-09-01T00:00:00.000")]
    portal.answers[1] = (200, {}, json.dumps(rows).encode())
    run = sync_entity(entity)
    assert run.status == SyncRun.Status.FAILED and "orden" in run.error
    assert not Contract.objects.exists()


def test_the_portal_not_answering_stops_the_run(settings: Any, entity: SecopEntity) -> None:
    for fake in serve([]):
        url = fake.url
    settings.ABIERTA_SECOP_SODA_URL = url  # the server is stopped: nothing listens there
    run = sync_entity(entity)
    assert run.status == SyncRun.Status.FAILED and run.error.startswith("El portal no respondió")


def test_a_refused_token_stops_the_run(portal: FakeSoda, entity: SecopEntity) -> None:
    portal.answers[1] = (403, {}, b'{"code": "permission_denied", "message": "Invalid app_token specified"}')
    run = sync_entity(entity)
    assert run.error == "El portal respondió HTTP 403: Invalid app_token specified"


def test_the_app_token_is_sent_when_configured(portal: FakeSoda, entity: SecopEntity, settings: Any) -> None:
    sync_entity(entity)
    assert all("X-App-Token" not in r.headers for r in portal.requests)
    settings.ABIERTA_SECOP_SODA_APP_TOKEN = "token-de-prueba"
    portal.requests.clear()
    sync_entity(entity)
    assert portal.requests and all(r.headers.get("X-App-Token") == "token-de-prueba" for r in portal.requests)


def test_the_where_has_the_nit_and_the_watermark(portal: FakeSoda, entity: SecopEntity, settings: Any) -> None:
    settings.ABIERTA_SECOP_SODA_OVERLAP_DAYS = 3
    entity.watermark = "2024-09-06T00:00:00.000"
    entity.save()
    run = sync_entity(entity)
    assert run.since == "2024-09-03T00:00:00.000"
    assert portal.requests[0].params["$where"] == (
        "nit_entidad = '890480184' AND ultima_actualizacion IS NOT NULL AND id_contrato IS NOT NULL"
        " AND ultima_actualizacion >= '2024-09-03T00:00:00.000'"
    )
    assert counts(run) == (5, 5, 0, 0, 0)


def test_every_rejected_row_is_kept_with_its_contract_and_reason(portal: FakeSoda, entity: SecopEntity) -> None:
    portal.rows[1]["valor_del_contrato"] = "doscientos millones"
    portal.rows[4]["fecha_de_firma"] = "2024-02-30T00:00:00.000"
    run = sync_entity(entity)
    assert run.status == SyncRun.Status.FINISHED
    assert counts(run) == (7, 5, 0, 0, 2)
    reasons = sorted(ImportRejection.objects.filter(run__in=run.imports.all()).values_list("reason", flat=True))
    assert reasons == [
        "contrato CO1.PCCNTR.6000002: valor_del_contrato no es un número: «doscientos millones»",
        "contrato CO1.PCCNTR.6000005: fecha_de_firma no es una fecha válida: «2024-02-30T00:00:00.000»",
    ]


def test_empty_values_left_out_by_the_portal_are_read_as_empty(portal: FakeSoda, entity: SecopEntity) -> None:
    """The API leaves out the keys of empty values, even a column the importer requires."""
    del portal.rows[0]["valor_del_contrato"]
    del portal.rows[0]["nombre_entidad"]
    run = sync_entity(entity)
    assert counts(run) == (7, 7, 0, 0, 0)
    assert Contract.objects.get(contract_id="CO1.PCCNTR.6000001").value is None


def test_the_red_flags_are_computed_once_at_the_end(
    portal: FakeSoda, entity: SecopEntity, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[int] | None] = []
    from abierta.contracting import redflags

    monkeypatch.setattr(redflags, "refresh_flags", lambda ids=None: calls.append(None if ids is None else list(ids)))
    sync_entity(entity)
    assert len(calls) == 1 and calls[0] is not None and len(calls[0]) == 7


def test_sync_all_takes_only_active_entities(portal: FakeSoda, entity: SecopEntity) -> None:
    SecopEntity.objects.create(nit="800000000", name="Otra", active=False)
    runs = sync_all()
    assert [r.entity for r in runs] == [entity]


def test_the_command_synchronises_one_entity_and_reports(portal: FakeSoda, entity: SecopEntity) -> None:
    out = io.StringIO()
    call_command("secop_sync", "--nit", "890.480.184-1", stdout=out)
    assert out.getvalue().startswith(
        "Alcaldía de Cartagena (890480184): 3 páginas, 7 filas leídas, 7 creadas, 0 actualizadas, "
        "0 sin cambios, 0 rechazadas. Actualizaciones hasta 2024-09-07."
    )


def test_the_command_adds_an_entity_with_a_name_and_refuses_an_unknown_nit(portal: FakeSoda) -> None:
    with pytest.raises(CommandError, match="no está configurado"):
        call_command("secop_sync", "--nit", NIT, stdout=io.StringIO())
    with pytest.raises(CommandError, match="no es un NIT"):
        call_command("secop_sync", "--nit", "abc", stdout=io.StringIO())
    call_command("secop_sync", "--nit", NIT, "--name", "Alcaldía de Cartagena", stdout=io.StringIO())
    assert SecopEntity.objects.get().name == "Alcaldía de Cartagena"
    assert Contract.objects.count() == 7


def test_the_command_fails_when_a_run_fails(portal: FakeSoda, entity: SecopEntity) -> None:
    portal.answers[1] = (502, {}, b"Bad gateway")
    out = io.StringIO()
    with pytest.raises(CommandError, match="HTTP 502"):
        call_command("secop_sync", stdout=out)
    assert "0 filas leídas" in out.getvalue()


def test_the_command_without_entities_says_so(portal: FakeSoda) -> None:
    out = io.StringIO()
    call_command("secop_sync", stdout=out)
    assert "Ninguna entidad activa" in out.getvalue()


@pytest.mark.parametrize(
    ("text", "nit"),
    [("890480184", "890480184"), ("890.480.184-1", "890480184"), (" 890 480 184 ", "890480184"), ("89048", "89048")],
)
def test_clean_nit(text: str, nit: str) -> None:
    assert clean_nit(text) == nit


@pytest.mark.parametrize("text", ["", "abc", "1234", "890480184-12", "8904801840000000"])
def test_clean_nit_refuses(text: str) -> None:
    assert clean_nit(text) is None


def test_since_for(settings: Any) -> None:
    settings.ABIERTA_SECOP_SODA_OVERLAP_DAYS = 3
    assert since_for("") == ""
    assert since_for("2024-03-02T00:00:00.000") == "2024-02-28T00:00:00.000"


def test_the_portal_rows_become_the_same_contracts_as_the_exported_file(settings: Any, entity: SecopEntity) -> None:
    """The real-format rows of the importer's tests, synchronised, are stored exactly as the file import
    stores them; the one without ultima_actualizacion is not asked for."""
    rows = [{k: v for k, v in row.items() if v is not None} for row in json.loads(JSON.read_text(encoding="utf-8"))]
    for fake in serve(rows):
        settings.ABIERTA_SECOP_SODA_URL = fake.url
        settings.ABIERTA_SECOP_SODA_PAGE_SIZE = 3
        run = sync_entity(entity)
    assert run.status == SyncRun.Status.FINISHED, run.error
    synced = dict(Contract.objects.values_list("ocid", "release_hash"))
    assert len(synced) == 7 and "ocds-k50g02-CO1.PCCNTR.5900002" not in synced
    Contract.objects.all().delete()
    run_import(SecopContractsImporter(), JSON, out=io.StringIO(), progress=False)
    imported = dict(Contract.objects.values_list("ocid", "release_hash"))
    assert {ocid: imported[ocid] for ocid in synced} == synced


def test_a_crash_inside_a_page_writes_none_of_it_and_the_next_run_resumes(
    portal: FakeSoda, entity: SecopEntity, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure while a page is written (the database, a bug) rolls the page back; the run says so."""
    from abierta.contracting.importers import SodaPageImporter

    apply = SodaPageImporter.apply
    calls = []

    def failing(self: SodaPageImporter, items: Any) -> Any:
        calls.append(len(items))
        if len(calls) == 2:
            raise RuntimeError("disco lleno")
        return apply(self, items)

    monkeypatch.setattr(SodaPageImporter, "apply", failing)
    with pytest.raises(RuntimeError):
        sync_entity(entity)
    crashed = SyncRun.objects.get()
    assert crashed.status == SyncRun.Status.FAILED and "disco lleno" in crashed.error
    assert Contract.objects.count() == 3 and crashed.created == 3
    entity.refresh_from_db()
    assert entity.watermark == "2024-09-03T00:00:00.000"
    resumed = sync_entity(entity)
    assert resumed.status == SyncRun.Status.FINISHED and resumed.created == 4
    assert Contract.objects.count() == 7


def test_after_an_interrupted_run_the_entity_flags_are_computed_again(
    portal: FakeSoda, entity: SecopEntity, monkeypatch: pytest.MonkeyPatch
) -> None:
    sync_entity(entity)
    SyncRun.objects.create(entity=entity)  # a run killed before its end
    calls: list[list[int]] = []
    from abierta.contracting import redflags

    monkeypatch.setattr(redflags, "refresh_flags", lambda ids=None: calls.append(list(ids or [])))
    run = sync_entity(entity)
    assert run.created == 0
    assert sorted(calls[0]) == sorted(Contract.objects.values_list("pk", flat=True))


def test_one_entity_crashing_does_not_stop_the_others(
    portal: FakeSoda, entity: SecopEntity, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = SecopEntity.objects.create(nit="800000000", name="Otra")
    fetch = secop_sync.fetch_page

    def crash_for_the_first(params: Any) -> Any:
        if NIT in params["$where"]:
            raise RuntimeError("error de programación")
        return fetch(params)

    monkeypatch.setattr(secop_sync, "fetch_page", crash_for_the_first)
    runs = sync_all()
    assert [(r.entity, r.status) for r in runs] == [
        (entity, SyncRun.Status.FAILED),
        (other, SyncRun.Status.FINISHED),
    ]
    assert "error de programación" in runs[0].error
