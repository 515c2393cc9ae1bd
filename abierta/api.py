"""The public JSON API, version 1. OpenAPI document at /api/v1/openapi.json."""

import datetime

from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, NinjaAPI, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from abierta.plans.models import ActionPlan, Commitment, Milestone

api = NinjaAPI(
    title="Abierta API",
    version="1",
    description=(
        "Datos abiertos de la plataforma Abierta: planes de acción de Gobierno Abierto (OGP Local), "
        "compromisos e hitos. Open data of the Abierta platform. Licence: CC BY 4.0."
    ),
    urls_namespace="api-v1",
    docs_url="/docs",
)


class InstitutionOut(Schema):
    name: str
    slug: str
    kind: str


class PlanOut(Schema):
    slug: str
    title: str
    jurisdiction: str
    period_start: int
    period_end: int
    submitted_on: datetime.date | None
    ends_on: datetime.date | None
    vision: str
    url: str
    lead_institutions: list[InstitutionOut]

    @staticmethod
    def resolve_url(obj: ActionPlan) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_lead_institutions(obj: ActionPlan) -> list[object]:
        return list(obj.lead_institutions.all())


class CommitmentOut(Schema):
    code: str
    plan: str = Field(..., alias="plan.slug")
    title: str
    problem: str
    status_quo: str
    description: str
    objective: str
    value_access_to_information: bool
    value_civic_participation: bool
    value_public_accountability: bool
    value_technology: bool
    start_month: datetime.date
    end_month: datetime.date
    lead_institution: InstitutionOut
    supporting_institutions: list[InstitutionOut]
    verifiable: bool
    potential: str
    completion: str
    opened_government: str
    is_example: bool
    url: str

    @staticmethod
    def resolve_url(obj: Commitment) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_supporting_institutions(obj: Commitment) -> list[object]:
        return list(obj.supporting_institutions.all())


class MilestoneOut(Schema):
    id: int
    commitment: str = Field(..., alias="commitment.code")
    title: str
    start_date: datetime.date
    end_date: datetime.date
    responsible: InstitutionOut
    status: str
    is_example: bool
    updates_count: int


class ErrorOut(Schema):
    detail: str


@api.get("/plans", response=list[PlanOut], tags=["plans"], summary="List action plans")
@paginate(LimitOffsetPagination)
def plans_list(request: HttpRequest) -> QuerySet[ActionPlan]:
    return ActionPlan.objects.filter(is_published=True).prefetch_related("lead_institutions").order_by("slug")


@api.get("/plans/{slug}", response={200: PlanOut, 404: ErrorOut}, tags=["plans"], summary="One action plan")
def plan_get(request: HttpRequest, slug: str) -> ActionPlan:
    return get_object_or_404(ActionPlan, slug=slug, is_published=True)


@api.get("/commitments", response=list[CommitmentOut], tags=["plans"], summary="List commitments")
@paginate(LimitOffsetPagination)
def commitments_list(
    request: HttpRequest, plan: str | None = None, completion: Commitment.Completion | None = None
) -> QuerySet[Commitment]:
    qs = Commitment.objects.filter(plan__is_published=True).select_related("plan", "lead_institution")
    qs = qs.prefetch_related("supporting_institutions").order_by("code")
    if plan:
        qs = qs.filter(plan__slug=plan)
    if completion:
        qs = qs.filter(completion=completion)
    return qs


@api.get("/commitments/{code}", response={200: CommitmentOut, 404: ErrorOut}, tags=["plans"], summary="One commitment")
def commitment_get(request: HttpRequest, code: str) -> Commitment:
    return get_object_or_404(
        Commitment.objects.select_related("plan", "lead_institution"), code=code, plan__is_published=True
    )


@api.get("/milestones", response=list[MilestoneOut], tags=["plans"], summary="List milestones")
@paginate(LimitOffsetPagination)
def milestones_list(
    request: HttpRequest, commitment: str | None = None, status: Milestone.Status | None = None
) -> QuerySet[Milestone]:
    qs = Milestone.objects.filter(commitment__plan__is_published=True).select_related("commitment", "responsible")
    qs = qs.annotate(updates_count=Count("updates"))
    qs = qs.order_by("commitment__code", "order", "id")
    if commitment:
        qs = qs.filter(commitment__code=commitment)
    if status:
        qs = qs.filter(status=status)
    return qs
