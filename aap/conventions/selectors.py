"""Lectures des pages du suivi des conventions : liste (tri, totaux), fiche (frise de signature, opérations et
engagements, avenants et leurs différences, historique, actions permises à l'utilisateur)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from aap.conventions.avenants import ROLES_DECISION, STATUTS_EN_COURS, WORKFLOW_AVENANT, differences, peut_demander
from aap.conventions.models import Avenant, Convention, StatutAvenant, StatutConvention
from aap.conventions.services import ETAPES_SIGNATURE
from aap.conventions.workflow import WORKFLOW
from aap.core.models import AuditLog, User
from aap.instruction.models import Proposition
from aap.structures.droits import peut_ecrire


ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=14, decimal_places=2))

TRIS = {
    "numero": "numero",
    "structure": "structure__raison_sociale",
    "seance": "seance__date",
    "debut": "date_debut",
    "montant": "montant",
    "statut": "statut",
}

#: Libellés des actions du journal d'une convention et de ses avenants.
LIBELLES_ACTIONS = {
    "convention.generer": "Convention générée",
    "convention.completer": "Convention complétée (nouvelles opérations)",
    "convention.regenerer": "Document de la convention refait",
    "convention.envoyer": "Envoyée à la structure pour signature",
    "convention.signer_structure": "Exemplaire signé déposé par la structure",
    "convention.signer_departement": "Signée par le Département",
    "convention.solder": "Convention soldée",
    "convention.resilier": "Convention résiliée",
    "avenant.demander": "Avenant demandé",
    "avenant.accepter": "Avenant accepté",
    "avenant.soumettre_cp": "Avenant accepté, soumis à la CP",
    "avenant.refuser": "Avenant refusé",
    "avenant.rattacher_cp": "Décision de la CP rattachée à l'avenant",
    "avenant.signer": "Avenant signé",
}


def pour_liste(qs: QuerySet[Convention]) -> QuerySet[Convention]:
    return qs.select_related("structure", "seance").prefetch_related("operations__dispositif")


def totaux(qs: QuerySet[Convention]) -> dict[str, Any]:
    """Nombre et montant de la sélection, et la répartition par statut (dans l'ordre du cycle de vie)."""
    lignes = {
        ligne["statut"]: ligne
        for ligne in qs.order_by()
        .values("statut")
        .annotate(nombre=Count("pk"), montant=Coalesce(Sum("montant"), ZERO))
    }
    par_statut = [
        {
            "statut": statut,
            "libelle": libelle,
            "nombre": lignes[statut]["nombre"],
            "montant": lignes[statut]["montant"],
        }
        for statut, libelle in StatutConvention.choices
        if statut in lignes
    ]
    return {
        "nombre": sum(s["nombre"] for s in par_statut),
        "montant": sum((s["montant"] for s in par_statut), Decimal(0)),
        "en_vigueur": lignes.get(StatutConvention.SIGNEE, {}).get("nombre", 0),
        "par_statut": par_statut,
    }


def a_signer_par(user: User, qs: QuerySet[Convention]) -> QuerySet[Convention]:
    """Les conventions qui attendent une action de `user` : dépôt de l'exemplaire signé (porteur) ou signature
    du Département (agent DPID)."""
    if user.est_dpid:
        return qs.filter(statut=StatutConvention.SIGNEE_STRUCTURE)
    return qs.filter(statut=StatutConvention.ENVOYEE)


# --- Fiche de la convention ------------------------------------------------------------------------------------


@dataclass
class Etape:
    libelle: str
    date: Any
    faite: bool
    courante: bool


def frise(convention: Convention) -> list[Etape]:
    """Générée, envoyée, signée par la structure, signée par le Département : dates et étape courante."""
    ordre = [statut for statut, _, _ in ETAPES_SIGNATURE]
    rang = ordre.index(convention.statut) if convention.statut in ordre else len(ordre) - 1
    if convention.statut == StatutConvention.RESILIEE:
        rang = max((i for i, (_, _, champ) in enumerate(ETAPES_SIGNATURE) if getattr(convention, champ)), default=0)
    return [
        Etape(
            libelle=libelle,
            date=getattr(convention, champ),
            faite=i <= rang,
            courante=i == rang and convention.statut in ordre,
        )
        for i, (_, libelle, champ) in enumerate(ETAPES_SIGNATURE)
    ]


def libelle_engagement(code: str) -> str:
    try:
        libelle = str(Proposition._meta.get_field(code).verbose_name)
        return libelle[:1].upper() + libelle[1:]
    except Exception:  # noqa: BLE001 - un engagement inconnu garde son code
        return code.replace("_", " ").capitalize()


def engagements(operation: Any) -> list[tuple[str, str]]:
    return [(libelle_engagement(code), valeur) for code, valeur in (operation.engagements or {}).items()]


@dataclass
class AvenantVu:
    avenant: Avenant
    differences: list[tuple[str, str, str]]
    actions: list[str] = field(default_factory=list)


def actions_avenant(avenant: Avenant, user: User) -> list[str]:
    actions = []
    if user.role in ROLES_DECISION and avenant.statut == StatutAvenant.DEMANDE:
        actions.append("decider")
    if user.est_dpid and WORKFLOW_AVENANT.can(avenant, "rattacher_cp"):
        actions.append("rattacher_cp")
    if user.est_dpid and WORKFLOW_AVENANT.can(avenant, "signer"):
        actions.append("signer")
    return actions


def vue_avenant(avenant: Avenant, user: User) -> AvenantVu:
    return AvenantVu(avenant, differences(avenant.avant, avenant.apres), actions_avenant(avenant, user))


def actions_convention(convention: Convention, user: User, avenants: list[Avenant]) -> set[str]:
    """Les actions que la fiche propose à `user` (les services les contrôlent de nouveau)."""
    actions: set[str] = set()
    if user.est_dpid:
        for nom in ("envoyer", "signer_departement", "resilier"):
            if WORKFLOW.can(convention, nom):
                actions.add(nom)
    if WORKFLOW.can(convention, "signer_structure") and peut_ecrire(user, convention.structure):
        actions.add("deposer_signature")
    if (
        convention.statut == StatutConvention.SIGNEE
        and not any(a.statut in STATUTS_EN_COURS for a in avenants)
        and peut_demander(user, convention)
    ):
        actions.add("demander_avenant")
    return actions


def historique(convention: Convention, avenants: list[Avenant]) -> list[dict[str, Any]]:
    """Le journal de la convention et de ses avenants (consultations exclues), du plus récent au plus ancien."""
    critere = Q(cible_type=ContentType.objects.get_for_model(Convention), cible_id=str(convention.pk))
    if avenants:
        critere |= Q(cible_type=ContentType.objects.get_for_model(Avenant), cible_id__in=[str(a.pk) for a in avenants])
    lignes = AuditLog.objects.filter(critere).exclude(action="consultation").select_related("acteur")
    return [
        {
            "libelle": LIBELLES_ACTIONS.get(ligne.action, ligne.action),
            "cible": ligne.cible_repr if ligne.action.startswith("avenant.") else "",
            "horodatage": ligne.horodatage,
            "acteur": ligne.acteur,
            "motif": ligne.details.get("motif", ""),
        }
        for ligne in lignes
    ]


def fiche(convention: Convention, user: User) -> dict[str, Any]:
    operations = list(convention.operations.select_related("dispositif", "demande").order_by("rang"))
    avenants = list(convention.avenants.select_related("demande_par", "decide_par", "seance").order_by("-numero"))
    return {
        "convention": convention,
        "etapes": frise(convention),
        "operations": [{"operation": op, "engagements": engagements(op)} for op in operations],
        "avenants": [vue_avenant(a, user) for a in avenants],
        "historique": historique(convention, avenants),
        "actions": actions_convention(convention, user, avenants),
    }
