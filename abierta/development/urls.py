from django.urls import path, re_path

from abierta.development import staff_views, views

app_name = "development"
urlpatterns = [
    path("plan-de-desarrollo/", views.plan_index, name="index"),
    path("plan-de-desarrollo/<slug:slug>/", views.plan_detail, name="plan"),
    re_path(
        r"^plan-de-desarrollo/(?P<slug>[-\w]+)/plantilla\.(?P<fmt>csv|xlsx)$",
        views.plan_template,
        name="plan_template",
    ),
    re_path(
        r"^plan-de-desarrollo/(?P<slug>[-\w]+)/mediciones\.(?P<fmt>csv|xlsx)$",
        views.plan_measurements,
        name="plan_measurements",
    ),
    path("plan-de-desarrollo/<slug:slug>/metas/<str:code>/", views.goal_detail, name="goal"),
    path("gestion/planes-de-desarrollo/<slug:slug>/importar/", staff_views.plan_import_view, name="plan_import"),
    path(
        "gestion/planes-de-desarrollo/<slug:slug>/importar/<int:run_id>/",
        staff_views.plan_import_run,
        name="plan_import_run",
    ),
    path("gestion/metas/<int:pk>/medicion/", staff_views.measurement_new, name="measurement_new"),
]
