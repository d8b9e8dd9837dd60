"""Écriture du journal d'audit. Appelé par les services, jamais par les gabarits."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from aap.core.models import AuditLog, User


def _structure_id(obj: models.Model | None) -> int | None:
    if obj is None:
        return None
    if obj._meta.label == "structures.Structure":
        return obj.pk
    return getattr(obj, "structure_id", None)


def log(
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    *,
    at: datetime.datetime | None = None,
    **details: Any,
) -> AuditLog:
    """Écrit une ligne de journal : `action` est un verbe pointé, ex. « demande.deposer ».

    `at` : l'instant du domaine quand le service le reçoit (sinon maintenant)."""
    return AuditLog.objects.create(
        horodatage=at or timezone.now(),
        acteur=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        cible_type=ContentType.objects.get_for_model(target) if target is not None else None,
        cible_id=str(target.pk) if target is not None else "",
        cible_repr=str(target)[:255] if target is not None else "",
        structure_id=_structure_id(target),
        details={k: _jsonable(v) for k, v in details.items()},
    )


def log_access(agent: User, target: models.Model) -> AuditLog | None:
    """Trace la consultation par un agent du dossier d'une structure (données d'un tiers)."""
    if not agent.is_authenticated or not agent.est_agent:
        return None
    return log(agent, "consultation", target)


def _jsonable(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)
