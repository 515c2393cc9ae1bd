"""Staff pages of public works (/gestion/obras/...): the works an office manages, their contracts,
progress updates, and the irregularity reports citizens sent."""

from django.urls import URLPattern, URLResolver, path

from abierta.works import views_staff

urlpatterns: list[URLPattern | URLResolver] = [
    path("gestion/obras/", views_staff.work_list, name="staff_works"),
    path("gestion/obras/nueva/", views_staff.work_create, name="staff_work_create"),
    path("gestion/obras/reportes/", views_staff.report_inbox, name="staff_reports"),
    path("gestion/obras/reportes/<int:pk>/", views_staff.report_detail, name="staff_report"),
    path("gestion/obras/reportes/<int:pk>/reenviar/", views_staff.report_forward, name="staff_report_forward"),
    path(
        "gestion/obras/reportes/<int:pk>/fotos/<int:photo_pk>/",
        views_staff.report_photo,
        name="staff_report_photo",
    ),
    path("gestion/obras/<str:code>/", views_staff.work_edit, name="staff_work"),
    path("gestion/obras/<str:code>/publicacion/", views_staff.work_publish, name="staff_work_publish"),
    path("gestion/obras/<str:code>/contratos/", views_staff.contract_link, name="staff_contract_link"),
    path(
        "gestion/obras/<str:code>/contratos/<int:pk>/quitar/",
        views_staff.contract_unlink,
        name="staff_contract_unlink",
    ),
    path("gestion/obras/<str:code>/avance/", views_staff.update_add, name="staff_update_add"),
]
