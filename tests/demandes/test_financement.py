"""Règles de financement (`aap.demandes.financement`) : calcul pur, exemples et propriétés (hypothesis)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aap.demandes.choix import CategorieDepense, Financeur
from aap.demandes.financement import ContextePlan, Depense, Ressource, arrondi, calculer_plan
from tests.demandes.factories import M1, M2, M3, M4, fiche


D = Decimal
PERSONNEL = CategorieDepense.PERSONNEL


def poste(annee=2026, cout="42000", part="100", mois="12", libelle="Référent", categorie=PERSONNEL, etp="1"):
    return Depense(
        annee=annee,
        categorie=categorie,
        libelle=libelle,
        etp=D(etp) if etp is not None else None,
        taux_affectation=D(part) if part is not None else None,
        cout_annuel=D(cout) if cout is not None else None,
        mois=D(mois) if mois is not None else None,
    )


def codes(plan):
    return [v.code for v in plan.violations]


# --- Exemples par modèle ---------------------------------------------------------------------------


def test_forfait_40_sur_les_frais_de_personnel():
    f = fiche(M1)
    plan = calculer_plan(
        f,
        [poste(cout="42000", part="50", mois="12"), poste(cout="30000", part="100", mois="6", libelle="Assistante")],
        [Ressource(2026, Financeur.DEPARTEMENT, D("14280")), Ressource(2026, Financeur.FSE_PLUS, D("21420"))],
    )
    # 42 000 × 50 % + 30 000 × 6/12 = 36 000 ; forfait 40 % = 14 400
    assert plan.depenses == {"personnel": D("36000.00"), "forfait": D("14400.00")}
    assert plan.cout_total == D("50400.00")
    forfait = [ligne for ligne in plan.lignes if ligne.derivee]
    assert len(forfait) == 1 and forfait[0].montant == D("14400.00")
    assert (
        "Le plan n'est pas équilibré : les dépenses (50 400,00 €) dépassent les ressources (35 700,00 €) de "
        in (plan.messages[0])
    )


def test_le_forfait_lit_le_taux_de_la_fiche():
    plan = calculer_plan(fiche(M1, taux_forfait="25"), [poste(cout="10000")], [])
    assert plan.depenses["forfait"] == D("2500.00")


def test_message_exact_de_desequilibre():
    plan = calculer_plan(
        fiche(M3, cofinancement=[]),
        [Depense(2026, CategorieDepense.FONCTIONNEMENT, "Locaux", D("120000"))],
        [Ressource(2026, Financeur.DEPARTEMENT, D("118000"))],
    )
    assert (
        "Le plan n'est pas équilibré : les dépenses (120 000,00 €) dépassent les ressources (118 000,00 €) "
        "de 2 000,00 €." in plan.messages
    )


def test_message_exact_de_part_du_departement():
    plan = calculer_plan(
        fiche(M1),
        [poste(cout="100000", mois="12")],  # 100 000 + 40 000 = 140 000
        [Ressource(2026, Financeur.DEPARTEMENT, D("63000")), Ressource(2026, Financeur.FSE_PLUS, D("77000"))],
    )
    assert plan.equilibre
    assert plan.part_departement == D("45.00")
    assert [v.message for v in plan.violations] == [
        "La part du Département (45 %) dépasse le maximum de 40 % du coût total prévu en cas de cofinancement "
        "FSE+ : 63 000,00 € demandés pour un maximum de 56 000,00 €."
    ]


def test_taux_d_affectation_minimal():
    f = fiche(M1, taux_affectation_min="30")
    plan = calculer_plan(f, [poste(part="20", libelle="Comptable"), poste(part="30", libelle="Référente")], [])
    messages = [v.message for v in plan.violations if v.code == "affectation_min"]
    assert messages == [
        "Le poste « Comptable » (2026) n'est affecté qu'à 20 % à l'action : la fiche exige au moins 30 % du temps "
        "de travail pour un personnel partiellement affecté."
    ]


def test_encadrement_plafond_par_participant_et_par_mois():
    f = fiche(M2)
    depenses = [poste(categorie=CategorieDepense.ENCADREMENT, cout="40000", annee=a) for a in (2026, 2027)]
    # 80 000 + 15 % = 92 000 ; plafond 375 × 10 × 24 = 90 000
    plan = calculer_plan(f, depenses, [], ContextePlan(annees=(2026, 2027), postes_insertion=10, mois_operation=24))
    assert plan.depenses == {"encadrement": D("80000.00"), "indirects": D("12000.00")}
    plafond = [v.message for v in plan.violations if v.code == "plafond_participant_mois"]
    assert plafond == [
        "Le coût total éligible (92 000,00 €) dépasse le plafond de la fiche : 375,00 € par participant et par mois "
        "× 10 postes en insertion × 24 mois = 90 000,00 €, soit 2 000,00 € de trop."
    ]
    ok = calculer_plan(f, depenses, [], ContextePlan(annees=(2026, 2027), postes_insertion=11, mois_operation=24))
    assert "plafond_participant_mois" not in codes(ok)
    inconnu = calculer_plan(f, depenses, [], ContextePlan(annees=(2026, 2027)))
    assert "plafond_inverifiable" in codes(inconnu)


def test_couts_reels_indirects_plafonnes_hors_prestations():
    f = fiche(M3)
    lignes = [
        poste(cout="30000"),
        Depense(2026, CategorieDepense.FONCTIONNEMENT, "Véhicules", D("20000")),
        Depense(2026, CategorieDepense.PRESTATIONS, "Auto-école", D("50000")),
        Depense(2026, CategorieDepense.INDIRECTS, "Frais de structure", D("20000.01")),
    ]
    plan = calculer_plan(f, lignes, [])
    assert plan.cout_total == D("120000.01")
    assert [v.message for v in plan.violations if v.code == "indirects_max"] == [
        "Les coûts indirects (20 000,01 €) dépassent 40 % des frais de personnel et de fonctionnement "
        "(50 000,00 €, prestations exclues), soit un maximum de 20 000,00 €."
    ]
    lignes[-1] = Depense(2026, CategorieDepense.INDIRECTS, "Frais de structure", D("20000"))
    assert "indirects_max" not in codes(calculer_plan(f, lignes, []))


def test_montant_fixe_par_etp_et_segur():
    """5.11 : 40 % du coût des postes dans la limite de 22 800 € par ETP et par 12 mois, plus le Ségur."""
    f = fiche(M4)
    # Un coordinateur à temps plein sur l'année, 60 000 € chargés : Ségur = 1 ETP × 5 270 €.
    plan = calculer_plan(f, [poste(cout="60000", etp="1", part="100", mois="12")], [])
    assert plan.depenses == {"personnel": D("60000.00"), "segur": D("5270.00")}
    assert plan.cout_total == D("65270.00")
    # 40 % × 60 000 = 24 000 plafonné à 22 800, + 5 270 de Ségur = 28 070 € au plus.
    juste = [
        Ressource(2026, Financeur.DEPARTEMENT, D("28070.00")),
        Ressource(2026, Financeur.FSE_PLUS, D("36000.00")),
        Ressource(2026, Financeur.FONDS_PROPRES, D("1200.00")),
    ]
    assert calculer_plan(f, [poste(cout="60000", etp="1", part="100", mois="12")], juste).conforme
    trop = [replace(juste[0], montant=D("28070.01")), juste[1], replace(juste[2], montant=D("1199.99"))]
    plan = calculer_plan(f, [poste(cout="60000", etp="1", part="100", mois="12")], trop)
    assert codes(plan) == ["part_poste"]
    assert "22 800,00 € par ETP et par an (22 800,00 €)" in plan.messages[0]
    # Mi-temps (contrat à 30 000 € chargés par an) sur 6 mois : poste 15 000 €, Ségur 0,25 ETP-an × 5 270 =
    # 1 317,50 € ; maximum = min(40 % × 15 000 = 6 000 ; 0,25 × 22 800 = 5 700) + 1 317,50 = 7 017,50 €.
    demi = poste(cout="30000", etp="0.5", part="100", mois="6")
    assert "part_poste" not in codes(calculer_plan(f, [demi], [Ressource(2026, Financeur.DEPARTEMENT, D("7017.50"))]))
    plan = calculer_plan(f, [demi], [Ressource(2026, Financeur.DEPARTEMENT, D("7017.51"))])
    assert plan.depenses == {"personnel": D("15000.00"), "segur": D("1317.50")}
    assert "part_poste" in codes(plan) and "= 7 017,50 €" in " ".join(plan.messages)
    assert "poste_incomplet" in codes(calculer_plan(f, [poste(etp=None)], []))


def test_categorie_non_retenue_par_le_modele():
    plan = calculer_plan(fiche(M1), [poste(), Depense(2026, CategorieDepense.FONCTIONNEMENT, "Loyer", D("900"))], [])
    assert "categorie_non_retenue" in codes(plan)
    assert plan.depenses == {"personnel": D("42000.00"), "forfait": D("16800.00")}


def test_poste_incomplet():
    plan = calculer_plan(fiche(M1), [poste(cout=None, mois=None)], [])
    assert plan.violations[0].message == (
        "Le poste « Référent » (2026) est incomplet : indiquez le coût annuel chargé, le nombre de mois."
    )


@pytest.mark.parametrize(
    ("territoires", "fse", "ftj", "attendu"),
    [
        ((False,), D("1"), D("0"), ["FSE+"]),
        ((True, True), D("0"), D("1"), ["FTJ"]),
        ((True, False), D("0"), D("1"), ["FSE+"]),  # pas TOUS en bassin minier : hors bassin minier
        ((), D("0"), D("0"), ["FSE+"]),
    ],
)
def test_parts_conditionnees_au_bassin_minier(territoires, fse, ftj, attendu):
    from aap.demandes.financement import parts_applicables

    f = fiche(
        M1,
        parts_departement=[
            {"fonds": "FSE+", "taux": "40", "condition": "hors_bassin_minier"},
            {"fonds": "FTJ", "taux": "30", "condition": "bassin_minier"},
        ],
    )
    ressources = [Ressource(2026, Financeur.FSE_PLUS, fse), Ressource(2026, Financeur.FTJ, ftj)]
    contexte = ContextePlan(territoires_bassin_minier=territoires)
    plan = calculer_plan(f, [poste()], ressources, contexte)
    assert [str(p.fonds) for p in parts_applicables(f, plan, contexte)] == attendu


def test_part_ftj_sans_condition_quand_le_plan_a_du_ftj():
    f = fiche(
        M1,
        cofinancement=["FSE+", "FTJ"],
        parts_departement=[{"fonds": "FSE+", "taux": "40"}, {"fonds": "FTJ", "taux": "30"}],
    )
    # coût 58 800 ; Département 35 % : sous 40 % (FSE+ absent, donc non applicable) mais au-dessus de 30 % (FTJ)
    ressources = [Ressource(2026, Financeur.DEPARTEMENT, D("20580")), Ressource(2026, Financeur.FTJ, D("38220"))]
    plan = calculer_plan(f, [poste()], ressources)
    assert [v.code for v in plan.violations] == ["part_departement"]
    assert "maximum de 30 % du coût total prévu en cas de cofinancement FTJ" in plan.violations[0].message


def test_cofinancement_absent():
    plan = calculer_plan(fiche(M2), [poste(categorie=CategorieDepense.ENCADREMENT)], [])
    assert (
        "La fiche prévoit un cofinancement FSE+ ou FTJ : le plan de financement n'en comporte aucun." in plan.messages
    )


def test_equilibre_annee_par_annee():
    f = fiche(M3)
    lignes = [Depense(a, CategorieDepense.FONCTIONNEMENT, "Locaux", D("1000")) for a in (2026, 2027)]
    ressources = [Ressource(2026, Financeur.DEPARTEMENT, D("1500")), Ressource(2027, Financeur.DEPARTEMENT, D("500"))]
    plan = calculer_plan(f, lignes, ressources)
    assert plan.ecart == 0 and not plan.equilibre
    assert plan.messages == [
        "En 2026, le plan n'est pas équilibré : les ressources (1 500,00 €) dépassent les dépenses (1 000,00 €) "
        "de 500,00 €.",
        "En 2027, le plan n'est pas équilibré : les dépenses (1 000,00 €) dépassent les ressources (500,00 €) "
        "de 500,00 €.",
    ]


def test_plan_vide():
    plan = calculer_plan(fiche(M1), [], [])
    assert "Le plan ne comporte aucune dépense." in plan.messages
    assert plan.part_departement is None


# --- Propriétés ------------------------------------------------------------------------------------

montants = st.decimals(min_value=D("0"), max_value=D("250000"), places=2, allow_nan=False, allow_infinity=False)
parts = st.decimals(min_value=D("30"), max_value=D("100"), places=2, allow_nan=False, allow_infinity=False)
mois = st.decimals(min_value=D("0.5"), max_value=D("12"), places=1, allow_nan=False, allow_infinity=False)
taux = st.decimals(min_value=D("0"), max_value=D("100"), places=2, allow_nan=False, allow_infinity=False)
annees = st.sampled_from([2026, 2027])


@st.composite
def postes(draw, categorie=PERSONNEL):
    return Depense(
        annee=draw(annees),
        categorie=categorie,
        libelle=draw(st.sampled_from(["Référent", "Coordinatrice", "Encadrant technique"])),
        etp=draw(st.decimals(min_value=D("0.1"), max_value=D("1"), places=2)),
        taux_affectation=draw(parts),
        cout_annuel=draw(montants),
        mois=draw(mois),
    )


@given(lignes=st.lists(postes(), min_size=1, max_size=8), taux_forfait=taux)
@settings(max_examples=150, deadline=None)
def test_forfait_exactement_taux_fois_personnel_au_centime(lignes, taux_forfait):
    f = fiche(M1, taux_forfait=str(taux_forfait))
    plan = calculer_plan(f, lignes, [])
    for annee in plan.annees:
        personnel = sum(
            (
                arrondi(d.cout_annuel * d.taux_affectation / 100 * d.mois / 12)
                for d in lignes
                if d.annee == annee.annee
            ),
            D("0"),
        )
        assert annee.depenses["personnel"] == personnel
        assert annee.depenses["forfait"] == (personnel * taux_forfait / 100).quantize(D("0.01"), "ROUND_HALF_UP")
    assert all(ligne.montant == ligne.montant.quantize(D("0.01")) for ligne in plan.lignes)


def _plan_equilibre(f, lignes, part_dept):
    """Ressources construites pour équilibrer chaque année : Département `part_dept` %, le reste FSE+."""
    brut = calculer_plan(f, lignes, [])
    ressources = []
    for annee in brut.annees:
        dept = arrondi(annee.total_depenses * part_dept / 100)
        ressources += [
            Ressource(annee.annee, Financeur.DEPARTEMENT, dept),
            Ressource(annee.annee, Financeur.FSE_PLUS, annee.total_depenses - dept),
        ]
    return ressources


modeles_personnel = st.sampled_from([(M1, PERSONNEL), (M3, PERSONNEL), (M4, PERSONNEL)])


@given(lignes=st.lists(postes(), min_size=1, max_size=6), modele=modeles_personnel, part=taux)
@settings(max_examples=150, deadline=None)
def test_total_egal_somme_des_parties(lignes, modele, part):
    f = fiche(modele[0])
    plan = calculer_plan(f, lignes, _plan_equilibre(f, lignes, part))
    assert plan.cout_total == sum(plan.depenses.values())
    assert plan.cout_total == sum(a.total_depenses for a in plan.annees)
    assert plan.cout_total == sum(ligne.montant for ligne in plan.lignes)
    assert plan.total_ressources == sum(plan.ressources.values()) == sum(a.total_ressources for a in plan.annees)
    for annee in plan.annees:
        assert annee.total_depenses == sum(annee.depenses.values())


@given(lignes=st.lists(postes(), min_size=1, max_size=6), part=taux)
@settings(max_examples=150, deadline=None)
def test_un_plan_construit_pour_s_equilibrer_est_equilibre(lignes, part):
    f = fiche(M1)
    plan = calculer_plan(f, lignes, _plan_equilibre(f, lignes, part))
    assert plan.equilibre
    assert not {"equilibre", "equilibre_annee"} & set(codes(plan))


@given(
    lignes=st.lists(postes(), min_size=1, max_size=6),
    part=taux,
    index=st.integers(min_value=0, max_value=20),
    sens=st.sampled_from([D("0.01"), D("-0.01")]),
)
@settings(max_examples=150, deadline=None)
def test_decaler_une_ressource_d_un_centime_desequilibre(lignes, part, index, sens):
    f = fiche(M1)
    ressources = _plan_equilibre(f, lignes, part)
    i = index % len(ressources)
    cible = ressources[i]
    ressources[i] = Ressource(cible.annee, cible.financeur, cible.montant + sens)
    plan = calculer_plan(f, lignes, ressources)
    assert not plan.equilibre
    assert "equilibre" in codes(plan)
    assert any("de 0,01 €." in m for m in plan.messages)


@given(lignes=st.lists(postes(), min_size=1, max_size=6), part=taux)
@settings(max_examples=150, deadline=None)
def test_part_du_departement_respectee_si_et_seulement_si_sous_le_taux_de_la_fiche(lignes, part):
    f = fiche(M1)
    plan = calculer_plan(f, lignes, _plan_equilibre(f, lignes, part))
    plafond = arrondi(plan.cout_total * f.financement.parts_departement[0].taux / 100)
    if plan.ressources[Financeur.FSE_PLUS] > 0:
        assert ("part_departement" in codes(plan)) == (plan.montant_departement > plafond)
    else:
        assert "part_departement" not in codes(plan)
