"""Avenants à une convention signée (article 9) : financier (montant d'une ou plusieurs opérations, à la hausse
ou à la baisse) ou de période (nouvelle date de fin, refusée sauf événement majeur et exceptionnel justifié).

Cycle : demandé → refusé | accepté | en attente de la CP (hausse du montant) → accepté (vote de la CP) →
signé. La signature applique la nouvelle version : montants et dates, échéances non liquidées rééchelonnées au
centime, bilans redatés, avenant Word produit, ordre de reversement si le nouveau montant est inférieur au versé.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from aap.bilans.models import Bilan, StatutBilan
from aap.commission.models import SeanceCP, StatutSeance
from aap.conventions import emails
from aap.conventions.models import Avenant, Convention, Operation, StatutAvenant, StatutConvention, TypeAvenant
from aap.conventions.regles import date_limite_bilan
from aap.conventions.services import ConventionImpossible, exiger_agent_dpid
from aap.core import audit
from aap.core.models import Role, User
from aap.core.templatetags.aap_ui import date_fr, euros
from aap.core.workflow import Transition, Workflow
from aap.structures.droits import peut_ecrire
from aap.versements import rules
from aap.versements.models import Echeance, OrigineReversement, StatutEcheance
from aap.versements.services import deja_reclame, deja_verse, emettre_reversement


S = StatutAvenant

WORKFLOW_AVENANT = Workflow(
    "avenant",
    "statut",
    [
        Transition("accepter", (S.DEMANDE,), S.ACCEPTE, "Accepter l'avenant"),
        Transition("soumettre_cp", (S.DEMANDE,), S.EN_ATTENTE_CP, "Accepter et soumettre à la CP"),
        Transition("refuser", (S.DEMANDE,), S.REFUSE, "Refuser l'avenant"),
        Transition("rattacher_cp", (S.EN_ATTENTE_CP,), S.ACCEPTE, "Rattacher la décision de la CP"),
        Transition("signer", (S.ACCEPTE,), S.SIGNE, "Signer l'avenant"),
    ],
)

#: Un avenant dans l'un de ces états bloque une nouvelle demande (ses instantanés se contrediraient).
STATUTS_EN_COURS = (S.DEMANDE, S.ACCEPTE, S.EN_ATTENTE_CP)
#: Rôles qui décident d'un avenant (le « service instructeur »).
ROLES_DECISION = frozenset({Role.INSTRUCTEUR, Role.GESTIONNAIRE})
#: Échéances dont le montant prévu suit l'avenant ; les autres (liquidées, sans objet) gardent le leur.
STATUTS_REECHELONNABLES = (StatutEcheance.A_VENIR, StatutEcheance.EXIGIBLE)


# --- Fonctions pures ------------------------------------------------------------------------------------------


def reechelonner(nouveau_montant: Decimal, echeances: Sequence[tuple[Decimal, Decimal, bool]]) -> list[Decimal]:
    """Nouveaux montants prévus des échéances `(taux, montant_prevu, modifiable)` pour une opération dont le
    montant devient `nouveau_montant`.

    Les échéances non modifiables (liquidées) gardent leur montant ; le reste (`nouveau_montant` moins ces
    montants) est réparti sur les modifiables au prorata de leurs taux, chaque part tronquée au centime et le
    reliquat sur la dernière (comme `versements.rules.repartir`) : le total est exactement `nouveau_montant`.
    Si le déjà liquidé dépasse le nouveau montant, les modifiables tombent à 0 (le trop-versé fait l'objet d'un
    ordre de reversement) ; sans échéance modifiable, rien ne change.
    """
    if nouveau_montant < 0 or nouveau_montant != nouveau_montant.quantize(rules.CENTIME):
        raise ValueError("montant négatif ou non exprimé au centime")
    resultat = [montant for _, montant, _ in echeances]
    modifiables = [i for i, (_, _, modifiable) in enumerate(echeances) if modifiable]
    if not modifiables:
        return resultat
    fige = sum((m for _, m, modifiable in echeances if not modifiable), Decimal(0))
    reste = max(nouveau_montant - fige, Decimal("0.00"))
    taux = [echeances[i][0] for i in modifiables]
    total_taux = sum(taux, Decimal(0))
    if total_taux > 0 and len(modifiables) > 1:
        parts = [rules.centimes(reste * t / total_taux) for t in taux[:-1]]
    else:
        parts = [Decimal("0.00")] * (len(modifiables) - 1)
    parts.append(reste - sum(parts, Decimal(0)))
    for i, part in zip(modifiables, parts, strict=True):
        resultat[i] = part
    return resultat


def _d(valeur: Any) -> Decimal:
    return Decimal(str(valeur))


def _date(valeur: str) -> datetime.date:
    return datetime.date.fromisoformat(valeur)


def differences(avant: Mapping[str, Any], apres: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """Ce qui change d'une version à l'autre : (libellé, avant, après), valeurs mises en forme (montants en
    euros, dates JJ/MM/AAAA). Sert à la page de l'avenant et au document Word."""
    lignes: list[tuple[str, str, str]] = []

    def comparer(libelle: str, a: Any, b: Any, forme) -> None:  # noqa: ANN001
        if a != b:
            lignes.append((libelle, forme(a), forme(b)))

    def montant(v: Any) -> str:
        return euros(_d(v)) if v is not None else "—"

    def jour(v: Any) -> str:
        return date_fr(_date(v)) if v else "—"

    comparer("Version de la convention", avant.get("version"), apres.get("version"), str)
    comparer("Montant maximal de la subvention", _d(avant["montant"]), _d(apres["montant"]), montant)
    comparer("Début de la convention", avant["date_debut"], apres["date_debut"], jour)
    comparer("Fin de la convention", avant["date_fin"], apres["date_fin"], jour)
    ops_apres = {o["id"]: o for o in apres.get("operations", [])}
    for op in avant.get("operations", []):
        nouvelle = ops_apres.get(op["id"])
        if nouvelle is None:
            continue
        prefixe = f"Annexe {op['rang']} – {op['intitule']}"
        comparer(f"{prefixe} : montant", _d(op["montant"]), _d(nouvelle["montant"]), montant)
        comparer(f"{prefixe} : début", op["date_debut"], nouvelle["date_debut"], jour)
        comparer(f"{prefixe} : fin", op["date_fin"], nouvelle["date_fin"], jour)
    return lignes


