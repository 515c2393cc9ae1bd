"""core.paging and includes/pagination.html: the page asked for (a bad number gives a page, never an
error), the links keep every other parameter, and the navigation is labelled and says where it is."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from abierta.core.paging import page_of, query_with

ROWS = list(range(1, 121))  # 120 rows: 3 pages of 50


def _request(query: str = "") -> object:
    return RequestFactory().get("/lista/" + (f"?{query}" if query else ""))


def test_the_page_asked_for() -> None:
    page = page_of(_request("page=2"), ROWS)  # type: ignore[arg-type]
    assert (page.number, list(page.object_list)[:2], len(page.object_list)) == (2, [51, 52], 50)
    assert page.paginator.num_pages == 3


def test_a_page_beyond_the_last_gives_the_last() -> None:
    page = page_of(_request("page=99"), ROWS)  # type: ignore[arg-type]
    assert page.number == 3
    assert list(page.object_list) == list(range(101, 121))


def test_a_page_that_is_not_a_number_gives_the_first() -> None:
    # Django's get_page: not a whole number → the first page; a number below 1 → the last.
    expected = {"abc": 1, "2.5": 1, "": 1, "%00": 1, "1e3": 1, "0": 3, "-1": 3}
    for bad, number in expected.items():
        assert page_of(_request(f"page={bad}"), ROWS).number == number, bad  # type: ignore[arg-type]


def test_another_parameter_name() -> None:
    page = page_of(_request("mesas=2&page=3"), ROWS, 20, param="mesas")  # type: ignore[arg-type]
    assert page.number == 2


def test_query_with_keeps_the_other_parameters_and_drops_empty_ones() -> None:
    request = _request("estado=abierto&page=4&q=&tema=a&tema=b")
    assert query_with(request, page=5) == "?estado=abierto&tema=a&tema=b&page=5"  # type: ignore[arg-type]
    assert query_with(request, page=None) == "?estado=abierto&tema=a&tema=b"  # type: ignore[arg-type]
    assert query_with(_request(), page=None) == "?"  # type: ignore[arg-type]


def test_the_navigation_keeps_the_filters_and_says_where_it_is() -> None:
    request = _request("estado=abierto&page=2")
    page = page_of(request, ROWS)  # type: ignore[arg-type]
    with translation.override("es-co"):
        html = render_to_string("includes/pagination.html", {"page": page, "request": request})
    assert '<nav class="pages" aria-label="Páginas">' in html
    assert "Página 2 de 3" in html
    assert 'href="?estado=abierto&amp;page=1" rel="prev">Página anterior</a>' in html
    assert 'href="?estado=abierto&amp;page=3" rel="next">Página siguiente</a>' in html


def test_no_navigation_for_a_single_page() -> None:
    request = _request()
    html = render_to_string("includes/pagination.html", {"page": page_of(request, ROWS[:3]), "request": request})  # type: ignore[arg-type]
    assert "<nav" not in html


def test_the_first_and_last_pages_have_one_link_each() -> None:
    request = _request("page=3")
    html = render_to_string("includes/pagination.html", {"page": page_of(request, ROWS), "request": request})  # type: ignore[arg-type]
    assert 'rel="prev"' in html and 'rel="next"' not in html
    request = _request()
    html = render_to_string("includes/pagination.html", {"page": page_of(request, ROWS), "request": request})  # type: ignore[arg-type]
    assert 'rel="next"' in html and 'rel="prev"' not in html


def test_a_second_list_on_the_same_page_has_its_own_parameter_and_label() -> None:
    request = _request("page=2")
    page = page_of(request, ROWS, 20, param="mesas")  # type: ignore[arg-type]
    context = {"page": page, "request": request, "page_param": "mesas", "pages_label": "Páginas de mesas"}
    html = render_to_string("includes/pagination.html", context)
    assert 'aria-label="Páginas de mesas"' in html
    assert 'href="?page=2&amp;mesas=2"' in html  # the other list keeps its page


def test_links_to_another_address() -> None:
    request = _request()
    page = page_of(request, ROWS)  # type: ignore[arg-type]
    html = render_to_string("includes/pagination.html", {"page": page, "request": request, "page_path": "/plan/x/"})
    assert 'href="/plan/x/?page=2"' in html
