from django.contrib import admin

from abierta.core.admin import HistoryAdmin
from abierta.participation.models import Initiative, WorkingTable

# Both keep a public history (their staff screens record it, decision 0029): so does the admin.
admin.site.register(WorkingTable, HistoryAdmin)
admin.site.register(Initiative, HistoryAdmin)
