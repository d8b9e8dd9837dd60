"""Règles d'accès et de complétude des demandes : qui peut écrire, quand, et ce qu'il faut pour déposer.

Fonctions pures ou en lecture seule ; les changements d'état sont dans `services.py`.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone

from aap.catalogue.models import Dispositif, SessionAppel
from aap.core.models import Territoire, User
from aap.core.templatetags.aap_ui import date_fr
from aap.demandes.choix import PrioriteTransversale
from aap.structures.models import Membre, RoleMembre, Structure


class ActionRefusee(Exception):
    """L'action est refusée ; `messages` l'explique au porteur, en français."""

    def __init__(self, messages: str | list[str]) -> None:
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__(" ".join(self.messages))


class SessionClose(ActionRefusee):
    """Écriture tentée hors de la session (avant son ouverture ou après sa clôture)."""


class DemandeHorsPortail(SessionClose):
    """Écriture tentée sur une demande importée d'un tableau de propositions : sans session, elle n'est pas passée
    par le dépôt en ligne et ne s'y modifie pas."""


class DemandeIncomplete(ActionRefusee):
    """Le dossier ne peut être déposé ou validé : il manque des éléments ou le plan ne respecte pas la fiche."""


class DroitInsuffisant(PermissionDenied):
    """L'utilisateur n'a pas le rôle requis dans la structure (403)."""


#: Rôles d'un membre qui peut écrire (créer, modifier, saisir le budget, déposer).
ROLES_ECRITURE = frozenset({RoleMembre.REPRESENTANT_LEGAL, RoleMembre.GESTIONNAIRE})

#: Verbe du message de clôture, selon l'action tentée.
VERBES = {
    "creer": "aucune demande ne peut plus y être créée",
    "modifier": "la demande ne peut plus être modifiée",
    "budget": "le plan de financement ne peut plus être modifié",
    "deposer": "la demande ne peut plus être déposée",
    "repasser_en_brouillon": "la demande ne peut plus être rouverte",
    "valider": "la demande ne peut plus être validée",
}


def role_membre(user: User, structure: Structure) -> str | None:
    if not user.is_authenticated:
        return None
    return Membre.objects.filter(structure=structure, user=user, actif=True).values_list("role", flat=True).first()


def peut_ecrire(user: User, structure: Structure) -> bool:
    return role_membre(user, structure) in ROLES_ECRITURE


def peut_valider(user: User, structure: Structure) -> bool:
    return role_membre(user, structure) == RoleMembre.REPRESENTANT_LEGAL


def exiger_ecriture(acteur: User, structure: Structure) -> None:
    if not peut_ecrire(acteur, structure):
        raise DroitInsuffisant(
            "Seuls le représentant légal et les gestionnaires des demandes de la structure peuvent modifier "
            "ses demandes."
        )


def exiger_representant(acteur: User, structure: Structure) -> None:
    if not peut_valider(acteur, structure):
        raise DroitInsuffisant("Seul le représentant légal de la structure peut valider la demande.")


#: Ce que la plateforme affiche à la place de la session d'une demande importée (sans session de dépôt).
LIBELLE_HORS_PORTAIL = "Demande importée (hors portail)"


def message_hors_portail(action: str) -> str:
    """Le refus d'une écriture du porteur sur une demande importée, selon l'action tentée."""
    suite = VERBES.get(action, "la demande ne peut plus être modifiée")
    suite = suite.replace("ne peut plus", "ne peut pas").replace("la demande ", "elle ", 1)
    return (
        "Cette demande a été importée d'un tableau de propositions du Département (hors portail), sans session "
        f"de dépôt : {suite} en ligne. Pour toute correction, adressez-vous à la DPID."
    )


def fin_session(session: SessionAppel) -> datetime.datetime:
    """Premier instant où la session est close : le lendemain de la clôture à 00:00, heure de Paris."""
    lendemain = session.cloture + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(lendemain, datetime.time.min))


def libelle_session(session: SessionAppel) -> str:
    return f"{session.numero} du dispositif {session.dispositif.code}"


def exiger_session_ouverte(session: SessionAppel | None, at: datetime.datetime, action: str) -> None:
    """Refuse l'écriture hors de la session ; toujours pour une demande importée (`session` vide)."""
    if session is None:
        raise DemandeHorsPortail(message_hors_portail(action))
    if session.est_ouverte(at):
        return
    suite = VERBES.get(action, "la demande ne peut plus être modifiée")
    if timezone.localdate(at) < session.ouverture:
        raise SessionClose(
            f"La session {libelle_session(session)} n'ouvre que le {date_fr(session.ouverture)} : "
            f"{suite.replace('ne peut plus', 'ne peut pas encore')}."
        )
    raise SessionClose(
        f"La session {libelle_session(session)} est close depuis le {date_fr(session.cloture)} à minuit "
        f"(heure de Paris) : {suite}."
    )


