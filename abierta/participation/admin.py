from django.contrib import admin

from abierta.participation.models import Initiative, WorkingTable

admin.site.register(WorkingTable)
admin.site.register(Initiative)
