"""Handler pages (placeholder until the handler side lands)."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def _missing(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


inbox = unlock = audit_log = case_detail = case_status = case_assign = _missing
case_message = case_extend = case_delete = attachment_export = _missing
