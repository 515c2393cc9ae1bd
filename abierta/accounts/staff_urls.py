"""The offices and staff accounts pages (under /gestion/) and an office's public history."""

from django.urls import URLPattern, path

from abierta.accounts import staff_views

app_name = "accounts_staff"
urlpatterns: list[URLPattern] = [
    path("gestion/oficinas/", staff_views.office_list, name="office_list"),
    path("gestion/oficinas/nueva/", staff_views.office_new, name="office_new"),
    path("gestion/oficinas/<int:pk>/editar/", staff_views.office_edit, name="office_edit"),
    path("oficinas/<slug:slug>/historial/", staff_views.office_history, name="office_history"),
    path("gestion/personal/", staff_views.staff_list, name="staff_list"),
    path("gestion/personal/invitar/", staff_views.staff_invite, name="staff_invite"),
    path("gestion/personal/<int:pk>/", staff_views.staff_detail, name="staff_detail"),
    path("gestion/personal/<int:pk>/desactivar/", staff_views.staff_deactivate, name="staff_deactivate"),
    path("gestion/personal/<int:pk>/reactivar/", staff_views.staff_reactivate, name="staff_reactivate"),
    path("gestion/personal/<int:pk>/reenviar/", staff_views.staff_invite_again, name="staff_invite_again"),
]
