"""The Django admin of the ground, and the base every admin of public content uses:
``HistoryAdmin`` keeps the public history for whatever the admin saves or deletes."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.forms import BaseModelFormSet, ModelForm
from django.http import HttpRequest

from abierta.core import history
from abierta.core.models import ChangeRecord, Institution
from abierta.core.plaintext import add_plain_text_validators


def _tracked(obj: models.Model) -> bool:
    return bool(getattr(obj, "history_fields", None))


class HistoryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Every save and every deletion through the admin writes a ChangeRecord, as the staff pages
    do: one object at a time, the bulk "delete selected" action, and inline rows of tracked models
    (models that declare ``history_fields``). Their text fields refuse control characters."""

    def formfield_for_dbfield(self, db_field: models.Field[Any, Any], request: HttpRequest, **kwargs: Any) -> Any:
        """Text fields refuse control characters (``core.plaintext``): a CharField is one line."""
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(db_field, models.CharField | models.TextField):
            add_plain_text_validators(field, multi_line=isinstance(db_field, models.TextField))
        return field

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool) -> None:
        before = history.snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        request._history_before = before  # type: ignore[attr-defined]

    def save_related(self, request: HttpRequest, form: ModelForm[Any], formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # Many-to-many fields are saved here, so the record is written after them.
        history.record(form.instance, actor=request.user, before=getattr(request, "_history_before", None))

    def save_formset(self, request: HttpRequest, form: ModelForm[Any], formset: Any, change: bool) -> None:
        model = formset.model
        if not _tracked(model) or not isinstance(formset, BaseModelFormSet):
            super().save_formset(request, form, formset, change)
            return
        before = {
            f.instance.pk: history.snapshot(model.objects.get(pk=f.instance.pk))
            for f in formset.initial_forms
            if f.instance.pk is not None and f.has_changed()
        }
        super().save_formset(request, form, formset, change)
        for obj in formset.deleted_objects:
            history.record(obj, actor=request.user, before=history.snapshot(obj), action="deleted")
        for obj in formset.new_objects:
            history.record(obj, actor=request.user, before=None)
        for obj, _fields in formset.changed_objects:
            history.record(obj, actor=request.user, before=before.get(obj.pk))

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        with transaction.atomic():
            history.record(obj, actor=request.user, before=history.snapshot(obj), action="deleted")
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        """The bulk action: one "deleted" record per object, as ``delete_model`` writes."""
        with transaction.atomic():
            for obj in queryset:
                history.record(obj, actor=request.user, before=history.snapshot(obj), action="deleted")
            super().delete_queryset(request, queryset)


@admin.register(Institution)
class InstitutionAdmin(HistoryAdmin):
    list_display = ["name", "short_name", "kind"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ChangeRecord)
class ChangeRecordAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["at", "actor_name", "action", "object_repr", "scope"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
