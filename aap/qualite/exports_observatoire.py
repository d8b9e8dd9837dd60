"""Export XLSX de l'observatoire : une feuille par tableau de la page (synthèse, délais, places, sorties par
famille, sorties par type, entretiens par mode, évolution mensuelle) et une feuille « Paramètres » (période,
axe, filtres, définitions). Style de la maison (aap/versements/exports.py) : en-têtes en gras, nombres en
nombres, ligne de total en gras, volets figés. Les groupes sous le secret statistique valent « secret »."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from aap.catalogue.models import Dispositif
from aap.core.models import Territoire
from aap.parcours import choices as c
from aap.qualite.observatoire import Axe, Ligne, Observatoire, phrase_bilan
from aap.structures.models import Structure


FORMAT_DATE = "DD/MM/YYYY"
FORMAT_ENTIER = "#,##0"
FORMAT_DECIMAL = "#,##0.0"
SECRET = "secret"

Colonne = tuple[str, Callable[[Ligne], Any]]


def _feuille(classeur: Workbook, titre: str, entetes: Sequence[str], lignes: list[list[Any]], total: list | None):
    feuille = classeur.create_sheet(titre[:31])
    feuille.append(list(entetes))
    for cellule in feuille[1]:
        cellule.font = Font(bold=True)
    for valeurs in lignes:
        feuille.append(valeurs)
    if total is not None:
        feuille.append(total)
        for cellule in feuille[feuille.max_row]:
            cellule.font = Font(bold=True)
    for ligne in feuille.iter_rows(min_row=2):
        for cellule in ligne:
            if isinstance(cellule.value, int):
                cellule.number_format = FORMAT_ENTIER
            elif cellule.value is not None and not isinstance(cellule.value, str):
                cellule.number_format = FORMAT_DECIMAL
    for index, titre_colonne in enumerate(entetes, start=1):
        largeur = max([len(str(titre_colonne)), *(len(str(v[index - 1] or "")) for v in lignes)]) + 2
        feuille.column_dimensions[get_column_letter(index)].width = min(largeur, 60)
    feuille.freeze_panes = "B2"
    return feuille


def _tableau(classeur: Workbook, obs: Observatoire, titre: str, colonnes: Sequence[Colonne]) -> None:
    axe = Axe(obs.filtres.axe).label

    def ligne(li: Ligne) -> list[Any]:
        return [li.libelle, *(SECRET if li.masquee else fonction(li) for _, fonction in colonnes)]

    _feuille(
        classeur,
        titre,
        [axe, *(nom for nom, _ in colonnes)],
        [ligne(li) for li in obs.lignes],
        ligne(obs.total),
    )


def _parametres(classeur: Workbook, obs: Observatoire) -> None:
    f = obs.filtres
    feuille = classeur.active
    feuille.title = "Paramètres"
    lignes = [
        ("Observatoire des parcours", ""),
        ("Du", f.debut),
        ("Au (inclus)", f.fin),
        ("Détaillé par", Axe(f.axe).label),
        ("Dispositif", str(Dispositif.objects.get(pk=f.dispositif_id)) if f.dispositif_id else "Tous"),
        ("Territoire", str(Territoire.objects.get(pk=f.territoire_id)) if f.territoire_id else "Tous"),
        ("Structure", str(Structure.objects.get(pk=f.structure_id)) if f.structure_id else "Toutes"),
        ("Bilan", "" if obs.total.masquee else phrase_bilan(obs.total, f.fin).replace("\u00a0", " ")),
        ("Secret statistique", f"groupes de moins de {obs.seuil} personnes non détaillés hors DPID (« {SECRET} »)"),
        ("Définitions", "docs/observatoire.md"),
    ]
    for libelle, valeur in lignes:
        feuille.append([libelle, valeur])
    feuille["A1"].font = Font(bold=True, size=13)
    for rang in (2, 3):
        feuille.cell(rang, 2).number_format = FORMAT_DATE
    feuille.column_dimensions["A"].width = 22
    feuille.column_dimensions["B"].width = 110


def classeur(obs: Observatoire) -> bytes:
    wb = Workbook()
    _parametres(wb, obs)
    _tableau(
        wb,
        obs,
        "Synthèse",
        [
            ("Orientations", lambda li: li.orientations),
            ("Bénéficiaires accompagnés", lambda li: li.personnes),
            (f"En cours au {obs.filtres.fin:%d/%m/%Y}", lambda li: li.en_cours),
            ("Sorties", lambda li: li.sorties),
            ("dont sorties dynamiques", lambda li: li.sorties_dynamiques),
            ("Part des sorties dynamiques (%)", lambda li: li.part_dynamiques),
            ("Entretiens honorés", lambda li: li.entretiens),
        ],
    )
    _tableau(
        wb,
        obs,
        "Délais",
        [
            ("1er rendez-vous : médiane (jours)", lambda li: li.delai_rdv.mediane),
            ("1er rendez-vous : orientations mesurées", lambda li: li.delai_rdv.mesures),
            ("1er rendez-vous : dans la cible", lambda li: li.delai_rdv.dans_cible),
            ("1er rendez-vous : délai échu", lambda li: li.delai_rdv.population),
            ("1er rendez-vous : part dans la cible (%)", lambda li: li.delai_rdv.part),
            ("Signature du CE : médiane (jours)", lambda li: li.delai_ce.mediane),
            ("Signature du CE : orientations mesurées", lambda li: li.delai_ce.mesures),
            ("Signature du CE : dans la cible", lambda li: li.delai_ce.dans_cible),
            ("Signature du CE : délai échu", lambda li: li.delai_ce.population),
            ("Signature du CE : part dans la cible (%)", lambda li: li.delai_ce.part),
        ],
    )
    _tableau(
        wb,
        obs,
        "Places",
        [
            ("Places conventionnées", lambda li: li.places),
            ("Places occupées", lambda li: li.places_occupees),
            ("Taux d'occupation (%)", lambda li: li.taux_occupation),
        ],
    )
    _tableau(
        wb,
        obs,
        "Sorties par famille",
        [(famille.label, lambda li, f=famille: li.sorties_par_famille.get(f, 0)) for famille in c.FamilleSortie]
        + [("Total", lambda li: li.sorties)],
    )
    _tableau(
        wb,
        obs,
        "Entretiens par mode",
        [(libelle, lambda li, m=mode: li.entretiens_par_mode.get(m, 0)) for mode, libelle in c.ModeRendezVous.choices]
        + [("Total", lambda li: li.entretiens)],
    )
    _feuille(
        wb,
        "Sorties par type",
        ["Type de sortie", "Famille", "Sorties"],
        [list(ligne) for ligne in obs.sorties_par_type],
        ["Total", "", sum(n for _, _, n in obs.sorties_par_type)],
    )
    _feuille(
        wb,
        "Évolution mensuelle",
        ["Mois", "Orientations", "Sorties", "Entretiens honorés"],
        [[f"{m.mois:%m/%Y}", m.orientations, m.sorties, m.entretiens] for m in obs.mois],
        None,
    )
    sortie = io.BytesIO()
    wb.save(sortie)
    return sortie.getvalue()
