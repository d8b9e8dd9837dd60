"""Contrôles d'accès partagés : rôle requis d'une vue (403), rôle exigé par un service (`exiger_role`,
`exiger_dpid` : PermissionDenied, 403 dans les vues) ; le périmètre passe par les `for_user` (404)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from aap.core.models import DPID_ROLES, Role, User


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


def exiger_role(user: User, roles: frozenset[str] | set[str], message: str) -> None:
    """Le service refuse (PermissionDenied, avec `message`) un utilisateur anonyme ou d'un autre rôle."""
    if not user.is_authenticated or user.role not in roles:
        raise PermissionDenied(message)


def exiger_dpid(user: User, message: str = "Action réservée aux agents de la DPID.") -> None:
    exiger_role(user, DPID_ROLES, message)