def temps_restant(session: SessionAppel | None, at: datetime.datetime | None = None) -> str | None:
    """« 3 jours et 4 heures », « 2 heures et 5 minutes », « moins d'une minute » ; None si close ou sans session
    (demande importée)."""
    if session is None:
        return None
    moment = at or timezone.now()
    reste = fin_session(session) - moment
    if not session.est_ouverte(moment) or reste.total_seconds() <= 0:
        return None
    jours, secondes = reste.days, reste.seconds
    heures, minutes = secondes // 3600, (secondes % 3600) // 60

    def unite(n: int, mot: str) -> str:
        return f"{n} {mot}{'s' if n > 1 else ''}"

    if jours:
        return unite(jours, "jour") + (f" et {unite(heures, 'heure')}" if heures else "")
    if heures:
        return unite(heures, "heure") + (f" et {unite(minutes, 'minute')}" if minutes else "")
    return unite(minutes, "minute") if minutes else "moins d'une minute"


def territoires_eligibles(dispositif: Dispositif) -> QuerySet[Territoire]:
    """Les territoires du dispositif (catalogue) ; à défaut, les 9 MDS (plus « Département » si la fiche
    couvre tout le département)."""
    propres = Territoire.objects.filter(dispositifs=dispositif)
    if propres.exists():
        return propres
    fiche = dispositif.fiche
    if fiche is not None and fiche.territoires == "departement":
        return Territoire.objects.all()
    return Territoire.objects.filter(est_departement=False)


#: Textes exigés au dépôt (critères de sélection de l'appel à projets).
TEXTES_REQUIS = (
    ("intitule", "l'intitulé de l'opération"),
    ("description", "la description de l'opération"),
    ("objectifs", "les objectifs"),
    ("resultats_attendus", "les résultats attendus"),
    ("moyens_humains", "les moyens humains"),
    ("moyens_materiels", "les moyens matériels"),
    ("partenariats", "les partenariats"),
)

LIBELLES_COMPTEURS = {
    "etp": "le nombre d'ETP affectés à l'opération",
    "places": "le nombre de places d'accompagnement",
    "dsp": "le nombre de DSP prévues",
    "participants": "le nombre de participants",
    "postes_insertion": "le nombre de postes en insertion",
}


def controler_completude(demande: object) -> list[str]:
    """Ce qui manque pour déposer ou valider, en phrases françaises (liste vide : dossier complet)."""
    from aap.demandes.services import plan_de  # import tardif : services dépend de ce module

    manques: list[str] = []
    fiche = demande.dispositif.fiche
    if fiche is None:
        return ["Ce dispositif n'a pas de fiche détaillée : le dépôt en ligne n'est pas possible."]

    textes = [libelle for champ, libelle in TEXTES_REQUIS if not (getattr(demande, champ) or "").strip()]
    if textes:
        manques.append("Complétez " + ", ".join(textes) + ".")
    inconnues = set(demande.priorites_transversales or []) - set(PrioriteTransversale.values)
    if inconnues:
        manques.append("Les priorités transversales indiquées ne sont pas reconnues.")

    if not demande.date_debut or not demande.date_fin:
        manques.append("Indiquez les dates de début et de fin de l'opération.")
    elif demande.date_fin < demande.date_debut:
        manques.append("La date de fin de l'opération précède sa date de début.")
    elif fiche.convention.duree_est_maximum and demande.mois_operation > fiche.convention.duree_max_mois:
        manques.append(
            f"L'opération dure {demande.mois_operation} mois : la convention de ce dispositif est de "
            f"{fiche.convention.duree_max_mois} mois au plus."
        )

    territoires = list(demande.territoires.all())
    if not territoires:
        manques.append("Choisissez au moins un territoire concerné.")
    else:
        eligibles = set(territoires_eligibles(demande.dispositif).values_list("pk", flat=True))
        hors = [t.nom for t in territoires if t.pk not in eligibles]
        if hors:
            manques.append(f"Territoire(s) hors du périmètre du dispositif : {', '.join(hors)}.")

    compteurs = [LIBELLES_COMPTEURS[str(c)] for c in fiche.compteurs if not getattr(demande, str(c))]
    if compteurs:
        manques.append("Indiquez " + ", ".join(compteurs) + ".")

    if fiche.porteurs.label_referent_62 and not demande.structure.label_referent_62:
        manques.append("Ce dispositif est réservé aux structures labellisées Référent 62 (ou en moratoire).")

    plan = plan_de(demande)
    hors_convention = sorted({a.annee for a in plan.annees} - set(demande.annees))
    if hors_convention and demande.annees:
        manques.append(
            "Le plan de financement comporte des lignes hors des années de l'opération : "
            + ", ".join(str(a) for a in hors_convention)
            + "."
        )
    manques += plan.messages
    return manques
