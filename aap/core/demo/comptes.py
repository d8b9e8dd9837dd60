"""Comptes de démonstration : un par rôle, mot de passe commun affiché par `manage.py comptes_demo`."""

from __future__ import annotations

from dataclasses import dataclass

from aap.core.models import Role, Territoire, User
from aap.structures.models import Membre, RoleMembre, Structure


MOT_DE_PASSE_DEMO = "demo-aap-2026"


@dataclass(frozen=True)
class CompteDemo:
    email: str
    prenom: str
    nom: str
    role: Role
    territoire: str | None = None
    description: str = ""


COMPTES = [
    CompteDemo("porteur@demo.aap62.fr", "Camille", "Porteur", Role.PORTEUR, None,
               "représentante légale de « Association Démo Inclusion 62 »"),
    CompteDemo("instructeur@demo.aap62.fr", "Nadia", "Instructrice", Role.INSTRUCTEUR),
    CompteDemo("gestionnaire@demo.aap62.fr", "Julien", "Gestionnaire", Role.GESTIONNAIRE),
    CompteDemo("slai.arrageois@demo.aap62.fr", "Sophie", "Slai", Role.SLAI, "arrageois", "SLAI de l'Arrageois"),
    CompteDemo("finances@demo.aap62.fr", "Marc", "Finances", Role.FINANCES),
    CompteDemo("admin@demo.aap62.fr", "Claire", "Admin", Role.ADMIN),
    CompteDemo("referent@demo.aap62.fr", "Karim", "Referent", Role.REFERENT, None,
               "référent de parcours de « Association Démo Inclusion 62 » (ne voit que ses personnes)"),
]  # fmt: skip


def creer_comptes() -> dict[Role, User]:
    """Crée (ou remet à zéro le mot de passe de) chaque compte de démonstration."""
    users: dict[Role, User] = {}
    for compte in COMPTES:
        user, _ = User.objects.update_or_create(
            email=compte.email,
            defaults={
                "first_name": compte.prenom,
                "last_name": compte.nom,
                "role": compte.role,
                "territoire": Territoire.objects.get(code=compte.territoire) if compte.territoire else None,
                "is_staff": compte.role == Role.ADMIN,
                "is_superuser": compte.role == Role.ADMIN,
            },
        )
        user.set_password(MOT_DE_PASSE_DEMO)
        user.save(update_fields=["password"])
        users[compte.role] = user
    return users


def rattacher_referent(referent: User, structure: Structure) -> Membre:
    """Le référent de démonstration est membre (rôle « référent ») de la structure du porteur de démonstration."""
    membre, _ = Membre.objects.update_or_create(
        structure=structure, user=referent, defaults={"role": RoleMembre.REFERENT, "actif": True}
    )
    return membre
