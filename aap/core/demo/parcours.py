"""Démonstration des parcours (issue 5) : pour chaque opération conventionnée signée par le Département dont le
dispositif a des règles de parcours (fiches 5.1, 5.2, 5.3…), des personnes orientées du début de l'opération à
aujourd'hui et leur parcours réaliste (`parcours_trajets`).

- La file active d'aujourd'hui vaut 70 à 95 % des places de la convention (`Operation.engagements["places"]`),
  105 à 112 % pour deux structures (alerte « places dépassées »).
- La qualité du suivi diffère d'une structure à l'autre : une bonne (≈ 0,85), une faible (≈ 0,35), les
  autres entre 0,55 et 0,8 ; la charte qualité calculée s'en ressent.
- La phase d'accueil (DSP, parcours sans contrat) reçoit une part des DSP de la convention ; une partie des
  personnes en remobilisation y sont passées (décision du Département = leur orientation).
- La structure du porteur de démonstration reçoit, en plus, les cas qui lèvent chaque alerte du référent.

Tout est tiré d'un `random.Random` passé en paramètre et de requêtes ordonnées : la démonstration est
reproductible. Écriture par `bulk_create` (quelques secondes pour des milliers de parcours).
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from faker import Faker

from aap.catalogue.schema_parcours import RegleParcours
from aap.conventions.models import Operation, StatutConvention
from aap.conventions.regles import ajouter_mois
from aap.core.demo.comptes import COMPTES, rattacher_referent
from aap.core.demo.parcours_accompagnement import accompagner, phase_accueil
from aap.core.demo.parcours_trajets import JOUR, Contexte, Lot, Plan, a_paris
from aap.core.models import Role, User
from aap.parcours import choices as c
from aap.parcours import models as m
from aap.structures.models import RoleMembre, Structure


#: Part des DSP engagées par la convention réalisées sur la période écoulée (démonstration plus légère).
PART_DSP = 0.5
#: Part des personnes en accompagnement passées d'abord par la phase d'accueil (DSP) de la même structure.
PART_APRES_DSP = 0.3


@dataclass
class BilanParcours:
    operations: int = 0
    personnes: int = 0
    orientations: Counter = field(default_factory=Counter)  # par dispositif
    phases_dsp: int = 0
    rendez_vous: int = 0
    contrats: int = 0
    heures: int = 0
    diagnostics: int = 0
    suspensions: int = 0
    reorientations: int = 0
    sorties: Counter = field(default_factory=Counter)  # par famille
    places_depassees: list[str] = field(default_factory=list)
    chartes: Counter = field(default_factory=Counter)  # par statut


def operations_a_parcours(aujourd_hui: datetime.date) -> list[Operation]:
    """Opérations des conventions signées par le Département (ou soldées) dont la fiche a des parcours."""
    operations = (
        Operation.objects.filter(
            convention__statut__in=(StatutConvention.SIGNEE, StatutConvention.SOLDEE), date_debut__lte=aujourd_hui
        )
        .select_related("convention__structure__territoire", "dispositif")
        .order_by("pk")
    )
    return [o for o in operations if o.dispositif.fiche is not None and o.dispositif.fiche.parcours]


def _cibles(operation: Operation) -> tuple[list[str], list[str]]:
    """Familles de sortie et sphères de réorientation visées par la charte de la fiche (critère
    `sorties_ciblees`) ; sans charte, l'emploi."""
    charte = operation.dispositif.fiche.charte
    for critere in charte.criteres if charte else []:
        if critere.calcul == "sorties_ciblees":
            return list(critere.familles), list(critere.spheres)
    return [c.FamilleSortie.EMPLOI_DURABLE, c.FamilleSortie.EMPLOI_TRANSITION], [c.Sphere.EMPLOI]


def type_sortie(ctx: Contexte) -> str:
    """Le plus souvent une sortie visée par la fiche (d'autant plus que la structure suit bien), parfois une
    réorientation, sinon abandon, déménagement, radiation…"""
    rng, u = ctx.rng, ctx.rng.random()
    if u < 0.3 + 0.45 * ctx.q:
        famille = rng.choice(ctx.familles_cibles)
    elif u < 0.42 + 0.45 * ctx.q:
        return c.TypeSortie.REORIENTATION
    else:
        autres = [
            f for f in c.FamilleSortie.values if f not in ctx.familles_cibles and f != c.FamilleSortie.REORIENTATION
        ]
        famille = rng.choice([c.FamilleSortie.AUTRE] * 3 + autres)
    return rng.choice([t for t, f in c.FAMILLE_DE_SORTIE.items() if f == famille])


