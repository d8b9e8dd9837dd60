"""Règles de la notation : barème et grille du catalogue, pourcentages, moyennes, écarts, contrôles de saisie."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from aap.catalogue.schema_notation import Bareme, GrilleNotation
from aap.catalogue.validation import lire_edition
from aap.instruction.notation import GrilleDemande, erreurs_notes, moyenne, pourcentage, statistiques
from tests.instruction.notation_outils import grille_2026


BAREME = GrilleNotation.model_validate(grille_2026()).bareme


def _grille(nombre: int = 3) -> GrilleDemande:
    notation = GrilleNotation.model_validate(grille_2026())
    return GrilleDemande(BAREME, tuple(notation.prealables), tuple(notation.criteres[:nombre]), frozenset())


def test_grille_2026_du_catalogue():
    spec = lire_edition(2026).spec
    assert spec.notation is not None
    assert (spec.notation.bareme.note_min, spec.notation.bareme.note_max) == (0, 4)
    assert spec.notation.bareme.commentaire_obligatoire_pour == [0, 4]
    assert len(spec.notation.prealables) == 4
    codes = [c.code for c in spec.notation.criteres]
    assert codes[0] == "objet_social" and codes[-1] == "capacites_financieres" and len(codes) == 11
    propres = {d.code: [c.code for c in d.fiche.criteres] for d in spec.dispositifs if d.fiche and d.fiche.criteres}
    assert propres == {
        "5.7": ["f07_orientations_mamobilite62", "f07_coherence_pams"],
        "5.11": ["f11_partenariat_local_departemental", "f11_animation_reseau_parcours_complexes"],
    }
    assert any(c.champ == "notation.bareme" for c in spec.choix)


@pytest.mark.parametrize(
    ("modif", "message"),
    [
        ({"niveaux": [{"note": 0, "libelle": "a"}, {"note": 2, "libelle": "b"}], "note_max": 2}, "chaque note"),
        ({"note_min": 4}, "inférieure ou égale"),
        ({"commentaire_obligatoire_pour": [7]}, "hors barème"),
    ],
)
def test_bareme_invalide(modif, message):
    donnees = grille_2026()["bareme"] | modif
    with pytest.raises(ValidationError, match=message):
        Bareme.model_validate(donnees)


def test_codes_de_criteres_uniques():
    donnees = grille_2026()
    donnees["criteres"].append(dict(donnees["criteres"][0]))
    with pytest.raises(ValidationError, match="en double : objet_social"):
        GrilleNotation.model_validate(donnees)
    donnees = grille_2026()
    donnees["prealables"][0]["code"] = "partenariat"
    with pytest.raises(ValidationError, match="en double : partenariat"):
        GrilleNotation.model_validate(donnees)


notes_valides = st.lists(st.integers(BAREME.note_min, BAREME.note_max), min_size=1, max_size=30)


@given(notes_valides)
def test_pourcentage_entre_0_et_100(notes):
    total = pourcentage(notes, BAREME)
    assert Decimal(0) <= total <= Decimal(100)
    assert total == total.quantize(Decimal("0.01"))


@given(notes_valides, st.integers(1, 6))
def test_moyenne_de_grilles_identiques(notes, evaluateurs):
    """k évaluateurs rendent la même grille : chaque critère a pour moyenne sa note, sans écart, et le total moyen
    est celui de la grille."""
    seuil = _grille().seuil_ecart()
    for note in notes:
        stats = statistiques([note] * evaluateurs, seuil)
        assert (stats.moyenne, stats.ecart, stats.ecart_important) == (note, 0, False)
    total = pourcentage(notes, BAREME)
    assert moyenne([total] * evaluateurs) == total


def test_pourcentage_exemples():
    assert pourcentage([4, 4, 4], BAREME) == Decimal("100.00")
    assert pourcentage([0, 0], BAREME) == Decimal("0.00")
    assert pourcentage([2, 3, 3], BAREME) == Decimal("66.67")


@pytest.mark.parametrize(
    ("notes", "ecart", "important"), [([1, 2], 1, False), ([1, 3], 2, True), ([0, 4, 2], 4, True)]
)
def test_ecart_important_a_la_moitie_du_bareme(notes, ecart, important):
    stats = statistiques(notes, _grille().seuil_ecart())
    assert (stats.ecart, stats.ecart_important) == (ecart, important)
    assert stats.minimum == min(notes) and stats.maximum == max(notes)


def test_erreurs_de_saisie():
    grille = _grille(3)
    a, b, c = grille.codes
    assert erreurs_notes({a: (3, ""), b: (2, ""), c: (1, "")}, grille) == {}
    erreurs = erreurs_notes({a: (4, "  "), b: (5, "x"), "inconnu": (1, "")}, grille)
    assert erreurs[a].startswith("Motivez la note 4")
    assert erreurs[b] == "La note va de 0 à 4."
    assert erreurs[c] == "Notez ce critère."
    assert "inconnu" in erreurs[""]
    assert erreurs_notes({a: (0, "Rien"), b: (4, "Excellent"), c: (2, "")}, grille) == {}
