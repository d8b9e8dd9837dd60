"""Démonstration des parcours, les briques du déroulé d'une orientation (rendez-vous, diagnostics, contrats et
actions, heures d'activité, suspensions, réorientation, sortie), tiré au sort selon la règle de parcours de la
fiche (`RegleParcours`) et la qualité de suivi de la structure (`Contexte.qualite`, de 0 à 1).

Rien n'est enregistré ici : les objets sont accumulés dans un `Lot`, écrit en fin de génération par
`bulk_create` (rapide). Les seuils (délais, durée du contrat, entretiens par mois, heures SIA) viennent de la
fiche ; seuls les comportements (part de retards, d'absences…) sont des choix de démonstration.
"""

from __future__ import annotations

import datetime
import random
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal

from aap.catalogue.schema_parcours import RegleParcours
from aap.conventions.regles import ajouter_mois
from aap.parcours import choices as c
from aap.parcours import models as m


PARIS = zoneinfo.ZoneInfo("Europe/Paris")
JOUR = datetime.timedelta(days=1)

#: Défauts qu'on peut imposer à un parcours (cas d'alerte de la structure du référent de démonstration).
DEFAUTS = frozenset(
    {"sans_rdv", "rdv_tardif", "sans_ce", "mois_creux", "sans_revue", "absence_sans_suspension", "ce_pauvre"}
)

ACTIONS: dict[str, list[tuple[str, str]]] = {
    c.CategorieAction.SOCIALE: [
        ("Démarches de santé", "Bilan de santé au centre d'examens et suivi des rendez-vous médicaux."),
        ("Accès à un logement adapté", "Dossier de demande de logement social et rencontre du bailleur."),
        ("Mobilité", "Inscription à l'auto-école sociale et aide au financement du permis."),
        ("Gestion du budget", "Ateliers budget avec la conseillère en économie sociale et familiale."),
        ("Mode de garde des enfants", "Recherche d'une place en crèche et dossier d'aide à la garde."),
        ("Remobilisation collective", "Participation à l'atelier collectif de confiance en soi (hebdomadaire)."),
    ],
    c.CategorieAction.INSERTION_PRO: [
        ("Construction du projet professionnel", "Entretiens de projet, enquêtes métiers et immersions."),
        ("Période de mise en situation en milieu professionnel", "Immersion de deux semaines en entreprise."),
        ("Candidatures accompagnées", "Rédaction du CV, lettres de motivation, simulation d'entretien."),
        ("Positionnement sur un chantier d'insertion", "Rencontre de la SIAE et visite du chantier."),
    ],
    c.CategorieAction.FORMATION: [
        ("Remise à niveau des savoirs de base", "Formation linguistique et calcul, 6 heures par semaine."),
        ("Initiation au numérique", "Atelier d'inclusion numérique : messagerie, espace personnel CAF."),
    ],
    c.CategorieAction.ADMINISTRATIVE: [
        ("Ouverture des droits", "Mise à jour du dossier CAF et de la complémentaire santé solidaire."),
        ("Régularisation administrative", "Renouvellement des papiers d'identité et du titre de séjour."),
    ],
}

ARGUMENTAIRES = {
    c.Sphere.SOCIAL_PROFESSIONNEL_INTENSIF: (
        "Les freins sociaux principaux sont levés (logement stabilisé, mobilité acquise). La personne exprime un "
        "projet professionnel réaliste et souhaite un accompagnement renforcé vers l'emploi."
    ),
    c.Sphere.EMPLOI: (
        "Projet professionnel validé par deux immersions réussies ; disponibilité immédiate et mobilité "
        "autonome. Une inscription dans la sphère emploi permettra un accès direct aux offres."
    ),
    c.Sphere.SANTE: (
        "Les problématiques de santé empêchent toute démarche d'insertion à court terme ; un accompagnement "
        "spécifique santé est plus adapté (avis du médecin traitant obtenu par la personne)."
    ),
    c.Sphere.SOLIDARITE: (
        "La situation familiale nécessite un accompagnement global par la MDS ; les actions du contrat ne "
        "peuvent pas être engagées pour le moment."
    ),
}
ARGUMENTAIRE_PAR_DEFAUT = (
    "Après six mois d'accompagnement, la personne a atteint les objectifs de son contrat ; une suite de parcours "
    "dans une autre sphère correspond mieux à sa situation."
)


