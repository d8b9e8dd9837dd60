"""Services de la Commission permanente : séances, inscriptions, élus et mandats, présences, génération des
documents. Une transaction par action, l'agent qui agit passé en paramètre, une ligne d'audit.

Le vote, les décisions et les notifications sont dans `services_decisions.py`.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from aap.commission.models import (
    Elu,
    GenerationDocuments,
    Inscription,
    Mandat,
    Presence,
    SeanceCP,
    StatutGeneration,
    StatutPresence,
    StatutSeance,
)
from aap.core import audit, permissions
from aap.core.models import User
from aap.core.workflow import Transition, Workflow
from aap.demandes.choix import STATUTS_EN_INSTRUCTION
from aap.instruction.models import Proposition


logger = logging.getLogger(__name__)

#: La séance : préparée (inscriptions, documents), votée (décisions), clôturée quand tout est notifié.
WORKFLOW_SEANCE = Workflow(
    "seance_cp",
    "statut",
    [
        Transition("voter", (StatutSeance.PREPARATION,), StatutSeance.VOTEE, "Enregistrer le vote"),
        Transition("cloturer", (StatutSeance.VOTEE,), StatutSeance.CLOTUREE, "Clôturer la séance"),
    ],
)

CHAMPS_SEANCE = (
    "date",
    "edition",
    "phase",
    "numero_rapport",
    "numero_deliberation",
    "date_cloture_depot",
    "date_avis_commissions",
    "president_seance",
    "secretaire",
)
CHAMPS_ELU = ("civilite", "prenom", "nom", "groupe", "fonction", "est_president", "voix_deliberative", "actif")
CHAMPS_MANDAT = ("structure", "fonction", "debut", "fin")


class CommissionImpossible(Exception):
    """L'action est impossible dans l'état de la séance ou de l'inscription (message pour l'agent)."""


def exiger_dpid(agent: User) -> None:
    permissions.exiger_dpid(agent, "La préparation de la Commission permanente est réservée aux agents de la DPID.")


def _maintenant(at: datetime.datetime | None) -> datetime.datetime:
    return at or timezone.now()


def _affecter(obj: Any, donnees: Mapping[str, Any], champs: Iterable[str]) -> dict[str, str]:
    """Recopie les champs et renvoie ceux qui ont changé (ancienne → nouvelle valeur, pour le journal)."""
    changes = {}
    for champ in champs:
        if champ not in donnees:
            continue
        try:
            avant = getattr(obj, champ)
        except ObjectDoesNotExist:  # clé étrangère pas encore renseignée (création)
            avant = None
        apres = donnees[champ]
        if avant != apres:
            changes[champ] = f"{'' if avant is None else avant} → {'' if apres is None else apres}"
        setattr(obj, champ, apres)
    return changes


# --- Séances ---------------------------------------------------------------------------------------------


def enregistrer_seance(
    agent: User, donnees: Mapping[str, Any], seance: SeanceCP | None = None, at: datetime.datetime | None = None
) -> SeanceCP:
    """Crée la séance (`seance` absent) ou la modifie ; une séance clôturée ne se modifie plus."""
    exiger_dpid(agent)
    if seance is not None and seance.statut == StatutSeance.CLOTUREE:
        raise CommissionImpossible("La séance est clôturée : elle ne se modifie plus.")
    with transaction.atomic():
        creation = seance is None
        if creation:
            seance = SeanceCP(creee_par=agent, creee_le=_maintenant(at))
        changes = _affecter(seance, donnees, CHAMPS_SEANCE)
        seance.full_clean()
        seance.save()
        audit.log(agent, "seance_cp.creer" if creation else "seance_cp.modifier", seance, at=at, **changes)
    return seance


# --- Inscriptions ----------------------------------------------------------------------------------------


def propositions_inscriptibles(seance: SeanceCP) -> QuerySet[Proposition]:
    """Les propositions de l'édition de la séance dont la demande est en instruction et qui ne sont pas déjà
    inscrites à une séance sans décision sur elles (celle-ci comprise)."""
    en_attente = Inscription.objects.filter(decision="").values("proposition_id")
    return (
        Proposition.objects.filter(
            demande__statut__in=STATUTS_EN_INSTRUCTION, demande__dispositif__edition_id=seance.edition_id
        )
        .exclude(pk__in=en_attente)
        .exclude(inscriptions__seance=seance)
    )


def inscrire(
    seance: SeanceCP, propositions: Iterable[Proposition], agent: User, at: datetime.datetime | None = None
) -> int:
    """Inscrit à l'ordre du jour d'une séance en préparation les propositions inscriptibles de la sélection ;
    renvoie le nombre d'inscriptions créées (les autres sont ignorées)."""
    exiger_dpid(agent)
    moment = _maintenant(at)
    with transaction.atomic():
        seance = SeanceCP.objects.select_for_update().get(pk=seance.pk)
        if seance.statut != StatutSeance.PREPARATION:
            raise CommissionImpossible("Les inscriptions se font sur une séance en préparation.")
        ids = [p.pk for p in propositions]
        nombre = 0
        for proposition in propositions_inscriptibles(seance).filter(pk__in=ids).select_related("demande"):
            Inscription.objects.create(seance=seance, proposition=proposition, inscrite_par=agent, inscrite_le=moment)
            audit.log(agent, "seance_cp.inscrire", proposition.demande, at=moment, seance=str(seance))
            nombre += 1
    return nombre


