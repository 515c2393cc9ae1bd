from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from abierta.core.cache import public_page
from abierta.development.models import DevelopmentPlan
from abierta.plans.models import ActionPlan
from abierta.site.search import site_search


@public_page
def home(request: HttpRequest) -> HttpResponse:
    plans = ActionPlan.objects.filter(is_published=True).prefetch_related("lead_institutions")
    return render(request, "site/home.html", {"plans": plans, "plan": plans.first()})


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 when it does not. For load balancers and monitors."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    hits = site_search(query)
    return render(request, "site/search.html", {"query": query, "hits": hits})


@public_page
def transparency(request: HttpRequest) -> HttpResponse:
    """What the platform publishes, under the headings of Resolución 1519 de 2020, Anexo 2.

    See docs/decisions/0004-transparency-section.md for the headings covered and the sources.
    """
    context = {
        "plans": ActionPlan.objects.filter(is_published=True),
        "dev_plans": DevelopmentPlan.objects.filter(is_published=True),
    }
    return render(request, "site/transparency.html", context)


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "site/privacy.html")


def terms(request: HttpRequest) -> HttpResponse:
    return render(request, "site/terms.html")


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "site/accessibility.html")


def admin_contracts_moved(request: HttpRequest, rest: str) -> HttpResponsePermanentRedirect:
    """The admin's contracts moved with their app (works → contracting): old addresses lead there."""
    return HttpResponsePermanentRedirect(
        request.get_full_path().replace("/admin/works/contract/", "/admin/contracting/contract/", 1)
    )
