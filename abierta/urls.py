from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from abierta.api import api
from abierta.site.views import admin_contracts_moved, healthz

# The Django admin is for platform administrators, with their second factor.
admin.site.__class__ = OTPAdminSite
admin.site.site_header = "Abierta"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    # The open data files (CSV, JSON, DCAT-AP) have one address whatever the language.
    path("", include("abierta.datos.files_urls")),
    # OCDS and OC4IDS publication: machine files, one address whatever the language.
    path("", include("abierta.contracting.files_urls")),
    path("", include("abierta.works.files_urls")),
]
urlpatterns += i18n_patterns(
    path("", include("abierta.site.urls")),
    path("", include("abierta.plans.urls")),
    path("", include("abierta.development.urls")),
    path("", include("abierta.datos.urls")),
    path("", include("abierta.complaints.urls")),
    path("", include("abierta.participation.urls")),
    path("", include("abierta.contracting.urls")),
    path("", include("abierta.works.urls")),
    path("", include("abierta.procurement.urls")),
    path("cuenta/", include("abierta.accounts.urls")),
    path("", include("abierta.accounts.staff_urls")),
    path("admin/works/contract/<path:rest>", admin_contracts_moved),
    path("admin/works/contract/", admin_contracts_moved, {"rest": ""}),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)
