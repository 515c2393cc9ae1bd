from django.urls import path

from abierta.site import staff, views

app_name = "site"
urlpatterns = [
    path("", views.home, name="home"),
    path("buscar/", views.search, name="search"),
    path("transparencia/", views.transparency, name="transparency"),
    path("privacidad/", views.privacy, name="privacy"),
    path("terminos/", views.terms, name="terms"),
    path("accesibilidad/", views.accessibility, name="accessibility"),
    path("gestion/", staff.home, name="staff_home"),
]
