"""The JSON API of the public works: each work with its progress, contracts and dated updates."""

import datetime
from enum import StrEnum
from typing import Annotated

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from abierta.contracting.api import CONTRACT_NUMBERS, WorkContractRole
from abierta.core.api import PATHS, Digits, ErrorOut, InstitutionOut, Paged, Text, filtered, number
from abierta.works.models import ROLE_ORDER, Work, WorkContract, WorkUpdate
from abierta.works.oc4ids import project_id

router = Router()

# The models' choices are all called Status, Sector, Role…: named apart here, each gets its own
# OpenAPI component (two enums of one name would share one, and reject each other's values).
WorkStatus = StrEnum("WorkStatus", {c.name: c.value for c in Work.Status})  # type: ignore[misc]
WorkSector = StrEnum("WorkSector", {c.name: c.value for c in Work.Sector})  # type: ignore[misc]
WorkLocalidad = StrEnum("WorkLocalidad", {c.name: c.value for c in Work.Localidad})  # type: ignore[misc]


class WorkContractOut(Schema):
    role: WorkContractRole
    ocid: str = Field(..., alias="contract.ocid")
    contract_id: str = Field(..., alias="contract.contract_id")
    supplier_name: str = Field(..., alias="contract.supplier_name")
    value: float | None
    url: str

    @staticmethod
    def resolve_value(obj: WorkContract) -> float | None:
        return number(obj.contract.value)

    @staticmethod
    def resolve_url(obj: WorkContract) -> str:
        return obj.contract.get_absolute_url()


class WorkOut(Schema):
    code: str = Field(..., description="The work's public code, printed as a QR code on its billboard.")
    name: str
    description: str
    sector: WorkSector
    status: WorkStatus
    office: InstitutionOut
    address: str
    localidad: WorkLocalidad | None = Field(..., description="null: not recorded.")
    ucg: int | None = Field(..., description="Unidad Comunera de Gobierno (1 to 15); null: not recorded.")
    latitude: float | None
    longitude: float | None
    budget: float | None
    physical_progress: float = Field(..., description="Physical progress, 0 to 100 (%).")
    financial_progress: float = Field(..., description="Financial progress, 0 to 100 (%).")
    start_on: datetime.date | None
    end_on: datetime.date | None = Field(..., description="Planned end date.")
    oc4ids_id: str = Field(..., description="The work's id in the OC4IDS publication (/oc4ids/projects.json).")
    url: str
    contracts: list[WorkContractOut]

    @staticmethod
    def resolve_localidad(obj: Work) -> str | None:
        return obj.localidad or None

    @staticmethod
    def resolve_latitude(obj: Work) -> float | None:
        return number(obj.latitude)

    @staticmethod
    def resolve_longitude(obj: Work) -> float | None:
        return number(obj.longitude)

    @staticmethod
    def resolve_budget(obj: Work) -> float | None:
        return number(obj.budget)

    @staticmethod
    def resolve_physical_progress(obj: Work) -> float:
        return float(obj.physical_progress)

    @staticmethod
    def resolve_financial_progress(obj: Work) -> float:
        return float(obj.financial_progress)

    @staticmethod
    def resolve_oc4ids_id(obj: Work) -> str:
        return project_id(obj)

    @staticmethod
    def resolve_url(obj: Work) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_contracts(obj: Work) -> list[WorkContract]:
        # The works contract first, then its interventoría, designs and the rest.
        return sorted(obj.work_contracts.all(), key=lambda link: (ROLE_ORDER.get(link.role, 9), link.pk))


class WorkUpdateOut(Schema):
    date: datetime.date
    physical_progress: float
    financial_progress: float
    text: str

    @staticmethod
    def resolve_physical_progress(obj: WorkUpdate) -> float:
        return float(obj.physical_progress)

    @staticmethod
    def resolve_financial_progress(obj: WorkUpdate) -> float:
        return float(obj.financial_progress)


class WorkDetailOut(WorkOut):
    updates: list[WorkUpdateOut] = Field(..., description="Dated progress reports, newest first.")

    @staticmethod
    def resolve_updates(obj: Work) -> list[WorkUpdate]:
        return list(obj.updates.all())


def _works() -> QuerySet[Work]:
    links = WorkContract.objects.select_related("contract").order_by("pk")
    return (
        Work.objects.filter(is_published=True)
        .select_related("office")
        .prefetch_related(Prefetch("work_contracts", queryset=links))
    )


@router.get(
    "/works",
    response=list[WorkOut],
    tags=["works"],
    summary="List public works",
    description="Published public works (obras) with their progress and contracts. Filters: `status`, "
    "`sector`, `localidad`, `ucg`, `office` (slug). Obras públicas. " + CONTRACT_NUMBERS + " " + PATHS,
)
@paginate(Paged)
def works_list(
    request: HttpRequest,
    status: WorkStatus | None = None,
    sector: WorkSector | None = None,
    localidad: WorkLocalidad | None = None,
    ucg: Annotated[int, Field(ge=1, le=15), Digits] | None = None,
    office: Text | None = None,
) -> QuerySet[Work]:
    qs = filtered(_works(), status=status, sector=sector, localidad=localidad, ucg=ucg, office__slug=office)
    return qs.order_by("name", "id")


@router.get(
    "/works/{code}",
    response={200: WorkDetailOut, 404: ErrorOut},
    tags=["works"],
    summary="One public work",
    description="One published work by its code, with its contracts and dated progress updates. "
    + CONTRACT_NUMBERS
    + " "
    + PATHS,
)
def work_get(request: HttpRequest, code: Text) -> Work:
    return get_object_or_404(_works().prefetch_related("updates"), code=code)
