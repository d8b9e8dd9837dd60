"""Tâches de fond des versements (voir `aap.core.taches`)."""

from __future__ import annotations

from django.urls import reverse

from aap.core import taches
from aap.core.models import TacheFond, User
from aap.core.permissions import exiger_role
from aap.core.taches import Progression
from aap.core.templatetags.aap_ui import euros
from aap.versements.exports import ROLES_EXPORT, exporter


def lancer_export(acteur: User) -> TacheFond:
    exiger_role(acteur, ROLES_EXPORT, "Seuls les agents des finances et les gestionnaires exportent les paiements.")
    return taches.lancer(
        "export_finances",
        "Export des ordres de paiement vers les finances",
        "aap.versements.taches.exporter_versements",
        acteur,
    )


def exporter_versements(tache: TacheFond, progression: Progression) -> dict:
    export = exporter(tache.demandee_par, progression=progression)
    if export is None:
        return {"message": "Aucun versement validé n'attendait d'être transmis aux finances."}
    return {
        "message": f"{export.nombre} ordre{'s' if export.nombre > 1 else ''} de paiement transmis aux finances "
        f"pour {euros(export.total)}.",
        "fichiers": [
            {"nom": export.fichier_xlsx.name.rsplit("/", 1)[-1], "chemin": export.fichier_xlsx.name},
            {"nom": export.fichier_csv.name.rsplit("/", 1)[-1], "chemin": export.fichier_csv.name},
        ],
        "lien": reverse("versements:export", args=[export.pk]),
        "lien_libelle": "Voir l'export et enregistrer les paiements",
    }
