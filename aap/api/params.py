"""Lecture des paramètres de requête : une valeur mal formée est une erreur 400 explicite, en français."""

from __future__ import annotations

from rest_framework.exceptions import ValidationError
from rest_framework.request import Request


def entier(request: Request, name: str) -> int | None:
    """Le paramètre `name` en entier, None s'il est absent ou vide ; 400 s'il n'est pas un entier."""
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValidationError({name: f"« {raw} » n'est pas un nombre entier."}) from None
