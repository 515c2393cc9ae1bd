"""The reporter's pages: what the channel is, the report form, the receipt, and the follow-up.

The privacy middleware has already removed the client address and the browser's data from every
request here. A receipt exists only in the response that shows it: never in a URL, a session, a
cookie or a log. The pages are CSRF-exempt (Django's CSRF cookie would tag the browser): the report
is protected by its single-use challenge, the follow-up forms by a token bound to the follow-up cookie.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from abierta.complaints import antiabuse, reporter_session, services
from abierta.complaints.forms import MAX_FILES, ReceiptForm, ReplyForm, ReportForm
from abierta.complaints.models import Case, Message
from abierta.complaints.services import OpenCase
from abierta.core import pow


def _see_other(name: str) -> HttpResponseRedirect:
    response = HttpResponseRedirect(reverse(name))
    response.status_code = 303
    return response


def _too_many(request: HttpRequest, retry_after: int, *, what: str) -> HttpResponse:
    minutes = max(1, (retry_after + 59) // 60)
    response = render(request, "complaints/reporter/too_many.html", {"minutes": minutes, "what": what}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def _busy(request: HttpRequest) -> HttpResponse:
    response = render(request, "complaints/reporter/busy.html", status=503)
    response["Retry-After"] = str(antiabuse.BUSY_RETRY_AFTER)
    return response


@csrf_exempt
@require_GET
def start(request: HttpRequest) -> HttpResponse:
    return render(request, "complaints/reporter/start.html")


# ---------------------------------------------------------------- the report


_CHALLENGE_MESSAGES = {
    antiabuse.Verdict.INVALID: lambda check: _(
        "This form expired or could not be verified. Your text is kept below: please send it again."
    ),
    antiabuse.Verdict.REUSED: lambda check: _(
        "This form was already sent. If you want to make another report, check the text below and send it again."
    ),
    antiabuse.Verdict.BAD_POW: lambda check: _(
        "Your browser could not finish the anti-abuse check. Your text is kept below: please send it again."
    ),
    antiabuse.Verdict.WAIT: lambda check: (
        _(
            "To protect this channel from automated sending, please wait %(seconds)d more seconds and send the "
            "form again. What you wrote is kept below."
        )
        % {"seconds": check.wait_seconds}
    ),
}


def _report_page(request: HttpRequest, form: ReportForm, challenge: str, status: int = 200) -> HttpResponse:
    context = {"form": form, "challenge": challenge, "max_files": MAX_FILES}
    return render(request, "complaints/reporter/new.html", context, status=status)


@csrf_exempt
@sensitive_post_parameters()
@sensitive_variables()
@require_http_methods(["GET", "HEAD", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        form = ReportForm(initial={"reference": request.GET.get("ref", "")[:200]})
        return _report_page(request, form, antiabuse.challenge_issue())

    source = antiabuse.source_of(request)
    retry = antiabuse.submission_retry_after(source)
    if retry:
        return _too_many(request, retry, what="report")
    form = ReportForm(request.POST, request.FILES)
    challenge = request.POST.get("challenge", "")
    check = antiabuse.challenge_check(challenge, request.POST.get("pow", ""))
    if form.is_valid() and check.ok:
        try:
            with antiabuse.argon2_permit():
                if antiabuse.challenge_consume(check):
                    case, receipt = services.complaint_submit(
                        report=form.report(), files=form.cleaned_data["attachments"]
                    )
                    antiabuse.submission_record(source)
                    return render(
                        request,
                        "complaints/reporter/receipt.html",
                        {"receipt": receipt, "case": case, "identified": case.identified},
                    )
                check = antiabuse.ChallengeCheck(antiabuse.Verdict.REUSED, check.purpose, check.nonce)
        except antiabuse.Busy:
            return _busy(request)
    if not check.ok:
        form.add_error(None, _CHALLENGE_MESSAGES[check.verdict](check))
    return _report_page(request, form, challenge if check.still_usable else antiabuse.challenge_issue(), status=400)


# ---------------------------------------------------------------- follow-up


def _author_label(kind: str) -> str:
    labels: dict[str, str] = {
        Message.Author.REPORTER: _("You"),
        Message.Author.HANDLER: _("Transparency office"),
        Message.Author.SYSTEM: _("System"),
    }
    return labels.get(kind, _("System"))


@sensitive_variables()
def _case_page(request: HttpRequest, opened: OpenCase, reply_form: ReplyForm | None = None) -> HttpResponse:
    """The case as the reporter sees it; renews the follow-up cookie and binds the forms to it."""
    cookie = reporter_session.encode(opened, request)
    report = services.case_content(opened)
    messages = [
        {
            "author": _author_label(shown.message.author_kind),
            "mine": shown.message.author_kind == Message.Author.REPORTER,
            "on": shown.message.created_on,
            "body": shown.body,
            "files": [meta.get("name", "") for _attachment, meta in shown.attachments],
        }
        for shown in services.case_messages(opened, include_internal=False)
    ]
    context: dict[str, Any] = {
        "case": opened.case,
        "category": Case.Category(report.category).label if report.category in Case.Category.values else "",
        "report": report,
        "files": [meta.get("name", "") for _attachment, meta in services.case_attachments(opened)],
        "conversation": messages,
        "reply_form": reply_form or ReplyForm(),
        "token": reporter_session.form_token(cookie),
    }
    response = render(request, "complaints/reporter/case.html", context)
    reporter_session.store(response, request, cookie)
    return response


_RECEIPT_CHALLENGE_MESSAGES = {
    antiabuse.Verdict.INVALID: lambda check: _(
        "This form expired or could not be verified. Please write your receipt again and send it."
    ),
    antiabuse.Verdict.REUSED: lambda check: _(
        "This form was already sent. Please write your receipt again and send it."
    ),
    antiabuse.Verdict.BAD_POW: lambda check: _(
        "Your browser could not finish the anti-abuse check. Please send the form again."
    ),
    antiabuse.Verdict.WAIT: lambda check: (
        _(
            "To protect this channel from automated guessing, please wait %(seconds)d more seconds and send the "
            "form again."
        )
        % {"seconds": check.wait_seconds}
    ),
}


def _followup_page(
    request: HttpRequest, form: ReceiptForm, challenge: str, *, ended: bool = False, status: int = 200
) -> HttpResponse:
    context = {"form": form, "ended": ended, "challenge": challenge, "wait_seconds": pow.default_wait()}
    return render(request, "complaints/reporter/followup.html", context, status=status)


@csrf_exempt
@sensitive_post_parameters()
@sensitive_variables()
@require_http_methods(["GET", "HEAD", "POST"])
def followup(request: HttpRequest) -> HttpResponse:
    opened = reporter_session.load(request)
    if opened is not None:
        if request.method == "POST":
            return _see_other("complaints:followup")
        return _case_page(request, opened)

    had_cookie = bool(reporter_session.cookie_value(request))
    if request.method != "POST":
        response = _followup_page(request, ReceiptForm(), antiabuse.receipt_challenge_issue(), ended=had_cookie)
        if had_cookie:
            reporter_session.clear(response)
        return response

    source = antiabuse.source_of(request)
    retry = antiabuse.receipt_retry_after(source)
    if retry:
        return _too_many(request, retry, what="receipt")
    form = ReceiptForm(request.POST)
    challenge = request.POST.get("challenge", "")
    if not form.is_valid():
        # Not a receipt at all: no Argon2 ran, so it neither counts nor uses up the challenge.
        return _followup_page(request, form, challenge or antiabuse.receipt_challenge_issue())
    check = antiabuse.receipt_challenge_check(challenge, request.POST.get("pow", ""))
    if check.ok and not antiabuse.challenge_consume(check):
        check = antiabuse.ChallengeCheck(antiabuse.Verdict.REUSED, check.purpose, check.nonce)
    if not check.ok:
        # Refused before Argon2: a guess costs the sender a proof of work (or a wait) first.
        form.add_error(None, _RECEIPT_CHALLENGE_MESSAGES[check.verdict](check))
        return _followup_page(request, form, challenge if check.still_usable else antiabuse.receipt_challenge_issue())
    try:
        with antiabuse.argon2_permit():
            opened = services.complaint_open(receipt=form.cleaned_data["receipt"])
    except antiabuse.Busy:
        return _busy(request)
    if opened is not None:
        response = _see_other("complaints:followup")
        reporter_session.store(response, request, reporter_session.encode(opened))
        return response
    antiabuse.receipt_failed(source)
    form.add_error(
        "receipt",
        _("This receipt was not recognised. Check it and try again: letters and numbers, in groups of four."),
    )
    return _followup_page(request, form, antiabuse.receipt_challenge_issue())


@csrf_exempt
@sensitive_post_parameters()
@sensitive_variables()
@require_POST
def reply(request: HttpRequest) -> HttpResponse:
    opened = reporter_session.load(request)
    if opened is None:
        return _see_other("complaints:followup")
    if not reporter_session.token_ok(request):
        return render(request, "complaints/reporter/forbidden.html", status=403)
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _case_page(request, opened, form)
    services.reporter_reply(opened=opened, body=form.cleaned_data["body"], files=form.cleaned_data["attachments"])
    response = _see_other("complaints:followup")
    reporter_session.store(response, request, reporter_session.encode(opened, request))
    return response


@csrf_exempt
@sensitive_post_parameters()
@require_POST
def leave(request: HttpRequest) -> HttpResponse:
    opened = reporter_session.load(request)
    if opened is not None:
        if not reporter_session.token_ok(request):
            return render(request, "complaints/reporter/forbidden.html", status=403)
        reporter_session.revoke(opened)  # a copy of the cookie kept from before opens nothing now
    response = render(request, "complaints/reporter/left.html")
    reporter_session.clear(response)
    return response