# --- Instantanés ---------------------------------------------------------------------------------------------


def instantane(convention: Convention) -> dict[str, Any]:
    """La version en vigueur de la convention, en JSON (montants et dates en chaînes)."""
    return {
        "version": convention.version,
        "montant": str(convention.montant),
        "date_debut": convention.date_debut.isoformat(),
        "date_fin": convention.date_fin.isoformat(),
        "operations": [
            {
                "id": op.pk,
                "rang": op.rang,
                "intitule": op.intitule,
                "montant": str(op.montant),
                "date_debut": op.date_debut.isoformat(),
                "date_fin": op.date_fin.isoformat(),
            }
            for op in convention.operations.order_by("rang")
        ],
    }


def _nouvelle_version_financiere(avant: dict[str, Any], montants: Mapping[int, Decimal] | None) -> dict[str, Any]:
    if not montants:
        raise ConventionImpossible("Un avenant financier indique le nouveau montant d'au moins une opération.")
    ids = {op["id"] for op in avant["operations"]}
    inconnues = set(montants) - ids
    if inconnues:
        raise ConventionImpossible("Un des montants porte sur une opération qui n'est pas couverte par la convention.")
    operations = []
    for op in avant["operations"]:
        montant = montants.get(op["id"])
        if montant is None:
            operations.append(dict(op))
            continue
        montant = _d(montant)
        if montant < 0 or montant != montant.quantize(rules.CENTIME):
            raise ConventionImpossible(
                f"Annexe {op['rang']} : le montant s'exprime en euros et centimes, positif ou nul."
            )
        operations.append({**op, "montant": str(montant)})
    total = sum((_d(op["montant"]) for op in operations), Decimal(0))
    apres = {**avant, "version": avant["version"] + 1, "montant": str(total), "operations": operations}
    if total == _d(avant["montant"]) and all(
        _d(a["montant"]) == _d(b["montant"]) for a, b in zip(avant["operations"], operations, strict=True)
    ):
        raise ConventionImpossible("Les montants demandés sont ceux de la convention en vigueur : rien ne change.")
    return apres


