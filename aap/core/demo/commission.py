"""Démonstration de l'instruction et de la Commission permanente, par les services réels :

- notes de l'instructeur et de la gestionnaire sur des demandes reçues (avec des écarts) ;
- budget retenu : une dépense réduite puis la part du Département rééquilibrée sur quelques demandes ;
- circuit : compléments demandés (dont un tour redéposé), retraits par la structure ;
- registre des élus (44 membres avec voix délibérative, 3 invités) et leurs mandats dans des structures ;
- enveloppes par dispositif sur les lignes budgétaires, propositions de financement ;
- une séance passée (votée, décisions approuvée / rejetée / ajournée, notifiées) qui alimente le « voté » ;
- une séance à venir en préparation, cohérente : ses documents se génèrent tels quels.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from faker import Faker

from aap.catalogue.models import Edition
from aap.commission import services as cp
from aap.commission import services_decisions as decisions
from aap.commission.conflits import elus_interesses
from aap.commission.models import Civilite, Elu, GroupePolitique, SeanceCP, StatutPresence
from aap.core.models import Role, User
from aap.demandes.choix import CategorieDepense, StatutDemande
from aap.demandes.models import Demande
from aap.instruction import budget, circuit, notation, propositions
from aap.instruction.enveloppes import DepassementBudget
from aap.instruction.models import ModeleConvention, Proposition
from aap.instruction.propositions import PropositionImpossible
from aap.structures.models import Membre, Structure


#: Composition de la Commission permanente de démonstration (44 membres avec voix délibérative).
GROUPES = [
    (GroupePolitique.SOCIALISTE, 22),
    (GroupePolitique.COMMUNISTE, 5),
    (GroupePolitique.UNION, 9),
    (GroupePolitique.RN, 7),
    (GroupePolitique.NON_INSCRIT, 1),
]
#: Part des montants demandés couverte par l'enveloppe de chaque dispositif.
COUVERTURE_ENVELOPPE = Decimal("0.95")


@dataclass
class BilanCP:
    notations: int = 0
    budgets_retenus: int = 0
    complements: int = 0
    retraits: int = 0
    elus: int = 0
    mandats: int = 0
    enveloppes: int = 0
    propositions: int = 0
    seances: dict[str, int] = field(default_factory=dict)


def _moment(demande: Demande, jours: int) -> datetime.datetime:
    return (demande.validee_le or timezone.now()) + datetime.timedelta(days=jours)


def creer_elus(agent: User, faker: Faker, rng: random.Random) -> list[Elu]:
    """Le registre des élus : un Président, une 1re vice-présidente, les membres par groupe, trois invités."""
    elus = []
    for groupe, nombre in GROUPES:
        for _ in range(nombre):
            femme = rng.random() < 0.5
            elus.append(
                cp.enregistrer_elu(
                    agent,
                    {
                        "civilite": Civilite.MADAME if femme else Civilite.MONSIEUR,
                        "prenom": faker.first_name_female() if femme else faker.first_name_male(),
                        "nom": faker.last_name(),
                        "groupe": groupe,
                        "fonction": "",
                        "est_president": False,
                        "voix_deliberative": True,
                        "actif": True,
                    },
                )
            )
    president, vice_presidente = elus[0], elus[1]
    cp.enregistrer_elu(agent, {"est_president": True, "fonction": "Président du Conseil départemental"}, president)
    cp.enregistrer_elu(agent, {"civilite": Civilite.MADAME, "fonction": "1re vice-présidente"}, vice_presidente)
    for _ in range(3):
        elus.append(
            cp.enregistrer_elu(
                agent,
                {
                    "civilite": Civilite.MONSIEUR,
                    "prenom": faker.first_name_male(),
                    "nom": faker.last_name(),
                    "groupe": GroupePolitique.NON_INSCRIT,
                    "fonction": "Invité sans voix délibérative",
                    "est_president": False,
                    "voix_deliberative": False,
                    "actif": True,
                },
            )
        )
    return elus


def creer_mandats(agent: User, elus: list[Elu], structures: list[Structure], rng: random.Random) -> int:
    """Des mandats dans des structures financées ; le Président siège au CA de l'une d'elles (il sera intéressé
    à l'affaire : la séance est alors présidée par la 1re vice-présidente)."""
    fonctions = ["Membre du conseil d'administration", "Président du CCAS", "Administratrice", "Vice-présidente"]
    nombre = 0
    for elu, structure in zip([elus[0], *rng.sample(elus[2:44], 8), elus[44]], structures, strict=False):
        cp.enregistrer_mandat(agent, elu, {"structure": structure, "fonction": rng.choice(fonctions)})
        nombre += 1
    return nombre


def noter_demandes(demandes: list[Demande], evaluateurs: list[User], rng: random.Random, faker: Faker) -> int:
    """Chaque demande est notée par l'instructeur ; une sur trois aussi par la gestionnaire (écarts visibles)."""
    nombre = 0
    for i, demande in enumerate(demandes):
        grille = notation.grille_de(demande)
        if grille is None:
            continue
        bareme = grille.bareme
        base = rng.randint(bareme.note_min + 1, bareme.note_max)
        for j, evaluateur in enumerate(evaluateurs[: 2 if i % 3 == 0 else 1]):
            notes = {}
            for code in grille.codes:
                note = max(bareme.note_min, min(bareme.note_max, base + rng.choice([-1, 0, 0, 1]) - j))
                notes[code] = (note, faker.sentence(nb_words=10))
            notation.noter(demande, evaluateur, notes, at=_moment(demande, 10 + j))
            nombre += 1
    return nombre


def retenir_budgets(demandes: list[Demande], agent: User) -> int:
    """Une dépense (hors postes de personnel quand il y en a) réduite de 10 %, puis la part du Département
    rééquilibrée : le plan retenu reste équilibré."""
    nombre = 0
    for demande in demandes:
        lignes = list(demande.depenses.exclude(montant=0).order_by("annee", "pk"))
        hors_personnel = [ligne for ligne in lignes if ligne.categorie == CategorieDepense.FONCTIONNEMENT]
        ligne = (hors_personnel or lignes or [None])[0]
        if ligne is None:
            continue
        retenu = (ligne.montant * Decimal("0.9")).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
        budget.retenir_depense(
            ligne, agent, retenu, "Coût jugé surévalué au regard de l'activité prévue.", at=_moment(demande, 12)
        )
        budget.equilibrer_part_departement(demande, agent, at=_moment(demande, 12))
        nombre += 1
    return nombre


def circuit_demo(demandes: list[Demande], agent: User, representants: dict[int, User]) -> tuple[int, int]:
    """Trois tours de compléments (le premier redéposé) et deux retraits par la structure."""
    complements = retraits = 0
    for i, demande in enumerate(demandes[:3]):
        circuit.demander_complements(
            demande,
            agent,
            "Merci de joindre le budget prévisionnel de la structure et de préciser les partenariats locaux.",
            echeance=timezone.localdate() + datetime.timedelta(days=15),
            at=_moment(demande, 8),
        )
        complements += 1
        if i == 0:
            circuit.redeposer(
                demande,
                representants[demande.structure_id],
                "Budget de la structure joint ; partenariats avec la mission locale et le CCAS précisés.",
                at=_moment(demande, 14),
            )
    for demande in demandes[3:5]:
        circuit.retirer(
            demande,
            representants[demande.structure_id],
            "L'opération est reportée à l'an prochain faute de locaux.",
            at=_moment(demande, 9),
        )
        retraits += 1
    return complements, retraits


def creer_enveloppes(edition: Edition, agent: User, demandes: list[Demande]) -> int:
    """Une enveloppe par dispositif qui a des demandes reçues, sur sa ligne : 95 % du demandé, dans la limite de
    ce qui reste sur la ligne."""
    demande_par_dispositif: dict[int, Decimal] = defaultdict(Decimal)
    dispositifs = {}
    for demande in demandes:
        if demande.dispositif.ligne_budgetaire_id:
            demande_par_dispositif[demande.dispositif_id] += demande.montant_demande
            dispositifs[demande.dispositif_id] = demande.dispositif
    reste = {lb.pk: lb.ae - lb.deja_engage for lb in edition.lignes_budgetaires.all()}
    nombre = 0
    for dispositif_id, demande_total in sorted(demande_par_dispositif.items()):
        dispositif = dispositifs[dispositif_id]
        ligne = dispositif.ligne_budgetaire
        montant = min((demande_total * COUVERTURE_ENVELOPPE).quantize(Decimal("1")), reste[ligne.pk])
        if montant <= 0:
            continue
        propositions.enregistrer_enveloppe(agent, montant=montant, ligne=ligne, dispositif=dispositif)
        reste[ligne.pk] -= montant
        nombre += 1
    return nombre


def proposer_tout(demandes: list[Demande], agent: User) -> list[Proposition]:
    """Une proposition au montant retenu pour chaque demande ; celles qui dépasseraient l'enveloppe restent
    sans proposition (l'agent le verra sur le tableau de bord)."""
    faites = []
    for demande in demandes:
        try:
            faites.append(
                propositions.proposer(
                    demande,
                    agent,
                    {"modele_convention": ModeleConvention.TYPE, "reference_convention": "Convention"},
                    at=_moment(demande, 20),
                )
            )
        except DepassementBudget:
            continue
    return faites


def seance_passee(
    edition: Edition,
    agent: User,
    elus: list[Elu],
    choisies: list[Proposition],
    date: datetime.date,
    *,
    phase: str = "Phase 2",
    numero_rapport: int = 28,
    numero_deliberation: str = "301",
) -> SeanceCP:
    """Une séance votée : toutes approuvées sauf la dernière rejetée et l'avant-dernière ajournée, décisions
    notifiées."""
    moment = timezone.make_aware(datetime.datetime.combine(date, datetime.time(10)))
    seance = cp.enregistrer_seance(
        agent,
        {
            "date": date,
            "edition": edition,
            "phase": phase,
            "numero_rapport": numero_rapport,
            "numero_deliberation": f"{date.year}-{numero_deliberation}",
            "date_avis_commissions": date - datetime.timedelta(days=14),
            "president_seance": elus[0],
            "secretaire": elus[5],
        },
        at=moment - datetime.timedelta(days=20),
    )
    cp.inscrire(seance, choisies, agent, at=moment - datetime.timedelta(days=19))
    voter(seance, agent, elus, moment)
    # Les deux dernières propositions choisies (jamais la première, celle de la structure du porteur de
    # démonstration) : l'ordre de création des inscriptions ne dit rien de l'ordre des propositions.
    rang = {p.pk: n for n, p in enumerate(choisies)}
    inscriptions = sorted(seance.inscriptions.all(), key=lambda i: rang.get(i.proposition_id, -1))
    rejetee, ajournee = inscriptions[-1], inscriptions[-2]
    decisions.rejeter(rejetee, agent, "Projet redondant avec l'offre existante du territoire.", at=moment)
    decisions.ajourner(ajournee, agent, "Dans l'attente du bilan 2025 de l'action.", at=moment)
    decisions.approuver_tout(seance, agent, at=moment)
    decisions.notifier(seance, agent, at=moment + datetime.timedelta(days=3))
    return seance


def raccourcir_periodes(choisies: list[Proposition], agent: User, aujourd_hui: datetime.date) -> None:
    """Trois opérations de la séance « Phase 1 » finissent 45 jours avant aujourd'hui : leurs bilans
    intermédiaire et final peuvent déjà être produits, leur solde calculé (ou le trop-perçu réclamé)."""
    fin = aujourd_hui - datetime.timedelta(days=45)
    raccourcies = 0
    # La première (structure du porteur de démonstration) reste entière ; les opérations à parts conditionnées
    # passent d'abord (leur solde peut faire apparaître un trop-perçu).
    candidates = sorted(
        choisies[1:],
        key=lambda p: not (p.demande.dispositif.regles.get("financement") or {}).get("parts_conditionnees"),
    )
    for proposition in candidates:
        demande = proposition.demande
        if raccourcies == 3 or proposition.date_fin <= fin or (fin - proposition.date_debut).days < 180:
            continue
        try:
            propositions.proposer(demande, agent, {"date_fin": fin}, at=_moment(demande, 21))
        except (PropositionImpossible, ValidationError):
            continue  # période imposée par la fiche : on en prend une autre
        proposition.refresh_from_db()
        raccourcies += 1


def voter(seance: SeanceCP, agent: User, elus: list[Elu], moment: datetime.datetime) -> None:
    """Présences (deux excusés dont un avec délégation, un absent) et vote conforme : les intéressés présents
    s'abstiennent, l'absent sans délégation est compté à part."""
    votants = [e for e in elus if e.voix_deliberative]
    presences = {e.pk: (StatutPresence.PRESENT, None) for e in votants}
    presences[votants[-1].pk] = (StatutPresence.ABSENT, None)
    presences[votants[-2].pk] = (StatutPresence.EXCUSE, votants[3])
    cp.enregistrer_presences(seance, agent, presences, at=moment)
    interesses = decisions.interesses_votants_presents(seance)
    abstention = len(interesses) + GROUPES[3][1]
    saisie = decisions.SaisieVote(
        pour=len(votants) - abstention - 1,
        contre=0,
        abstention=abstention,
        absents_sans_delegation=1,
        adopte=True,
        non_participants=tuple(i.elu for i in elus_interesses(seance)),
        groupes={
            "pour": [GroupePolitique.SOCIALISTE, GroupePolitique.COMMUNISTE, GroupePolitique.UNION],
            "abstention": [GroupePolitique.RN],
            "absents": [GroupePolitique.NON_INSCRIT],
        },
    )
    decisions.enregistrer_vote(seance, agent, saisie, at=moment)


def generer_cp(
    edition: Edition, comptes: dict[str, User], representants: dict[int, User], faker: Faker, rng: random.Random
) -> BilanCP:
    """Tout le jeu de l'instruction et de la Commission permanente (voir la docstring du module)."""
    instructeur, gestionnaire = comptes[Role.INSTRUCTEUR], comptes[Role.GESTIONNAIRE]
    bilan = BilanCP()
    recues = list(
        Demande.objects.filter(statut=StatutDemande.VALIDEE, dispositif__edition=edition)
        .select_related("dispositif__ligne_budgetaire", "dispositif__edition", "structure")
        .order_by("pk")
    )
    # La structure du porteur de démonstration passe en premier (proposition dans l'enveloppe, séance « Phase 1 ») :
    # le porteur a ainsi une convention signée et un bilan à produire.
    siennes = set(Membre.objects.filter(user=comptes[Role.PORTEUR], actif=True).values_list("structure_id", flat=True))
    recues.sort(key=lambda d: d.structure_id not in siennes)
    financables = [d for d in recues if d.dispositif.ligne_budgetaire_id]
    autres = [d for d in recues if not d.dispositif.ligne_budgetaire_id]
    with transaction.atomic():
        bilan.complements, bilan.retraits = circuit_demo(autres[:5], instructeur, representants)
        bilan.budgets_retenus = retenir_budgets(financables[:6], instructeur)
        bilan.notations = noter_demandes(financables[:60], [instructeur, gestionnaire], rng, faker)
        elus = creer_elus(gestionnaire, faker, rng)
        bilan.elus = len(elus)
        structures = list(Structure.objects.filter(demandes__in=financables).distinct().order_by("pk")[:10])
        bilan.mandats = creer_mandats(gestionnaire, elus, structures, rng)
        bilan.enveloppes = creer_enveloppes(edition, gestionnaire, financables)
        faites = proposer_tout(financables, instructeur)
        bilan.propositions = len(faites)
    aujourd_hui = timezone.localdate()
    # Deux séances passées : la « Phase 1 » à J-180 sur un cinquième des propositions (conventions à tous les
    # stades), la « Phase 2 » à J-40 sur un dixième (au moins 6 : une rejetée, une ajournée, les autres
    # approuvées, une par étape de la signature) ; la séance à venir sur le reste.
    nb_phase1 = len(faites) // 5 if len(faites) >= 10 else 0
    nb_passees = max(6, len(faites) // 10) if len(faites) - nb_phase1 >= 7 else 0
    with transaction.atomic():
        if nb_phase1:
            phase1 = faites[:nb_phase1]
            raccourcir_periodes(phase1, instructeur, aujourd_hui)
            seance = seance_passee(
                edition,
                gestionnaire,
                elus,
                phase1,
                aujourd_hui - datetime.timedelta(days=180),
                phase="Phase 1",
                numero_rapport=35,
                numero_deliberation="187",
            )
            bilan.seances["votée (phase 1)"] = seance.inscriptions.count()
        if nb_passees:
            passee = seance_passee(
                edition,
                gestionnaire,
                elus,
                faites[nb_phase1 : nb_phase1 + nb_passees],
                aujourd_hui - datetime.timedelta(days=40),
            )
            bilan.seances["votée"] = passee.inscriptions.count()
        a_venir = cp.enregistrer_seance(
            gestionnaire,
            {
                "date": aujourd_hui + datetime.timedelta(days=21),
                "edition": edition,
                "phase": "Phase 3",
                "numero_rapport": 41,
                "numero_deliberation": "",
                "date_cloture_depot": max(
                    (p.demande.session.cloture for p in faites if p.demande.session), default=None
                ),
                "date_avis_commissions": aujourd_hui + datetime.timedelta(days=7),
                "president_seance": elus[1],
                "secretaire": elus[5],
            },
        )
        restantes = Proposition.objects.filter(pk__in=[p.pk for p in faites[nb_phase1 + nb_passees :]])
        bilan.seances["en préparation"] = cp.inscrire(a_venir, restantes, gestionnaire)
    return bilan
