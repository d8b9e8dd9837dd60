"""Règles du contenu d'un bilan : mesures sans doublon, bilan final, cibles affichées à côté du réalisé."""

from __future__ import annotations

import datetime
from decimal import Decimal

from aap.bilans import rules
from aap.bilans.selectors import lignes_mesures
from tests.bilans.outils import bilan_de, convention_signee


def test_cibles_du_bilan_intermediaire_et_du_bilan_final():
    convention, _ = convention_signee()  # 01/01/2026–31/12/2027, 800 DSP par an, 140 places
    intermediaire = {m.code: m.cible for m in lignes_mesures(bilan_de(convention))}
    final = {m.code: m.cible for m in lignes_mesures(bilan_de(convention, "bilan_final"))}
    assert intermediaire == {"dsp": Decimal("800.00"), "places": Decimal("140.00")}
    assert final == {"dsp": Decimal("1600.00"), "places": Decimal("140.00")}  # flux × 2 ans, stock inchangé


def test_cible_absente_si_la_quantite_n_est_pas_conventionnee():
    mesure = {"code": "mois", "libelle": "Mois", "cible": "postes_insertion * 12", "nature": "flux_annuel"}
    debut, fin = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
    assert rules.cible_mesure(mesure, {}, final=True, debut=debut, fin=fin) is None
    assert rules.cible_mesure(mesure, {"postes_insertion": "5"}, final=True, debut=debut, fin=fin) == Decimal("60.00")


def test_mesures_sans_doublon_et_bilan_final():
    regles = {
        "parts_conditionnees": [
            {"base": "volume", "mesures": [{"code": "places", "cible": "places"}]},
            {
                "base": "resultats",
                "mesures": [{"code": "places", "cible": "places"}, {"code": "sorties", "cible": "x"}],
            },
            {"base": "qualite"},
        ],
        "echeancier": [{"type": "avance"}, {"type": "solde", "bilan": "bilan_annuel"}],
        "bilans": [{"type": "bilan_annuel"}, {"type": "bilan_final"}],
    }
    assert [m["code"] for m in rules.mesures(regles)] == ["places", "sorties"]
    assert rules.a_part_qualite(regles)
    assert rules.type_bilan_final(regles) == "bilan_annuel"
    assert rules.type_bilan_final({"bilans": [{"type": "bilan_final"}]}) == "bilan_final"
    assert rules.type_bilan_final({"bilans": [{"type": "compte_rendu"}]}) is None
