"""Rendu Word d'une convention et d'un avenant : relu par python-docx, converti en PDF par LibreOffice."""

from __future__ import annotations

import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from docx import Document

from aap.conventions.contexte import contexte_convention, differences
from aap.conventions.documents import rendre_avenant, rendre_convention
from aap.conventions.models import Avenant
from aap.structures.models import FormeJuridique
from tests.conventions.factories import fabriquer_convention
from tests.factories import StructureFactory, UserFactory


def texte(contenu: bytes) -> str:
    document = Document(io.BytesIO(contenu))
    morceaux = [p.text for p in document.paragraphs]
    for table in document.tables:
        for ligne in table.rows:
            morceaux.extend(cellule.text for cellule in ligne.cells)
    return "\n".join(morceaux)


@pytest.fixture
def convention():
    structure = StructureFactory(
        raison_sociale="Association Horizon & Partage",
        forme_juridique=FormeJuridique.ASSOCIATION,
        representant_civilite="Mme",
        representant_prenom="Claire",
        representant_nom="Martin",
        representant_fonction="Présidente",
        iban="FR7630001007941234567890185",
        bic="BDFEFRPPCCT",
    )
    return fabriquer_convention(structure=structure, montants=[Decimal("10000.01"), Decimal("2500.50")])


def test_contexte_accords_et_montants(convention):
    contexte = contexte_convention(convention)
    assert contexte["numero"] == convention.numero
    assert contexte["structure_nom"] == "Association Horizon & Partage"
    assert contexte["situe"] == "située"
    assert contexte["civilite"] == "Madame"
    assert contexte["habilite"] == "habilitée"
    assert contexte["designe"] == "désignée"
    assert contexte["le_president"] == "La Présidente"
    assert contexte["representant_nom"] == "MARTIN"
    assert contexte["montant"] == "12\u00a0500,51\u00a0€"
    assert contexte["montant_lettres"] == "douze mille cinq cents euros et cinquante et un centimes"
    assert contexte["exemplaires"] == "trois"
    assert contexte["mail_gestionnaire"] == "dpid.conventions@pasdecalais.fr"
    assert [op["rang"] for op in contexte["operations"]] == [1, 2]
    premiere = contexte["operations"][0]
    assert [e["type"] for e in premiere["echeances"]] == ["Avance", "Acompte", "Solde"]
    assert premiere["echeances"][1]["taux"] == "au plus 50 %"
    assert [b["echeance"] for b in premiere["bilans"]] == ["31/03/2027", "31/03/2028"]
    assert premiere["indicateurs"][0]["nom"] == "Délai du 1er rendez-vous"


def test_accords_au_masculin_et_forme_inconnue():
    structure = StructureFactory(forme_juridique=FormeJuridique.CCAS, representant_civilite="M.")
    contexte = contexte_convention(fabriquer_convention(structure=structure))
    assert (contexte["situe"], contexte["civilite"], contexte["habilite"], contexte["le_president"]) == (
        "situé",
        "Monsieur",
        "habilité",
        "Le Président",
    )
    structure = StructureFactory(forme_juridique=FormeJuridique.AUTRE)
    assert contexte_convention(fabriquer_convention(structure=structure))["situe"] == "situé(e)"


def test_convention_relue_par_python_docx(convention):
    contenu = texte(rendre_convention(convention))
    assert f"CONVENTION N° {convention.numero}" in contenu
    assert "Association Horizon & Partage" in contenu  # échappé en XML, restitué tel quel
    assert "douze mille cinq cents euros et cinquante et un centimes" in contenu
    assert "Fait en trois exemplaires originaux." in contenu
    assert "FR7630001007941234567890185" in contenu
    for operation in convention.operations.all():
        assert f"ANNEXE N° {operation.rang + 1} – Association Horizon & Partage" in contenu
        assert operation.intitule in contenu
    assert "{{" not in contenu and "{%" not in contenu


def test_avenant_montre_le_diff():
    convention = fabriquer_convention(montants=[Decimal("40000.00")])
    avenant = Avenant.objects.create(
        convention=convention,
        numero=1,
        type="financier",
        motif="Hausse du nombre de jeunes accompagnés.",
        avant={"montant": "40000.00", "date_fin": "2027-12-31"},
        apres={"montant": "46000.00", "date_fin": "2027-12-31"},
        demande_par=UserFactory(),
    )
    contenu = texte(rendre_avenant(avenant))
    assert f"AVENANT N° 1 À LA CONVENTION N° {convention.numero}" in contenu
    assert "Montant maximal (article 4)" in contenu
    assert "40\u00a0000,00\u00a0€" in contenu and "46\u00a0000,00\u00a0€" in contenu
    assert "quarante-six mille euros" in contenu
    assert "Fin de la période" not in contenu  # inchangée : absente du tableau


def test_differences_aplatit_et_formate():
    operation = {"id": 7, "rang": 2, "intitule": "Parcours", "montant": "10.00", "date_fin": "2026-12-31"}
    lignes = differences(
        {"version": 1, "montant": "10.00", "operations": [operation]},
        {
            "version": 2,
            "montant": "12.50",
            "operations": [{**operation, "montant": "12.50", "date_fin": "2027-06-30"}],
        },
    )
    assert lignes == [
        {"champ": "Version de la convention", "avant": "1", "apres": "2"},
        {"champ": "Montant maximal (article 4)", "avant": "10,00\u00a0€", "apres": "12,50\u00a0€"},
        {"champ": "Opération n° 2 (Parcours) : montant", "avant": "10,00\u00a0€", "apres": "12,50\u00a0€"},
        {"champ": "Opération n° 2 (Parcours) : fin (incluse)", "avant": "31/12/2026", "apres": "30/06/2027"},
    ]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice absent")
def test_libreoffice_convertit_la_convention_en_pdf(convention, tmp_path):
    docx = tmp_path / "convention.docx"
    docx.write_bytes(rendre_convention(convention))
    resultat = subprocess.run(  # noqa: S603 - arguments fixes
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'profil').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(docx),
        ],
        capture_output=True,
        timeout=180,
        check=False,
    )
    assert resultat.returncode == 0, resultat.stderr
    pdf = tmp_path / "convention.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")


def test_champs_documentes_alignes_sur_le_contexte(convention):
    from aap.conventions.champs import champs_disponibles, contexte_exemple

    contexte = contexte_convention(convention)
    assert set(contexte) == {c.nom for c in champs_disponibles("convention")}
    exemple = contexte_exemple("convention")
    assert set(contexte["operations"][0]) == set(exemple["operations"][0])
    for cle in ("engagements", "echeances", "bilans", "indicateurs"):
        assert set(contexte["operations"][0][cle][0]) == set(exemple["operations"][0][cle][0]), cle
    avenant = Avenant.objects.create(
        convention=convention,
        numero=1,
        type="periode",
        motif="Report",
        avant={"date_fin": "2027-12-31"},
        apres={"date_fin": "2028-06-30"},
        demande_par=UserFactory(),
    )
    from aap.conventions.contexte import contexte_avenant

    assert set(contexte_avenant(avenant)) == {c.nom for c in champs_disponibles("avenant")}
