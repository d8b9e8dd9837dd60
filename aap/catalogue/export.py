"""Export JSON d'une édition chargée : tout ce que la base contient, décimaux en chaînes, dates ISO."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Prefetch

from aap.catalogue.models import Dispositif, Edition, SessionAppel


def _date(valeur: datetime.date | None) -> str | None:
    return valeur.isoformat() if valeur else None


def exporter_edition(edition: Edition) -> dict[str, Any]:
    dispositifs = (
        Dispositif.objects.filter(edition=edition)
        .select_related("axe", "ligne_budgetaire")
        .prefetch_related("territoires", Prefetch("sessions", queryset=SessionAppel.objects.order_by("numero")))
    )
    par_axe: dict[int, list[dict[str, Any]]] = {}
    for d in dispositifs:
        par_axe.setdefault(d.axe_id, []).append(
            {
                "code": d.code,
                "slug": d.slug,
                "titre": d.titre,
                "periode": {
                    "libelle": d.periode_libelle,
                    "debut": _date(d.periode_debut),
                    "fin": _date(d.periode_fin),
                    "duree_max_mois": d.periode_duree_max_mois,
                },
                "description": d.description,
                "territoires": [t.code for t in d.territoires.all()],
                "ligne_budgetaire": d.ligne_budgetaire.code_operation if d.ligne_budgetaire else None,
                "fiche": d.regles or None,
                "sessions": [
                    {
                        "numero": s.numero,
                        "ouverture": _date(s.ouverture),
                        "cloture": _date(s.cloture),
                        "restriction": s.restriction or None,
                        "demonstration": s.demonstration,
                    }
                    for s in d.sessions.all()
                ],
                "choix": d.choix,
            }
        )
    return {
        "annee": edition.annee,
        "libelle": edition.libelle,
        "source": edition.source,
        "empreinte": edition.empreinte,
        "chargee_le": edition.chargee_le.isoformat(),
        "choix": edition.choix,
        "lignes_budgetaires": [
            {
                "code_operation": lb.code_operation,
                "imputation": lb.imputation,
                "libelle": lb.libelle,
                "ae": str(lb.ae),
                "source": lb.source,
            }
            for lb in edition.lignes_budgetaires.all()
        ],
        "axes": [
            {"numero": a.numero, "libelle": a.libelle, "objectifs": a.objectifs, "dispositifs": par_axe.get(a.pk, [])}
            for a in edition.axes.order_by("numero")
        ],
    }
