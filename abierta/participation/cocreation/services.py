"""Co-creation operations that span models: tables, proposals, evaluation, committee elections.

Forms validate first (abierta/participation/cocreation/forms.py); these functions assume valid input and
write in one transaction each.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from abierta.accounts.models import User
from abierta.core import history
from abierta.core.models import ChangeRecord
from abierta.core.uploads import clean_file, enqueue_image_publish, stash_original
from abierta.participation.models import (
    Candidate,
    Criterion,
    Initiative,
    Process,
    Proposal,
    ProposalSupport,
    Score,
    TableAttendance,
    TablePhoto,
    WorkingTable,
)
from abierta.plans.models import ActionPlan, CommitteeMember

# Working tables ---------------------------------------------------------------------------


@transaction.atomic
def table_attendance_set(*, table: WorkingTable, counts: Mapping[str, int]) -> WorkingTable:
    """Replace the table's attendance by group (counts only); ``table.attendance`` becomes the total."""
    for group, count in counts.items():
        if count:
            TableAttendance.objects.update_or_create(table=table, group=group, defaults={"count": count})
        else:
            TableAttendance.objects.filter(table=table, group=group).delete()
    total = sum(c.count for c in table.attendance_counts.all())
    table.attendance = total if total or table.attendance_counts.exists() else None
    table.save(update_fields=["attendance"])
    return table


@transaction.atomic
def table_minutes_set(*, table: WorkingTable, minutes: UploadedFile, kind: str) -> WorkingTable:
    content = clean_file(minutes, kind)
    table.minutes.save(content.name or "acta.pdf", content, save=False)
    table.save(update_fields=["minutes"])
    return table


@transaction.atomic
def table_photo_add(*, table: WorkingTable, image: UploadedFile, kind: str, caption: str) -> TablePhoto:
    """The photo is kept pending; the queue re-encodes it without its metadata (EXIF location,
    camera) and publishes it (``core.uploads.image_publish``)."""
    content = stash_original(image, kind)
    photo = TablePhoto(table=table, caption=caption)
    photo.original.save(content.name or "foto.jpg", content, save=False)
    photo.save()
    enqueue_image_publish(photo)
    return photo


# Proposals --------------------------------------------------------------------------------


@transaction.atomic
def proposal_submit(*, process: Process, author: User, title: str, body: str) -> Proposal:
    return Proposal.objects.create(
        process=process, title=title, body=body, channel=Proposal.Channel.ONLINE, author=author
    )


@transaction.atomic
def proposal_transcribe(*, table: WorkingTable, actor: User, title: str, body: str) -> Proposal:
    """A proposal collected on paper at a table: credited to the table, never to whoever typed it."""
    return Proposal.objects.create(
        process=table.plan.process,
        title=title,
        body=body,
        channel=Proposal.Channel.IN_PERSON,
        author=None,
        table=table,
        transcribed_by=actor,
    )


@transaction.atomic
def proposal_support(*, proposal: Proposal, user: User) -> bool:
    """One support per person; True if this call added it (a repeat, even concurrent, adds nothing)."""
    # get_or_create retries the read after an IntegrityError from a concurrent insert.
    _support, created = ProposalSupport.objects.get_or_create(proposal=proposal, user=user)
    return created


@transaction.atomic
def proposal_answer(*, proposal: Proposal, accept: bool, answer: str) -> Proposal:
    proposal.status = Proposal.Status.ACCEPTED if accept else Proposal.Status.REJECTED
    proposal.answer = answer
    proposal.merged_into = None
    proposal.save(update_fields=["status", "answer", "merged_into"])
    return proposal


@transaction.atomic
def proposal_merge(*, proposal: Proposal, into: Proposal) -> Proposal:
    """Mark ``proposal`` a duplicate of ``into``; its supporters (and duplicates) move to ``into``."""
    if proposal.pk == into.pk or into.process_id != proposal.process_id:
        raise ValueError("a proposal merges into another proposal of the same process")
    proposal.status = Proposal.Status.MERGED
    proposal.merged_into = into
    proposal.answer = _("Merged into proposal %(number)s: %(title)s.") % {"number": into.pk, "title": into.title}
    proposal.save(update_fields=["status", "merged_into", "answer"])
    already = set(into.supports.values_list("user_id", flat=True))
    moving = proposal.supports.exclude(user_id__in=already)
    moving.update(proposal=into)
    proposal.supports.all().delete()  # those left already support the target
    Proposal.objects.filter(merged_into=proposal).update(merged_into=into)
    return proposal


# Evaluation -------------------------------------------------------------------------------


@transaction.atomic
def score_set(*, proposal: Proposal, criterion: Criterion, evaluator: User, value: int, note: str = "") -> Score:
    """One score per evaluator, criterion and proposal: a second call replaces the first."""
    if not 0 <= value <= criterion.max_score:
        raise ValueError("score out of range")
    score, _created = Score.objects.update_or_create(
        proposal=proposal, criterion=criterion, evaluator=evaluator, defaults={"value": value, "note": note}
    )
    return score


