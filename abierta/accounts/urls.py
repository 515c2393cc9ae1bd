from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from abierta.accounts import views

app_name = "accounts"
urlpatterns = [
    path("registro/", views.register, name="register"),
    path("verificar/<uidb64>/<token>/", views.verify, name="verify"),
    path("ingresar/", views.login_view, name="login"),
    path("ingresar/codigo/", views.login_token, name="login_token"),
    path("ingresar/configurar-2fa/", views.totp_setup, name="totp_setup"),
    path("ingresar/activar-2fa/<str:token>/", views.totp_enrol, name="totp_enrol"),
    path("ingresar/confirmar/", views.reverify, name="reverify"),
    path("invitacion/<uidb64>/<token>/", views.invitation, name="invitation"),
    path("salir/", views.logout_view, name="logout"),
    path("", views.account, name="account"),
    path("contrasena/", views.password_reset, name="password_reset"),
    path(
        "contrasena/enviado/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "contrasena/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "contrasena/lista/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]
