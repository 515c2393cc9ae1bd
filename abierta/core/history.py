"""Public change history: snapshot an object, compare, write a ChangeRecord.

A model opts in by declaring ``history_fields`` (the fields the public sees change) and
``history_scope()`` (the page its history belongs to).
"""

from __future__ import annotations

import datetime
from typing import Any, Protocol

from django.contrib.contenttypes.models import ContentType
from django.db import models

from abierta.core.models import ChangeRecord


class Tracked(Protocol):
    pk: Any
    history_fields: tuple[str, ...]

    def history_scope(self) -> str: ...


def _display(instance: models.Model, name: str) -> Any:
    field = instance._meta.get_field(name)
    if field.many_to_many:
        if instance.pk is None:
            return []
        return sorted(str(o) for o in getattr(instance, name).all())
    if field.is_relation:
        related = getattr(instance, name)
        return str(related) if related is not None else ""
    value = getattr(instance, name)
    if getattr(field, "choices", None):
        # Keep the code: the template shows its label in the reader's language.
        return value
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, models.fields.files.FieldFile):
        return (value.name or "").rsplit("/", 1)[-1]
    if value is None:
        return ""
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def snapshot(instance: models.Model) -> dict[str, Any]:
    fields: tuple[str, ...] = getattr(instance, "history_fields")  # noqa: B009
    return {name: _display(instance, name) for name in fields}


def record(
    instance: models.Model,
    *,
    actor: Any,
    before: dict[str, Any] | None,
    action: str | None = None,
) -> ChangeRecord | None:
    """Write the change between ``before`` and the instance now; nothing if nothing changed."""
    after = snapshot(instance)
    if action is None:
        action = ChangeRecord.Action.CREATED if before is None else ChangeRecord.Action.UPDATED
    if action == ChangeRecord.Action.CREATED:
        changes = {k: [None, v] for k, v in after.items() if v not in ("", [], None)}
    elif action == ChangeRecord.Action.DELETED:
        changes = {k: [v, None] for k, v in (before or after).items() if v not in ("", [], None)}
    else:
        previous = before or {}
        changes = {k: [previous.get(k), v] for k, v in after.items() if previous.get(k) != v}
        if not changes:
            return None
    institution = getattr(actor, "institution", None) if actor is not None else None
    scope_of = getattr(instance, "history_scope")  # noqa: B009
    return ChangeRecord.objects.create(
        scope=scope_of(),
        content_type=ContentType.objects.get_for_model(instance),
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        action=action,
        changes=changes,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=_actor_name(actor),
        actor_institution=str(institution) if institution else "",
    )


def _actor_name(actor: Any) -> str:
    if actor is None or not getattr(actor, "pk", None):
        return "Sistema"
    name: str = actor.get_full_name() or actor.get_username()
    return name


def scope_of(instance: models.Model) -> str:
    return f"{instance._meta.label_lower}:{instance.pk}"
