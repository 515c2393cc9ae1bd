"""Who may do what, in which phase: small predicates, each tested for every phase and role
(tests/test_access.py). Views call these; they never test roles or dates themselves.

Phases come from ``Process.phase(now)``: before → tables → analysis → consultation → results.
Staff roles count only with a verified second factor (abierta.accounts.roles).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from abierta.accounts.models import User
from abierta.accounts.roles import has_role, staff_user
from abierta.core.staffhome import StaffGroup, StaffLine, StaffLink
from abierta.participation.models import BallotFile, Consultation, DialogueSession, PollingTable, Process
from abierta.plans.models import ActionPlan

R = User.Role
P = Process.Phase


def _citizen(user: Any) -> bool:
    """Signed in with a confirmed email (any role: officials are citizens too)."""
    return bool(getattr(user, "is_authenticated", False)) and bool(getattr(user, "email_verified", False))


def _organiser(user: Any) -> bool:
    """Staff who run the co-creation: the transparency office and office editors."""
    return has_role(user, R.TRANSPARENCY, R.EDITOR, R.ADMIN)


def is_organiser(user: Any) -> bool:
    """Whether the user runs co-creation processes (their staff pages are listed on the dashboard)."""
    return _organiser(user)


def may_propose(user: Any, process: Process, now: datetime.datetime | None = None) -> bool:
    """Send a proposal online: any confirmed account, while the tables meet."""
    return _citizen(user) and process.phase(now) == P.TABLES


def may_support_proposal(user: Any, process: Process, now: datetime.datetime | None = None) -> bool:
    return _citizen(user) and process.phase(now) in {P.TABLES, P.ANALYSIS}


def may_manage_tables(user: Any, process: Process, now: datetime.datetime | None = None) -> bool:
    """Record tables, their attendance, minutes and photos: organisers, until the results."""
    return _organiser(user) and process.phase(now) != P.RESULTS


def may_transcribe(user: Any, process: Process, now: datetime.datetime | None = None) -> bool:
    """Type in a proposal collected at a table: organisers, while tables meet and during analysis."""
    return _organiser(user) and process.phase(now) in {P.TABLES, P.ANALYSIS}


def may_evaluate(user: Any, process: Process, now: datetime.datetime | None = None) -> bool:
    """Score proposals: the transparency office and office editors, during the analysis."""
    return has_role(user, R.TRANSPARENCY, R.EDITOR) and process.phase(now) == P.ANALYSIS


def may_decide(user: Any, process: Process, now: datetime.datetime | None = None) -> bool:
    """Answer proposals (accept, merge, reject) and shortlist initiatives: the transparency office."""
    return has_role(user, R.TRANSPARENCY) and process.phase(now) == P.ANALYSIS


def may_vote(consultation: Consultation, now: datetime.datetime | None = None) -> bool:
    """Vote on the web: anyone, with no account, while the consultation is open (identity by document + code)."""
    return consultation.is_open(now)


def may_enter_table_votes(user: Any, consultation: Consultation, now: datetime.datetime | None = None) -> bool:
    """Enter in-person votes: staff assigned as facilitator of one of its tables, while it is open."""
    return bool(facilitated_tables(user, consultation)) and consultation.is_open(now)


def facilitated_tables(user: Any, consultation: Consultation) -> list[PollingTable]:
    """The consultation's polling tables this staff member facilitates (none for anyone else)."""
    staff = staff_user(user)
    if staff is None:
        return []
    return list(consultation.polling_tables.filter(facilitators=staff).order_by("number"))


def may_enter_at_table(user: Any, table: PollingTable, now: datetime.datetime | None = None) -> bool:
    """Enter an in-person vote at this table: only its facilitators (staff), while the consultation is open."""
    staff = staff_user(user)
    return staff is not None and table.consultation.is_open(now) and table.facilitators.filter(pk=staff.pk).exists()


def may_manage_polling_tables(user: Any, consultation: Consultation, now: datetime.datetime | None = None) -> bool:
    """Create polling tables and assign their facilitators: the transparency office and platform
    administrators, until the consultation closes."""
    return has_role(user, R.TRANSPARENCY, R.ADMIN) and (now or timezone.now()) < consultation.closes_at


