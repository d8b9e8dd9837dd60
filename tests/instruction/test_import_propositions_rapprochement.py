"""Import des propositions : rapprochement des territoires, dispositifs, thématiques et structures (catalogue 2026)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aap.instruction.importation.rapprochement import Referentiel, Rejet, code_dispositif
from tests.factories import StructureFactory
from tests.siret import siret_valide


@pytest.fixture
def referentiel(catalogue_2026):
    return Referentiel.charger(catalogue_2026)


@pytest.mark.parametrize(
    ("ecrit", "code"),
    [
        ("HENIN-CARVIN", "henin-carvin"),
        ("Hénin Carvin", "henin-carvin"),
        ("henin-carvin", "henin-carvin"),
        ("LENS-LIEVIN", "lens-lievin"),
        ("Lens Liévin", "lens-lievin"),
        ("DEPARTEMENT", "departement"),
        ("Département", "departement"),
        ("MONTREUILLOIS", "montreuillois"),
    ],
)
def test_territoire_par_nom_ou_code(referentiel, ecrit, code):
    assert referentiel.territoire(ecrit).code == code


@pytest.mark.parametrize(("ecrit", "raison"), [("Arras", "inconnu « Arras »"), ("", "manquant"), (None, "manquant")])
def test_territoire_refuse(referentiel, ecrit, raison):
    with pytest.raises(Rejet, match=raison):
        referentiel.territoire(ecrit)


@pytest.mark.parametrize(
    "ecrit",
    [
        "1.3",
        "1,3",
        " Dispositif 1.3 ",
        "fiche n° 1.3",
        "1.3 Accompagnement social et professionnel intensif",
        "Accompagnement social et professionnel intensif des bénéficiaires du RSA",
        "ACCOMPAGNEMENT SOCIAL ET PROFESSIONNEL INTENSIF DES BENEFICIAIRES DU RSA",
    ],
)
def test_dispositif_par_code_ou_titre(referentiel, ecrit):
    assert referentiel.dispositif(ecrit).code == "1.3"


def test_dispositif_5_11_et_5_1_distincts(referentiel):
    assert referentiel.dispositif("5.11").code == "5.11"
    assert referentiel.dispositif("5.1").code == "5.1"


@pytest.mark.parametrize(
    ("ecrit", "raison"),
    [("9.9", "« 9.9 » absent du catalogue 2026"), ("Accompagnement", "inconnu"), ("", "manquant")],
)
def test_dispositif_refuse(referentiel, ecrit, raison):
    with pytest.raises(Rejet, match=raison):
        referentiel.dispositif(ecrit)


@given(st.integers(1, 99), st.integers(1, 99), st.sampled_from(["", "Dispositif ", "dispositif n° ", "Fiche "]))
def test_code_dispositif(axe, numero, prefixe):
    assert code_dispositif(f"{prefixe}{axe}.{numero}") == f"{axe}.{numero}"
    assert code_dispositif(f"{prefixe}{axe},{numero} intitulé") == f"{axe}.{numero}"


@pytest.mark.parametrize(
    "thematique",
    ["", "1", "Axe 1", "THEMATIQUE 1 : Parcours accompagnement RSA", "Thématique 1", "parcours accompagnement rsa"],
)
def test_thematique_conforme(referentiel, thematique):
    referentiel.verifier_thematique(thematique, referentiel.dispositif("1.3"))


@pytest.mark.parametrize(
    "thematique", ["2", "THEMATIQUE 5 : Contreparties FSE", "THEMATIQUE 1 : Parcours insertion emploi", "Logement"]
)
def test_thematique_incoherente_rejetee(referentiel, thematique):
    with pytest.raises(Rejet, match="axe 1 « Parcours accompagnement RSA » du dispositif 1.3"):
        referentiel.verifier_thematique(thematique, referentiel.dispositif("1.3"))


# --- Structures -------------------------------------------------------------------------------------------


def test_structure_par_siret_existante(catalogue_2026):
    structure = StructureFactory(siret=siret_valide(9100), raison_sociale="CCAS d'Arras")
    referentiel = Referentiel.charger(catalogue_2026)
    prevue = referentiel.structure("autre nom", " ".join(siret_valide(9100)[i : i + 3] for i in range(0, 14, 3)), 2)
    assert prevue.structure == structure
    assert not prevue.a_creer


def test_structure_nouvelle_par_siret_puis_retrouvee_par_nom(referentiel):
    prevue = referentiel.structure("Atelier Solidaire", siret_valide(9101), 2)
    assert prevue.a_creer and prevue.creee_par_ligne == 2
    assert referentiel.structure("ATELIER SOLIDAIRE", "", 5) is prevue
    assert referentiel.structure("", siret_valide(9101), 6) is prevue


def test_siret_invalide(referentiel):
    with pytest.raises(Rejet, match="SIRET « 12345678901234 » invalide"):
        referentiel.structure("X", "12345678901234", 2)


def test_siret_numerique_sans_zero_de_tete(referentiel):
    siret = next(siret_valide(n, prefixe="0") for n in range(9200, 9300))
    assert siret.startswith("0")
    assert referentiel.structure("X", siret.lstrip("0"), 2).siret == siret


def test_structure_par_nom_ou_sigle(catalogue_2026):
    structure = StructureFactory(raison_sociale="Maison de l'Emploi du Pays d'Artois", sigle="MEM-PA")
    referentiel = Referentiel.charger(catalogue_2026)
    assert referentiel.structure("MAISON DE L'EMPLOI DU PAYS D'ARTOIS", "", 2).structure == structure
    assert referentiel.structure("MEMPA", None, 3).structure == structure
    assert referentiel.structure("Mem Pa", "", 4).structure == structure


def test_structure_sans_siret_inconnue_rejetee(referentiel):
    with pytest.raises(Rejet, match="structure inconnue sans SIRET « Structure Fantôme »"):
        referentiel.structure("Structure Fantôme", "", 2)


def test_structure_ambigue(catalogue_2026):
    StructureFactory(raison_sociale="CCAS de Barlin")
    StructureFactory(raison_sociale="CCAS DE BARLIN")
    referentiel = Referentiel.charger(catalogue_2026)
    with pytest.raises(Rejet, match="ambiguë .2 structures"):
        referentiel.structure("ccas de barlin", "", 2)


def test_structure_manquante(referentiel):
    with pytest.raises(Rejet, match="ni nom ni SIRET"):
        referentiel.structure("", "", 2)
    with pytest.raises(Rejet, match="sans nom"):
        referentiel.structure("", siret_valide(9102), 2)
