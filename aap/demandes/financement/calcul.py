"""Calcul du plan : montants des postes selon le modèle, lignes dérivées (forfaits), totaux par année."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal

from aap.catalogue.schema import (
    EncadrementForfaitPlafond,
    Fiche,
    FraisPersonnelForfait,
    ModeleFinancement,
    MontantFixeParEtp,
)
from aap.core.templatetags.aap_ui import nombre
from aap.demandes.choix import CategorieDepense, Financeur
from aap.demandes.financement.regles import regles_du_plan
from aap.demandes.financement.types import (
    CATEGORIE_DERIVEE,
    CATEGORIES_SAISIES,
    CENT,
    DOUZE,
    ZERO,
    ContextePlan,
    Depense,
    LigneCalculee,
    PlanAnnee,
    Ressource,
    ResultatPlan,
    Violation,
    arrondi,
    eur_fr,
    taux_fr,
)


# --- Postes de personnel ---------------------------------------------------------------------------


def montant_poste(fiche: Fiche, depense: Depense) -> Decimal:
    """Coût d'un poste de personnel : coût annuel chargé × part du temps sur l'action × mois / 12, quel que
    soit le modèle (0 si le poste est incomplet) ; le montant retenu à l'instruction s'il est donné."""
    if depense.montant_retenu is not None:
        return arrondi(depense.montant_retenu)
    if depense.cout_annuel is None or depense.taux_affectation is None or depense.mois is None:
        return ZERO
    return arrondi(depense.cout_annuel * depense.taux_affectation / CENT * depense.mois / DOUZE)


def _controler_poste(fiche: Fiche, depense: Depense) -> list[Violation]:
    financement = fiche.financement
    nom = f"Le poste « {depense.libelle or 'sans intitulé'} » ({depense.annee})"
    manquants: list[str] = []
    if isinstance(financement, MontantFixeParEtp) and depense.etp is None:
        manquants.append("la quotité (ETP)")
    if depense.taux_affectation is None:
        manquants.append("la part du temps sur l'action")
    if depense.cout_annuel is None:
        manquants.append("le coût annuel chargé")
    if depense.mois is None:
        manquants.append("le nombre de mois")
    if manquants:
        return [Violation("poste_incomplet", f"{nom} est incomplet : indiquez {', '.join(manquants)}.", depense.annee)]
    violations = []
    assert depense.mois is not None
    if not (0 < depense.mois <= DOUZE):
        violations.append(
            Violation("poste_mois", f"{nom} compte {nombre(depense.mois)} mois : une année en compte de 1 à 12.")
        )
    minimum = getattr(financement, "taux_affectation_min", None)
    if minimum is not None and depense.taux_affectation is not None and depense.taux_affectation < minimum:
        violations.append(
            Violation(
                "affectation_min",
                f"{nom} n'est affecté qu'à {taux_fr(depense.taux_affectation)} à l'action : la fiche exige au moins "
                f"{taux_fr(minimum)} du temps de travail pour un personnel partiellement affecté.",
                depense.annee,
            )
        )
    return violations


# --- Calcul du plan --------------------------------------------------------------------------------


def _lignes_annee(fiche: Fiche, annee: int, depenses: list[Depense]) -> tuple[list[LigneCalculee], list[Violation]]:
    modele = ModeleFinancement(fiche.financement.modele)
    saisies = CATEGORIES_SAISIES[modele]
    categorie_personnel = saisies[0]
    lignes: list[LigneCalculee] = []
    violations: list[Violation] = []
    for depense in depenses:
        if depense.categorie not in saisies:
            libelle = (
                CategorieDepense(depense.categorie).label
                if depense.categorie in CategorieDepense.values
                else depense.categorie
            )
            violations.append(
                Violation(
                    "categorie_non_retenue",
                    f"La ligne « {depense.libelle or libelle} » ({annee}) relève d'une catégorie (« {libelle} ») "
                    "que le modèle de financement de la fiche ne retient pas : elle n'est pas comptée.",
                    annee,
                )
            )
            continue
        if depense.categorie == categorie_personnel:
            violations += _controler_poste(fiche, depense)
            montant = montant_poste(fiche, depense)
            lignes.append(LigneCalculee(annee, depense.categorie, depense.libelle, montant, source=depense))
        else:
            montant = depense.montant if depense.montant_retenu is None else depense.montant_retenu
            if montant < 0:
                violations.append(
                    Violation("montant_negatif", f"La ligne « {depense.libelle} » ({annee}) est négative.", annee)
                )
            lignes.append(LigneCalculee(annee, depense.categorie, depense.libelle, arrondi(montant), source=depense))
    financement = fiche.financement
    if isinstance(financement, FraisPersonnelForfait | EncadrementForfaitPlafond):
        base = sum((ligne.montant for ligne in lignes if ligne.categorie == categorie_personnel), ZERO)
        forfait = arrondi(base * financement.taux_forfait / CENT)
        categorie = CATEGORIE_DERIVEE[modele]
        libelle = (
            f"Forfait de {taux_fr(financement.taux_forfait)} des frais de personnel "
            "(autres coûts directs et indirects)"
            if categorie == CategorieDepense.FORFAIT
            else f"Coûts indirects forfaitaires ({taux_fr(financement.taux_forfait)} des frais d'encadrement)"
        )
        detail = f"{taux_fr(financement.taux_forfait)} × {eur_fr(base)}"
        lignes.append(LigneCalculee(annee, categorie, libelle, forfait, derivee=True, detail=detail))
    elif isinstance(financement, MontantFixeParEtp):
        temps_plein = etp_annuels(lignes)
        segur = arrondi(temps_plein * financement.valorisation_segur_temps_plein)
        detail = f"{nombre(temps_plein, 4)} ETP × 12 mois × {eur_fr(financement.valorisation_segur_temps_plein)}"
        lignes.append(
            LigneCalculee(annee, CategorieDepense.SEGUR, "Valorisation Ségur", segur, derivee=True, detail=detail)
        )
    return lignes, violations


def etp_annuels(lignes: Iterable[LigneCalculee]) -> Decimal:
    """Temps pleins sur 12 mois consacrés à l'action : Σ quotité × part du temps × mois / 12 des postes."""
    total = ZERO
    for ligne in lignes:
        d = ligne.source
        if d is not None and d.etp is not None and d.taux_affectation is not None and d.mois is not None:
            total += d.etp * d.taux_affectation / CENT * d.mois / DOUZE
    return total


