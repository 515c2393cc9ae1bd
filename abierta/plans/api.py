"""The JSON API of the action plans: plans, commitments, milestones, progress updates, monitoring
reports, the monitoring committee and endorsements."""

import datetime
from enum import StrEnum

from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from abierta.core.api import PATHS, ErrorOut, Id, InstitutionOut, IsoDate, Paged, Text, filtered
from abierta.plans.models import (
    ActionPlan,
    Commitment,
    CommitteeMeeting,
    CommitteeMember,
    Endorsement,
    Milestone,
    MonitoringReport,
    ProgressUpdate,
)

ONLY_PUBLISHED = "Only objects of published action plans. Solo objetos de planes publicados."

router = Router()


def published_code(commitment: Commitment | None) -> str | None:
    """A linked commitment's code, or None when there is none or its plan is not published."""
    if commitment is None or not commitment.plan.is_published:
        return None
    return commitment.code


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


@router.get("/plans", response=list[PlanOut], tags=["plans"], summary="List action plans")
@paginate(Paged)
def plans_list(request: HttpRequest) -> QuerySet[ActionPlan]:
    return ActionPlan.objects.filter(is_published=True).prefetch_related("lead_institutions").order_by("slug")


@router.get("/plans/{slug}", response={200: PlanOut, 404: ErrorOut}, tags=["plans"], summary="One action plan")
def plan_get(request: HttpRequest, slug: Text) -> ActionPlan:
    return get_object_or_404(ActionPlan, slug=slug, is_published=True)


@router.get("/commitments", response=list[CommitmentOut], tags=["plans"], summary="List commitments")
@paginate(Paged)
def commitments_list(
    request: HttpRequest, plan: Text | None = None, completion: Commitment.Completion | None = None
) -> QuerySet[Commitment]:
    qs = Commitment.objects.filter(plan__is_published=True).select_related("plan", "lead_institution")
    qs = qs.prefetch_related("supporting_institutions").order_by("code")
    return filtered(qs, plan__slug=plan, completion=completion)


@router.get(
    "/commitments/{code}", response={200: CommitmentOut, 404: ErrorOut}, tags=["plans"], summary="One commitment"
)
def commitment_get(request: HttpRequest, code: Text) -> Commitment:
    return get_object_or_404(
        Commitment.objects.select_related("plan", "lead_institution"), code=code, plan__is_published=True
    )


@router.get("/milestones", response=list[MilestoneOut], tags=["plans"], summary="List milestones")
@paginate(Paged)
def milestones_list(
    request: HttpRequest, commitment: Text | None = None, status: Milestone.Status | None = None
) -> QuerySet[Milestone]:
    qs = Milestone.objects.filter(commitment__plan__is_published=True).select_related("commitment", "responsible")
    qs = qs.annotate(updates_count=Count("updates"))
    qs = qs.order_by("commitment__code", "order", "id")
    return filtered(qs, commitment__code=commitment, status=status)


# Named apart from MonitoringReport.Kind: two enums both called "Kind" would share one OpenAPI component.
class ReportKind(StrEnum):
    INITIAL = "initial"
    COMMITMENT = "commitment"
    LEARNING = "learning"


class ProgressUpdateOut(Schema):
    id: int
    plan: str = Field(..., alias="milestone.commitment.plan.slug")
    commitment: str = Field(..., alias="milestone.commitment.code")
    milestone: int = Field(..., alias="milestone_id", description="Id of the milestone (see /milestones).")
    date: datetime.date
    text: str
    evidence_file_url: str | None = Field(..., description="Path of the evidence file; null: no file.")
    evidence_name: str = Field(..., description="The evidence file's original name; empty: no file.")
    evidence_kind: str = Field(..., description="Kind of evidence file (for example pdf, image); empty: no file.")
    evidence_link: str = Field(..., alias="evidence_url", description="Absolute link to evidence; empty: none.")
    institution: InstitutionOut | None = Field(..., description="The office that reported it; null: unknown.")
    is_example: bool

    # An evidence image still being processed (or that failed) has no file yet: none is listed.
    @staticmethod
    def resolve_evidence_file_url(obj: ProgressUpdate) -> str | None:
        return reverse("plans:evidence_file", kwargs={"pk": obj.pk}) if obj.evidence_file else None

    @staticmethod
    def resolve_evidence_name(obj: ProgressUpdate) -> str:
        return obj.evidence_name if obj.evidence_file else ""

    @staticmethod
    def resolve_evidence_kind(obj: ProgressUpdate) -> str:
        return obj.evidence_kind if obj.evidence_file else ""


def _updates() -> QuerySet[ProgressUpdate]:
    return ProgressUpdate.objects.filter(milestone__commitment__plan__is_published=True).select_related(
        "milestone__commitment__plan", "institution"
    )


@router.get(
    "/progress-updates",
    response=list[ProgressUpdateOut],
    tags=["progress"],
    summary="List progress updates",
    description="Dated reports of progress on the milestones, newest first, with their evidence. "
    "Filters: `commitment` (code), `milestone` (id), `date_from` and `date_to` (ISO dates, inclusive). "
    "Avances de los hitos con su evidencia. " + ONLY_PUBLISHED + " " + PATHS,
)
@paginate(Paged)
def progress_updates_list(
    request: HttpRequest,
    commitment: Text | None = None,
    milestone: Id | None = None,
    date_from: IsoDate | None = None,
    date_to: IsoDate | None = None,
) -> QuerySet[ProgressUpdate]:
    qs = filtered(
        _updates(),
        milestone__commitment__code=commitment,
        milestone_id=milestone,
        date__gte=date_from,
        date__lte=date_to,
    )
    return qs.order_by("-date", "-id")


