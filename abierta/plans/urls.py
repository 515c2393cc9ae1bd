from django.urls import path

from abierta.plans import pending_views, staff_views, views

app_name = "plans"
urlpatterns = [
    path("plan/<slug:slug>/", views.plan_detail, name="plan"),
    path("plan/<slug:slug>/compromisos.csv", views.commitments_csv, name="commitments_csv"),
    path("plan/<slug:slug>/compromisos/<str:code>/", views.commitment_detail, name="commitment"),
    path("plan/<slug:slug>/compromisos/<str:code>/hitos/<int:pk>/", views.milestone_updates, name="milestone_updates"),
    path("plan/<slug:slug>/compromisos/<str:code>/historial/", views.commitment_history, name="commitment_history"),
    path("plan/<slug:slug>/compromisos/<str:code>/comentar/", views.comment_create, name="commitment_comment"),
    path("plan/<slug:slug>/comentar/", views.comment_create, name="plan_comment"),
    path("plan/<slug:slug>/comite/", views.plan_committee, name="committee"),
    path("plan/<slug:slug>/historial/", views.plan_history, name="plan_history"),
    path("comentarios/<int:pk>/reportar/", views.comment_report, name="comment_report"),
    path("archivos/evidencia/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("archivos/informe/<int:pk>/", views.report_file, name="report_file"),
    path("archivos/acta/<int:pk>/", views.minutes_file, name="minutes_file"),
    path("gestion/compromisos/<int:pk>/hitos/nuevo/", staff_views.milestone_new, name="milestone_new"),
    path("gestion/hitos/<int:pk>/editar/", staff_views.milestone_edit, name="milestone_edit"),
    path("gestion/hitos/<int:pk>/avance/", staff_views.progress_new, name="progress_new"),
    path("gestion/compromisos/<int:pk>/evaluacion/", staff_views.commitment_assess, name="assess"),
    path("gestion/planes/<slug:slug>/informes/nuevo/", staff_views.report_new, name="report_new"),
    path("gestion/planes/<slug:slug>/comite/miembros/nuevo/", staff_views.committee_member_new, name="member_new"),
    path("gestion/planes/<slug:slug>/comite/reuniones/nueva/", staff_views.committee_meeting_new, name="meeting_new"),
    path("gestion/planes/", staff_views.plan_list, name="staff_plans"),
    path("gestion/planes/nuevo/", staff_views.plan_new, name="staff_plan_new"),
    path("gestion/planes/<slug:slug>/", staff_views.plan_staff, name="staff_plan"),
    path("gestion/planes/<slug:slug>/editar/", staff_views.plan_edit, name="staff_plan_edit"),
    path("gestion/planes/<slug:slug>/publicar/", staff_views.plan_publish, name="staff_plan_publish"),
    path("gestion/planes/<slug:slug>/compromisos/nuevo/", staff_views.commitment_new, name="staff_commitment_new"),
    path("gestion/planes/<slug:slug>/compromisos/<int:pk>/", staff_views.commitment_staff, name="staff_commitment"),
    path(
        "gestion/planes/<slug:slug>/compromisos/<int:pk>/editar/",
        staff_views.commitment_edit,
        name="staff_commitment_edit",
    ),
    path("gestion/planes/<slug:slug>/respaldos/nuevo/", staff_views.endorsement_new, name="staff_endorsement_new"),
    path(
        "gestion/planes/<slug:slug>/respaldos/<int:pk>/quitar/",
        staff_views.endorsement_remove,
        name="staff_endorsement_remove",
    ),
    path("gestion/moderacion/", staff_views.moderation_queue, name="moderation"),
    path("gestion/hitos/vencidos/", pending_views.overdue_milestones_page, name="overdue_milestones"),
    path(
        "gestion/comentarios/<int:pk>/ocultar/",
        staff_views.comment_moderate,
        {"action": "ocultar"},
        name="comment_hide",
    ),
    path(
        "gestion/comentarios/<int:pk>/restaurar/",
        staff_views.comment_moderate,
        {"action": "restaurar"},
        name="comment_restore",
    ),
]
