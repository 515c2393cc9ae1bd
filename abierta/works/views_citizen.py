"""What a citizen does from a work's page: follow it by email (double opt-in, one-click
unsubscribe) and report an irregularity to its responsible office. No account is needed; nothing
about the visitor's connection is stored (the rate limits keep a keyed hash in the cache for an
hour, no more)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from abierta.core import ratelimit
from abierta.core.http import client_address
from abierta.works import services
from abierta.works.forms import MAX_REPORT_PHOTOS, FollowForm, ReportForm
from abierta.works.models import Work

FOLLOW_REQUESTS_PER_HOUR = 20
REPORTS_PER_HOUR = 10


def _published_work(code: str) -> Work:
    return get_object_or_404(Work.objects.select_related("office"), code=code, is_published=True)


def _over_limit(request: HttpRequest, what: str, limit: int) -> bool:
    """Count one more request from this address; True past ``limit`` an hour (``core.ratelimit``:
    the cache keeps a keyed hash of the address, gone within the hour; nothing goes to the database)."""
    return ratelimit.hit(f"works:{what}:{client_address(request)}", window=3600) > limit


def _common(work: Work) -> dict[str, object]:
    return {"work": work, "work_url": services.work_public_path(work)}


# ---------------------------------------------------------------- follow


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def follow(request: HttpRequest, code: str) -> HttpResponse:
    work = _published_work(code)
    form = FollowForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if _over_limit(request, "follow", FOLLOW_REQUESTS_PER_HOUR):
            form.is_valid()
            form.add_error(None, _("Too many requests from your connection. Please try again in an hour."))
            status = 429
        elif form.is_valid():
            services.follow_request(work=work, email=form.cleaned_data["email"])
            return redirect("works:follow_sent", code=work.code)
        else:
            status = 400
    return render(request, "works/follow.html", {**_common(work), "form": form}, status=status)


@require_http_methods(["GET", "HEAD"])
def follow_sent(request: HttpRequest, code: str) -> HttpResponse:
    work = _published_work(code)
    return render(request, "works/follow_sent.html", _common(work))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def follow_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button, POST confirms: mail scanners that open links do not subscribe anyone."""
    follower = services.follower_by_token(token)
    if follower is None:
        return render(request, "works/follow_confirm.html", {"invalid": True}, status=404)
    if request.method == "POST":
        follower = services.follow_confirm(token=token)
        if follower is None:
            raise Http404
        return render(request, "works/follow_confirm.html", {**_common(follower.work), "confirmed": True})
    context = {**_common(follower.work), "already": follower.confirmed_at is not None}
    return render(request, "works/follow_confirm.html", context)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def follow_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a one-button page; POST unsubscribes. The POST is also the RFC 8058 one-click
    unsubscribe that mail clients send (``List-Unsubscribe=One-Click``, no CSRF token): the
    unguessable token in the address is what authorises it, and the worst a forged POST can do is
    unsubscribe the address the token belongs to."""
    if request.method == "POST":
        work = services.follow_cancel(token=token)
        context = {"done": True, **(_common(work) if work else {})}
        return render(request, "works/follow_unsubscribe.html", context)
    follower = services.follower_by_token(token)
    if follower is None:
        return render(request, "works/follow_unsubscribe.html", {"done": True})
    return render(request, "works/follow_unsubscribe.html", {**_common(follower.work), "token": token})


# ---------------------------------------------------------------- report


def complaint_form_url(work: Work) -> str:
    """The complaint channel's form, its "related contract, work or process" filled in with the
    work's code and its works contract (the form reads ``?ref=``; its start page does not pass it on)."""
    return f"{reverse('complaints:new')}?{urlencode({'ref': services.report_reference(work)})}"


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def report(request: HttpRequest, code: str) -> HttpResponse:
    work = _published_work(code)
    form = ReportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if _over_limit(request, "report", REPORTS_PER_HOUR):
            form.is_valid()
            form.add_error(None, _("Too many reports from your connection. Please try again in an hour."))
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            services.report_submit(
                work=work,
                text=data["text"],
                contact_name=data["contact_name"],
                contact=data["contact"],
                photos=data["photos"],
                keep_location=data["keep_location"],
            )
            return redirect("works:report_sent", code=work.code)
        else:
            status = 400
    context = {
        **_common(work),
        "form": form,
        "max_photos": MAX_REPORT_PHOTOS,
        "complaint_url": complaint_form_url(work),
    }
    if request.method == "POST" and request.FILES:
        context["summary_note"] = _("Photos are not kept when the form has errors: choose them again before sending.")
    return render(request, "works/report.html", context, status=status)


@require_http_methods(["GET", "HEAD"])
def report_sent(request: HttpRequest, code: str) -> HttpResponse:
    work = _published_work(code)
    return render(request, "works/report_sent.html", {**_common(work), "complaint_url": complaint_form_url(work)})
