"""Déroulé d'un fichier d'import et rapport ligne à ligne.

- Simulation (par défaut) : tout le déroulé se fait dans une transaction annulée à la fin ; le rapport dit ce qui
  serait créé, modifié, inchangé ou rejeté (les lignes voient l'effet des lignes précédentes, comme à l'import
  réel).
- Import réel : chaque unité (une ligne ; un contrat et ses actions) dans sa propre transaction ; une unité en
  erreur n'écrit rien et n'arrête pas les suivantes.

Ordre d'application des événements : rendez-vous, contrats (avec leurs actions, par rang), diagnostics, heures,
suspensions, réorientations, sorties, puis l'ordre du fichier ; le rapport suit l'ordre du fichier.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from aap.core import audit
from aap.core.models import User
from aap.parcours.imports import colonnes as col
from aap.parcours.imports import contrats, orientations
from aap.parcours.imports.communs import ETATS, REJETE, Issue, verifier_acteur
from aap.parcours.imports.evenements import TRAITEMENTS, orientation_de
from aap.parcours.imports.lecture import Champs, FichierCsv, LigneCsv, LigneRejetee, lire_csv


ORDRE_TYPES = {t: i for i, t in enumerate(["rendez_vous", "contrat", "diagnostic", "heures", "suspension"])}
ORDRE_TYPES |= {"reorientation": 5, "sortie": 6, "action": 1}


@dataclass
class LigneRapport:
    numero: int
    type: str = ""
    reference: str = ""
    etat: str = REJETE
    erreurs: list[list[str]] = field(default_factory=list)  # [colonne, message]
    objet: str = ""
    avertissements: list[str] = field(default_factory=list)


@dataclass
class Rapport:
    nature: str
    appliquer: bool
    encodage: str
    separateur: str
    colonnes_ignorees: list[str]
    lignes: list[LigneRapport]

    @property
    def compte(self) -> dict[str, int]:
        nombres = Counter(ligne.etat for ligne in self.lignes)
        return {"lignes": len(self.lignes), **{etat: nombres.get(etat, 0) for etat in ETATS}}

    @property
    def rejetees(self) -> list[LigneRapport]:
        return [ligne for ligne in self.lignes if ligne.etat == REJETE]

    def phrase(self) -> str:
        c = self.compte
        verbe = "importée" if self.appliquer else "lue (simulation, rien n'est écrit)"
        return (
            f"{c['lignes']} ligne(s) {verbe} : {c['cree']} à créer, {c['modifie']} à modifier, "
            f"{c['inchange']} inchangée(s), {c['rejete']} rejetée(s)."
            if not self.appliquer
            else f"{c['lignes']} ligne(s) {verbe} : {c['cree']} créée(s), {c['modifie']} modifiée(s), "
            f"{c['inchange']} inchangée(s), {c['rejete']} rejetée(s)."
        )

    def en_donnees(self) -> dict:
        return {
            "nature": self.nature,
            "appliquer": self.appliquer,
            "encodage": self.encodage,
            "separateur": self.separateur,
            "colonnes_ignorees": self.colonnes_ignorees,
            "compte": self.compte,
            "message": self.phrase(),
            "lignes": [asdict(ligne) for ligne in self.lignes],
        }


def csv_des_erreurs(lignes: list[dict]) -> str:
    """Les lignes rejetées, une erreur par ligne du CSV (séparateur « ; », pour un tableur français)."""
    sortie = io.StringIO()
    ecrivain = csv.writer(sortie, delimiter=";", lineterminator="\r\n")
    ecrivain.writerow(["ligne", "type", "reference", "colonne", "message"])
    for ligne in lignes:
        if ligne["etat"] != REJETE:
            continue
        for colonne, message in ligne["erreurs"] or [["", "ligne rejetée"]]:
            ecrivain.writerow([ligne["numero"], ligne["type"], ligne["reference"], colonne, message])
    return sortie.getvalue()


# --- Unités -----------------------------------------------------------------------------------------------


@dataclass
class Unite:
    principale: LigneCsv
    actions: list[LigneCsv] = field(default_factory=list)
    erreur: str = ""  # non vide : rejetée avant toute lecture (doublon, contrat absent…)

    @property
    def lignes(self) -> list[LigneCsv]:
        return [self.principale, *self.actions]


def _cle_orientation(ligne: LigneCsv) -> tuple[str, str]:
    return ligne.valeurs.get("orientation", "").strip(), ligne.valeurs.get("orientation_id", "").strip()


def decouper(nature: str, fichier: FichierCsv) -> list[Unite]:
    if nature == col.ORIENTATIONS:
        return [Unite(ligne) for ligne in fichier.lignes]
    unites: list[Unite] = []
    contrats_: dict[tuple, Unite] = {}
    vues: dict[tuple, int] = {}
    actions: list[LigneCsv] = []
    for ligne in fichier.lignes:
        type_ = ligne.valeurs.get("type", "").strip().casefold()
        reference = ligne.valeurs.get("reference", "").strip()
        if type_ == "action":
            actions.append(ligne)
            continue
        unite = Unite(ligne)
        cle = (type_, *_cle_orientation(ligne), reference)
        if reference and type_ in col.TYPES_EVENEMENT and cle in vues:
            unite.erreur = f"référence « {reference} » déjà présente ligne {vues[cle]} pour la même orientation"
        elif reference:
            vues[cle] = ligne.numero
            if type_ == "contrat":
                contrats_[(*_cle_orientation(ligne), reference)] = unite
        unites.append(unite)
    for ligne in actions:
        cle = (*_cle_orientation(ligne), ligne.valeurs.get("contrat", "").strip())
        if cle in contrats_:
            contrats_[cle].actions.append(ligne)
        else:
            unites.append(
                Unite(
                    ligne, erreur="contrat absent du fichier : une action est transmise avec la ligne de son contrat"
                )
            )

    def ordre(unite: Unite) -> tuple:
        type_ = unite.principale.valeurs.get("type", "").strip().casefold()
        rang = unite.principale.valeurs.get("rang", "").strip()
        return ORDRE_TYPES.get(type_, 9), int(rang) if rang.isdigit() else 1, unite.principale.numero

    return sorted(unites, key=ordre)


def _traiter_orientation(unite: Unite, acteur: User) -> dict[int, Issue]:
    valeurs = orientations.lire(Champs(unite.principale.valeurs), acteur)
    return {unite.principale.numero: orientations.appliquer(valeurs, acteur)}


def _traiter_evenement(unite: Unite, acteur: User) -> dict[int, Issue]:
    ligne = unite.principale
    champs = Champs(ligne.valeurs)
    type_ = champs.code("type", col.TYPES_EVENEMENT, requis=True)
    reference = champs.texte("reference", longueur=60)
    orientation = orientation_de(champs, acteur)
    if type_ and not reference and (type_ == "contrat" or TRAITEMENTS.get(type_, (None, False))[1]):
        champs.erreur("reference", "valeur obligatoire manquante")
    if type_ != "contrat":
        if type_ not in TRAITEMENTS:
            champs.verifier()  # type inconnu : rien d'autre à lire
        fonction, _ = TRAITEMENTS[type_]  # lit toutes ses colonnes, puis `champs.verifier()`
        return {ligne.numero: fonction(champs, orientation, acteur, reference)}
    actions, erreurs, contrat = [], {}, None
    try:
        if orientation is None:
            champs.verifier()
        contrat = contrats.lire_contrat(champs, orientation)
    except LigneRejetee as exc:
        erreurs[ligne.numero] = exc
    for action in unite.actions:
        champs_action = Champs(action.valeurs)
        try:
            actions.append(contrats.ActionLue(action.numero, contrats.lire_action(champs_action)))
        except LigneRejetee as exc:
            erreurs[action.numero] = exc
    if erreurs:
        raise BlocRejete(erreurs)
    issue = contrats.appliquer(orientation, contrat, actions, reference, acteur)
    return {ligne.numero: issue, **{a.numero: Issue(issue.etat, f"action de {issue.objet}") for a in actions}}


@dataclass
class BlocRejete(Exception):
    """Des lignes d'un bloc (contrat et actions) sont en erreur : numéro → erreur."""

    erreurs: dict[int, LigneRejetee]


