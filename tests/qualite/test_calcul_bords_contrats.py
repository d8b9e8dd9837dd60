"""Mesures de la charte portant sur les contrats d'engagement, aux bords (docs/charte-qualite.md) : diagnostics,
rendez-vous mensuels, SIA, qualité des CE, actions départementales, évolutions. Chaque appel vérifie aussi que la
référence en Python pur donne la même chose (`compte`)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from aap.parcours import choices as c
from tests.parcours.factories import ActionFactory, ContratFactory, DiagnosticFactory, HeuresFactory
from tests.qualite.test_calcul_bords import CLOTURE, CREATION, J, compte, diagnostic, orienter, rdv


pytestmark = pytest.mark.usefixtures("catalogue_2026")


# --- diagnostic_actualise ----------------------------------------------------------------------------------


def test_diagnostic_actualise_a_la_creation_et_a_la_cloture():
    o = orienter()
    complet = ContratFactory(orientation=o, statut=c.StatutContrat.CLOS, date_cloture=J(2026, 5, 31))
    DiagnosticFactory(contrat=complet)
    DiagnosticFactory(contrat=complet, moment=c.MomentDiagnostic.CLOTURE_CE)
    rompu = ContratFactory(orientation=o, rang=2, statut=c.StatutContrat.ROMPU, date_cloture=J(2026, 4, 1))
    DiagnosticFactory(contrat=rompu)
    DiagnosticFactory(contrat=complet, moment=c.MomentDiagnostic.CLOTURE_CE, orientation=o)  # 2e, sans effet
    en_cours = ContratFactory(orientation=o, rang=3, date_cloture=J(2026, 4, 1))  # signé : pas terminé
    DiagnosticFactory(contrat=en_cours)
    clos_apres = ContratFactory(orientation=o, rang=4, statut=c.StatutContrat.CLOS, date_cloture=J(2026, 6, 1))
    DiagnosticFactory(contrat=clos_apres)
    DiagnosticFactory(contrat=clos_apres, moment=c.MomentDiagnostic.CLOTURE_CE)
    assert compte("diagnostic", o.structure) == (1, 2)


# --- rendez_vous_mensuels ----------------------------------------------------------------------------------


def test_rendez_vous_mensuels_mois_entiers_du_contrat_et_de_la_periode():
    o = orienter()
    ContratFactory(orientation=o, date_signature=J(2026, 3, 16), date_debut=J(2026, 3, 16), date_fin=J(2026, 6, 15))
    # mars entamé (pas compté) ; avril : 2 honorés dont 1 physique, le premier le 01/04 à 0 h 30 (31/03 UTC)
    rdv(o, J(2026, 3, 20))
    rdv(o, J(2026, 3, 25))
    rdv(o, J(2026, 4, 1), 0, 30, mode=c.ModeRendezVous.TELEPHONE)
    rdv(o, J(2026, 4, 30), 23, 30)
    # mai : 2 honorés par téléphone, une absence physique → pas atteint
    rdv(o, J(2026, 5, 5), mode=c.ModeRendezVous.TELEPHONE)
    rdv(o, J(2026, 5, 6), mode=c.ModeRendezVous.VISIO)
    rdv(o, J(2026, 5, 7), presence=c.Presence.ABSENCE_INJUSTIFIEE)
    assert compte("rendez_vous_mensuels", o.structure) == (1, 2)  # avril, mai
    assert compte("rendez_vous_mensuels", o.structure, fin=J(2026, 5, 30)) == (1, 1)  # mai coupé par F
    assert compte("rendez_vous_mensuels", o.structure, debut=J(2026, 4, 2)) == (0, 1)  # avril coupé par D
    assert compte("rendez_vous_mensuels", o.structure, fin=J(2026, 6, 30)) == (1, 2)  # juin coupé par le terme


def test_rendez_vous_mensuels_un_rendez_vous_le_31_a_23_h_30_reste_dans_le_mois():
    o = orienter()
    ContratFactory(orientation=o, date_signature=J(2026, 3, 1), date_debut=J(2026, 3, 1), date_fin=J(2026, 9, 1))
    rdv(o, J(2026, 3, 10))
    rdv(o, J(2026, 3, 31), 23, 30)  # 21 h 30 UTC… mais 1er avril pour personne
    rdv(o, J(2026, 4, 30), 23, 30, mode=c.ModeRendezVous.TELEPHONE)
    rdv(o, J(2026, 5, 1), 0, 30)  # 30/04 22 h 30 UTC : mai
    assert compte("rendez_vous_mensuels", o.structure, fin=J(2026, 4, 30)) == (1, 2)


def test_rendez_vous_mensuels_contrat_clos_et_renouvellement():
    o = orienter()
    ContratFactory(
        orientation=o, date_signature=J(2026, 3, 1), date_debut=J(2026, 3, 1), date_fin=J(2026, 8, 31),
        statut=c.StatutContrat.CLOS, date_cloture=J(2026, 4, 30),
    )  # fmt: skip
    ContratFactory(
        orientation=o, rang=2, date_signature=J(2026, 5, 1), date_debut=J(2026, 5, 1), date_fin=J(2026, 10, 31)
    )
    for jour in (J(2026, 3, 2), J(2026, 3, 3), J(2026, 5, 4), J(2026, 5, 5)):
        rdv(o, jour)
    # mars, avril (CE 1, clos fin avril) ; mai (CE 2, renouvellement compté comme un contrat)
    assert compte("rendez_vous_mensuels", o.structure) == (2, 3)


def test_rendez_vous_mensuels_restreints_aux_parcours_qui_fixent_le_rythme():
    o = orienter(parcours="accueil_dsp")  # la phase d'accueil ne fixe pas d'entretiens par mois
    ContratFactory(orientation=o, date_signature=J(2026, 3, 1), date_debut=J(2026, 3, 1))
    assert compte("rendez_vous_mensuels", o.structure) == (0, 0)


# --- sia_conforme ------------------------------------------------------------------------------------------


def contrat_sia(o, heures, saisies, rang=1, **kwargs):
    ce = ContratFactory(
        orientation=o, rang=rang, date_signature=J(2026, 3, 16), date_debut=J(2026, 3, 16), date_fin=J(2026, 9, 15),
        heures_hebdo_prevues=heures, **kwargs,
    )  # fmt: skip
    for i, saisie in enumerate(saisies):
        HeuresFactory(contrat=ce, semaine=J(2026, 3, 16) + datetime.timedelta(weeks=i), saisie_le=saisie)
    return ce


CHAQUE_MOIS = [J(2026, 3, 31), J(2026, 4, 1), J(2026, 5, 31)]


@pytest.mark.parametrize(
    ("heures", "saisies", "atteint"),
    [
        (10, CHAQUE_MOIS, True),
        (7, CHAQUE_MOIS, True),
        (15, CHAQUE_MOIS, True),
        (Decimal("6.5"), CHAQUE_MOIS, False),
        (Decimal("15.5"), CHAQUE_MOIS, False),
        (None, CHAQUE_MOIS, False),
        (10, [J(2026, 3, 31), J(2026, 5, 1)], False),  # avril manque
        (10, [J(2026, 4, 1), J(2026, 5, 2)], False),  # mars (début du contrat dans la période) manque
    ],
)
def test_sia_heures_dans_la_fourchette_et_mise_a_jour_mensuelle(heures, saisies, atteint):
    o = orienter()
    contrat_sia(o, heures, saisies)
    assert compte("sia", o.structure) == (int(atteint), 1)


def test_sia_mois_requis_bornes_par_la_periode_et_le_terme():
    o = orienter()
    contrat_sia(o, 10, [J(2026, 4, 15)], statut=c.StatutContrat.ROMPU, date_cloture=J(2026, 4, 20))
    assert compte("sia", o.structure, debut=J(2026, 4, 1)) == (1, 1)  # seul avril est exigé
    assert compte("sia", o.structure) == (0, 1)  # mars aussi
    assert compte("sia", o.structure, debut=J(2026, 4, 21)) == (0, 0)  # rompu avant D : pas actif


@pytest.mark.parametrize(("heures", "atteint"), [(15, True), (Decimal("14.5"), False), (35, True)])
def test_sia_de_la_fiche_5_2_quinze_heures_au_moins_sans_maximum(heures, atteint):
    o = orienter(dispositif="5.2")
    contrat_sia(o, heures, CHAQUE_MOIS)
    assert compte("sia", o.structure, dispositif="5.2") == (int(atteint), 1)


# --- qualite_ce et actions_departementales -----------------------------------------------------------------


def actions(ce, *specs):
    """specs : (catégorie, couvre tout le contrat, détail renseigné)."""
    for categorie, entiere, detail in specs:
        debut = ce.date_debut if entiere else ce.date_debut + datetime.timedelta(days=10)
        ActionFactory(contrat=ce, categorie=categorie, date_debut=debut, detail="Détail" if detail else "")


SOC, PRO = c.CategorieAction.SOCIALE, c.CategorieAction.INSERTION_PRO


@pytest.mark.parametrize(
    ("dispositif", "specs", "atteint"),
    [
        ("5.1", [(SOC, True, True), (SOC, False, True), (PRO, False, True)], True),
        ("5.1", [(SOC, True, True), (SOC, False, True)], False),  # 2 actions
        ("5.1", [(SOC, True, True), (SOC, False, False), (PRO, False, True)], False),  # détail vide
        ("5.1", [(SOC, False, True), (SOC, False, True), (PRO, False, True)], False),  # aucune sur tout le CE
        ("5.2", [(SOC, True, True), (SOC, False, True), (PRO, False, True)], False),  # 1 seule d'insertion pro
        ("5.2", [(SOC, True, True), (PRO, False, True), (PRO, False, True)], True),
    ],
)
def test_qualite_du_ce(dispositif, specs, atteint):
    o = orienter(dispositif=dispositif)
    actions(ContratFactory(orientation=o), *specs)
    assert compte("qualite_ce", o.structure, dispositif=dispositif) == (int(atteint), 1)


def test_qualite_ce_et_actions_departementales_sur_les_contrats_signes_dans_la_periode():
    o = orienter()
    bon = ContratFactory(orientation=o, date_signature=J(2026, 3, 20))
    actions(bon, (SOC, True, True), (SOC, False, True), (PRO, False, True))
    ActionFactory(contrat=bon, dispositif_departemental=True)
    vide = ContratFactory(orientation=o, rang=2, date_signature=J(2026, 5, 31))  # aucune action
    hors = ContratFactory(orientation=o, rang=3, date_signature=J(2026, 6, 1))
    ActionFactory(contrat=hors, dispositif_departemental=True)
    assert vide.actions.count() == 0
    assert compte("qualite_ce", o.structure) == (1, 2)
    assert compte("actions_insertion", o.structure) == (1, 2)


def test_evolutions_positives_moins_de_freins_a_la_cloture():
    o = orienter()
    clos = {"statut": c.StatutContrat.CLOS, "date_cloture": J(2026, 5, 15)}
    mieux = ContratFactory(orientation=o, **clos)
    diagnostic(mieux, CREATION, J(2026, 3, 20), 3)
    diagnostic(mieux, CLOTURE, J(2026, 5, 15), 1)
    pareil = ContratFactory(orientation=o, rang=2, **clos)
    diagnostic(pareil, CREATION, J(2026, 3, 20), 2)
    diagnostic(pareil, CLOTURE, J(2026, 5, 15), 2)
    # le plus récent de création (même date : le dernier créé) a 1 frein : pas d'évolution
    recent = ContratFactory(orientation=o, rang=3, **clos)
    diagnostic(recent, CREATION, J(2026, 3, 20), 3)
    diagnostic(recent, CREATION, J(2026, 3, 20), 1)
    diagnostic(recent, CLOTURE, J(2026, 5, 15), 1)
    sans_cloture = ContratFactory(orientation=o, rang=4, **clos)
    diagnostic(sans_cloture, CREATION, J(2026, 3, 20), 3)
    assert compte("evolutions_parcours", o.structure) == (1, 3)


def test_sia_contrat_clos_avant_son_debut_aucun_mois_exige():
    """Donnée incohérente (clôture avant le début) : la fenêtre des mois exigés est vide, seules les heures
    prévues comptent (la référence fait de même : « chaque mois » d'un ensemble vide)."""
    o = orienter()
    ContratFactory(
        orientation=o, date_signature=J(2026, 4, 16), date_debut=J(2026, 4, 16), statut=c.StatutContrat.CLOS,
        date_cloture=J(2026, 3, 20), heures_hebdo_prevues=10,
    )  # fmt: skip
    assert compte("sia", o.structure) == (1, 1)  # d'avril à mars : aucun mois


def test_contrat_clos_sans_date_de_cloture_court_jusqu_a_sa_fin_prevue():
    o = orienter()
    ContratFactory(
        orientation=o, date_signature=J(2026, 3, 1), date_debut=J(2026, 3, 1), date_fin=J(2026, 4, 30),
        statut=c.StatutContrat.CLOS, date_cloture=None,
    )  # fmt: skip
    assert compte("diagnostic", o.structure) == (0, 0)  # pas « terminé dans la période »
    assert compte("rendez_vous_mensuels", o.structure) == (0, 2)  # mars et avril, jusqu'à la fin prévue
