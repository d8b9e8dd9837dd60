"""Rendu PDF (WeasyPrint) : format A4, polices DejaVu, texte extractible (pypdf)."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from pypdf import PdfReader

from aap.demandes import recepisse
from aap.demandes.choix import StatutDemande
from aap.documents.pdf import base_url, render_pdf
from tests.demandes.factories import DemandeFactory
from tests.factories import UserFactory


def lire(pdf: bytes) -> PdfReader:
    assert pdf.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(pdf))


def test_a4_et_polices_dejavu():
    reader = lire(render_pdf("documents/base.html", {}))
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)  # A4 en points
    polices = {str(f.get_object()["/BaseFont"]) for f in page["/Resources"]["/Font"].values()}
    assert polices and all("DejaVu" in p for p in polices)
    assert "Département du Pas-de-Calais" in page.extract_text()


def test_le_recepisse_contient_la_reference_et_les_montants():
    signataire = UserFactory(first_name="Aline", last_name="Dufour")
    demande = DemandeFactory(
        budget=True,
        statut=StatutDemande.VALIDEE,
        validee_par=signataire,
        validee_le=datetime.datetime(2026, 2, 15, 22, 30, tzinfo=datetime.UTC),
    )
    demande.cout_total, demande.montant_demande = Decimal("35640164.90"), Decimal("14256065.96")
    texte = "\n".join(
        p.extract_text() for p in lire(render_pdf("documents/recepisse.html", recepisse.contexte(demande))).pages
    )
    texte = texte.replace("\u00a0", " ")
    assert demande.reference in texte
    assert demande.structure.siret in texte
    assert "15/02/2026 à 23:30" in texte  # 22:30 UTC = 23:30 à Paris
    assert "14 256 065,96 €" in texte
    assert "Je soussigné(e) Aline Dufour" in texte
    assert "Page 1 sur 1" in texte


def test_base_url_pointe_sur_les_fichiers_statiques():
    assert base_url().endswith("/aap/static/")
