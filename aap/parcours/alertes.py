"""Alertes des référents et des agents : chaque sorte d'alerte est UNE requête ensembliste (jamais une boucle
Python sur les personnes), bornée à la portée du compte (`Orientation.objects.for_user`).

Les seuils viennent de la fiche : pour chaque dispositif de la portée, les règles de ses parcours donnent une
condition SQL `(dispositif, parcours, seuil)` ; les conditions sont réunies par OU dans la même requête.

- `premier_rdv` : orientation en cours, parcours à délai de premier rendez-vous, aucun rendez-vous (quelle que
  soit la présence) et le délai est échu (le jour limite est inclus : alerte à partir du lendemain) ;
- `ce_non_signe` : orientation en cours, parcours à délai de signature, aucun contrat et délai échu ;
- `rdv_mensuels` : contrat actif tout le mois civil précédent (début au plus tard le 1er, terme au plus tôt le
  dernier jour), orientation en cours, moins de rendez-vous honorés dans ce mois (jour de Paris) que
  `entretiens_par_mois_min`, ou moins de physiques que `entretiens_physiques_par_mois_min` ;
- `ce_sans_revue` : contrat encore ouvert (« signé ») dont la fin prévue est passée, sans revue SLAI, dans un
  parcours où la fiche exige la revue (`renouvellement: apres_revue_slai` ou `revue_slai_apres_mois`) ;
- `places` : pour une structure et un dispositif, orientations en cours (hors phase d'accueil DSP, qui se compte
  en DSP et non en places) au-delà de la somme des `engagements["places"]` des opérations de conventions signées
  de la structure pour ce dispositif qui couvrent la date. Sans place conventionnée : pas d'alerte.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Sum, Value, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils import timezone

from aap.catalogue.models import Dispositif
from aap.catalogue.schema_parcours import RegleParcours
from aap.conventions.models import Operation, StatutConvention
from aap.core.dates import mois_annee
from aap.core.models import User
from aap.parcours import choices as c
from aap.parcours import models as m
from aap.parcours import rules
from aap.structures.models import Structure


class Gravite(models.TextChoices):
    HAUTE = "haute", "Urgent"
    MOYENNE = "moyenne", "À traiter"


@dataclass(frozen=True)
class Alerte:
    code: str
    libelle: str
    gravite: str
    orientation: m.Orientation | None
    structure: Structure
    dispositif: Dispositif
    echeance: datetime.date | None
    detail: str


LIBELLES = {
    "premier_rdv": "Premier rendez-vous en retard",
    "ce_non_signe": "Contrat d'engagement non signé dans le délai",
    "rdv_mensuels": "Rendez-vous du mois insuffisants",
    "ce_sans_revue": "Contrat terminé sans revue SLAI",
    "places": "Places conventionnées dépassées",
}


# --- Règles de la portée ----------------------------------------------------------------------------------


def _regles(orientations: models.QuerySet) -> list[tuple[Dispositif, RegleParcours]]:
    """(dispositif, règle) de chaque parcours des dispositifs présents dans la portée (quelques dizaines au plus)."""
    ids = orientations.order_by().values("dispositif_id").distinct()
    return [(d, r) for d in Dispositif.objects.filter(pk__in=ids) for r in rules.regles_parcours(d)]


def _condition(regles, seuil: str, condition) -> Q:
    """OU des `(dispositif, parcours) & condition(valeur du seuil)` pour les règles qui fixent `seuil`."""
    q = Q(pk__in=[])
    for dispositif, regle in regles:
        valeur = getattr(regle, seuil)
        if valeur is not None and valeur is not False:
            q |= Q(dispositif_id=dispositif.pk, parcours=regle.code) & condition(valeur)
    return q


def _seuil(regles, seuil: str, prefixe: str = "") -> Case:
    """Le seuil de la règle de chaque ligne, en expression SQL (0 si la règle ne le fixe pas)."""
    quand = [
        When(Q(**{f"{prefixe}dispositif_id": d.pk, f"{prefixe}parcours": r.code}), then=Value(getattr(r, seuil) or 0))
        for d, r in regles
    ]
    return Case(*quand, default=Value(0), output_field=IntegerField()) if quand else Value(0)


def _regle(regles, orientation: m.Orientation) -> RegleParcours | None:
    for dispositif, regle in regles:
        if dispositif.pk == orientation.dispositif_id and regle.code == orientation.parcours:
            return regle
    return None


# --- Les requêtes ---------------------------------------------------------------------------------------------


def _en_cours(user: User, le: datetime.date) -> models.QuerySet:
    return m.Orientation.objects.for_user(user).en_cours(le)


def premier_rdv_en_retard(user: User, le: datetime.date, regles=None) -> models.QuerySet:
    orientations = _en_cours(user, le)
    regles = _regles(orientations) if regles is None else regles
    delai = _condition(regles, "delai_premier_rdv_jours", lambda n: Q(date_orientation__lt=le - datetime.timedelta(n)))
    return orientations.filter(delai).filter(~Exists(m.RendezVous.objects.filter(orientation=OuterRef("pk"))))


def ce_non_signe(user: User, le: datetime.date, regles=None) -> models.QuerySet:
    orientations = _en_cours(user, le)
    regles = _regles(orientations) if regles is None else regles
    delai = _condition(
        regles, "delai_signature_ce_jours", lambda n: Q(date_orientation__lt=le - datetime.timedelta(n))
    )
    return orientations.filter(delai).filter(~Exists(m.ContratEngagement.objects.filter(orientation=OuterRef("pk"))))


def _terme_au_moins(jour: datetime.date) -> Q:
    """Contrats dont le terme (clôture s'il est clos ou rompu, sinon fin prévue) est au plus tôt `jour`."""
    return Q(statut=c.StatutContrat.SIGNE, date_fin__gte=jour) | Q(
        statut__in=[c.StatutContrat.CLOS, c.StatutContrat.ROMPU], date_cloture__gte=jour
    )


def rdv_mensuels_insuffisants(user: User, le: datetime.date, regles=None) -> models.QuerySet:
    """Contrats (annotés `honores`, `physiques`, `minimum`, `minimum_physiques`) du mois civil précédent."""
    premier, dernier = rules.mois_precedent(le)
    orientations = _en_cours(user, le)
    regles = _regles(orientations) if regles is None else regles
    avec_seuil = _condition(regles, "entretiens_par_mois_min", lambda n: Q())
    debut, fin = rules.debut_jour_paris(premier), rules.debut_jour_paris(dernier + datetime.timedelta(days=1))
    du_mois = Q(orientation__rendez_vous__debut__gte=debut, orientation__rendez_vous__debut__lt=fin) & Q(
        orientation__rendez_vous__presence=c.Presence.HONORE
    )
    return (
        m.ContratEngagement.objects.filter(orientation__in=orientations.filter(avec_seuil))
        .filter(_terme_au_moins(dernier), date_debut__lte=premier)
        .annotate(
            honores=Count("orientation__rendez_vous", filter=du_mois, distinct=True),
            physiques=Count(
                "orientation__rendez_vous",
                filter=du_mois & Q(orientation__rendez_vous__mode=c.ModeRendezVous.PHYSIQUE),
                distinct=True,
            ),
            minimum=_seuil(regles, "entretiens_par_mois_min", "orientation__"),
            minimum_physiques=_seuil(regles, "entretiens_physiques_par_mois_min", "orientation__"),
        )
        .filter(Q(honores__lt=F("minimum")) | Q(physiques__lt=F("minimum_physiques")))
    )


def ce_sans_revue(user: User, le: datetime.date, regles=None) -> models.QuerySet:
    orientations = _en_cours(user, le)
    regles = _regles(orientations) if regles is None else regles
    exige = _condition(regles, "revue_slai_apres_mois", lambda n: Q()) | _condition(
        regles, "renouvellement", lambda v: Q() if v == "apres_revue_slai" else Q(pk__in=[])
    )
    return m.ContratEngagement.objects.filter(
        orientation__in=orientations.filter(exige),
        statut=c.StatutContrat.SIGNE,
        date_fin__lt=le,
        revue_slai_le__isnull=True,
    )


@dataclass(frozen=True)
class Occupation:
    structure_id: int
    dispositif_id: int
    en_cours: int
    places: Decimal


def occupation_places(user: User, le: datetime.date) -> list[Occupation]:
    """Par structure et dispositif de la portée : orientations en cours (hors DSP) et places conventionnées
    (somme des `engagements["places"]` des opérations de conventions signées couvrant `le`)."""
    comptes = {
        (ligne["structure_id"], ligne["dispositif_id"]): ligne["n"]
        for ligne in _en_cours(user, le)
        .exclude(parcours=rules.PARCOURS_DSP)
        .order_by()
        .values("structure_id", "dispositif_id")
        .annotate(n=Count("pk"))
    }
    if not comptes:
        return []
    places = (
        Operation.objects.filter(
            convention__statut__in=[StatutConvention.SIGNEE, StatutConvention.SOLDEE],
            convention__structure_id__in={s for s, _ in comptes},
            dispositif_id__in={d for _, d in comptes},
            date_debut__lte=le,
            date_fin__gte=le,
        )
        .annotate(
            p=Cast(KeyTextTransform("places", "engagements"), models.DecimalField(max_digits=10, decimal_places=2))
        )
        .order_by()
        .values("convention__structure_id", "dispositif_id")
        .annotate(total=Sum("p"))
    )
    return [
        Occupation(ligne["convention__structure_id"], ligne["dispositif_id"], comptes[cle], ligne["total"])
        for ligne in places
        if (cle := (ligne["convention__structure_id"], ligne["dispositif_id"])) in comptes
        and ligne["total"] is not None
    ]


def places_depassees(user: User, le: datetime.date) -> list[Occupation]:
    return [o for o in occupation_places(user, le) if o.en_cours > o.places]


# --- Assemblage -----------------------------------------------------------------------------------------------


def alertes(user: User, le: datetime.date | None = None) -> list[Alerte]:
    """Toutes les alertes de la portée du compte à la date `le` (aujourd'hui par défaut), les plus anciennes
    échéances d'abord."""
    le = le or timezone.localdate()
    regles = _regles(_en_cours(user, le))
    liees = ("personne", "structure", "dispositif")
    resultat: list[Alerte] = []
    for o in premier_rdv_en_retard(user, le, regles).select_related(*liees):
        regle = _regle(regles, o)
        echeance = o.date_orientation + datetime.timedelta(days=regle.delai_premier_rdv_jours)
        resultat.append(
            _alerte(
                "premier_rdv",
                Gravite.HAUTE,
                o,
                echeance,
                f"{o.personne} : orientée le {o.date_orientation:%d/%m/%Y}, aucun rendez-vous "
                f"(délai de {regle.delai_premier_rdv_jours} jours).",
            )
        )
    for o in ce_non_signe(user, le, regles).select_related(*liees):
        regle = _regle(regles, o)
        echeance = o.date_orientation + datetime.timedelta(days=regle.delai_signature_ce_jours)
        resultat.append(
            _alerte(
                "ce_non_signe",
                Gravite.HAUTE,
                o,
                echeance,
                f"{o.personne} : orientée le {o.date_orientation:%d/%m/%Y}, pas de contrat d'engagement "
                f"(délai de {regle.delai_signature_ce_jours} jours).",
            )
        )
    premier, dernier = rules.mois_precedent(le)
    for contrat in rdv_mensuels_insuffisants(user, le, regles).select_related(*(f"orientation__{x}" for x in liees)):
        o = contrat.orientation
        exigence = (
            f"{contrat.minimum} dont {contrat.minimum_physiques} physique(s)"
            if contrat.minimum_physiques
            else str(contrat.minimum)
        )
        resultat.append(
            _alerte(
                "rdv_mensuels",
                Gravite.MOYENNE,
                o,
                dernier,
                f"{o.personne} : {contrat.honores} rendez-vous honoré(s) dont {contrat.physiques} physique(s) "
                f"en {mois_annee(premier)} ; la fiche en demande {exigence}.",
            )
        )
    for contrat in ce_sans_revue(user, le, regles).select_related(*(f"orientation__{x}" for x in liees)):
        o = contrat.orientation
        resultat.append(
            _alerte(
                "ce_sans_revue",
                Gravite.HAUTE,
                o,
                contrat.date_fin,
                f"{o.personne} : contrat n° {contrat.rang} terminé le {contrat.date_fin:%d/%m/%Y}, sans revue "
                "du SLAI (renouvellement ou réorientation à décider).",
            )
        )
    occupations = places_depassees(user, le)
    structures = Structure.objects.in_bulk({o.structure_id for o in occupations})
    dispositifs = Dispositif.objects.in_bulk({o.dispositif_id for o in occupations})
    for occ in occupations:
        resultat.append(
            Alerte(
                code="places",
                libelle=LIBELLES["places"],
                gravite=Gravite.MOYENNE,
                orientation=None,
                structure=structures[occ.structure_id],
                dispositif=dispositifs[occ.dispositif_id],
                echeance=le,
                detail=f"{occ.en_cours} personnes en cours pour {_nombre(occ.places)} places conventionnées.",
            )
        )
    resultat.sort(key=lambda a: (a.echeance or le, a.code, a.orientation.pk if a.orientation else 0))
    return resultat


def compter_alertes(user: User, le: datetime.date | None = None) -> int:
    """Nombre d'alertes (pastille du menu), en requêtes de comptage."""
    le = le or timezone.localdate()
    regles = _regles(_en_cours(user, le))
    return (
        premier_rdv_en_retard(user, le, regles).count()
        + ce_non_signe(user, le, regles).count()
        + rdv_mensuels_insuffisants(user, le, regles).count()
        + ce_sans_revue(user, le, regles).count()
        + len(places_depassees(user, le))
    )


def _alerte(code: str, gravite: str, o: m.Orientation, echeance: datetime.date, detail: str) -> Alerte:
    return Alerte(code, LIBELLES[code], gravite, o, o.structure, o.dispositif, echeance, detail)


def _nombre(valeur: Decimal) -> str:
    return f"{valeur.normalize():f}".replace(".", ",")
