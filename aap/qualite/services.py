"""Services de la charte qualité : calcul (une structure, ou toutes celles d'un dispositif en un seul appel
ensembliste), notes des agents sur les critères humains, communication à la structure (phase contradictoire),
réponses et suites, résultat définitif qui alimente la part « qualité » des versements par le bilan.

Une transaction par changement d'état, l'acteur passé en paramètre, une ligne d'audit écrite ; refus en
`PermissionDenied` (mauvais acteur) ou `ValidationError` / `CharteImpossible` (règle métier), en français.

Qui fait quoi :
- calculer, recalculer, communiquer, rendre définitif : agents DPID (instructeur, gestionnaire, administrateur) ;
- noter un critère d'appréciation ou un bonus, donner suite à une réponse : agents DPID ou agent SLAI du
  territoire de la structure ;
- répondre : membre de la structure ayant les droits d'écriture (représentant légal, gestionnaire), jusqu'à la
  date `reponse_avant` incluse (heure de Paris).

Un résultat définitif n'est plus jamais recalculé ni modifié.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from aap.catalogue.models import Dispositif
from aap.catalogue.schema_charte import Charte
from aap.conventions.models import Operation
from aap.core import audit
from aap.core.models import User
from aap.core.permissions import exiger_dpid
from aap.core.workflow import Transition, Workflow
from aap.qualite import emails, selectors
from aap.qualite.models import NoteCritere, ReponseStructure, ResultatCharte, StatutCharte
from aap.structures.droits import peut_ecrire
from aap.structures.models import Structure


CENTIEME = Decimal("0.01")

WORKFLOW = Workflow(
    "charte",
    "statut",
    [
        Transition("communiquer", (StatutCharte.CALCULEE,), StatutCharte.CONTRADICTOIRE, "Communiquer à la structure"),
        Transition(
            "rendre_definitif", (StatutCharte.CONTRADICTOIRE,), StatutCharte.DEFINITIVE, "Rendre le résultat définitif"
        ),
    ],
)


class CharteImpossible(Exception):
    """L'action demandée sur la charte n'est pas possible ; le message dit pourquoi."""


# --- Calcul ----------------------------------------------------------------------------------------------------


def _charte(dispositif: Dispositif) -> Charte:
    charte = selectors.charte_de(dispositif)
    if charte is None:
        raise CharteImpossible(f"Le dispositif {dispositif.code} n'a pas de charte qualité dans sa fiche.")
    return charte


def _periode(debut: datetime.date, fin: datetime.date) -> None:
    if fin < debut:
        raise ValidationError({"fin": ["La fin de la période est avant son début."]})


def _notes(resultat: ResultatCharte | None) -> dict[str, Decimal]:
    if resultat is None or resultat.pk is None:
        return {}
    return {n.critere: n.points for n in resultat.notes.all()}


def _noter_grille(charte: Charte, mesures: dict[str, Any], notes: dict[str, Decimal]) -> tuple[Decimal, list[dict]]:
    """Le barème (`aap.qualite.bareme`) : score en % et détail JSON par critère."""
    from aap.qualite import bareme

    score, lignes = bareme.noter(charte, mesures, notes)
    detail = bareme.detail_json(lignes)
    categories = {c.code: c.categorie for c in charte.criteres}
    for ligne in detail:
        ligne.setdefault("categorie", categories.get(ligne.get("code"), ""))
    return Decimal(str(score)).quantize(CENTIEME, rounding=ROUND_HALF_UP), detail


def _mesures_du_detail(charte: Charte, detail: list[dict]) -> dict[str, Any]:
    """Les mesures gardées dans le détail d'un résultat (pour renoter sans remesurer) : numérateur et
    dénominateur relus, valeur recalculée comme le fait le calcul."""
    from aap.qualite.calcul import Mesure

    calculs = {c.code: c.calcul for c in charte.criteres if c.nature == "calcul"}
    mesures = {}
    for ligne in detail:
        code = ligne.get("code")
        if code not in calculs:
            continue
        numerateur = selectors.en_decimal(ligne.get("numerateur")) or Decimal(0)
        denominateur = int(selectors.en_decimal(ligne.get("denominateur")) or 0)
        mesures[code] = Mesure.de(calculs[code], numerateur, denominateur)
    return mesures


def _enregistrer(
    acteur: User,
    charte: Charte,
    structure: Structure,
    dispositif: Dispositif,
    debut: datetime.date,
    fin: datetime.date,
    mesures: dict[str, Any],
) -> ResultatCharte | None:
    """Crée ou recalcule le résultat (dans la transaction de l'appelant) ; None s'il est définitif."""
    resultat = (
        ResultatCharte.objects.select_for_update()
        .filter(structure=structure, dispositif=dispositif, periode_debut=debut, periode_fin=fin)
        .first()
    )
    if resultat is not None and resultat.statut == StatutCharte.DEFINITIVE:
        return None
    score, detail = _noter_grille(charte, mesures, _notes(resultat))
    operation = selectors.operation_couverte(structure, dispositif, debut, fin)
    nouveau = resultat is None
    if nouveau:
        resultat = ResultatCharte(structure=structure, dispositif=dispositif, periode_debut=debut, periode_fin=fin)
    resultat.score, resultat.detail, resultat.operation = score, detail, operation
    resultat.calcule_le = timezone.now()
    resultat.save()
    audit.log(
        acteur,
        "charte.calculer" if nouveau else "charte.recalculer",
        resultat,
        score=score,
        operation=operation.convention.numero if operation else "",
    )
    return resultat


def calculer(
    *, acteur: User, structure: Structure, dispositif: Dispositif, debut: datetime.date, fin: datetime.date
) -> ResultatCharte:
    """Calcule (ou recalcule, tant qu'il n'est pas définitif) le résultat d'une structure sur une période."""
    exiger_dpid(acteur, "La charte qualité est calculée par les agents de la DPID.")
    _periode(debut, fin)
    charte = _charte(dispositif)
    from aap.qualite.calcul import mesurer

    mesures = mesurer(dispositif, debut, fin, structure_ids=[structure.pk]).get(structure.pk, {})
    with transaction.atomic():
        resultat = _enregistrer(acteur, charte, structure, dispositif, debut, fin, mesures)
    if resultat is None:
        raise CharteImpossible("Ce résultat est définitif : il n'est plus recalculé.")
    return resultat


def calculer_tous(
    *,
    acteur: User,
    dispositif: Dispositif,
    debut: datetime.date,
    fin: datetime.date,
    progression: Callable[[int, int, str], None] | None = None,
) -> int:
    """Calcule la charte de toutes les structures du dispositif sur la période, en un seul appel ensembliste :
    celles qui ont des parcours, et celles qui ont une opération conventionnée couvrant la période. Les résultats
    définitifs ne bougent pas. Renvoie le nombre de résultats créés ou recalculés."""
    exiger_dpid(acteur, "La charte qualité est calculée par les agents de la DPID.")
    _periode(debut, fin)
    charte = _charte(dispositif)
    from aap.qualite.calcul import mesurer

    mesures = mesurer(dispositif, debut, fin)
    avec_operation = Operation.objects.filter(
        dispositif=dispositif,
        convention__statut__in=selectors.STATUTS_CONVENTION,
        date_debut__lte=fin,
        date_fin__gte=debut,
    ).values_list("convention__structure_id", flat=True)
    ids = set(mesures) | set(avec_operation)
    nombre = 0
    structures = list(Structure.objects.filter(pk__in=ids).order_by("pk"))
    with transaction.atomic():
        for rang, structure in enumerate(structures):
            if progression is not None:
                progression(rang, len(structures), f"Résultat de {structure.raison_sociale}")
            if _enregistrer(acteur, charte, structure, dispositif, debut, fin, mesures.get(structure.pk, {})):
                nombre += 1
    return nombre


# --- Notes des agents ------------------------------------------------------------------------------------------


def _verrouiller(resultat: ResultatCharte) -> ResultatCharte:
    return ResultatCharte.objects.select_for_update().select_related("structure", "dispositif").get(pk=resultat.pk)


def _exiger_noteur(acteur: User, resultat: ResultatCharte) -> None:
    if not selectors.peut_noter(acteur, resultat):
        raise PermissionDenied(
            "Les critères d'appréciation sont notés par les agents de la DPID ou du SLAI du territoire de la "
            "structure."
        )


def _exiger_modifiable(resultat: ResultatCharte) -> None:
    if resultat.statut == StatutCharte.DEFINITIVE:
        raise CharteImpossible("Ce résultat est définitif : il n'est plus modifiable.")


def _renoter(resultat: ResultatCharte) -> None:
    charte = _charte(resultat.dispositif)
    mesures = _mesures_du_detail(charte, resultat.detail)
    resultat.score, resultat.detail = _noter_grille(charte, mesures, _notes(resultat))
    resultat.save(update_fields=["score", "detail"])


def noter_critere(
    *, acteur: User, resultat: ResultatCharte, critere: str, points: Decimal | str | None, commentaire: str
) -> NoteCritere:
    """Note un critère d'appréciation ou un bonus (0 au poids du critère, commentaire obligatoire) ; le score est
    recalculé. Possible tant que le résultat n'est pas définitif (aussi pendant la phase contradictoire)."""
    commentaire = (commentaire or "").strip()
    with transaction.atomic():
        resultat = _verrouiller(resultat)
        _exiger_noteur(acteur, resultat)
        _exiger_modifiable(resultat)
        grille = {c.code: c for c in _charte(resultat.dispositif).criteres}
        ligne = next((d for d in resultat.detail if d.get("code") == critere), None)
        if ligne is None or ligne.get("nature") not in ("appreciation", "bonus"):
            raise ValidationError({"critere": ["Seuls les critères d'appréciation et les bonus se notent."]})
        poids = Decimal(str(ligne.get("poids") or grille[critere].poids))
        erreurs: dict[str, list[str]] = {}
        try:
            valeur = Decimal(str(points).replace(",", ".")) if points not in (None, "") else None
        except InvalidOperation:
            valeur = None
        if valeur is None or not valeur.is_finite() or not Decimal(0) <= valeur <= poids:
            erreurs["points"] = [f"Indiquez un nombre de points entre 0 et {poids.normalize():f}."]
        elif valeur != valeur.quantize(CENTIEME):
            erreurs["points"] = ["Les points s'écrivent au centième au plus (ex. 3,25)."]
        if not commentaire:
            erreurs["commentaire"] = ["Justifiez la note par un commentaire : la structure le lira."]
        if erreurs:
            raise ValidationError(erreurs)
        note, _ = NoteCritere.objects.update_or_create(
            resultat=resultat,
            critere=critere,
            defaults={"points": valeur, "commentaire": commentaire, "agent": acteur, "note_le": timezone.now()},
        )
        _renoter(resultat)
        audit.log(acteur, "charte.noter", resultat, critere=critere, points=valeur, score=resultat.score)
    return note


# --- Phase contradictoire --------------------------------------------------------------------------------------


def communiquer(*, acteur: User, resultat: ResultatCharte, at: datetime.datetime | None = None) -> ResultatCharte:
    """Communique le résultat à la structure : phase contradictoire jusqu'à aujourd'hui + `delai_reponse_jours`
    (inclus) ; refusé tant qu'un critère d'appréciation n'est pas noté. Courriel aux membres de la structure."""
    exiger_dpid(acteur, "Le résultat de la charte est communiqué par un agent de la DPID.")
    at = at or timezone.now()
    with transaction.atomic():
        resultat = _verrouiller(resultat)
        _exiger_modifiable(resultat)
        manquants = selectors.criteres_a_noter(resultat)
        if manquants:
            libelles = {d["code"]: d.get("libelle", d["code"]) for d in resultat.detail}
            raise CharteImpossible(
                "Notez d'abord les critères d'appréciation : " + " ; ".join(libelles[c] for c in manquants) + "."
            )
        charte = _charte(resultat.dispositif)
        resultat.communique_le = at
        resultat.reponse_avant = timezone.localdate(at) + datetime.timedelta(days=charte.delai_reponse_jours)
        WORKFLOW.apply(
            resultat,
            "communiquer",
            acteur,
            at=at,
            extra_fields=["communique_le", "reponse_avant"],
            score=resultat.score,
            reponse_avant=resultat.reponse_avant,
        )
    emails.prevenir_structure(resultat, "communique")
    return resultat


def repondre(
    *, acteur: User, resultat: ResultatCharte, texte: str, critere: str = "", at: datetime.datetime | None = None
) -> ReponseStructure:
    """Observation de la structure pendant la phase contradictoire (générale, ou sur un critère)."""
    at = at or timezone.now()
    texte = (texte or "").strip()
    with transaction.atomic():
        resultat = _verrouiller(resultat)
        if not (acteur.is_authenticated and peut_ecrire(acteur, resultat.structure)):
            raise PermissionDenied(
                "Seuls le représentant légal et les gestionnaires de la structure répondent au résultat de la charte."
            )
        if resultat.statut != StatutCharte.CONTRADICTOIRE:
            raise CharteImpossible("Le résultat n'est pas en phase contradictoire : il n'attend pas de réponse.")
        if timezone.localdate(at) > resultat.reponse_avant:
            raise CharteImpossible(
                f"La phase contradictoire s'est terminée le {resultat.reponse_avant:%d/%m/%Y} : "
                "la réponse n'est plus possible."
            )
        if critere and critere not in {d.get("code") for d in resultat.detail}:
            raise ValidationError({"critere": ["Ce critère n'est pas dans la grille du résultat."]})
        if not texte:
            raise ValidationError({"texte": ["Écrivez votre observation."]})
        reponse = ReponseStructure.objects.create(
            resultat=resultat, critere=critere, texte=texte, auteur=acteur, deposee_le=at
        )
        audit.log(acteur, "charte.repondre", resultat, at=at, critere=critere, reponse=reponse.pk)
    return reponse


def donner_suite(*, acteur: User, reponse: ReponseStructure, suite: str) -> ReponseStructure:
    """La suite donnée par l'agent à une réponse de la structure (visible de la structure)."""
    suite = (suite or "").strip()
    with transaction.atomic():
        resultat = _verrouiller(reponse.resultat)
        _exiger_noteur(acteur, resultat)
        _exiger_modifiable(resultat)
        if not suite:
            raise ValidationError({"suite": ["Écrivez la suite donnée à cette observation."]})
        reponse = ReponseStructure.objects.select_for_update().get(pk=reponse.pk)
        reponse.suite = suite
        reponse.save(update_fields=["suite"])
        audit.log(acteur, "charte.donner_suite", resultat, reponse=reponse.pk)
    return reponse


def peut_rendre_definitif(resultat: ResultatCharte, jour: datetime.date) -> tuple[bool, str]:
    """Après la date de réponse ; avant, seulement si la structure a répondu et que chaque réponse a une suite."""
    if resultat.statut != StatutCharte.CONTRADICTOIRE:
        return False, "Le résultat doit d'abord être communiqué à la structure (phase contradictoire)."
    if resultat.reponse_avant is not None and jour > resultat.reponse_avant:
        return True, ""
    reponses = list(resultat.reponses.all())
    if reponses and all(r.suite for r in reponses):
        return True, ""
    return False, (
        f"La structure peut répondre jusqu'au {resultat.reponse_avant:%d/%m/%Y} inclus : le résultat devient "
        "définitif après cette date, ou plus tôt si elle a répondu et que chaque réponse a reçu une suite."
    )


def rendre_definitif(*, acteur: User, resultat: ResultatCharte, at: datetime.datetime | None = None) -> ResultatCharte:
    """Recalcule une dernière fois puis fige le résultat. Les bilans de la période le prennent comme score à leur
    acceptation ; un bilan déjà accepté avec un autre score n'est pas modifié (les montants versés restent) :
    l'écart est journalisé et montré sur la page du résultat."""
    exiger_dpid(acteur, "Le résultat de la charte est rendu définitif par un agent de la DPID.")
    at = at or timezone.now()
    resultat = ResultatCharte.objects.select_related("dispositif", "structure").get(pk=resultat.pk)
    possible, raison = peut_rendre_definitif(resultat, timezone.localdate(at))
    if not possible:
        raise CharteImpossible(raison)
    charte = _charte(resultat.dispositif)
    from aap.qualite.calcul import mesurer

    mesures = mesurer(
        resultat.dispositif, resultat.periode_debut, resultat.periode_fin, structure_ids=[resultat.structure_id]
    ).get(resultat.structure_id, {})
    with transaction.atomic():
        _enregistrer(
            acteur,
            charte,
            resultat.structure,
            resultat.dispositif,
            resultat.periode_debut,
            resultat.periode_fin,
            mesures,
        )
        resultat = _verrouiller(resultat)
        possible, raison = peut_rendre_definitif(resultat, timezone.localdate(at))
        if not possible:
            raise CharteImpossible(raison)
        resultat.definitive_le, resultat.definitive_par = at, acteur
        bilans = [b.pk for b in selectors.bilans_concernes(resultat)]
        WORKFLOW.apply(
            resultat,
            "rendre_definitif",
            acteur,
            at=at,
            extra_fields=["definitive_le", "definitive_par"],
            score=resultat.score,
            bilans=bilans,
        )
        for bilan in selectors.bilans_deja_acceptes(resultat):
            details = {"score_bilan": bilan.score_qualite, "score_charte": resultat.score, "bilan": bilan.pk}
            audit.log(acteur, "charte.bilan_deja_accepte", resultat, at=at, **details)
            audit.log(acteur, "bilan.charte_definitive_apres_acceptation", bilan, at=at, **details)
    emails.prevenir_structure(resultat, "definitif")
    return resultat
