"""Observatoire des parcours : les chiffres du « bilan » des délibérations (orientations, bénéficiaires
accompagnés, en cours à une date, sorties, entretiens, délais, places), par dispositif, territoire ou structure,
sur une période `[debut, fin]` (bornes incluses). Définitions exactes : docs/observatoire.md.

Tout est requête groupée (ORM, PostgreSQL et SQLite) : une requête par chiffre et par axe, jamais de boucle
Python sur les personnes. La médiane des délais est calculée en base par fenêtres (rang et effectif par groupe) :
seules les une ou deux valeurs centrales de chaque groupe remontent.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Count

from aap.catalogue.models import Dispositif
from aap.conventions.models import Operation
from aap.core.dates import date_longue
from aap.core.models import Role, Territoire, User
from aap.core.templatetags.aap_ui import format_decimal
from aap.parcours import choices as c
from aap.parcours.models import Orientation, Sortie
from aap.qualite.observatoire_requetes import (
    CLE,
    Axe,
    Delai,
    Filtres,
    Mois,
    delais,
    en_cours_le,
    evolution_mensuelle,
    filtrer_operations,
    filtrer_orientations,
    operations_visibles,
    orientations_visibles,
    par_groupe,
    places,
    premier_rendez_vous,
    premiere_signature,
    rendez_vous_honores,
    taux,
)
from aap.structures.models import Membre, Structure


__all__ = [
    "Axe",
    "Delai",
    "Filtres",
    "Ligne",
    "Mois",
    "Observatoire",
    "appliquer_secret",
    "bilan_pour_rapport",
    "calculer",
    "phrase_bilan",
]

#: Secret statistique : en dessous de ce nombre de personnes, un groupe n'est pas détaillé hors DPID.
SEUIL_SECRET_DEFAUT = 5
ROLES_OBSERVATOIRE = frozenset(
    {Role.INSTRUCTEUR, Role.GESTIONNAIRE, Role.ADMIN, Role.SLAI, Role.REFERENT, Role.PORTEUR}
)


def seuil_secret() -> int:
    return int(getattr(settings, "AAP_OBSERVATOIRE_SEUIL_SECRET", SEUIL_SECRET_DEFAUT))


def peut_voir(user: User) -> bool:
    return user.is_authenticated and user.role in ROLES_OBSERVATOIRE


@dataclass
class Ligne:
    cle: int | None
    libelle: str
    effectif: int = 0
    orientations: int = 0
    personnes: int = 0
    en_cours: int = 0
    sorties: int = 0
    sorties_par_famille: dict[str, int] = field(default_factory=dict)
    entretiens_par_mode: dict[str, int] = field(default_factory=dict)
    delai_rdv: Delai = field(default_factory=Delai)
    delai_ce: Delai = field(default_factory=Delai)
    places: int | None = None
    places_occupees: int = 0
    masquee: bool = False

    @property
    def sorties_dynamiques(self) -> int:
        return sum(n for famille, n in self.sorties_par_famille.items() if famille in c.FAMILLES_DYNAMIQUES)

    @property
    def part_dynamiques(self) -> Decimal | None:
        return taux(self.sorties_dynamiques, self.sorties)

    @property
    def entretiens(self) -> int:
        return sum(self.entretiens_par_mode.values())

    @property
    def taux_occupation(self) -> Decimal | None:
        return taux(self.places_occupees, self.places or 0)


@dataclass
class Observatoire:
    filtres: Filtres
    lignes: list[Ligne]
    total: Ligne
    sorties_par_type: list[tuple[str, str, int]]
    mois: list[Mois]
    seuil: int

    @property
    def masquees(self) -> int:
        return sum(1 for ligne in self.lignes if ligne.masquee)


def _libelles(axe: str, cles: set) -> list[tuple[Any, str]]:
    """Les groupes dans l'ordre d'affichage, avec leur libellé."""
    if axe == Axe.DISPOSITIF:
        objets = Dispositif.objects.filter(pk__in=cles).select_related("edition").order_by("edition__annee", "ordre")
        return [(d.pk, f"{d.code} {d.titre} ({d.edition.annee})") for d in objets]
    if axe == Axe.TERRITOIRE:
        connus = [(t.pk, t.nom) for t in Territoire.objects.filter(pk__in=cles)]
    else:
        connus = [(s.pk, s.sigle or s.raison_sociale) for s in Structure.objects.filter(pk__in=cles)]
    if axe == Axe.STRUCTURE:
        connus.sort(key=lambda item: item[1].lower())
    if None in cles:
        connus.append((None, "Sans territoire"))
    return connus


def calculer(
    user: User | None,
    f: Filtres,
    *,
    orientations: models.QuerySet[Orientation] | None = None,
    operations: models.QuerySet[Operation] | None = None,
) -> Observatoire:
    """Tous les chiffres de l'observatoire pour la portée de ce compte et ces filtres, par l'axe choisi ;
    `orientations` / `operations` remplacent la portée d'un compte (rapport de la CP : tout le département)."""
    base = orientations if orientations is not None else orientations_visibles(user)
    orientations = filtrer_orientations(base, f)
    operations = filtrer_operations(operations if operations is not None else operations_visibles(user), f)
    cle = CLE[f.axe]
    rdv_cle = f"orientation__{cle}"
    actifs = orientations.filter(date_orientation__lte=f.fin).exclude(sortie__date_sortie__lt=f.debut)
    effectifs, effectif_total = par_groupe(actifs, cle, n=Count("personne_id", distinct=True))
    nb_orientations, total_orientations = par_groupe(
        orientations.filter(date_orientation__range=(f.debut, f.fin)), cle, n=Count("pk")
    )
    en_cours, total_en_cours = par_groupe(en_cours_le(orientations, f.fin), cle, n=Count("pk"))
    honores = rendez_vous_honores(orientations, f)
    personnes, total_personnes = par_groupe(honores, rdv_cle, n=Count("orientation__personne_id", distinct=True))
    sorties = Sortie.objects.filter(orientation__in=orientations, date_sortie__range=(f.debut, f.fin))
    delais_rdv, total_rdv = delais(
        orientations, f, cle, premier=premier_rendez_vous(f.fin), regle="delai_premier_rdv_jours"
    )
    delais_ce, total_ce = delais(
        orientations, f, cle, premier=premiere_signature(f.fin), regle="delai_signature_ce_jours"
    )
    conventionnees, total_places, occupees, total_occupees = places(operations, orientations, f)

    def remplir(ligne: Ligne, g: Any, total: bool) -> Ligne:
        def lire(groupes: dict, totaux: dict, nom: str = "n") -> Any:
            return (totaux if total else groupes.get(g, {})).get(nom) or 0

        ligne.effectif = lire(effectifs, effectif_total)
        ligne.orientations = lire(nb_orientations, total_orientations)
        ligne.en_cours = lire(en_cours, total_en_cours)
        ligne.personnes = lire(personnes, total_personnes)
        ligne.delai_rdv = total_rdv if total else delais_rdv.get(g, Delai())
        ligne.delai_ce = total_ce if total else delais_ce.get(g, Delai())
        groupe = total_places if total else conventionnees.get(g)
        ligne.places = groupe["places"] if groupe else None
        ligne.places_occupees = lire(occupees, total_occupees)
        return ligne

    cles = set(effectifs) | set(nb_orientations) | set(en_cours) | set(personnes) | set(conventionnees) | set(occupees)
    lignes = {g: remplir(Ligne(g, libelle), g, False) for g, libelle in _libelles(f.axe, cles)}
    total = remplir(Ligne(None, "Total"), None, True)
    for row in sorties.values(rdv_cle, "famille").annotate(n=Count("pk")).order_by():
        if row[rdv_cle] in lignes:
            lignes[row[rdv_cle]].sorties_par_famille[row["famille"]] = row["n"]
    for row in honores.values(rdv_cle, "mode").annotate(n=Count("pk")).order_by():
        if row[rdv_cle] in lignes:
            lignes[row[rdv_cle]].entretiens_par_mode[row["mode"]] = row["n"]
    for ligne in lignes.values():
        ligne.sorties = sum(ligne.sorties_par_famille.values())
    par_type = list(sorties.values("type", "famille").annotate(n=Count("pk")).order_by())
    total.sorties_par_famille = {
        famille: n
        for famille in c.FamilleSortie.values
        if (n := sum(r["n"] for r in par_type if r["famille"] == famille))
    }
    total.sorties = sum(total.sorties_par_famille.values())
    total.entretiens_par_mode = {
        row["mode"]: row["n"] for row in honores.values("mode").annotate(n=Count("pk")).order_by()
    }
    ordre_types = {valeur: rang for rang, valeur in enumerate(c.TypeSortie.values)}
    sorties_par_type = [
        (c.TypeSortie(r["type"]).label, c.FamilleSortie(r["famille"]).label, r["n"])
        for r in sorted(par_type, key=lambda r: ordre_types[r["type"]])
    ]
    return Observatoire(
        filtres=f,
        lignes=list(lignes.values()),
        total=total,
        sorties_par_type=sorties_par_type,
        mois=evolution_mensuelle(orientations, f),
        seuil=seuil_secret(),
    )


