"""A citizen's actions on a work: follow it by email and report an irregularity."""

from django.urls import URLPattern, URLResolver, path

from abierta.works import views_citizen

urlpatterns: list[URLPattern | URLResolver] = [
    path("o/<str:code>/seguir/", views_citizen.follow, name="follow"),
    path("o/<str:code>/seguir/revise-su-correo/", views_citizen.follow_sent, name="follow_sent"),
    path("obras/seguir/confirmar/<str:token>/", views_citizen.follow_confirm, name="follow_confirm"),
    path("obras/seguir/baja/<str:token>/", views_citizen.follow_unsubscribe, name="follow_unsubscribe"),
    path("o/<str:code>/reportar/", views_citizen.report, name="report"),
    path("o/<str:code>/reportar/enviado/", views_citizen.report_sent, name="report_sent"),
]