@dataclass
class Lot:
    """Objets non enregistrés, dans l'ordre de leurs dépendances."""

    personnes: list = field(default_factory=list)
    justificatifs: list = field(default_factory=list)
    orientations: list = field(default_factory=list)
    precedentes: list = field(default_factory=list)  # (orientation, précédente)
    phases: list = field(default_factory=list)
    contrats: list = field(default_factory=list)
    actions: list = field(default_factory=list)
    diagnostics: list = field(default_factory=list)
    freins: list = field(default_factory=list)
    rendez_vous: list = field(default_factory=list)
    suspensions: list = field(default_factory=list)
    heures: list = field(default_factory=list)
    reorientations: list = field(default_factory=list)
    sorties: list = field(default_factory=list)

    def enregistrer(self) -> None:
        taille = 1000
        m.Personne.objects.bulk_create(self.personnes, batch_size=taille)
        m.Justificatif.objects.bulk_create(self.justificatifs, batch_size=taille)
        m.Orientation.objects.bulk_create(self.orientations, batch_size=taille)
        for orientation, precedente in self.precedentes:
            orientation.precedente = precedente
        m.Orientation.objects.bulk_update([o for o, _ in self.precedentes], ["precedente"], batch_size=taille)
        m.PhaseDsp.objects.bulk_create(self.phases, batch_size=taille)
        m.ContratEngagement.objects.bulk_create(self.contrats, batch_size=taille)
        m.ActionContrat.objects.bulk_create(self.actions, batch_size=taille)
        m.Diagnostic.objects.bulk_create(self.diagnostics, batch_size=taille)
        m.FreinDiagnostic.objects.bulk_create(self.freins, batch_size=taille)
        m.RendezVous.objects.bulk_create(self.rendez_vous, batch_size=taille)
        m.DemandeSuspension.objects.bulk_create(self.suspensions, batch_size=taille)
        m.HeuresActivite.objects.bulk_create(self.heures, batch_size=taille)
        m.DemandeReorientation.objects.bulk_create(self.reorientations, batch_size=taille)
        for sortie in self.sorties:  # bulk_create n'appelle pas save() : la famille est recopiée ici
            sortie.famille = c.FAMILLE_DE_SORTIE[sortie.type]
        m.Sortie.objects.bulk_create(self.sorties, batch_size=taille)


@dataclass
class Contexte:
    """Une opération conventionnée à parcours et la manière dont sa structure suit les personnes."""

    operation: object
    regles: dict[str, RegleParcours]
    qualite: float
    debut: datetime.date
    horizon: datetime.date  # dernier jour possible d'un événement : aujourd'hui ou la fin de l'opération
    aujourd_hui: datetime.date
    rng: random.Random
    lot: Lot
    slai: object | None = None
    saisie_par: object | None = None
    familles_cibles: list[str] = field(default_factory=list)
    spheres_cibles: list[str] = field(default_factory=list)

    @property
    def q(self) -> float:
        return self.qualite

    def tirage(self, p: float) -> bool:
        return self.rng.random() < p


@dataclass
class Plan:
    """Ce qui est décidé d'avance pour une orientation : sortie (date, type) ou toujours en cours."""

    date_orientation: datetime.date
    date_sortie: datetime.date | None = None
    type_sortie: str | None = None
    defauts: frozenset = frozenset()
    #: Signature imposée du premier contrat (cas construits).
    signature: datetime.date | None = None


def a_paris(jour: datetime.date, rng: random.Random) -> datetime.datetime:
    heure = rng.choice((9, 9, 10, 10, 11, 14, 14, 15, 16, 17))
    return datetime.datetime.combine(jour, datetime.time(heure, rng.choice((0, 0, 15, 30, 45))), tzinfo=PARIS)


def fin_de_mois(jour: datetime.date) -> datetime.date:
    return ajouter_mois(jour.replace(day=1), 1) - JOUR


def nouvelle_orientation(ctx: Contexte, personne: m.Personne, parcours: str, jour: datetime.date) -> m.Orientation:
    operation = ctx.operation
    orientation = m.Orientation(
        personne=personne,
        structure=operation.convention.structure,
        dispositif=operation.dispositif,
        operation=operation,
        parcours=parcours,
        territoire=personne.territoire,
        date_orientation=jour,
        decidee_par=ctx.slai if ctx.slai and ctx.slai.territoire_id == personne.territoire_id else None,
    )
    ctx.lot.orientations.append(orientation)
    return orientation


