"""Règles des bilans, en fonctions sans effet de bord : échéances des documents annuels (article 6-2 de la
convention type : quels exercices et quelles pièces une structure doit, pour quand, lesquels manquent à une
date) ; contenu d'un bilan (mesures des parts conditionnées, cibles, sorties, erreurs d'un dépôt). Les règles
viennent de l'édition et des règles figées dans l'opération."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from aap.bilans.models import DocumentAnnuel, StatutDocumentAnnuel
from aap.conventions.models import Convention, StatutConvention
from aap.conventions.regles import ajouter_mois, fin_exercice
from aap.structures.models import Structure
from aap.versements.rules import arrondi, duree_annees, evaluer_cible, facteur_cible


#: Conventions qui obligent la structure à produire ses documents annuels.
STATUTS_OBLIGEANTS = (StatutConvention.SIGNEE, StatutConvention.SOLDEE)


@dataclass(frozen=True)
class PieceDue:
    exercice: int
    code: str
    libelle: str
    formats: tuple[str, ...]
    echeance: datetime.date
    document: DocumentAnnuel | None

    @property
    def fournie(self) -> bool:
        return self.document is not None and self.document.statut != StatutDocumentAnnuel.REFUSE

    def en_retard(self, jour: datetime.date) -> bool:
        return not self.fournie and jour > self.echeance


def _regles(structure: Structure) -> dict[str, Any] | None:
    convention = (
        Convention.objects.filter(structure=structure, statut__in=STATUTS_OBLIGEANTS)
        .select_related("edition")
        .order_by("-edition__annee")
        .first()
    )
    return convention.edition.conventionnement.get("documents_annuels") if convention else None


def regles_documents(structure: Structure) -> dict[str, Any] | None:
    """Les règles des documents annuels (délai, pièces, formats) de la dernière édition qui oblige la structure."""
    return _regles(structure)


def exercices_concernes(structure: Structure) -> list[int]:
    """Les exercices (année de clôture) chevauchant une convention signée de la structure."""
    annees: set[int] = set()
    mois = structure.mois_cloture_exercice
    for debut, fin in Convention.objects.filter(structure=structure, statut__in=STATUTS_OBLIGEANTS).values_list(
        "date_debut", "date_fin"
    ):
        annee = debut.year if debut <= fin_exercice(debut.year, mois) else debut.year + 1
        while fin_exercice(annee - 1, mois) < fin:
            annees.add(annee)
            annee += 1
    return sorted(annees)


def pieces_dues(structure: Structure) -> list[PieceDue]:
    """Chaque pièce de chaque exercice concerné, avec sa date limite et le document déposé (le cas échéant)."""
    regles = _regles(structure)
    if not regles:
        return []
    deposes = {(d.exercice, d.code): d for d in DocumentAnnuel.objects.filter(structure=structure)}
    dues = []
    for exercice in exercices_concernes(structure):
        echeance = ajouter_mois(
            fin_exercice(exercice, structure.mois_cloture_exercice), regles["delai_mois_apres_exercice"]
        )
        for piece in regles["pieces"]:
            if piece.get("si_commissaire_aux_comptes") and not structure.soumise_cac:
                continue
            dues.append(
                PieceDue(
                    exercice=exercice,
                    code=piece["code"],
                    libelle=piece["libelle"],
                    formats=tuple(piece["formats"]),
                    echeance=echeance,
                    document=deposes.get((exercice, piece["code"])),
                )
            )
    return dues


def documents_annuels_en_retard(structure: Structure, jour: datetime.date) -> list[PieceDue]:
    """Les pièces dont la date limite est passée au `jour` sans document accepté ou en attente d'examen."""
    return [p for p in pieces_dues(structure) if p.en_retard(jour)]


# --- Contenu d'un bilan : mesures, cibles, sorties, contrôle du dépôt ---------------------------------------

#: Sorties de participants par type (fiches F05, F08, F09 : sorties dynamiques = les trois premières).
TYPES_SORTIE: tuple[tuple[str, str], ...] = (
    ("emploi_durable", "Emploi durable"),
    ("emploi_transition", "Emploi de transition"),
    ("sortie_positive", "Sortie positive / dynamique"),
    ("changement_situation_financiere", "Changement de situation financière"),
    ("abandon", "Abandon"),
    ("demenagement", "Déménagement"),
    ("autre", "Autre"),
)


def mesures(regles: dict[str, Any]) -> list[dict[str, Any]]:
    """Les mesures des parts conditionnées figées dans l'opération, sans doublon de code, dans l'ordre."""
    vues: dict[str, dict[str, Any]] = {}
    for part in regles.get("parts_conditionnees", []):
        for mesure in part.get("mesures", []):
            vues.setdefault(mesure["code"], mesure)
    return list(vues.values())


