"""Pages of "Hablemos con Transparencia": public sessions and questions, and their moderation.

Who may do what is decided only by ``abierta.participation.access``; a false answer is a 403.
Every page works without JavaScript; htmx only swaps the support button (a fragment of the same view).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from abierta.accounts.decorators import staff_required
from abierta.accounts.models import User
from abierta.core import pow
from abierta.core.cache import public_page
from abierta.core.http import client_address
from abierta.core.paging import PER_PAGE_CARDS, page_of, query_with
from abierta.participation import access
from abierta.participation.dialogue import services as dialogue
from abierta.participation.dialogue.forms import (
    AnswerForm,
    CommitmentLinkForm,
    MinutesForm,
    QuestionForm,
    RejectForm,
    SessionForm,
)
from abierta.participation.models import DialogueSession, Question
from abierta.plans.models import ActionPlan

QS = Question.Status

POW_PURPOSE = "dialogue-question"


def _session(slug: str) -> DialogueSession:
    return get_object_or_404(DialogueSession.objects.select_related("plan"), slug=slug)


def _moderator(request: HttpRequest) -> User:
    """The signed-in moderator (after ``staff_required``), or 403."""
    user = request.user
    if not isinstance(user, User) or not access.may_moderate(user):
        raise PermissionDenied
    return user


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# Public pages


@public_page
def session_list(request: HttpRequest) -> HttpResponse:
    cutoff = timezone.now() - dialogue.SESSION_LENGTH
    sessions = DialogueSession.objects.annotate(
        public_count=Count("questions", filter=Q(questions__status__in=dialogue.PUBLIC_STATUSES))
    )
    past = page_of(request, sessions.filter(starts_at__lt=cutoff).order_by("-starts_at", "-id"), PER_PAGE_CARDS)
    context = {
        "upcoming": sessions.filter(starts_at__gte=cutoff).order_by("starts_at", "id"),
        "past": past.object_list,
        "page": past,
        "can_moderate": access.may_moderate(request.user),
    }
    return render(request, "participation/dialogue/session_list.html", context)


def _detail_context(
    request: HttpRequest, session: DialogueSession, form: QuestionForm, challenge: str = ""
) -> dict[str, Any]:
    user = request.user
    page = page_of(request, dialogue.public_questions(session), PER_PAGE_CARDS)
    questions: list[Question] = list(page.object_list)
    counts = session.questions.aggregate(
        open=Count("id", filter=Q(status__in=dialogue.PUBLIC_STATUSES) & ~Q(status=QS.ANSWERED)),
        answered=Count("id", filter=Q(status=QS.ANSWERED)),
    )
    supported: set[int] = set()
    mine: list[Question] = []
    if isinstance(user, User):
        supported = set(
            session.questions.filter(supports__user=user, pk__in=[q.pk for q in questions]).values_list("id", flat=True)
        )
        mine = list(session.questions.filter(author=user, status__in=[QS.PENDING, QS.REJECTED]).order_by("id"))
    can_support = access.may_support_question(user, session)
    for q in questions:
        q.supported = q.pk in supported  # type: ignore[attr-defined]
        q.can_support = can_support and q.status in dialogue.SUPPORTABLE_STATUSES  # type: ignore[attr-defined]
    return {
        "session": session,
        "officials": [line.strip() for line in session.officials.splitlines() if line.strip()],
        "open_questions": [q for q in questions if q.status != QS.ANSWERED],
        "answered": [q for q in questions if q.status == QS.ANSWERED],
        "on_page": f"?page={page.number}" if page.number > 1 else "",
        "open_count": counts["open"],
        "answered_count": counts["answered"],
        "page": page,
        "mine": mine,
        "form": form,
        "can_ask": access.may_ask(session),
        "can_support": can_support,
        "can_moderate": access.may_moderate(user),
        "upcoming": session.starts_at + dialogue.SESSION_LENGTH > timezone.now(),
        "challenge": challenge or pow.issue(POW_PURPOSE),
        "wait_seconds": pow.default_wait(),
    }


@never_cache
def session_detail(request: HttpRequest, slug: str) -> HttpResponse:
    session = _session(slug)
    context = _detail_context(request, session, QuestionForm())
    return render(request, "participation/dialogue/session_detail.html", context)


def _pow_refusal(check: pow.Check) -> str:
    return pow.refusal(
        check,
        _(
            "To protect the questions from automated sending, please wait %(seconds)d more seconds and send "
            "the form again. What you typed is kept below."
        ),
    )


def _ask_page(
    request: HttpRequest, session: DialogueSession, form: QuestionForm, challenge: str, status: int
) -> HttpResponse:
    context = _detail_context(request, session, form, challenge)
    return render(request, "participation/dialogue/session_detail.html", context, status=status)


@require_POST
def question_ask(request: HttpRequest, slug: str) -> HttpResponse:
    """A question for moderation, from anyone: a proof of work and a limit per network address
    stand before it is stored."""
    session = _session(slug)
    if not access.may_ask(session):
        raise PermissionDenied
    form = QuestionForm(request.POST)
    challenge = request.POST.get("challenge", "")
    check = pow.check(POW_PURPOSE, challenge, request.POST.get("pow", ""))
    source = client_address(request)
    wait = dialogue.question_wait(source=source) if check.ok and form.is_valid() else 0
    if wait:
        minutes = max(1, (wait + 59) // 60)
        form.add_error(
            None,
            _(
                "Many questions were sent from your network in the last hour. Try again in %(minutes)d minutes; "
                "what you typed is kept below."
            )
            % {"minutes": minutes},
        )
        response = _ask_page(request, session, form, challenge, status=429)
        response["Retry-After"] = str(wait)
        return response
    if check.ok and form.is_valid() and not pow.consume(check):
        check = pow.Check(pow.Verdict.REUSED, check.purpose, check.nonce)
    if not check.ok or not form.is_valid():
        if not check.ok:
            form.add_error(None, _pow_refusal(check))
        next_challenge = challenge if check.still_usable else pow.issue(POW_PURPOSE)
        return _ask_page(request, session, form, next_challenge, status=400)
    author = request.user if isinstance(request.user, User) else None
    dialogue.question_ask(
        session=session,
        text=form.cleaned_data["text"],
        author=author,
        anonymous=form.cleaned_data["anonymous"],
        source=source,
    )
    messages.success(request, _("Thank you. Your question was received and will be published after moderation."))
    return redirect(reverse("participation:dialogue_session", args=[session.slug]) + "#preguntar")


@require_POST
def question_support(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    session = _session(slug)
    question = get_object_or_404(session.questions, pk=pk, status__in=dialogue.PUBLIC_STATUSES)
    target = reverse("participation:dialogue_session", args=[session.slug])
    user = request.user
    if not isinstance(user, User):
        return redirect_to_login(target)
    if not access.may_support_question(user, session) or question.status not in dialogue.SUPPORTABLE_STATUSES:
        raise PermissionDenied
    added = dialogue.question_support(question=question, user=user)
    if _is_htmx(request):
        question.supported = True  # type: ignore[attr-defined]
        question.can_support = True  # type: ignore[attr-defined]
        question.support_count = question.supports.count()  # type: ignore[attr-defined]
        return render(request, "participation/dialogue/_support.html", {"session": session, "q": question})
    if added:
        messages.success(request, _("Your support was counted."))
    else:
        messages.info(request, _("You had already supported this question."))
    return redirect(target + _same_page(request, question.pk))


# Staff pages: the transparency office


@staff_required
def manage(request: HttpRequest) -> HttpResponse:
    _moderator(request)
    sessions = DialogueSession.objects.annotate(
        pending_count=Count("questions", filter=Q(questions__status=QS.PENDING)),
        question_count=Count("questions"),
    ).order_by("-starts_at", "-id")
    page = page_of(request, sessions)
    return render(request, "participation/dialogue/manage.html", {"sessions": page.object_list, "page": page})


@staff_required
def session_new(request: HttpRequest) -> HttpResponse:
    _moderator(request)
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        session = dialogue.session_create(plan=_default_plan(), **data)
        messages.success(request, _("The session is created."))
        return redirect("participation:dialogue_moderation", slug=session.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "participation/dialogue/session_form.html", {"form": form, "session": None}, status=status)


def _default_plan() -> ActionPlan | None:
    """New sessions belong to the latest action plan, whose commitments questions may be linked to."""
    return ActionPlan.objects.order_by("-period_start", "-id").first()


@staff_required
def session_edit(request: HttpRequest, slug: str) -> HttpResponse:
    _moderator(request)
    session = _session(slug)
    form = SessionForm(request.POST or None, instance=DialogueSession.objects.get(pk=session.pk))
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.Meta.fields}
        session = dialogue.session_update(session=session, **changes)
        messages.success(request, _("The session is saved."))
        return redirect("participation:dialogue_moderation", slug=session.slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "participation/dialogue/session_form.html", {"form": form, "session": session}, status=status
    )


@staff_required
def minutes(request: HttpRequest, slug: str) -> HttpResponse:
    _moderator(request)
    session = _session(slug)
    form = MinutesForm(request.POST or None, initial={"minutes": session.minutes})
    if request.method == "POST" and form.is_valid():
        dialogue.session_minutes_set(session=session, minutes=form.cleaned_data["minutes"])
        messages.success(request, _("The minutes are published."))
        return redirect("participation:dialogue_session", slug=session.slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "participation/dialogue/minutes_form.html", {"form": form, "session": session}, status=status
    )


def _queue(
    request: HttpRequest, session: DialogueSession, bound: tuple[int, str, Any] | None = None
) -> tuple[Page[Question], list[Question]]:
    """The page of the session's questions, pending first, each with its forms (``bound`` replaces
    one: the forms post with the page number, so a refused form comes back on its own page)."""
    order = Case(
        When(status=QS.PENDING, then=Value(0)),
        When(status=QS.LIVE, then=Value(1)),
        When(status=QS.SHORTLISTED, then=Value(2)),
        When(status=QS.PUBLISHED, then=Value(3)),
        When(status=QS.ANSWERED, then=Value(4)),
        default=Value(5),
        output_field=IntegerField(),
    )
    page = page_of(
        request,
        session.questions.select_related("author", "commitment", "session__plan")
        .annotate(support_count=Count("supports"), queue_order=order)
        .order_by("queue_order", "-support_count", "id"),
        PER_PAGE_CARDS,
    )
    questions: list[Question] = list(page.object_list)
    plan = session.plan
    commitments = list(plan.commitments.order_by("order", "code")) if plan else []
    for q in questions:
        prefix = f"q{q.pk}"
        forms: dict[str, Any] = {
            "reject": RejectForm(prefix=prefix, initial={"reason": q.moderation_note}),
            "answer": AnswerForm(prefix=prefix, initial={"answer": q.answer, "answered_by": q.answered_by}),
            "commitment": CommitmentLinkForm(
                prefix=prefix, question=q, commitments=commitments, initial={"commitment": q.commitment_id}
            ),
        }
        if bound is not None and bound[0] == q.pk:
            forms[bound[1]] = bound[2]
        q.forms = forms  # type: ignore[attr-defined]
        simple: tuple[dialogue.Action, ...] = ("publish", "shortlist", "live")
        q.actions = [a for a in simple if dialogue.action_allowed(q, a)]  # type: ignore[attr-defined]
        q.can_reject = dialogue.action_allowed(q, "reject")  # type: ignore[attr-defined]
        q.can_answer = dialogue.action_allowed(q, "answer")  # type: ignore[attr-defined]
    return page, questions


@staff_required
def moderation(request: HttpRequest, slug: str) -> HttpResponse:
    _moderator(request)
    session = _session(slug)
    return _moderation_page(request, session)


def _moderation_page(
    request: HttpRequest, session: DialogueSession, bound: tuple[int, str, Any] | None = None, status: int = 200
) -> HttpResponse:
    page, questions = _queue(request, session, bound)
    context = {
        "session": session,
        "questions": questions,
        "page": page,
        "on_page": f"?page={page.number}" if page.number > 1 else "",
        "pending_count": session.questions.filter(status=QS.PENDING).count(),
    }
    return render(request, "participation/dialogue/moderation.html", context, status=status)


def _same_page(request: HttpRequest, pk: int) -> str:
    """Back to the moderation page the form was sent from, at the question."""
    query = query_with(request, page=request.GET.get("page"))
    return (query if query != "?" else "") + f"#pregunta-{pk}"


@require_POST
@staff_required
def question_moderate(request: HttpRequest, slug: str, pk: int, action: dialogue.Action) -> HttpResponse:
    moderator = _moderator(request)
    session = _session(slug)
    question = get_object_or_404(session.questions.select_related("session__plan"), pk=pk)
    if not dialogue.action_allowed(question, action):
        messages.error(request, _("That action does not apply to this question any more."))
        return _moderation_page(request, session, status=400)
    extra: dict[str, str] = {}
    if action == "reject":
        reject = RejectForm(request.POST, prefix=f"q{pk}")
        if not reject.is_valid():
            return _moderation_page(request, session, (pk, "reject", reject), status=400)
        extra["reason"] = reject.cleaned_data["reason"]
    elif action == "answer":
        answer = AnswerForm(request.POST, prefix=f"q{pk}")
        if not answer.is_valid():
            return _moderation_page(request, session, (pk, "answer", answer), status=400)
        extra = {"answer": answer.cleaned_data["answer"], "answered_by": answer.cleaned_data["answered_by"]}
    dialogue.question_moderate(question=question, action=action, moderator=moderator, **extra)
    messages.success(request, _("The question is now: %(status)s.") % {"status": question.get_status_display()})
    return redirect(reverse("participation:dialogue_moderation", args=[session.slug]) + _same_page(request, pk))


@require_POST
@staff_required
def question_commitment(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _moderator(request)
    session = _session(slug)
    question = get_object_or_404(session.questions.select_related("session__plan"), pk=pk)
    form = CommitmentLinkForm(request.POST, prefix=f"q{pk}", question=question)
    if not form.is_valid():
        return _moderation_page(request, session, (pk, "commitment", form), status=400)
    dialogue.question_link_commitment(question=question, commitment=form.cleaned_data["commitment"])
    messages.success(request, _("The related commitment is saved."))
    return redirect(reverse("participation:dialogue_moderation", args=[session.slug]) + _same_page(request, pk))
