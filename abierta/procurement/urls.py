from django.urls import URLPattern, URLResolver, path

from abierta.procurement import staff_views, views

app_name = "procurement"
urlpatterns: list[URLPattern | URLResolver] = [
    path("plan-anual-de-adquisiciones/", views.index, name="index"),
    path("plan-anual-de-adquisiciones/<int:pk>/", views.plan_detail, name="plan"),
    path("plan-anual-de-adquisiciones/<int:pk>/lineas.csv", views.plan_lines_csv, name="plan_csv"),
    path("feria-de-la-transparencia/", views.fairs, name="fairs"),
    path("feria-de-la-transparencia/<int:pk>/", views.fair_detail, name="fair"),
    path("gestion/feria-de-la-transparencia/", staff_views.fair_list, name="staff_fairs"),
    path("gestion/feria-de-la-transparencia/nueva/", staff_views.fair_new, name="fair_new"),
    path("gestion/feria-de-la-transparencia/<int:pk>/editar/", staff_views.fair_edit, name="fair_edit"),
    path("gestion/plan-anual-de-adquisiciones/importar/", staff_views.paa_upload, name="paa_upload"),
    path(
        "gestion/plan-anual-de-adquisiciones/importar/<int:run_id>/",
        staff_views.paa_upload_run,
        name="paa_upload_run",
    ),
]
