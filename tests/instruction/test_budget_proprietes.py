"""Propriétés du budget retenu (hypothesis) : quelles que soient les réductions, les totaux du plan retenu sont la
somme des lignes retenues au centime, chaque ligne retenue ≤ demandée, les forfaits suivent la base retenue."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from aap.demandes.choix import CategorieDepense, Financeur, StatutDemande
from aap.demandes.financement import ContextePlan, Depense, Ressource, arrondi, calculer_plan, montant_poste
from aap.instruction.budget import (
    budget_retenu,
    depenses_retenues,
    montant_retenu_de,
    plan_retenu,
    ressources_retenues,
    retenir_depense,
    retenir_ressource,
)
from aap.instruction.models import DepenseRetenue, RessourceRetenue
from tests.demandes.factories import M1, M3, DemandeFactory, DispositifFactory, SessionAppelFactory, fiche


ANNEES = (2026, 2027)
montants = st.decimals(min_value=0, max_value=200_000, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def poste(draw, categorie=CategorieDepense.PERSONNEL):
    return Depense(
        annee=draw(st.sampled_from(ANNEES)),
        categorie=categorie,
        libelle="Poste",
        etp=Decimal(1),
        taux_affectation=draw(st.decimals(min_value=30, max_value=100, places=2)),
        cout_annuel=draw(st.decimals(min_value=1, max_value=90_000, places=2)),
        mois=Decimal(draw(st.integers(min_value=1, max_value=12))),
    )


@st.composite
def ligne(draw):
    categorie = draw(st.sampled_from([CategorieDepense.FONCTIONNEMENT, CategorieDepense.PRESTATIONS]))
    return Depense(annee=draw(st.sampled_from(ANNEES)), categorie=categorie, libelle="Ligne", montant=draw(montants))


@st.composite
def retenue(draw, demande: Decimal):
    """None (retenue telle quelle), 0 (écartée) ou une réduction entre 0 et le montant demandé."""
    choix = draw(st.sampled_from(["telle", "ecartee", "reduite"]))
    if choix == "telle":
        return None
    if choix == "ecartee":
        return Decimal(0)
    part = draw(st.decimals(min_value=0, max_value=1, places=4))
    return arrondi(demande * part)


@st.composite
def plan_et_retenues(draw, modele):
    regles = fiche(modele)
    depenses = draw(st.lists(poste(), min_size=1, max_size=6))
    if modele == M3:
        depenses += draw(st.lists(ligne(), max_size=4))
    paires = []
    for d in depenses:
        demande = montant_poste(regles, d) if d.categorie == CategorieDepense.PERSONNEL else arrondi(d.montant)
        paires.append((d, demande, draw(retenue(demande))))
    return regles, paires


@given(donnees=st.one_of(plan_et_retenues(M1), plan_et_retenues(M3)))
@settings(max_examples=200, deadline=None)
def test_totaux_du_plan_retenu_somme_des_lignes_retenues(donnees):
    regles, paires = donnees
    contexte = ContextePlan(annees=ANNEES)
    demande_plan = calculer_plan(regles, [d for d, _, _ in paires], [], contexte)
    plan = calculer_plan(regles, depenses_retenues((d, r) for d, _, r in paires), [], contexte)

    attendues = sorted(r if r is not None else m for _, m, r in paires if r is None or r > 0)
    saisies = sorted(ligne.montant for ligne in plan.lignes if not ligne.derivee)
    assert saisies == attendues  # chaque ligne entre à son montant retenu ; les écartées n'entrent pas
    for _, demande, retenu in paires:
        assert retenu is None or retenu <= demande
    for annee in plan.annees:
        assert annee.total_depenses == sum((ligne.montant for ligne in annee.lignes), Decimal(0))
        if regles.financement.modele == M1:
            base = sum((ligne.montant for ligne in annee.lignes if not ligne.derivee), Decimal(0))
            forfait = [ligne.montant for ligne in annee.lignes if ligne.derivee]
            assert forfait == [arrondi(base * regles.financement.taux_forfait / 100)]
    assert plan.cout_total == sum((ligne.montant for ligne in plan.lignes), Decimal(0))
    assert plan.cout_total == sum((a.total_depenses for a in plan.annees), Decimal(0))
    assert plan.cout_total <= demande_plan.cout_total


@given(
    ressources=st.lists(
        st.tuples(st.sampled_from(ANNEES), st.sampled_from(Financeur.values), montants, st.integers(0, 2)),
        min_size=1,
        max_size=8,
    )
)
def test_ressources_retenues_somme_des_montants_retenus(ressources):
    paires = [
        (Ressource(annee, financeur, montant), [None, Decimal(0), arrondi(montant / 3)][choix])
        for annee, financeur, montant, choix in ressources
    ]
    retenues = ressources_retenues(paires)
    assert sum((r.montant for r in retenues), Decimal(0)) == sum(
        (r.montant if m is None else m for r, m in paires), Decimal(0)
    )
    assert len(retenues) == sum(1 for _, m in paires if m is None or m > 0)  # les écartées sont ôtées


def test_en_base_toute_reduction_garde_les_totaux(instructeur):
    """Les services sur une vraie demande (coûts réels, deux ans) : le plan retenu relu en base = somme des
    montants retenus des lignes, au centime, par année et au total."""
    demande = DemandeFactory(
        statut=StatutDemande.VALIDEE, session=SessionAppelFactory(dispositif=DispositifFactory(modele=M3)), budget=True
    )
    depenses = list(demande.depenses.all())
    ressources = list(demande.ressources.all())

    @given(
        parts_d=st.lists(st.sampled_from([None, 0, 1, 37, 50, 99]), min_size=len(depenses), max_size=len(depenses)),
        parts_r=st.lists(st.sampled_from([None, 0, 33, 100]), min_size=len(ressources), max_size=len(ressources)),
    )
    @settings(max_examples=25, deadline=None)
    def verifier(parts_d, parts_r):
        DepenseRetenue.objects.all().delete()
        RessourceRetenue.objects.all().delete()
        for lignes, parts, service in ((depenses, parts_d, retenir_depense), (ressources, parts_r, retenir_ressource)):
            for ligne_, part in zip(lignes, parts, strict=True):
                if part is not None:
                    service(ligne_, instructeur, arrondi(ligne_.montant * part / 100), "Réduction de test.")
        budget = budget_retenu(demande)
        plan = plan_retenu(demande)
        for annee in plan.annees:
            attendu = sum((montant_retenu_de(x) for x in budget.depenses if x.annee == annee.annee), Decimal(0))
            assert annee.total_depenses == attendu
            attendu = sum((montant_retenu_de(x) for x in budget.ressources if x.annee == annee.annee), Decimal(0))
            assert annee.total_ressources == attendu
        assert plan.cout_total == sum((montant_retenu_de(x) for x in budget.depenses), Decimal(0))
        assert plan.total_ressources == sum((montant_retenu_de(x) for x in budget.ressources), Decimal(0))
        assert all(montant_retenu_de(x) <= x.montant for x in [*budget.depenses, *budget.ressources])
        assert plan.montant_departement == sum(
            (montant_retenu_de(x) for x in budget.ressources if x.financeur == Financeur.DEPARTEMENT), Decimal(0)
        )

    verifier()
