"""Règles du plan : équilibre, règles propres au modèle, part du Département, cofinancement."""

from __future__ import annotations

from decimal import Decimal

from aap.catalogue.schema import CoutsReels, EncadrementForfaitPlafond, Fiche, MontantFixeParEtp, PartDepartement
from aap.demandes.choix import CategorieDepense
from aap.demandes.financement.types import (
    CENT,
    FINANCEUR_DU_FONDS,
    ZERO,
    ContextePlan,
    Ressource,
    ResultatPlan,
    Violation,
    arrondi,
    eur_fr,
    taux_fr,
)


# --- Règles ----------------------------------------------------------------------------------------


def message_desequilibre(depenses: Decimal, ressources: Decimal, annee: int | None = None) -> str:
    sujet = f"En {annee}, le plan" if annee is not None else "Le plan"
    if depenses > ressources:
        return (
            f"{sujet} n'est pas équilibré : les dépenses ({eur_fr(depenses)}) dépassent les ressources "
            f"({eur_fr(ressources)}) de {eur_fr(depenses - ressources)}."
        )
    return (
        f"{sujet} n'est pas équilibré : les ressources ({eur_fr(ressources)}) dépassent les dépenses "
        f"({eur_fr(depenses)}) de {eur_fr(ressources - depenses)}."
    )


def regles_du_plan(
    fiche: Fiche, plan: ResultatPlan, contexte: ContextePlan, ressources: list[Ressource]
) -> list[Violation]:
    violations: list[Violation] = []
    if not plan.lignes or plan.cout_total == 0:
        violations.append(Violation("plan_vide", "Le plan ne comporte aucune dépense."))
    if any(r.montant < 0 for r in ressources):
        violations.append(Violation("ressource_negative", "Une ressource ne peut pas être négative."))

    # Équilibre, par année puis au total.
    if len(plan.annees) > 1:
        for annee in plan.annees:
            if not annee.equilibre:
                violations.append(
                    Violation(
                        "equilibre_annee",
                        message_desequilibre(annee.total_depenses, annee.total_ressources, annee.annee),
                        annee.annee,
                    )
                )
    if plan.cout_total != plan.total_ressources:
        violations.append(Violation("equilibre", message_desequilibre(plan.cout_total, plan.total_ressources)))

    if plan.cout_total > 0 and plan.montant_departement <= 0:
        violations.append(Violation("departement_absent", "Le plan ne prévoit aucun financement du Département."))

    violations += _regles_modele(fiche, plan, contexte)
    violations += _parts_departement(fiche, plan, contexte)

    fonds_attendus = list(fiche.porteurs.cofinancement)
    if fonds_attendus and not any(plan.ressources[FINANCEUR_DU_FONDS[f]] > 0 for f in fonds_attendus):
        noms = " ou ".join(str(f) for f in fonds_attendus)
        violations.append(
            Violation(
                "cofinancement_absent",
                f"La fiche prévoit un cofinancement {noms} : le plan de financement n'en comporte aucun.",
            )
        )
    return violations


