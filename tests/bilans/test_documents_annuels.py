"""Documents annuels : dépôt par un membre (formats des données, redépôt qui remplace), examen par la DPID."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from aap.bilans.models import DocumentAnnuel, StatutDocumentAnnuel
from aap.bilans.rules import documents_annuels_en_retard
from aap.bilans.services_documents import (
    DocumentImpossible,
    accepter_document,
    deposer_document,
    refuser_document,
)
from aap.structures.fichiers import PDF, XLSX, contenu_de_test
from tests.bilans.outils import convention_signee


def _pdf(nom="rapport.pdf"):
    return SimpleUploadedFile(nom, contenu_de_test(PDF), content_type="application/pdf")


def _xlsx(nom="balance.xlsx"):
    return SimpleUploadedFile(nom, contenu_de_test(XLSX))


def test_depot_puis_redepot_remplace_le_fichier():
    convention, porteur = convention_signee()
    structure = convention.structure
    premier = deposer_document(structure, porteur, exercice=2026, code="rapport_activite", fichier=_pdf("v1.pdf"))
    second = deposer_document(structure, porteur, exercice=2026, code="rapport_activite", fichier=_pdf("v2.pdf"))
    assert premier.pk == second.pk and DocumentAnnuel.objects.count() == 1
    second.refresh_from_db()
    assert second.nom_original == "v2.pdf" and second.statut == StatutDocumentAnnuel.DEPOSE


def test_balance_generale_en_xlsx_seulement():
    convention, porteur = convention_signee()
    structure = convention.structure
    with pytest.raises(ValidationError, match="XLSX, XLS"):
        deposer_document(structure, porteur, exercice=2026, code="balance_generale", fichier=_pdf())
    document = deposer_document(structure, porteur, exercice=2026, code="balance_generale", fichier=_xlsx())
    assert document.fichier.name.endswith(".xlsx")
    with pytest.raises(ValidationError, match="PDF"):
        deposer_document(structure, porteur, exercice=2026, code="comptes_annuels", fichier=_xlsx())


def test_piece_non_due_ou_acteur_etranger(autre_porteur, instructeur):
    convention, porteur = convention_signee()
    structure = convention.structure
    with pytest.raises(DocumentImpossible):
        deposer_document(structure, porteur, exercice=2031, code="rapport_activite", fichier=_pdf())
    with pytest.raises(DocumentImpossible):
        deposer_document(structure, porteur, exercice=2026, code="inconnu", fichier=_pdf())
    for acteur in (autre_porteur, instructeur):
        with pytest.raises(PermissionDenied):
            deposer_document(structure, acteur, exercice=2026, code="rapport_activite", fichier=_pdf())


def test_refus_motive_rend_la_piece_due_accepte_n_est_plus_remplacable(instructeur, agent_finances):
    convention, porteur = convention_signee()
    structure = convention.structure
    document = deposer_document(structure, porteur, exercice=2026, code="rapport_activite", fichier=_pdf())
    apres = datetime.date(2027, 7, 1)
    assert "rapport_activite" not in {p.code for p in documents_annuels_en_retard(structure, apres)}
    with pytest.raises(PermissionDenied):
        refuser_document(document, agent_finances, "Illisible")
    with pytest.raises(ValidationError):
        refuser_document(document, instructeur, "")
    refuser_document(document, instructeur, "Rapport incomplet : manque la partie financière.")
    document.refresh_from_db()
    assert document.statut == StatutDocumentAnnuel.REFUSE
    assert "rapport_activite" in {p.code for p in documents_annuels_en_retard(structure, apres)}
    with pytest.raises(DocumentImpossible):
        accepter_document(document, instructeur)
    deposer_document(structure, porteur, exercice=2026, code="rapport_activite", fichier=_pdf("v2.pdf"))
    document.refresh_from_db()
    assert document.statut == StatutDocumentAnnuel.DEPOSE and document.motif == ""
    accepter_document(document, instructeur)
    with pytest.raises(DocumentImpossible, match="acceptée"):
        deposer_document(structure, porteur, exercice=2026, code="rapport_activite", fichier=_pdf("v3.pdf"))
