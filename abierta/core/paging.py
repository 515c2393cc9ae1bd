"""One way to cut a list into pages: Django's paginator, the page number in ``?page=``, and every
other parameter of the address (filters, sorts) kept in the links to the other pages
(``includes/pagination.html`` with the ``page_url`` tag of ``templatetags/paging.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_PARAM = "page"
# The page sizes of the site's lists, by kind (docs/decisions/0025-pagination.md).
PER_PAGE = 50
PER_PAGE_CARDS = 20
# What a detail page shows of a list that has its own paged page (a session's questions, a table's
# proposals): the first rows, then a link to the rest.
FIRST_ROWS = 10

T = TypeVar("T")


def page_of(
    request: HttpRequest, items: QuerySet[Any] | Sequence[T], per_page: int = PER_PAGE, *, param: str = PAGE_PARAM
) -> Page[Any]:
    """The page of ``items`` that ``?page=`` asks for. A page number that is not a number gives the
    first page, one beyond the last gives the last page (Django's ``get_page``): a link that has
    aged still shows something. ``items`` must be ordered, or the pages would overlap."""
    return Paginator(items, per_page).get_page(request.GET.get(param))


def query_with(request: HttpRequest, **values: object) -> str:
    """The query string of this request (``?…``) with ``values`` set, their names dropped first;
    empty parameters are left out."""
    params = [(k, v) for k, vs in request.GET.lists() if k not in values for v in vs if v != ""]
    params += [(k, str(v)) for k, v in values.items() if v is not None and v != ""]
    return "?" + urlencode(params)