def _nouvelle_version_periode(
    convention: Convention, avant: dict[str, Any], date_fin: datetime.date | None, evenement_exceptionnel: str
) -> dict[str, Any]:
    if date_fin is None:
        raise ConventionImpossible("Un avenant de période indique la nouvelle date de fin de la convention.")
    if date_fin == convention.date_fin:
        raise ConventionImpossible(f"La convention finit déjà le {date_fr(date_fin)} : rien ne change.")
    debut_max = max(_date(op["date_debut"]) for op in avant["operations"]) if avant["operations"] else None
    if date_fin < convention.date_debut or (debut_max and date_fin < debut_max):
        raise ConventionImpossible("La nouvelle date de fin précède le début de la convention ou d'une opération.")
    regles = convention.edition.conventionnement or {}
    if regles.get("avenant_periode_evenement_exceptionnel", True) and not evenement_exceptionnel:
        raise ConventionImpossible(
            "Un avenant modifiant la période d'exécution est refusé, sauf aléa majeur et exceptionnel : décrivez "
            "précisément l'événement qui justifie le report."
        )
    operations = [{**op, "date_fin": date_fin.isoformat()} for op in avant["operations"]]
    return {**avant, "version": avant["version"] + 1, "date_fin": date_fin.isoformat(), "operations": operations}


# --- Services ------------------------------------------------------------------------------------------------


def peut_demander(acteur: User, convention: Convention) -> bool:
    return acteur.is_authenticated and (acteur.est_dpid or peut_ecrire(acteur, convention.structure))


def demander_avenant(
    convention: Convention,
    acteur: User,
    *,
    type: str,  # noqa: A002 - vocabulaire du domaine
    motif: str,
    montants: Mapping[int, Decimal] | None = None,
    date_fin: datetime.date | None = None,
    evenement_exceptionnel: str = "",
    at: datetime.datetime | None = None,
) -> Avenant:
    """Demande d'avenant par un membre de la structure (en écriture) ou un agent de la DPID, sur une convention
    signée et sans autre avenant en cours."""
    if not peut_demander(acteur, convention):
        raise ConventionImpossible(
            "Demander un avenant : action réservée aux agents de la DPID et aux membres de la structure signataire."
        )
    motif = (motif or "").strip()
    evenement_exceptionnel = (evenement_exceptionnel or "").strip()
    if not motif:
        raise ConventionImpossible("Indiquez le motif de la demande d'avenant.")
    if type not in TypeAvenant.values:
        raise ConventionImpossible("Choisissez le type d'avenant : financier ou période.")
    with transaction.atomic():
        convention = (
            Convention.objects.select_for_update().select_related("edition", "structure").get(pk=convention.pk)
        )
        if convention.statut != StatutConvention.SIGNEE:
            raise ConventionImpossible(
                f"Un avenant ne se demande que sur une convention signée par les deux parties : la convention "
                f"n° {convention.numero} est « {convention.get_statut_display().lower()} »."
            )
        if convention.avenants.filter(statut__in=STATUTS_EN_COURS).exists():
            raise ConventionImpossible(
                "Un avenant est déjà en cours pour cette convention : attendez qu'il soit signé ou refusé."
            )
        avant = instantane(convention)
        if type == TypeAvenant.FINANCIER:
            apres = _nouvelle_version_financiere(avant, montants)
        else:
            apres = _nouvelle_version_periode(convention, avant, date_fin, evenement_exceptionnel)
        numero = (convention.avenants.aggregate(n=Max("numero"))["n"] or 0) + 1
        avenant = Avenant.objects.create(
            convention=convention,
            numero=numero,
            type=type,
            motif=motif,
            evenement_exceptionnel=evenement_exceptionnel,
            avant=avant,
            apres=apres,
            necessite_cp=_d(apres["montant"]) > _d(avant["montant"]),
            demande_par=acteur,
            demande_le=at or timezone.now(),
        )
        audit.log(
            acteur,
            "avenant.demander",
            avenant,
            at=at,
            convention=convention.numero,
            type=type,
            differences=[f"{lib} : {a} → {b}" for lib, a, b in differences(avant, apres)],
        )
        emails.avenant_demande(avenant)
    return avenant


