"""URLs of "Hablemos con Transparencia" (namespace ``participation``), under /hablemos/."""

from django.urls import URLPattern, URLResolver, path

from abierta.participation.dialogue import views

# The moderation actions, one URL each: (action, path segment).
_ACTIONS = [
    ("publish", "publicar"),
    ("reject", "rechazar"),
    ("shortlist", "preseleccionar"),
    ("live", "en-vivo"),
    ("answer", "responder"),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("hablemos/", views.session_list, name="dialogue_sessions"),
    path("hablemos/gestion/", views.manage, name="dialogue_manage"),
    path("hablemos/gestion/nueva/", views.session_new, name="dialogue_session_new"),
    path("hablemos/<slug:slug>/", views.session_detail, name="dialogue_session"),
    path("hablemos/<slug:slug>/preguntar/", views.question_ask, name="dialogue_ask"),
    path("hablemos/<slug:slug>/preguntas/<int:pk>/apoyar/", views.question_support, name="dialogue_support"),
    path("hablemos/<slug:slug>/editar/", views.session_edit, name="dialogue_session_edit"),
    path("hablemos/<slug:slug>/acta/", views.minutes, name="dialogue_minutes"),
    path("hablemos/<slug:slug>/moderar/", views.moderation, name="dialogue_moderation"),
    *[
        path(
            f"hablemos/<slug:slug>/moderar/<int:pk>/{segment}/",
            views.question_moderate,
            {"action": action},
            name=f"dialogue_question_{action}",
        )
        for action, segment in _ACTIONS
    ],
    path(
        "hablemos/<slug:slug>/moderar/<int:pk>/compromiso/",
        views.question_commitment,
        name="dialogue_question_commitment",
    ),
]
