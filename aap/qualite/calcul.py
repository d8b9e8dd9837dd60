"""Mesures de la charte qualité, calculées en requêtes agrégées (source de vérité ; définitions exactes :
docs/charte-qualite.md).

`mesurer(dispositif, debut, fin)` rend, pour chaque structure ayant des orientations vers le dispositif (ou
seulement `structure_ids`), la `Mesure` (numérateur, dénominateur, valeur) de chaque critère `calcul` de la
grille (`Dispositif.fiche.charte`), par code de critère.

Ensembliste : chaque mesure est une requête `GROUP BY structure` (dénominateur et numérateur dans la même
requête, le numérateur étant un `COUNT(...) FILTER (WHERE pk IN (sous-requête non corrélée))` que PostgreSQL
évalue une fois, en table de hachage). Le nombre de requêtes dépend de la grille (un groupe par jeu de seuils
des parcours du périmètre) et, pour `rendez_vous_mensuels`, du nombre de mois de la période ; jamais du volume
des données. Aucune boucle Python par personne, orientation ou événement. ORM Django seul : la même chose tourne
sur PostgreSQL et SQLite (démonstration).

Jour d'un rendez-vous : sa date en heure de Paris. Les bornes « jour dans [D, F] » s'écrivent en instants
(minuit de Paris du jour D et du lendemain de F) pour profiter de l'index (orientation, debut) ; « jour entre la
date d'orientation et N jours après » compare `TruncDate(debut, tzinfo=Paris)` à la date d'orientation.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from aap.catalogue.models import Dispositif
from aap.parcours.models import Orientation
from aap.qualite import calcul_contrats as cc
from aap.qualite import calcul_orientations as co
from aap.qualite.calcul_base import Comptes, Contexte


#: Mois moyen (365,25 / 12) pour exprimer une durée moyenne en mois.
JOURS_PAR_MOIS = Decimal("30.4375")
CENT = Decimal(100)


@dataclass(frozen=True)
class Mesure:
    numerateur: Decimal  # un effectif, ou une somme de jours pour duree_moyenne_parcours
    denominateur: int
    valeur: Decimal | None  # taux en % (100 × num / den) ou mois pour duree_moyenne_parcours ; None si den == 0

    @classmethod
    def de(cls, mesure: str, numerateur: int | Decimal, denominateur: int) -> Mesure:
        num = Decimal(numerateur)
        if not denominateur:
            return cls(num, 0, None)
        if mesure == "duree_moyenne_parcours":
            return cls(num, denominateur, num / Decimal(denominateur) / JOURS_PAR_MOIS)
        return cls(num, denominateur, CENT * num / Decimal(denominateur))


MESURES: dict[str, Callable[[Contexte], Comptes]] = {
    "premier_rdv_dans_delai": co.premier_rdv_dans_delai,
    "ce_signe_dans_delai": co.ce_signe_dans_delai,
    "taux_contractualisation": co.taux_contractualisation,
    "suspension_apres_absence": co.suspension_apres_absence,
    "sorties_ciblees": co.sorties_ciblees,
    "duree_moyenne_parcours": co.duree_moyenne_parcours,
    "diagnostic_actualise": cc.diagnostic_actualise,
    "rendez_vous_mensuels": cc.rendez_vous_mensuels,
    "sia_conforme": cc.sia_conforme,
    "qualite_ce": cc.qualite_ce,
    "actions_departementales": cc.actions_departementales,
    "evolutions_positives": cc.evolutions_positives,
}


def mesurer(
    dispositif: Dispositif,
    debut: datetime.date,
    fin: datetime.date,
    structure_ids: Iterable[int] | None = None,
) -> dict[int, dict[str, Mesure]]:
    """Pour chaque structure ayant des orientations pour ce dispositif (ou seulement `structure_ids`), la
    `Mesure` de chaque critère `calcul` de la charte de la fiche, par code de critère. Sans charte : {}."""
    if debut > fin:
        raise ValueError(f"période vide : {debut:%d/%m/%Y} après {fin:%d/%m/%Y}")
    fiche = dispositif.fiche
    if fiche is None or fiche.charte is None:
        return {}
    ids = sorted(set(structure_ids)) if structure_ids is not None else None
    if ids is None:
        structures = sorted(
            Orientation.objects.filter(dispositif=dispositif)
            .order_by()
            .values_list("structure_id", flat=True)
            .distinct()
        )
    else:
        structures = ids
    regles = {p.code: p for p in fiche.parcours}
    resultat: dict[int, dict[str, Mesure]] = {s: {} for s in structures}
    for critere in fiche.charte.criteres:
        if critere.nature != "calcul" or critere.calcul is None:
            continue
        perimetre = {code: regles[code] for code in (critere.parcours or regles)}
        contexte = Contexte(dispositif, debut, fin, ids, critere, perimetre)
        comptes = MESURES[critere.calcul](contexte) if structures else {}
        for structure in structures:
            num, den = comptes.get(structure, (0, 0))
            resultat[structure][critere.code] = Mesure.de(critere.calcul, num, den)
    return resultat
