"""URLs of the citizen consultation (namespace "participation")."""

from django.urls import URLPattern, URLResolver, path

from abierta.participation.consultation import manage_views, staff_views, views

urlpatterns: list[URLPattern | URLResolver] = [
    path("consulta/<slug:slug>/", views.consultation_detail, name="consultation"),
    path("consulta/<slug:slug>/votar/", views.vote, name="consultation_vote"),
    path("consulta/<slug:slug>/votar/confirmar/", views.vote_confirm, name="consultation_vote_confirm"),
    path("consulta/<slug:slug>/mi-voto/", views.check, name="consultation_check"),
    path("consulta/<slug:slug>/resultados/", views.results, name="consultation_results"),
    path("consulta/<slug:slug>/boletas.json", views.ballots_json, name="consultation_ballots_json"),
    path("consulta/<slug:slug>/boletas.csv", views.ballots_csv, name="consultation_ballots_csv"),
    path("gestion/consulta/<slug:slug>/", manage_views.consultation_page, name="staff_consultation"),
    path("gestion/consulta/<slug:slug>/editar/", manage_views.consultation_edit, name="staff_consultation_edit"),
    path(
        "gestion/consulta/<slug:slug>/vista-previa/",
        manage_views.consultation_preview,
        name="staff_consultation_preview",
    ),
    path("gestion/consulta/<slug:slug>/abrir/", manage_views.consultation_open, name="staff_consultation_open"),
    path("gestion/consulta/<slug:slug>/cerrar/", manage_views.consultation_close, name="staff_consultation_close"),
    path(
        "gestion/consulta/<slug:slug>/publicar/",
        manage_views.consultation_publish,
        name="staff_consultation_publish",
    ),
    path("gestion/consulta/<slug:slug>/mesa/", views.table_entry, name="consultation_table_entry"),
    path("gestion/consulta/<slug:slug>/mesa/<int:number>/", views.table_vote, name="consultation_table_vote"),
    path("gestion/consulta/<slug:slug>/mesas/", staff_views.polling_tables, name="consultation_polling_tables"),
    path(
        "gestion/consulta/<slug:slug>/mesas/nueva/",
        staff_views.polling_table_add,
        name="consultation_polling_table_add",
    ),
    path(
        "gestion/consulta/<slug:slug>/mesas/<int:number>/facilitadores/",
        staff_views.facilitator_add,
        name="consultation_facilitator_add",
    ),
    path(
        "gestion/consulta/<slug:slug>/mesas/<int:number>/facilitadores/<int:user_id>/quitar/",
        staff_views.facilitator_remove,
        name="consultation_facilitator_remove",
    ),
    path("gestion/consulta/<slug:slug>/actas/", staff_views.tally_sheet_add, name="consultation_tally_sheet_add"),
    path("gestion/consulta/<slug:slug>/adoptar/", views.adopt, name="consultation_adopt"),
    path("gestion/consulta/<slug:slug>/identidad/", staff_views.identity, name="consultation_identity"),
    path(
        "gestion/consulta/<slug:slug>/identidad/padron/<int:run_id>/",
        staff_views.identity_run,
        name="consultation_identity_run",
    ),
]
