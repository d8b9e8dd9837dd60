"""Changements d'état des demandes : une transaction par changement, l'acteur passé en paramètre, une
ligne d'audit, et le refus de toute écriture hors de la session (`at` : l'instant de l'action, pour les
tests ; par défaut maintenant).

Statuts et transitions : `aap.demandes.workflow`.
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from aap.catalogue.models import Dispositif, SessionAppel
from aap.catalogue.schema import ModeleFinancement
from aap.core import audit
from aap.core.models import Territoire, User
from aap.core.workflow import TransitionInterdite
from aap.demandes.choix import CATEGORIES_PERSONNEL, PrioriteTransversale, StatutDemande
from aap.demandes.financement import (
    CATEGORIES_SAISIES,
    ContextePlan,
    Depense,
    Ressource,
    ResultatPlan,
    arrondi,
    calculer_plan,
    montant_poste,
)
from aap.demandes.models import Demande, LigneDepense, LigneRessource
from aap.demandes.rules import (
    ActionRefusee,
    DemandeHorsPortail,
    DemandeIncomplete,
    controler_completude,
    exiger_ecriture,
    exiger_representant,
    exiger_session_ouverte,
    message_hors_portail,
    territoires_eligibles,
)
from aap.demandes.workflow import WORKFLOW
from aap.structures.models import Structure


logger = logging.getLogger(__name__)

__all__ = [
    "WORKFLOW",
    "ActionRefusee",
    "DemandeIncomplete",
    "TransitionInterdite",
    "contexte_de",
    "creer_demande",
    "deposer",
    "depenses_de",
    "enregistrer_budget",
    "mettre_a_jour",
    "plan_de",
    "repasser_en_brouillon",
    "ressources_de",
    "valider",
    "verrouiller",
]

#: Champs du dossier que `mettre_a_jour` accepte (le reste passe par les autres services).
CHAMPS_MODIFIABLES = frozenset(
    {
        "intitule",
        "description",
        "objectifs",
        "resultats_attendus",
        "moyens_humains",
        "moyens_materiels",
        "partenariats",
        "priorites_transversales",
        "priorites_commentaire",
        "indicateurs_proposes",
        "date_debut",
        "date_fin",
        "etp",
        "places",
        "dsp",
        "participants",
        "postes_insertion",
    }
)


def _maintenant(at: datetime.datetime | None) -> datetime.datetime:
    return at or timezone.now()


def verrouiller(demande: Demande) -> None:
    """Verrouille la ligne jusqu'à la fin de la transaction et relit l'état courant."""
    Demande.objects.select_for_update().filter(pk=demande.pk).values_list("pk").get()
    demande.refresh_from_db()


def _exiger_modifiable(demande: Demande, moment: datetime.datetime, action: str) -> None:
    """Brouillon pendant la session ; ou compléments demandés par la DPID, même la session close. Jamais une
    demande importée d'un tableau de propositions (sans session) : elle ne se modifie pas en ligne."""
    if demande.session_id is None:
        raise DemandeHorsPortail(message_hors_portail(action))
    if demande.statut == StatutDemande.COMPLEMENTS:
        return
    exiger_session_ouverte(demande.session, moment, action)
    if demande.statut != StatutDemande.BROUILLON:
        deposee = demande.statut == StatutDemande.DEPOSEE
        suite = "repassez-la en brouillon pour la modifier" if deposee else "elle ne peut plus être modifiée"
        raise ActionRefusee(f"La demande est « {demande.get_statut_display()} » : {suite}.")


def _exiger_territoires(dispositif: Dispositif, territoires: Iterable[Territoire]) -> list[Territoire]:
    territoires = list(territoires)
    eligibles = set(territoires_eligibles(dispositif).values_list("pk", flat=True))
    hors = [t.nom for t in territoires if t.pk not in eligibles]
    if hors:
        raise ActionRefusee(f"Territoire(s) hors du périmètre du dispositif : {', '.join(hors)}.")
    return territoires


