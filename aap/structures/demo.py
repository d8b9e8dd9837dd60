"""Données de démonstration du portail partenaires : demandes de compte en attente (Faker fr_FR).

À appeler depuis le générateur de démonstration : `creer_demandes_compte_demo(6, rng, faker)`.
Les SIRET sont fictifs (préfixe 9, clé de Luhn) ; une demande sur trois vise une structure déjà inscrite
(rattachement d'un nouveau membre).
"""

from __future__ import annotations

import random

from faker import Faker

from aap.core.demo.identifiants import siret_fictif
from aap.structures import services
from aap.structures.models import Civilite, DemandeCompte, FormeJuridique, Structure


COMMUNES = [("Arras", "62000"), ("Lens", "62300"), ("Calais", "62100"), ("Béthune", "62400"), ("Berck", "62600")]


def creer_demandes_compte_demo(nombre: int, rng: random.Random, faker: Faker) -> list[DemandeCompte]:
    """Crée `nombre` demandes en attente (idempotent : un SIRET déjà en attente est ignoré)."""
    existantes = list(Structure.objects.order_by("pk")[:20])
    demandes = []
    for i in range(nombre):
        structure = existantes[(i // 3) % len(existantes)] if existantes and i % 3 == 2 else None
        siret = structure.siret if structure else siret_fictif(i + 1, prefixe="98")
        if DemandeCompte.objects.en_attente().filter(siret=siret).exists():
            continue
        commune, cp = rng.choice(COMMUNES)
        civilite = rng.choice(Civilite.values)
        prenom = faker.first_name_female() if civilite == Civilite.MADAME else faker.first_name_male()
        nom = faker.last_name()
        est_representant = rng.random() < 0.7
        data = {
            "siret": siret,
            "raison_sociale": structure.raison_sociale if structure else f"Association {faker.last_name()} Solidarité",
            "forme_juridique": structure.forme_juridique if structure else FormeJuridique.ASSOCIATION,
            "adresse": faker.street_address(),
            "code_postal": cp,
            "commune": commune,
            "est_siege": True,
            "representant_civilite": civilite,
            "representant_nom": nom,
            "representant_prenom": prenom,
            "representant_fonction": "Présidente" if civilite == Civilite.MADAME else "Président",
            "email": f"demande-compte{i + 1}@structure-demo.fr",
            "demandeur_nom": nom if est_representant else faker.last_name(),
            "demandeur_prenom": prenom if est_representant else faker.first_name(),
            "demandeur_est_representant": est_representant,
            "telephone": faker.phone_number(),
            "message": "" if rng.random() < 0.5 else "Nous souhaitons répondre à l'appel à projets 2026.",
        }
        demandes.append(services.soumettre_demande_compte(data))
    return demandes
