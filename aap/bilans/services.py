"""Services des bilans. Une transaction par changement d'état, l'acteur passé en paramètre, une ligne d'audit."""

from __future__ import annotations

from aap.bilans.models import Bilan
from aap.conventions.models import Operation
from aap.conventions.regles import date_limite_bilan


def creer_bilans(operation: Operation) -> list[Bilan]:
    """Crée les bilans datés de la fiche (ceux qui ont une date limite calculable), indicateurs pré-remplis."""
    indicateurs = [
        {"code": i["code"], "nom": i["nom"], "cible": i.get("cible") or "", "valeur": "", "commentaire": ""}
        for i in operation.regles.get("indicateurs", [])
    ]
    bilans = []
    for spec in operation.regles["bilans"]:
        echeance = date_limite_bilan(spec, operation.date_fin)
        if echeance is None:
            continue
        bilans.append(
            Bilan(
                operation=operation,
                type=spec["type"],
                libelle=spec["libelle"][:120],
                echeance=echeance,
                indicateurs=indicateurs,
            )
        )
    return Bilan.objects.bulk_create(bilans)
