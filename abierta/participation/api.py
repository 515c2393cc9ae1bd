"""The JSON API of the co-creation: the working tables and the initiatives drawn from them."""

import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from abierta.core.api import Paged, Text, filtered
from abierta.participation.models import Initiative, WorkingTable
from abierta.plans.api import ONLY_PUBLISHED, published_code

router = Router()


class WorkingTableOut(Schema):
    plan: str = Field(..., alias="plan.slug")
    number: int
    name: str
    sector: WorkingTable.Sector
    group: str = Field(..., description="Population group or territory; empty: none.")
    held_on: datetime.date | None
    place: str
    attendance: int | None = Field(..., description="null: not recorded.")
    proposals_count: int | None = Field(..., description="Proposals gathered; null: not recorded.")
    is_example: bool


@router.get(
    "/working-tables",
    response=list[WorkingTableOut],
    tags=["co-creation"],
    summary="List co-creation working tables",
    description="The working tables of each plan's co-creation. Filters: `plan` (slug), `sector`. "
    "Mesas de trabajo de la cocreación. " + ONLY_PUBLISHED,
)
@paginate(Paged)
def working_tables_list(
    request: HttpRequest, plan: Text | None = None, sector: WorkingTable.Sector | None = None
) -> QuerySet[WorkingTable]:
    qs = WorkingTable.objects.filter(plan__is_published=True).select_related("plan")
    return filtered(qs, plan__slug=plan, sector=sector).order_by("plan__slug", "number")


class InitiativeOut(Schema):
    plan: str = Field(..., alias="plan.slug")
    number: int
    title: str
    summary: str
    shortlisted: bool = Field(..., description="Shortlisted for the public consultation.")
    selected: bool = Field(..., description="Chosen in the consultation.")
    commitment: str | None = Field(..., description="Code of the commitment it became; null: none.")
    is_example: bool

    @staticmethod
    def resolve_commitment(obj: Initiative) -> str | None:
        return published_code(obj.commitment)


@router.get(
    "/initiatives",
    response=list[InitiativeOut],
    tags=["co-creation"],
    summary="List co-creation initiatives",
    description="Initiatives drawn from the working tables' proposals. Filters: `plan` (slug), "
    "`shortlisted`, `selected` (true or false). Iniciativas de la cocreación. " + ONLY_PUBLISHED,
)
@paginate(Paged)
def initiatives_list(
    request: HttpRequest, plan: Text | None = None, shortlisted: bool | None = None, selected: bool | None = None
) -> QuerySet[Initiative]:
    qs = Initiative.objects.filter(plan__is_published=True).select_related("plan", "commitment__plan")
    qs = filtered(qs, plan__slug=plan, shortlisted=shortlisted, selected=selected)
    return qs.order_by("plan__slug", "number")
