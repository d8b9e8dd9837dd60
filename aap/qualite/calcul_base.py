"""Briques communes des mesures de la charte (`calcul.py`) : le contexte d'un critère (dispositif, période,
structures, règles des parcours du périmètre) et le comptage groupé par structure."""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, DateField, ExpressionWrapper, F, Q, QuerySet, When
from django.db.models.functions import TruncDate

from aap.catalogue.models import Dispositif
from aap.catalogue.schema_charte import CritereCharte
from aap.catalogue.schema_parcours import RegleParcours
from aap.parcours import choices as c
from aap.parcours.models import ContratEngagement, Orientation


PARIS = zoneinfo.ZoneInfo("Europe/Paris")
#: Statuts d'un contrat terminé à sa date de clôture.
TERMINES = (c.StatutContrat.CLOS, c.StatutContrat.ROMPU)


def minuit(jour: datetime.date) -> datetime.datetime:
    """Minuit, heure de Paris, au début de `jour` (un instant ≥ minuit(D) et < minuit(F + 1) a son jour dans
    [D, F] ; minuit existe toujours à Paris, les changements d'heure ont lieu à 2 h / 3 h)."""
    return datetime.datetime.combine(jour, datetime.time(0), tzinfo=PARIS)


def jour_paris(chemin: str) -> TruncDate:
    """Le jour (heure de Paris) d'un instant."""
    return TruncDate(chemin, tzinfo=PARIS)


def plus_jours(chemin: str, jours: int) -> ExpressionWrapper:
    """La date `chemin` + `jours` jours (PostgreSQL : date + interval ; SQLite : django_format_dtdelta)."""
    return ExpressionWrapper(F(chemin) + datetime.timedelta(days=jours), output_field=DateField())


def terme(prefixe: str = "") -> Case:
    """Terme d'un contrat : `date_cloture` s'il est clos ou rompu (et la date renseignée), sinon `date_fin`."""
    return Case(
        When(
            Q(**{f"{prefixe}statut__in": TERMINES, f"{prefixe}date_cloture__isnull": False}),
            then=F(f"{prefixe}date_cloture"),
        ),
        default=F(f"{prefixe}date_fin"),
        output_field=DateField(),
    )


@dataclass(frozen=True)
class Contexte:
    """Ce que chaque mesure reçoit : le dispositif, la période, les structures et le périmètre du critère."""

    dispositif: Dispositif
    debut: datetime.date
    fin: datetime.date
    structure_ids: list[int] | None
    critere: CritereCharte
    #: Règles des parcours du périmètre du critère, par code.
    regles: dict[str, RegleParcours]

    @property
    def debut_instant(self) -> datetime.datetime:
        """Minuit (Paris) du premier jour de la période."""
        return minuit(self.debut)

    @property
    def apres_fin_instant(self) -> datetime.datetime:
        """Minuit (Paris) du lendemain du dernier jour : un instant < cette borne a son jour ≤ F."""
        return minuit(self.fin + datetime.timedelta(days=1))

    def sur_orientation(self, prefixe: str = "", codes: Iterable[str] | None = None) -> Q:
        """Condition « l'orientation (au bout de `prefixe`) est du dispositif, d'une structure demandée et d'un
        parcours de `codes` (le périmètre du critère par défaut) »."""
        condition = Q(
            **{f"{prefixe}dispositif": self.dispositif, f"{prefixe}parcours__in": list(codes or self.regles)}
        )
        if self.structure_ids is not None:
            condition &= Q(**{f"{prefixe}structure_id__in": self.structure_ids})
        return condition

    def orientations(self, codes: Iterable[str] | None = None) -> QuerySet[Orientation]:
        return Orientation.objects.filter(self.sur_orientation("", codes))

    def contrats(self, codes: Iterable[str] | None = None) -> QuerySet[ContratEngagement]:
        return ContratEngagement.objects.filter(self.sur_orientation("orientation__", codes))

    def groupes(self, *seuils: str, requis: bool = True) -> list[tuple[tuple, list[str]]]:
        """Les parcours du périmètre groupés par valeurs des `seuils` de leur règle (une requête par groupe) ;
        `requis` : un parcours dont la règle ne fixe pas le premier seuil sort de la population."""
        groupes: dict[tuple, list[str]] = {}
        for code, regle in sorted(self.regles.items()):
            valeurs = tuple(getattr(regle, s) for s in seuils)
            if requis and valeurs[0] is None:
                continue
            groupes.setdefault(valeurs, []).append(code)
        return list(groupes.items())


#: Effectifs (numérateur, dénominateur) par structure.
Comptes = dict[int, tuple[int | Decimal, int]]


def compter(qs: QuerySet, chemin_structure: str, atteint: Q, somme=None) -> Comptes:
    """Une requête : `qs` groupé par structure, dénominateur = effectif, numérateur = effectif filtré par
    `atteint` (ou `somme`, une agrégation, quand le numérateur n'est pas un effectif)."""
    numerateur = somme if somme is not None else Count("pk", filter=atteint)
    lignes = (
        qs.order_by()
        .values(groupe_structure=F(chemin_structure))
        .annotate(den=Count("pk"), num=numerateur)
        .values_list("groupe_structure", "num", "den")
    )
    return {structure: (num or 0, den) for structure, num, den in lignes}


def additionner(*parties: Comptes) -> Comptes:
    total: dict[int, tuple[int | Decimal, int]] = {}
    for partie in parties:
        for structure, (num, den) in partie.items():
            n0, d0 = total.get(structure, (0, 0))
            total[structure] = (n0 + num, d0 + den)
    return total
