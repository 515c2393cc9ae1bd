"""Site search. Spanish full-text search on PostgreSQL; a word-by-word match elsewhere (SQLite)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet

from abierta.plans.models import Commitment, Milestone


@dataclass(frozen=True)
class Hit:
    kind: str
    title: str
    url: str
    snippet: str


def _words(query: str) -> list[str]:
    return [w for w in query.split() if len(w) > 1][:8]


def _commitments(query: str) -> QuerySet[Commitment]:
    qs = Commitment.objects.filter(plan__is_published=True).select_related("plan")
    if connection.vendor == "postgresql":
        vector = (
            SearchVector("code", weight="A", config="spanish")
            + SearchVector("title", weight="A", config="spanish")
            + SearchVector("description", "objective", "problem", weight="B", config="spanish")
        )
        sq = SearchQuery(query, config="spanish", search_type="websearch")
        return qs.annotate(rank=SearchRank(vector, sq)).filter(rank__gt=0).order_by("-rank")
    cond = Q()
    for word in _words(query):
        cond &= (
            Q(code__icontains=word)
            | Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(objective__icontains=word)
            | Q(problem__icontains=word)
        )
    return qs.filter(cond)


def _milestones(query: str) -> QuerySet[Milestone]:
    qs = Milestone.objects.filter(commitment__plan__is_published=True).select_related("commitment__plan")
    if connection.vendor == "postgresql":
        sq = SearchQuery(query, config="spanish", search_type="websearch")
        return (
            qs.annotate(rank=SearchRank(SearchVector("title", config="spanish"), sq))
            .filter(rank__gt=0)
            .order_by("-rank")
        )
    cond = Q()
    for word in _words(query):
        cond &= Q(title__icontains=word)
    return qs.filter(cond)


def site_search(query: str, limit: int = 30) -> list[Hit]:
    query = query.strip()[:200]
    if not _words(query):
        return []
    hits = [
        Hit("commitment", f"{c.code} {c.title}", c.get_absolute_url(), c.description[:240])
        for c in _commitments(query)[:limit]
    ]
    hits += [
        Hit("milestone", m.title, m.commitment.get_absolute_url(), f"{m.commitment.code} {m.commitment.title}")
        for m in _milestones(query)[:limit]
    ]
    return hits
