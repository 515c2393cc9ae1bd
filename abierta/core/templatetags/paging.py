"""``{% page_url n %}``: the address of page ``n`` of the list on this page, with every other
parameter of the request kept (``includes/pagination.html``). A ``page_path`` in the context points
the links at another page (a form's answer showing a list that lives elsewhere)."""

from __future__ import annotations

from typing import Any

from django import template

from abierta.core.paging import PAGE_PARAM, query_with

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context: dict[str, Any], number: int) -> str:
    param = context.get("page_param") or PAGE_PARAM
    return (context.get("page_path") or "") + query_with(context["request"], **{param: number})
