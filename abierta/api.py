"""The public JSON API, version 1: each app's router in one document, /api/v1/openapi.json."""

from abierta.contracting.api import router as contracting_router
from abierta.core.api import AbiertaAPI, LocalSwagger
from abierta.core.api import router as institutions_router
from abierta.development.api import router as development_router
from abierta.participation.api import router as participation_router
from abierta.plans.api import router as plans_router
from abierta.works.api import router as works_router

api = AbiertaAPI(
    title="Abierta API",
    version="1",
    description=(
        "Datos abiertos de la plataforma Abierta: planes de acción de Gobierno Abierto (OGP Local), "
        "compromisos, hitos, avances, informes de monitoreo, comité de seguimiento y cocreación; "
        "Gestión Abierta: plan de desarrollo, metas, mediciones y avance. "
        "Open data of the Abierta platform. Lists are paged with `limit` (1 to 1000, default 50) and "
        "`offset`; invalid parameters get a 422 answer. Licence: CC BY 4.0."
    ),
    urls_namespace="api-v1",
    docs_url="/docs",
    docs=LocalSwagger(),
)
api.add_router("", plans_router)
api.add_router("", development_router)
api.add_router("", institutions_router)
api.add_router("", participation_router)
api.add_router("", contracting_router)
api.add_router("", works_router)
