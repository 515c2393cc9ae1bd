"""The Django admin, for platform administrators. Every save keeps the public history."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.forms import ModelForm
from django.http import HttpRequest

from abierta.core import history
from abierta.plans.models import (
    ActionPlan,
    Commitment,
    CommitteeMeeting,
    CommitteeMember,
    Endorsement,
    Milestone,
    MonitoringReport,
    ProgressUpdate,
)


class HistoryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool) -> None:
        before = history.snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        request._history_before = before  # type: ignore[attr-defined]

    def save_related(self, request: HttpRequest, form: ModelForm[Any], formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # Many-to-many fields are saved here, so the record is written after them.
        history.record(form.instance, actor=request.user, before=getattr(request, "_history_before", None))

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        history.record(obj, actor=request.user, before=history.snapshot(obj), action="deleted")
        super().delete_model(request, obj)


class MilestoneInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Milestone
    extra = 0


@admin.register(ActionPlan)
class ActionPlanAdmin(HistoryAdmin):
    list_display = ["title", "jurisdiction", "period_start", "period_end", "is_published"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["lead_institutions", "supporting_institutions"]


@admin.register(Commitment)
class CommitmentAdmin(HistoryAdmin):
    list_display = ["code", "title", "plan", "lead_institution", "completion", "opened_government"]
    list_filter = ["plan", "completion", "lead_institution"]
    search_fields = ["code", "title"]
    filter_horizontal = ["supporting_institutions"]


@admin.register(Milestone)
class MilestoneAdmin(HistoryAdmin):
    list_display = ["title", "commitment", "responsible", "start_date", "end_date", "status"]
    list_filter = ["status", "commitment__plan"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(HistoryAdmin):
    list_display = ["date", "milestone", "institution", "author"]


admin.site.register(MonitoringReport, HistoryAdmin)
admin.site.register(CommitteeMember, HistoryAdmin)
admin.site.register(CommitteeMeeting, HistoryAdmin)
admin.site.register(Endorsement)
