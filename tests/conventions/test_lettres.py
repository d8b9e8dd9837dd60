"""Montants en lettres (orthographe traditionnelle) : exemples de référence et propriétés."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aap.conventions.lettres import MAXIMUM, montant_en_lettres, nombre_en_lettres


@pytest.mark.parametrize(
    ("n", "attendu"),
    [
        (0, "zéro"),
        (1, "un"),
        (16, "seize"),
        (17, "dix-sept"),
        (21, "vingt et un"),
        (22, "vingt-deux"),
        (61, "soixante et un"),
        (70, "soixante-dix"),
        (71, "soixante et onze"),
        (72, "soixante-douze"),
        (80, "quatre-vingts"),
        (81, "quatre-vingt-un"),
        (90, "quatre-vingt-dix"),
        (91, "quatre-vingt-onze"),
        (99, "quatre-vingt-dix-neuf"),
        (100, "cent"),
        (101, "cent un"),
        (180, "cent quatre-vingts"),
        (200, "deux cents"),
        (201, "deux cent un"),
        (1000, "mille"),
        (1001, "mille un"),
        (2000, "deux mille"),
        (80_000, "quatre-vingt mille"),
        (200_000, "deux cent mille"),
        (280_080, "deux cent quatre-vingt mille quatre-vingts"),
        (1_000_000, "un million"),
        (2_000_000, "deux millions"),
        (200_000_000, "deux cents millions"),
        (80_000_000, "quatre-vingts millions"),
        (1_000_000_000, "un milliard"),
        (14_256_065, "quatorze millions deux cent cinquante-six mille soixante-cinq"),
    ],
)
def test_nombres_de_reference(n, attendu):
    assert nombre_en_lettres(n) == attendu


@pytest.mark.parametrize(
    ("montant", "attendu"),
    [
        ("12500.51", "douze mille cinq cents euros et cinquante et un centimes"),
        ("1", "un euro"),
        ("0.01", "zéro euro et un centime"),
        ("2.80", "deux euros et quatre-vingts centimes"),
        ("1000000", "un million d'euros"),
        ("3000000.10", "trois millions d'euros et dix centimes"),
        ("1000200", "un million deux cents euros"),
        (
            "14256065.96",
            "quatorze millions deux cent cinquante-six mille soixante-cinq euros et quatre-vingt-seize centimes",
        ),
        ("99.999", "cent euros"),  # arrondi au centime, au plus proche
    ],
)
def test_montants_de_reference(montant, attendu):
    assert montant_en_lettres(Decimal(montant)) == attendu


def test_hors_bornes():
    with pytest.raises(ValueError):
        nombre_en_lettres(MAXIMUM)
    with pytest.raises(ValueError):
        montant_en_lettres(Decimal("-1"))


VALEURS = {
    "zéro": 0, "un": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9,
    "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16, "vingt": 20,
    "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
}  # fmt: skip
MOTS_PERMIS = set(VALEURS) | {"cent", "cents", "mille", "million", "millions", "milliard", "milliards", "et"}


def relire(texte: str) -> int:
    """Relit un nombre écrit en lettres (analyseur indépendant de l'implémentation)."""
    total = groupe = 0
    mots = re.split(r"[ -]", texte)
    for rang, mot in enumerate(mots):
        if mot == "et":
            continue
        if mot in ("vingt", "vingts") and rang > 0 and mots[rang - 1] == "quatre":
            groupe += 76  # « quatre » déjà compté : 4 + 76 = 80
        elif mot in VALEURS:
            groupe += VALEURS[mot]
        elif mot in ("cent", "cents"):
            groupe = (groupe or 1) * 100  # « cent » ouvre toujours son groupe : au plus une unité avant
        elif mot == "mille":
            total += (groupe or 1) * 1000
            groupe = 0
        elif mot in ("million", "millions"):
            total += groupe * 10**6
            groupe = 0
        elif mot in ("milliard", "milliards"):
            total += groupe * 10**9
            groupe = 0
        else:
            raise AssertionError(f"mot inattendu : {mot}")
    return total + groupe


@given(st.integers(min_value=0, max_value=MAXIMUM - 1))
def test_relecture_rend_le_nombre(n):
    assert relire(nombre_en_lettres(n)) == n


@given(st.integers(min_value=0, max_value=MAXIMUM - 1))
def test_forme_du_texte(n):
    texte = nombre_en_lettres(n)
    assert "  " not in texte and texte == texte.strip()
    assert set(re.split(r"[ -]", texte)) <= MOTS_PERMIS
    assert "--" not in texte and "- " not in texte and " -" not in texte
    mots = texte.split(" ")
    for rang, mot in enumerate(mots):
        suivant = mots[rang + 1] if rang + 1 < len(mots) else ""
        # « cents » et « quatre-vingts » seulement en fin de nombre ou devant million(s)/milliard(s)
        if mot.endswith("cents") or mot.endswith("vingts"):
            assert suivant in ("", "million", "millions", "milliard", "milliards"), texte
        # « mille » et non « un mille » (mais « vingt et un mille ») ; « mille » est invariable
        if mot == "un" and suivant == "mille":
            assert rang > 0 and mots[rang - 1] in ("et", "cent"), texte
        assert mot != "milles"
    # « et » seulement dans « vingt et un »… « soixante et onze »
    for match in re.finditer(r"(\S+) et (\S+)", texte):
        assert match.group(1) in ("vingt", "trente", "quarante", "cinquante", "soixante"), texte
        assert match.group(2) in ("un", "onze"), texte


MONTANT = re.compile(r"^(?P<euros>.+?) (d')?euros?( et (?P<centimes>.+) centimes?)?$")


@given(st.decimals(min_value=0, max_value=Decimal("999999999.99"), places=2, allow_nan=False))
def test_montant_se_relit_en_euros_et_centimes(montant):
    texte = montant_en_lettres(montant)
    assert "  " not in texte
    lu = MONTANT.match(texte)
    assert lu is not None, texte
    centimes = relire(lu["centimes"]) if lu["centimes"] else 0
    assert relire(lu["euros"]) * 100 + centimes == int(montant * 100)
    assert lu["centimes"] != "zéro"
    euros = int(montant)
    fin = "centimes" if centimes > 1 else "centime" if centimes == 1 else "euro" if euros < 2 else "euros"
    assert texte.endswith(fin), texte
