from django.urls import path

from abierta.site import staff, tasks_views, views

app_name = "site"
urlpatterns = [
    path("", views.home, name="home"),
    path("buscar/", views.search, name="search"),
    path("transparencia/", views.transparency, name="transparency"),
    path("privacidad/", views.privacy, name="privacy"),
    path("terminos/", views.terms, name="terms"),
    path("accesibilidad/", views.accessibility, name="accessibility"),
    path("gestion/", staff.home, name="staff_home"),
    path("gestion/tareas/", tasks_views.tasks, name="staff_tasks"),
    path("gestion/tareas/<uuid:task_id>/reintentar/", tasks_views.task_retry, name="staff_task_retry"),
    path("gestion/tareas/correo/<int:pk>/reenviar/", tasks_views.mail_resend, name="staff_mail_resend"),
]
