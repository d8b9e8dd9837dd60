"""Machines à états explicites : une table de transitions, chaque transition journalisée.

Un workflow déclare ses transitions (nom, états de départ, état d'arrivée, libellé). Les services
appellent `workflow.apply(obj, "nom", actor)` à l'intérieur de leur transaction : l'état est vérifié,
changé, enregistré et une ligne d'audit est écrite.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models

from aap.core import audit
from aap.core.models import User


class TransitionInterdite(Exception):
    """La transition demandée n'est pas permise depuis l'état courant."""


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    label: str


class Workflow:
    def __init__(self, prefix: str, field: str, transitions: Iterable[Transition]) -> None:
        self.prefix = prefix
        self.field = field
        self.transitions = {t.name: t for t in transitions}

    def get(self, name: str) -> Transition:
        return self.transitions[name]

    def can(self, obj: models.Model, name: str) -> bool:
        return getattr(obj, self.field) in self.transitions[name].sources

    def available(self, obj: models.Model) -> list[Transition]:
        state = getattr(obj, self.field)
        return [t for t in self.transitions.values() if state in t.sources]

    def table(self) -> list[tuple[str, str, str]]:
        """(départ, nom, arrivée) pour la documentation et les tests."""
        return [(s, t.name, t.target) for t in self.transitions.values() for s in t.sources]

    def apply(
        self,
        obj: models.Model,
        name: str,
        actor: User | None,
        *,
        extra_fields: Iterable[str] = (),
        at: datetime.datetime | None = None,
        **details: Any,
    ) -> Transition:
        transition = self.transitions[name]
        source = getattr(obj, self.field)
        if source not in transition.sources:
            raise TransitionInterdite(f"« {transition.label} » est impossible depuis l'état « {source} ».")
        setattr(obj, self.field, transition.target)
        obj.save(update_fields=[self.field, *extra_fields])
        audit.log(actor, f"{self.prefix}.{name}", obj, at=at, de=source, vers=transition.target, **details)
        return transition
