"""The page behind a work's QR code, its visit beacon, the list and map of works, and the staff
downloads of a work (QR code, billboard) and its visit counts."""

from django.urls import URLPattern, URLResolver, path

from abierta.works import views_works

urlpatterns: list[URLPattern | URLResolver] = [
    path("o/<str:code>", views_works.work_detail, name="work"),
    path("o/<str:code>/v.gif", views_works.work_scan, name="work_scan"),
    path("obras/", views_works.work_list, name="works"),
    path("gestion/obras/<str:code>/qr.svg", views_works.work_qr_svg, name="work_qr_svg"),
    path("gestion/obras/<str:code>/qr.png", views_works.work_qr_png, name="work_qr_png"),
    path("gestion/obras/<str:code>/valla.pdf", views_works.work_billboard, name="work_billboard"),
    path("gestion/obras/<str:code>/visitas/", views_works.work_visits, name="work_visits"),
]