def _executer_unite(nature: str, unite: Unite, acteur: User, rapport: dict[int, LigneRapport]) -> None:
    traiter = _traiter_orientation if nature == col.ORIENTATIONS else _traiter_evenement
    erreurs: dict[int, LigneRejetee] = {}
    issues: dict[int, Issue] = {}
    if unite.erreur:
        erreurs[unite.principale.numero] = LigneRejetee.une("", unite.erreur)
    else:
        try:
            with transaction.atomic():
                issues = traiter(unite, acteur)
        except LigneRejetee as exc:
            erreurs[unite.principale.numero] = exc
        except BlocRejete as exc:
            erreurs.update(exc.erreurs)
        except ValidationError as exc:  # règle d'un service du domaine
            erreurs[unite.principale.numero] = LigneRejetee.une("", " ".join(exc.messages))
        except DatabaseError as exc:  # contrainte de la base : la ligne n'a rien écrit
            erreurs[unite.principale.numero] = LigneRejetee.une("", f"refusée par la base de données ({exc})")
    for ligne in unite.lignes:
        entree = rapport[ligne.numero]
        if erreurs:
            entree.etat = REJETE
            if ligne.numero in erreurs:
                entree.erreurs = [[c, msg] for c, msg in erreurs[ligne.numero].erreurs]
            else:
                premiere = min(erreurs)
                entree.erreurs = [["", f"rejetée avec son contrat : erreur ligne {premiere}"]]
        else:
            issue = issues[ligne.numero]
            entree.etat, entree.objet, entree.avertissements = issue.etat, issue.objet, issue.avertissements


def importer(
    nature: str,
    contenu: bytes,
    acteur: User,
    *,
    appliquer: bool = False,
    progression: Callable[[int, int, str], None] | None = None,
) -> Rapport:
    """Lit et importe (ou simule) le fichier ; lève `ImportImpossible` ou `FichierIllisible` avant toute ligne."""
    verifier_acteur(nature, acteur)
    fichier = lire_csv(contenu, col.noms(nature), col.OBLIGATOIRES[nature])
    rapport = {
        ligne.numero: LigneRapport(
            ligne.numero,
            type=ligne.valeurs.get("type", "orientation" if nature == col.ORIENTATIONS else "").strip(),
            reference=ligne.valeurs.get("reference", "").strip(),
        )
        for ligne in fichier.lignes
    }
    unites = decouper(nature, fichier)

    def derouler() -> None:
        for fait, unite in enumerate(unites, 1):
            _executer_unite(nature, unite, acteur, rapport)
            if progression:
                progression(fait, len(unites), f"Ligne {unite.principale.numero} ({fait} sur {len(unites)})")

    if appliquer:
        derouler()
    else:
        with transaction.atomic():
            derouler()
            transaction.set_rollback(True)
    resultat = Rapport(
        nature=nature,
        appliquer=appliquer,
        encodage=fichier.encodage,
        separateur=fichier.separateur,
        colonnes_ignorees=fichier.colonnes_ignorees,
        lignes=[rapport[n] for n in sorted(rapport)],
    )
    if appliquer:
        audit.log(acteur, "parcours.import.appliquer", None, nature=nature, **resultat.compte)
    return resultat