def _regles_modele(fiche: Fiche, plan: ResultatPlan, contexte: ContextePlan) -> list[Violation]:
    financement = fiche.financement
    violations: list[Violation] = []
    if isinstance(financement, EncadrementForfaitPlafond):
        if not contexte.postes_insertion or not contexte.mois_operation:
            violations.append(
                Violation(
                    "plafond_inverifiable",
                    f"Le plafond de {eur_fr(financement.plafond_participant_mois)} par participant et par mois "
                    "ne peut pas être vérifié : indiquez le nombre de postes en insertion "
                    "et les dates de l'opération.",
                )
            )
        else:
            plafond = arrondi(
                financement.plafond_participant_mois * contexte.postes_insertion * contexte.mois_operation
            )
            if plan.cout_total > plafond:
                violations.append(
                    Violation(
                        "plafond_participant_mois",
                        f"Le coût total éligible ({eur_fr(plan.cout_total)}) dépasse le plafond de la fiche : "
                        f"{eur_fr(financement.plafond_participant_mois)} par participant et par mois × "
                        f"{contexte.postes_insertion} postes en insertion × {contexte.mois_operation} mois = "
                        f"{eur_fr(plafond)}, soit {eur_fr(plan.cout_total - plafond)} de trop.",
                    )
                )
    elif isinstance(financement, CoutsReels):
        base = plan.depenses.get(CategorieDepense.PERSONNEL, ZERO) + plan.depenses.get(
            CategorieDepense.FONCTIONNEMENT, ZERO
        )
        maximum = arrondi(base * financement.taux_indirects_max / CENT)
        indirects = plan.depenses.get(CategorieDepense.INDIRECTS, ZERO)
        if indirects > maximum:
            violations.append(
                Violation(
                    "indirects_max",
                    f"Les coûts indirects ({eur_fr(indirects)}) dépassent {taux_fr(financement.taux_indirects_max)} "
                    f"des frais de personnel et de fonctionnement ({eur_fr(base)}, prestations exclues), "
                    f"soit un maximum de {eur_fr(maximum)}.",
                )
            )
    elif isinstance(financement, MontantFixeParEtp):
        maximum, detail = plafond_montant_fixe(financement, plan)
        if plan.montant_departement > maximum:
            violations.append(
                Violation(
                    "part_poste",
                    f"Le financement du Département ({eur_fr(plan.montant_departement)}) dépasse le maximum de la "
                    f"fiche : {detail} = {eur_fr(maximum)}.",
                )
            )
    return violations


def plafond_montant_fixe(financement: MontantFixeParEtp, plan: ResultatPlan) -> tuple[Decimal, str]:
    """Maximum du Département pour le modèle « montant fixe par ETP » (fiche 5.11, choix du catalogue) :
    `part_departement_poste` % du coût des postes, dans la limite de `montant_max_etp_12_mois` par ETP et par
    12 mois, plus la valorisation Ségur. Renvoie le montant et son calcul expliqué."""
    from aap.demandes.financement.calcul import etp_annuels  # import tardif : calcul dépend de ce module

    postes = sum((ligne.montant for ligne in plan.lignes if ligne.categorie == CategorieDepense.PERSONNEL), ZERO)
    segur = plan.depenses.get(CategorieDepense.SEGUR, ZERO)
    part = arrondi(postes * financement.part_departement_poste / CENT)
    limite = arrondi(etp_annuels(plan.lignes) * financement.montant_max_etp_12_mois)
    detail = (
        f"{taux_fr(financement.part_departement_poste)} du coût des postes ({eur_fr(part)}), dans la limite de "
        f"{eur_fr(financement.montant_max_etp_12_mois)} par ETP et par an ({eur_fr(limite)}), plus la "
        f"valorisation Ségur ({eur_fr(segur)})"
    )
    return min(part, limite) + segur, detail


def parts_applicables(fiche: Fiche, plan: ResultatPlan, contexte: ContextePlan) -> list[PartDepartement]:
    """Les plafonds de part du Département qui s'appliquent à ce plan (voir le choix n° 9)."""
    parts = []
    for part in fiche.financement.parts_departement:
        if part.condition == "bassin_minier":
            applicable = contexte.tout_en_bassin_minier
        elif part.condition == "hors_bassin_minier":
            applicable = not contexte.tout_en_bassin_minier
        else:
            applicable = plan.ressources[FINANCEUR_DU_FONDS[part.fonds]] > 0
        if applicable:
            parts.append(part)
    return parts


def _parts_departement(fiche: Fiche, plan: ResultatPlan, contexte: ContextePlan) -> list[Violation]:
    violations = []
    for part in parts_applicables(fiche, plan, contexte):
        maximum = arrondi(plan.cout_total * part.taux / CENT)
        if plan.montant_departement > maximum:
            precision = {
                "bassin_minier": " (opération en bassin minier)",
                "hors_bassin_minier": " (opération hors bassin minier)",
            }.get(part.condition or "", "")
            violations.append(
                Violation(
                    "part_departement",
                    f"La part du Département ({taux_fr(plan.part_departement or ZERO)}) dépasse le maximum de "
                    f"{taux_fr(part.taux)} du coût total prévu en cas de cofinancement {part.fonds}{precision} : "
                    f"{eur_fr(plan.montant_departement)} demandés pour un maximum de {eur_fr(maximum)}.",
                )
            )
    return violations