def rendez_vous(
    ctx: Contexte, orientation: m.Orientation, jour: datetime.date, mode: str, presence: str | None = None
) -> m.RendezVous:
    if presence is None:
        u = ctx.rng.random()
        honore = 0.8 + 0.16 * ctx.q
        presence = (
            c.Presence.HONORE
            if u < honore
            else c.Presence.EXCUSE
            if u < honore + (1 - honore) / 2
            else c.Presence.ABSENCE_INJUSTIFIEE
        )
    rdv = m.RendezVous(orientation=orientation, debut=a_paris(jour, ctx.rng), mode=mode, presence=presence)
    ctx.lot.rendez_vous.append(rdv)
    return rdv


def suspension(ctx: Contexte, rdv: m.RendezVous, jour: datetime.date) -> None:
    demande = jour + JOUR * ctx.rng.randint(1, 8)
    if demande > ctx.aujourd_hui:
        return
    statut, decidee_le = c.StatutDemande.TRANSMISE, None
    if demande + JOUR * 15 <= ctx.aujourd_hui:
        statut = c.StatutDemande.ACCEPTEE if ctx.tirage(0.8) else c.StatutDemande.REFUSEE
        decidee_le = demande + JOUR * ctx.rng.randint(3, 15)
    ctx.lot.suspensions.append(
        m.DemandeSuspension(
            orientation=rdv.orientation,
            rendez_vous=rdv,
            date_demande=demande,
            motif="Absence injustifiée au rendez-vous, sans réponse aux relances.",
            statut=statut,
            decidee_le=decidee_le,
            decidee_par=ctx.slai if decidee_le else None,
        )
    )


def diagnostic(
    ctx: Contexte, orientation: m.Orientation, moment: str, jour: datetime.date, freins: list[str], contrat=None
) -> None:  # noqa: ANN001
    diag = m.Diagnostic(orientation=orientation, contrat=contrat, moment=moment, date=jour)
    ctx.lot.diagnostics.append(diag)
    ctx.lot.freins.extend(m.FreinDiagnostic(diagnostic=diag, frein=f) for f in sorted(set(freins)))


def rendez_vous_mensuels(
    ctx: Contexte, orientation: m.Orientation, regle: RegleParcours, de: datetime.date, a: datetime.date, plan: Plan
) -> None:
    """Entretiens de `de` (exclu) à `a` (inclus), mois par mois : le plus souvent le minimum de la fiche dont les
    physiques ; des mois creux selon la qualité ; les absences injustifiées suivies (ou non) d'une suspension."""
    rng = ctx.rng
    requis = regle.entretiens_par_mois_min or (1 if regle.entretiens_phase_min else 2)
    physiques = regle.entretiens_physiques_par_mois_min or 0
    mois = de.replace(day=1)
    dernier_mois_complet = (a.replace(day=1) - JOUR).replace(day=1)
    while mois <= a:
        premier, dernier = max(mois, de + JOUR), min(fin_de_mois(mois), a)
        mois_suivant = ajouter_mois(mois, 1)
        if premier > dernier:
            mois = mois_suivant
            continue
        part = ((dernier - premier).days + 1) / ((fin_de_mois(mois) - mois).days + 1)
        creux = ("mois_creux" in plan.defauts and mois == dernier_mois_complet) or not ctx.tirage(0.55 + 0.45 * ctx.q)
        nombre = max(0, requis - 1) if creux else requis + rng.choice((0, 1, 1))
        nombre = round(nombre * part) if part < 1 else nombre
        jours = sorted(rng.sample(range((dernier - premier).days + 1), min(nombre, (dernier - premier).days + 1)))
        for rang, decalage in enumerate(jours):
            jour = premier + JOUR * decalage
            if rang < physiques and not (creux and ctx.tirage(0.5)):
                mode = c.ModeRendezVous.PHYSIQUE
            else:
                mode = rng.choice(
                    (c.ModeRendezVous.PHYSIQUE,) * 2 + (c.ModeRendezVous.TELEPHONE, c.ModeRendezVous.VISIO)
                )
            presence = c.Presence.HONORE if "mois_creux" in plan.defauts else None
            rdv = rendez_vous(ctx, orientation, jour, mode, presence)
            if rdv.presence == c.Presence.ABSENCE_INJUSTIFIEE and ctx.tirage(0.45 + 0.5 * ctx.q):
                suspension(ctx, rdv, jour)
        mois = mois_suivant
    if "absence_sans_suspension" in plan.defauts and a - JOUR * 6 > de:
        rendez_vous(ctx, orientation, a - JOUR * 6, c.ModeRendezVous.PHYSIQUE, c.Presence.ABSENCE_INJUSTIFIEE)