def _verrouiller(avenant: Avenant) -> Avenant:
    return (
        Avenant.objects.select_for_update()
        .select_related("convention__structure", "convention__edition")
        .get(pk=avenant.pk)
    )


def _exiger_statut(avenant: Avenant, transition: str) -> None:
    if not WORKFLOW_AVENANT.can(avenant, transition):
        raise ConventionImpossible(
            f"« {WORKFLOW_AVENANT.get(transition).label} » est impossible : l'avenant n° {avenant.numero} est « "
            f"{avenant.get_statut_display().lower()} »."
        )


def decider(
    avenant: Avenant, acteur: User, *, accepte: bool, motif: str = "", at: datetime.datetime | None = None
) -> Avenant:
    """Décision du service instructeur : refusé (motif obligatoire), accepté, ou accepté sous réserve du vote de
    la Commission permanente quand le montant total augmente."""
    if not acteur.is_authenticated or acteur.role not in ROLES_DECISION:
        raise ConventionImpossible("Décider d'un avenant : action réservée aux instructeurs et gestionnaires DPID.")
    motif = (motif or "").strip()
    if not accepte and not motif:
        raise ConventionImpossible("Indiquez le motif du refus : il est communiqué à la structure.")
    with transaction.atomic():
        avenant = _verrouiller(avenant)
        transition = ("soumettre_cp" if avenant.necessite_cp else "accepter") if accepte else "refuser"
        _exiger_statut(avenant, transition)
        avenant.decision_motif = motif
        avenant.decide_par = acteur
        avenant.decide_le = at or timezone.now()
        WORKFLOW_AVENANT.apply(
            avenant,
            transition,
            acteur,
            extra_fields=["decision_motif", "decide_par", "decide_le"],
            at=at,
            convention=avenant.convention.numero,
            motif=motif,
        )
        emails.avenant_decide(avenant)
    return avenant


def seances_votees() -> Any:
    """Les séances de la CP dont le vote, adopté, est enregistré (celles auxquelles rattacher un avenant)."""
    return SeanceCP.objects.filter(
        statut__in=(StatutSeance.VOTEE, StatutSeance.CLOTUREE), vote__isnull=False, vote__adopte=True
    )


def rattacher_decision_cp(
    avenant: Avenant, acteur: User, seance: SeanceCP, at: datetime.datetime | None = None
) -> Avenant:
    """L'avenant en attente de la CP est approuvé par la séance `seance`, dont le vote est enregistré."""
    exiger_agent_dpid(acteur, "Rattacher la décision de la CP")
    if not seances_votees().filter(pk=seance.pk).exists():
        raise ConventionImpossible(
            f"La séance du {date_fr(seance.date)} n'a pas de vote adopté enregistré : rattachez l'avenant à la "
            "séance qui l'a approuvé."
        )
    with transaction.atomic():
        avenant = _verrouiller(avenant)
        _exiger_statut(avenant, "rattacher_cp")
        avenant.seance = seance
        WORKFLOW_AVENANT.apply(
            avenant,
            "rattacher_cp",
            acteur,
            extra_fields=["seance"],
            at=at,
            convention=avenant.convention.numero,
            seance=seance.date.isoformat(),
        )
        emails.avenant_decide(avenant)
    return avenant


