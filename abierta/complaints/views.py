"""Reporter pages (placeholder until the reporter side lands)."""

from django.http import Http404, HttpRequest, HttpResponse


def _missing(request: HttpRequest) -> HttpResponse:
    raise Http404


start = new = followup = reply = leave = _missing
