"""Pages of the citizen consultation: the question, the two-step web vote, in-person entry at the
tables, results with the published ballot file, finding one's ballot, and adopting the winner.

Permissions come only from ``access.py``. The two vote steps are open to people with no account;
they carry Django's CSRF token (a cookie), so that another site cannot make its visitors' browsers
ask for codes from their addresses (docs/decisions/0015-consultation-identity.md). The receipt
lookup reads only, and stays open to browsers without cookies.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from abierta.accounts.decorators import staff_required
from abierta.core import pow
from abierta.core.charts import bar_chart
from abierta.core.csvexport import streaming_csv
from abierta.core.http import client_address
from abierta.participation import access
from abierta.participation.consultation import ballotfile, otp
from abierta.participation.consultation import services as svc
from abierta.participation.consultation.forms import ConfirmForm, ReceiptForm, TableVoteForm, VoterForm
from abierta.participation.models import Ballot, BallotFile, Consultation, PollingTable, Territory

TOKEN_SALT = "abierta.participation.vote"  # noqa: S105 (a signing namespace, not a secret)


def _get(slug: str) -> Consultation:
    """The consultation of the plan ``slug``, or 404 (the only way a view gets one)."""
    return get_object_or_404(Consultation.objects.select_related("process__plan"), process__plan__slug=slug)


def _context(consultation: Consultation, **extra: Any) -> dict[str, Any]:
    return {
        "consultation": consultation,
        "process": consultation.process,
        "plan": consultation.process.plan,
        "is_open": consultation.is_open(),
        "results_public": access.may_see_results(consultation),
        **extra,
    }


@require_GET
def consultation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _get(slug)
    return render(
        request,
        "participation/consultation/detail.html",
        _context(
            consultation,
            initiatives=svc.eligible_initiatives(consultation),
            may_enter=access.may_enter_table_votes(request.user, consultation),
        ),
    )


# ---------------------------------------------------------------- the web vote


POW_PURPOSE = "vote-code"


def _minutes(seconds: int) -> int:
    return max(1, (seconds + 59) // 60)


def _pow_refusal(check: pow.Check) -> str:
    return pow.refusal(
        check,
        _(
            "To protect the consultation from automated sending, please wait %(seconds)d more seconds and send "
            "the form again. What you typed is kept below."
        ),
    )


def _refusal_message(refused: svc.CodeRefused) -> tuple[str | None, str, int]:
    """The field the refusal belongs to (None: the whole form), its message and the HTTP status."""
    minutes = _minutes(refused.retry_after)
    R = svc.Refusal
    if refused.reason is R.DOCUMENT:
        return (
            None,
            _("Too many codes were asked for this document. Try again in %(minutes)d minutes.") % {"minutes": minutes},
            429,
        )
    if refused.reason is R.CONTACT:
        return (
            "contact",
            _("Too many codes were sent to this email or phone. Try again in %(minutes)d minutes.")
            % {"minutes": minutes},
            429,
        )
    if refused.reason is R.SOURCE:
        return (
            None,
            _("Too many codes were asked from your network. Try again in %(minutes)d minutes, or vote at a table.")
            % {"minutes": minutes},
            429,
        )
    if refused.reason is R.BUSY:
        return (
            None,
            _("Many people are asking for codes right now. Try again in %(minutes)d minute.") % {"minutes": minutes},
            429,
        )
    if refused.reason is R.CONTACT_BOUND:
        return (
            "contact",
            _(
                "This email or phone already asked for a code for another document. Each email or phone can be "
                "used for one person only: use another one, or vote at a table."
            ),
            400,
        )
    if refused.reason is R.TOO_MANY_FAILURES:
        return (
            None,
            _(
                "Too many attempts that did not match the voter roll for this document. Try again in %(minutes)d "
                "minutes, or vote at a table with your document."
            )
            % {"minutes": minutes},
            429,
        )
    if refused.reason is R.VERIFIER_DOWN:
        return (
            None,
            _("We cannot verify identities right now. Try again in %(minutes)d minutes, or vote at a table.")
            % {"minutes": minutes},
            503,
        )
    return (
        None,
        _(
            "We could not verify that this document may vote in this consultation. Check the number and the "
            "date, or vote at a table with your document."
        ),
        400,
    )


def _vote_page(
    request: HttpRequest,
    consultation: Consultation,
    form: VoterForm,
    challenge: str,
    status: int = 200,
    retry_after: int = 0,
) -> HttpResponse:
    context = _context(consultation, form=form, challenge=challenge, wait_seconds=pow.default_wait())
    response = render(request, "participation/consultation/vote.html", context, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def _confirm_page(
    request: HttpRequest, consultation: Consultation, form: ConfirmForm, status: int = 200
) -> HttpResponse:
    return render(request, "participation/consultation/confirm.html", _context(consultation, form=form), status=status)


@never_cache
@sensitive_post_parameters("document_number", "contact", "second_fact")
@require_http_methods(["GET", "HEAD", "POST"])
def vote(request: HttpRequest, slug: str) -> HttpResponse:
    """Step 1: document and where to send the code; the optional questions. A proof of work and
    limits per contact, per network address and for the whole site stand before the code is sent."""
    consultation = _get(slug)
    if not access.may_vote(consultation):
        raise PermissionDenied
    if request.method != "POST":
        return _vote_page(request, consultation, VoterForm(consultation=consultation), pow.issue(POW_PURPOSE))
    form = VoterForm(request.POST, consultation=consultation)
    challenge = request.POST.get("challenge", "")
    check = pow.check(POW_PURPOSE, challenge, request.POST.get("pow", ""))
    if check.ok and form.is_valid() and not pow.consume(check):
        check = pow.Check(pow.Verdict.REUSED, check.purpose, check.nonce)
    if not check.ok or not form.is_valid():
        if not check.ok:
            form.add_error(None, _pow_refusal(check))
        next_challenge = challenge if check.still_usable else pow.issue(POW_PURPOSE)
        return _vote_page(request, consultation, form, next_challenge, status=400)
    data = form.cleaned_data
    try:
        document_hash = svc.code_request(
            consultation=consultation,
            document_type=data["document_type"],
            document_number=data["document_number"],
            contact=data["contact"],
            source=client_address(request),
            facts=form.facts(),
        )
    except svc.CodeRefused as refused:
        field, message, status = _refusal_message(refused)
        form.add_error(field, message)
        return _vote_page(
            request, consultation, form, pow.issue(POW_PURPOSE), status=status, retry_after=refused.retry_after
        )
    except otp.CodeNotSent:
        form.add_error("contact", _("We could not send the code there. Check it, or try another address."))
        return _vote_page(request, consultation, form, pow.issue(POW_PURPOSE), status=400)
    token = signing.dumps({"c": consultation.pk, "d": document_hash, "a": form.answers()}, salt=TOKEN_SALT)
    confirm = ConfirmForm(
        initial={"token": token},
        consultation=consultation,
        initiatives=svc.eligible_initiatives(consultation),
    )
    return _confirm_page(request, consultation, confirm)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def vote_confirm(request: HttpRequest, slug: str) -> HttpResponse:
    """Step 2: the code and the choice; on success the receipt, shown once (not at any address)."""
    consultation = _get(slug)
    if not access.may_vote(consultation):
        raise PermissionDenied
    if request.method != "POST":
        return redirect("participation:consultation_vote", slug=slug)
    form = ConfirmForm(request.POST, consultation=consultation, initiatives=svc.eligible_initiatives(consultation))
    if not form.is_valid():
        return _confirm_page(request, consultation, form, status=400)
    try:
        token = signing.loads(form.cleaned_data["token"], salt=TOKEN_SALT, max_age=svc.code_lifetime())
    except signing.BadSignature:
        token = None
    if not token or token.get("c") != consultation.pk:
        form.add_error(None, _("This step has expired. Please start again and ask for a new code."))
        return _confirm_page(request, consultation, form, status=400)
    result = svc.code_verify(consultation=consultation, document_hash=token["d"], code=form.cleaned_data["code"])
    if result is not svc.CodeResult.OK:
        errors = {
            svc.CodeResult.WRONG: _("That code is not right. Check it and try again."),
            svc.CodeResult.EXPIRED: _("That code has expired or was already used. Please ask for a new code."),
            svc.CodeResult.TOO_MANY: _("Too many wrong attempts with this code. Please ask for a new code."),
        }
        form.add_error("code", errors[result])
        return _confirm_page(request, consultation, form, status=400)
    answers = token.get("a") or {}
    try:
        receipt = svc.vote_cast(
            consultation=consultation,
            document_hash=token["d"],
            choices=form.cleaned_data["choices"],
            channel=Ballot.Channel.WEB,
            age_band=answers.get("age_band", ""),
            sector=answers.get("sector", ""),
            territory=answers.get("territory", ""),
            initiatives=form.initiatives,
        )
    except svc.ClosedError:  # the close came between the check above and the vote
        form.add_error(None, _("The consultation closed before your vote could be recorded: it was not counted."))
        return _confirm_page(request, consultation, form, status=409)
    return _receipt_page(request, consultation, receipt)


def _receipt_page(request: HttpRequest, consultation: Consultation, receipt: str | None) -> HttpResponse:
    if receipt is None:
        return render(request, "participation/consultation/already_voted.html", _context(consultation), status=409)
    return render(request, "participation/consultation/receipt.html", _context(consultation, receipt=receipt))


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def check(request: HttpRequest, slug: str) -> HttpResponse:
    """Find my ballot: the receipt is hashed here and the matching published row is shown."""
    consultation = _get(slug)
    form = ReceiptForm(request.POST if request.method == "POST" else None)
    ballot = None
    searched = waiting = False
    status = 200
    if request.method == "POST":
        if form.is_valid():
            searched = True
            svc.consultation_close_if_due(consultation)
            ballot = svc.ballot_find(consultation, form.cleaned_data["receipt"])
            waiting = ballot is None and svc.ballot_waiting(consultation, form.cleaned_data["receipt"])
        else:
            status = 400
    return render(
        request,
        "participation/consultation/check.html",
        _context(
            consultation,
            form=form,
            ballot=ballot,
            searched=searched,
            waiting=waiting,
            receipt_hash=ballot.receipt_hash if ballot else "",
        ),
        status=status,
    )


# ---------------------------------------------------------------- results and the ballot file


def _labels(choices: list[tuple[str, Any]]) -> dict[str, str]:
    return {k: str(v) for k, v in choices}


def _frozen(consultation: Consultation) -> BallotFile:
    """The frozen ballot file of a closed consultation (frozen now by the first request after the close)."""
    if not access.may_see_results(consultation):
        raise PermissionDenied
    frozen = svc.consultation_close_if_due(consultation)
    if frozen is None:  # pragma: no cover - may_see_results said closed
        raise PermissionDenied
    return frozen


@require_GET
def results(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _get(slug)
    frozen = _frozen(consultation)
    counted = svc.tally(consultation, frozen)
    chart = bar_chart([(f"{i.number}. {i.title}", n, str(n)) for i, n in counted.by_initiative])
    label_sets = {
        "age_band": (_("By age"), _labels(svc.AgeBand.choices)),
        "sector": (_("By sector"), _labels(svc.Sector.choices)),
        "territory": (_("By territory"), _labels(Territory.choices)),
    }
    breakdowns = [
        {
            "slug": key,
            "heading": label_sets[key][0],
            "rows": [(label_sets[key][1].get(k, k), n) for k, n in rows.items()],
        }
        for key, rows in counted.breakdowns.items()
    ]
    channels = _labels(Ballot.Channel.choices)
    adopted = consultation.process.plan.initiatives.filter(selected=True, commitment__isnull=False).first()
    return render(
        request,
        "participation/consultation/results.html",
        _context(
            consultation,
            tally=counted,
            chart=chart,
            by_channel=[(channels[c], n) for c, n in counted.by_channel.items()],
            breakdowns=breakdowns,
            frozen=frozen,
            digest=frozen.sha256,
            size=ballotfile.size(frozen),
            reconciliation=svc.reconciliation(consultation, counted.by_channel.get(Ballot.Channel.IN_PERSON, 0)),
            adopted=adopted,
            may_adopt=access.may_adopt_winner(request.user, consultation.process),
        ),
    )


@require_GET
def ballots_json(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    consultation = _get(slug)
    frozen = _frozen(consultation)
    response = StreamingHttpResponse(ballotfile.chunks(frozen), content_type="application/json")
    response["Content-Length"] = str(ballotfile.size(frozen))
    response["Content-Disposition"] = f'attachment; filename="consulta-{slug}-boletas.json"'
    return response


@require_GET
def ballots_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """The frozen file's ballots as a spreadsheet (read from the frozen bytes, not from the rows), written
    while the file is read a chunk at a time."""
    consultation = _get(slug)
    frozen = _frozen(consultation)
    rows = (
        [ballot["receipt_hash"], " ".join(str(n) for n in ballot["choices"]), ballot["channel"], ballot["day"]]
        for ballot in ballotfile.ballots(frozen)
    )
    return streaming_csv(f"consulta-{slug}-boletas.csv", ["receipt_hash", "choices", "channel", "day"], rows)


# ---------------------------------------------------------------- staff


@staff_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def table_entry(request: HttpRequest, slug: str) -> HttpResponse:
    """The tables where this facilitator enters in-person votes (each table has its own form)."""
    consultation = _get(slug)
    if not access.may_enter_table_votes(request.user, consultation):
        raise PermissionDenied
    if request.method == "POST":
        return HttpResponseNotAllowed(["GET", "HEAD"])
    tables = access.facilitated_tables(request.user, consultation)
    if len(tables) == 1:
        return redirect("participation:consultation_table_vote", slug=slug, number=tables[0].number)
    return render(request, "participation/consultation/table_choose.html", _context(consultation, tables=tables))


@staff_required
@never_cache
@sensitive_post_parameters("document_number")
@require_http_methods(["GET", "HEAD", "POST"])
def table_vote(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """A facilitator of the table types in a vote cast there: the same document fingerprint as on the web."""
    consultation = _get(slug)
    table = get_object_or_404(PollingTable, consultation=consultation, number=number)
    table.consultation = consultation  # read once per vote, not again through the table
    if not access.may_enter_at_table(request.user, table):
        raise PermissionDenied
    initiatives = svc.eligible_initiatives(consultation)
    form = TableVoteForm(
        request.POST if request.method == "POST" else None, consultation=consultation, initiatives=initiatives
    )
    receipt = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                receipt = svc.vote_cast(
                    consultation=consultation,
                    document_hash=svc.voter_hash(data["document_type"], data["document_number"]),
                    choices=data["choices"],
                    channel=Ballot.Channel.IN_PERSON,
                    initiatives=initiatives,
                    table=table,
                    entered_by=request.user,
                    **form.answers(),
                )
            except svc.ClosedError as exc:  # the close came between the check above and the vote
                raise PermissionDenied from exc
            if receipt is None:
                form.add_error(None, _("A vote with this document has already been cast, on the web or at a table."))
                status = 409
            else:
                # Only the receipt and a link to the next entry, without the site's frame: drawing
                # the whole form page again took most of the CPU of a vote (docs/benchmarks.md).
                page = loader.render_to_string(
                    "participation/consultation/table_receipt.html",
                    {
                        "consultation": consultation,
                        "receipt": receipt,
                        "LANGUAGE_CODE": get_language(),
                        "next_entry": reverse(
                            "participation:consultation_table_vote", kwargs={"slug": slug, "number": number}
                        ),
                    },
                )
                return HttpResponse(page)
        else:
            status = 400
    return render(
        request,
        "participation/consultation/table_entry.html",
        _context(consultation, form=form, receipt=receipt, table=table),
        status=status,
    )


@staff_required
@require_POST
def adopt(request: HttpRequest, slug: str) -> HttpResponseRedirect:
    consultation = _get(slug)
    if not access.may_adopt_winner(request.user, consultation.process):
        raise PermissionDenied
    try:
        commitment = svc.adopt_winner(consultation, request.user)
    except svc.TieError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("The winning initiative is now commitment %(code)s of the plan.") % {"code": commitment.code}
        )
    return HttpResponseRedirect(reverse("participation:consultation_results", kwargs={"slug": slug}))
