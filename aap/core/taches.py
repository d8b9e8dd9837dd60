"""Tâches de fond génériques : `lancer` enregistre une `TacheFond` et la confie à django-tasks (file en base,
`manage.py db_worker` ; exécution immédiate sous pytest). La fonction exécutée reçoit la tâche et un
`Progression` pour publier son avancement ; elle renvoie le résultat affiché (message, fichiers, lien).

    def exporter(tache: TacheFond, progression: Progression, *, annee: int) -> dict: ...
    lancer("export_x", "Export des versements 2026", "aap.versements.exports.exporter", agent, annee=2026)
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from aap.core import audit
from aap.core.models import StatutTache, TacheFond, User


logger = logging.getLogger(__name__)


class Progression:
    """Publie l'avancement (0–100) et l'étape ; écrit en base au plus une fois par point de pourcentage."""

    def __init__(self, tache: TacheFond) -> None:
        self.tache = tache
        self._dernier = -1

    def __call__(self, fait: int, total: int, etape: str = "") -> None:
        pourcentage = 100 if total <= 0 else min(99, int(fait * 100 / total))
        if pourcentage != self._dernier or etape != self.tache.etape:
            self._dernier = pourcentage
            self.tache.progression = pourcentage
            self.tache.etape = etape[:255]
            TacheFond.objects.filter(pk=self.tache.pk).update(progression=pourcentage, etape=self.tache.etape)


def lancer(type: str, libelle: str, fonction: str, acteur: User, **parametres: Any) -> TacheFond:
    """Crée la tâche et la met en file à la validation de la transaction courante."""
    import_string(fonction)  # erreur immédiate si le chemin est faux
    tache = TacheFond.objects.create(
        type=type, libelle=libelle[:255], fonction=fonction, parametres=parametres, demandee_par=acteur
    )
    audit.log(acteur, "tache.lancer", tache, type=type)
    transaction.on_commit(lambda: executer_tache.enqueue(tache.pk))
    return tache


def executer(tache: TacheFond) -> TacheFond:
    """Exécute la fonction de la tâche ; toute exception est consignée (statut « échec »), jamais propagée."""
    TacheFond.objects.filter(pk=tache.pk).update(statut=StatutTache.EN_COURS, etape="Démarrage")
    fonction: Callable[..., dict[str, Any] | None] = import_string(tache.fonction)
    try:
        resultat = fonction(tache, Progression(tache), **tache.parametres) or {}
    except Exception as exc:  # noqa: BLE001 — l'échec est montré à l'utilisateur et journalisé
        logger.exception("Échec de la tâche %s (%s)", tache.pk, tache.type)
        champs: dict[str, Any] = {"statut": StatutTache.ECHEC, "erreurs": [str(exc) or type(exc).__name__]}
    else:
        champs = {"statut": StatutTache.TERMINEE, "resultat": resultat, "progression": 100, "etape": "Terminée"}
    TacheFond.objects.filter(pk=tache.pk).update(terminee_le=timezone.now(), **champs)
    tache.refresh_from_db()
    audit.log(tache.demandee_par, f"tache.{tache.statut}", tache, type=tache.type)
    return tache


@task()
def executer_tache(tache_id: int) -> str:
    return executer(TacheFond.objects.select_related("demandee_par").get(pk=tache_id)).statut