def _prochaine_reference(dispositif: Dispositif) -> str:
    """« AAP2026-5.5-00042 » : numéro suivant pour ce dispositif (la ligne du dispositif est verrouillée)."""
    Dispositif.objects.select_for_update().filter(pk=dispositif.pk).values_list("pk").get()
    prefixe = f"AAP{dispositif.edition.annee}-{dispositif.code}-"
    derniere = (
        Demande.objects.filter(reference__startswith=prefixe)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    numero = int(re.sub(r"\D", "", derniere[len(prefixe) :]) or 0) + 1 if derniere else 1
    return f"{prefixe}{numero:05d}"


def creer_demande(
    acteur: User,
    structure: Structure,
    session: SessionAppel,
    intitule: str,
    territoires: Iterable[Territoire],
    at: datetime.datetime | None = None,
) -> Demande:
    """Crée une demande en brouillon ; dates de l'opération par défaut : celles de la convention de la fiche."""
    moment = _maintenant(at)
    exiger_ecriture(acteur, structure)
    exiger_session_ouverte(session, moment, "creer")
    dispositif = session.dispositif
    fiche = dispositif.fiche
    if fiche is None:
        raise ActionRefusee("Ce dispositif n'a pas de fiche détaillée : le dépôt en ligne n'est pas possible.")
    if not intitule.strip():
        raise ActionRefusee("Indiquez l'intitulé de l'opération.")
    territoires = _exiger_territoires(dispositif, territoires)
    debut = fiche.convention.debut or datetime.date(dispositif.edition.annee, 1, 1)
    fin = fiche.convention.fin
    if fin is None:
        mois = debut.month - 1 + fiche.convention.duree_max_mois
        fin = datetime.date(debut.year + mois // 12, mois % 12 + 1, 1) - datetime.timedelta(days=1)
    with transaction.atomic():
        demande = Demande.objects.create(
            reference=_prochaine_reference(dispositif),
            structure=structure,
            dispositif=dispositif,
            session=session,
            intitule=intitule.strip(),
            date_debut=debut,
            date_fin=fin,
            cree_par=acteur,
            cree_le=moment,
        )
        demande.territoires.set(territoires)
        audit.log(
            acteur, "demande.creer", demande, at=moment, session=str(session), territoires=[t.nom for t in territoires]
        )
    return demande


def mettre_a_jour(
    demande: Demande,
    acteur: User,
    donnees: Mapping[str, Any],
    territoires: Iterable[Territoire] | None = None,
    at: datetime.datetime | None = None,
) -> list[str]:
    """Enregistre les champs du dossier (brouillon, ou compléments demandés) ; renvoie les champs changés."""
    inconnus = set(donnees) - CHAMPS_MODIFIABLES
    if inconnus:
        raise ValueError(f"champs non modifiables : {sorted(inconnus)}")
    priorites = donnees.get("priorites_transversales")
    if priorites is not None and set(priorites) - set(PrioriteTransversale.values):
        raise ActionRefusee("Priorité transversale inconnue.")
    moment = _maintenant(at)
    exiger_ecriture(acteur, demande.structure)
    with transaction.atomic():
        verrouiller(demande)
        _exiger_modifiable(demande, moment, "modifier")
        changes = [champ for champ, valeur in donnees.items() if getattr(demande, champ) != valeur]
        for champ in changes:
            setattr(demande, champ, donnees[champ])
        if territoires is not None:
            nouveaux = _exiger_territoires(demande.dispositif, territoires)
            if {t.pk for t in nouveaux} != set(demande.territoires.values_list("pk", flat=True)):
                demande.territoires.set(nouveaux)
                changes.append("territoires")
        if changes:
            demande.save()
            audit.log(acteur, "demande.modifier", demande, at=moment, champs=changes)
    return changes


def depenses_de(demande: Demande) -> list[Depense]:
    return [
        Depense(
            annee=d.annee,
            categorie=d.categorie,
            libelle=d.libelle,
            montant=d.montant,
            etp=d.etp,
            taux_affectation=d.taux_affectation,
            cout_annuel=d.cout_annuel,
            mois=d.mois,
        )
        for d in demande.depenses.all()
    ]


def ressources_de(demande: Demande) -> list[Ressource]:
    return [Ressource(r.annee, r.financeur, r.montant, r.libelle) for r in demande.ressources.all()]


def contexte_de(demande: Demande, territoires: Iterable[Territoire] | None = None) -> ContextePlan:
    territoires = list(demande.territoires.all()) if territoires is None else list(territoires)
    return ContextePlan(
        annees=tuple(demande.annees),
        territoires_bassin_minier=tuple(t.bassin_minier for t in territoires),
        postes_insertion=demande.postes_insertion,
        mois_operation=demande.mois_operation,
    )


def plan_de(
    demande: Demande, depenses: Iterable[Depense] | None = None, ressources: Iterable[Ressource] | None = None
) -> ResultatPlan:
    """Le plan de la demande (lignes en base, ou celles passées pour un aperçu), calculé selon sa fiche."""
    fiche = demande.dispositif.fiche
    assert fiche is not None
    return calculer_plan(
        fiche,
        depenses_de(demande) if depenses is None else depenses,
        ressources_de(demande) if ressources is None else ressources,
        contexte_de(demande),
    )


def _controler_lignes(demande: Demande, depenses: list[Depense], ressources: list[Ressource]) -> None:
    fiche = demande.dispositif.fiche
    assert fiche is not None
    saisies = {str(c) for c in CATEGORIES_SAISIES[ModeleFinancement(fiche.financement.modele)]}
    annees = set(demande.annees)
    erreurs = []
    for annee in sorted(({d.annee for d in depenses} | {r.annee for r in ressources}) - annees):
        erreurs.append(f"L'année {annee} est hors des dates de l'opération.")
    if any(d.categorie not in saisies for d in depenses):
        erreurs.append("Une ligne de dépense relève d'une catégorie que le modèle de financement ne retient pas.")
    if any(d.montant < 0 for d in depenses) or any(r.montant < 0 for r in ressources):
        erreurs.append("Les montants ne peuvent pas être négatifs.")
    if erreurs:
        raise ActionRefusee(erreurs)


def enregistrer_budget(
    demande: Demande,
    acteur: User,
    depenses: Iterable[Depense],
    ressources: Iterable[Ressource],
    at: datetime.datetime | None = None,
) -> ResultatPlan:
    """Remplace le plan de financement ; le montant des postes est recalculé selon le modèle de la fiche,
    le coût total et le montant demandé au Département sont enregistrés sur la demande."""
    depenses, ressources = list(depenses), list(ressources)
    moment = _maintenant(at)
    exiger_ecriture(acteur, demande.structure)
    with transaction.atomic():
        verrouiller(demande)
        _exiger_modifiable(demande, moment, "budget")
        _controler_lignes(demande, depenses, ressources)
        fiche = demande.dispositif.fiche
        assert fiche is not None
        demande.depenses.all().delete()
        demande.ressources.all().delete()
        LigneDepense.objects.bulk_create(
            LigneDepense(
                demande=demande,
                annee=d.annee,
                categorie=d.categorie,
                libelle=d.libelle,
                etp=d.etp,
                taux_affectation=d.taux_affectation,
                cout_annuel=d.cout_annuel,
                mois=d.mois,
                montant=montant_poste(fiche, d) if d.categorie in CATEGORIES_PERSONNEL else arrondi(d.montant),
                ordre=i,
            )
            for i, d in enumerate(depenses)
        )
        LigneRessource.objects.bulk_create(
            LigneRessource(demande=demande, annee=r.annee, financeur=r.financeur, libelle=r.libelle, montant=r.montant)
            for r in ressources
        )
        plan = plan_de(demande)
        demande.cout_total = plan.cout_total
        demande.montant_demande = plan.montant_departement
        demande.save(update_fields=["cout_total", "montant_demande", "modifiee_le"])
        audit.log(
            acteur,
            "demande.budget",
            demande,
            at=moment,
            cout_total=plan.cout_total,
            montant_demande=plan.montant_departement,
            conforme=plan.conforme,
        )
    return plan


def _exiger_complete(demande: Demande) -> None:
    manques = controler_completude(demande)
    if manques:
        raise DemandeIncomplete(manques)


def deposer(demande: Demande, acteur: User, at: datetime.datetime | None = None) -> Demande:
    """Dépose un dossier complet, au plan équilibré et conforme à la fiche, avant la clôture."""
    moment = _maintenant(at)
    exiger_ecriture(acteur, demande.structure)
    with transaction.atomic():
        verrouiller(demande)
        exiger_session_ouverte(demande.session, moment, "deposer")
        if not WORKFLOW.can(demande, "deposer"):
            raise TransitionInterdite(f"La demande est déjà « {demande.get_statut_display()} ».")
        _exiger_complete(demande)
        demande.deposee_le, demande.deposee_par = moment, acteur
        WORKFLOW.apply(
            demande,
            "deposer",
            acteur,
            at=moment,
            extra_fields=["deposee_le", "deposee_par", "modifiee_le"],
            montant_demande=demande.montant_demande,
        )
    return demande


def repasser_en_brouillon(demande: Demande, acteur: User, at: datetime.datetime | None = None) -> Demande:
    """Rouvre une demande déposée (non validée) pour la corriger, tant que la session est ouverte."""
    moment = _maintenant(at)
    exiger_ecriture(acteur, demande.structure)
    with transaction.atomic():
        verrouiller(demande)
        exiger_session_ouverte(demande.session, moment, "repasser_en_brouillon")
        demande.deposee_le, demande.deposee_par = None, None
        WORKFLOW.apply(
            demande,
            "repasser_en_brouillon",
            acteur,
            at=moment,
            extra_fields=["deposee_le", "deposee_par", "modifiee_le"],
        )
    return demande


def valider(demande: Demande, acteur: User, attestation_honneur: bool, at: datetime.datetime | None = None) -> Demande:
    """Validation par le représentant légal, avec l'attestation sur l'honneur : produit le récépissé PDF
    (empreinte SHA-256) et prévient les membres de la structure par courriel."""
    from aap.demandes import recepisse  # import tardif : le rendu PDF charge WeasyPrint

    moment = _maintenant(at)
    exiger_representant(acteur, demande.structure)
    if not attestation_honneur:
        raise ActionRefusee("Cochez l'attestation sur l'honneur pour valider la demande.")
    with transaction.atomic():
        verrouiller(demande)
        exiger_session_ouverte(demande.session, moment, "valider")
        if not WORKFLOW.can(demande, "valider"):
            raise TransitionInterdite(
                "La demande doit être déposée avant d'être validée."
                if demande.statut == StatutDemande.BROUILLON
                else "La demande est déjà validée."
            )
        _exiger_complete(demande)
        demande.validee_le, demande.validee_par, demande.attestation_honneur = moment, acteur, True
        recepisse.attacher(demande)
        WORKFLOW.apply(
            demande,
            "valider",
            acteur,
            at=moment,
            extra_fields=[
                "validee_le",
                "validee_par",
                "attestation_honneur",
                "recepisse",
                "recepisse_empreinte",
                "modifiee_le",
            ],
            empreinte=demande.recepisse_empreinte,
        )
    try:
        recepisse.notifier_validation(demande)
    except Exception:  # la validation est enregistrée : un courriel perdu ne doit pas la faire paraître échouée
        logger.exception("Courriel de validation de %s non envoyé", demande.reference)
    return demande