def duree_prevue(rng: random.Random, regle: RegleParcours) -> int:
    """Durée du parcours en jours : un contrat, parfois deux ou trois quand la fiche permet le renouvellement."""
    contrats = 1
    if regle.renouvellement == "apres_revue_slai":
        contrats = rng.choices((1, 2, 3), weights=(55, 35, 10))[0]
        if regle.duree_totale_max_mois:
            contrats = max(1, min(contrats, regle.duree_totale_max_mois // regle.duree_ce_mois))
    return int(contrats * regle.duree_ce_mois * 30.44 * rng.uniform(0.6, 1.05)) + 25


class Fabrique:
    """Personnes et justificatifs (Faker fr_FR, numéros CAF/MSA fictifs uniques)."""

    def __init__(self, faker: Faker, rng: random.Random) -> None:
        self.faker, self.rng = faker, rng
        self.numero = m.Personne.objects.count()

    def personne(self, ctx: Contexte, jour: datetime.date) -> m.Personne:
        rng, fiche = self.rng, ctx.operation.dispositif.fiche
        jeune = bool(fiche.public.age_max) and rng.random() < 0.15
        categorie = c.CategoriePublic.JEUNE_MOINS_26 if jeune else c.CategoriePublic.BRSA
        age = rng.randint(18, 25) if jeune else rng.randint(26, 62)
        self.numero += 1
        personne = m.Personne(
            nom=self.faker.last_name(),
            prenom=self.faker.first_name(),
            date_naissance=datetime.date(jour.year - age, rng.randint(1, 12), rng.randint(1, 28)),
            organisme=c.Organisme.MSA if rng.random() < 0.08 else c.Organisme.CAF,
            numero_allocataire=f"{9000000 + self.numero}",
            categorie=categorie,
            territoire=ctx.operation.convention.structure.territoire,
            creee_le=a_paris(jour, rng),
        )
        ctx.lot.personnes.append(personne)
        for nature in c.JUSTIFICATIFS_ATTENDUS[categorie]:
            verifie = min(ctx.aujourd_hui, jour + JOUR * rng.randint(0, 10))
            ctx.lot.justificatifs.append(
                m.Justificatif(
                    personne=personne, structure=ctx.operation.convention.structure, nature=nature, verifie_le=verifie
                )
            )
        return personne


def _plans(ctx: Contexte, regles: list[RegleParcours], ratio: float) -> list[tuple[RegleParcours, Plan]]:
    """Arrivées réparties sur la période ; file active d'aujourd'hui ajustée à `ratio` × places."""
    rng, operation = ctx.rng, ctx.operation
    places = int(Decimal(str(operation.engagements.get("places") or 0))) or 20
    cible = round(places * ratio)
    etendue = max(1, (ctx.horizon - ctx.debut).days)
    poids = [2] + [1] * (len(regles) - 1)
    echantillon = [min(duree_prevue(rng, rng.choices(regles, poids)[0]), etendue) for _ in range(200)]
    nombre = max(cible, round(cible * etendue / (sum(echantillon) / len(echantillon))))
    arrivees = sorted(ctx.debut + JOUR * rng.randrange(etendue) for _ in range(nombre))
    plans = []
    for jour in arrivees:
        regle = rng.choices(regles, poids)[0]
        plans.append([regle, jour, jour + JOUR * duree_prevue(rng, regle)])
    terminee = ctx.horizon < ctx.aujourd_hui
    if not terminee:
        actifs = [p for p in plans if p[2] > ctx.horizon]
        sortis = [p for p in plans if p[2] <= ctx.horizon]
        for p in actifs[: max(0, len(actifs) - cible)]:  # les plus anciens sortent
            p[2] = max(p[1] + JOUR * 20, ctx.horizon - JOUR * rng.randint(1, 60))
            if p[2] > ctx.horizon:
                p[1] = max(ctx.debut, ctx.horizon - JOUR * rng.randint(25, 60))
                p[2] = max(p[1], ctx.horizon - JOUR * rng.randint(0, 20))
        for p in sorted(sortis, key=lambda p: p[2], reverse=True)[: max(0, cible - len(actifs))]:
            p[2] = ctx.horizon + JOUR * rng.randint(10, 120)
    resultat = []
    for regle, jour, fin in plans:
        sortie = min(fin, ctx.horizon) if terminee or fin <= ctx.horizon else None
        resultat.append((regle, Plan(jour, sortie, type_sortie(ctx) if sortie else None)))
    return resultat


def generer_operation(ctx: Contexte, fabrique: Fabrique, ratio: float) -> None:
    rng, operation = ctx.rng, ctx.operation
    fiche = operation.dispositif.fiche
    accompagnements = [r for r in fiche.parcours if r.duree_ce_mois]
    accueils = [r for r in fiche.parcours if not r.duree_ce_mois]
    chainees = 0
    for regle, plan in _plans(ctx, accompagnements, ratio):
        personne = fabrique.personne(ctx, plan.date_orientation - JOUR * 40)
        suite = accompagner(ctx, personne, regle, plan)
        if accueils and plan.date_orientation - JOUR * 50 >= ctx.debut and rng.random() < PART_APRES_DSP:
            phase_accueil(ctx, personne, accueils[0], plan.date_orientation - JOUR * rng.randint(30, 50), suite)
            ctx.lot.precedentes.append((suite, ctx.lot.orientations[-1]))
            chainees += 1
    if not accueils:
        return
    duree_operation = max(1, (operation.date_fin - operation.date_debut).days)
    etendue = max(1, (ctx.horizon - ctx.debut).days - (40 if ctx.horizon < ctx.aujourd_hui else 0))
    dsp = int(Decimal(str(operation.engagements.get("dsp") or 0)))
    nombre = max(0, round(dsp * PART_DSP * etendue / duree_operation) - chainees)
    for jour in sorted(ctx.debut + JOUR * rng.randrange(etendue) for _ in range(nombre)):
        phase_accueil(ctx, fabrique.personne(ctx, jour), rng.choice(accueils), jour)


def cas_d_alerte(ctx: Contexte, fabrique: Fabrique) -> int:
    """Des personnes de la structure du référent de démonstration qui lèvent chaque alerte : 1er rendez-vous en
    retard ou absent, contrat non signé à 4 semaines, mois sous le minimum d'entretiens, contrat finissant (ou
    fini) sans revue SLAI, absence injustifiée sans demande de suspension, contrat pauvre."""
    regle = next((r for r in ctx.regles.values() if r.duree_ce_mois), None)
    if regle is None:
        return 0
    auj, duree = ctx.aujourd_hui, regle.duree_ce_mois
    # Signatures des contrats qui finissent dans 9 jours et qui ont fini il y a 8 jours.
    finit_bientot = ajouter_mois(auj + JOUR * 9, -duree) + JOUR
    a_fini = ajouter_mois(auj - JOUR * 8, -duree) + JOUR
    cas = [
        (auj - JOUR * 22, {"sans_rdv"}, None),
        (auj - JOUR * 19, {"sans_rdv"}, None),
        (auj - JOUR * 60, {"rdv_tardif"}, None),
        (auj - JOUR * 40, {"sans_ce"}, None),
        (auj - JOUR * 31, {"sans_ce"}, None),
        (auj - JOUR * 130, {"mois_creux"}, None),
        (auj - JOUR * 100, {"mois_creux"}, None),
        (finit_bientot - JOUR * 12, {"sans_revue"}, finit_bientot),
        (a_fini - JOUR * 14, {"sans_revue"}, a_fini),
        (auj - JOUR * 90, {"absence_sans_suspension"}, None),
        (auj - JOUR * 70, {"ce_pauvre"}, None),
    ]
    for jour, defauts, signature in cas:
        plan = Plan(jour, defauts=frozenset(defauts), signature=signature)
        accompagner(ctx, fabrique.personne(ctx, jour), regle, plan)
    return len(cas)


def qualite_de(operation: Operation, operations: list[Operation], structure_demo: Structure | None) -> float:
    """Parmi les dispositifs à charte, la première opération (dans l'ordre des identifiants) est suivie faiblement,
    la deuxième bien (la démonstration des bilans montre un trop-perçu sur la première et un solde sur la
    deuxième), le référent de démonstration moyennement, les autres entre 0,55 et 0,8 (tirage propre à
    l'opération : le même quel que soit l'ordre de génération)."""
    demo_pk = structure_demo.pk if structure_demo else None
    if operation.convention.structure_id == demo_pk:
        return 0.75
    chartees = [o.pk for o in operations if o.dispositif.fiche.charte and o.convention.structure_id != demo_pk]
    if operation.pk in chartees[:2]:
        return (0.35, 0.85)[chartees.index(operation.pk)]
    return round(random.Random(operation.pk).uniform(0.55, 0.8), 2)


def _ratio(
    operation: Operation, operations: list[Operation], structure_demo: Structure | None, aujourd_hui: datetime.date
) -> float:
    """File active visée / places : 0,7 à 0,95 ; 1,05 à 1,12 pour deux opérations en cours (places dépassées) ;
    0,55 pour le référent de démonstration (≈ 40 personnes pour 70 places, plus les cas d'alerte)."""
    demo_pk = structure_demo.pk if structure_demo else None
    tirage = random.Random(operation.pk * 7919)
    if operation.convention.structure_id == demo_pk:
        return 0.55
    candidates = [o.pk for o in operations if o.date_fin >= aujourd_hui and o.convention.structure_id != demo_pk]
    if operation.pk in random.Random(len(candidates)).sample(candidates, min(2, len(candidates))):
        return round(tirage.uniform(1.05, 1.12), 2)
    return round(tirage.uniform(0.7, 0.95), 2)


def contexte(
    operation: Operation, comptes: dict, qualite: float, lot: Lot, rng: random.Random, aujourd_hui: datetime.date
) -> Contexte:
    familles, spheres = _cibles(operation)
    referent = comptes.get(Role.REFERENT)
    demo = referent is not None and operation.convention.structure.membres.filter(user=referent).exists()
    return Contexte(
        operation=operation,
        regles={r.code: r for r in operation.dispositif.fiche.parcours},
        qualite=qualite,
        debut=operation.date_debut,
        horizon=min(aujourd_hui, operation.date_fin),
        aujourd_hui=aujourd_hui,
        rng=rng,
        lot=lot,
        slai=comptes.get(Role.SLAI),
        saisie_par=referent if demo else None,
        familles_cibles=familles,
        spheres_cibles=spheres,
    )


def generer_parcours(
    rng: random.Random,
    faker: Faker,
    *,
    comptes: dict[Role, User] | None = None,
    structure_demo: Structure | None = None,
    aujourd_hui: datetime.date | None = None,
    operations: list[Operation] | None = None,
) -> BilanParcours:
    """Les parcours de chaque opération à parcours qui n'en a pas encore (toutes, ou celles de `operations`).
    Les compteurs du bilan sont les totaux en base."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    comptes = comptes or comptes_demo()
    structure_demo = structure_demo or structure_de_demo()
    bilan = BilanParcours()
    referent = comptes.get(Role.REFERENT)
    if referent is not None and structure_demo is not None:
        rattacher_referent(referent, structure_demo)
    toutes = operations_a_parcours(aujourd_hui)
    deja = set(m.Orientation.objects.filter(operation__in=toutes).values_list("operation_id", flat=True))
    choisies = {o.pk for o in operations} if operations is not None else {o.pk for o in toutes}
    lot, fabrique = Lot(), Fabrique(faker, rng)
    for operation in toutes:
        if operation.pk in deja or operation.pk not in choisies:
            continue
        ratio = _ratio(operation, toutes, structure_demo, aujourd_hui)
        ctx = contexte(operation, comptes, qualite_de(operation, toutes, structure_demo), lot, rng, aujourd_hui)
        generer_operation(ctx, fabrique, ratio)
        if ctx.saisie_par is not None and operation.date_fin >= aujourd_hui:
            cas_d_alerte(ctx, fabrique)
        if ratio > 1:
            bilan.places_depassees.append(str(operation.convention.structure))
        bilan.operations += 1
    with transaction.atomic():
        lot.enregistrer()
    bilan.personnes = m.Personne.objects.count()
    bilan.orientations = Counter(m.Orientation.objects.values_list("dispositif__code", flat=True))
    bilan.phases_dsp = m.PhaseDsp.objects.count()
    bilan.rendez_vous = m.RendezVous.objects.count()
    bilan.contrats = m.ContratEngagement.objects.count()
    bilan.heures = m.HeuresActivite.objects.count()
    bilan.diagnostics = m.Diagnostic.objects.count()
    bilan.suspensions = m.DemandeSuspension.objects.count()
    bilan.reorientations = m.DemandeReorientation.objects.count()
    bilan.sorties = Counter(m.Sortie.objects.values_list("famille", flat=True))
    return bilan


def comptes_demo() -> dict[Role, User]:
    """Les comptes de démonstration déjà créés (`comptes.creer_comptes`), par rôle."""
    emails = {compte.email: compte.role for compte in COMPTES}
    return {emails[u.email]: u for u in User.objects.filter(email__in=emails).order_by("pk")}


def structure_de_demo() -> Structure | None:
    """La structure dont le porteur de démonstration est représentant légal."""
    porteur = next(compte.email for compte in COMPTES if compte.role == Role.PORTEUR)
    return (
        Structure.objects.filter(membres__user__email=porteur, membres__role=RoleMembre.REPRESENTANT_LEGAL)
        .order_by("pk")
        .first()
    )
