"""Aides des tests de l'API : instants de Paris, lignes de budget conformes calculées par l'API elle-même."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo


PARIS = ZoneInfo("Europe/Paris")
#: Session des fabriques de test : du 12/01/2026 au 15/02/2026 inclus.
PENDANT = datetime.datetime(2026, 2, 1, 10, 0, tzinfo=PARIS)
DERNIERE_MINUTE = datetime.datetime(2026, 2, 15, 23, 59, 30, tzinfo=PARIS)
APRES = datetime.datetime(2026, 2, 16, 0, 0, 30, tzinfo=PARIS)


def ressources_equilibrees(plan: dict, part_departement: Decimal = Decimal("40")) -> list[dict]:
    """Pour chaque année du plan : le Département à `part_departement` %, le FSE+ pour le reste."""
    par_annee: dict[int, Decimal] = {}
    for ligne in plan["lignes"]:
        par_annee[ligne["annee"]] = par_annee.get(ligne["annee"], Decimal(0)) + Decimal(ligne["montant"])
    ressources = []
    for annee, total in sorted(par_annee.items()):
        dep = (total * part_departement / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        ressources += [
            {"annee": annee, "financeur": "departement", "montant": str(dep)},
            {"annee": annee, "financeur": "fse_plus", "montant": str(total - dep)},
        ]
    return ressources
