"""Staff pages of the co-creation (/gestion/cocreacion/<plan>/...): tables, transcription,
evaluation, answers and committee elections. Who may do what is decided by ``access``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from abierta.accounts.decorators import staff_required
from abierta.accounts.models import User
from abierta.core.paging import page_of
from abierta.participation import access
from abierta.participation.cocreation import services
from abierta.participation.cocreation.forms import (
    AnswerForm,
    CandidateFormSet,
    CloseElectionForm,
    MergeForm,
    ScoreForm,
    ShortlistForm,
    TableForm,
    TranscribeForm,
)
from abierta.participation.cocreation.views import inventory
from abierta.participation.models import Process, Proposal, TablePhoto, WorkingTable

Predicate = Callable[[Any, Process], bool]

# The staff home pages two lists: the proposals with ``?page=``, the tables with this one.
TABLES_PAGE = "mesas"


def _user(request: HttpRequest) -> User:
    if not isinstance(request.user, User):  # staff_required let only signed-in staff through
        raise PermissionDenied
    return request.user


def process_for(request: HttpRequest, slug: str, *predicates: Predicate) -> Process:
    """The plan's co-creation process, if the user passes any of the predicates: else 404 / 403."""
    process = get_object_or_404(Process.objects.select_related("plan"), plan__slug=slug)
    if not any(p(request.user, process) for p in predicates):
        raise PermissionDenied
    return process


def _table(process: Process, number: int) -> WorkingTable:
    return get_object_or_404(process.plan.working_tables, number=number)


def _proposal(process: Process, pk: int) -> Proposal:
    return get_object_or_404(process.proposals.select_related("table"), pk=pk)


ANY_STAFF_TASK: tuple[Predicate, ...] = (
    access.may_manage_tables,
    access.may_transcribe,
    access.may_evaluate,
    access.may_decide,
    access.may_record_election,
)


@staff_required
def home(request: HttpRequest, slug: str) -> HttpResponse:
    process = process_for(request, slug, *ANY_STAFF_TASK)
    user = request.user
    tables = page_of(request, process.plan.working_tables.order_by("number"), param=TABLES_PAGE)
    proposals = page_of(request, inventory(process))
    context = {
        "plan": process.plan,
        "process": process,
        "phase": Process.Phase(process.phase()),
        "tables": tables.object_list,
        "tables_page": tables,
        "proposals": proposals.object_list,
        "page": proposals,
        "can_tables": access.may_manage_tables(user, process),
        "can_transcribe": access.may_transcribe(user, process),
        "can_evaluate": access.may_evaluate(user, process),
        "can_decide": access.may_decide(user, process),
        "can_elect": access.may_record_election(user, process),
    }
    return render(request, "participation/cocreation/staff/home.html", context)


