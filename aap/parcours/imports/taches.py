"""Import depuis l'interface : le fichier déposé est rangé sous MEDIA_ROOT/imports/parcours/<uuid>.csv, puis
deux tâches de fond (`aap.core.taches`) au nom de l'utilisateur :

1. la **simulation** (`simuler`) déroule le fichier dans une transaction annulée ;
2. l'**import réel** (`appliquer`), lancé depuis une simulation terminée, relit le même fichier ; le fichier est
   supprimé quand il a tourné.

Un fichier dont la simulation est abandonnée est supprimé 30 jours après son dépôt (`purger_fichiers`,
à planifier chaque jour ; la commande `importer_parcours` n'utilise pas ce dossier).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from aap.core import audit, taches
from aap.core.models import StatutTache, TacheFond, User
from aap.core.taches import Progression
from aap.parcours.imports import moteur
from aap.parcours.imports.colonnes import NATURES
from aap.parcours.imports.communs import ImportImpossible, verifier_acteur


TYPE_SIMULATION = "parcours.import_simulation"
TYPE_IMPORT = "parcours.import_reel"
TYPES = (TYPE_SIMULATION, TYPE_IMPORT)
DOSSIER = Path("imports") / "parcours"
DUREE_CONSERVATION = datetime.timedelta(days=30)


def enregistrer_fichier(morceaux: Iterable[bytes]) -> str:
    """Range le fichier déposé ; rend son chemin relatif à MEDIA_ROOT."""
    relatif = DOSSIER / f"{uuid.uuid4().hex}.csv"
    chemin = Path(settings.MEDIA_ROOT) / relatif
    chemin.parent.mkdir(parents=True, exist_ok=True)
    with chemin.open("wb") as sortie:
        for morceau in morceaux:
            sortie.write(morceau)
    return relatif.as_posix()


def _chemin(relatif: str) -> Path:
    racine = Path(settings.MEDIA_ROOT).resolve()
    chemin = (racine / relatif).resolve()
    if (racine / DOSSIER).resolve() not in chemin.parents:
        raise ImportImpossible("Chemin de fichier d'import invalide.")
    return chemin


def lancer_simulation(acteur: User, *, nature: str, chemin: str, nom: str) -> TacheFond:
    verifier_acteur(nature, acteur)
    with transaction.atomic():
        tache = taches.lancer(
            TYPE_SIMULATION,
            f"Simulation de l'import « {nom} » ({NATURES[nature].lower()})",
            "aap.parcours.imports.taches.simuler",
            acteur,
            nature=nature,
            chemin=chemin,
            nom=nom,
        )
        audit.log(acteur, "parcours.import.simuler", tache, nature=nature, nom=nom)
    return tache


def applicable(simulation: TacheFond) -> bool:
    """Simulation terminée qui annonce au moins une ligne à créer ou à modifier, fichier encore présent, pas
    encore appliquée."""
    if simulation.type != TYPE_SIMULATION or simulation.statut != StatutTache.TERMINEE:
        return False
    compte = simulation.resultat.get("compte", {})
    if not (compte.get("cree") or compte.get("modifie")):
        return False
    if TacheFond.objects.filter(type=TYPE_IMPORT, parametres__simulation_id=simulation.pk).exists():
        return False
    return _chemin(simulation.parametres["chemin"]).is_file()


def lancer_import(acteur: User, simulation: TacheFond) -> TacheFond:
    if simulation.demandee_par_id != acteur.pk:
        raise ImportImpossible("Seul l'auteur de la simulation peut appliquer cet import.")
    if not applicable(simulation):
        raise ImportImpossible(
            "Cette simulation ne peut pas être appliquée (rien à créer ni à modifier, déjà appliquée, ou fichier "
            "supprimé) : déposez le fichier de nouveau."
        )
    parametres = {cle: simulation.parametres[cle] for cle in ("nature", "chemin", "nom")}
    with transaction.atomic():
        tache = taches.lancer(
            TYPE_IMPORT,
            f"Import « {parametres['nom']} » ({NATURES[parametres['nature']].lower()})",
            "aap.parcours.imports.taches.appliquer",
            acteur,
            simulation_id=simulation.pk,
            **parametres,
        )
        audit.log(acteur, "parcours.import.lancer", tache, simulation=simulation.pk, **parametres)
    return tache


# --- Tâches de fond ---------------------------------------------------------------------------------------


def simuler(tache: TacheFond, progression: Progression, **parametres: Any) -> dict[str, Any]:
    return _derouler(tache, progression, appliquer=False, **parametres)


def appliquer(tache: TacheFond, progression: Progression, *, simulation_id: int, **parametres: Any) -> dict[str, Any]:
    try:
        resultat = _derouler(tache, progression, appliquer=True, **parametres)
    finally:
        _chemin(parametres["chemin"]).unlink(missing_ok=True)
    resultat["simulation"] = simulation_id
    return resultat


def _derouler(
    tache: TacheFond, progression: Progression, *, appliquer: bool, nature: str, chemin: str, nom: str
) -> dict[str, Any]:
    progression(0, 1, "Lecture du fichier")
    fichier = _chemin(chemin)
    if not fichier.is_file():
        raise ImportImpossible("Le fichier déposé n'existe plus (appliqué ou purgé) : déposez-le de nouveau.")
    rapport = moteur.importer(
        nature, fichier.read_bytes(), tache.demandee_par, appliquer=appliquer, progression=progression
    )
    return {
        **rapport.en_donnees(),
        "fichier": nom,
        "lien": reverse("parcours_imports:resultat", args=[tache.pk]),
        "lien_libelle": "Voir le rapport" if appliquer else "Voir le rapport et appliquer l'import",
    }


def purger_fichiers(maintenant: datetime.datetime | None = None) -> list[str]:
    """Supprime les fichiers déposés depuis plus de 30 jours (simulations abandonnées) ; rend leurs chemins."""
    limite = (maintenant or timezone.now()) - DUREE_CONSERVATION
    dossier = Path(settings.MEDIA_ROOT) / DOSSIER
    supprimes = []
    for fichier in sorted(dossier.glob("*.csv")) if dossier.is_dir() else []:
        if datetime.datetime.fromtimestamp(fichier.stat().st_mtime, tz=datetime.UTC) < limite:
            fichier.unlink(missing_ok=True)
            supprimes.append((DOSSIER / fichier.name).as_posix())
    return supprimes
