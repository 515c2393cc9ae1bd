"""The Django admin, for platform administrators. Every save keeps the public history."""

from __future__ import annotations

from django.contrib import admin

from abierta.core.admin import HistoryAdmin
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
    list_display = ["date", "milestone", "institution", "author", "evidence_state"]
    # The private original of an evidence image is the queue's, never shown nor replaced here.
    exclude = ["evidence_original"]
    readonly_fields = ["evidence_state", "evidence_error"]


admin.site.register(MonitoringReport, HistoryAdmin)
admin.site.register(CommitteeMember, HistoryAdmin)
admin.site.register(CommitteeMeeting, HistoryAdmin)
admin.site.register(Endorsement, HistoryAdmin)
