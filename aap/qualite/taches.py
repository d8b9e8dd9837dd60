"""Tâche de fond de la charte : calculer toutes les structures d'un dispositif sur une période (`aap.core.taches`)."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.urls import reverse

from aap.catalogue.models import Dispositif
from aap.core import taches
from aap.core.models import TacheFond, User
from aap.core.permissions import exiger_dpid
from aap.core.taches import Progression
from aap.qualite import services


def lancer_calcul(acteur: User, dispositif: Dispositif, debut: datetime.date, fin: datetime.date) -> TacheFond:
    exiger_dpid(acteur, "La charte qualité est calculée par les agents de la DPID.")
    return taches.lancer(
        "charte_calcul",
        f"Charte qualité {dispositif.code} du {debut:%d/%m/%Y} au {fin:%d/%m/%Y} : toutes les structures",
        "aap.qualite.taches.calculer_chartes",
        acteur,
        dispositif=dispositif.pk,
        debut=debut.isoformat(),
        fin=fin.isoformat(),
    )


def calculer_chartes(tache: TacheFond, progression: Progression, *, dispositif: int, debut: str, fin: str) -> dict:
    progression(0, 1, "Mesure des parcours de toutes les structures")
    objet = Dispositif.objects.get(pk=dispositif)
    nombre = services.calculer_tous(
        acteur=tache.demandee_par,
        dispositif=objet,
        debut=datetime.date.fromisoformat(debut),
        fin=datetime.date.fromisoformat(fin),
        progression=progression,
    )
    pluriel = "s" if nombre > 1 else ""
    return {
        "message": f"{nombre} résultat{pluriel} de la charte {objet.code} calculé{pluriel} ou recalculé{pluriel} "
        "(les résultats définitifs ne changent pas).",
        "lien": reverse("qualite:liste") + "?" + urlencode({"dispositif": objet.pk, "du": debut, "au": fin}),
        "lien_libelle": "Voir les résultats",
    }