def may_record_tally_sheets(user: Any, consultation: Consultation, now: datetime.datetime | None = None) -> bool:
    """Type in the counts of the tables' paper tally sheets: the transparency office and platform
    administrators, once the consultation has opened."""
    return has_role(user, R.TRANSPARENCY, R.ADMIN) and (now or timezone.now()) >= consultation.opens_at


def may_see_polling_tables(user: Any, consultation: Consultation, now: datetime.datetime | None = None) -> bool:
    """The staff page of the polling tables: whoever may manage them or record their sheets."""
    return may_manage_polling_tables(user, consultation, now) or may_record_tally_sheets(user, consultation, now)


def may_manage_voter_identity(user: Any, consultation: Consultation, now: datetime.datetime | None = None) -> bool:
    """See and change how voters are identified (the level, the voter roll): the transparency office
    and administrators, until the consultation closes."""
    return has_role(user, R.TRANSPARENCY, R.ADMIN) and (now or timezone.now()) < consultation.closes_at


def may_change_assurance(user: Any, consultation: Consultation, now: datetime.datetime | None = None) -> bool:
    """Choose the assurance level: the same people, only before the consultation opens (voters are
    told the level before they vote, and it is the same for all of them)."""
    return has_role(user, R.TRANSPARENCY, R.ADMIN) and (now or timezone.now()) < consultation.opens_at


def may_see_results(consultation: Consultation, now: datetime.datetime | None = None) -> bool:
    """Results and the ballot file: everyone, once the consultation has closed."""
    return (now or timezone.now()) >= consultation.closes_at


def may_adopt_winner(user: Any, process: Process, now: datetime.datetime | None = None) -> bool:
    """Turn the winning initiative into a commitment: the transparency office, in the results phase."""
    return has_role(user, R.TRANSPARENCY) and process.phase(now) == P.RESULTS


def may_record_election(user: Any, process: Process, now: datetime.datetime | None = None) -> bool:
    """Enter the paper count of a table's committee election: organisers, from the tables phase on."""
    return _organiser(user) and process.phase(now) != P.BEFORE


# Setting up a cycle: the process, its criteria and tables, the consultation ------------------


def _officer(user: Any) -> bool:
    """The transparency office and platform administrators set up the co-creation and consultation."""
    return has_role(user, R.TRANSPARENCY, R.ADMIN)


def may_create_process(user: Any, plan: ActionPlan) -> bool:
    """Create the co-creation process of a plan that has none: the transparency office and administrators."""
    return _officer(user) and not Process.objects.filter(plan=plan).exists()


def may_edit_process(user: Any, process: Process, now: datetime.datetime | None = None) -> bool:
    """Change the title, description and phase dates: the same people, until the results phase."""
    return _officer(user) and process.phase(now) != P.RESULTS


def may_edit_criteria(user: Any, process: Process, now: datetime.datetime | None = None) -> bool:
    """Add, change or remove evaluation criteria and their weights: before the analysis begins
    (from then on proposals are scored against them)."""
    return _officer(user) and process.phase(now) in {P.BEFORE, P.TABLES}


def may_add_table(user: Any, process: Process, now: datetime.datetime | None = None) -> bool:
    """Create a working table: the transparency office and administrators, until the results phase."""
    return _officer(user) and process.phase(now) != P.RESULTS


def may_set_up(user: Any, process: Process, now: datetime.datetime | None = None) -> bool:
    """See the set-up page of the process (what may change and why not): the same people, in any phase."""
    return _officer(user)


def may_create_consultation(user: Any, process: Process, now: datetime.datetime | None = None) -> bool:
    """Create the process's consultation (one per process), until the results phase."""
    return (
        _officer(user) and process.phase(now) != P.RESULTS and not Consultation.objects.filter(process=process).exists()
    )


def may_manage_consultation(user: Any, consultation: Consultation) -> bool:
    """See the consultation's staff page and preview its ballot: the transparency office and administrators."""
    return _officer(user)


