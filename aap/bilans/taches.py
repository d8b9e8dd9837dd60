"""Relances lancées depuis l'interface par un gestionnaire : tâche de fond (`aap.core.taches.lancer`)."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse

from aap.bilans.relances import envoyer_relances
from aap.core.models import TacheFond
from aap.core.taches import Progression


def relances_du_jour(tache: TacheFond, progression: Progression, *, jour: str) -> dict[str, Any]:
    envoyees = envoyer_relances(datetime.date.fromisoformat(jour), tache.demandee_par, progression)
    date = datetime.date.fromisoformat(jour)
    return {
        "message": f"{len(envoyees)} relance{'s' * (len(envoyees) > 1)} envoyée{'s' * (len(envoyees) > 1)} "
        f"pour le {date:%d/%m/%Y}.",
        "lien": reverse("bilans:relances"),
        "lien_libelle": "Journal des relances",
    }
