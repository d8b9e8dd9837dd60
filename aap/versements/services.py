"""Services des versements : échéancier d'une opération, exigibilité et calcul des versements proposés,
validation (refusée tant qu'un blocage demeure), annulation, paiement, solde de la convention. Une transaction par
changement d'état, l'acteur passé en paramètre, une ligne d'audit écrite. Blocages : `aap.versements.blocages` ;
remboursements des ordres de reversement : `aap.versements.reversements`."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import models, transaction
from django.utils import timezone

from aap.bilans.models import Bilan
from aap.conventions.models import Convention, Operation, StatutConvention
from aap.core import audit
from aap.core.models import Role, User
from aap.core.permissions import exiger_role
from aap.core.templatetags.aap_ui import euros, nombre
from aap.versements import rules
from aap.versements.models import (
    Echeance,
    OrdreReversement,
    OrigineReversement,
    StatutEcheance,
    StatutReversement,
    StatutVersement,
    Versement,
)


class VersementImpossible(Exception):
    """Le changement d'état demandé est refusé ; `raisons` dit pourquoi (en français)."""

    def __init__(self, message: str, raisons: list[str] | None = None) -> None:
        super().__init__(message)
        self.raisons = raisons or []


#: Qui valide ou annule un versement (agents DPID) ; qui enregistre un paiement (finances).
ROLES_VALIDATION = frozenset({Role.GESTIONNAIRE, Role.INSTRUCTEUR})
ROLES_FINANCES = frozenset({Role.FINANCES})


def creer_echeancier(operation: Operation) -> list[Echeance]:
    """Chiffre l'échéancier figé dans `operation.regles` (appelé à la génération de la convention)."""
    echeancier = operation.regles["echeancier"]
    montants = rules.repartir(operation.montant, [Decimal(str(e["taux"])) for e in echeancier])
    return Echeance.objects.bulk_create(
        Echeance(
            operation=operation,
            rang=rang,
            type=e["type"],
            taux=Decimal(str(e["taux"])),
            taux_est_maximum=bool(e.get("taux_est_maximum")),
            montant_prevu=montant,
            declencheur=e["declencheur"][:255],
            bilan_type=e.get("bilan") or "",
        )
        for rang, (e, montant) in enumerate(zip(echeancier, montants, strict=True), start=1)
    )


def rendre_exigibles(
    operation: Operation, acteur: User | None, *, bilan_type: str = "", at: datetime.datetime | None = None
) -> list[Echeance]:
    """Rend exigibles les échéances « à venir » déclenchées par la signature (`bilan_type` vide) ou par
    l'acceptation du bilan `bilan_type`, et calcule aussitôt le versement proposé de chacune (`proposer`).
    À appeler dans la transaction du changement d'état déclencheur (le bilan est alors accepté)."""
    at = at or timezone.now()
    with transaction.atomic():
        echeances = list(
            operation.echeances.select_for_update().filter(statut=StatutEcheance.A_VENIR, bilan_type=bilan_type)
        )
        for echeance in echeances:
            echeance.statut = StatutEcheance.EXIGIBLE
            echeance.exigible_le = at
            echeance.save(update_fields=["statut", "exigible_le"])
            audit.log(acteur, "echeance.exigible", echeance, at=at, convention=operation.convention.numero)
        for echeance in echeances:
            proposer(echeance, acteur, at=at)
    return echeances


def _centimes(total: Decimal | None) -> Decimal:
    """Une somme agrégée au centime (SQLite rend des décimaux à précision flottante : 10529.4000000000)."""
    return rules.arrondi(Decimal(total or 0))


def _deja_engage(operation: Operation, sauf: Echeance | None = None) -> Decimal:
    """Versé ou proposé pour l'opération (hors annulés et hors l'échéance `sauf`) : la base du droit cumulé."""
    qs = Versement.objects.filter(echeance__operation=operation).exclude(statut=StatutVersement.ANNULE)
    if sauf is not None:
        qs = qs.exclude(echeance=sauf)
    return _centimes(qs.aggregate(total=models.Sum("montant"))["total"])


def bilan_declencheur(echeance: Echeance) -> Bilan | None:
    if not echeance.bilan_type:
        return None
    return Bilan.objects.filter(operation_id=echeance.operation_id, type=echeance.bilan_type).first()