@router.get(
    "/progress-updates/{update_id}",
    response={200: ProgressUpdateOut, 404: ErrorOut},
    tags=["progress"],
    summary="One progress update",
    description=ONLY_PUBLISHED + " " + PATHS,
)
def progress_update_get(request: HttpRequest, update_id: Id) -> ProgressUpdate:
    return get_object_or_404(_updates(), pk=update_id)


class MonitoringReportOut(Schema):
    id: int
    plan: str = Field(..., alias="plan.slug")
    kind: ReportKind
    commitment: str | None = Field(..., description="Code of the commitment assessed; null: the whole plan.")
    title: str
    summary: str
    published_on: datetime.date
    file_url: str | None = Field(..., description="Path of the report file (PDF); null: no file.")
    institution: InstitutionOut = Field(..., description="The monitoring body that wrote it.")

    @staticmethod
    def resolve_commitment(obj: MonitoringReport) -> str | None:
        return published_code(obj.commitment)

    @staticmethod
    def resolve_file_url(obj: MonitoringReport) -> str | None:
        return reverse("plans:report_file", kwargs={"pk": obj.pk}) if obj.file else None


def _reports() -> QuerySet[MonitoringReport]:
    return MonitoringReport.objects.filter(plan__is_published=True).select_related(
        "plan", "commitment__plan", "institution"
    )


@router.get(
    "/monitoring-reports",
    response=list[MonitoringReportOut],
    tags=["monitoring"],
    summary="List monitoring reports",
    description="Reports of the independent monitoring body, newest first. Filters: `plan` (slug), `kind`. "
    "Informes del mecanismo de monitoreo independiente. " + ONLY_PUBLISHED + " " + PATHS,
)
@paginate(Paged)
def monitoring_reports_list(
    request: HttpRequest, plan: Text | None = None, kind: ReportKind | None = None
) -> QuerySet[MonitoringReport]:
    return filtered(_reports(), plan__slug=plan, kind=kind).order_by("-published_on", "-id")


@router.get(
    "/monitoring-reports/{report_id}",
    response={200: MonitoringReportOut, 404: ErrorOut},
    tags=["monitoring"],
    summary="One monitoring report",
    description=ONLY_PUBLISHED + " " + PATHS,
)
def monitoring_report_get(request: HttpRequest, report_id: Id) -> MonitoringReport:
    return get_object_or_404(_reports(), pk=report_id)


class CommitteeMemberOut(Schema):
    id: int
    plan: str = Field(..., alias="plan.slug")
    name: str
    sector: str = Field(..., description="Sector or population the member represents.")
    working_table: int | None = Field(
        ..., description="Number of the working table that elected them (see /working-tables); null: none."
    )
    start_date: datetime.date
    end_date: datetime.date | None = Field(..., description="null: still a member.")
    is_example: bool

    @staticmethod
    def resolve_working_table(obj: CommitteeMember) -> int | None:
        return obj.working_table.number if obj.working_table else None


@router.get(
    "/committee-members",
    response=list[CommitteeMemberOut],
    tags=["committee"],
    summary="List members of the citizen monitoring committee",
    description="Members of each plan's Citizen Monitoring Committee. Filter: `plan` (slug). "
    "Miembros del Comité Ciudadano de Seguimiento. " + ONLY_PUBLISHED,
)
@paginate(Paged)
def committee_members_list(request: HttpRequest, plan: Text | None = None) -> QuerySet[CommitteeMember]:
    qs = CommitteeMember.objects.filter(plan__is_published=True).select_related("plan", "working_table")
    return filtered(qs, plan__slug=plan).order_by("plan__slug", "name", "id")


class CommitteeMeetingOut(Schema):
    id: int
    plan: str = Field(..., alias="plan.slug")
    date: datetime.date
    place: str
    summary: str
    minutes_url: str | None = Field(..., description="Path of the minutes (PDF); null: none uploaded.")
    is_example: bool

    @staticmethod
    def resolve_minutes_url(obj: CommitteeMeeting) -> str | None:
        return reverse("plans:minutes_file", kwargs={"pk": obj.pk}) if obj.minutes else None


@router.get(
    "/committee-meetings",
    response=list[CommitteeMeetingOut],
    tags=["committee"],
    summary="List meetings of the citizen monitoring committee",
    description="Meetings of the committee, newest first, with their minutes. Filter: `plan` (slug). "
    "Reuniones del comité y sus actas. " + ONLY_PUBLISHED + " " + PATHS,
)
@paginate(Paged)
def committee_meetings_list(request: HttpRequest, plan: Text | None = None) -> QuerySet[CommitteeMeeting]:
    qs = CommitteeMeeting.objects.filter(plan__is_published=True).select_related("plan")
    return filtered(qs, plan__slug=plan).order_by("-date", "-id")


class EndorsementOut(Schema):
    plan: str = Field(..., alias="plan.slug")
    name: str
    sector: str


@router.get(
    "/endorsements",
    response=list[EndorsementOut],
    tags=["co-creation"],
    summary="List endorsements of action plans",
    description="Non-government stakeholders that support a plan. Filter: `plan` (slug). "
    "Respaldos al plan. " + ONLY_PUBLISHED,
)
@paginate(Paged)
def endorsements_list(request: HttpRequest, plan: Text | None = None) -> QuerySet[Endorsement]:
    qs = Endorsement.objects.filter(plan__is_published=True).select_related("plan")
    return filtered(qs, plan__slug=plan).order_by("plan__slug", "order", "name", "id")
