"""Propriétés de la modulation (issue 4) : pour toute subvention, tout échéancier et toute atteinte, les
versements ne dépassent jamais la subvention, un trop-perçu est réclamé exactement, et une atteinte complète
verse exactement la subvention, échéance par échéance."""

from __future__ import annotations

import datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from aap.versements.rules import calculer_echeance, repartir


D = Decimal
PARTS = [
    {
        "taux": "40",
        "base": "volume",
        "definition": "volume",
        "mesures": [
            {"code": "dsp", "libelle": "DSP", "cible": "dsp", "nature": "flux_annuel"},
            {"code": "places", "libelle": "Places", "cible": "places", "nature": "stock"},
        ],
    },
    {"taux": "60", "base": "qualite", "definition": "qualité"},
]

montants = st.decimals(min_value=0, max_value=D("9999999.99"), places=2)
quantites = st.integers(min_value=0, max_value=5000)


@st.composite
def echeanciers(draw: st.DrawFn) -> list[Decimal]:
    """Une avance puis 1 à 4 échéances sur bilan ; taux au centième de point totalisant 100 %."""
    coupures = sorted(draw(st.lists(st.integers(min_value=0, max_value=10000), min_size=1, max_size=4)))
    bornes = [0, *coupures, 10000]
    return [D(b - a) / 100 for a, b in zip(bornes, bornes[1:], strict=False)]


@st.composite
def bilans(draw: st.DrawFn, nombre: int) -> list[tuple[dict, Decimal | None]]:
    return [
        (
            {"dsp": draw(st.none() | quantites), "places": draw(st.none() | quantites)},
            draw(st.none() | st.decimals(min_value=-10, max_value=150, places=2)),
        )
        for _ in range(nombre)
    ]


def derouler(montant, taux, engagements, releves, debut, fin):
    """Toutes les échéances dans l'ordre ; renvoie (versements, calcul du solde)."""
    prevus = repartir(montant, taux)
    verses: list[Decimal] = []
    dernier = None
    for rang in range(1, len(taux) + 1):
        realisations, score = releves[rang - 1] if rang > 1 else ({}, None)
        dernier = calculer_echeance(
            type="avance" if rang == 1 else ("solde" if rang == len(taux) else "acompte"),
            subvention=montant,
            taux=taux,
            prevus=prevus,
            rang=rang,
            deja_engage=sum(verses, D(0)),
            parts=PARTS,
            engagements=engagements,
            realisations=realisations,
            score_qualite=score,
            debut=debut,
            fin=fin,
        )
        verses.append(dernier.a_verser)
    return verses, dernier


periodes = st.tuples(
    st.dates(min_value=datetime.date(2025, 1, 1), max_value=datetime.date(2027, 12, 31)),
    st.integers(min_value=0, max_value=1100),
).map(lambda t: (t[0], t[0] + datetime.timedelta(days=t[1])))


@given(montant=montants, taux=echeanciers(), data=st.data(), periode=periodes, dsp=quantites, places=quantites)
def test_modulation_jamais_au_dela_et_trop_percu_exact(montant, taux, data, periode, dsp, places):
    releves = data.draw(bilans(len(taux)))
    verses, solde = derouler(montant, taux, {"dsp": dsp, "places": places}, releves, *periode)
    assert all(v >= 0 and v == v.quantize(D("0.01")) for v in verses)
    assert sum(verses[:-1], D(0)) <= montant
    assert sum(verses, D(0)) <= montant
    assert 0 <= solde.droit <= montant
    # le trop-perçu est exactement ce qui a été versé au-delà du droit final ; après reversement, le net est le droit
    assert solde.trop_percu == max(D(0), sum(verses[:-1], D(0)) - solde.droit)
    assert sum(verses, D(0)) - solde.trop_percu == solde.droit


@given(montant=montants, taux=echeanciers(), periode=periodes, dsp=quantites, places=quantites)
def test_atteinte_complete_verse_exactement_la_subvention(montant, taux, periode, dsp, places):
    complet = ({"dsp": dsp * 10, "places": places}, D(100))
    verses, solde = derouler(montant, taux, {"dsp": dsp, "places": places}, [complet] * len(taux), *periode)
    assert verses == repartir(montant, taux)
    assert sum(verses, D(0)) == montant
    assert solde.trop_percu == 0
