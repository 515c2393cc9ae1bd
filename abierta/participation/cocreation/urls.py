"""URLs of the co-creation: public pages under /plan/<slug>/cocreacion/, staff pages under
/gestion/cocreacion/<slug>/."""

from django.urls import URLPattern, URLResolver, path

from abierta.participation.cocreation import setup_views, staff_views, views

P = "plan/<slug:slug>/cocreacion/"
G = "gestion/cocreacion/<slug:slug>/"

urlpatterns: list[URLPattern | URLResolver] = [
    path(P, views.plan_cocreation, name="cocreation"),
    path(P + "proceso/", views.process_detail, name="process"),
    path(P + "mesas/", views.table_list, name="tables"),
    path(P + "mesas/<int:number>/", views.table_detail, name="table"),
    path(P + "mesas/<int:number>/acta/", views.table_minutes, name="table_minutes"),
    path(P + "mesas/<int:number>/fotos/<int:pk>/", views.table_photo, name="table_photo"),
    path(P + "diversidad/", views.diversity, name="diversity"),
    path(P + "propuestas/", views.proposal_list, name="proposals"),
    path(P + "propuestas/nueva/", views.proposal_new, name="proposal_new"),
    path(P + "propuestas/<int:pk>/", views.proposal_detail, name="proposal"),
    path(P + "propuestas/<int:pk>/apoyar/", views.proposal_support, name="proposal_support"),
    path(P + "historial/", views.history, name="cocreation_history"),
    path(G, staff_views.home, name="staff_home"),
    path(G + "nuevo/", setup_views.process_new, name="staff_process_new"),
    path(G + "proceso/", setup_views.process_setup, name="staff_process"),
    path(G + "proceso/criterios/", setup_views.criteria, name="staff_criteria"),
    path(G + "proceso/mesas/nueva/", setup_views.table_new, name="staff_table_new"),
    path(G + "mesas/<int:number>/", staff_views.table_edit, name="staff_table"),
    path(G + "mesas/<int:number>/eleccion/", staff_views.election, name="staff_election"),
    path(G + "mesas/<int:number>/eleccion/cerrar/", staff_views.election_close, name="staff_election_close"),
    path(G + "propuestas/transcribir/", staff_views.transcribe, name="staff_transcribe"),
    path(G + "propuestas/<int:pk>/evaluar/", staff_views.evaluate, name="staff_evaluate"),
    path(G + "propuestas/<int:pk>/responder/", staff_views.answer, name="staff_answer"),
    path(G + "propuestas/<int:pk>/fusionar/", staff_views.merge, name="staff_merge"),
    path(G + "iniciativas/nueva/", staff_views.shortlist, name="staff_shortlist"),
]
