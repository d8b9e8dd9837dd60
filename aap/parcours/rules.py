"""Règles des parcours : fonctions pures et typées, sans écriture en base.

Tous les seuils viennent de la fiche du dispositif (`Dispositif.fiche.parcours`, une `RegleParcours` par code de
parcours) ; rien n'est écrit ici en dur. Les contrôles « durs » lèvent `ValidationError` (message en français) ;
les contrôles de qualité du contrat rendent une liste d'avertissements que l'interface affiche sans bloquer.

Conventions (docs/charte-qualite.md) : « dans les N jours » = jour de l'événement − date d'orientation ≤ N ; le
jour d'un rendez-vous est sa date en heure de Paris ; un contrat « court » jusqu'à sa clôture s'il est clos ou
rompu, sinon jusqu'à sa fin prévue.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from aap.catalogue.models import Dispositif
from aap.catalogue.schema_parcours import RegleParcours
from aap.conventions.regles import ajouter_mois
from aap.parcours import choices as c


PARIS = zoneinfo.ZoneInfo("Europe/Paris")

#: Code du parcours « phase d'accueil (DSP) » de la fiche 5.1 : c'est un nom de parcours (comme un code de
#: fiche), pas un seuil ; la phase DSP n'a ni contrat ni rythme d'entretiens.
PARCOURS_DSP = "accueil_dsp"

#: Bornes physiques d'une semaine d'activité (validateurs du modèle `HeuresActivite`).
HEURES_MIN = Decimal(0)
HEURES_MAX = Decimal(80)


# --- Règles de la fiche -------------------------------------------------------------------------------------


def regles_parcours(dispositif: Dispositif) -> list[RegleParcours]:
    """Les parcours de la fiche du dispositif (liste vide si la fiche n'en définit pas)."""
    fiche = dispositif.fiche
    return list(fiche.parcours) if fiche is not None else []


def regle_parcours(dispositif: Dispositif, code: str) -> RegleParcours:
    """La règle du parcours `code` de la fiche du dispositif ; ValueError si la fiche ne le connaît pas."""
    for regle in regles_parcours(dispositif):
        if regle.code == code:
            return regle
    raise ValueError(f"Le dispositif {dispositif.code} ne prévoit pas de parcours « {code} ».")


def regle_de(orientation: Any) -> RegleParcours:
    """La règle du parcours d'une orientation."""
    return regle_parcours(orientation.dispositif, orientation.parcours)


def libelle_parcours(dispositif: Dispositif, code: str) -> str:
    try:
        return regle_parcours(dispositif, code).libelle
    except ValueError:
        return code


# --- Jours, semaines, mois ---------------------------------------------------------------------------------


def jour_paris(instant: datetime.datetime) -> datetime.date:
    """Le jour (heure de Paris) d'un instant ; un instant naïf est refusé."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("instant sans fuseau horaire")
    return instant.astimezone(PARIS).date()


def debut_jour_paris(jour: datetime.date) -> datetime.datetime:
    """Minuit (heure de Paris) du `jour`, comme instant aware : borne des requêtes par jour de Paris."""
    return datetime.datetime.combine(jour, datetime.time.min, tzinfo=PARIS)


def lundi(jour: datetime.date) -> datetime.date:
    """Le lundi de la semaine (ISO) de `jour`."""
    return jour - datetime.timedelta(days=jour.weekday())


def premier_du_mois(jour: datetime.date) -> datetime.date:
    return jour.replace(day=1)


def dernier_du_mois(jour: datetime.date) -> datetime.date:
    return ajouter_mois(premier_du_mois(jour), 1) - datetime.timedelta(days=1)


def mois_precedent(le: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Premier et dernier jour du mois civil qui précède celui de `le`."""
    fin = premier_du_mois(le) - datetime.timedelta(days=1)
    return premier_du_mois(fin), fin


# --- Délais depuis l'orientation ---------------------------------------------------------------------------


def _plus_jours(jour: datetime.date, jours: int | None) -> datetime.date | None:
    return None if jours is None else jour + datetime.timedelta(days=jours)


def date_limite_premier_rdv(orientation: Any) -> datetime.date | None:
    """Dernier jour pour le premier rendez-vous (date d'orientation + délai de la fiche, jour inclus), ou None
    si le parcours ne fixe pas de délai."""
    return _plus_jours(orientation.date_orientation, regle_de(orientation).delai_premier_rdv_jours)


def date_limite_signature_ce(orientation: Any) -> datetime.date | None:
    """Dernier jour pour signer le contrat d'engagement (date d'orientation + délai de la fiche), ou None."""
    return _plus_jours(orientation.date_orientation, regle_de(orientation).delai_signature_ce_jours)


def dans_le_delai(date_orientation: datetime.date, jour: datetime.date, delai_jours: int) -> bool:
    """« Dans les N jours » : jour − date d'orientation ≤ N (jour N inclus, N + 1 exclu), jamais avant."""
    return date_orientation <= jour <= date_orientation + datetime.timedelta(days=delai_jours)


def premier_rdv_dans_delai(orientation: Any, debut: datetime.datetime) -> bool | None:
    """Un rendez-vous à l'instant `debut` respecte-t-il le délai du premier rendez-vous ? None : pas de délai."""
    delai = regle_de(orientation).delai_premier_rdv_jours
    if delai is None:
        return None
    return dans_le_delai(orientation.date_orientation, jour_paris(debut), delai)


# --- Contrat d'engagement ----------------------------------------------------------------------------------


def fin_de_contrat(date_debut: datetime.date, regle: RegleParcours) -> datetime.date:
    """Fin prévue d'un contrat : début + durée de la fiche (mois) − 1 jour (un CE du 02/03 de 6 mois finit le
    01/09). ValueError si le parcours ne prévoit pas de contrat."""
    if regle.duree_ce_mois is None:
        raise ValueError(f"Le parcours « {regle.libelle} » ne prévoit pas de contrat d'engagement.")
    return ajouter_mois(date_debut, regle.duree_ce_mois) - datetime.timedelta(days=1)


def terme_contrat(contrat: Any) -> datetime.date:
    """Dernier jour d'un contrat : sa clôture s'il est clos ou rompu, sinon sa fin prévue."""
    if contrat.statut in (c.StatutContrat.CLOS, c.StatutContrat.ROMPU) and contrat.date_cloture:
        return contrat.date_cloture
    return contrat.date_fin


def limite_duree_totale(premier_debut: datetime.date, regle: RegleParcours) -> datetime.date | None:
    """Dernier jour autorisé des contrats successifs d'un parcours (début du premier + durée totale maximale
    − 1 jour), ou None sans limite."""
    if regle.duree_totale_max_mois is None:
        return None
    return ajouter_mois(premier_debut, regle.duree_totale_max_mois) - datetime.timedelta(days=1)


def _valeur(action: Mapping[str, Any] | Any, cle: str) -> Any:
    return action.get(cle) if isinstance(action, Mapping) else getattr(action, cle, None)


def problemes_contrat(
    regle: RegleParcours,
    *,
    date_debut: datetime.date,
    date_fin: datetime.date,
    actions: Sequence[Mapping[str, Any] | Any],
    heures_hebdo_prevues: Decimal | int | str | None = None,
    date_signature: datetime.date | None = None,
    date_orientation: datetime.date | None = None,
) -> list[str]:
    """Avertissements sur le contenu d'un contrat (la signature reste possible) : nombre d'actions, actions
    d'insertion professionnelle, une action couvrant tout le contrat, détail renseigné, heures du SIA dans la
    fourchette de la fiche, signature dans le délai. `actions` : dictionnaires ou `ActionContrat`."""
    problemes: list[str] = []
    if regle.actions_ce_min is not None and len(actions) < regle.actions_ce_min:
        problemes.append(
            f"Le contrat comporte {len(actions)} action(s) ; la fiche en demande au moins {regle.actions_ce_min}."
        )
    if regle.actions_insertion_pro_min is not None:
        pro = sum(1 for a in actions if _valeur(a, "categorie") == c.CategorieAction.INSERTION_PRO)
        if pro < regle.actions_insertion_pro_min:
            problemes.append(
                f"{pro} action(s) d'insertion professionnelle ; la fiche en demande au moins "
                f"{regle.actions_insertion_pro_min}."
            )
    if actions and not any(
        _valeur(a, "date_debut") is not None
        and _valeur(a, "date_fin") is not None
        and _valeur(a, "date_debut") <= date_debut
        and _valeur(a, "date_fin") >= date_fin
        for a in actions
    ):
        problemes.append(f"Aucune action ne couvre tout le contrat (du {date_debut:%d/%m/%Y} au {date_fin:%d/%m/%Y}).")
    sans_detail = [str(_valeur(a, "libelle") or "sans libellé") for a in actions if not _texte(_valeur(a, "detail"))]
    if sans_detail:
        problemes.append("Détail non renseigné pour : " + ", ".join(sans_detail) + ".")
    hors_contrat = [
        str(_valeur(a, "libelle"))
        for a in actions
        if _valeur(a, "date_debut")
        and _valeur(a, "date_fin")
        and (_valeur(a, "date_fin") < date_debut or _valeur(a, "date_debut") > date_fin)
    ]
    if hors_contrat:
        problemes.append("Action(s) entièrement hors de la durée du contrat : " + ", ".join(hors_contrat) + ".")
    problemes.extend(problemes_heures(regle, heures_hebdo_prevues))
    if date_signature and date_orientation and regle.delai_signature_ce_jours is not None:
        if not dans_le_delai(date_orientation, date_signature, regle.delai_signature_ce_jours):
            limite = date_orientation + datetime.timedelta(days=regle.delai_signature_ce_jours)
            problemes.append(
                f"Contrat signé après le délai de {regle.delai_signature_ce_jours} jours suivant l'orientation "
                f"(date limite : {limite:%d/%m/%Y})."
            )
    return problemes


def problemes_heures(regle: RegleParcours, heures: Decimal | int | str | None) -> list[str]:
    """Avertissements sur les heures hebdomadaires prévues au SIA, au regard de la fourchette de la fiche."""
    if regle.heures_hebdo_min is None and regle.heures_hebdo_max is None:
        return []
    if heures is None or heures == "":
        return ["Heures d'activité hebdomadaires (SIA) non renseignées."]
    valeur = Decimal(str(heures))
    if regle.heures_hebdo_min is not None and valeur < regle.heures_hebdo_min:
        return [f"{_h(valeur)} par semaine au SIA : la fiche en demande au moins {_h(regle.heures_hebdo_min)}."]
    if regle.heures_hebdo_max is not None and valeur > regle.heures_hebdo_max:
        return [f"{_h(valeur)} par semaine au SIA : la fiche en prévoit au plus {_h(regle.heures_hebdo_max)}."]
    return []


def problemes_du_contrat(contrat: Any) -> list[str]:
    """Avertissements sur un contrat enregistré (ses actions en base)."""
    orientation = contrat.orientation
    return problemes_contrat(
        regle_de(orientation),
        date_debut=contrat.date_debut,
        date_fin=contrat.date_fin,
        actions=list(contrat.actions.all()),
        heures_hebdo_prevues=contrat.heures_hebdo_prevues,
        date_signature=contrat.date_signature if contrat.rang == 1 else None,
        date_orientation=orientation.date_orientation,
    )


def _texte(valeur: Any) -> str:
    return str(valeur or "").strip()


def _h(valeur: Decimal) -> str:
    texte = f"{valeur.normalize():f}".replace(".", ",")
    return f"{texte} h"


# --- Contrôles durs -----------------------------------------------------------------------------------------


def heures_valides(heures: Decimal | int | float | str | None) -> Decimal:
    """Heures d'une semaine ou heures hebdomadaires prévues : un nombre de 0 à 80, au dixième ; sinon
    ValidationError."""
    try:
        valeur = Decimal(str(heures))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError("Le nombre d'heures doit être un nombre.") from exc
    if not valeur.is_finite() or valeur < HEURES_MIN or valeur > HEURES_MAX:
        raise ValidationError("Le nombre d'heures par semaine doit être compris entre 0 et 80.")
    if valeur != valeur.quantize(Decimal("0.1")):
        raise ValidationError("Le nombre d'heures se saisit au dixième d'heure près.")
    return valeur


def verifier_pas_apres(jour: datetime.date, le: datetime.date, quoi: str) -> None:
    if jour > le:
        raise ValidationError(f"{quoi} ne peut pas être dans le futur ({jour:%d/%m/%Y}).")


def verifier_pas_avant_orientation(jour: datetime.date, orientation: Any, quoi: str) -> None:
    if jour < orientation.date_orientation:
        raise ValidationError(
            f"{quoi} ({jour:%d/%m/%Y}) ne peut pas précéder l'orientation du {orientation.date_orientation:%d/%m/%Y}."
        )


def verifier_actions(actions: Iterable[Mapping[str, Any]]) -> None:
    """Chaque action a un libellé, une catégorie connue et des dates ordonnées."""
    categories = set(c.CategorieAction.values)
    for rang, action in enumerate(actions, start=1):
        if not _texte(action.get("libelle")):
            raise ValidationError(f"Action n° {rang} : le libellé est obligatoire.")
        if action.get("categorie") not in categories:
            raise ValidationError(f"Action n° {rang} : catégorie inconnue « {action.get('categorie')} ».")
        debut, fin = action.get("date_debut"), action.get("date_fin")
        if not isinstance(debut, datetime.date) or not isinstance(fin, datetime.date):
            raise ValidationError(f"Action n° {rang} : les dates de début et de fin sont obligatoires.")
        if fin < debut:
            raise ValidationError(f"Action n° {rang} : la fin ({fin:%d/%m/%Y}) précède le début ({debut:%d/%m/%Y}).")


def verifier_renouvellement(
    regle: RegleParcours,
    *,
    rang: int,
    precedent: Any | None,
    premier_debut: datetime.date | None,
    date_debut: datetime.date,
    date_fin: datetime.date,
) -> None:
    """Un contrat de rang ≥ 2 est un renouvellement : interdit si la fiche dit `renouvellement: non`, permis
    après la revue SLAI du contrat précédent si elle dit `apres_revue_slai` ; jamais au-delà de la durée totale
    maximale (du début du premier contrat à la fin du dernier) ; jamais avant le début du contrat précédent."""
    if rang < 2 or precedent is None:
        return
    if regle.renouvellement == "non":
        raise ValidationError(f"Le contrat d'engagement du parcours « {regle.libelle} » n'est pas renouvelable.")
    if regle.renouvellement == "apres_revue_slai" and precedent.revue_slai_le is None:
        raise ValidationError(
            "Le renouvellement exige la revue du contrat précédent par le SLAI : elle n'est pas enregistrée."
        )
    if date_debut <= precedent.date_debut:
        raise ValidationError(
            f"Le nouveau contrat doit commencer après le début du précédent ({precedent.date_debut:%d/%m/%Y})."
        )
    limite = limite_duree_totale(premier_debut or date_debut, regle)
    if limite is not None and date_fin > limite:
        raise ValidationError(
            f"Ce renouvellement dépasserait la durée totale de {regle.duree_totale_max_mois} mois du parcours "
            f"(fin au plus tard le {limite:%d/%m/%Y}, le contrat finirait le {date_fin:%d/%m/%Y})."
        )


def verifier_freins(freins: Iterable[str]) -> list[str]:
    connus = set(c.Frein.values)
    liste = list(dict.fromkeys(freins))
    inconnus = [f for f in liste if f not in connus]
    if inconnus:
        raise ValidationError(f"Frein(s) inconnu(s) : {', '.join(inconnus)}.")
    return liste