def a_part_qualite(regles: dict[str, Any]) -> bool:
    return any(p.get("base") == "qualite" for p in regles.get("parts_conditionnees", []))


def type_bilan_final(regles: dict[str, Any]) -> str | None:
    """Le bilan final de l'opération : celui qui déclenche le solde ; à défaut, celui de type « bilan_final »."""
    for echeance in regles.get("echeancier", []):
        if echeance.get("type") == "solde" and echeance.get("bilan"):
            return echeance["bilan"]
    types = [b["type"] for b in regles.get("bilans", [])]
    return "bilan_final" if "bilan_final" in types else None


def cible_mesure(
    mesure: dict[str, Any], engagements: dict[str, Any], *, final: bool, debut: datetime.date, fin: datetime.date
) -> Decimal | None:
    """Cible d'une mesure pour un bilan, par les règles des versements (`aap.versements.rules`) : la formule de
    la fiche sur les quantités conventionnées ; un flux annuel vaut une année au bilan intermédiaire, la durée de
    la convention au bilan final. None si la quantité n'est pas conventionnée (rien à afficher)."""
    if engagements.get(mesure["cible"].split("*")[0].strip()) in (None, ""):
        return None
    facteur = facteur_cible(mesure.get("nature", "stock"), final, duree_annees(debut, fin))
    return arrondi(evaluer_cible(mesure["cible"], engagements) * facteur)


def cle_mesure(code: str) -> str:
    return f"mesure_{code}"


def cle_indicateur(code: str) -> str:
    return f"indicateur_{code}"


def cle_sortie(code: str) -> str:
    return f"sortie_{code}"


def _negatif(valeur: Decimal | int | None) -> bool:
    return valeur is not None and valeur < 0


def erreurs_bilan(regles: dict[str, Any], donnees: dict[str, Any], *, complet: bool) -> dict[str, list[str]]:
    """Les erreurs du contenu d'un bilan, par champ. Un brouillon (`complet=False`) ne vérifie que les signes ;
    un dépôt exige en plus chaque mesure, les indicateurs chiffrés, les entrées, le bilan qualitatif, le réalisé
    de chaque dépense et chaque ressource perçue."""
    erreurs: dict[str, list[str]] = {}

    def ajouter(cle: str, message: str) -> None:
        erreurs.setdefault(cle, []).append(message)

    realisations = donnees.get("realisations", {})
    for mesure in mesures(regles):
        valeur = realisations.get(mesure["code"])
        if _negatif(valeur):
            ajouter(cle_mesure(mesure["code"]), "Le réalisé ne peut pas être négatif.")
        elif complet and valeur is None:
            ajouter(cle_mesure(mesure["code"]), f"Indiquez le réalisé : « {mesure['libelle']} ».")
    indicateurs = donnees.get("indicateurs", {})
    for indicateur in regles.get("indicateurs", []):
        if indicateur.get("cible_valeur") in (None, ""):
            continue
        valeur = (indicateurs.get(indicateur["code"]) or {}).get("valeur", "")
        cle = cle_indicateur(indicateur["code"])
        if valeur in (None, ""):
            if complet:
                ajouter(cle, f"Indiquez la valeur constatée (cible : {indicateur.get('cible') or '—'}).")
            continue
        try:
            nombre = Decimal(str(valeur).replace(",", ".").replace("\u00a0", "").replace(" ", ""))
        except InvalidOperation:
            ajouter(cle, "Indiquez un nombre (la cible de cet indicateur est chiffrée).")
            continue
        if not nombre.is_finite() or nombre < 0:
            ajouter(cle, "La valeur ne peut pas être négative.")
    entrees = donnees.get("entrees")
    if _negatif(entrees):
        ajouter("entrees", "Le nombre d'entrées ne peut pas être négatif.")
    elif complet and entrees is None:
        ajouter("entrees", "Indiquez le nombre d'entrées de participants (0 s'il n'y en a pas eu).")
    for code, _ in TYPES_SORTIE:
        if _negatif(donnees.get("sorties_detail", {}).get(code)):
            ajouter(cle_sortie(code), "Le nombre de sorties ne peut pas être négatif.")
    if complet and not (donnees.get("texte_qualitatif") or "").strip():
        ajouter("texte_qualitatif", "Rédigez le bilan qualitatif (bilan pédagogique) de l'opération.")
    for prefixe, lignes, champ, libelle in (
        ("depense", donnees.get("depenses", []), "realise", "la dépense réalisée"),
        ("ressource", donnees.get("ressources", []), "montant", "la ressource perçue"),
    ):
        for index, ligne in enumerate(lignes):
            montant = ligne.get(champ)
            if _negatif(montant):
                ajouter(f"{prefixe}_{index}", "Le montant ne peut pas être négatif.")
            elif complet and montant is None:
                ajouter(f"{prefixe}_{index}", f"Indiquez {libelle} (0 si aucune).")
    return erreurs
