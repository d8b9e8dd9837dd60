"""Traduction des refus du domaine en réponses HTTP : règle métier → 400 avec le message français.

Le refus pour droit insuffisant dans la structure (`DroitInsuffisant`, un `PermissionDenied`) reste
un 403, comme dans les pages.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rest_framework import status
from rest_framework.exceptions import APIException

from aap.core.workflow import TransitionInterdite
from aap.demandes.rules import ActionRefusee


class RegleMetier(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "regle_metier"

    def __init__(self, messages: list[str]) -> None:
        super().__init__()
        self.detail = {"detail": " ".join(messages), "erreurs": messages}


@contextmanager
def regles_metier() -> Iterator[None]:
    """Autour d'un appel de service : ses refus deviennent des 400 lisibles."""
    try:
        yield
    except ActionRefusee as exc:
        raise RegleMetier(exc.messages) from exc
    except TransitionInterdite as exc:
        raise RegleMetier([str(exc)]) from exc
