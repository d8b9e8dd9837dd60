"""Règles pures : délais aux bornes (jour 15 / 16, 28 / 29 jours), minuit à Paris, fin du contrat, semaine
ramenée au lundi, contrôles du contrat et du renouvellement ; hypothesis sur les dates."""

from __future__ import annotations

import calendar
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from aap.catalogue.schema_parcours import RegleParcours
from aap.parcours import rules
from tests.parcours.factories import OrientationFactory, a_paris, dispositif_a_parcours
from tests.parcours.outils import actions


J = datetime.date
RSI = RegleParcours(
    code="rsi", libelle="RSI", delai_premier_rdv_jours=15, delai_signature_ce_jours=28, duree_ce_mois=6,
    renouvellement="apres_revue_slai", actions_ce_min=3, actions_insertion_pro_min=2, heures_hebdo_min=Decimal(7),
    heures_hebdo_max=Decimal(15),
)  # fmt: skip
dates = st.dates(min_value=J(2020, 1, 1), max_value=J(2035, 12, 31))


@pytest.mark.usefixtures("catalogue_2026")
def test_regles_lues_dans_la_fiche():
    regle = rules.regle_parcours(dispositif_a_parcours("5.2"), "accompagnement_social_professionnel_intensif")
    assert (regle.delai_premier_rdv_jours, regle.heures_hebdo_min, regle.actions_insertion_pro_min) == (15, 15, 2)
    with pytest.raises(ValueError, match="ne prévoit pas de parcours"):
        rules.regle_parcours(dispositif_a_parcours("5.2"), "remobilisation_sociale_intensive")


@pytest.mark.usefixtures("catalogue_2026")
def test_premier_rdv_jour_15_et_jour_16_a_minuit_de_paris():
    o = OrientationFactory(date_orientation=J(2026, 3, 2))
    assert rules.date_limite_premier_rdv(o) == J(2026, 3, 17)
    assert rules.date_limite_signature_ce(o) == J(2026, 3, 30)
    # 17/03 à 23 h 30 à Paris (22 h 30 UTC) : jour 15, dans le délai.
    tard = a_paris(J(2026, 3, 17), 23, 30)
    assert tard.astimezone(datetime.UTC).hour == 22
    assert rules.premier_rdv_dans_delai(o, tard) is True
    # 17/03 à 23 h 30 UTC = 18/03 à 00 h 30 à Paris : jour 16, hors délai.
    assert rules.premier_rdv_dans_delai(o, datetime.datetime(2026, 3, 17, 23, 30, tzinfo=datetime.UTC)) is False
    assert rules.premier_rdv_dans_delai(o, a_paris(J(2026, 3, 1), 23)) is False  # avant l'orientation
    dsp_5_3 = OrientationFactory(dispositif=dispositif_a_parcours("5.3"), parcours="developpement_activite")
    assert rules.premier_rdv_dans_delai(dsp_5_3, tard) is None
    assert rules.date_limite_signature_ce(dsp_5_3) is None


def test_signature_au_28e_jour_sans_avertissement_au_29e_avec():
    base = {"date_debut": J(2026, 3, 30), "date_fin": J(2026, 9, 29), "heures_hebdo_prevues": 10}
    liste = actions(J(2026, 3, 30), J(2026, 9, 29), pro=2)
    assert (
        rules.problemes_contrat(
            RSI, actions=liste, date_signature=J(2026, 3, 30), date_orientation=J(2026, 3, 2), **base
        )
        == []
    )
    problemes = rules.problemes_contrat(
        RSI, actions=liste, date_signature=J(2026, 3, 31), date_orientation=J(2026, 3, 2), **base
    )
    assert problemes == ["Contrat signé après le délai de 28 jours suivant l'orientation (date limite : 30/03/2026)."]


