"""Écriture des colonnes d'import depuis la base : un fichier relu par l'import donne les mêmes objets
(aller-retour vérifié par les tests) ; sert aussi de modèle de fichier."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from aap.parcours import models as m
from aap.parcours.imports import colonnes as col


def _date(jour) -> str:  # noqa: ANN001
    return f"{jour:%d/%m/%Y}" if jour else ""


def _nombre(valeur: Decimal | None) -> str:
    return "" if valeur is None else f"{valeur.normalize():f}".replace(".", ",")


def lignes_orientations(orientations: QuerySet[m.Orientation]) -> list[dict[str, str]]:
    return [
        {
            "reference": o.reference_externe,
            "nom": o.personne.nom,
            "prenom": o.personne.prenom,
            "date_naissance": _date(o.personne.date_naissance),
            "organisme": o.personne.organisme,
            "numero_allocataire": o.personne.numero_allocataire,
            "categorie": o.personne.categorie,
            "territoire": o.territoire.code,
            "siret": o.structure.siret,
            "dispositif": o.dispositif.code,
            "parcours": o.parcours,
            "date_orientation": _date(o.date_orientation),
        }
        for o in orientations.select_related("personne", "territoire", "structure", "dispositif")
    ]


def _base(orientation: m.Orientation, type_: str, reference: str = "") -> dict[str, str]:
    cle = (
        {"orientation": orientation.reference_externe}
        if orientation.reference_externe
        else {"orientation_id": str(orientation.pk)}
    )
    return {"type": type_, "reference": reference, **cle}


def lignes_evenements(orientation: m.Orientation) -> list[dict[str, str]]:
    """Les événements d'une orientation, dans l'ordre où l'import les applique."""
    lignes = []
    for r in orientation.rendez_vous.all():
        debut = timezone.localtime(r.debut)
        lignes.append(
            _base(orientation, "rendez_vous", r.reference_externe)
            | {"date": _date(debut), "heure": f"{debut:%H:%M}", "mode": r.mode, "presence": r.presence}
        )
    for contrat in orientation.contrats.order_by("rang"):
        lignes.append(
            _base(orientation, "contrat", contrat.reference_externe)
            | {
                "rang": str(contrat.rang),
                "date": _date(contrat.date_signature),
                "debut": _date(contrat.date_debut),
                "fin": _date(contrat.date_fin),
                "heures": _nombre(contrat.heures_hebdo_prevues),
                "statut": contrat.statut,
                "cloture": _date(contrat.date_cloture),
                "revue_slai": _date(contrat.revue_slai_le),
                "detail": contrat.observations,
            }
        )
        for action in contrat.actions.all():
            lignes.append(
                _base(orientation, "action")
                | {
                    "contrat": contrat.reference_externe,
                    "libelle": action.libelle,
                    "detail": action.detail,
                    "categorie": action.categorie,
                    "debut": _date(action.date_debut),
                    "fin": _date(action.date_fin),
                    "departemental": "oui" if action.dispositif_departemental else "non",
                }
            )
    for d in orientation.diagnostics.select_related("contrat").prefetch_related("freins"):
        lignes.append(
            _base(orientation, "diagnostic", d.reference_externe)
            | {
                "moment": d.moment,
                "date": _date(d.date),
                "freins": "|".join(sorted(f.frein for f in d.freins.all())),
                "contrat": d.contrat.reference_externe if d.contrat else "",
            }
        )
    for h in m.HeuresActivite.objects.filter(contrat__orientation=orientation).select_related("contrat"):
        lignes.append(
            _base(orientation, "heures")
            | {
                "contrat": h.contrat.reference_externe,
                "semaine": _date(h.semaine),
                "heures": _nombre(h.heures),
                "date": _date(h.saisie_le),
            }
        )
    for s in orientation.suspensions.select_related("rendez_vous"):
        lignes.append(
            _base(orientation, "suspension", s.reference_externe)
            | {
                "date": _date(s.date_demande),
                "motif": s.motif,
                "rendez_vous": s.rendez_vous.reference_externe if s.rendez_vous else "",
            }
        )
    for d in orientation.reorientations.all():
        lignes.append(
            _base(orientation, "reorientation", d.reference_externe)
            | {"date": _date(d.date_demande), "sphere": d.sphere_demandee, "argumentaire": d.argumentaire}
        )
    sortie = m.Sortie.objects.filter(orientation=orientation).first()
    if sortie is not None:
        lignes.append(_base(orientation, "sortie") | {"date": _date(sortie.date_sortie), "type_sortie": sortie.type})
    return lignes


def ecrire_csv(nature: str, lignes: Iterable[dict[str, str]], separateur: str = ";") -> str:
    sortie = io.StringIO()
    noms = col.noms(nature)
    ecrivain = csv.DictWriter(sortie, fieldnames=noms, delimiter=separateur, lineterminator="\r\n", restval="")
    ecrivain.writeheader()
    ecrivain.writerows(lignes)
    return sortie.getvalue()
