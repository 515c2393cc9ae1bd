"""The Django admin of the development plan, for platform administrators. Goals and measurements keep
their public history."""

from django.contrib import admin

from abierta.core.admin import HistoryAdmin
from abierta.development.models import DevelopmentPlan, Goal, Measurement, Pillar, Programme, YearTarget


class YearTargetInline(admin.TabularInline):  # type: ignore[type-arg]
    model = YearTarget
    extra = 0


@admin.register(Goal)
class GoalAdmin(HistoryAdmin):
    list_display = ["code", "title", "programme", "responsible", "direction", "accumulation"]
    list_filter = ["programme__pillar__plan", "responsible"]
    search_fields = ["code", "title", "indicator"]
    inlines = [YearTargetInline]
    filter_horizontal = ["commitments"]


admin.site.register(DevelopmentPlan)
admin.site.register(Pillar)
admin.site.register(Programme)
admin.site.register(Measurement, HistoryAdmin)
