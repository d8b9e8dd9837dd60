"""Liste des entrées et sorties pour le comité de suivi et son classeur XLSX."""

from __future__ import annotations

import datetime
import io

import pytest
from openpyxl import load_workbook

from aap.parcours import choices as c
from aap.parcours.comite import entrees_sorties, periode_avant_comite, xlsx_entrees_sorties
from tests.parcours.factories import (
    ContratFactory,
    OrientationFactory,
    RendezVousFactory,
    SortieFactory,
    a_paris,
    dispositif_a_parcours,
)
from tests.parcours.outils import orientation_chez, structure_du


pytestmark = pytest.mark.usefixtures("catalogue_2026")
J = datetime.date


@pytest.fixture
def parcours(referent):
    entree = orientation_chez(referent, date_orientation=J(2026, 3, 2), personne__nom="Bernard")
    RendezVousFactory(orientation=entree, debut=a_paris(J(2026, 3, 5)), presence=c.Presence.ABSENCE_INJUSTIFIEE)
    RendezVousFactory(orientation=entree, debut=a_paris(J(2026, 3, 9), 23, 30))
    ContratFactory(orientation=entree, date_signature=J(2026, 3, 20))
    ancienne = orientation_chez(referent, date_orientation=J(2025, 10, 1), personne__nom="Adam")
    SortieFactory(orientation=ancienne, date_sortie=J(2026, 3, 15), type=c.TypeSortie.CDI)
    hors_periode = orientation_chez(referent, date_orientation=J(2025, 10, 1), personne__nom="Zola")
    SortieFactory(orientation=hors_periode, date_sortie=J(2026, 5, 1), type=c.TypeSortie.AAH)
    orientation_chez(
        referent,
        date_orientation=J(2026, 3, 3),
        dispositif=dispositif_a_parcours("5.2"),
        parcours="accompagnement_social_professionnel_intensif",
        personne__nom="Claude",
    )
    OrientationFactory(date_orientation=J(2026, 3, 3))  # autre structure
    return entree, ancienne


def test_entrees_et_sorties_de_la_periode(referent, parcours):
    entree, ancienne = parcours
    lignes = entrees_sorties(structure_du(referent), J(2026, 3, 1), J(2026, 3, 31))
    assert [ligne.nom for ligne in lignes] == ["Adam", "Bernard", "Claude"]
    sortie, arrivee = lignes[0], lignes[1]
    assert (sortie.date_sortie, sortie.type_sortie, sortie.mouvement) == (J(2026, 3, 15), "CDI", "Sortie")
    assert arrivee.premier_rdv == J(2026, 3, 9)  # premier rendez-vous honoré, jour de Paris
    assert arrivee.ce_signe_le == J(2026, 3, 20)
    assert arrivee.parcours == "Remobilisation sociale intensive"
    assert arrivee.categorie == "Bénéficiaire du RSA"
    assert (arrivee.date_sortie, arrivee.mouvement) == (None, "Entrée")
    seulement_5_1 = entrees_sorties(
        structure_du(referent), J(2026, 3, 1), J(2026, 3, 31), dispositif_a_parcours("5.1")
    )
    assert [ligne.nom for ligne in seulement_5_1] == ["Adam", "Bernard"]


def test_classeur_xlsx(referent, parcours):
    contenu = xlsx_entrees_sorties(structure_du(referent), J(2026, 3, 1), J(2026, 3, 31))
    feuille = load_workbook(io.BytesIO(contenu)).active
    assert "entrées et sorties du 01/03/2026 au 31/03/2026" in feuille["A1"].value
    assert feuille["A3"].value == "Nom" and feuille["G3"].value == "Date d'orientation"
    assert [feuille.cell(r, 1).value for r in range(4, 7)] == ["Adam", "Bernard", "Claude"]
    assert feuille["G5"].value.date() == J(2026, 3, 2)
    assert feuille["G5"].number_format == "DD/MM/YYYY"
    assert [feuille.cell(r, 2).value for r in (8, 9)] == [2, 1]  # 2 entrées, 1 sortie


def test_periode_avant_comite():
    assert periode_avant_comite(J(2026, 6, 18)) == (J(2026, 3, 11), J(2026, 6, 10))
    assert periode_avant_comite(J(2026, 6, 18), J(2026, 3, 19)) == (J(2026, 3, 12), J(2026, 6, 10))