def test_problemes_du_contenu_du_contrat():
    liste = actions(J(2026, 4, 1), J(2026, 4, 30), nombre=2, pro=1)
    liste[1]["detail"] = "  "
    problemes = rules.problemes_contrat(
        RSI, date_debut=J(2026, 4, 1), date_fin=J(2026, 9, 30), actions=liste, heures_hebdo_prevues="15.5"
    )
    assert problemes == [
        "Le contrat comporte 2 action(s) ; la fiche en demande au moins 3.",
        "1 action(s) d'insertion professionnelle ; la fiche en demande au moins 2.",
        "Aucune action ne couvre tout le contrat (du 01/04/2026 au 30/09/2026).",
        "Détail non renseigné pour : Action 2.",
        "15,5 h par semaine au SIA : la fiche en prévoit au plus 15 h.",
    ]
    assert rules.problemes_heures(RSI, None) == ["Heures d'activité hebdomadaires (SIA) non renseignées."]


def test_renouvellement():
    class Precedent:
        date_debut = J(2026, 1, 5)
        revue_slai_le = None

    arguments = {"rang": 2, "precedent": Precedent, "premier_debut": J(2026, 1, 5)}
    with pytest.raises(ValidationError, match="revue du contrat précédent"):
        rules.verifier_renouvellement(RSI, date_debut=J(2026, 7, 5), date_fin=J(2027, 1, 4), **arguments)
    Precedent.revue_slai_le = J(2026, 7, 1)
    rules.verifier_renouvellement(RSI, date_debut=J(2026, 7, 5), date_fin=J(2027, 1, 4), **arguments)
    with pytest.raises(ValidationError, match="après le début du précédent"):
        rules.verifier_renouvellement(RSI, date_debut=J(2026, 1, 5), date_fin=J(2026, 7, 4), **arguments)
    non = RSI.model_copy(update={"renouvellement": "non"})
    with pytest.raises(ValidationError, match="pas renouvelable"):
        rules.verifier_renouvellement(non, date_debut=J(2026, 7, 5), date_fin=J(2027, 1, 4), **arguments)
    rules.verifier_renouvellement(non, rang=1, precedent=None, premier_debut=None, date_debut=J(2026, 7, 5),
                                  date_fin=J(2027, 1, 4))  # fmt: skip


@pytest.mark.parametrize("heures", ["0", "80", "7.5", 15])
def test_heures_valides(heures):
    assert rules.heures_valides(heures) == Decimal(str(heures))


@pytest.mark.parametrize("heures", ["-0.1", "80.1", "NaN", "sept", None, "7.25"])
def test_heures_invalides(heures):
    with pytest.raises(ValidationError):
        rules.heures_valides(heures)


@given(debut=dates, mois=st.integers(min_value=1, max_value=36))
def test_fin_de_contrat(debut, mois):
    regle = RSI.model_copy(update={"duree_ce_mois": mois})
    fin = rules.fin_de_contrat(debut, regle)
    lendemain = fin + datetime.timedelta(days=1)
    # Le lendemain de la fin tombe `mois` mois civils après le début, au même quantième (ramené au dernier jour
    # du mois s'il n'existe pas) ; un début en fin de mois donne un lendemain en fin de mois (ajouter_mois).
    assert (lendemain.year - debut.year) * 12 + lendemain.month - debut.month == mois
    dernier = calendar.monthrange(lendemain.year, lendemain.month)[1]
    if debut.day == calendar.monthrange(debut.year, debut.month)[1]:
        assert lendemain.day == dernier
    else:
        assert lendemain.day == min(debut.day, dernier)
    assert fin >= debut


@given(jour=dates)
def test_semaine_ramenee_au_lundi(jour):
    lundi = rules.lundi(jour)
    assert lundi.weekday() == 0
    assert 0 <= (jour - lundi).days <= 6
    assert rules.lundi(lundi) == lundi


@given(jour=dates, heure=st.integers(0, 23), minute=st.integers(0, 59))
def test_jour_de_paris(jour, heure, minute):
    instant = a_paris(jour, heure, minute)
    assert rules.jour_paris(instant.astimezone(datetime.UTC)) == jour
    assert rules.debut_jour_paris(jour) <= instant < rules.debut_jour_paris(jour + datetime.timedelta(days=1))


@given(le=dates)
def test_mois_precedent(le):
    premier, dernier = rules.mois_precedent(le)
    assert premier.day == 1 and dernier + datetime.timedelta(days=1) == le.replace(day=1)