@staff_required
def table_edit(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    process = process_for(request, slug, access.may_manage_tables)
    table = _table(process, number)
    form = TableForm(request.POST or None, request.FILES or None, instance=table)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        form.save()
        services.table_attendance_set(table=table, counts=form.counts())
        if data.get("minutes_file"):
            services.table_minutes_set(table=table, minutes=data["minutes_file"], kind=data["minutes_kind"])
        if data.get("photo"):
            services.table_photo_add(
                table=table, image=data["photo"], kind=data["photo_kind"], caption=data["photo_caption"]
            )
        messages.success(request, _("The working table is saved."))
        return redirect("participation:table", slug=slug, number=number)
    status = 400 if request.method == "POST" else 200
    context = {
        "plan": process.plan,
        "process": process,
        "table": table,
        "form": form,
        "unpublished_photos": table.photos.exclude(state=TablePhoto.State.READY).order_by("pk"),
    }
    return render(request, "participation/cocreation/staff/table_form.html", context, status=status)


@staff_required
def transcribe(request: HttpRequest, slug: str) -> HttpResponse:
    process = process_for(request, slug, access.may_transcribe)
    form = TranscribeForm(request.POST or None, process=process)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        proposal = services.proposal_transcribe(
            table=data["table"], actor=_user(request), title=data["title"], body=data["body"]
        )
        messages.success(request, _("The proposal is published, credited to its table."))
        return redirect("participation:proposal", slug=slug, pk=proposal.pk)
    status = 400 if request.method == "POST" else 200
    context = {"plan": process.plan, "process": process, "form": form}
    return render(request, "participation/cocreation/staff/transcribe_form.html", context, status=status)


@staff_required
def evaluate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    process = process_for(request, slug, access.may_evaluate)
    proposal = _proposal(process, pk)
    user = _user(request)
    criteria = list(process.criteria.all())
    mine = {s.criterion_id: s.value for s in proposal.scores.filter(evaluator=user)}
    form = ScoreForm(request.POST or None, criteria=criteria, initial_scores=mine)
    if request.method == "POST" and form.is_valid():
        for criterion, value in form.scores():
            services.score_set(proposal=proposal, criterion=criterion, evaluator=user, value=value)
        messages.success(request, _("Your scores are saved."))
        return redirect("participation:staff_evaluate", slug=slug, pk=pk)
    status = 400 if request.method == "POST" else 200
    context = {
        "plan": process.plan,
        "process": process,
        "proposal": proposal,
        "form": form,
        "evaluation": services.proposal_evaluation(proposal),
    }
    return render(request, "participation/cocreation/staff/evaluate.html", context, status=status)


@staff_required
def answer(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    process = process_for(request, slug, access.may_decide)
    proposal = _proposal(process, pk)
    form = AnswerForm(request.POST or None)
    merge_form = MergeForm(proposal=proposal)
    if request.method == "POST" and form.is_valid():
        services.proposal_answer(
            proposal=proposal,
            accept=form.cleaned_data["decision"] == AnswerForm.ACCEPT,
            answer=form.cleaned_data["answer"],
        )
        messages.success(request, _("The answer is published."))
        return redirect("participation:proposal", slug=slug, pk=pk)
    status = 400 if request.method == "POST" else 200
    context = {"plan": process.plan, "proposal": proposal, "form": form, "merge_form": merge_form}
    return render(request, "participation/cocreation/staff/answer.html", context, status=status)


@staff_required
@require_POST
def merge(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    process = process_for(request, slug, access.may_decide)
    proposal = _proposal(process, pk)
    merge_form = MergeForm(request.POST, proposal=proposal)
    if merge_form.is_valid():
        services.proposal_merge(proposal=proposal, into=merge_form.cleaned_data["into"])
        messages.success(request, _("The proposal is merged; its supports moved."))
        return redirect("participation:proposal", slug=slug, pk=pk)
    context = {"plan": process.plan, "proposal": proposal, "form": AnswerForm(), "merge_form": merge_form}
    return render(request, "participation/cocreation/staff/answer.html", context, status=400)


@staff_required
def shortlist(request: HttpRequest, slug: str) -> HttpResponse:
    process = process_for(request, slug, access.may_decide)
    form = ShortlistForm(request.POST or None, process=process)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.initiative_shortlist(
            plan=process.plan, proposals=data["proposals"], title=data["title"], summary=data["summary"]
        )
        messages.success(request, _("The initiative is shortlisted for the consultation."))
        return redirect("participation:cocreation", slug=slug)
    status = 400 if request.method == "POST" else 200
    context = {"plan": process.plan, "process": process, "form": form}
    return render(request, "participation/cocreation/staff/shortlist.html", context, status=status)


# Committee elections ----------------------------------------------------------------------

BLANK_ROWS = 5


def _election_page(
    request: HttpRequest, process: Process, table: WorkingTable, formset: Any, close_form: Any, status: int
) -> HttpResponse:
    context = {
        "plan": process.plan,
        "process": process,
        "table": table,
        "formset": formset,
        "close_form": close_form,
        "candidates": table.candidates.select_related("member"),
        "closed": table.candidates.filter(elected=True).exists(),
    }
    return render(request, "participation/cocreation/staff/election.html", context, status=status)


@staff_required
def election(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """Enter the paper count: one row per candidate (name, sector, votes)."""
    process = process_for(request, slug, access.may_record_election)
    table = _table(process, number)
    closed = table.candidates.filter(elected=True).exists()
    if request.method == "POST" and not closed:
        formset = CandidateFormSet(request.POST, prefix="c")
        if formset.is_valid():
            counts = [
                services.CandidateCount(name=f["name"].strip(), sector=f["sector"].strip(), votes=f["votes"])
                for f in formset.cleaned_data
                if f.get("name")
            ]
            services.candidates_record(table=table, counts=counts)
            messages.success(request, _("The count is saved."))
            return redirect("participation:staff_election", slug=slug, number=number)
        return _election_page(request, process, table, formset, CloseElectionForm(), 400)
    initial = [{"name": c.name, "sector": c.sector, "votes": c.votes} for c in table.candidates.all()]
    formset = CandidateFormSet(prefix="c", initial=initial + [{}] * BLANK_ROWS)
    return _election_page(request, process, table, formset, CloseElectionForm(), 200)


@staff_required
@require_POST
def election_close(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    process = process_for(request, slug, access.may_record_election)
    table = _table(process, number)
    form = CloseElectionForm(request.POST)
    if form.is_valid():
        seats = form.cleaned_data["seats"]
        if table.candidates.filter(elected=True).exists():
            form.add_error(None, _("This table's election is already closed."))
        elif not table.candidates.exists():
            form.add_error(None, _("Enter the count of votes first."))
        elif services.election_tie(table=table, seats=seats):
            form.add_error("seats", _("The last seat is tied: break the tie as the table agreed, then enter it."))
    if form.is_valid():
        members = services.election_close(table=table, seats=form.cleaned_data["seats"])
        messages.success(request, _("%(n)s members join the Citizen Monitoring Committee.") % {"n": len(members)})
        return redirect("plans:committee", slug=slug)
    initial = [{"name": c.name, "sector": c.sector, "votes": c.votes} for c in table.candidates.all()]
    formset = CandidateFormSet(prefix="c", initial=initial)
    return _election_page(request, process, table, formset, form, 400)
