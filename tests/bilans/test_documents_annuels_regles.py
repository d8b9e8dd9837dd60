"""Documents annuels dus par une structure conventionnée : exercices, pièces selon le CAC, date limite."""

from __future__ import annotations

import datetime

from aap.bilans.models import DocumentAnnuel, StatutDocumentAnnuel
from aap.bilans.rules import documents_annuels_en_retard, exercices_concernes, pieces_dues
from tests.conventions.factories import fabriquer_convention
from tests.factories import StructureFactory, UserFactory


def test_exercices_et_pieces_d_une_structure_sans_cac():
    structure = StructureFactory(soumise_cac=False, mois_cloture_exercice=12)
    fabriquer_convention(structure=structure, statut="signee")  # du 01/01/2026 au 31/12/2027
    assert exercices_concernes(structure) == [2026, 2027]
    dues = pieces_dues(structure)
    assert {p.code for p in dues} == {"rapport_activite", "comptes_annuels", "tableau_missions", "balance_generale"}
    assert {p.echeance for p in dues if p.exercice == 2026} == {datetime.date(2027, 6, 30)}


def test_exercice_decale_et_cac():
    structure = StructureFactory(soumise_cac=True, mois_cloture_exercice=6)
    fabriquer_convention(structure=structure, statut="signee")
    # exercices clos le 30/06/2026, 30/06/2027 et 30/06/2028 chevauchent 2026-2027
    assert exercices_concernes(structure) == [2026, 2027, 2028]
    assert "rapport_cac" in {p.code for p in pieces_dues(structure)}
    assert {p.echeance for p in pieces_dues(structure) if p.exercice == 2026} == {datetime.date(2026, 12, 31)}


def test_retard_apres_la_date_limite_seulement_et_refus_compte_comme_absent():
    structure = StructureFactory(soumise_cac=False)
    fabriquer_convention(structure=structure, statut="signee")
    assert documents_annuels_en_retard(structure, datetime.date(2027, 6, 30)) == []
    assert len(documents_annuels_en_retard(structure, datetime.date(2027, 7, 1))) == 4
    for code, statut in (("rapport_activite", StatutDocumentAnnuel.DEPOSE), ("comptes_annuels", "refuse")):
        DocumentAnnuel.objects.create(
            structure=structure,
            exercice=2026,
            code=code,
            fichier="bilans/annuels/x.pdf",
            nom_original="x.pdf",
            statut=statut,
            depose_par=UserFactory(),
        )
    retard = {p.code for p in documents_annuels_en_retard(structure, datetime.date(2027, 7, 1))}
    assert retard == {"comptes_annuels", "tableau_missions", "balance_generale"}


def test_une_convention_non_signee_n_oblige_a_rien():
    structure = StructureFactory()
    fabriquer_convention(structure=structure, statut="generee")
    assert pieces_dues(structure) == []
