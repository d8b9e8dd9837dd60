"""Entrées du menu principal : Observatoire."""

from __future__ import annotations

from aap.core.models import User


def items(user: User) -> list[tuple[str, str]]:
    return []
