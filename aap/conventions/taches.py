"""Tâches de fond des conventions (lancées par `aap.core.taches.lancer`) : génération des conventions d'une
séance de CP, export SCDL d'une année. Chaque fonction rend le résultat affiché sur la page de la tâche."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import reverse

from aap.commission.models import SeanceCP
from aap.conventions.generation import CompteRendu, generer_conventions_seance
from aap.conventions.scdl import exporter
from aap.core.models import TacheFond
from aap.core.taches import Progression


def _compter(nombre: int, singulier: str, pluriel: str) -> str:
    return f"aucune {singulier}" if nombre == 0 else f"{nombre} {singulier if nombre == 1 else pluriel}"


def generer_pour_seance(tache: TacheFond, progression: Progression, *, seance_id: int) -> dict[str, Any]:
    seance = SeanceCP.objects.select_related("edition").get(pk=seance_id)
    compte = CompteRendu()
    generer_conventions_seance(seance, tache.demandee_par, progression=progression, compte=compte)
    reste = len(compte.par_avenant) + len(compte.convention_signee)
    parties = [_compter(len(compte.creees), "convention générée", "conventions générées")]
    if compte.completees:
        parties.append(_compter(len(compte.completees), "convention complétée", "conventions complétées"))
    if reste:
        parties.append(_compter(reste, "inscription à traiter par avenant", "inscriptions à traiter par avenant"))
    message = ", ".join(parties) + "."
    message = message[0].upper() + message[1:]
    return {
        "message": message,
        "lignes": compte.lignes(),
        "lien": reverse("conventions:seance", args=[seance.pk]),
        "lien_libelle": f"Conventions de la CP du {seance.date:%d/%m/%Y}",
    }


def exporter_scdl(tache: TacheFond, progression: Progression, *, annee: int, tous: bool = False) -> dict[str, Any]:
    progression(0, 1, "Lecture des conventions signées")
    contenu, nombre = exporter(annee, tous)
    nom = f"subventions-scdl-{annee}{'-toutes' if tous else ''}.csv"
    relatif = Path("conventions") / "scdl" / str(tache.pk) / nom
    chemin = Path(settings.MEDIA_ROOT) / relatif
    chemin.parent.mkdir(parents=True, exist_ok=True)
    chemin.write_text(contenu, encoding="utf-8", newline="")
    progression(1, 1, "Fichier écrit")
    return {
        "message": f"{nombre} convention(s) signée(s) en {annee} exportée(s) au format SCDL Subventions 2.1.1.",
        "fichiers": [{"nom": nom, "chemin": relatif.as_posix()}],
        "lien": reverse("conventions:documents"),
        "lien_libelle": "Documents des conventions",
    }
