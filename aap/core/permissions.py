"""Contrôles d'accès partagés par les vues : rôle requis (403) et périmètre (404 par les `for_user`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from aap.core.models import Role


def role_required(*roles: Role | str) -> Callable:
    """La vue exige une connexion et l'un des rôles ; sinon 403 (la page existe mais n'est pas pour vous)."""
    allowed: frozenset[str] = frozenset(str(r) for r in roles)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.user.role not in allowed:
                raise PermissionDenied("Cette page est réservée à d'autres profils.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