def actions(ctx: Contexte, contrat: m.ContratEngagement, regle: RegleParcours, pauvre: bool) -> None:
    rng = ctx.rng
    minimum, insertion = regle.actions_ce_min or 2, regle.actions_insertion_pro_min or 0
    defaut = rng.choice(("moins", "detail", "duree", "insertion")) if pauvre else None
    nombre = max(1, minimum - 1) if defaut == "moins" else minimum + rng.randint(0, 2)
    categories = [c.CategorieAction.INSERTION_PRO] * (insertion - (1 if defaut == "insertion" else 0))
    while len(categories) < nombre:
        categories.append(rng.choice(list(ACTIONS)))
    departementale = rng.randrange(nombre) if ctx.tirage(0.2 + 0.5 * ctx.q) else None
    duree = (contrat.date_fin - contrat.date_debut).days
    for rang, categorie in enumerate(categories[:nombre]):
        libelle, detail = rng.choice(ACTIONS[categorie])
        if rang == 0 and defaut != "duree":
            debut, fin = contrat.date_debut, contrat.date_fin
        else:
            debut = contrat.date_debut + JOUR * rng.randint(0, max(0, duree // 2))
            fin = min(contrat.date_fin, debut + JOUR * rng.randint(20, max(21, duree // 2)))
        ctx.lot.actions.append(
            m.ActionContrat(
                contrat=contrat,
                libelle=libelle,
                detail="" if defaut == "detail" and rang == nombre - 1 else detail,
                categorie=categorie,
                date_debut=debut,
                date_fin=fin,
                dispositif_departemental=rang == departementale,
            )
        )


def heures(ctx: Contexte, contrat: m.ContratEngagement, regle: RegleParcours, jusqu_au: datetime.date) -> None:
    """Heures SIA de chaque semaine du contrat, saisies la semaine suivante ; des mois sans saisie."""
    rng = ctx.rng
    base = contrat.heures_hebdo_prevues or regle.heures_hebdo_min or Decimal(10)
    semaine = contrat.date_debut - JOUR * contrat.date_debut.weekday()
    mois_oublie: dict[datetime.date, bool] = {}
    while semaine <= jusqu_au:
        mois = semaine.replace(day=1)
        if mois not in mois_oublie:
            mois_oublie[mois] = not ctx.tirage(0.7 + 0.3 * ctx.q)
        if not mois_oublie[mois]:
            valeur = max(Decimal(0), Decimal(base) + Decimal(rng.randint(-6, 6)) / 2)
            ctx.lot.heures.append(
                m.HeuresActivite(
                    contrat=contrat,
                    semaine=semaine,
                    heures=valeur,
                    saisie_le=_saisie(semaine, contrat.date_debut, jusqu_au, rng),
                )
            )
        semaine += JOUR * 7


def _saisie(
    semaine: datetime.date, debut: datetime.date, jusqu_au: datetime.date, rng: random.Random
) -> datetime.date:
    """Jour de saisie des heures d'une semaine : dans le mois où elle commence (le premier mois du contrat compris),
    le dernier jour suivi pour la dernière semaine."""
    if semaine + JOUR * 7 > jusqu_au:
        return jusqu_au
    return max(debut, min(semaine + JOUR * rng.randint(0, 6), fin_de_mois(semaine)))


def heures_prevues(ctx: Contexte, regle: RegleParcours) -> Decimal | None:
    bas, haut = regle.heures_hebdo_min, regle.heures_hebdo_max
    if bas is None and haut is None:
        return None
    bas = bas if bas is not None else Decimal(5)
    haut = haut if haut is not None else bas + 10
    if ctx.tirage(0.6 + 0.4 * ctx.q):
        return bas + (haut - bas) * Decimal(ctx.rng.randint(0, 4)) / 4
    return None if ctx.tirage(0.5) else max(Decimal(0), bas - 3)


def reduire(ctx: Contexte, freins: list[str]) -> list[str]:
    """Freins à la clôture : moins nombreux pour la plupart des personnes."""
    if len(freins) > 1 and ctx.tirage(0.45 + 0.45 * ctx.q):
        return ctx.rng.sample(freins, len(freins) - ctx.rng.randint(1, min(3, len(freins) - 1)))
    if ctx.tirage(0.3):
        return [*freins, ctx.rng.choice(list(c.Frein.values))]
    return freins
