from django.urls import path

from abierta.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("buscar/", views.search, name="search"),
    path("transparencia/", views.transparency, name="transparency"),
    path("privacidad/", views.privacy, name="privacy"),
    path("terminos/", views.terms, name="terms"),
    path("accesibilidad/", views.accessibility, name="accessibility"),
]
