"""Services des bilans. Une transaction par changement d'état, l'acteur passé en paramètre, une ligne d'audit.

Le contenu d'un bilan (`donnees`) est déjà typé par le formulaire :

    {"realisations": {"dsp": Decimal("700"), …}, "indicateurs": {"delai_premier_rdv": {"valeur": "12",
     "commentaire": ""}}, "entrees": 40, "sorties_detail": {"emploi_durable": 3, …}, "texte_qualitatif": "…",
     "depenses": [{"categorie", "libelle", "retenu", "realise"}], "ressources": [{"financeur", "libelle", "prevu",
     "montant"}], "piece": fichier téléversé ou None}

Les erreurs de contenu sont levées en `ValidationError` par champ (clés de `aap.bilans.rules`), en français.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from aap.bilans import emails, rules
from aap.bilans.models import Bilan
from aap.bilans.workflow import STATUTS_A_SAISIR, WORKFLOW
from aap.conventions.models import Operation, StatutConvention
from aap.conventions.regles import date_limite_bilan
from aap.core import audit
from aap.core.models import Role, User
from aap.core.permissions import exiger_role
from aap.qualite.selectors import charte_applicable, periode_charte, resultat_du_bilan
from aap.structures.droits import peut_ecrire
from aap.structures.fichiers import PDF, XLSX, FichierRefuse, verifier_fichier
from aap.versements.services import rendre_exigibles


#: Qui décide d'un bilan (acceptation, demande de modifications).
ROLES_DECISION = frozenset({Role.INSTRUCTEUR, Role.GESTIONNAIRE})
#: Formats de la pièce jointe d'un bilan.
FORMATS_PIECE = (PDF, XLSX)


class BilanImpossible(Exception):
    """L'action demandée sur le bilan n'est pas possible ; le message dit pourquoi."""


def creer_bilans(operation: Operation) -> list[Bilan]:
    """Crée les bilans datés de la fiche (ceux qui ont une date limite calculable), indicateurs pré-remplis."""
    indicateurs = [
        {"code": i["code"], "nom": i["nom"], "cible": i.get("cible") or "", "valeur": "", "commentaire": ""}
        for i in operation.regles.get("indicateurs", [])
    ]
    bilans = []
    for spec in operation.regles["bilans"]:
        echeance = date_limite_bilan(spec, operation.date_fin)
        if echeance is None:
            continue
        bilans.append(
            Bilan(
                operation=operation,
                type=spec["type"],
                libelle=spec["libelle"][:120],
                echeance=echeance,
                indicateurs=indicateurs,
            )
        )
    return Bilan.objects.bulk_create(bilans)


# --- Saisie et dépôt par la structure ------------------------------------------------------------------------


def peut_saisir(bilan: Bilan, user: User) -> bool:
    """Un membre actif de la structure, sur un bilan encore à saisir d'une convention en vigueur."""
    return (
        user.is_authenticated
        and user.role == Role.PORTEUR
        and bilan.statut in STATUTS_A_SAISIR
        and bilan.operation.convention.statut == StatutConvention.SIGNEE
        and peut_ecrire(user, bilan.operation.convention.structure)
    )


def _verrouiller(bilan: Bilan) -> Bilan:
    return Bilan.objects.select_for_update().select_related("operation__convention__structure").get(pk=bilan.pk)


def _exiger_saisie(bilan: Bilan, acteur: User) -> None:
    if not (acteur.is_authenticated and acteur.role == Role.PORTEUR):
        raise PermissionDenied("Un bilan est saisi par un membre de la structure.")
    if not peut_ecrire(acteur, bilan.operation.convention.structure):
        raise PermissionDenied(
            "Seuls le représentant légal et les gestionnaires de la structure saisissent ses bilans "
            "(un membre « lecture seule » les consulte)."
        )
    if bilan.operation.convention.statut != StatutConvention.SIGNEE:
        raise BilanImpossible("Les bilans se déposent une fois la convention signée par les deux parties.")
    if bilan.statut not in STATUTS_A_SAISIR:
        raise BilanImpossible(f"Ce bilan est « {bilan.get_statut_display()} » : il n'est plus modifiable.")


def _exiger_operation_terminee(bilan: Bilan, jour: datetime.date) -> None:
    """Le bilan final (celui qui déclenche le solde) rend compte de toute l'opération : il se dépose à partir du
    lendemain de sa fin (un brouillon peut s'enregistrer avant)."""
    operation = bilan.operation
    if bilan.type == rules.type_bilan_final(operation.regles) and jour <= operation.date_fin:
        raise BilanImpossible(
            f"Le {bilan.libelle.lower()} se dépose après la fin de l'opération, le {operation.date_fin:%d/%m/%Y} : "
            "vous pouvez enregistrer un brouillon d'ici là."
        )