@dataclass(frozen=True)
class Evaluation:
    """All evaluators' named scores of one proposal, and their weighted average."""

    rows: list[tuple[str, list[int | None]]]  # evaluator's name, score per criterion (in order)
    criteria: list[Criterion]
    average: float | None  # Σ weight × score / Σ weight over every score given


def proposal_evaluation(proposal: Proposal) -> Evaluation:
    criteria = list(proposal.process.criteria.all())
    by_evaluator: dict[int, dict[int, int]] = {}
    names: dict[int, str] = {}
    numerator = denominator = 0
    weights = {c.pk: c.weight for c in criteria}
    for score in proposal.scores.select_related("evaluator"):
        by_evaluator.setdefault(score.evaluator_id, {})[score.criterion_id] = score.value
        names[score.evaluator_id] = score.evaluator.get_full_name() or score.evaluator.email
        weight = weights.get(score.criterion_id, 0)
        numerator += weight * score.value
        denominator += weight
    rows = [(names[e], [values.get(c.pk) for c in criteria]) for e, values in by_evaluator.items()]
    rows.sort(key=lambda r: r[0])
    return Evaluation(rows=rows, criteria=criteria, average=round(numerator / denominator, 2) if denominator else None)


@transaction.atomic
def initiative_shortlist(
    *, plan: ActionPlan, proposals: Iterable[Proposal], title: str, summary: str = ""
) -> Initiative:
    """A new shortlisted initiative of the plan, from accepted proposals (which link to it)."""
    last = Initiative.objects.filter(plan=plan).aggregate(n=Max("number"))["n"] or 0
    initiative = Initiative.objects.create(plan=plan, number=last + 1, title=title, summary=summary, shortlisted=True)
    Proposal.objects.filter(pk__in=[p.pk for p in proposals]).update(initiative=initiative)
    return initiative


# Committee elections ----------------------------------------------------------------------


@dataclass(frozen=True)
class CandidateCount:
    name: str
    sector: str
    votes: int


@transaction.atomic
def candidates_record(*, table: WorkingTable, counts: Sequence[CandidateCount]) -> list[Candidate]:
    """The paper count of a table's election: replaces the candidates not yet elected."""
    table.candidates.filter(elected=False).delete()
    return [Candidate.objects.create(table=table, name=c.name, sector=c.sector, votes=c.votes) for c in counts]


def election_tie(*, table: WorkingTable, seats: int) -> bool:
    """True if the last seat is tied (the paper count must break it before closing)."""
    votes = list(table.candidates.order_by("-votes").values_list("votes", flat=True))
    return len(votes) > seats and votes[seats - 1] == votes[seats]


@transaction.atomic
def election_close(*, table: WorkingTable, seats: int) -> list[CommitteeMember]:
    """The ``seats`` most voted candidates are elected and join the plan's monitoring committee."""
    members = []
    today = timezone.localdate()
    for candidate in table.candidates.filter(elected=False).order_by("-votes", "name")[:seats]:
        member = CommitteeMember.objects.create(
            plan=table.plan,
            name=candidate.name,
            sector=candidate.sector or table.get_sector_display(),
            working_table=table,
            start_date=today,
        )
        candidate.elected = True
        candidate.member = member
        candidate.save(update_fields=["elected", "member"])
        members.append(member)
    return members


# Setting up a process: phases, criteria, tables ----------------------------------------------


@transaction.atomic
def process_save(*, process: Process, actor: User) -> Process:
    """Create or change a process (already filled in by its form), with its public history line."""
    before = history.snapshot(Process.objects.get(pk=process.pk)) if process.pk else None
    process.save()
    history.record(process, actor=actor, before=before)
    return process


@dataclass
class CriterionRow:
    """One row of the criteria form: an existing criterion (``criterion``) or a new one (None)."""

    criterion: Criterion | None
    name: str
    description: str
    weight: int
    max_score: int
    delete: bool = False


@transaction.atomic
def criteria_save(*, process: Process, rows: Sequence[CriterionRow], actor: User) -> list[Criterion]:
    """Create, change and remove the process's criteria, in the order given; each change in the history."""
    kept: list[Criterion] = []
    for row in rows:
        criterion = row.criterion
        if row.delete:
            if criterion is not None:
                history.record(
                    criterion, actor=actor, before=history.snapshot(criterion), action=ChangeRecord.Action.DELETED
                )
                criterion.delete()
            continue
        before = history.snapshot(criterion) if criterion is not None else None
        if criterion is None:
            criterion = Criterion(process=process)
        criterion.name, criterion.description = row.name, row.description
        criterion.weight, criterion.max_score = row.weight, row.max_score
        criterion.order = len(kept) + 1
        criterion.save()
        history.record(criterion, actor=actor, before=before)
        kept.append(criterion)
    return kept


@transaction.atomic
def table_create(*, table: WorkingTable, actor: User) -> WorkingTable:
    """Create a working table (already filled in by its form), with its public history line."""
    table.save()
    history.record(table, actor=actor, before=None)
    return table