def calculer(echeance: Echeance) -> rules.Calcul:
    """Le calcul de l'échéance d'après l'échéancier, les engagements et le bilan déclencheur (lecture seule)."""
    operation = echeance.operation
    echeancier = list(operation.echeances.order_by("rang"))
    bilan = bilan_declencheur(echeance)
    calcul = rules.calculer_echeance(
        type=echeance.type,
        subvention=operation.montant,
        taux=[e.taux for e in echeancier],
        prevus=[e.montant_prevu for e in echeancier],
        rang=[e.pk for e in echeancier].index(echeance.pk) + 1,
        deja_engage=_deja_engage(operation, sauf=echeance),
        parts=operation.regles.get("parts_conditionnees", []),
        engagements=operation.engagements,
        realisations=bilan.realisations if bilan else {},
        score_qualite=bilan.score_qualite if bilan else None,
        debut=operation.date_debut,
        fin=operation.date_fin,
        bilan=bilan.libelle if bilan else "",
    )
    if echeance.bilan_type and (bilan is None or bilan.statut != "accepte"):
        calcul.notes.append("Attention : le bilan déclencheur n'est pas (encore) accepté.")
    return calcul


def proposer(echeance: Echeance, acteur: User | None, *, at: datetime.datetime | None = None) -> Versement | None:
    """Calcule le versement d'une échéance exigible (statut « proposé »). Un montant nul rend l'échéance sans
    objet ; au solde, un trop-perçu est réclamé par un ordre de reversement (origine « modulation »)."""
    at = at or timezone.now()
    with transaction.atomic():
        echeance = Echeance.objects.select_for_update().select_related("operation__convention").get(pk=echeance.pk)
        if echeance.statut != StatutEcheance.EXIGIBLE or hasattr(echeance, "versement"):
            return getattr(echeance, "versement", None)
        calcul = calculer(echeance)
        ordre = _reclamer_trop_percu(echeance, acteur, calcul, at) if calcul.trop_percu > 0 else None
        if calcul.a_verser <= 0:
            echeance.statut = StatutEcheance.SANS_OBJET
            echeance.save(update_fields=["statut"])
            audit.log(
                acteur,
                "echeance.sans_objet",
                echeance,
                at=at,
                droit=calcul.droit,
                deja_engage=calcul.deja_engage,
                reversement=ordre.pk if ordre else None,
            )
            solder_si_termine(echeance.operation.convention, acteur, at=at)
            return None
        versement = Versement.objects.create(
            echeance=echeance,
            convention=echeance.operation.convention,
            montant=calcul.a_verser,
            calcul=calcul.to_json(),
            propose_le=at,
        )
        audit.log(acteur, "versement.proposer", versement, at=at, montant=versement.montant)
    return versement


def _reclamer_trop_percu(
    echeance: Echeance, acteur: User | None, calcul: rules.Calcul, at: datetime.datetime
) -> OrdreReversement | None:
    """Au solde : réclame le trop-perçu, borné à ce qui a été liquidé et n'est pas déjà réclamé."""
    operation = echeance.operation
    montant = min(calcul.trop_percu, deja_verse(operation) - deja_reclame(operation))
    if montant <= 0:
        return None
    motif = (
        f"Solde de l'opération « {operation.intitule} » : droit final de {euros(calcul.droit)} "
        f"(atteinte {nombre(calcul.taux_atteinte * 100)} %) pour {euros(calcul.deja_engage)} déjà versés."
    )
    return emettre_reversement(
        operation,
        acteur,
        origine=OrigineReversement.MODULATION,
        montant=montant,
        motif=motif,
        calcul=calcul.to_json(),
        at=at,
    )


