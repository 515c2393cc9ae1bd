"""Submitting and opening cases through the services, and who a case is sealed to."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.core import mail

from abierta.accounts.models import User
from abierta.complaints import crypto, services
from abierta.complaints.businessdays import add_business_days
from abierta.complaints.models import AuditEntry, Case, CaseGrant
from abierta.core.receipts import new_receipt
from factories import make_user

pytestmark = pytest.mark.django_db


def _report() -> services.ReportData:
    return services.ReportData(category=Case.Category.PROCUREMENT, what="El contrato 123 se adjudicó sin licitación")


def test_submit_seals_the_case_to_every_handler_with_a_key_and_to_no_one_else() -> None:
    ana = make_user("ana@example.org", User.Role.TRANSPARENCY)
    beto = make_user("beto@example.org", User.Role.TRANSPARENCY)
    keyless = make_user("sinllave@example.org", User.Role.TRANSPARENCY)
    admin = make_user("admin@example.org", User.Role.ADMIN)
    services.handler_key_create(user=ana, password="ana passphrase 1")
    services.handler_key_create(user=beto, password="beto passphrase 1")
    case, receipt = services.complaint_submit(report=_report(), files=[])
    assert receipt is not None
    assert set(CaseGrant.objects.filter(case=case).values_list("user__email", flat=True)) == {
        "ana@example.org",
        "beto@example.org",
    }
    for user, password in ((ana, "ana passphrase 1"), (beto, "beto passphrase 1")):
        private = services.handler_key_unlock(user=user, password=password)
        opened = services.case_open_as_handler(case=case, user=user, private_key=private)
        assert opened is not None and services.case_content(opened).what.startswith("El contrato 123")
    for nobody in (keyless, admin):
        assert services.case_open_as_handler(case=case, user=nobody, private_key=crypto.new_keypair()[1]) is None


def test_submit_numbers_the_case_and_starts_the_legal_clock() -> None:
    case, _ = services.complaint_submit(report=_report(), files=[])
    assert case.number == f"D-{case.received_on.year}-{case.pk:05d}"
    assert case.status == Case.Status.RECEIVED
    assert case.forward_due_on == add_business_days(case.received_on, 5)
    assert case.due_on == add_business_days(case.received_on, 15)


def test_no_email_is_sent_at_submission(django_capture_on_commit_callbacks: object) -> None:
    """C1: the "New complaint D-…" email gave the moment and the number of each report."""
    ana = make_user("ana@example.org", User.Role.TRANSPARENCY)
    services.handler_key_create(user=ana, password="ana passphrase 1")
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        services.complaint_submit(report=_report(), files=[])
    assert mail.outbox == []


def test_a_wrong_receipt_opens_nothing() -> None:
    _case, receipt = services.complaint_submit(report=_report(), files=[])
    assert receipt is not None
    assert services.complaint_open(receipt=receipt) is not None
    assert services.complaint_open(receipt=new_receipt()) is None
    assert services.complaint_open(receipt="not a receipt") is None


def test_reopen_with_a_wrong_key_or_a_deleted_case_fails() -> None:
    case, receipt = services.complaint_submit(report=_report(), files=[])
    assert receipt is not None
    opened = services.complaint_open(receipt=receipt)
    assert opened is not None
    assert services.case_reopen(case_id=case.pk, case_key=opened.case_key) is not None
    assert services.case_reopen(case_id=case.pk, case_key=crypto.new_key()) is None
    services.case_delete(case=case, actor=None)
    assert services.case_reopen(case_id=case.pk, case_key=opened.case_key) is None
    assert services.complaint_open(receipt=receipt) is None


def test_email_cases_may_have_no_receipt() -> None:
    case, receipt = services.complaint_submit(
        report=_report(), files=[], channel=Case.Channel.EMAIL, with_receipt=False
    )
    assert receipt is None and case.receipt_hash is None and case.receipt_wrap is None


def test_recovery_key_reopens_access_for_a_new_handler() -> None:
    public, private = crypto.new_keypair()
    services.recovery_key_install(public_key=public)
    case, _ = services.complaint_submit(report=_report(), files=[])
    newcomer = make_user("nueva@example.org", User.Role.TRANSPARENCY)
    services.handler_key_create(user=newcomer, password="nueva passphrase")
    assert services.recovery_grant(case=case, recovery_private_key=crypto.new_keypair()[1], to=newcomer) is False
    assert services.recovery_grant(case=case, recovery_private_key=private, to=newcomer) is True
    opened = services.case_open_as_handler(
        case=case, user=newcomer, private_key=services.handler_key_unlock(user=newcomer, password="nueva passphrase")
    )
    assert opened is not None


def test_transitions_set_their_dates_and_closing_schedules_deletion(settings: object) -> None:
    handler = make_user("ana@example.org", User.Role.TRANSPARENCY)
    case, _ = services.complaint_submit(report=_report(), files=[])
    day = datetime.date(2026, 3, 2)
    services.case_transition(case=case, actor=handler, status=Case.Status.FORWARDED, authority="fiscalia", on=day)
    assert case.forwarded_on == day and case.forwarded_to == "fiscalia"
    services.case_transition(case=case, actor=handler, status=Case.Status.CLOSED, on=day)
    assert case.closed_on == day and case.answered_on == day
    assert case.delete_after == day + datetime.timedelta(days=5 * 365)
    services.case_transition(case=case, actor=handler, status=Case.Status.INVESTIGATION, on=day)
    assert case.closed_on is None and case.delete_after is None


def test_every_handler_action_extends_an_intact_chain() -> None:
    handler = make_user("ana@example.org", User.Role.TRANSPARENCY)
    services.handler_key_create(user=handler, password="ana passphrase 1")
    case, _ = services.complaint_submit(report=_report(), files=[])
    private = services.handler_key_unlock(user=handler, password="ana passphrase 1")
    opened = services.case_open_as_handler(case=case, user=handler, private_key=private)
    assert opened is not None
    services.case_read(opened=opened, actor=handler)
    services.case_message(opened=opened, actor=handler, body="¿Puede dar el número del contrato?", internal=False)
    services.case_extend(opened=opened, actor=handler, reason="Se requiere información de la Secretaría")
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions == ["key-created", "read", "message", "extended"]
    assert services.audit_verify() is None
    entries = list(AuditEntry.objects.order_by("id"))
    assert entries[0].prev_hash == services.GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
