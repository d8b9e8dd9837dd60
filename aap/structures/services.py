"""Services du portail partenaires : demandes de compte, profil de structure, label Référent 62.

Chaque changement d'état : une transaction, l'acteur passé en paramètre, une ligne d'audit. La validation
d'une demande de compte n'est jamais automatique : seul un agent DPID la prononce.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from aap.core import audit
from aap.core.models import User
from aap.core.permissions import exiger_dpid
from aap.core.workflow import Transition, TransitionInterdite, Workflow
from aap.structures import emails
from aap.structures.droits import ErreurStructure, exiger_ecriture
from aap.structures.membres import compte_porteur, normaliser_email, rattacher, representant_legal
from aap.structures.models import DemandeCompte, Membre, RoleMembre, StatutDemandeCompte, Structure
from aap.structures.validators import (
    compacter,
    normaliser_bic,
    normaliser_iban,
    valider_bic,
    valider_code_postal_62,
    valider_iban,
    valider_siret,
)


__all__ = [
    "WORKFLOW_DEMANDE_COMPTE",
    "DemandeDejaEnCours",
    "ErreurStructure",
    "definir_label_referent_62",
    "modifier_structure",
    "refuser_demande_compte",
    "soumettre_demande_compte",
    "valider_demande_compte",
]

_S = StatutDemandeCompte
WORKFLOW_DEMANDE_COMPTE = Workflow(
    "demande_compte",
    "statut",
    [
        Transition("valider", (_S.EN_ATTENTE,), _S.VALIDEE, "Valider la demande de compte"),
        Transition("refuser", (_S.EN_ATTENTE,), _S.REFUSEE, "Refuser la demande de compte"),
    ],
)

MESSAGE_DEMANDE_EN_COURS = (
    "Une demande de compte est déjà en cours d'examen pour ce SIRET. Inutile d'en déposer une autre : le "
    "Département y répondra par courriel à la personne qui l'a faite."
)

CHAMPS_DEMANDE = (
    "siret", "raison_sociale", "forme_juridique", "adresse", "code_postal", "commune", "est_siege",
    "representant_civilite", "representant_nom", "representant_prenom", "representant_fonction",
    "email", "demandeur_nom", "demandeur_prenom", "demandeur_est_representant", "telephone", "message",
)  # fmt: skip

#: Champs du profil modifiables par les membres (ni le SIRET, ni le label Référent 62).
CHAMPS_PROFIL = (
    "raison_sociale", "sigle", "forme_juridique", "rna", "adresse", "code_postal", "commune", "est_siege",
    "territoire", "telephone", "email", "site_web", "representant_civilite", "representant_nom",
    "representant_prenom", "representant_fonction", "iban", "bic", "soumise_cac",
)  # fmt: skip
#: Valeurs qui n'apparaissent pas en clair dans le journal.
CHAMPS_SENSIBLES = frozenset({"iban"})


class DemandeDejaEnCours(ErreurStructure):
    def __init__(self) -> None:
        super().__init__(MESSAGE_DEMANDE_EN_COURS)


# --- Demandes de compte ------------------------------------------------------------------------------------


def soumettre_demande_compte(data: Mapping[str, Any]) -> DemandeCompte:
    """Enregistre une demande publique (sans connexion) et envoie l'accusé de réception.

    Refusée si une demande est déjà en attente pour ce SIRET ; acceptée mais signalée à l'agent
    (« rattacher le demandeur ») si une structure est déjà inscrite avec ce SIRET.
    """
    champs = {k: data[k] for k in CHAMPS_DEMANDE if k in data}
    champs["siret"] = compacter(champs["siret"])
    champs["code_postal"] = compacter(champs["code_postal"])
    champs["email"] = normaliser_email(champs["email"])
    valider_siret(champs["siret"])
    valider_code_postal_62(champs["code_postal"])
    if DemandeCompte.objects.en_attente().filter(siret=champs["siret"]).exists():
        raise DemandeDejaEnCours()
    structure = Structure.objects.filter(siret=champs["siret"]).first()
    try:
        with transaction.atomic():
            demande = DemandeCompte.objects.create(
                **champs, structure=structure, structure_deja_inscrite=structure is not None
            )
            audit.log(
                None, "demande_compte.soumettre", demande, siret=demande.siret, rattachement=structure is not None
            )
            emails.accuse_reception(demande)
    except IntegrityError as exc:  # deux envois simultanés : la contrainte partielle tranche
        raise DemandeDejaEnCours() from exc
    return demande


def _verrouiller(demande: DemandeCompte, transition: str) -> DemandeCompte:
    verrouillee = DemandeCompte.objects.select_for_update().get(pk=demande.pk)
    if not WORKFLOW_DEMANDE_COMPTE.can(verrouillee, transition):
        raise TransitionInterdite(f"Cette demande a déjà été traitée ({verrouillee.get_statut_display().lower()}).")
    return verrouillee


def _structure_depuis(demande: DemandeCompte, agent: User) -> Structure:
    structure = Structure.objects.select_for_update().filter(siret=demande.siret).first()
    if structure is not None:
        return structure
    structure = Structure.objects.create(
        siret=demande.siret,
        raison_sociale=demande.raison_sociale,
        forme_juridique=demande.forme_juridique,
        adresse=demande.adresse,
        code_postal=demande.code_postal,
        commune=demande.commune,
        est_siege=demande.est_siege,
        telephone=demande.telephone,
        email=demande.email,
        representant_civilite=demande.representant_civilite,
        representant_nom=demande.representant_nom,
        representant_prenom=demande.representant_prenom,
        representant_fonction=demande.representant_fonction,
    )
    audit.log(agent, "structure.creer", structure, siret=structure.siret, demande_compte=demande.pk)
    return structure


def valider_demande_compte(demande: DemandeCompte, agent: User) -> Membre:
    """Crée (ou retrouve par SIRET) la structure, le compte porteur et l'adhésion ; envoie le lien de mot de passe.

    Le demandeur devient représentant légal s'il l'a déclaré et que la structure n'en a pas encore ;
    sinon gestionnaire.
    """
    exiger_dpid(agent)
    with transaction.atomic():
        verrouillee = _verrouiller(demande, "valider")
        user, _ = compte_porteur(verrouillee.email, verrouillee.demandeur_prenom, verrouillee.demandeur_nom, agent)
        structure = _structure_depuis(verrouillee, agent)
        if verrouillee.demandeur_est_representant and representant_legal(structure) is None:
            role = RoleMembre.REPRESENTANT_LEGAL
        else:
            role = RoleMembre.GESTIONNAIRE
        membre = rattacher(structure, user, role, agent)
        verrouillee.traitee_le = timezone.now()
        verrouillee.traitee_par = agent
        verrouillee.structure = structure
        verrouillee.compte = user
        WORKFLOW_DEMANDE_COMPTE.apply(
            verrouillee,
            "valider",
            agent,
            extra_fields=["traitee_le", "traitee_par", "structure", "compte"],
            structure=structure.pk,
            compte=user.email,
            role=membre.role,
        )
        emails.acces_ouvert(membre, demande=verrouillee)
    demande.refresh_from_db()
    return membre


def refuser_demande_compte(demande: DemandeCompte, agent: User, motif: str) -> DemandeCompte:
    """Refuse la demande ; le motif, obligatoire, est envoyé au demandeur."""
    exiger_dpid(agent)
    motif = (motif or "").strip()
    if not motif:
        raise ErreurStructure("Indiquez le motif du refus : il est communiqué au demandeur.")
    with transaction.atomic():
        verrouillee = _verrouiller(demande, "refuser")
        verrouillee.motif_refus = motif
        verrouillee.traitee_le = timezone.now()
        verrouillee.traitee_par = agent
        WORKFLOW_DEMANDE_COMPTE.apply(
            verrouillee, "refuser", agent, extra_fields=["motif_refus", "traitee_le", "traitee_par"], motif=motif
        )
        emails.demande_refusee(verrouillee)
    demande.refresh_from_db()
    return demande


# --- Profil de la structure ---------------------------------------------------------------------------------


def modifier_structure(structure: Structure, acteur: User, donnees: Mapping[str, Any]) -> Structure:
    """Met à jour l'identité, l'adresse, le représentant et les coordonnées bancaires (membres en écriture)."""
    exiger_ecriture(acteur, structure)
    with transaction.atomic():
        s = Structure.objects.select_for_update().get(pk=structure.pk)
        valeurs = {k: donnees[k] for k in CHAMPS_PROFIL if k in donnees}
        if "code_postal" in valeurs:
            valeurs["code_postal"] = compacter(valeurs["code_postal"])
            valider_code_postal_62(valeurs["code_postal"])
        if valeurs.get("iban"):
            valeurs["iban"] = normaliser_iban(valeurs["iban"])
            valider_iban(valeurs["iban"])
        if valeurs.get("bic"):
            valeurs["bic"] = normaliser_bic(valeurs["bic"])
            valider_bic(valeurs["bic"])
        territoire = valeurs.get("territoire")
        if "territoire" in valeurs and (territoire is None or territoire.est_departement):
            raise ValidationError("Choisissez le territoire MDS de la structure.")
        modifies = [k for k, v in valeurs.items() if getattr(s, k) != v]
        if not modifies:
            return s
        details = {k: ("modifié" if k in CHAMPS_SENSIBLES else getattr(s, k)) for k in modifies}
        for k in modifies:
            setattr(s, k, valeurs[k])
        s.save(update_fields=modifies)
        audit.log(acteur, "structure.modifier", s, champs=modifies, avant=details)
    structure.refresh_from_db()
    return s


def definir_label_referent_62(structure: Structure, agent: User, valeur: bool) -> Structure:
    """Un agent DPID pose ou retire le label Référent 62 (structure labellisée ou en moratoire)."""
    exiger_dpid(agent)
    with transaction.atomic():
        s = Structure.objects.select_for_update().get(pk=structure.pk)
        if s.label_referent_62 == valeur:
            return s
        s.label_referent_62 = valeur
        s.save(update_fields=["label_referent_62"])
        audit.log(agent, "structure.label_referent_62", s, de=not valeur, vers=valeur)
    structure.refresh_from_db()
    return s