# --- Secret statistique ------------------------------------------------------------------------------------------


def appliquer_secret(obs: Observatoire, user: User) -> Observatoire:
    """Hors DPID, par structure : une structure dont le viewer n'est pas membre et qui compte de 1 à `seuil` − 1
    personnes dans la période n'est pas détaillée ; si une seule l'est, la plus petite autre aussi (sinon le total
    la révélerait par différence), et à défaut le total."""
    if obs.filtres.axe != Axe.STRUCTURE or user.est_dpid:
        return obs
    miennes = set(Membre.objects.filter(user=user, actif=True).values_list("structure_id", flat=True))
    autres = [ligne for ligne in obs.lignes if ligne.cle not in miennes]
    for ligne in autres:
        ligne.masquee = 0 < ligne.effectif < obs.seuil
    if obs.masquees == 1:
        visibles = sorted((li for li in autres if not li.masquee and li.effectif), key=lambda li: li.effectif)
        if visibles:
            visibles[0].masquee = True
        else:
            obs.total.masquee = True
    return obs


# --- Phrase du bilan (délibérations, rapport de la CP) ---------------------------------------------------------


def _compte(n: int, singulier: str, pluriel: str) -> str:
    return f"{format_decimal(n, 0)}\u00a0{singulier if n <= 1 else pluriel}"


