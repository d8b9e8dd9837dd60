"""Blocages des versements (article 5 de la convention type et fiches) : chacun dit pourquoi, en français.

Aucun versement n'est validé tant que la convention n'est pas signée par le Département, que la structure n'a pas
fourni son RIB (IBAN et BIC), que ses documents annuels sont en retard ou qu'un bilan de la convention a passé sa
date limite sans être accepté. Lecture seule."""

from __future__ import annotations

import datetime

from aap.bilans.models import Bilan, StatutBilan
from aap.bilans.rules import documents_annuels_en_retard
from aap.conventions.models import Convention, StatutConvention
from aap.versements.models import Versement


def blocages(objet: Versement | Convention, jour: datetime.date) -> list[str]:
    """Les raisons qui empêchent, au `jour`, de valider un versement de la convention (liste vide : aucune)."""
    convention = objet.convention if isinstance(objet, Versement) else objet
    structure = convention.structure
    raisons = []
    if convention.statut != StatutConvention.SIGNEE:
        raisons.append(
            f"La convention n° {convention.numero} n'est pas en vigueur (« {convention.get_statut_display()} ») : "
            "aucun versement avant sa signature par le Département."
        )
    manque = [nom for nom, valeur in (("IBAN", structure.iban), ("BIC", structure.bic)) if not valeur]
    if manque:
        raisons.append(
            f"La structure n'a pas fourni son relevé d'identité bancaire ({' et '.join(manque)} manquant"
            f"{'s' if len(manque) > 1 else ''}) : aucun versement avant sa production (article 5)."
        )
    retards = documents_annuels_en_retard(structure, jour)
    if retards:
        pieces = " ; ".join(f"{p.libelle} {p.exercice} (attendu le {p.echeance:%d/%m/%Y})" for p in retards)
        raisons.append(f"Documents annuels en retard : {pieces}.")
    en_retard = (
        Bilan.objects.filter(operation__convention=convention, echeance__lt=jour)
        .exclude(statut=StatutBilan.ACCEPTE)
        .select_related("operation")
        .order_by("echeance", "pk")
    )
    for bilan in en_retard:
        raisons.append(
            f"{bilan.libelle} de l'opération « {bilan.operation.intitule} » attendu le {bilan.echeance:%d/%m/%Y} "
            f"et non accepté ({bilan.get_statut_display().lower()})."
        )
    return raisons
