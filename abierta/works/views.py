"""The page behind a work's QR code, the visit beacon, the list and map of works, following a work
and reporting an irregularity, and the staff downloads of a work (QR code, billboard) and its visit counts.

The work page is the most visited page of the site and is served to everyone as the same bytes:
no cookie, no CSRF token, no session read, ``Cache-Control: public`` so that a CDN may keep it, and
the anonymous page cache behind that. docs/decisions/0010-work-page-and-qr.md explains the choices.

A citizen's actions from a work's page: follow it by email (double opt-in, one-click unsubscribe)
and report an irregularity to its responsible office. No account is needed; nothing about the
visitor's connection is stored (the rate limits keep a keyed hash in the cache for an hour, no
more).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode, urlsplit

from django import forms
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from abierta.accounts.decorators import staff_required
from abierta.core import ratelimit
from abierta.core.cache import public_page
from abierta.core.http import client_address
from abierta.core.models import Institution
from abierta.core.paging import PER_PAGE_CARDS, page_of
from abierta.works import scans, services
from abierta.works.access import work_for_user
from abierta.works.billboard import billboard_pdf
from abierta.works.forms import MAX_REPORT_PHOTOS, FollowForm, ReportForm
from abierta.works.models import ROLE_ORDER, Work, WorkContract, WorkPhoto, WorkUpdate
from abierta.works.qr import qr_png, qr_svg, short_url, work_url

LATEST_UPDATES = 5
WORKS_PER_PAGE = 50
MAP_LIMIT = 2000
# The 1×1 transparent GIF the beacon answers with (43 bytes).
PIXEL_GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")
# Crockford's base32 reads I and L as 1 and O as 0: a code typed from a billboard still works.
_CODE_TYPOS = str.maketrans({"I": "1", "L": "1", "O": "0"})


def normalize_code(code: str) -> str:
    return code.strip().upper().replace("-", "").translate(_CODE_TYPOS)


# The public page ------------------------------------------------------------------------------


def shared_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The same bytes for every visitor, and a CDN may keep them.

    A request without a session cookie is anonymous by definition: saying so here saves the session
    lookup (and the ``Vary: Cookie`` it would add). Successful answers get ``Cache-Control: public``,
    an ETag and a 304 to a matching ``If-None-Match``.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            request.user = AnonymousUser()
        response = view(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        patch_cache_control(response, public=True, max_age=settings.ABIERTA_WORK_PAGE_MAX_AGE)
        set_response_etag(response)
        conditional = get_conditional_response(request, etag=response["ETag"], response=response)
        return conditional if conditional is not None else response

    return wrapper


def _published_work(code: str) -> Work:
    work = (
        Work.objects.filter(code=code, is_published=True)
        .select_related("office")
        .prefetch_related(
            Prefetch(
                "work_contracts",
                queryset=WorkContract.objects.select_related("contract"),
            ),
            Prefetch(
                "updates",
                queryset=WorkUpdate.objects.order_by("-date", "-pk").prefetch_related(
                    Prefetch("photos", queryset=WorkPhoto.objects.filter(state=WorkPhoto.State.READY))
                )[: LATEST_UPDATES + 1],  # one more: is there a page of all updates to link to?
                to_attr="latest_updates",
            ),
        )
        .first()
    )
    if work is None:
        raise Http404
    return work


@require_safe
@shared_page
@public_page
def work_detail(request: HttpRequest, code: str) -> HttpResponse:
    canonical = normalize_code(code)
    if not scans.is_code_shaped(canonical):
        raise Http404
    if canonical != code:
        return HttpResponsePermanentRedirect(reverse("works:work", args=[canonical]))
    work = _published_work(code)
    contracts = [
        {
            "role": link.get_role_display(),
            "contract": link.contract,
            "url": link.contract.get_absolute_url(),
        }
        for link in sorted(
            work.work_contracts.all(), key=lambda link: (ROLE_ORDER.get(link.role, len(ROLE_ORDER)), link.pk)
        )
    ]
    return render(
        request,
        "works/work_detail.html",
        {
            "work": work,
            "contracts": contracts,
            "updates": work.latest_updates[:LATEST_UPDATES],  # type: ignore[attr-defined]
            "more_updates": len(work.latest_updates) > LATEST_UPDATES,  # type: ignore[attr-defined]
            "updates_url": reverse("works:work_updates", args=[work.code]),
            "follow_url": reverse("works:follow", args=[work.code]),
            "report_url": reverse("works:report", args=[work.code]),
            "beacon_url": reverse("works:work_scan", args=[work.code]),
            "works_url": reverse("works:works"),
            "page_url": settings.SITE_URL + work.get_absolute_url(),
        },
    )


@require_safe
@public_page
def work_updates(request: HttpRequest, code: str) -> HttpResponse:
    """Every progress update of a work, newest first, a page at a time (its page shows the latest)."""
    work = get_object_or_404(Work.objects.filter(is_published=True), code=normalize_code(code))
    updates = work.updates.order_by("-date", "-pk").prefetch_related(
        Prefetch("photos", queryset=WorkPhoto.objects.filter(state=WorkPhoto.State.READY))
    )
    page = page_of(request, updates, PER_PAGE_CARDS)
    context = {"work": work, "page": page, "works_url": reverse("works:works")}
    return render(request, "works/work_updates.html", context)


@require_safe
def work_scan(request: HttpRequest, code: str) -> HttpResponse:
    """The beacon: one visit counted, nothing about the visitor read or kept."""
    scans.scan_record(code=normalize_code(code))
    response = HttpResponse(PIXEL_GIF, content_type="image/gif")
    response["Cache-Control"] = "no-store"
    return response


# The list and map of works ----------------------------------------------------------------------


class WorkFilterForm(forms.Form):
    q = forms.CharField(label=_("Text"), max_length=200, required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any"))])
    sector = forms.ChoiceField(label=_("Sector"), required=False, choices=[("", _("Any"))])
    localidad = forms.ChoiceField(label=_("Localidad"), required=False, choices=[("", _("Any"))])
    office = forms.ModelChoiceField(
        label=_("Responsible office"),
        required=False,
        queryset=Institution.objects.none(),
        to_field_name="slug",
        empty_label=_("Any"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        any_choice = [("", _("Any"))]
        self.fields["status"].choices = any_choice + list(Work.Status.choices)  # type: ignore[attr-defined]
        self.fields["sector"].choices = any_choice + list(Work.Sector.choices)  # type: ignore[attr-defined]
        self.fields["localidad"].choices = any_choice + list(Work.Localidad.choices)  # type: ignore[attr-defined]
        self.fields["office"].queryset = (  # type: ignore[attr-defined]
            Institution.objects.filter(works__is_published=True).distinct().order_by("name")
        )


def filter_works(data: dict[str, Any]) -> QuerySet[Work]:
    works = Work.objects.filter(is_published=True).select_related("office").order_by("name", "pk")
    for word in (data.get("q") or "").split():
        works = works.filter(
            Q(name__icontains=word) | Q(address__icontains=word) | Q(description__icontains=word) | Q(code=word.upper())
        )
    for field in ("status", "sector", "localidad"):
        if data.get(field):
            works = works.filter(**{field: data[field]})
    if data.get("office") is not None:
        works = works.filter(office=data["office"])
    return works


def map_tile_origin() -> str:
    """The origin of the tile server, for the page's img-src (``{s}`` subdomains as a wildcard)."""
    parts = urlsplit(settings.ABIERTA_MAP_TILE_URL.replace("{s}", "*"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def allow_map_tiles(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let this page's images come from the tile server too (outside the page cache: a cached
    answer is a new response object, and the CSP middleware reads the override from it)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        origin = map_tile_origin()
        if origin:
            response._csp_update = {"img-src": [origin]}  # type: ignore[attr-defined]
        return response

    return wrapper


@require_safe
@allow_map_tiles
@public_page
def work_list(request: HttpRequest) -> HttpResponse:
    form = WorkFilterForm(request.GET or None)
    status = 200
    if form.is_bound and not form.is_valid():
        works = Work.objects.none()
        status = 400
    else:
        works = filter_works(form.cleaned_data if form.is_bound else {})
    page = page_of(request, works, WORKS_PER_PAGE)
    points = [
        [code, name, float(lat or 0), float(lon or 0), Work.Status(status_value).label]
        for code, name, lat, lon, status_value in works.filter(latitude__isnull=False, longitude__isnull=False)
        .order_by("pk")
        .values_list("code", "name", "latitude", "longitude", "status")[:MAP_LIMIT]
    ]
    return render(
        request,
        "works/work_list.html",
        {
            "form": form,
            "page": page,
            "points": points,
            "map_limited": len(points) >= MAP_LIMIT,
            "tile_url": settings.ABIERTA_MAP_TILE_URL,
            "attribution": settings.ABIERTA_MAP_ATTRIBUTION,
            "work_url_template": reverse("works:work", args=["CODE"]),
        },
        status=status,
    )


# Staff: QR code, billboard, visits ---------------------------------------------------------------


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@staff_required
def work_qr_svg(request: HttpRequest, code: str) -> HttpResponse:
    work = work_for_user(request, normalize_code(code))
    return _download(qr_svg(work), "image/svg+xml", f"obra-{work.code}-qr.svg")


@require_safe
@staff_required
def work_qr_png(request: HttpRequest, code: str) -> HttpResponse:
    work = work_for_user(request, normalize_code(code))
    return _download(qr_png(work), "image/png", f"obra-{work.code}-qr.png")


@require_safe
@staff_required
def work_billboard(request: HttpRequest, code: str) -> HttpResponse:
    work = work_for_user(request, normalize_code(code))
    return _download(billboard_pdf(work), "application/pdf", f"obra-{work.code}-valla.pdf")


@require_safe
@staff_required
def work_visits(request: HttpRequest, code: str) -> HttpResponse:
    work = work_for_user(request, normalize_code(code))
    scans.scans_flush()  # this process's pending visits; other processes flush within seconds
    days = scans.scan_days(work)
    return render(
        request,
        "works/work_visits.html",
        {
            "work": work,
            "days": days,
            "total": sum(d.count for d in days),
            "work_url": work_url(work),
            "short_url": short_url(work),
        },
    )


# Following a work and reporting an irregularity -------------------------------------------------

FOLLOW_REQUESTS_PER_HOUR = 20
REPORTS_PER_HOUR = 10


def _work_or_404(code: str) -> Work:
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
    work = _work_or_404(code)
    form = FollowForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if _over_limit(request, "follow", FOLLOW_REQUESTS_PER_HOUR):
            form.is_valid()
            form.add_error(None, gettext("Too many requests from your connection. Please try again in an hour."))
            status = 429
        elif form.is_valid():
            services.follow_request(work=work, email=form.cleaned_data["email"])
            return redirect("works:follow_sent", code=work.code)
        else:
            status = 400
    return render(request, "works/follow.html", {**_common(work), "form": form}, status=status)


@require_http_methods(["GET", "HEAD"])
def follow_sent(request: HttpRequest, code: str) -> HttpResponse:
    work = _work_or_404(code)
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
    work = _work_or_404(code)
    form = ReportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if _over_limit(request, "report", REPORTS_PER_HOUR):
            form.is_valid()
            form.add_error(None, gettext("Too many reports from your connection. Please try again in an hour."))
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
        context["summary_note"] = gettext(
            "Photos are not kept when the form has errors: choose them again before sending."
        )
    return render(request, "works/report.html", context, status=status)


@require_http_methods(["GET", "HEAD"])
def report_sent(request: HttpRequest, code: str) -> HttpResponse:
    work = _work_or_404(code)
    return render(request, "works/report_sent.html", {**_common(work), "complaint_url": complaint_form_url(work)})
