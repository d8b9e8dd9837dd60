"""Tri et pagination des listes (paramètres `tri` et `page`), communs à toutes les tables."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest


def sort_queryset(request: HttpRequest, qs: QuerySet, allowed: Mapping[str, str], default: str) -> QuerySet:
    """Trie selon `?tri=champ` ou `?tri=-champ` si le champ est dans la liste blanche `allowed`."""
    key = request.GET.get("tri", default)
    descending = key.startswith("-")
    field = allowed.get(key.lstrip("-"))
    if field is None:
        descending = default.startswith("-")
        field = allowed[default.lstrip("-")]
    return qs.order_by(f"-{field}" if descending else field, "pk")


def paginate(request: HttpRequest, qs: QuerySet, per_page: int = 25) -> Page:
    return Paginator(qs, per_page).get_page(request.GET.get("page"))
