"""Documents de la CP relus : DOCX (python-docx), PDF (pdftotext) ; LibreOffice ouvre et convertit chaque DOCX
produit. Les chiffres relus sont ceux du dossier. L'annexe des financements (XLSX, PDF) : test_documents_annexe.py."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import docx
import pytest

from aap.commission.documents.common import chiffres, montant, normaliser
from aap.commission.dossier import construire_dossier
from aap.commission.generation import generer_documents
from aap.commission.models import Presence, StatutPresence, Vote
from tests.commission.cp_fabrique import seance_garnie
from tests.commission.factories import EluFactory, MandatFactory


def texte_docx(chemin: Path) -> str:
    document = docx.Document(chemin)
    morceaux = [p.text for p in document.paragraphs]
    for table in document.tables:
        for ligne in table.rows:
            morceaux.append(" | ".join(c.text for c in ligne.cells))
    return normaliser("\n".join(morceaux))


def texte_pdf(chemin: Path) -> str:
    sortie = subprocess.run(["pdftotext", "-raw", str(chemin), "-"], check=True, capture_output=True, text=True)
    return re.sub(r"\s+", " ", normaliser(sortie.stdout))


def n(valeur: str) -> str:
    return re.sub(r"\s+", " ", normaliser(valeur))


@pytest.fixture
def documents(tmp_path):
    EluFactory(est_president=True, nom="Leroy", prenom="Jean-Claude", civilite="M.")
    seance = seance_garnie()
    dossier = construire_dossier(seance)
    chemins = generer_documents(seance, tmp_path / "cp")
    return dossier, {c.name.split("-")[0] + c.suffix: c for c in chemins}


def test_six_documents_nommes_avec_la_date_de_la_seance(documents):
    _, fichiers = documents
    assert sorted(c.name for c in fichiers.values()) == [
        "annexe-financements-cp-2026-05-26.pdf",
        "annexe-financements-cp-2026-05-26.xlsx",
        "deliberation-cp-2026-05-26.docx",
        "deliberation-cp-2026-05-26.pdf",
        "rapport-cp-2026-05-26.docx",
        "rapport-cp-2026-05-26.pdf",
    ]
    assert not [p for p in fichiers["rapport.docx"].parent.iterdir() if p.name.startswith(".")]


def test_deliberation_relue_docx_et_pdf(documents):
    dossier, fichiers = documents
    for texte in (texte_docx(fichiers["deliberation.docx"]), texte_pdf(fichiers["deliberation.pdf"])):
        assert "RÉUNION DU 26 MAI 2026" in texte
        assert "PRÉSIDENCE DE MONSIEUR JEAN-CLAUDE LEROY" in texte
        assert "(N°2026-187)" in texte
        assert "Vu le rapport du Président du Conseil départemental, ci-annexé ;" in texte
        for article in dossier.articles:
            assert f"Article {article.numero} :" in texte
            assert n(article.texte)[:60] in n(texte)
        assert "641 275,25 €" in texte and "33 000,00 €" in texte
        for ligne in dossier.imputation:
            assert ligne.code_operation in texte
            assert normaliser(chiffres(ligne.ae)) in texte and normaliser(chiffres(ligne.depense)) in texte
        assert "vote à compléter" in texte
        assert "LE PRÉSIDENT DU CONSEIL DÉPARTEMENTAL," in texte
    financements = [str(a.numero) for a in dossier.articles if a.nature == "financement"]
    assert len(financements) == 2
    imputation = next(a for a in dossier.articles if a.nature == "imputation")
    assert f"en application des articles {financements[0]} et {financements[1]} de la présente" in imputation.texte


def test_imputation_d_un_seul_article_de_financement():
    seance = seance_garnie()
    thematique = seance.inscriptions.values_list("proposition__demande__dispositif__axe", flat=True).first()
    seance.inscriptions.exclude(proposition__demande__dispositif__axe=thematique).delete()
    imputation = next(a for a in construire_dossier(seance).articles if a.nature == "imputation")
    assert "en application de l'article 1 de la présente délibération" in imputation.texte


def test_rapport_relu_docx_et_pdf(documents):
    dossier, fichiers = documents
    for texte in (texte_docx(fichiers["rapport.docx"]), n(texte_pdf(fichiers["rapport.pdf"]))):
        assert "RAPPORT N°35" in texte
        for thematique in dossier.thematiques:
            assert n(thematique.phrase_phase) in n(texte)
            for operation in thematique.operations:
                assert n(operation.paragraphe) in n(texte)
        for ligne in dossier.imputation:
            for valeur in (ligne.ae, ligne.disponible, ligne.depense, ligne.solde):
                assert normaliser(chiffres(valeur)) in texte
        assert "Le Président du Conseil Départemental" in texte
        assert "De m'autoriser à signer" in texte


def test_president_interesse_vote_et_presences_dans_la_deliberation(tmp_path, gestionnaire):
    seance = seance_garnie()
    structure = seance.inscriptions.first().proposition.demande.structure
    president = EluFactory(nom="Leroy", prenom="Jean-Claude", civilite="M.", est_president=True)
    MandatFactory(elu=president, structure=structure)
    drain = MandatFactory(structure=structure, elu=EluFactory(nom="Drain", prenom="Blandine")).elu
    cottigny = EluFactory(nom="Cottigny", prenom="Jean-Louis", civilite="M.", voix_deliberative=False)
    MandatFactory(structure=structure, elu=cottigny)
    vice = EluFactory(nom="Hingrez-Céréda", prenom="Mireille")
    seance.president_seance = vice
    seance.save()
    Presence.objects.create(seance=seance, elu=president, statut=StatutPresence.PRESENT)
    Presence.objects.create(seance=seance, elu=vice, statut=StatutPresence.PRESENT)
    Presence.objects.create(seance=seance, elu=drain, statut=StatutPresence.EXCUSE)
    Vote.objects.create(
        seance=seance, pour=1, contre=0, abstention=1, absents_sans_delegation=1, adopte=True,
        enregistre_par=gestionnaire, groupes={"pour": ["socialiste"], "abstention": ["socialiste"]},
    )  # fmt: skip
    chemins = generer_documents(seance, tmp_path)
    deliberation = texte_docx(next(c for c in chemins if c.name.startswith("deliberation") and c.suffix == ".docx"))
    assert "PRÉSIDENCE DE MADAME MIREILLE HINGREZ-CÉRÉDA" in deliberation
    assert "Monsieur Jean-Claude LEROY, intéressé à l'affaire, n'a pris part ni au débat, ni au vote." in deliberation
    assert (
        "Madame Blandine DRAIN, intéressée à l'affaire et excusée, n'a pas donné de délégation de vote pour ce "
        "rapport." in deliberation
    )
    assert "Monsieur Jean-Louis COTTIGNY, intéressé à l'affaire et invité, n'a pas pris part au débat." in deliberation
    assert "D'autoriser la signature, au nom et pour le compte du Département" in deliberation
    assert "D'autoriser le Président du Conseil départemental à signer" not in deliberation
    assert "Pour : 1 voix (Groupe Socialiste, Républicain et Citoyen)" in deliberation
    assert "Absents sans délégation de vote : 1" in deliberation and "(Adopté)" in deliberation
    assert "LE PRÉSIDENT DU CONSEIL DÉPARTEMENTAL," not in deliberation
    rapport = texte_docx(next(c for c in chemins if c.name.startswith("rapport") and c.suffix == ".docx"))
    assert "Le Vice-président du Conseil Départemental" in rapport
    assert montant(Decimal("641275.25")).replace("\xa0", " ") in rapport


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice absent")
def test_libreoffice_ouvre_et_convertit_chaque_docx(documents, tmp_path):
    _, fichiers = documents
    sortie = tmp_path / "pdf"
    profil = tmp_path / "profil"
    env = {**os.environ, "HOME": str(tmp_path)}
    for nom in ("rapport.docx", "deliberation.docx"):
        resultat = subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{profil}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(sortie),
                str(fichiers[nom]),
            ],
            capture_output=True,
            text=True,
            timeout=180,
            env=env,
        )
        assert resultat.returncode == 0, resultat.stderr
        pdf = sortie / fichiers[nom].with_suffix(".pdf").name
        assert pdf.exists() and pdf.stat().st_size > 1000
        assert "641 275,25" in texte_pdf(pdf)