def desinscrire(inscription: Inscription, agent: User, at: datetime.datetime | None = None) -> None:
    """Retire une proposition de l'ordre du jour d'une séance en préparation."""
    exiger_dpid(agent)
    with transaction.atomic():
        seance = SeanceCP.objects.select_for_update().get(pk=inscription.seance_id)
        if seance.statut != StatutSeance.PREPARATION:
            raise CommissionImpossible("Le rapport est voté : l'ordre du jour ne change plus.")
        demande = inscription.proposition.demande
        inscription.delete()
        audit.log(agent, "seance_cp.desinscrire", demande, at=at, seance=str(seance))


# --- Élus, mandats et présences --------------------------------------------------------------------------


def enregistrer_elu(
    agent: User, donnees: Mapping[str, Any], elu: Elu | None = None, at: datetime.datetime | None = None
) -> Elu:
    exiger_dpid(agent)
    with transaction.atomic():
        creation = elu is None
        elu = elu or Elu()
        changes = _affecter(elu, donnees, CHAMPS_ELU)
        if elu.est_president and elu.actif and Elu.objects.filter(est_president=True, actif=True).exclude(pk=elu.pk):
            raise CommissionImpossible("Un autre élu en fonction est déjà Président du Conseil départemental.")
        elu.save()
        audit.log(agent, "elu.creer" if creation else "elu.modifier", elu, at=at, **changes)
    return elu


def enregistrer_mandat(
    agent: User,
    elu: Elu,
    donnees: Mapping[str, Any],
    mandat: Mandat | None = None,
    at: datetime.datetime | None = None,
) -> Mandat:
    """Crée le mandat de l'élu (`mandat` absent) ou le modifie ; le journal garde les valeurs avant → après.
    Les dates se contrôlent sur le résultat (une fin seule modifiée se compare au début déjà enregistré)."""
    exiger_dpid(agent)
    if mandat is not None and mandat.elu_id != elu.pk:
        raise CommissionImpossible("Ce mandat appartient à un autre élu.")
    debut = donnees.get("debut", mandat.debut if mandat else None)
    fin = donnees.get("fin", mandat.fin if mandat else None)
    if debut and fin and fin < debut:
        raise CommissionImpossible("La fin du mandat précède son début.")
    with transaction.atomic():
        creation = mandat is None
        mandat = mandat or Mandat(elu=elu)
        changes = _affecter(mandat, donnees, CHAMPS_MANDAT)
        mandat.save()
        audit.log(
            agent, "elu.mandat" if creation else "elu.mandat_modifier", elu, at=at, mandat=str(mandat), **changes
        )
    return mandat


def supprimer_mandat(agent: User, mandat: Mandat, at: datetime.datetime | None = None) -> None:
    exiger_dpid(agent)
    with transaction.atomic():
        elu, libelle = mandat.elu, str(mandat)
        mandat.delete()
        audit.log(agent, "elu.mandat_supprimer", elu, at=at, mandat=libelle)


def enregistrer_presences(
    seance: SeanceCP,
    agent: User,
    presences: Mapping[int, tuple[str, Elu | None]],
    at: datetime.datetime | None = None,
) -> int:
    """Présence de chaque élu (id → (statut, élu qui a reçu sa délégation de vote)) ; renvoie le nombre d'élus
    saisis. Une délégation ne se donne qu'en cas d'absence, à un élu présent, jamais à soi-même."""
    exiger_dpid(agent)
    if seance.statut == StatutSeance.CLOTUREE:
        raise CommissionImpossible("La séance est clôturée.")
    presents = {elu_id for elu_id, (statut, _) in presences.items() if statut == StatutPresence.PRESENT}
    for elu_id, (statut, delegation) in presences.items():
        if delegation is None:
            continue
        if statut == StatutPresence.PRESENT:
            raise CommissionImpossible("Un élu présent ne donne pas de délégation de vote.")
        if delegation.pk == elu_id or delegation.pk not in presents:
            raise CommissionImpossible(f"La délégation de vote se donne à un autre élu présent ({delegation}).")
    with transaction.atomic():
        for elu_id, (statut, delegation) in presences.items():
            Presence.objects.update_or_create(
                seance=seance, elu_id=elu_id, defaults={"statut": StatutPresence(statut), "delegation_a": delegation}
            )
        audit.log(
            agent,
            "seance_cp.presences",
            seance,
            at=at,
            presents=len(presents),
            excuses=sum(1 for s, _ in presences.values() if s == StatutPresence.EXCUSE),
            absents=sum(1 for s, _ in presences.values() if s == StatutPresence.ABSENT),
        )
    return len(presences)


