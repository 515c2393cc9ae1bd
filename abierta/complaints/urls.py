"""Complaint pages. Reporter pages live under /denuncias/ and get the privacy middleware
(middleware.py): no client address, no User-Agent, strict headers. Handler pages live under
/gestion/denuncias/ and need a transparency officer with a verified second factor and an unlocked key.
"""

from django.urls import path

from abierta.complaints import staff_views, stats, views

app_name = "complaints"

urlpatterns = [
    # Reporter side
    path("denuncias/", views.start, name="start"),
    path("denuncias/nueva/", views.new, name="new"),
    path("denuncias/seguimiento/", views.followup, name="followup"),
    path("denuncias/seguimiento/responder/", views.reply, name="reply"),
    path("denuncias/seguimiento/salir/", views.leave, name="leave"),
    path("denuncias/estadisticas/", stats.public_stats, name="stats"),
    # Handler side
    path("gestion/denuncias/", staff_views.inbox, name="inbox"),
    path("gestion/denuncias/llave/", staff_views.unlock, name="unlock"),
    path("gestion/denuncias/auditoria/", staff_views.audit_log, name="audit"),
    path("gestion/denuncias/<str:number>/", staff_views.case_detail, name="case"),
    path("gestion/denuncias/<str:number>/estado/", staff_views.case_status, name="case_status"),
    path("gestion/denuncias/<str:number>/asignar/", staff_views.case_assign, name="case_assign"),
    path("gestion/denuncias/<str:number>/mensaje/", staff_views.case_message, name="case_message"),
    path("gestion/denuncias/<str:number>/prorroga/", staff_views.case_extend, name="case_extend"),
    path("gestion/denuncias/<str:number>/eliminar/", staff_views.case_delete, name="case_delete"),
    path(
        "gestion/denuncias/<str:number>/adjuntos/<int:attachment_id>/",
        staff_views.attachment_export,
        name="attachment",
    ),
]
