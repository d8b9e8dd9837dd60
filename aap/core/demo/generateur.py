"""Génère le jeu de démonstration complet : comptes, structures, sessions de démonstration, demandes."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from faker import Faker

from aap.catalogue.loader import load_edition
from aap.catalogue.models import Dispositif, Edition, SessionAppel
from aap.core.demo.commission import BilanCP, generer_cp
from aap.core.demo.comptes import creer_comptes
from aap.core.demo.conventions import BilanConventions, generer_conventions_demo
from aap.core.demo.demandes import creer_demande_demo
from aap.core.demo.parcours import BilanParcours, generer_parcours
from aap.core.demo.parcours_chartes import generer_chartes
from aap.core.demo.pieces import deposer_pieces_demo
from aap.core.demo.structures import creer_representants, creer_structures, rattacher_membre
from aap.core.models import Role, Territoire
from aap.demandes.choix import StatutDemande
from aap.demandes.models import Demande
from aap.instruction.models import Avis
from aap.instruction.services import affecter, donner_avis_slai
from aap.structures.demo import creer_demandes_compte_demo
from aap.structures.models import Civilite, FormeJuridique, Membre, RoleMembre, Structure


#: Dispositifs qui reçoivent une session de démonstration ouverte aujourd'hui.
CODES_SESSION_DEMO = ("5.2", "5.5", "5.11")
STATUTS = [(StatutDemande.VALIDEE, 70), (StatutDemande.DEPOSEE, 15), (StatutDemande.BROUILLON, 15)]


@dataclass
class Bilan:
    structures: int = 0
    demandes: dict[str, int] | None = None
    sessions_demo: int = 0
    demandes_compte: int = 0
    avis_slai: int = 0
    affectations: int = 0
    pieces: int = 0
    cp: BilanCP | None = None
    conventions: BilanConventions | None = None
    parcours: BilanParcours | None = None


def ouvrir_sessions_demo(edition: Edition, aujourd_hui: datetime.date) -> list[SessionAppel]:
    """Une session « de démonstration » par dispositif choisi, ouverte de J-7 à J+30 (idempotent)."""
    sessions = []
    for dispositif in Dispositif.objects.filter(edition=edition, code__in=CODES_SESSION_DEMO):
        existante = dispositif.sessions.filter(demonstration=True).first()
        if existante is None:
            numero = (dispositif.sessions.order_by("-numero").values_list("numero", flat=True).first() or 0) + 1
            existante = SessionAppel.objects.create(
                dispositif=dispositif,
                numero=numero,
                ouverture=aujourd_hui - datetime.timedelta(days=7),
                cloture=aujourd_hui + datetime.timedelta(days=30),
                restriction="Session de démonstration : elle n'existe pas dans la délibération.",
                demonstration=True,
            )
        else:
            existante.ouverture = aujourd_hui - datetime.timedelta(days=7)
            existante.cloture = aujourd_hui + datetime.timedelta(days=30)
            existante.save(update_fields=["ouverture", "cloture"])
        sessions.append(existante)
    return sessions


def _structure_demo(porteur) -> Structure:  # noqa: ANN001
    from aap.core.demo.identifiants import iban_fictif, siret_fictif

    structure, _ = Structure.objects.get_or_create(
        siret=siret_fictif(0),
        defaults={
            "raison_sociale": "Association Démo Inclusion 62",
            "forme_juridique": FormeJuridique.ASSOCIATION,
            "adresse": "12 rue de la Solidarité",
            "code_postal": "62000",
            "commune": "Arras",
            "territoire": Territoire.objects.get(code="arrageois"),
            "email": "contact@demo-inclusion62.fr",
            "representant_civilite": Civilite.MADAME,
            "representant_nom": porteur.last_name,
            "representant_prenom": porteur.first_name,
            "representant_fonction": "Présidente",
            "iban": iban_fictif(0),
            "bic": "DEMOFRPPXXX",
            "label_referent_62": True,
        },
    )
    rattacher_membre(structure, porteur, RoleMembre.REPRESENTANT_LEGAL)
    return structure


def generer(
    nb_structures: int = 150,
    nb_demandes: int = 300,
    seed: int = 62,
    progression: Callable[[str], None] = lambda _m: None,
) -> Bilan:
    rng = random.Random(seed)
    faker = Faker("fr_FR")
    faker.seed_instance(seed)
    edition = Edition.objects.filter(annee=2026).first() or load_edition(2026)
    bilan = Bilan()
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        with transaction.atomic():
            comptes = creer_comptes()
            porteur = comptes[Role.PORTEUR]
            structure_demo = _structure_demo(porteur)
            sessions_demo = ouvrir_sessions_demo(edition, timezone.localdate())
            bilan.sessions_demo = len(sessions_demo)
            deja = Structure.objects.count()
            structures = creer_structures(nb_structures, rng, faker, premier_numero=deja + 1)
            creer_representants(structures, faker)
            bilan.structures = len(structures) + 1
            bilan.demandes_compte = len(creer_demandes_compte_demo(8, rng, faker))
        representants = {
            m.structure_id: m.user
            for m in Membre.objects.filter(role=RoleMembre.REPRESENTANT_LEGAL).select_related("user")
        }
        with transaction.atomic():
            for structure in [structure_demo, *structures]:
                bilan.pieces += deposer_pieces_demo(structure, representants[structure.pk], rng)
        progression(
            f"{bilan.structures} structures, {bilan.pieces} pièces, "
            f"{bilan.demandes_compte} demandes de compte en attente, {bilan.sessions_demo} sessions de démonstration."
        )

        sessions = list(
            SessionAppel.objects.filter(dispositif__edition=edition, numero=1, demonstration=False)
            .select_related("dispositif__edition")
            .order_by("dispositif__ordre", "dispositif__code")  # ordre stable : la démonstration est reproductible
        )
        labellisees = [s for s in structures if s.label_referent_62]
        statuts = [s for s, poids in STATUTS for _ in range(poids)]
        compte: dict[str, int] = {}
        for i in range(nb_demandes):
            session = sessions[i % len(sessions)]
            fiche = session.dispositif.fiche
            candidates = labellisees if fiche.porteurs.label_referent_62 else structures
            structure = rng.choice(candidates)
            statut = rng.choice(statuts)
            with transaction.atomic():
                creer_demande_demo(structure, representants[structure.pk], session, statut, rng, faker)
            compte[statut] = compte.get(statut, 0) + 1
            if (i + 1) % 50 == 0:
                progression(f"{i + 1}/{nb_demandes} demandes…")

        # L'espace du porteur de démonstration : deux demandes transmises en 2026 et un brouillon en cours.
        with transaction.atomic():
            # La demande reçue porte sur un dispositif doté d'une ligne budgétaire : elle est financée en phase 1
            # et le porteur a une convention signée dont il peut produire le bilan intermédiaire.
            financee = next((s for s in sessions if s.dispositif.code == "5.1"), sessions[1])
            for session, statut in ((financee, StatutDemande.VALIDEE), (sessions[4], StatutDemande.DEPOSEE)):
                creer_demande_demo(structure_demo, porteur, session, statut, rng, faker)
                compte[statut] = compte.get(statut, 0) + 1
            creer_demande_demo(
                structure_demo, porteur, sessions_demo[0], StatutDemande.BROUILLON, rng, faker, at=timezone.now()
            )
            compte[StatutDemande.BROUILLON] = compte.get(StatutDemande.BROUILLON, 0) + 1
    bilan.demandes = compte
    bilan.avis_slai = _avis_slai_demo(comptes[Role.SLAI], rng, faker)
    # L'instructeur de démonstration est chargé des demandes reçues des dispositifs 5.1 à 5.5.
    recues = Demande.objects.exclude(statut=StatutDemande.BROUILLON)
    bilan.affectations = affecter(
        recues.filter(dispositif__code__in=["5.1", "5.2", "5.3", "5.4", "5.5"]),
        comptes[Role.INSTRUCTEUR],
        comptes[Role.GESTIONNAIRE],
    )
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        bilan.cp = generer_cp(edition, comptes, representants, faker, rng)
        bilan.conventions = generer_conventions_demo(comptes, representants, faker, rng)
        progression("Parcours des personnes accompagnées et charte qualité…")
        bilan.parcours = generer_parcours(rng, faker, comptes=comptes, structure_demo=structure_demo)
        bilan.parcours.chartes = generer_chartes(rng, comptes=comptes)
    return bilan


def _avis_slai_demo(slai, rng: random.Random, faker: Faker) -> int:  # noqa: ANN001 - agent SLAI
    """Le SLAI de démonstration a donné son avis sur la moitié des demandes validées de son territoire."""
    recues = Demande.objects.filter(statut=StatutDemande.VALIDEE, territoires=slai.territoire).order_by("pk")
    nombre = 0
    for demande in recues[::2]:
        avis = rng.choice([Avis.FAVORABLE, Avis.FAVORABLE, Avis.RESERVE, Avis.DEFAVORABLE])
        moment = demande.validee_le + datetime.timedelta(days=rng.randint(5, 30))
        donner_avis_slai(demande, slai, avis, faker.paragraph(nb_sentences=2), at=moment)
        nombre += 1
    return nombre