# --- Génération des documents (tâche de fond) -----------------------------------------------------------


def demander_generation(seance: SeanceCP, agent: User, at: datetime.datetime | None = None) -> GenerationDocuments:
    """Crée la génération et met la tâche en file, une fois la transaction validée (le worker la voit)."""
    from aap.commission.tasks import generer_documents_seance

    exiger_dpid(agent)
    with transaction.atomic():
        if seance.generations.filter(statut__in=(StatutGeneration.EN_ATTENTE, StatutGeneration.EN_COURS)).exists():
            raise CommissionImpossible("Une génération des documents est déjà en cours pour cette séance.")
        generation = GenerationDocuments.objects.create(
            seance=seance, demandee_par=agent, demandee_le=_maintenant(at), etape="En file d'attente"
        )
        audit.log(agent, "seance_cp.generer", seance, at=at, generation=generation.pk)
        transaction.on_commit(lambda: generer_documents_seance.enqueue(generation.pk))
    return generation


def dossier_generation(generation: GenerationDocuments) -> Path:
    """MEDIA_ROOT/commission/<date>/<id>/ : hors de toute URL publique, servi par une vue qui vérifie le rôle."""
    return Path(settings.MEDIA_ROOT) / "commission" / generation.seance.date.isoformat() / str(generation.pk)


def executer_generation(generation: GenerationDocuments) -> GenerationDocuments:
    """Le corps de la tâche : produit les documents en tenant la progression à jour ; termine « terminee »
    (fichiers), « bloquee » (incohérences) ou « echec » (erreur inattendue). Chaque fin est journalisée."""
    from aap.commission.generation import DocumentsBloques, generer_documents

    def progression(pourcentage: int, etape: str) -> None:
        GenerationDocuments.objects.filter(pk=generation.pk).update(
            progression=max(0, min(100, int(pourcentage))), etape=etape[:255]
        )

    GenerationDocuments.objects.filter(pk=generation.pk).update(
        statut=StatutGeneration.EN_COURS, etape="Contrôles de cohérence", progression=0
    )
    racine = Path(settings.MEDIA_ROOT)
    dossier = dossier_generation(generation)
    dossier.mkdir(parents=True, exist_ok=True)
    champs: dict[str, Any]
    try:
        fichiers = generer_documents(generation.seance, dossier, progression)
    except DocumentsBloques as exc:
        from aap.commission.selectors import demande_citee, inscriptions_de

        inscriptions = list(inscriptions_de(generation.seance))
        erreurs = []
        for i in exc.incoherences:
            demande = demande_citee(i.message, inscriptions)
            erreurs.append(
                {"code": i.code, "message": i.message, "niveau": i.niveau, "demande_id": demande and demande.pk}
            )
        champs = {"statut": StatutGeneration.BLOQUEE, "erreurs": erreurs, "etape": "Bloquée par les contrôles"}
    except Exception as exc:  # noqa: BLE001 - toute erreur est montrée à l'agent et journalisée
        logger.exception("Échec de la génération %s", generation.pk)
        champs = {"statut": StatutGeneration.ECHEC, "erreurs": [{"message": str(exc) or type(exc).__name__}]}
    else:
        chemins = [str(Path(f).resolve().relative_to(racine.resolve())) for f in fichiers]
        champs = {"statut": StatutGeneration.TERMINEE, "fichiers": chemins, "progression": 100, "etape": "Terminée"}
    with transaction.atomic():
        GenerationDocuments.objects.filter(pk=generation.pk).update(terminee_le=timezone.now(), **champs)
        generation.refresh_from_db()
        audit.log(
            generation.demandee_par,
            f"seance_cp.generation_{generation.statut}",
            generation.seance,
            generation=generation.pk,
            fichiers=len(generation.fichiers),
            erreurs=len(generation.erreurs),
        )
    return generation
