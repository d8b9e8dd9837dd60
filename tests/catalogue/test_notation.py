"""Grille de notation du catalogue : chargée avec l'édition, validée (barème, codes uniques, critères des fiches)."""

from __future__ import annotations

import pytest

from aap.catalogue.loader import CatalogueInvalide, charger_edition, load_edition
from aap.catalogue.models import Dispositif
from aap.catalogue.validation import lire_edition


def _erreurs(dossier) -> list[str]:
    with pytest.raises(CatalogueInvalide) as exc:
        lire_edition(2026, dossier)
    return [str(e) for e in exc.value.erreurs]


def test_la_grille_est_chargee_avec_l_edition():
    edition = load_edition(2026)
    grille = edition.grille
    assert grille is not None and grille == lire_edition(2026).spec.notation
    assert (
        grille.bareme.libelle_min == "Absent ou non satisfaisant" and grille.bareme.libelle_max == "Très satisfaisant"
    )
    assert [c.code for c in grille.prealables] == [
        "besoins_territoires",
        "offre_existante",
        "validation_slai",
        "limite_enveloppe",
    ]
    f11 = Dispositif.objects.get(edition=edition, code="5.11").fiche
    assert [c.intitule for c in f11.criteres] == [
        "Partenariat local et départemental",
        "Animation de réseau et parcours complexes",
    ]
    assert Dispositif.objects.get(edition=edition, code="5.1").fiche.criteres == []
    assert charger_edition(2026).modifications == 0  # recharger ne change rien


def test_modifier_la_grille_met_a_jour_l_edition(modifier):
    load_edition(2026)

    def renommer(donnees):
        donnees["notation"]["bareme"]["niveaux"][4]["libelle"] = "Excellent"

    edition = load_edition(2026, modifier("edition.yaml", renommer))
    edition.refresh_from_db()
    assert edition.grille.bareme.libelle_max == "Excellent"


@pytest.mark.parametrize(
    ("nom", "casser", "attendu"),
    [
        pytest.param(
            "edition.yaml",
            lambda d: d["notation"]["criteres"].append(dict(d["notation"]["criteres"][0])),
            "code(s) de critère en double : objet_social",
            id="critere-en-double",
        ),
        pytest.param(
            "edition.yaml",
            lambda d: d["notation"]["bareme"].update(note_max=5),
            "chaque note de 0 à 5",
            id="niveau-manquant",
        ),
        pytest.param(
            "edition.yaml",
            lambda d: d["notation"]["criteres"][0].update(ponderation=2),
            "ponderation",
            id="champ-inconnu",
        ),
        pytest.param(
            "edition.yaml",
            lambda d: d["notation"]["criteres"][0].update(code="Objet Social"),
            "notation.criteres[1].code",
            id="code-invalide",
        ),
        pytest.param(
            "fiches/5.11.yaml",
            lambda d: d["criteres"][1].update(code=d["criteres"][0]["code"]),
            "critère en double : f11_partenariat_local_departemental",
            id="critere-de-fiche-en-double",
        ),
        pytest.param(
            "fiches/5.11.yaml",
            lambda d: d["criteres"][0].update(code="partenariat"),
            "dispositif 5.11 : critère(s) déjà dans la grille de l'appel : partenariat",
            id="critere-de-fiche-deja-general",
        ),
    ],
)
def test_grille_invalide(modifier, nom, casser, attendu):
    erreurs = _erreurs(modifier(nom, casser))
    assert any(attendu in e for e in erreurs), erreurs


def test_une_edition_sans_grille_se_charge(modifier):
    edition = load_edition(2026, modifier("edition.yaml", lambda d: d.pop("notation")))
    assert edition.notation == {} and edition.grille is None
