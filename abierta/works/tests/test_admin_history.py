"""The Django admin keeps the public history of works and their progress updates (S7)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.forms import inlineformset_factory
from django.test import Client, RequestFactory
from django.urls import reverse

from abierta.accounts.models import User
from abierta.contracting.tests.factories import make_contract
from abierta.core.models import ChangeRecord
from abierta.works.admin import WorkAdmin
from abierta.works.models import Work, WorkContract, WorkUpdate
from abierta.works.tests.factories import make_work
from factories import World, make_user

pytestmark = pytest.mark.django_db


def _deleted(model: type[Work] | type[WorkUpdate]) -> set[str]:
    label = model._meta.label_lower
    return {
        r.object_id
        for r in ChangeRecord.objects.filter(action=ChangeRecord.Action.DELETED)
        if r.content_type.model_class()._meta.label_lower == label  # type: ignore[union-attr]
    }


def test_bulk_delete_of_progress_updates_is_recorded(world: World, persona_client: Callable[[str], Client]) -> None:
    """S7: WorkUpdateAdmin kept no history at all, for one deletion or many."""
    work = make_work(contracts=0)
    updates = [
        WorkUpdate.objects.create(
            work=work, date=datetime.date(2024, 5, d), physical_progress=Decimal(d), financial_progress=Decimal(d)
        )
        for d in (1, 2)
    ]
    response = persona_client("admin").post(
        reverse("admin:works_workupdate_changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [u.pk for u in updates], "post": "yes"},
    )
    assert response.status_code == 302
    assert not WorkUpdate.objects.exists()
    assert _deleted(WorkUpdate) == {str(u.pk) for u in updates}


def test_bulk_delete_of_works_is_recorded(world: World, persona_client: Callable[[str], Client]) -> None:
    """S7: the same for works."""
    works = [make_work(contracts=0) for _ in range(2)]
    response = persona_client("admin").post(
        reverse("admin:works_work_changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [w.pk for w in works], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Work.objects.exists()
    assert _deleted(Work) == {str(w.pk) for w in works}


def test_contract_links_changed_inline_are_recorded(world: World) -> None:
    """S7: contract links added or removed in the work's admin page (an inline) are in the history."""

    work = make_work(contracts=1)
    old = WorkContract.objects.get(work=work)
    new_contract = make_contract()
    formset_class: Any = inlineformset_factory(
        Work, WorkContract, fields=["contract", "role"], extra=1, can_delete=True
    )
    prefix = formset_class.get_default_prefix()
    data = {
        f"{prefix}-TOTAL_FORMS": "2",
        f"{prefix}-INITIAL_FORMS": "1",
        f"{prefix}-0-id": str(old.pk),
        f"{prefix}-0-contract": str(old.contract_id),
        f"{prefix}-0-role": old.role,
        f"{prefix}-0-DELETE": "on",
        f"{prefix}-1-contract": str(new_contract.pk),
        f"{prefix}-1-role": WorkContract.Role.SUPERVISION,
    }
    formset = formset_class(data, instance=work)
    assert formset.is_valid(), formset.errors
    request = RequestFactory().post("/")
    request.user = make_user("root@example.org", User.Role.ADMIN)
    WorkAdmin(Work, admin.site).save_formset(request, None, formset, True)  # type: ignore[arg-type]
    records = ChangeRecord.objects.filter(content_type__model="workcontract")
    assert set(records.values_list("action", flat=True)) == {ChangeRecord.Action.DELETED, ChangeRecord.Action.CREATED}
