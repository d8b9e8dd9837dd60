"""Import d'un tableau de propositions depuis l'interface : le fichier déposé est rangé sous
MEDIA_ROOT/imports/<date>/<uuid>.<ext>, puis deux tâches de fond (`aap.core.taches`) :

1. la **simulation** (`simuler`) analyse le tableau sans rien écrire ;
2. l'**import réel** (`importer`), lancé depuis le résultat d'une simulation, relit le même fichier, l'analyse à
   nouveau (la base a pu changer) et écrit une transaction par ligne, comme `manage.py import_propositions
   --wet-run` (mêmes fonctions : `analyser`, `obtenir_seance`, `importer_ligne`) ; relancé, il ne crée rien.

L'acteur est l'agent qui a lancé la tâche. Le résultat (compte, lignes) est rendu par la page
`instruction:import_resultat`.
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
from aap.core.permissions import exiger_dpid
from aap.core.taches import Progression
from aap.instruction.importation.lecture import lire_tableau
from aap.instruction.importation.resume import (
    Compte,
    ligne_en_donnees,
    phrase_resume,
    phrase_seance,
    traiter_ligne,
)
from aap.instruction.importation.service import (
    ImportImpossible,
    analyser,
    edition_cible,
    obtenir_seance,
    seance_existante,
)


TYPE_SIMULATION = "instruction.import_simulation"
TYPE_IMPORT = "instruction.import_reel"
TYPES = (TYPE_SIMULATION, TYPE_IMPORT)
DOSSIER = "imports"


def enregistrer_fichier(morceaux: Iterable[bytes], extension: str) -> str:
    """Range le fichier déposé sous MEDIA_ROOT/imports/<date du jour>/<uuid>.<ext> ; rend le chemin relatif."""
    relatif = Path(DOSSIER) / timezone.localdate().isoformat() / f"{uuid.uuid4().hex}.{extension.lower()}"
    chemin = Path(settings.MEDIA_ROOT) / relatif
    chemin.parent.mkdir(parents=True, exist_ok=True)
    with chemin.open("wb") as sortie:
        for morceau in morceaux:
            sortie.write(morceau)
    return relatif.as_posix()


def lancer_simulation(
    acteur: User, *, chemin: str, nom: str, annee: int, date_cp: datetime.date | None = None
) -> TacheFond:
    """Met en file la simulation de l'import du fichier rangé à `chemin` (nom d'origine `nom`)."""
    exiger_dpid(acteur, "L'import des tableaux de propositions est réservé aux agents de la DPID.")
    parametres = {"chemin": chemin, "nom": nom, "annee": annee, "cp": date_cp.isoformat() if date_cp else None}
    with transaction.atomic():
        tache = taches.lancer(
            TYPE_SIMULATION,
            f"Simulation de l'import du tableau « {nom} »",
            "aap.instruction.importation.taches.simuler",
            acteur,
            **parametres,
        )
        audit.log(acteur, "instruction.import_propositions.simuler", tache, **parametres)
    return tache


def importable(simulation: TacheFond) -> bool:
    """Une simulation terminée qui annonce au moins une demande ou une inscription à créer."""
    compte = simulation.resultat.get("compte", {}) if simulation.statut == StatutTache.TERMINEE else {}
    return simulation.type == TYPE_SIMULATION and bool(compte.get("demandes") or compte.get("inscriptions"))


def lancer_import(acteur: User, simulation: TacheFond) -> TacheFond:
    """Met en file l'import réel du fichier d'une simulation terminée (mêmes fichier, édition et séance)."""
    exiger_dpid(acteur, "L'import des tableaux de propositions est réservé aux agents de la DPID.")
    if not importable(simulation):
        raise ImportImpossible("Cette simulation n'annonce rien à importer : relancez une simulation.")
    parametres = {
        cle: simulation.parametres.get(cle) for cle in ("chemin", "nom", "annee", "cp") if cle in simulation.parametres
    }
    with transaction.atomic():
        tache = taches.lancer(
            TYPE_IMPORT,
            f"Import du tableau de propositions « {parametres['nom']} »",
            "aap.instruction.importation.taches.importer",
            acteur,
            simulation_id=simulation.pk,
            **parametres,
        )
        audit.log(acteur, "instruction.import_propositions.importer", tache, simulation=simulation.pk, **parametres)
    return tache


# --- Tâches de fond ---------------------------------------------------------------------------------------


def simuler(tache: TacheFond, progression: Progression, **parametres: Any) -> dict[str, Any]:
    return _derouler(tache, progression, ecrire=False, **parametres)


def importer(tache: TacheFond, progression: Progression, *, simulation_id: int, **parametres: Any) -> dict[str, Any]:
    resultat = _derouler(tache, progression, ecrire=True, **parametres)
    resultat["simulation"] = simulation_id
    return resultat


def _derouler(
    tache: TacheFond,
    progression: Progression,
    *,
    ecrire: bool,
    chemin: str,
    nom: str,
    annee: int | None,
    cp: str | None = None,
) -> dict[str, Any]:
    acteur = tache.demandee_par
    exiger_dpid(acteur, "L'import des tableaux de propositions est réservé aux agents de la DPID.")
    progression(0, 1, "Lecture du fichier")
    tableau = lire_tableau(Path(settings.MEDIA_ROOT) / chemin)
    edition = edition_cible(annee)
    date_cp = datetime.date.fromisoformat(cp) if cp else None
    seance = seance_existante(date_cp, edition) if date_cp else None
    total = len(tableau.lignes)
    progression(0, total, f"Analyse des {total} ligne(s)")
    plans = analyser(tableau, edition, date_cp)
    info_seance = ""
    if date_cp is not None:
        if seance is None and ecrire:
            seance, creee = obtenir_seance(date_cp, edition, acteur)
            info_seance = phrase_seance(date_cp, seance, creee=creee)
        else:
            info_seance = phrase_seance(date_cp, seance)
    compte, lignes = Compte(), []
    for fait, plan in enumerate(plans, 1):
        issue = traiter_ligne(
            plan, ecrire=ecrire, acteur=acteur, seance=seance, fichier=nom, inscrire=date_cp is not None
        )
        compte.ajouter(issue)
        lignes.append(ligne_en_donnees(issue))
        progression(fait, total, f"Ligne {plan.numero} ({fait} sur {total})")
    return {
        "message": phrase_resume(compte, ecrire),
        "ecrire": ecrire,
        "compte": compte.en_donnees(),
        "lignes": lignes,
        "fichier": nom,
        "format": tableau.format,
        "encodage": tableau.encodage,
        "colonnes_ignorees": tableau.colonnes_ignorees,
        "edition": edition.annee,
        "cp": cp,
        "seance": info_seance,
        "seance_id": seance.pk if seance else None,
        "lien": reverse("instruction:import_resultat", args=[tache.pk]),
        "lien_libelle": "Voir le détail de l'import" if ecrire else "Voir le détail et importer pour de bon",
    }
