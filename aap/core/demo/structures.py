"""Structures de démonstration réparties sur les 9 territoires MDS (noms et personnes générés par Faker)."""

from __future__ import annotations

import random

from faker import Faker

from aap.core.demo.identifiants import iban_fictif, siret_fictif
from aap.core.models import Territoire, User
from aap.structures.models import Civilite, FormeJuridique, Membre, RoleMembre, Structure


# Quelques communes réelles de chaque territoire MDS (faits géographiques publics) et leur code postal.
COMMUNES: dict[str, list[tuple[str, str]]] = {
    "arrageois": [("Arras", "62000"), ("Achicourt", "62217"), ("Saint-Laurent-Blangy", "62223")],
    "artois": [("Béthune", "62400"), ("Bruay-la-Buissière", "62700"), ("Auchel", "62260")],
    "audomarois": [("Saint-Omer", "62500"), ("Arques", "62510"), ("Aire-sur-la-Lys", "62120")],
    "boulonnais": [("Boulogne-sur-Mer", "62200"), ("Outreau", "62230"), ("Le Portel", "62480")],
    "calaisis": [("Calais", "62100"), ("Coulogne", "62137"), ("Marck", "62730")],
    "henin-carvin": [("Hénin-Beaumont", "62110"), ("Carvin", "62220"), ("Courrières", "62710")],
    "lens-lievin": [("Lens", "62300"), ("Liévin", "62800"), ("Avion", "62210")],
    "montreuillois": [("Montreuil-sur-Mer", "62170"), ("Berck", "62600"), ("Étaples", "62630")],
    "ternois": [("Saint-Pol-sur-Ternoise", "62130"), ("Frévent", "62270"), ("Auxi-le-Château", "62390")],
}

FORMES = [
    (FormeJuridique.ASSOCIATION, 55, "Association"),
    (FormeJuridique.CCAS, 10, "CCAS de"),
    (FormeJuridique.MISSION_LOCALE, 6, "Mission Locale"),
    (FormeJuridique.PLIE, 4, "PLIE"),
    (FormeJuridique.SIAE, 18, "Chantier d'insertion"),
    (FormeJuridique.GIP, 3, "GIP"),
    (FormeJuridique.AUTRE, 4, "Coopérative"),
]
OBJETS = [
    "Insertion et Solidarité", "Tremplin Emploi", "Accompagnement et Parcours", "Agir pour l'Inclusion",
    "Horizons Solidaires", "Passerelles", "Mobilité pour Tous", "Cap Avenir", "Habitat et Insertion",
    "Jeunesse et Territoires", "Entraide Sociale", "Chemins vers l'Emploi",
]  # fmt: skip


def _nom(rng: random.Random, faker: Faker, forme: FormeJuridique, prefixe: str, commune: str) -> str:
    if forme == FormeJuridique.CCAS:
        return f"CCAS de {commune}"
    if forme in (FormeJuridique.MISSION_LOCALE, FormeJuridique.PLIE):
        return f"{prefixe} {faker.last_name()} {commune}"
    return f"{prefixe} {rng.choice(OBJETS)} {faker.last_name()}"


def creer_structures(nombre: int, rng: random.Random, faker: Faker, premier_numero: int = 1) -> list[Structure]:
    territoires = {t.code: t for t in Territoire.objects.filter(est_departement=False)}
    codes = sorted(COMMUNES)
    formes = [f for f, poids, _ in FORMES for _ in range(poids)]
    prefixes = {f: p for f, _, p in FORMES}
    structures = []
    for i in range(nombre):
        code = codes[i % len(codes)]
        commune, cp = rng.choice(COMMUNES[code])
        forme = rng.choice(formes)
        n = premier_numero + i
        structures.append(
            Structure(
                siret=siret_fictif(n),
                raison_sociale=_nom(rng, faker, forme, prefixes[forme], commune),
                forme_juridique=forme,
                adresse=faker.street_address(),
                code_postal=cp,
                commune=commune,
                territoire=territoires[code],
                email=f"contact{n}@structure-demo.fr",
                telephone=faker.phone_number(),
                representant_civilite=rng.choice(Civilite.values),
                representant_nom=faker.last_name(),
                representant_prenom=faker.first_name(),
                representant_fonction=rng.choice(["Président", "Présidente", "Directeur", "Directrice"]),
                iban=iban_fictif(n),
                bic="DEMOFRPPXXX",
                label_referent_62=rng.random() < 0.6,
            )
        )
    return Structure.objects.bulk_create(structures)


def rattacher_membre(structure: Structure, user: User, role: RoleMembre = RoleMembre.REPRESENTANT_LEGAL) -> Membre:
    membre, _ = Membre.objects.get_or_create(structure=structure, user=user, defaults={"role": role})
    return membre


def creer_representants(structures: list[Structure], faker: Faker) -> list[User]:
    """Un compte porteur représentant légal par structure (mot de passe inutilisable : comptes fictifs)."""
    users = []
    for s in structures:
        user = User(
            email=f"representant{s.pk}@structure-demo.fr",
            first_name=s.representant_prenom,
            last_name=s.representant_nom,
        )
        user.set_unusable_password()
        users.append(user)
    users = User.objects.bulk_create(users)
    Membre.objects.bulk_create(
        Membre(structure=s, user=u, role=RoleMembre.REPRESENTANT_LEGAL) for s, u in zip(structures, users, strict=True)
    )
    return users
