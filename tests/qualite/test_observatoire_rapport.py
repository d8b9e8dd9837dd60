"""Rapport de la CP : le bilan de l'observatoire de chaque dispositif à parcours de la séance (colonne « Bilan »
de l'annexe des dispositifs, contexte `dispositifs[].bilan` et `bilans_parcours`), en Word et en PDF."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import yaml

from aap.catalogue.models import Dispositif
from aap.catalogue.validation import valider_fiche
from aap.commission.documents.common import normaliser
from aap.commission.documents.contexte import contexte
from aap.commission.documents.rapport import rapport_docx, rapport_pdf
from aap.commission.dossier import construire_dossier
from tests.commission.cp_fabrique import seance_garnie
from tests.commission.test_documents import texte_docx, texte_pdf
from tests.parcours.factories import OrientationFactory, RendezVousFactory, SortieFactory, a_paris


D = datetime.date
FICHE_51 = Path(__file__).resolve().parents[2] / "aap/catalogue/data/2026/fiches/5.1.yaml"


@pytest.fixture
def seance():
    """La séance garnie du 26/05/2026 ; son dispositif 1.1 reçoit la fiche à parcours 5.1."""
    seance = seance_garnie()
    d11 = Dispositif.objects.get(edition=seance.edition, code="1.1")
    brut = yaml.safe_load(FICHE_51.read_text(encoding="utf-8"))
    d11.regles = valider_fiche(brut, "5.1.yaml", "5.1").model_dump(mode="json")
    d11.save(update_fields=["regles"])
    return seance


def _parcours(dispositif, nombre, jour):
    orientations = []
    for _ in range(nombre):
        o = OrientationFactory(dispositif=dispositif, date_orientation=jour)
        RendezVousFactory(orientation=o, debut=a_paris(jour + datetime.timedelta(days=5)))
        orientations.append(o)
    return orientations


def _bilans(seance):
    return {d["code"]: d["bilan"] for d in contexte(construire_dossier(seance))["dispositifs"]}


def test_bilan_de_l_annee_precedente_dans_le_contexte(seance):
    d11 = Dispositif.objects.get(edition=seance.edition, code="1.1")
    orientations = _parcours(d11, 6, D(2025, 3, 2))
    SortieFactory(orientation=orientations[0], date_sortie=D(2025, 9, 1))
    _parcours(d11, 2, D(2026, 2, 1))  # année de la séance : hors bilan 2025
    bilans = _bilans(seance)
    assert normaliser(bilans["1.1"]) == (
        "Bilan 2025 : 6 orientations ; 6 bénéficiaires accompagnés ; 5 en cours au 31 décembre 2025 ; "
        "1 sortie ; 6 entretiens."
    )
    assert bilans["1.3"] == bilans["5.5"] == ""
    assert [d["code"] for d in contexte(construire_dossier(seance))["bilans_parcours"]] == ["1.1"]


def test_sans_parcours_l_annee_precedente_depuis_le_debut_de_l_annee(seance):
    d11 = Dispositif.objects.get(edition=seance.edition, code="1.1")
    _parcours(d11, 5, D(2026, 4, 1))
    _parcours(d11, 1, D(2026, 5, 1))  # mois de la séance : pas encore dans le bilan
    assert normaliser(_bilans(seance)["1.1"]).startswith(
        "Bilan du 1er janvier 2026 au 30 avril 2026 : 5 orientations ; 5 bénéficiaires accompagnés ; "
        "5 en cours au 30 avril 2026 ;"
    )


def test_secret_statistique_dans_le_rapport_publie(seance):
    d11 = Dispositif.objects.get(edition=seance.edition, code="1.1")
    _parcours(d11, 4, D(2025, 3, 2))
    assert _bilans(seance)["1.1"] == (
        "Bilan 2025 : moins de 5 personnes suivies, chiffres non diffusés (secret statistique)."
    )


def test_rapport_word_et_pdf_contiennent_la_phrase(seance, tmp_path):
    d11 = Dispositif.objects.get(edition=seance.edition, code="1.1")
    _parcours(d11, 7, D(2025, 6, 2))
    dossier = construire_dossier(seance)
    phrase = "Bilan 2025 : 7 orientations ; 7 bénéficiaires accompagnés ; 7 en cours au 31 décembre 2025"
    assert phrase in texte_docx(rapport_docx(dossier, tmp_path / "rapport.docx"))
    assert phrase in texte_pdf(rapport_pdf(dossier, tmp_path / "rapport.pdf"))
