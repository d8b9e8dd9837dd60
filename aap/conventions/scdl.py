"""Export des conventions au format SCDL « Subventions » v2.1.1 (OpenDataFrance, schema.data.gouv.fr/scdl/subventions).

Publication obligatoire des données essentielles des conventions de subvention au-delà de 23 000 € (décret
n° 2017-779 du 5 mai 2017) ; le seuil est lu dans l'édition (`conventionnement.seuil_publication`).

Lecture du schéma retenue :
- une ligne par convention signée par le Département dans l'année (dateConvention = date de cette signature) ;
- `montant` : montant en vigueur (avenants compris), point décimal, deux décimales ;
- `conditionsVersement` : « unique », « échelonné » ou « autre » (valeurs de la documentation du schéma) ;
- `datesPeriodeVersement` : la période de la convention, « AAAA-MM-JJ/AAAA-MM-JJ » (versement échelonné) ;
- `notificationUE` : « non » (aucune aide de minimis notifiée ; le schéma n'admet que « oui » ou « non ») ;
- `pourcentageSubvention` : part de la subvention attribuée à ce bénéficiaire, entre 0.01 et 1 ; une convention
  n'a qu'un bénéficiaire, soit 1.00 (ce n'est pas la part de la subvention dans le coût de l'opération) ;
- `idRAE` et `dispositifAide` : vides (aides hors Répertoire des aides aux entreprises, pas d'identifiant du
  schéma des dispositifs d'aide) ;
- CSV en UTF-8, séparateur virgule, première ligne d'en-tête.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone

from aap.conventions.models import Convention


COLONNES = [
    "nomAttribuant",
    "idAttribuant",
    "dateConvention",
    "referenceDecision",
    "nomBeneficiaire",
    "idBeneficiaire",
    "rnaBeneficiaire",
    "objet",
    "montant",
    "nature",
    "conditionsVersement",
    "datesPeriodeVersement",
    "idRAE",
    "notificationUE",
    "pourcentageSubvention",
    "dispositifAide",
]
CONDITIONS = {"Unique": "unique", "Echelonné": "échelonné", "Autre": "autre"}
RNA = re.compile(r"^W\d{9}$")
OBJET_MAX = 255  # « moins de 256 caractères »


def conventions_publiables(annee: int, tous: bool = False) -> list[Convention]:
    """Conventions signées par le Département en `annee` (heure de Paris), au-delà du seuil sauf `tous`."""
    candidates = (
        Convention.objects.filter(signee_departement_le__isnull=False)
        .select_related("structure", "seance", "edition")
        .order_by("signee_departement_le", "annee", "sequence")
    )
    retenues = []
    for convention in candidates:
        if timezone.localdate(convention.signee_departement_le).year != annee:
            continue
        seuil = Decimal(str(convention.edition.conventionnement["seuil_publication"]))
        if tous or convention.montant > seuil:
            retenues.append(convention)
    return retenues


def ligne(convention: Convention) -> dict[str, str]:
    regles: dict[str, Any] = convention.edition.conventionnement or {}
    attribuant = regles.get("attribuant", {})
    structure = convention.structure
    seance = convention.seance
    reference = seance.numero_deliberation or f"CP du {seance.date:%d/%m/%Y}"
    montant = convention.montant.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    objet = " ".join(convention.objet.split())
    return {
        "nomAttribuant": attribuant.get("nom", ""),
        "idAttribuant": attribuant.get("siret", ""),
        "dateConvention": timezone.localdate(convention.signee_departement_le).isoformat(),
        "referenceDecision": reference,
        "nomBeneficiaire": structure.raison_sociale,
        "idBeneficiaire": structure.siret,
        "rnaBeneficiaire": structure.rna if RNA.match(structure.rna or "") else "",
        "objet": objet if len(objet) <= OBJET_MAX else objet[: OBJET_MAX - 1] + "…",
        "montant": f"{montant:.2f}",
        "nature": regles.get("nature_aide", "aide en numéraire"),
        "conditionsVersement": CONDITIONS.get(regles.get("conditions_versement", "Echelonné"), "échelonné"),
        "datesPeriodeVersement": f"{convention.date_debut.isoformat()}/{convention.date_fin.isoformat()}",
        "idRAE": "",
        "notificationUE": "non",
        "pourcentageSubvention": "1.00",
        "dispositifAide": "",
    }


def ecrire_csv(conventions: Iterable[Convention]) -> str:
    sortie = io.StringIO(newline="")
    ecrivain = csv.DictWriter(sortie, fieldnames=COLONNES, delimiter=",", lineterminator="\r\n")
    ecrivain.writeheader()
    for convention in conventions:
        ecrivain.writerow(ligne(convention))
    return sortie.getvalue()


def exporter(annee: int, tous: bool = False) -> tuple[str, int]:
    """Le CSV de l'année et son nombre de lignes."""
    conventions = conventions_publiables(annee, tous)
    return ecrire_csv(conventions), len(conventions)