def phrase_bilan(ligne: Ligne, fin: datetime.date) -> str:
    """« 11 069 orientations ; 13 495 bénéficiaires accompagnés ; 1 310 en cours au 31 décembre 2025 ;
    12 185 sorties ; 14 424 entretiens » (espaces insécables dans les nombres et après eux)."""
    return " ; ".join(
        [
            _compte(ligne.orientations, "orientation", "orientations"),
            _compte(ligne.personnes, "bénéficiaire accompagné", "bénéficiaires accompagnés"),
            f"{format_decimal(ligne.en_cours, 0)}\u00a0en cours au {date_longue(fin)}",
            _compte(ligne.sorties, "sortie", "sorties"),
            _compte(ligne.entretiens, "entretien", "entretiens"),
        ]
    )


def periode_bilan(orientations: models.QuerySet[Orientation], seance: datetime.date) -> tuple[datetime.date, ...]:
    """L'année civile précédant la séance (« bilan 2025 » d'une CP de 2026) ; si aucun parcours n'y était actif,
    du 1er janvier de l'année de la séance à la fin du mois précédent (premiers parcours suivis dans l'outil)."""
    debut, fin = datetime.date(seance.year - 1, 1, 1), datetime.date(seance.year - 1, 12, 31)
    actifs = orientations.filter(date_orientation__lte=fin).exclude(sortie__date_sortie__lt=debut)
    if not actifs.exists() and seance.month > 1:
        debut, fin = datetime.date(seance.year, 1, 1), seance.replace(day=1) - datetime.timedelta(days=1)
    return debut, fin


def bilan_pour_rapport(dispositif: Dispositif, seance: datetime.date) -> str:
    """Le bilan du dispositif pour l'annexe des dispositifs du rapport de la CP : tout le département, parcours du
    même dispositif (même identifiant stable, toutes éditions) ; vide sans parcours suivi ; sous le seuil du secret
    statistique, les chiffres ne sont pas diffusés (le rapport est publié)."""
    orientations = Orientation.objects.filter(dispositif__slug=dispositif.slug)
    debut, fin = periode_bilan(orientations, seance)
    operations = Operation.objects.filter(dispositif__slug=dispositif.slug)
    total = calculer(None, Filtres(debut, fin), orientations=orientations, operations=operations).total
    if not total.effectif:
        return ""
    if debut.month == 1 and debut.day == 1 and fin == datetime.date(debut.year, 12, 31):
        libelle = f"Bilan {debut.year}"
    else:
        libelle = f"Bilan du {date_longue(debut)} au {date_longue(fin)}"
    seuil = seuil_secret()
    if total.effectif < seuil:
        return f"{libelle} : moins de {seuil} personnes suivies, chiffres non diffusés (secret statistique)."
    return f"{libelle} : {phrase_bilan(total, fin)}."
