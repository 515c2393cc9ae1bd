"""What the JSON API's routers share: the API class, paging, parameter types, the error answer, and
the institutions' endpoints. Each app declares its endpoints in its own ``api.py``; ``abierta/api.py``
puts them together."""

import datetime
import re
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from ninja import Field, NinjaAPI, Router, Schema, Swagger
from ninja.conf import settings as ninja_settings
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import BeforeValidator, StringConstraints

from abierta.core.models import Institution

if TYPE_CHECKING:
    from ninja.operation import Operation

# The body of a 422 answer (django-ninja's): one entry per invalid parameter.
VALIDATION_ERROR = {
    "description": "Invalid parameters (for example an unknown choice or a non-integer offset). Parámetros no válidos.",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {
                    "detail": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "type": {"type": "string"},
                                "loc": {"type": "array", "items": {"type": ["string", "integer"]}},
                                "msg": {"type": "string"},
                            },
                            "required": ["type", "loc", "msg"],
                        },
                    }
                },
                "required": ["detail"],
            }
        }
    },
}


class LocalSwagger(Swagger):
    """The API's documentation page with Swagger UI from this site's static files (vendored from the
    npm package swagger-ui-dist, ``make vendor``) and its settings as JSON data, so that it works
    under the Content-Security-Policy: django-ninja's own page loads Swagger UI from a CDN unless
    ``ninja`` is an installed app. No validator badge (it would load an image from swagger.io)."""

    default_settings = {**Swagger.default_settings, "validatorUrl": None}

    def render_page(self, request: HttpRequest, api: "NinjaAPI", **kwargs: Any) -> HttpResponse:
        openapi_url = self.get_openapi_url(api, kwargs)
        context = {"api": api, "openapi_url": openapi_url, "swagger_settings": {**self.settings, "url": openapi_url}}
        return render(request, "core/api_docs.html", context)


class AbiertaAPI(NinjaAPI):
    """Declares the 422 answer of every operation that takes parameters (django-ninja does not)."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema["paths"].values():
            for operation in operations.values():
                if operation.get("parameters"):
                    operation["responses"].setdefault(422, VALIDATION_ERROR)
        return schema

    def get_openapi_operation_id(self, operation: "Operation") -> str:
        """``abierta_api_<view name>``, whichever app's router holds the view: the published ids."""
        return "abierta_api_" + operation.view_func.__name__


MAX_LIMIT = 1000
MAX_ID = 2**31 - 1
MAX_OFFSET = 10**9

PATHS = (
    "URLs named `*_url` that point into this site (files, pages) are paths relative to the site's "
    "root (for example `/planes/archivos/acta/3/`); `evidence_link` is the absolute link given by the author. "
    "Las URL de archivos son rutas relativas a la raíz del sitio."
)


def _digits(value: object) -> object:
    """Integers in the query only as digits ("5", or "5.0", which JSON Schema counts as an integer):
    pydantic would otherwise also read "+0.0" or " 1"."""
    if isinstance(value, str) and not re.fullmatch(r"\d{1,12}(\.0+)?", value):
        raise ValueError("expected a whole number written with digits")
    return value


Digits = BeforeValidator(_digits)


class Paged(LimitOffsetPagination):
    """`limit` (1 to 1000, default 50) and `offset` (0 to 10⁹): bounded, so that no number a client
    sends can overflow the database's integers."""

    class Input(Schema):
        limit: Annotated[int, Digits] = Field(ninja_settings.PAGINATION_PER_PAGE, ge=1, le=MAX_LIMIT)
        offset: Annotated[int, Digits] = Field(0, ge=0, le=MAX_OFFSET)


def _iso_date(value: object) -> object:
    """Only YYYY-MM-DD: pydantic would otherwise read a number as a Unix time."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("expected an ISO date, YYYY-MM-DD")
    if not isinstance(value, str | datetime.date):
        raise ValueError("expected an ISO date, YYYY-MM-DD")
    return value


# Text parameters (slugs, codes): PostgreSQL refuses strings with NUL characters, so they are invalid here.
Text = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$", max_length=200)]
# Ids: bounded, so that no number a client sends can overflow the database's integers.
Id = Annotated[int, Field(ge=1, le=MAX_ID), Digits]
IsoDate = Annotated[datetime.date, BeforeValidator(_iso_date)]


def _money_digits(value: object) -> object:
    """Like ``Digits``, for amounts in pesos: up to 16 digits (the largest contracts pass 10¹²)."""
    if isinstance(value, str) and not re.fullmatch(r"\d{1,16}(\.0+)?", value):
        raise ValueError("expected a whole number written with digits")
    return value


Money = Annotated[int, Field(ge=0, le=10**15), BeforeValidator(_money_digits)]


def number(value: Decimal | None) -> float | None:
    """A decimal (an amount, a measure, a coordinate) as a JSON number; None stays null."""
    return None if value is None else float(value)


M = TypeVar("M", bound=Model)


def filtered(qs: QuerySet[M], **lookups: object) -> QuerySet[M]:
    """``qs`` filtered on each lookup that was given a value (None or an empty string: not asked for)."""
    given = {lookup: value for lookup, value in lookups.items() if value is not None and value != ""}
    return qs.filter(**given) if given else qs


class ErrorOut(Schema):
    detail: str


class InstitutionOut(Schema):
    name: str
    slug: str
    kind: str


# Named apart from the models' choices: two enums both called "Kind" would share one OpenAPI component.
class InstitutionKind(StrEnum):
    GOVERNMENT = "government"
    MONITORING = "monitoring"
    CIVIL_SOCIETY = "civil_society"
    OTHER = "other"


class InstitutionDetailOut(Schema):
    name: str
    short_name: str = Field(..., description="Empty when the office has no short name.")
    slug: str
    kind: InstitutionKind
    website: str = Field(..., description="Absolute URL, or empty.")


router = Router()


@router.get(
    "/institutions",
    response=list[InstitutionDetailOut],
    tags=["institutions"],
    summary="List institutions",
    description="Government offices and outside bodies (monitoring bodies, civil society), by name. "
    "Filter: `kind`. Oficinas de gobierno y entidades externas.",
)
@paginate(Paged)
def institutions_list(request: HttpRequest, kind: InstitutionKind | None = None) -> QuerySet[Institution]:
    return filtered(Institution.objects.order_by("name", "id"), kind=kind)


@router.get(
    "/institutions/{slug}",
    response={200: InstitutionDetailOut, 404: ErrorOut},
    tags=["institutions"],
    summary="One institution",
)
def institution_get(request: HttpRequest, slug: Text) -> Institution:
    return get_object_or_404(Institution, slug=slug)
