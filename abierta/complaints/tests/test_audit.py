"""Protection 7: every handler action is in an append-only, hash-chained audit log that names no
reporter, and a changed entry is found by ``services.audit_verify``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from abierta.complaints import services
from abierta.complaints.models import AuditEntry, Case
from abierta.complaints.tests.factories import case_url, file_case, handler_client, make_handler, pdf_with_author

pytestmark = pytest.mark.django_db


def _new_entries(since: int) -> list[tuple[str, str, str]]:
    return list(
        AuditEntry.objects.filter(id__gt=since).order_by("id").values_list("action", "case_number", "actor_email")
    )


def _last_id() -> int:
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_each_handler_action_appends_the_right_entry() -> None:
    user = make_handler()
    colleague = make_handler("colleague@example.org")
    client = handler_client(user)
    case = file_case(files=[services.Evidence("r.pdf", "pdf", pdf_with_author())])
    attachment = case.attachments.get()
    me, number = user.email, case.number

    steps: list[tuple[Callable[[], Any], list[tuple[str, str, str]]]] = [
        (lambda: client.get(case_url(case)), [("read", number, me)]),
        (
            lambda: client.post(case_url(case, "complaints:case_assign"), {"handler": colleague.pk}),
            [("granted", number, me), ("assigned", number, me)],
        ),
        (
            lambda: client.post(case_url(case, "complaints:case_status"), {"status": "triage"}),
            [("status", number, me)],
        ),
        (lambda: client.post(case_url(case, "complaints:case_message"), {"body": "Hola"}), [("message", number, me)]),
        (
            lambda: client.post(case_url(case, "complaints:case_message"), {"body": "Nota", "internal": "on"}),
            [("note", number, me)],
        ),
        (
            lambda: client.post(case_url(case, "complaints:case_extend"), {"reason": "Falta el expediente"}),
            [("extended", number, me)],
        ),
        (
            lambda: client.get(reverse("complaints:attachment", args=[number, attachment.pk])),
            [("exported", number, me)],
        ),
        (
            lambda: client.get(reverse("complaints:attachment", args=[number, attachment.pk]) + "?original=1"),
            [("exported-original", number, me)],
        ),
        (
            lambda: client.post(case_url(case, "complaints:case_status"), {"status": "closed"}),
            [("status", number, me)],
        ),
        (
            lambda: client.post(case_url(case, "complaints:case_delete"), {"confirm": "on"}),
            [("deleted", number, me)],
        ),
    ]
    for act, expected in steps:
        since = _last_id()
        response = act()
        assert response.status_code in (200, 302), expected
        assert _new_entries(since) == expected
    assert Case.objects.get(pk=case.pk).status == Case.Status.DELETED
    assert services.audit_verify() is None


def test_the_audit_entry_has_no_column_that_could_name_the_reporter() -> None:
    fields = {f.name for f in AuditEntry._meta.get_fields()}
    assert fields == {"id", "at", "actor", "actor_email", "action", "case_number", "detail", "prev_hash", "hash"}


def test_an_entry_cannot_be_changed_or_deleted_through_the_model() -> None:
    entry = services.audit_append(actor=make_handler(), action="read")
    entry.detail = "changed"
    with pytest.raises(ValueError, match="cannot be changed"):
        entry.save()
    with pytest.raises(ValueError, match="cannot be deleted"):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).detail == ""


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has no append-only trigger (migration 0002): there the hash chain alone detects changes",
)
def test_postgresql_refuses_raw_update_and_delete() -> None:
    entry = services.audit_append(actor=make_handler(), action="read")
    table = AuditEntry._meta.db_table
    for sql in (f"UPDATE {table} SET detail = 'x' WHERE id = %s", f"DELETE FROM {table} WHERE id = %s"):  # noqa: S608
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk, detail="").exists()


def test_a_tampered_row_is_found_by_the_chain() -> None:
    user = make_handler()
    case = file_case()
    entries = [services.audit_append(actor=user, action="read", case=case) for _ in range(4)]
    assert services.audit_verify() is None
    target = entries[2]
    table = AuditEntry._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Inside the test's transaction, so the trigger is back on when the test rolls back.
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER complaints_audit_append_only")
        cursor.execute(f"UPDATE {table} SET actor_email = %s WHERE id = %s", ["someone@else.org", target.pk])  # noqa: S608
    broken = services.audit_verify()
    assert broken is not None and broken.pk == target.pk

    client = handler_client(make_handler("auditor@example.org"))
    page = client.get(reverse("complaints:audit"))
    assert page.status_code == 200
    assert page.context["broken"].pk == target.pk
    assert f'data-broken-at="{target.pk}"'.encode() in page.content


def test_the_audit_page_says_the_chain_is_intact() -> None:
    client = handler_client(make_handler())
    page = client.get(reverse("complaints:audit"))
    assert page.status_code == 200
    assert page.context["broken"] is None
    assert b"complaints-banner--ok" in page.content
    assert b"unlocked" in page.content  # the unlock itself is logged and listed


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has no trigger (migration 0005_case_guard): there a deleted case row is not refused",
)
def test_postgresql_refuses_dropping_or_rewriting_a_case_except_its_tombstone() -> None:
    """C11: nothing stopped a DB user from deleting a complaints_case row; the chain did not notice."""
    make_handler()
    case = file_case()
    table = Case._meta.db_table
    refused = (
        (f"DELETE FROM {table} WHERE id = %s", "never deleted"),  # noqa: S608
        (f"UPDATE {table} SET number = 'D-1999-00001' WHERE id = %s", "number"),  # noqa: S608
        (f"UPDATE {table} SET content = '\\x00'::bytea WHERE id = %s", "content and keys"),  # noqa: S608
        (f"UPDATE {table} SET receipt_hash = NULL WHERE id = %s", "content and keys"),  # noqa: S608
    )
    for sql, message in refused:
        with pytest.raises(DatabaseError, match=message), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [case.pk])
    # Handling still changes the row, and the tombstone transition is allowed, once.
    services.case_transition(case=case, actor=make_handler("otra@example.org"), status=Case.Status.CLOSED)
    services.case_delete(case=case, actor=None)
    assert Case.objects.get(pk=case.pk).status == Case.Status.DELETED
    with pytest.raises(DatabaseError, match="tombstone"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET category = 'other' WHERE id = %s", [case.pk])  # noqa: S608