def _appliquer_operation(operation: Operation, nouvelle: Mapping[str, Any], acteur: User, at, avenant) -> None:  # noqa: ANN001
    """Montant et dates de l'opération, échéances rééchelonnées, bilans redatés, reversement du trop-versé."""
    ancienne_fin = operation.date_fin
    operation.montant = _d(nouvelle["montant"])
    operation.date_debut = _date(nouvelle["date_debut"])
    operation.date_fin = _date(nouvelle["date_fin"])
    operation.save(update_fields=["montant", "date_debut", "date_fin"])

    echeances = list(Echeance.objects.select_for_update().filter(operation=operation).order_by("rang"))
    montants = reechelonner(
        operation.montant,
        [(e.taux, e.montant_prevu, e.statut in STATUTS_REECHELONNABLES) for e in echeances],
    )
    for echeance, montant in zip(echeances, montants, strict=True):
        if echeance.montant_prevu != montant:
            audit.log(acteur, "echeance.reechelonner", echeance, at=at, de=echeance.montant_prevu, vers=montant)
            echeance.montant_prevu = montant
            echeance.save(update_fields=["montant_prevu"])

    if operation.date_fin != ancienne_fin:
        specs = {b["type"]: b for b in operation.regles.get("bilans", [])}
        for bilan in Bilan.objects.select_for_update().filter(operation=operation).exclude(statut=StatutBilan.ACCEPTE):
            spec = specs.get(bilan.type)
            echeance = date_limite_bilan(spec, operation.date_fin) if spec else None
            if echeance and echeance != bilan.echeance:
                audit.log(acteur, "bilan.redater", bilan, at=at, de=bilan.echeance, vers=echeance)
                bilan.echeance = echeance
                bilan.save(update_fields=["echeance"])

    trop_verse = deja_verse(operation) - deja_reclame(operation) - operation.montant
    if trop_verse > 0:
        emettre_reversement(
            operation,
            acteur,
            origine=OrigineReversement.AVENANT,
            montant=trop_verse,
            motif=f"Avenant n° {avenant.numero} : montant ramené à {euros(operation.montant)}, inférieur au versé.",
            calcul={
                "lignes": [
                    ["Déjà versé", str(deja_verse(operation))],
                    ["Déjà réclamé", str(deja_reclame(operation))],
                    ["Nouveau montant (avenant)", str(operation.montant)],
                    ["À reverser", str(trop_verse)],
                ]
            },
            at=at,
        )


def signer_avenant(avenant: Avenant, acteur: User, at: datetime.datetime | None = None) -> Avenant:
    """Accepté → signé : la nouvelle version entre en vigueur (voir le module)."""
    from aap.conventions.documents import rendre_avenant  # module des documents Word (import tardif)

    exiger_agent_dpid(acteur, "Signer l'avenant")
    with transaction.atomic():
        avenant = _verrouiller(avenant)
        _exiger_statut(avenant, "signer")
        convention = Convention.objects.select_for_update().get(pk=avenant.convention_id)
        if convention.statut != StatutConvention.SIGNEE:
            raise ConventionImpossible(
                f"La convention n° {convention.numero} est « {convention.get_statut_display().lower()} » : "
                "l'avenant ne peut plus être signé."
            )
        if convention.version != avenant.avant.get("version"):
            raise ConventionImpossible(
                "La convention a changé depuis la demande (un autre avenant a été signé) : refusez cet avenant "
                "et déposez-en un nouveau."
            )
        apres = avenant.apres
        operations = {op.pk: op for op in Operation.objects.select_for_update().filter(convention=convention)}
        for nouvelle in apres["operations"]:
            if nouvelle["id"] in operations:
                _appliquer_operation(operations[nouvelle["id"]], nouvelle, acteur, at, avenant)
        convention.montant = _d(apres["montant"])
        convention.date_debut = _date(apres["date_debut"])
        convention.date_fin = _date(apres["date_fin"])
        convention.version = apres["version"]
        convention.save(update_fields=["montant", "date_debut", "date_fin", "version"])
        avenant.convention = convention
        avenant.signe_le = at or timezone.now()
        avenant.fichier.save(
            f"avenant-{avenant.numero}-convention-{convention.numero}.docx",
            ContentFile(rendre_avenant(avenant)),
            save=False,
        )
        WORKFLOW_AVENANT.apply(
            avenant,
            "signer",
            acteur,
            extra_fields=["signe_le", "fichier"],
            at=at,
            convention=convention.numero,
            version=convention.version,
        )
        emails.avenant_signe(avenant)
    return avenant
