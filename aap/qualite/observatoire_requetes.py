"""Observatoire des parcours : requêtes groupées (une par chiffre, PostgreSQL et SQLite), portée des comptes et
médiane par fenêtres. Assemblées par `aap.qualite.observatoire.calculer` ; définitions : docs/observatoire.md."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models
from django.db.models import Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum, Window
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, RowNumber, TruncDate, TruncMonth
from django.utils import timezone

from aap.catalogue.models import Dispositif
from aap.conventions.models import Operation
from aap.core.models import Role, User
from aap.parcours import choices as c
from aap.parcours.models import ContratEngagement, Orientation, RendezVous, Sortie, structures_du_referent


UN_DIXIEME = Decimal("0.1")


class Axe(models.TextChoices):
    DISPOSITIF = "dispositif", "Dispositif"
    TERRITOIRE = "territoire", "Territoire"
    STRUCTURE = "structure", "Structure"


#: Chemin de la clé de groupe depuis une orientation.
CLE = {Axe.DISPOSITIF: "dispositif_id", Axe.TERRITOIRE: "territoire_id", Axe.STRUCTURE: "structure_id"}
#: Même clé depuis une opération conventionnée (places) : territoire = territoire MDS de la structure.
CLE_OPERATION = {
    Axe.DISPOSITIF: "dispositif_id",
    Axe.TERRITOIRE: "convention__structure__territoire_id",
    Axe.STRUCTURE: "convention__structure_id",
}


@dataclass(frozen=True)
class Filtres:
    debut: datetime.date
    fin: datetime.date
    axe: str = Axe.DISPOSITIF
    edition_id: int | None = None
    dispositif_id: int | None = None
    territoire_id: int | None = None
    structure_id: int | None = None


@dataclass
class Delai:
    """Délai depuis l'orientation : médiane en jours (sur `mesures` orientations) et part dans la cible de la
    fiche (`dans_cible` sur `population`, définition de la charte)."""

    mesures: int = 0
    mediane: Decimal | None = None
    population: int = 0
    dans_cible: int = 0

    @property
    def part(self) -> Decimal | None:
        return taux(self.dans_cible, self.population)


@dataclass(frozen=True)
class Mois:
    mois: datetime.date
    orientations: int
    sorties: int
    entretiens: int


def taux(numerateur: int, denominateur: int) -> Decimal | None:
    if not denominateur:
        return None
    return (Decimal(100) * numerateur / denominateur).quantize(UN_DIXIEME, rounding=ROUND_HALF_UP)


def orientations_visibles(user: User) -> models.QuerySet[Orientation]:
    """La portée des chiffres : celle des parcours (`Orientation.objects.for_user`) ; un porteur voit en plus les
    agrégats des structures dont il est membre actif (chiffres sans donnée personnelle)."""
    if user.is_authenticated and user.role == Role.PORTEUR:
        return Orientation.objects.filter(structure_id__in=structures_du_referent(user))
    return Orientation.objects.for_user(user)


def operations_visibles(user: User) -> models.QuerySet[Operation]:
    if not user.is_authenticated:
        return Operation.objects.none()
    if user.role in (Role.PORTEUR, Role.REFERENT):
        return Operation.objects.filter(convention__structure_id__in=structures_du_referent(user))
    if user.role == Role.SLAI:
        return Operation.objects.filter(convention__structure__territoire_id=user.territoire_id)
    if user.est_dpid:
        return Operation.objects.all()
    return Operation.objects.none()


def dispositifs_a_parcours() -> list[Dispositif]:
    """Les dispositifs dont la fiche a une section `parcours:` (quelques-uns par édition)."""
    candidats = Dispositif.objects.exclude(regles={}).select_related("edition").order_by("-edition__annee", "ordre")
    return [d for d in candidats if d.fiche is not None and d.fiche.parcours]


# --- Requêtes ----------------------------------------------------------------------------------------------------


def _debut_du_jour(jour: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(jour, datetime.time.min, tzinfo=timezone.get_default_timezone())


def filtrer_orientations(qs: models.QuerySet[Orientation], f: Filtres) -> models.QuerySet[Orientation]:
    if f.edition_id:
        qs = qs.filter(dispositif__edition_id=f.edition_id)
    if f.dispositif_id:
        qs = qs.filter(dispositif_id=f.dispositif_id)
    if f.territoire_id:
        qs = qs.filter(territoire_id=f.territoire_id)
    if f.structure_id:
        qs = qs.filter(structure_id=f.structure_id)
    return qs


def en_cours_le(orientations: models.QuerySet[Orientation], le: datetime.date) -> models.QuerySet[Orientation]:
    """Orientées au plus tard `le`, sans sortie ni orientation suivante (réorientation, décision après la phase
    d'accueil) datée au plus tard `le`."""
    suivante = Orientation.objects.filter(precedente_id=OuterRef("pk"), date_orientation__lte=le)
    return orientations.filter(date_orientation__lte=le).exclude(sortie__date_sortie__lte=le).exclude(Exists(suivante))


def par_groupe(qs: models.QuerySet, cle: str, **agregats: Any) -> tuple[dict[Any, dict[str, Any]], dict[str, Any]]:
    """Les agrégats par valeur de `cle`, et les mêmes sur tout le périmètre (le total n'est pas une somme : une
    personne peut compter dans plusieurs groupes)."""
    groupes = {row.pop(cle): row for row in qs.values(cle).annotate(**agregats).order_by()}
    return groupes, qs.aggregate(**agregats)


def rendez_vous_honores(orientations: models.QuerySet[Orientation], f: Filtres) -> models.QuerySet[RendezVous]:
    return RendezVous.objects.filter(
        orientation__in=orientations,
        presence=c.Presence.HONORE,
        debut__gte=_debut_du_jour(f.debut),
        debut__lt=_debut_du_jour(f.fin + datetime.timedelta(days=1)),
    )


def mediane_par_groupe(qs: models.QuerySet, cle: str | None, valeur: str) -> dict[Any, Decimal]:
    """Médiane de l'annotation `valeur` (durée) par valeur de `cle` (None : sur tout `qs`), en jours.

    Ensembliste et portable (PostgreSQL, SQLite) : chaque ligne reçoit son rang dans son groupe et l'effectif du
    groupe (fonctions de fenêtre) ; seules les lignes centrales (2 × rang − effectif ∈ {0, 1, 2}) remontent, une
    pour un effectif impair, deux pour un effectif pair (moyenne des deux)."""
    partition = [F(cle)] if cle else []
    classees = qs.annotate(
        _rang=Window(RowNumber(), partition_by=partition, order_by=[F(valeur).asc(), F("pk").asc()]),
        _effectif=Window(Count("pk"), partition_by=partition),
    ).annotate(_ecart=F("_rang") * 2 - F("_effectif"))
    centrales: dict[Any, list[datetime.timedelta]] = defaultdict(list)
    colonnes = [cle, valeur] if cle else [valeur]
    for row in classees.filter(_ecart__gte=0, _ecart__lte=2).values(*colonnes):
        centrales[row[cle] if cle else None].append(row[valeur])
    return {
        groupe: (Decimal(sum(v.days for v in valeurs)) / len(valeurs)).quantize(UN_DIXIEME, rounding=ROUND_HALF_UP)
        for groupe, valeurs in centrales.items()
    }


def cibles(orientations: models.QuerySet[Orientation], regle: str) -> list[tuple[int, str, int]]:
    """(dispositif, parcours, délai en jours) pour les parcours des fiches qui fixent `regle`."""
    cibles = []
    for dispositif in Dispositif.objects.filter(pk__in=orientations.values("dispositif_id")):
        for parcours in dispositif.fiche.parcours if dispositif.fiche else []:
            jours = getattr(parcours, regle)
            if jours:
                cibles.append((dispositif.pk, parcours.code, jours))
    return cibles


def delais(
    orientations: models.QuerySet[Orientation], f: Filtres, cle: str, *, premier: Subquery, regle: str
) -> tuple[dict[Any, Delai], Delai]:
    """Délai orientation → premier événement (`premier`, une date) : médiane sur les orientations de la période
    dont l'événement a eu lieu au plus tard `fin` ; part dans la cible sur les orientations dont le délai de la
    fiche est échu à `fin` (même population et même numérateur que la charte)."""
    periode = orientations.filter(date_orientation__range=(f.debut, f.fin))
    mesurees = (
        periode.annotate(_premier=premier)
        .filter(_premier__isnull=False)
        .annotate(_delai=ExpressionWrapper(F("_premier") - F("date_orientation"), output_field=DurationField()))
    )
    medianes = mediane_par_groupe(mesurees, cle, "_delai")
    mediane_totale = mediane_par_groupe(mesurees, None, "_delai").get(None)
    echus = Q(pk__in=[])
    atteints = Q(pk__in=[])
    for dispositif_id, parcours, jours in cibles(orientations, regle):
        meme = Q(dispositif_id=dispositif_id, parcours=parcours)
        echus |= meme & Q(date_orientation__lte=f.fin - datetime.timedelta(days=jours))
        atteints |= meme & Q(_delai__lte=datetime.timedelta(days=jours))
    population = (
        periode.filter(echus)
        .annotate(_premier=premier)
        .annotate(_delai=ExpressionWrapper(F("_premier") - F("date_orientation"), output_field=DurationField()))
    )
    agregats = {"population": Count("pk"), "dans_cible": Count("pk", filter=atteints)}
    groupes, total = par_groupe(population, cle, **agregats)
    mesures, mesures_total = par_groupe(mesurees, cle, n=Count("pk"))
    resultat = {}
    for groupe in set(groupes) | set(mesures):
        g = groupes.get(groupe, {})
        resultat[groupe] = Delai(
            mesures=mesures.get(groupe, {}).get("n", 0),
            mediane=medianes.get(groupe),
            population=g.get("population", 0),
            dans_cible=g.get("dans_cible", 0),
        )
    return resultat, Delai(
        mesures=mesures_total["n"] or 0,
        mediane=mediane_totale,
        population=total["population"] or 0,
        dans_cible=total["dans_cible"] or 0,
    )


def premier_rendez_vous(fin: datetime.date) -> Subquery:
    """Le jour (heure de Paris) du premier rendez-vous, quelle que soit la présence, entre la date d'orientation
    et `fin`."""
    jours = RendezVous.objects.annotate(_jour=TruncDate("debut", tzinfo=timezone.get_default_timezone()))
    return Subquery(
        jours.filter(orientation_id=OuterRef("pk"), _jour__gte=OuterRef("date_orientation"), _jour__lte=fin)
        .order_by("debut")
        .values("_jour")[:1],
        output_field=models.DateField(),
    )


def premiere_signature(fin: datetime.date) -> Subquery:
    """La date de signature du premier contrat d'engagement signé au plus tard `fin`."""
    return Subquery(
        ContratEngagement.objects.filter(orientation_id=OuterRef("pk"), date_signature__lte=fin)
        .order_by("date_signature")
        .values("date_signature")[:1],
        output_field=models.DateField(),
    )


def filtrer_operations(qs: models.QuerySet[Operation], f: Filtres) -> models.QuerySet[Operation]:
    """Les opérations des dispositifs à parcours actives à `fin`, filtrées comme les orientations (territoire :
    celui de la structure conventionnée)."""
    qs = qs.filter(
        date_debut__lte=f.fin, date_fin__gte=f.fin, dispositif_id__in=[d.pk for d in dispositifs_a_parcours()]
    )
    if f.edition_id:
        qs = qs.filter(dispositif__edition_id=f.edition_id)
    if f.dispositif_id:
        qs = qs.filter(dispositif_id=f.dispositif_id)
    if f.territoire_id:
        qs = qs.filter(convention__structure__territoire_id=f.territoire_id)
    if f.structure_id:
        qs = qs.filter(convention__structure_id=f.structure_id)
    return qs


def places(
    operations: models.QuerySet[Operation], orientations: models.QuerySet[Orientation], f: Filtres
) -> tuple[dict, dict, dict, dict]:
    """Places conventionnées (`engagements["places"]`) des opérations et places occupées (parcours en cours à
    `fin` rattachés à l'une d'elles), groupées par les clés de l'opération."""
    cle = CLE_OPERATION[f.axe]
    somme = Sum(Cast(KeyTextTransform("places", "engagements"), models.IntegerField()))
    conventionnees, total = par_groupe(operations.filter(engagements__has_key="places"), cle, places=somme)
    occupees, total_occupees = par_groupe(
        en_cours_le(orientations, f.fin).filter(operation__in=operations), f"operation__{cle}", n=Count("pk")
    )
    return conventionnees, total, occupees, total_occupees


def _mois(debut: datetime.date, fin: datetime.date) -> list[datetime.date]:
    mois, courant = [], debut.replace(day=1)
    while courant <= fin:
        mois.append(courant)
        courant = (courant + datetime.timedelta(days=32)).replace(day=1)
    return mois


def _jour(valeur: datetime.date | datetime.datetime) -> datetime.date:
    if isinstance(valeur, datetime.datetime):
        return timezone.localtime(valeur).date() if timezone.is_aware(valeur) else valeur.date()
    return valeur


def evolution_mensuelle(orientations: models.QuerySet[Orientation], f: Filtres) -> list[Mois]:
    """Orientations, sorties et entretiens honorés de chaque mois civil de la période (mois de Paris)."""
    paris = timezone.get_default_timezone()
    par_mois = {}
    for nom, qs, champ in (
        ("orientations", orientations.filter(date_orientation__range=(f.debut, f.fin)), "date_orientation"),
        ("sorties", Sortie.objects.filter(orientation__in=orientations, date_sortie__range=(f.debut, f.fin)), None),
        ("entretiens", rendez_vous_honores(orientations, f), "debut"),
    ):
        tronque = TruncMonth(champ, tzinfo=paris) if champ == "debut" else TruncMonth(champ or "date_sortie")
        lignes = qs.annotate(_mois=tronque).values("_mois").annotate(n=Count("pk")).order_by()
        par_mois[nom] = {_jour(row["_mois"]): row["n"] for row in lignes}
    return [
        Mois(m, par_mois["orientations"].get(m, 0), par_mois["sorties"].get(m, 0), par_mois["entretiens"].get(m, 0))
        for m in _mois(f.debut, f.fin)
    ]