def may_edit_consultation(user: Any, consultation: Consultation, now: datetime.datetime | None = None) -> bool:
    """Change the question, shortlist, dates, choices and identity level: only before it opens
    (voters must all see the same ballot)."""
    return _officer(user) and (now or timezone.now()) < consultation.opens_at


def may_open_consultation(user: Any, consultation: Consultation, now: datetime.datetime | None = None) -> bool:
    """Open it now, before its planned opening: the same people, while it has not opened."""
    return may_edit_consultation(user, consultation, now)


def may_close_consultation(user: Any, consultation: Consultation, now: datetime.datetime | None = None) -> bool:
    """Close it now, before its planned closing: the same people, while it is open."""
    return _officer(user) and consultation.is_open(now)


def may_publish_results(user: Any, consultation: Consultation, now: datetime.datetime | None = None) -> bool:
    """Freeze the ballot file and publish its digest: once closed, and only once."""
    return (
        _officer(user)
        and (now or timezone.now()) >= consultation.closes_at
        and not BallotFile.objects.filter(consultation=consultation).exists()
    )


def may_ask(session: DialogueSession) -> bool:
    """Ask a question (signed in or not, anonymous allowed): while the session accepts questions."""
    return session.questions_open


def may_support_question(user: Any, session: DialogueSession) -> bool:
    return _citizen(user) and session.questions_open


def may_moderate(user: Any) -> bool:
    """Publish, shortlist, mark live and answer questions; publish minutes: the transparency office."""
    return has_role(user, R.TRANSPARENCY)


def staff_links(user: Any) -> list[StaffGroup]:
    """The staff home's links: each co-creation process the user organises, and the dialogue."""
    lines = []
    if _officer(user):
        for plan in ActionPlan.objects.filter(process__isnull=True).order_by("-period_start", "title"):
            text = _("Start the co-creation of %(title)s: phases, criteria and working tables") % {"title": plan.title}
            lines.append(StaffLine((StaffLink(text, reverse("participation:staff_process_new", args=[plan.slug])),)))
    if is_organiser(user):
        for p in Process.objects.select_related("plan", "consultation"):
            links = [
                StaffLink(
                    _("Co-creation of %(title)s: tables, proposals, evaluation, elections") % {"title": p.plan.title},
                    reverse("participation:staff_home", args=[p.plan.slug]),
                )
            ]
            if may_set_up(user, p):
                links.append(
                    StaffLink(
                        _("phases, criteria and working tables"),
                        reverse("participation:staff_process", args=[p.plan.slug]),
                    )
                )
                if not hasattr(p, "consultation"):
                    links.append(
                        StaffLink(
                            _("set up the consultation"),
                            reverse("participation:staff_consultation_edit", args=[p.plan.slug]),
                        )
                    )
            lines.append(StaffLine(tuple(links)))
    for c in Consultation.objects.select_related("process__plan"):
        links = []
        if may_manage_consultation(user, c):
            links.append(
                StaffLink(
                    _("Consultation of %(title)s: question, shortlist, dates, preview, opening and results")
                    % {"title": c.process.plan.title},
                    reverse("participation:staff_consultation", args=[c.process.plan.slug]),
                )
            )
        if may_see_polling_tables(user, c):
            links.append(
                StaffLink(
                    _("Polling tables of the consultation %(title)s: facilitators and tally sheets")
                    % {"title": c.process.plan.title},
                    reverse("participation:consultation_polling_tables", args=[c.process.plan.slug]),
                )
            )
        if may_enter_table_votes(user, c):
            links.append(
                StaffLink(
                    _("enter in-person votes"),
                    reverse("participation:consultation_table_entry", args=[c.process.plan.slug]),
                )
            )
        if may_manage_voter_identity(user, c):
            links.append(
                StaffLink(
                    _("identity of voters and voter roll"),
                    reverse("participation:consultation_identity", args=[c.process.plan.slug]),
                )
            )
        if links:
            lines.append(StaffLine(tuple(links)))
    if may_moderate(user):
        text = _("Hablemos con Transparencia: sessions and questions to moderate")
        lines.append(StaffLine((StaffLink(text, reverse("participation:dialogue_manage")),)))
    return [StaffGroup(_("Co-creation and participation"), tuple(lines))]
