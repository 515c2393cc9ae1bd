from django.urls import path

from abierta.gestion import views

app_name = "gestion"
urlpatterns = [
    path("plan-de-desarrollo/<slug:slug>/", views.plan_detail, name="plan"),
    path("plan-de-desarrollo/<slug:slug>/metas/<str:code>/", views.goal_detail, name="goal"),
]