def recalculer(versement: Versement, acteur: User, *, at: datetime.datetime | None = None) -> Versement:
    """Refait le calcul d'un versement encore « proposé » (ex. score de la charte corrigé sur le bilan)."""
    exiger_role(acteur, ROLES_VALIDATION, "Seul un agent de la DPID recalcule un versement.")
    at = at or timezone.now()
    with transaction.atomic():
        versement = Versement.objects.select_for_update().select_related("echeance__operation").get(pk=versement.pk)
        if versement.statut != StatutVersement.PROPOSE:
            raise VersementImpossible("Seul un versement proposé (pas encore validé) peut être recalculé.")
        calcul = calculer(versement.echeance)
        avant = versement.montant
        versement.montant = calcul.a_verser
        versement.calcul = calcul.to_json()
        versement.propose_le = at
        versement.save(update_fields=["montant", "calcul", "propose_le"])
        audit.log(acteur, "versement.recalculer", versement, at=at, avant=avant, apres=versement.montant)
    return versement


def valider_versement(versement: Versement, acteur: User, *, at: datetime.datetime | None = None) -> Versement:
    """Proposé → validé (à mettre en paiement) ; refusé tant qu'un blocage demeure ; l'échéance est liquidée."""
    from aap.versements.blocages import blocages

    exiger_role(acteur, ROLES_VALIDATION, "Seul un agent de la DPID (gestionnaire, instructeur) valide un versement.")
    at = at or timezone.now()
    with transaction.atomic():
        versement = Versement.objects.select_for_update().select_related("echeance", "convention").get(pk=versement.pk)
        if versement.statut != StatutVersement.PROPOSE:
            raise VersementImpossible(f"Ce versement est « {versement.get_statut_display()} » : rien à valider.")
        raisons = blocages(versement, timezone.localdate(at))
        if raisons:
            raise VersementImpossible("Le versement est bloqué.", raisons)
        versement.statut = StatutVersement.VALIDE
        versement.valide_par = acteur
        versement.valide_le = at
        versement.save(update_fields=["statut", "valide_par", "valide_le"])
        echeance = versement.echeance
        echeance.statut = StatutEcheance.LIQUIDEE
        echeance.save(update_fields=["statut"])
        audit.log(acteur, "versement.valider", versement, at=at, montant=versement.montant)
    return versement


def annuler_versement(
    versement: Versement, acteur: User, motif: str, *, at: datetime.datetime | None = None
) -> Versement:
    """Proposé ou validé (pas encore transmis aux finances) → annulé ; l'échéance devient sans objet. Le droit
    cumulé n'est pas perdu : l'échéance suivante le reprend (droit − déjà versé)."""
    exiger_role(acteur, ROLES_VALIDATION, "Seul un agent de la DPID (gestionnaire, instructeur) annule un versement.")
    if not motif.strip():
        raise VersementImpossible("Indiquez le motif de l'annulation.")
    at = at or timezone.now()
    with transaction.atomic():
        versement = Versement.objects.select_for_update().select_related("echeance", "convention").get(pk=versement.pk)
        if versement.statut not in (StatutVersement.PROPOSE, StatutVersement.VALIDE):
            raise VersementImpossible("Un versement transmis aux finances ou payé ne s'annule plus.")
        de = versement.statut
        versement.statut = StatutVersement.ANNULE
        versement.save(update_fields=["statut"])
        echeance = versement.echeance
        echeance.statut = StatutEcheance.SANS_OBJET
        echeance.save(update_fields=["statut"])
        audit.log(acteur, "versement.annuler", versement, at=at, de=de, motif=motif.strip())
        solder_si_termine(versement.convention, acteur, at=at)
    return versement


def enregistrer_paiement(
    versement: Versement,
    acteur: User,
    *,
    date: datetime.date,
    reference: str,
    at: datetime.datetime | None = None,
) -> Versement:
    """Transmis aux finances → payé (n° de mandat, date) ; la convention est soldée si plus rien n'est dû."""
    exiger_role(acteur, ROLES_FINANCES, "Seul un agent des finances enregistre un paiement.")
    reference = reference.strip()
    if not reference:
        raise VersementImpossible("Indiquez le n° de mandat.")
    at = at or timezone.now()
    with transaction.atomic():
        versement = Versement.objects.select_for_update().select_related("convention").get(pk=versement.pk)
        if versement.statut != StatutVersement.EXPORTE:
            raise VersementImpossible(
                f"Seul un versement transmis aux finances peut être payé (celui-ci est « "
                f"{versement.get_statut_display()} »)."
            )
        if versement.valide_le and date < timezone.localdate(versement.valide_le):
            raise VersementImpossible("La date de paiement précède la validation du versement.")
        versement.statut = StatutVersement.PAYE
        versement.paye_le = date
        versement.reference_paiement = reference[:40]
        versement.save(update_fields=["statut", "paye_le", "reference_paiement"])
        audit.log(acteur, "versement.payer", versement, at=at, date=date, reference=reference)
        solder_si_termine(versement.convention, acteur, at=at)
    return versement


