"""In-person entry at the polling tables: only their facilitators, counted per table and day, and
reconciled with the paper tally sheets on the results page. Then the staff page of the tables for
every persona."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from abierta.core.models import ChangeRecord
from abierta.participation.consultation import services as svc
from abierta.participation.models import (
    Ballot,
    BallotFile,
    Consultation,
    PollingTable,
    SealedBallot,
    TableDayCount,
    TallySheet,
    Voter,
)
from abierta.participation.tests.factories import cast, close, make_consultation, make_polling_table, url
from factories import PERSONAS, World

VOTE = {"document_type": "CC", "document_number": "70000001", "choices": "1"}


@pytest.fixture
def consultation(world: World) -> Consultation:
    return make_consultation(world.plan, max_choices=2)


def test_review_reproduction_an_office_editor_who_facilitates_no_table_gets_403(
    persona_client: Callable[[str], Client], consultation: Consultation
) -> None:
    """The review: editor@ entered 3 ballots (one a leading-zero variant) and nothing was recorded."""
    persona_client("transparency")
    make_polling_table(consultation, "transparency@example.org")
    editor = persona_client("editor_own")
    for number in ("70000001", "70000002", "070000001"):
        data = {**VOTE, "document_number": number}
        assert editor.post(url("consultation_table_entry", consultation), data).status_code == 403
        assert editor.post(url("consultation_table_vote", consultation, number=1), data).status_code == 403
    assert not Voter.objects.exists() and not SealedBallot.objects.exists() and not Ballot.objects.exists()
    assert not TableDayCount.objects.exists()


def test_a_facilitator_enters_only_at_their_table_and_is_counted_per_table_and_day(
    persona_client: Callable[[str], Client], consultation: Consultation
) -> None:
    client = persona_client("editor_own")
    persona_client("transparency")
    make_polling_table(consultation, "editor_own@example.org", number=1)
    make_polling_table(consultation, "transparency@example.org", number=2)
    for n in range(3):
        response = client.post(
            url("consultation_table_vote", consultation, number=1), {**VOTE, "document_number": f"8000{n}"}
        )
        assert response.status_code == 200, response.content.decode()
    # Not at the other table.
    other = client.post(url("consultation_table_vote", consultation, number=2), {**VOTE, "document_number": "80009"})
    assert other.status_code == 403
    (count,) = TableDayCount.objects.all()
    assert count.table.number == 1 and count.day == timezone.localdate() and count.count == 3
    assert count.entered_by.email == "editor_own@example.org"
    # The count holds no ballot and no time: only these columns.
    assert {f.name for f in TableDayCount._meta.concrete_fields} == {"id", "table", "day", "entered_by", "count"}
    # One history line: who began entering at which table and day, without ballot content.
    (line,) = ChangeRecord.objects.filter(content_type__model="tabledaycount")
    assert line.actor is not None and line.actor.email == "editor_own@example.org"
    assert set(line.changes) == {"table", "day", "entered_by", "count"}
    assert "choices" not in json.dumps(line.changes)
    assert Voter.objects.filter(consultation=consultation).count() == 3


def test_results_reconcile_table_counts_with_paper_sheets(
    persona_client: Callable[[str], Client], consultation: Consultation, client: Client
) -> None:
    facilitator = persona_client("editor_own")
    staff = persona_client("transparency")
    make_polling_table(consultation, "editor_own@example.org", number=1)
    make_polling_table(consultation, "editor_own@example.org", number=2)
    for table, n in ((1, 2), (2, 1)):
        for i in range(n):
            data = {**VOTE, "document_number": f"9{table}00{i}"}
            assert facilitator.post(url("consultation_table_vote", consultation, number=table), data).status_code == 200
    cast(consultation, [[1], [2]])
    today = timezone.localdate().isoformat()
    sheets = url("consultation_tally_sheet_add", consultation)
    assert staff.post(sheets, {"table": "1", "day": today, "count": "2"}).status_code == 302
    assert staff.post(sheets, {"table": "2", "day": today, "count": "4"}).status_code == 302
    # A correction replaces the count and is recorded in the history.
    assert staff.post(sheets, {"table": "2", "day": today, "count": "3"}).status_code == 302
    assert TallySheet.objects.get(table__number=2).count == 3
    assert ChangeRecord.objects.filter(content_type__model="tallysheet").count() == 3
    close(consultation)
    body = client.get(url("consultation_results", consultation)).content.decode()
    assert "Coincide" in body and "No coincide" in body
    reconciliation = svc.reconciliation(consultation, 3)
    assert [(r.table.number, r.entered, r.paper, r.matches) for r in reconciliation.rows] == [
        (1, 2, 2, True),
        (2, 1, 3, False),
    ]
    assert reconciliation.entered == 3 and reconciliation.mismatches == 1


def test_bad_tally_sheet_keeps_what_was_typed(
    persona_client: Callable[[str], Client], consultation: Consultation
) -> None:
    staff = persona_client("transparency")
    make_polling_table(consultation)
    response = staff.post(
        url("consultation_tally_sheet_add", consultation), {"table": "1", "day": "2001-01-01", "count": "-4"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="2001-01-01"' in body and 'value="-4"' in body and "field__errors" in body
    assert not TallySheet.objects.exists()


def test_facilitators_are_staff_accounts(persona_client: Callable[[str], Client], consultation: Consultation) -> None:
    staff = persona_client("transparency")
    persona_client("citizen")
    persona_client("monitor")
    table = make_polling_table(consultation)
    add = url("consultation_facilitator_add", consultation, number=1)
    refused = staff.post(add, {"t1-email": "citizen@example.org"})
    assert refused.status_code == 400 and 'value="citizen@example.org"' in refused.content.decode()
    assert staff.post(add, {"t1-email": "nadie@example.org"}).status_code == 400
    assert staff.post(add, {"t1-email": "monitor@example.org"}).status_code == 302
    assert [u.email for u in table.facilitators.all()] == ["monitor@example.org"]
    monitor = table.facilitators.get()
    remove = url("consultation_facilitator_remove", consultation, number=1, user_id=monitor.pk)
    assert staff.post(remove).status_code == 302 and not table.facilitators.exists()
    assert ChangeRecord.objects.filter(content_type__model="pollingtable").count() == 2
    # A new table; a second with the same number is refused with the number kept.
    new = url("consultation_polling_table_add", consultation)
    assert staff.post(new, {"number": "2", "place": "Colegio"}).status_code == 302
    again = staff.post(new, {"number": "2", "place": "Otro"})
    assert again.status_code == 400 and 'value="Otro"' in again.content.decode()
    assert PollingTable.objects.filter(consultation=consultation).count() == 2


MANAGERS = {"transparency", "admin"}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("state", ["before", "open", "closed"])
def test_polling_table_pages(persona: str, state: str, world: World, persona_client: Callable[[str], Client]) -> None:
    c = make_consultation(world.plan, state=state)
    client = persona_client(persona)
    make_polling_table(c)
    if persona != "monitor":  # the account a manager assigns as facilitator
        persona_client("monitor")
    day = timezone.localtime(c.opens_at).date().isoformat()
    requests = [
        ("get", url("consultation_polling_tables", c), {}, state in {"before", "open", "closed"}, 200),
        ("post", url("consultation_polling_table_add", c), {"number": "5", "place": "Sede"}, state != "closed", 302),
        (
            "post",
            url("consultation_facilitator_add", c, number=1),
            {"t1-email": "monitor@example.org"},
            state != "closed",
            302,
        ),
        (
            "post",
            url("consultation_tally_sheet_add", c),
            {"table": "1", "day": day, "count": "1"},
            state != "before",
            302,
        ),
    ]
    for method, path, data, allowed, ok in requests:
        response = getattr(client, method)(path, data)
        if persona == "anonymous":
            assert response.status_code == 302 and "/cuenta/" in response["Location"], path
        elif persona in MANAGERS and allowed:
            assert response.status_code == ok, (path, response.content.decode()[:300])
        else:
            assert response.status_code == 403, path
    if persona not in MANAGERS:
        assert PollingTable.objects.count() == 1 and not TallySheet.objects.exists()


# ---------------------------------------------------------------- the frozen file


def test_first_request_after_the_close_freezes_and_later_rows_change_nothing(client: Client, world: World) -> None:
    c = make_consultation(world.plan, max_choices=2)
    cast(c, [[1], [2], [1, 3]])
    assert not Ballot.objects.exists()  # still in the box: fewer than a batch
    Consultation.objects.filter(pk=c.pk).update(closes_at=timezone.now() - datetime.timedelta(seconds=1))
    c.refresh_from_db()
    page = client.get(url("consultation_results", c)).content.decode()
    frozen = BallotFile.objects.get(consultation=c)
    assert frozen.ballots == frozen.voters == 3 and not SealedBallot.objects.exists()
    assert frozen.sha256 in page and svc.digest(bytes(frozen.data)) == frozen.sha256
    assert "3 personas" in page
    header = json.loads(bytes(frozen.data))["consultation"]
    assert header["voters"] == 3
    # Someone with the database adds a ballot after the freezing: the published file does not move.
    Ballot.objects.create(
        consultation=c, receipt_hash="f" * 64, choices=[2], channel="web", cast_on=timezone.localdate()
    )
    assert b"".join(client.get(url("consultation_ballots_json", c)).streaming_content) == bytes(frozen.data)  # type: ignore[attr-defined]
    csv = b"".join(client.get(url("consultation_ballots_csv", c)).streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    assert "f" * 64 not in csv and len(csv.splitlines()) == 4
    again = client.get(url("consultation_results", c)).content.decode()
    assert frozen.sha256 in again and "Contiene 3 votos" in again
    assert svc.consultation_close(consultation=c).pk == frozen.pk
    # Nor can a vote be added once frozen.
    with pytest.raises(svc.ClosedError):
        svc.vote_cast(consultation=c, document_hash="late", choices=[1], channel="web")


def test_consultation_close_command(world: World) -> None:
    c = make_consultation(world.plan, state="open")
    cast(c, [[1], [2]])
    call_command("consultation_close")
    assert not BallotFile.objects.exists()  # still open
    Consultation.objects.filter(pk=c.pk).update(closes_at=timezone.now() - datetime.timedelta(seconds=1))
    call_command("consultation_close", slug=c.process.plan.slug)
    frozen = BallotFile.objects.get()
    assert frozen.ballots == 2 and Ballot.objects.count() == 2 and not SealedBallot.objects.exists()


def test_the_box_holds_nothing_in_clear(world: World, settings: object) -> None:
    settings.ABIERTA_BALLOT_BATCH = 3  # type: ignore[attr-defined]
    c = make_consultation(world.plan)
    (receipt,) = cast(c, [[2]])
    (row,) = SealedBallot.objects.values("lookup", "sealed")
    hashed = svc.receipt_hash(receipt)
    assert hashed not in row["lookup"] and hashed.encode() not in bytes(row["sealed"])
    assert b"choices" not in bytes(row["sealed"]) and b"web" not in bytes(row["sealed"])
    assert svc.ballot_waiting(c, receipt) and svc.ballot_find(c, receipt) is None
    cast(c, [[1], [3]])  # the third fills a batch: all three move together
    assert not SealedBallot.objects.exists() and Ballot.objects.count() == 3
    assert svc.ballot_find(c, receipt) is not None and not svc.ballot_waiting(c, receipt)


def test_a_facilitator_of_two_tables_chooses_one(
    persona_client: Callable[[str], Client], consultation: Consultation
) -> None:
    client = persona_client("committee")
    make_polling_table(consultation, "committee@example.org", number=3)
    make_polling_table(consultation, "committee@example.org", number=7)
    make_polling_table(consultation, number=9)
    page = client.get(url("consultation_table_entry", consultation))
    assert page.status_code == 200
    body = page.content.decode()
    assert url("consultation_table_vote", consultation, number=3) in body
    assert url("consultation_table_vote", consultation, number=7) in body
    assert url("consultation_table_vote", consultation, number=9) not in body
    assert client.post(url("consultation_table_entry", consultation), VOTE).status_code == 405


@pytest.mark.parametrize("persona", PERSONAS)
def test_removing_a_facilitator(persona: str, world: World, persona_client: Callable[[str], Client]) -> None:
    c = make_consultation(world.plan)
    client = persona_client(persona)
    if persona != "monitor":  # the account a manager assigns as facilitator
        persona_client("monitor")
    table = make_polling_table(c, "monitor@example.org")
    monitor = table.facilitators.get()
    response = client.post(url("consultation_facilitator_remove", c, number=1, user_id=monitor.pk))
    if persona == "anonymous":
        assert response.status_code == 302 and "/cuenta/" in response["Location"]
    elif persona in MANAGERS:
        assert response.status_code == 302 and not table.facilitators.exists()
        return
    else:
        assert response.status_code == 403
    assert table.facilitators.count() == 1
