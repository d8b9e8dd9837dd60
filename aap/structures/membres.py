"""Comptes porteurs et membres d'une structure : ajout, rôle, désactivation, représentant légal.

Invariant : une structure a au plus un représentant légal actif (contrainte en base) et, dès qu'elle en a
un, elle en a toujours exactement un : il ne peut ni se désactiver ni changer son propre rôle, il transfère
la représentation légale à un autre membre (il devient alors gestionnaire).
"""

from __future__ import annotations

from django.db import transaction

from aap.core import audit
from aap.core.models import Role, User
from aap.core.permissions import exiger_dpid
from aap.structures import emails
from aap.structures.droits import ErreurStructure, exiger_representant_legal
from aap.structures.models import Membre, RoleMembre, Structure


def normaliser_email(email: str) -> str:
    return (email or "").strip().lower()


def compte_porteur(email: str, prenom: str, nom: str, acteur: User | None) -> tuple[User, bool]:
    """Le compte porteur de cette adresse (réutilisé) ou un nouveau compte sans mot de passe utilisable."""
    email = normaliser_email(email)
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        if user.role != Role.PORTEUR:
            raise ErreurStructure(
                f"L'adresse {email} est celle d'un compte agent du Département : elle ne peut pas être membre "
                "d'une structure. Demandez une autre adresse."
            )
        return user, False
    user = User(email=email, first_name=prenom.strip(), last_name=nom.strip(), role=Role.PORTEUR)
    user.set_unusable_password()
    user.save()
    audit.log(acteur, "compte.creer", user, email=email)
    return user, True


def rattacher(structure: Structure, user: User, role: RoleMembre, acteur: User | None) -> Membre:
    """Crée l'adhésion, ou réactive une adhésion désactivée, avec ce rôle."""
    membre = Membre.objects.select_for_update().filter(structure=structure, user=user).first()
    if membre is not None and membre.actif:
        if membre.role == RoleMembre.LECTEUR and role != RoleMembre.LECTEUR:
            membre.role = role
            membre.save(update_fields=["role"])
            audit.log(acteur, "membre.changer_role", membre, vers=role)
        return membre
    if membre is None:
        membre = Membre.objects.create(structure=structure, user=user, role=role)
    else:
        membre.role, membre.actif = role, True
        membre.save(update_fields=["role", "actif"])
    audit.log(acteur, "membre.ajouter", membre, user=user.email, role=role)
    return membre


def representant_legal(structure: Structure) -> Membre | None:
    return Membre.objects.actifs().filter(structure=structure, role=RoleMembre.REPRESENTANT_LEGAL).first()


def ajouter_membre(
    structure: Structure, acteur: User, *, email: str, prenom: str, nom: str, role: RoleMembre | str
) -> Membre:
    """Le représentant légal ajoute un gestionnaire ou un lecteur ; le compte reçoit un lien à usage unique."""
    role = RoleMembre(role)
    if role == RoleMembre.REPRESENTANT_LEGAL:
        raise ErreurStructure(
            "Ajoutez la personne comme gestionnaire, puis transférez-lui la représentation légale depuis la liste."
        )
    with transaction.atomic():
        exiger_representant_legal(acteur, structure)
        user, _ = compte_porteur(email, prenom, nom, acteur)
        if Membre.objects.actifs().filter(structure=structure, user=user).exists():
            raise ErreurStructure(f"{user.email} est déjà membre de la structure.")
        membre = rattacher(structure, user, role, acteur)
        emails.acces_ouvert(membre, par=acteur)
    return membre


def _verrouiller(membre: Membre) -> Membre:
    return Membre.objects.select_for_update().select_related("structure", "user").get(pk=membre.pk)


def changer_role(membre: Membre, acteur: User, role: RoleMembre | str) -> Membre:
    """Change le rôle d'un autre membre ; vers « représentant légal » : transfert, l'ancien devient gestionnaire."""
    role = RoleMembre(role)
    with transaction.atomic():
        membre = _verrouiller(membre)
        moi = exiger_representant_legal(acteur, membre.structure)
        if membre.pk == moi.pk:
            raise ErreurStructure(
                "Vous ne pouvez pas changer votre propre rôle : transférez la représentation légale à un autre membre."
            )
        if not membre.actif:
            raise ErreurStructure("Ce membre est désactivé : ajoutez-le à nouveau pour lui rendre l'accès.")
        if membre.role == role:
            return membre
        ancien = membre.role
        if role == RoleMembre.REPRESENTANT_LEGAL:
            moi.role = RoleMembre.GESTIONNAIRE
            moi.save(update_fields=["role"])
            audit.log(acteur, "membre.changer_role", moi, de=RoleMembre.REPRESENTANT_LEGAL, vers=moi.role)
        membre.role = role
        membre.save(update_fields=["role"])
        audit.log(acteur, "membre.changer_role", membre, de=ancien, vers=role)
    return membre


def desactiver_membre(membre: Membre, acteur: User) -> Membre:
    with transaction.atomic():
        membre = _verrouiller(membre)
        moi = exiger_representant_legal(acteur, membre.structure)
        if membre.pk == moi.pk:
            raise ErreurStructure(
                "Le représentant légal ne peut pas se retirer : transférez d'abord la représentation légale."
            )
        if not membre.actif:
            return membre
        membre.actif = False
        membre.save(update_fields=["actif"])
        audit.log(acteur, "membre.desactiver", membre, user=membre.user.email)
    return membre


def designer_representant_legal(membre: Membre, agent: User) -> Membre:
    """Un agent DPID désigne le représentant légal (structure qui n'en a pas, ou changement constaté)."""
    exiger_dpid(agent)
    with transaction.atomic():
        membre = _verrouiller(membre)
        if not membre.actif:
            raise ErreurStructure("Ce membre est désactivé.")
        if membre.role == RoleMembre.REPRESENTANT_LEGAL:
            return membre
        actuel = representant_legal(membre.structure)
        if actuel is not None:
            actuel.role = RoleMembre.GESTIONNAIRE
            actuel.save(update_fields=["role"])
            audit.log(agent, "membre.changer_role", actuel, de=RoleMembre.REPRESENTANT_LEGAL, vers=actuel.role)
        ancien = membre.role
        membre.role = RoleMembre.REPRESENTANT_LEGAL
        membre.save(update_fields=["role"])
        audit.log(agent, "membre.changer_role", membre, de=ancien, vers=membre.role)
    return membre
