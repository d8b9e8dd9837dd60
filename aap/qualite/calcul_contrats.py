"""Mesures de la charte portant sur les contrats d'engagement (docs/charte-qualite.md).

Chaque fonction rend {structure_id: (numérateur, dénominateur)} ; les conditions « au moins k actions »,
« k rendez-vous dans le mois » ou « une saisie d'heures chaque mois » sont des sous-requêtes groupées par contrat
(`GROUP BY contrat HAVING …`), non corrélées, utilisées en `pk IN (…)`.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, DateField, Exists, F, OuterRef, Q, Value
from django.db.models.functions import ExtractMonth, ExtractYear, Greatest, Least

from aap.parcours import choices as c
from aap.parcours.models import ActionContrat, Diagnostic
from aap.qualite.calcul_base import TERMINES, Comptes, Contexte, additionner, compter, minuit, terme


CHEMIN = "orientation__structure_id"


def _termines(ctx: Contexte):
    """Contrats du périmètre clos ou rompus avec `date_cloture` dans [D, F]."""
    return ctx.contrats().filter(statut__in=TERMINES, date_cloture__gte=ctx.debut, date_cloture__lte=ctx.fin)


def diagnostic_actualise(ctx: Contexte) -> Comptes:
    """Contrats terminés dans [D, F] ayant un diagnostic `creation_ce` et un diagnostic `cloture_ce`."""

    def avec(moment: str):
        return Diagnostic.objects.filter(
            moment=moment,
            contrat__orientation__dispositif=ctx.dispositif,
            contrat__date_cloture__gte=ctx.debut,
            contrat__date_cloture__lte=ctx.fin,
        ).values("contrat_id")

    atteint = Q(pk__in=avec(c.MomentDiagnostic.CREATION_CE)) & Q(pk__in=avec(c.MomentDiagnostic.CLOTURE_CE))
    return compter(_termines(ctx), CHEMIN, atteint)


def mois_entiers(debut: datetime.date, fin: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """Les mois civils (premier jour, dernier jour) entièrement compris dans [debut, fin]."""
    mois = []
    premier = debut.replace(day=1)
    while premier <= fin:
        suivant = (premier + datetime.timedelta(days=32)).replace(day=1)
        dernier = suivant - datetime.timedelta(days=1)
        if premier >= debut and dernier <= fin:
            mois.append((premier, dernier))
        premier = suivant
    return mois


def rendez_vous_mensuels(ctx: Contexte) -> Comptes:
    """Couples (contrat, mois M) : M entièrement dans [D, F] et dans la durée du contrat ; atteint : au moins
    `entretiens_par_mois_min` rendez-vous honorés dans M (jour de Paris), dont `entretiens_physiques_par_mois_min`
    physiques. Une requête par mois et par jeu de seuils."""
    parties = []
    for (minimum, physiques), codes in ctx.groupes("entretiens_par_mois_min", "entretiens_physiques_par_mois_min"):
        for premier, dernier in mois_entiers(ctx.debut, ctx.fin):
            couverts = ctx.contrats(codes).alias(terme=terme()).filter(date_debut__lte=premier, terme__gte=dernier)
            rdv = "orientation__rendez_vous"
            tenus = (
                couverts.filter(
                    **{
                        f"{rdv}__presence": c.Presence.HONORE,
                        f"{rdv}__debut__gte": minuit(premier),
                        f"{rdv}__debut__lt": minuit(dernier + datetime.timedelta(days=1)),
                    }
                )
                .values("pk")
                .annotate(
                    nombre=Count(rdv),
                    physiques=Count(rdv, filter=Q(**{f"{rdv}__mode": c.ModeRendezVous.PHYSIQUE})),
                )
                .filter(nombre__gte=minimum, physiques__gte=physiques or 0)
                .values("pk")
            )
            parties.append(compter(couverts, CHEMIN, Q(pk__in=tenus)))
    return additionner(*parties)


def _indice_mois(expression):
    """Rang absolu du mois d'une date (année × 12 + mois) : compare des mois civils sans arithmétique de dates."""
    return ExtractYear(expression) * 12 + ExtractMonth(expression)


def sia_conforme(ctx: Contexte) -> Comptes:
    """Contrats actifs dans la période (début ≤ F, terme ≥ D) ; atteint : heures prévues renseignées, dans
    [heures_hebdo_min, heures_hebdo_max] (bornes absentes : pas de limite) et, si la mise à jour est mensuelle,
    une saisie d'heures dans chaque mois civil de max(début, D) à min(terme, F)."""
    parties = []
    seuils = ("heures_hebdo_min", "heures_hebdo_max", "mise_a_jour_heures")
    for (minimum, maximum, mise_a_jour), codes in ctx.groupes(*seuils, requis=False):
        actifs = ctx.contrats(codes).alias(terme=terme()).filter(date_debut__lte=ctx.fin, terme__gte=ctx.debut)
        atteint = Q(heures_hebdo_prevues__isnull=False)
        if minimum is not None:
            atteint &= Q(heures_hebdo_prevues__gte=minimum)
        if maximum is not None:
            atteint &= Q(heures_hebdo_prevues__lte=maximum)
        if mise_a_jour == "mensuelle":
            debut = Greatest(F("date_debut"), Value(ctx.debut, output_field=DateField()), output_field=DateField())
            fin = Least(F("terme"), Value(ctx.fin, output_field=DateField()), output_field=DateField())
            actifs = actifs.alias(premier=_indice_mois(debut), dernier=_indice_mois(fin))
            saisi = _indice_mois("heures__saisie_le")
            a_jour = (
                actifs.alias(saisi=saisi)
                .filter(saisi__gte=F("premier"), saisi__lte=F("dernier"))
                .values("pk")
                .annotate(mois_saisis=Count(saisi, distinct=True))
                .filter(mois_saisis=F("dernier") - F("premier") + 1)
                .values("pk")
            )
            # Un contrat clos avant son début (donnée incohérente) n'a aucun mois exigé.
            atteint &= Q(pk__in=a_jour) | Q(dernier__lt=F("premier"))
        parties.append(compter(actifs, CHEMIN, atteint))
    return additionner(*parties)