def _categories_affichees(modele: ModeleFinancement) -> list[str]:
    codes = [str(c) for c in CATEGORIES_SAISIES[modele]]
    derivee = CATEGORIE_DERIVEE.get(modele)
    if derivee is not None and str(derivee) not in codes:
        codes.append(str(derivee))
    return codes


def calculer_plan(
    fiche: Fiche,
    depenses: Iterable[Depense],
    ressources: Iterable[Ressource],
    contexte: ContextePlan | None = None,
) -> ResultatPlan:
    """Calcule le plan (lignes dérivées comprises) et liste les règles de la fiche qu'il ne respecte pas."""
    contexte = contexte or ContextePlan()
    depenses = list(depenses)
    ressources = list(ressources)
    modele = ModeleFinancement(fiche.financement.modele)
    annees = sorted(set(contexte.annees) | {d.annee for d in depenses} | {r.annee for r in ressources})
    categories = _categories_affichees(modele)

    plans: list[PlanAnnee] = []
    violations: list[Violation] = []
    for annee in annees:
        lignes, v = _lignes_annee(fiche, annee, [d for d in depenses if d.annee == annee])
        violations += v
        par_categorie = dict.fromkeys(categories, ZERO)
        for ligne in lignes:
            par_categorie[ligne.categorie] = par_categorie.get(ligne.categorie, ZERO) + ligne.montant
        par_financeur = dict.fromkeys(Financeur.values, ZERO)
        for ressource in ressources:
            if ressource.annee == annee:
                par_financeur[ressource.financeur] = par_financeur.get(ressource.financeur, ZERO) + arrondi(
                    ressource.montant
                )
        plans.append(PlanAnnee(annee, tuple(lignes), par_categorie, par_financeur))

    depenses_totales = dict.fromkeys(categories, ZERO)
    ressources_totales = dict.fromkeys(Financeur.values, ZERO)
    for plan in plans:
        for code, montant in plan.depenses.items():
            depenses_totales[code] = depenses_totales.get(code, ZERO) + montant
        for code, montant in plan.ressources.items():
            ressources_totales[code] = ressources_totales.get(code, ZERO) + montant
    cout_total = sum((p.total_depenses for p in plans), ZERO)
    total_ressources = sum((p.total_ressources for p in plans), ZERO)
    montant_departement = ressources_totales[Financeur.DEPARTEMENT]

    resultat = ResultatPlan(
        modele=str(modele),
        annees=tuple(plans),
        depenses=depenses_totales,
        ressources=ressources_totales,
        cout_total=cout_total,
        total_ressources=total_ressources,
        montant_departement=montant_departement,
    )
    violations += regles_du_plan(fiche, resultat, contexte, ressources)
    return replace(resultat, violations=tuple(violations))
