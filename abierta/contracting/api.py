"""The JSON API of the contracts (SECOP II and OCDS): the search, and one contract with its works."""

import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from abierta.contracting.models import CONTRACT_COLUMNS as PUBLIC_CONTRACT_COLUMNS
from abierta.contracting.models import Contract, ContractRole
from abierta.contracting.search import ContractFilters, contracts_search, ordered
from abierta.core.api import PATHS, Digits, ErrorOut, Money, Paged, Text, number

CONTRACT_NUMBERS = (
    "Amounts are in Colombian pesos (COP), JSON numbers; null means not in the source. "
    "Los valores están en pesos colombianos."
)

router = Router()


# Named apart from the models' choices, all called Role, Status…: two enums of one name would share
# one OpenAPI component.
WorkContractRole = StrEnum("WorkContractRole", {c.name: c.value for c in ContractRole})  # type: ignore[misc]


class ContractSort(StrEnum):
    """Sort orders of the contract search (as on the HTML search page)."""

    NEWEST = "-fecha"
    OLDEST = "fecha"
    VALUE_DESC = "-valor"
    VALUE_ASC = "valor"
    SUPPLIER = "contratista"
    SUPPLIER_DESC = "-contratista"
    ENTITY = "entidad"
    ENTITY_DESC = "-entidad"
    RELEVANCE = "relevancia"


CONTRACT_COLUMNS = ("ocid", *PUBLIC_CONTRACT_COLUMNS, "flags")


class ContractOut(Schema):
    ocid: str
    contract_id: str = Field(..., description="SECOP contract number (CO1.PCCNTR.…); empty: none.")
    process_id: str = Field(..., description="SECOP process number; empty: none.")
    buyer_name: str
    buyer_nit: str
    supplier_name: str
    supplier_doc_type: str
    supplier_doc: str = Field(
        ...,
        description="The contractor's NIT when it is a company; empty for a natural person, whose "
        "document number is not republished.",
    )
    title: str = Field(..., description="Object of the contract.")
    modality: str
    contract_type: str
    status: str = Field(..., description="Status as SECOP writes it (for example «En ejecución»).")
    procurement_method: str = Field(..., description="OCDS procurement method: open, selective, limited, direct.")
    signed_on: datetime.date | None
    start_on: datetime.date | None
    end_on: datetime.date | None
    year: int | None
    value: float | None = Field(..., description="Current value, additions included.")
    original_value: float | None
    value_added: float | None = Field(..., description="Value added by amendments.")
    estimate_value: float | None = Field(..., description="Estimated value of the process.")
    paid: float | None
    days_added: int | None
    original_term_days: int | None
    bidders: int | None
    tender_period_days: int | None
    secop_url: str = Field(..., description="The contract's page on SECOP; empty: none.")
    flags: list[str] = Field(..., description="Codes of the red flags raised (see the contract's page).")
    url: str = Field(..., description="Path of the contract's page on this site.")
    ocds_url: str = Field(..., description="Path of the contract's OCDS release package.")

    @staticmethod
    def resolve_value(obj: Contract) -> float | None:
        return number(obj.value)

    @staticmethod
    def resolve_original_value(obj: Contract) -> float | None:
        return number(obj.original_value)

    @staticmethod
    def resolve_value_added(obj: Contract) -> float | None:
        return number(obj.value_added)

    @staticmethod
    def resolve_estimate_value(obj: Contract) -> float | None:
        return number(obj.estimate_value)

    @staticmethod
    def resolve_paid(obj: Contract) -> float | None:
        return number(obj.paid)

    @staticmethod
    def resolve_supplier_doc(obj: Contract) -> str:
        return obj.public_supplier_doc

    @staticmethod
    def resolve_secop_url(obj: Contract) -> str:
        return obj.url

    @staticmethod
    def resolve_flags(obj: Contract) -> list[str]:
        return [str(f) for f in obj.flags] if isinstance(obj.flags, list) else []

    @staticmethod
    def resolve_url(obj: Contract) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_ocds_url(obj: Contract) -> str:
        return reverse("contracting_files:contract_release", kwargs={"ocid": obj.ocid})


class ContractWorkOut(Schema):
    code: str
    name: str
    role: WorkContractRole
    url: str


class ContractDetailOut(ContractOut):
    works: list[ContractWorkOut] = Field(..., description="Published public works this contract belongs to.")

    @staticmethod
    def resolve_works(obj: Contract) -> list[dict[str, Any]]:
        links = obj.work_links.filter(work__is_published=True).select_related("work").order_by("work__name")
        return [
            {"code": link.work.code, "name": link.work.name, "role": link.role, "url": link.work.get_absolute_url()}
            for link in links
        ]


Year = Annotated[int, Field(ge=1990, le=2100), Digits]


@router.get(
    "/contracts",
    response=list[ContractOut],
    tags=["contracts"],
    summary="Search contracts",
    description="Contracts of the district (SECOP II and OCDS), with the HTML search's filters: "
    "`q` (full text in Spanish on object, contractor and entity), `entity` (NIT or part of the name), "
    "`supplier` (document number or part of the name), `modality`, `contract_type`, `status` "
    "(exact, as SECOP writes them), `year`, `value_min` and `value_max` (COP), `flag` (a red flag's code), "
    "`flagged` (true: any red flag), "
    "`sort`. Búsqueda de contratos. " + CONTRACT_NUMBERS + " " + PATHS,
)
@paginate(Paged)
def contracts_list(
    request: HttpRequest,
    q: Text | None = None,
    entity: Text | None = None,
    supplier: Text | None = None,
    modality: Text | None = None,
    contract_type: Text | None = None,
    status: Text | None = None,
    year: Year | None = None,
    value_min: Money | None = None,
    value_max: Money | None = None,
    flag: Text | None = None,
    flagged: bool | None = None,
    sort: ContractSort | None = None,
) -> QuerySet[Contract]:
    filters = ContractFilters(
        text=q or "",
        entity=entity or "",
        supplier=supplier or "",
        modality=modality or "",
        contract_type=contract_type or "",
        status=status or "",
        year=year,
        value_min=None if value_min is None else Decimal(value_min),
        value_max=None if value_max is None else Decimal(value_max),
        flag=flag or "",
        flagged=bool(flagged),
        sort=sort.value if sort else "",
    )
    return ordered(contracts_search(filters), filters).only(*CONTRACT_COLUMNS)


@router.get(
    "/contracts/{ocid}",
    response={200: ContractDetailOut, 404: ErrorOut},
    tags=["contracts"],
    summary="One contract",
    description="One contract by its OCDS ocid, with the public works it belongs to. Its whole OCDS "
    "release is at `ocds_url`. " + CONTRACT_NUMBERS + " " + PATHS,
)
def contract_get(request: HttpRequest, ocid: Text) -> Contract:
    return get_object_or_404(Contract.objects.only(*CONTRACT_COLUMNS), ocid=ocid)