def _signes(ctx: Contexte, codes=None):
    """Contrats du périmètre signés dans [D, F]."""
    return ctx.contrats(codes).filter(date_signature__gte=ctx.debut, date_signature__lte=ctx.fin)


def qualite_ce(ctx: Contexte) -> Comptes:
    """Contrats signés dans [D, F] ; atteint : au moins `actions_ce_min` actions (si fixé), dont
    `actions_insertion_pro_min` d'insertion professionnelle (si fixé), une action couvrant tout le contrat et
    aucune action au détail vide."""
    parties = []
    for (minimum, insertion_pro), codes in ctx.groupes("actions_ce_min", "actions_insertion_pro_min", requis=False):
        signes = _signes(ctx, codes)
        bons = (
            signes.values("pk")
            .annotate(
                nombre=Count("actions"),
                insertion_pro=Count("actions", filter=Q(actions__categorie=c.CategorieAction.INSERTION_PRO)),
                entieres=Count(
                    "actions", filter=Q(actions__date_debut__lte=F("date_debut"), actions__date_fin__gte=F("date_fin"))
                ),
                vides=Count("actions", filter=Q(actions__detail="")),
            )
            .filter(entieres__gte=1, vides=0, nombre__gte=minimum or 0, insertion_pro__gte=insertion_pro or 0)
            .values("pk")
        )
        parties.append(compter(signes, CHEMIN, Q(pk__in=bons)))
    return additionner(*parties)


def actions_departementales(ctx: Contexte) -> Comptes:
    """Contrats signés dans [D, F] ayant au moins une action `dispositif_departemental`."""
    avec = ActionContrat.objects.filter(
        dispositif_departemental=True,
        contrat__orientation__dispositif=ctx.dispositif,
        contrat__date_signature__gte=ctx.debut,
        contrat__date_signature__lte=ctx.fin,
    ).values("contrat_id")
    return compter(_signes(ctx), CHEMIN, Q(pk__in=avec))


def _derniers_diagnostics(ctx: Contexte):
    """Identifiants du diagnostic le plus récent (date, puis identifiant) de chaque (contrat, moment) de création
    ou de clôture, pour les contrats du dispositif terminés dans la période : « aucun plus récent » est un
    NOT EXISTS, que PostgreSQL exécute en anti-jointure par hachage sur (contrat, moment)."""
    plus_recent = Diagnostic.objects.filter(contrat_id=OuterRef("contrat_id"), moment=OuterRef("moment")).filter(
        Q(date__gt=OuterRef("date")) | Q(date=OuterRef("date"), pk__gt=OuterRef("pk"))
    )
    return (
        Diagnostic.objects.filter(
            moment__in=(c.MomentDiagnostic.CREATION_CE, c.MomentDiagnostic.CLOTURE_CE),
            contrat__orientation__dispositif=ctx.dispositif,
            contrat__statut__in=TERMINES,
            contrat__date_cloture__gte=ctx.debut,
            contrat__date_cloture__lte=ctx.fin,
        )
        .filter(~Exists(plus_recent))
        .values("pk")
    )


def evolutions_positives(ctx: Contexte) -> Comptes:
    """Contrats terminés dans [D, F] ayant un diagnostic de création et de clôture ; atteint : le dernier de
    clôture relève moins de freins que le dernier de création. Les deux derniers diagnostics de chaque contrat
    et leurs freins sont comptés en une agrégation groupée par contrat."""
    creation = Q(diagnostics__moment=c.MomentDiagnostic.CREATION_CE)
    cloture = Q(diagnostics__moment=c.MomentDiagnostic.CLOTURE_CE)
    par_contrat = (
        _termines(ctx)
        .filter(diagnostics__in=_derniers_diagnostics(ctx))
        .values("pk")
        .annotate(
            creations=Count("diagnostics", filter=creation, distinct=True),
            clotures=Count("diagnostics", filter=cloture, distinct=True),
            freins_creation=Count("diagnostics__freins", filter=creation),
            freins_cloture=Count("diagnostics__freins", filter=cloture),
        )
        .filter(creations__gte=1, clotures__gte=1)
    )
    complets = par_contrat.values("pk")
    mieux = par_contrat.filter(freins_cloture__lt=F("freins_creation")).values("pk")
    return compter(_termines(ctx).filter(pk__in=complets), CHEMIN, Q(pk__in=mieux))
