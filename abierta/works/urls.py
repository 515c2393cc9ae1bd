"""Public works: the page behind a work's QR code and its visit beacon, the list and map of works,
a citizen's actions on a work (follow it by email, report an irregularity), and the staff pages
(/gestion/obras/...): the works an office manages, their downloads (QR code, billboard) and visit
counts, contracts, progress updates, and the irregularity reports citizens sent."""

from django.urls import URLPattern, URLResolver, path

from abierta.works import staff_views, views

app_name = "works"

urlpatterns: list[URLPattern | URLResolver] = [
    path("o/<str:code>", views.work_detail, name="work"),
    path("o/<str:code>/v.gif", views.work_scan, name="work_scan"),
    path("o/<str:code>/avances/", views.work_updates, name="work_updates"),
    path("obras/", views.work_list, name="works"),
    path("gestion/obras/<str:code>/qr.svg", views.work_qr_svg, name="work_qr_svg"),
    path("gestion/obras/<str:code>/qr.png", views.work_qr_png, name="work_qr_png"),
    path("gestion/obras/<str:code>/valla.pdf", views.work_billboard, name="work_billboard"),
    path("gestion/obras/<str:code>/visitas/", views.work_visits, name="work_visits"),
    # A citizen's actions on a work.
    path("o/<str:code>/seguir/", views.follow, name="follow"),
    path("o/<str:code>/seguir/revise-su-correo/", views.follow_sent, name="follow_sent"),
    path("obras/seguir/confirmar/<str:token>/", views.follow_confirm, name="follow_confirm"),
    path("obras/seguir/baja/<str:token>/", views.follow_unsubscribe, name="follow_unsubscribe"),
    path("o/<str:code>/reportar/", views.report, name="report"),
    path("o/<str:code>/reportar/enviado/", views.report_sent, name="report_sent"),
    # Staff pages.
    path("gestion/obras/", staff_views.work_list, name="staff_works"),
    path("gestion/obras/nueva/", staff_views.work_create, name="staff_work_create"),
    path("gestion/obras/reportes/", staff_views.report_inbox, name="staff_reports"),
    path("gestion/obras/reportes/<int:pk>/", staff_views.report_detail, name="staff_report"),
    path("gestion/obras/reportes/<int:pk>/reenviar/", staff_views.report_forward, name="staff_report_forward"),
    path(
        "gestion/obras/reportes/<int:pk>/fotos/<int:photo_pk>/",
        staff_views.report_photo,
        name="staff_report_photo",
    ),
    path("gestion/obras/<str:code>/", staff_views.work_edit, name="staff_work"),
    path("gestion/obras/<str:code>/publicacion/", staff_views.work_publish, name="staff_work_publish"),
    path("gestion/obras/<str:code>/contratos/", staff_views.contract_link, name="staff_contract_link"),
    path(
        "gestion/obras/<str:code>/contratos/<int:pk>/quitar/",
        staff_views.contract_unlink,
        name="staff_contract_unlink",
    ),
    path("gestion/obras/<str:code>/avance/", staff_views.update_add, name="staff_update_add"),
]
