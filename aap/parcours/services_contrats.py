"""Contrats d'engagement : signature (rang, fin de la fiche, renouvellement), revue SLAI, clôture.
Réexportés par `aap.parcours.services`."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from aap.core.models import User
from aap.parcours import choices as c
from aap.parcours import models as m
from aap.parcours import rules
from aap.parcours.services_commun import (
    ROLES_DECISION,
    ROLES_SUIVI,
    ROLES_SUIVI_OU_DECISION,
    aujourdhui,
    exiger_en_cours,
    exiger_orientation,
    journal,
)


def signer_contrat(
    *,
    acteur: User,
    orientation: m.Orientation,
    date_signature: datetime.date,
    date_debut: datetime.date,
    heures_hebdo_prevues: Decimal | int | str | None,
    actions: Sequence[Mapping[str, Any]],
    observations: str = "",
) -> m.ContratEngagement:
    """Le référent enregistre un contrat d'engagement signé. Le rang suit les contrats du parcours (2 et plus :
    renouvellement), la fin prévue vient de la durée de la fiche, le contrat précédent encore ouvert est clos la
    veille du début. Refus (ValidationError) : parcours sans contrat, personne sortie, dates avant l'orientation
    ou dans le futur, heures hors de 0 à 80, renouvellement interdit ou sans revue SLAI, durée totale dépassée.
    Les manques de qualité (nombre d'actions…) ne bloquent pas : `contrat.avertissements` les liste."""
    exiger_orientation(acteur, orientation, ROLES_SUIVI, "Seul un référent de la structure signe le contrat.")
    regle = rules.regle_de(orientation)
    if regle.duree_ce_mois is None:
        raise ValidationError(f"Le parcours « {regle.libelle} » ne prévoit pas de contrat d'engagement.")
    rules.verifier_pas_avant_orientation(date_signature, orientation, "La signature")
    rules.verifier_pas_avant_orientation(date_debut, orientation, "Le début du contrat")
    rules.verifier_pas_apres(date_signature, aujourdhui(), "La date de signature")
    heures = rules.heures_valides(heures_hebdo_prevues) if heures_hebdo_prevues not in (None, "") else None
    rules.verifier_actions(actions)
    date_fin = rules.fin_de_contrat(date_debut, regle)
    with transaction.atomic():
        orientation = m.Orientation.objects.select_for_update().get(pk=orientation.pk)
        exiger_en_cours(orientation)
        contrats = list(orientation.contrats.order_by("rang"))
        precedent = contrats[-1] if contrats else None
        rang = precedent.rang + 1 if precedent else 1
        rules.verifier_renouvellement(
            regle,
            rang=rang,
            precedent=precedent,
            premier_debut=contrats[0].date_debut if contrats else None,
            date_debut=date_debut,
            date_fin=date_fin,
        )
        if precedent is not None and precedent.statut != c.StatutContrat.SIGNE:
            if rules.terme_contrat(precedent) >= date_debut:
                raise ValidationError(
                    f"Le contrat précédent court jusqu'au {rules.terme_contrat(precedent):%d/%m/%Y} : "
                    "le nouveau doit commencer après."
                )
        fermer_contrat_ouvert(acteur, orientation, date_debut - datetime.timedelta(days=1), motif="renouvellement")
        contrat = m.ContratEngagement.objects.create(
            orientation=orientation,
            rang=rang,
            date_signature=date_signature,
            date_debut=date_debut,
            date_fin=date_fin,
            heures_hebdo_prevues=heures,
            observations=(observations or "").strip(),
        )
        m.ActionContrat.objects.bulk_create(
            [
                m.ActionContrat(
                    contrat=contrat,
                    libelle=str(a["libelle"]).strip()[:255],
                    detail=str(a.get("detail") or "").strip(),
                    categorie=a["categorie"],
                    date_debut=a["date_debut"],
                    date_fin=a["date_fin"],
                    dispositif_departemental=bool(a.get("dispositif_departemental")),
                )
                for a in actions
            ]
        )
        avertissements = rules.problemes_contrat(
            regle,
            date_debut=date_debut,
            date_fin=date_fin,
            actions=actions,
            heures_hebdo_prevues=heures,
            date_signature=date_signature if rang == 1 else None,
            date_orientation=orientation.date_orientation,
        )
        journal(
            acteur,
            "signer_contrat",
            contrat,
            orientation.structure_id,
            rang=rang,
            signature=date_signature,
            debut=date_debut,
            fin=date_fin,
            actions=len(actions),
            avertissements=avertissements,
        )
    contrat.avertissements = avertissements
    return contrat


def fermer_contrat_ouvert(acteur: User, orientation: m.Orientation, jour: datetime.date, *, motif: str) -> None:
    """Clôt au `jour` le contrat encore ouvert (statut « signé ») du parcours, s'il y en a un (appelé dans la
    transaction de l'appelant)."""
    ouvert = orientation.contrats.select_for_update().filter(statut=c.StatutContrat.SIGNE).order_by("-rang").first()
    if ouvert is None:
        return
    if jour < ouvert.date_debut:
        raise ValidationError(
            f"Le contrat en cours commence le {ouvert.date_debut:%d/%m/%Y} : il ne peut pas être clos le "
            f"{jour:%d/%m/%Y}."
        )
    ouvert.statut, ouvert.date_cloture = c.StatutContrat.CLOS, jour
    ouvert.save(update_fields=["statut", "date_cloture"])
    journal(acteur, "clore_contrat", ouvert, orientation.structure_id, date=jour, rompu=False, motif=motif)


def enregistrer_revue_slai(*, acteur: User, contrat: m.ContratEngagement, date: datetime.date) -> m.ContratEngagement:
    """Le SLAI (ou la DPID) enregistre la revue du contrat, préalable à son renouvellement."""
    orientation = contrat.orientation
    exiger_orientation(acteur, orientation, ROLES_DECISION, "Seul le Département (SLAI, DPID) enregistre la revue.")
    if date < contrat.date_debut:
        raise ValidationError(f"La revue ne peut pas précéder le début du contrat ({contrat.date_debut:%d/%m/%Y}).")
    rules.verifier_pas_apres(date, aujourdhui(), "La date de la revue")
    with transaction.atomic():
        contrat = m.ContratEngagement.objects.select_for_update().get(pk=contrat.pk)
        contrat.revue_slai_le = date
        contrat.save(update_fields=["revue_slai_le"])
        journal(acteur, "enregistrer_revue_slai", contrat, orientation.structure_id, date=date)
    return contrat


def clore_contrat(
    *, acteur: User, contrat: m.ContratEngagement, date_cloture: datetime.date, rompu: bool = False
) -> m.ContratEngagement:
    """Clôture (ou rupture) d'un contrat encore ouvert, entre son début et aujourd'hui."""
    orientation = contrat.orientation
    exiger_orientation(acteur, orientation, ROLES_SUIVI_OU_DECISION, "Vous ne pouvez pas clore ce contrat.")
    rules.verifier_pas_apres(date_cloture, aujourdhui(), "La date de clôture")
    with transaction.atomic():
        contrat = m.ContratEngagement.objects.select_for_update().get(pk=contrat.pk)
        if contrat.statut != c.StatutContrat.SIGNE:
            raise ValidationError(f"Ce contrat est déjà {contrat.get_statut_display().lower()}.")
        if date_cloture < contrat.date_debut:
            raise ValidationError(
                f"La clôture ne peut pas précéder le début du contrat ({contrat.date_debut:%d/%m/%Y})."
            )
        contrat.statut = c.StatutContrat.ROMPU if rompu else c.StatutContrat.CLOS
        contrat.date_cloture = date_cloture
        contrat.save(update_fields=["statut", "date_cloture"])
        journal(acteur, "clore_contrat", contrat, orientation.structure_id, date=date_cloture, rompu=rompu)
    return contrat
