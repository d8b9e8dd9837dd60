"""Liste des entrées et sorties de participants pour le comité de suivi : chaque structure l'envoie à la MDS
8 jours avant le comité. La période est au choix de l'utilisateur ; `periode_avant_comite` en propose une.

Une ligne par orientation de la structure entrée (date d'orientation) ou sortie (date de sortie) dans la
période, en une requête annotée (premier rendez-vous honoré, premier contrat signé, sortie). La portée est celle
de l'appelant : la vue passe une structure déjà prise dans `for_user`.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

from django.db.models import Min, Q
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from aap.catalogue.models import Dispositif
from aap.parcours import choices as c
from aap.parcours import models as m
from aap.parcours import rules
from aap.structures.models import Structure


#: Délai d'envoi de la liste avant le comité (fiches 2026 : « 8 jours avant le comité de suivi »).
JOURS_AVANT_COMITE = 8


@dataclass(frozen=True)
class LigneComite:
    orientation_id: int
    nom: str
    prenom: str
    date_naissance: datetime.date | None
    categorie: str
    dispositif: str
    parcours: str
    date_orientation: datetime.date
    premier_rdv: datetime.date | None
    ce_signe_le: datetime.date | None
    date_sortie: datetime.date | None
    type_sortie: str

    @property
    def mouvement(self) -> str:
        return "Sortie" if self.date_sortie else "Entrée"


COLONNES = [
    ("nom", "Nom"),
    ("prenom", "Prénom"),
    ("date_naissance", "Date de naissance"),
    ("categorie", "Catégorie de public"),
    ("dispositif", "Dispositif"),
    ("parcours", "Parcours"),
    ("date_orientation", "Date d'orientation"),
    ("premier_rdv", "Premier rendez-vous"),
    ("ce_signe_le", "CE signé le"),
    ("date_sortie", "Date de sortie"),
    ("type_sortie", "Type de sortie"),
]
COLONNES_DATE = {"date_naissance", "date_orientation", "premier_rdv", "ce_signe_le", "date_sortie"}
FORMAT_DATE = "DD/MM/YYYY"


def periode_avant_comite(
    date_comite: datetime.date, comite_precedent: datetime.date | None = None
) -> tuple[datetime.date, datetime.date]:
    """Période proposée pour la liste d'un comité : elle s'arrête le jour de l'envoi (8 jours avant le comité) et
    commence le lendemain de l'envoi du comité précédent ; sans comité précédent connu, trois mois (comités
    trimestriels des fiches)."""
    fin = date_comite - datetime.timedelta(days=JOURS_AVANT_COMITE)
    if comite_precedent is not None:
        debut = comite_precedent - datetime.timedelta(days=JOURS_AVANT_COMITE - 1)
    else:
        debut = rules.ajouter_mois(fin, -3) + datetime.timedelta(days=1)
    return min(debut, fin), fin


def entrees_sorties(
    structure: Structure,
    debut: datetime.date,
    fin: datetime.date,
    dispositif: Dispositif | None = None,
) -> list[LigneComite]:
    """Orientations de la structure entrées ou sorties dans `[debut, fin]`, par date d'orientation puis nom."""
    orientations = m.Orientation.objects.filter(structure=structure).filter(
        Q(date_orientation__range=(debut, fin)) | Q(sortie__date_sortie__range=(debut, fin))
    )
    if dispositif is not None:
        orientations = orientations.filter(dispositif=dispositif)
    orientations = (
        orientations.select_related("personne", "dispositif", "sortie")
        .annotate(
            premier_rdv=Min("rendez_vous__debut", filter=Q(rendez_vous__presence=c.Presence.HONORE)),
            ce_signe_le=Min("contrats__date_signature"),
        )
        .order_by("date_orientation", "personne__nom", "personne__prenom", "pk")
    )
    categories = dict(c.CategoriePublic.choices)
    types = dict(c.TypeSortie.choices)
    libelles: dict[tuple[int, str], str] = {}
    lignes = []
    for o in orientations:
        cle = (o.dispositif_id, o.parcours)
        if cle not in libelles:
            libelles[cle] = rules.libelle_parcours(o.dispositif, o.parcours)
        sortie = getattr(o, "sortie", None)
        lignes.append(
            LigneComite(
                orientation_id=o.pk,
                nom=o.personne.nom,
                prenom=o.personne.prenom,
                date_naissance=o.personne.date_naissance,
                categorie=categories.get(o.personne.categorie, o.personne.categorie),
                dispositif=o.dispositif.code,
                parcours=libelles[cle],
                date_orientation=o.date_orientation,
                premier_rdv=rules.jour_paris(o.premier_rdv) if o.premier_rdv else None,
                ce_signe_le=o.ce_signe_le,
                date_sortie=sortie.date_sortie if sortie and sortie.date_sortie <= fin else None,
                type_sortie=types.get(sortie.type, sortie.type) if sortie and sortie.date_sortie <= fin else "",
            )
        )
    return lignes


def xlsx_entrees_sorties(
    structure: Structure,
    debut: datetime.date,
    fin: datetime.date,
    dispositif: Dispositif | None = None,
) -> bytes:
    """Le classeur de la liste : titre, en-têtes en gras, dates en dates (JJ/MM/AAAA), volets figés, totaux."""
    lignes = entrees_sorties(structure, debut, fin, dispositif)
    classeur = Workbook()
    feuille = classeur.active
    feuille.title = "Entrées et sorties"
    titre = f"{structure.raison_sociale} – entrées et sorties du {debut:%d/%m/%Y} au {fin:%d/%m/%Y}"
    if dispositif is not None:
        titre += f" – dispositif {dispositif.code}"
    feuille.append([titre])
    feuille["A1"].font = Font(bold=True, size=12)
    feuille.append([])
    feuille.append([libelle for _, libelle in COLONNES])
    for cellule in feuille[3]:
        cellule.font = Font(bold=True)
    for ligne in lignes:
        feuille.append([getattr(ligne, cle) for cle, _ in COLONNES])
    entrees = sum(1 for ligne in lignes if debut <= ligne.date_orientation <= fin)
    sorties = sum(1 for ligne in lignes if ligne.date_sortie)
    feuille.append([])
    feuille.append(["Entrées", entrees])
    feuille.append(["Sorties", sorties])
    for rang in (feuille.max_row - 1, feuille.max_row):
        feuille.cell(rang, 1).font = Font(bold=True)
    for index, (cle, libelle) in enumerate(COLONNES, start=1):
        if cle in COLONNES_DATE:
            for rang in range(4, 4 + len(lignes)):
                feuille.cell(rang, index).number_format = FORMAT_DATE
        largeur = max([len(libelle), *(len(str(getattr(ligne, cle) or "")) for ligne in lignes)]) + 2
        feuille.column_dimensions[get_column_letter(index)].width = min(max(largeur, 12), 60)
    feuille.freeze_panes = "A4"
    sortie = io.BytesIO()
    classeur.save(sortie)
    return sortie.getvalue()
