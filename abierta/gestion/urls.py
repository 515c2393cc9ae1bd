from django.urls import path

from abierta.gestion import staff_views, views

app_name = "gestion"
urlpatterns = [
    path("plan-de-desarrollo/", views.plan_index, name="index"),
    path("plan-de-desarrollo/<slug:slug>/", views.plan_detail, name="plan"),
    path("plan-de-desarrollo/<slug:slug>/metas/<str:code>/", views.goal_detail, name="goal"),
    path("gestion/metas/<int:pk>/medicion/", staff_views.measurement_new, name="measurement_new"),
]