def reste_a_faire(convention: Convention) -> list[str]:
    """Ce qui empêche de solder la convention (vide : elle peut l'être)."""
    restes = []
    echeances = Echeance.objects.filter(operation__convention=convention).exclude(
        statut__in=(StatutEcheance.LIQUIDEE, StatutEcheance.SANS_OBJET)
    )
    if echeances.exists():
        restes.append(f"{echeances.count()} échéance(s) restent à venir ou exigibles.")
    impayes = convention.versements.exclude(statut__in=(StatutVersement.PAYE, StatutVersement.ANNULE))
    if impayes.exists():
        restes.append(f"{impayes.count()} versement(s) ne sont pas encore payés.")
    ouverts = convention.reversements.filter(statut__in=(StatutReversement.EMIS, StatutReversement.PARTIEL))
    if ouverts.exists():
        restes.append(f"{ouverts.count()} ordre(s) de reversement restent à rembourser.")
    return restes


def solder_si_termine(convention: Convention, acteur: User | None, *, at: datetime.datetime | None = None) -> bool:
    """Solde la convention signée dont toutes les échéances sont liquidées ou sans objet, tous les versements
    payés et aucun reversement ouvert. Renvoie vrai si elle vient d'être soldée."""
    from aap.conventions.workflow import WORKFLOW

    with transaction.atomic():
        convention = Convention.objects.select_for_update().get(pk=convention.pk)
        if convention.statut != StatutConvention.SIGNEE or reste_a_faire(convention):
            return False
        WORKFLOW.apply(convention, "solder", acteur, at=at)
    return True


#: Versements comptés comme « versés » (liquidés : validés, transmis ou payés).
STATUTS_VERSES = (StatutVersement.VALIDE, StatutVersement.EXPORTE, StatutVersement.PAYE)


def deja_verse(operation: Operation) -> Decimal:
    """Ce qui a été liquidé pour l'opération (validé, transmis aux finances ou payé)."""
    total = Versement.objects.filter(echeance__operation=operation, statut__in=STATUTS_VERSES).aggregate(
        total=models.Sum("montant")
    )["total"]
    return _centimes(total)


def deja_reclame(operation: Operation) -> Decimal:
    """Ce que les ordres de reversement non annulés réclament déjà pour l'opération."""
    total = (
        OrdreReversement.objects.filter(operation=operation)
        .exclude(statut=StatutReversement.ANNULE)
        .aggregate(total=models.Sum("montant"))["total"]
    )
    return _centimes(total)


def emettre_reversement(
    operation: Operation,
    acteur: User,
    *,
    origine: str,
    montant: Decimal,
    motif: str,
    calcul: dict | None = None,
    at: datetime.datetime | None = None,
) -> OrdreReversement:
    """Émet un ordre de reversement (titre de recette) ; jamais plus que ce qui a été versé pour l'opération et
    n'est pas déjà réclamé par un ordre non annulé."""
    with transaction.atomic():
        Operation.objects.select_for_update().get(pk=operation.pk)
        reclamable = deja_verse(operation) - deja_reclame(operation)
        if montant <= 0:
            raise ValueError("Un ordre de reversement porte sur un montant positif.")
        if montant > reclamable:
            raise ValueError(
                f"On ne peut pas réclamer {montant} € : {reclamable} € versés restent à réclamer pour cette opération."
            )
        ordre = OrdreReversement.objects.create(
            convention=operation.convention,
            operation=operation,
            origine=origine,
            montant=montant,
            motif=motif,
            calcul=calcul or {},
            emis_par=acteur,
            emis_le=at or timezone.now(),
        )
        audit.log(acteur, "reversement.emettre", ordre, at=at, origine=origine, montant=montant)
    return ordre