def _verifier_piece(piece: Any) -> None:
    try:
        format_ = verifier_fichier(piece, piece.name, piece.size)
    except FichierRefuse as exc:
        raise ValidationError({"piece": exc.messages}) from exc
    if format_ not in FORMATS_PIECE:
        raise ValidationError({"piece": ["La pièce jointe d'un bilan est un PDF ou un classeur Excel (XLSX)."]})


def _chaine(valeur: Decimal | int | None) -> str | None:
    return None if valeur is None else str(valeur)


def _appliquer(bilan: Bilan, donnees: dict[str, Any]) -> list[str]:
    """Recopie le contenu dans le bilan (sans l'enregistrer) ; renvoie les champs modifiés."""
    indicateurs = donnees.get("indicateurs", {})
    bilan.indicateurs = [
        {
            **i,
            "valeur": str((indicateurs.get(i["code"]) or {}).get("valeur", "") or "").strip(),
            "commentaire": str((indicateurs.get(i["code"]) or {}).get("commentaire", "") or "").strip(),
        }
        for i in bilan.indicateurs
    ]
    realisations = donnees.get("realisations", {})
    bilan.realisations = {
        m["code"]: _chaine(realisations.get(m["code"])) for m in rules.mesures(bilan.operation.regles)
    }
    bilan.entrees = donnees.get("entrees")
    bilan.sorties_detail = {code: donnees.get("sorties_detail", {}).get(code) for code, _ in rules.TYPES_SORTIE}
    comptees = [v for v in bilan.sorties_detail.values() if v is not None]
    bilan.sorties = sum(comptees) if comptees else None
    bilan.texte_qualitatif = (donnees.get("texte_qualitatif") or "").strip()
    bilan.depenses = [
        {
            "categorie": ligne.get("categorie", ""),
            "libelle": ligne.get("libelle", ""),
            "retenu": _chaine(ligne.get("retenu")),
            "realise": _chaine(ligne.get("realise")),
        }
        for ligne in donnees.get("depenses", [])
    ]
    bilan.ressources = [
        {
            "financeur": ligne.get("financeur", ""),
            "libelle": ligne.get("libelle", ""),
            "prevu": _chaine(ligne.get("prevu")),
            "montant": _chaine(ligne.get("montant")),
        }
        for ligne in donnees.get("ressources", [])
    ]
    champs = ["indicateurs", "realisations", "entrees", "sorties", "sorties_detail", "texte_qualitatif"]
    champs += ["depenses", "ressources"]
    piece = donnees.get("piece")
    if piece:
        _verifier_piece(piece)
        extension = PurePath(piece.name).suffix.lower()
        bilan.piece.save(f"bilan-{bilan.pk}-{bilan.type}{extension}", piece, save=False)
        champs.append("piece")
    return champs


def _controler(bilan: Bilan, donnees: dict[str, Any], *, complet: bool) -> None:
    erreurs = rules.erreurs_bilan(bilan.operation.regles, donnees, complet=complet)
    if erreurs:
        raise ValidationError(erreurs)


def enregistrer_bilan(
    bilan: Bilan, acteur: User, donnees: dict[str, Any], at: datetime.datetime | None = None
) -> Bilan:
    """Enregistre un brouillon du bilan sans le déposer (seuls les signes des nombres sont contrôlés)."""
    with transaction.atomic():
        bilan = _verrouiller(bilan)
        _exiger_saisie(bilan, acteur)
        _controler(bilan, donnees, complet=False)
        bilan.save(update_fields=_appliquer(bilan, donnees))
        audit.log(acteur, "bilan.enregistrer", bilan, at=at, convention=bilan.operation.convention.numero)
    return bilan


def deposer_bilan(bilan: Bilan, acteur: User, donnees: dict[str, Any], at: datetime.datetime | None = None) -> Bilan:
    """Dépose le bilan (à produire ou à modifier → déposé) : tout le contenu exigé doit être renseigné."""
    at = at or timezone.now()
    with transaction.atomic():
        bilan = _verrouiller(bilan)
        _exiger_saisie(bilan, acteur)
        _exiger_operation_terminee(bilan, timezone.localdate(at))
        _controler(bilan, donnees, complet=True)
        champs = _appliquer(bilan, donnees)
        bilan.depose_par, bilan.depose_le = acteur, at
        WORKFLOW.apply(
            bilan, "deposer", acteur, at=at, extra_fields=[*champs, "depose_par", "depose_le"], echeance=bilan.echeance
        )
    return bilan


# --- Décision de la DPID ---------------------------------------------------------------------------------------


def _exiger_decideur(acteur: User) -> None:
    exiger_role(acteur, ROLES_DECISION, "Un bilan est examiné par un instructeur ou un gestionnaire de la DPID.")


def accepter_bilan(
    bilan: Bilan, acteur: User, *, score_qualite: Decimal | None = None, at: datetime.datetime | None = None
) -> Bilan:
    """Accepte un bilan déposé ; si l'opération a une part « qualité », son score est celui de la charte qualité
    définitive de la période du bilan quand le dispositif a une charte (`score_qualite` est alors ignoré), sinon
    le score saisi par l'agent (exigé).
    Dans la même transaction, les échéances déclenchées par ce type de bilan deviennent exigibles."""
    _exiger_decideur(acteur)
    at = at or timezone.now()
    with transaction.atomic():
        bilan = _verrouiller(bilan)
        _exiger_depose(bilan, "accepter")
        champs = ["decide_par", "decide_le", "motif_modification"]
        if charte_applicable(bilan.operation):
            bilan.score_qualite = _score_de_la_charte(bilan)
            champs.append("score_qualite")
        elif rules.a_part_qualite(bilan.operation.regles):
            score = _score(score_qualite)
            bilan.score_qualite = score
            champs.append("score_qualite")
        bilan.decide_par, bilan.decide_le, bilan.motif_modification = acteur, at, ""
        WORKFLOW.apply(bilan, "accepter", acteur, at=at, extra_fields=champs, score_qualite=bilan.score_qualite)
        rendre_exigibles(bilan.operation, acteur, bilan_type=bilan.type, at=at)
    emails.bilan_accepte(bilan)
    return bilan


def _score_de_la_charte(bilan: Bilan) -> Decimal:
    """Le score du résultat définitif de la charte de la période du bilan (`aap.qualite.selectors`) ; sans lui,
    le bilan ne s'accepte pas : le score n'est plus saisi quand le dispositif a une charte."""
    resultat = resultat_du_bilan(bilan)
    if resultat is None:
        debut, fin = periode_charte(bilan)
        raise BilanImpossible(
            f"La charte qualité de la période du {debut:%d/%m/%Y} au {fin:%d/%m/%Y} n'est pas encore définitive : "
            "son score module la part « qualité » du versement. Rendez-la définitive avant d'accepter le bilan."
        )
    return resultat.score


def _exiger_depose(bilan: Bilan, transition: str) -> None:
    if not WORKFLOW.can(bilan, transition):
        raise BilanImpossible(
            f"« {WORKFLOW.get(transition).label} » : le bilan est « {bilan.get_statut_display()} », pas déposé."
        )


def _score(score: Decimal | str | None) -> Decimal:
    if score in (None, ""):
        raise ValidationError(
            {"score_qualite": ["Indiquez le score de la charte qualité (en %) : il module le versement."]}
        )
    try:
        valeur = Decimal(str(score))
    except InvalidOperation as exc:
        raise ValidationError({"score_qualite": ["Le score est un pourcentage, entre 0 et 100."]}) from exc
    if not valeur.is_finite() or not 0 <= valeur <= 100:
        raise ValidationError({"score_qualite": ["Le score est un pourcentage, entre 0 et 100."]})
    return valeur.quantize(Decimal("0.01"))


def demander_modifications(bilan: Bilan, acteur: User, motif: str, at: datetime.datetime | None = None) -> Bilan:
    """Renvoie le bilan déposé à la structure, avec les modifications attendues (motif obligatoire)."""
    _exiger_decideur(acteur)
    motif = (motif or "").strip()
    if not motif:
        raise ValidationError({"motif": ["Dites à la structure ce qu'elle doit modifier."]})
    at = at or timezone.now()
    with transaction.atomic():
        bilan = _verrouiller(bilan)
        _exiger_depose(bilan, "demander_modifications")
        bilan.decide_par, bilan.decide_le, bilan.motif_modification = acteur, at, motif
        WORKFLOW.apply(
            bilan,
            "demander_modifications",
            acteur,
            at=at,
            extra_fields=["decide_par", "decide_le", "motif_modification"],
            motif=motif,
        )
    emails.modifications_demandees(bilan)
    return bilan
