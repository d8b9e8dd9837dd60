"""Les demandes sur le vrai catalogue 2026 (`catalogue_2026`) : chaque fiche détaillée permet un dépôt complet,
et les paramètres (plafond, parts, montant par ETP, clôture) viennent bien des fichiers du catalogue."""

from __future__ import annotations

from decimal import Decimal

import pytest

from aap.catalogue.models import SessionAppel
from aap.catalogue.schema import Fiche, ModeleFinancement
from aap.demandes import services
from aap.demandes.choix import CategorieDepense, Financeur, StatutDemande
from aap.demandes.financement import CATEGORIES_SAISIES, ContextePlan, Depense, Ressource, arrondi, calculer_plan
from aap.demandes.rules import SessionClose, territoires_eligibles
from tests.demandes.conftest import APRES_CLOTURE, DERNIERE_SECONDE, PENDANT
from tests.factories import territoire


def _postes(fiche: Fiche, annees: list[int]) -> list[Depense]:
    modele = ModeleFinancement(fiche.financement.modele)
    categories = CATEGORIES_SAISIES[modele]
    depenses = []
    for annee in annees:
        depenses.append(
            Depense(annee, categories[0], "Référent(e) de parcours", etp=Decimal("1"), taux_affectation=Decimal("100"),
                    cout_annuel=Decimal("36000"), mois=Decimal("12"))
        )  # fmt: skip
        if modele == ModeleFinancement.COUTS_REELS:
            depenses += [
                Depense(annee, CategorieDepense.FONCTIONNEMENT, "Véhicules", Decimal("9000")),
                Depense(annee, CategorieDepense.INDIRECTS, "Frais de structure", Decimal("4000")),
            ]
    return depenses


def _ressources(fiche: Fiche, plan, contexte: ContextePlan) -> list[Ressource]:
    """Département au plus bas des taux applicables de la fiche, le reste au fonds européen (ou fonds propres)."""
    parts = [
        p
        for p in fiche.financement.parts_departement
        if (p.condition == "bassin_minier") == contexte.tout_en_bassin_minier or p.condition is None
    ]
    taux = [p.taux for p in parts] + [getattr(fiche.financement, "part_departement_poste", Decimal(100))]
    fonds = (parts[0].fonds if parts else (fiche.porteurs.cofinancement or [None])[0]) or None
    complement = {"FSE+": Financeur.FSE_PLUS, "FTJ": Financeur.FTJ}.get(str(fonds), Financeur.FONDS_PROPRES)
    ressources = []
    for annee in plan.annees:
        dept = arrondi(annee.total_depenses * min(taux) / 100)
        ressources += [
            Ressource(annee.annee, Financeur.DEPARTEMENT, dept),
            Ressource(annee.annee, complement, annee.total_depenses - dept),
        ]
    return ressources


def test_chaque_fiche_2026_permet_un_depot_complet(catalogue_2026, porteur, structure):
    sessions = SessionAppel.objects.filter(dispositif__edition=catalogue_2026, numero=1).select_related("dispositif")
    assert sessions.count() == 11
    for session in sessions:
        dispositif = session.dispositif
        fiche = dispositif.fiche
        eligibles = list(territoires_eligibles(dispositif))
        choisi = territoire("arrageois") if territoire("arrageois") in eligibles else eligibles[0]
        demande = services.creer_demande(porteur, structure, session, f"Action {dispositif.code}", [choisi], PENDANT)
        compteurs = {"etp": Decimal(2), "places": 140, "dsp": 800, "participants": 60, "postes_insertion": 12}
        services.mettre_a_jour(
            demande,
            porteur,
            {
                "description": "Accompagnement renforcé.",
                "objectifs": "Lever les freins.",
                "resultats_attendus": "Sorties dynamiques.",
                "moyens_humains": "Deux référents.",
                "moyens_materiels": "Locaux accessibles.",
                "partenariats": "SLAI, France Travail.",
                **{str(c): compteurs[str(c)] for c in fiche.compteurs},
            },
            at=PENDANT,
        )
        depenses = _postes(fiche, demande.annees)
        contexte = services.contexte_de(demande)
        brut = calculer_plan(fiche, depenses, [], contexte)
        plan = services.enregistrer_budget(demande, porteur, depenses, _ressources(fiche, brut, contexte), at=PENDANT)
        assert plan.conforme, (dispositif.code, plan.messages)
        services.deposer(demande, porteur, at=PENDANT)
        assert demande.statut == StatutDemande.DEPOSEE, dispositif.code
        assert demande.reference == f"AAP2026-{dispositif.code}-00001"


def _dispositif(edition, code):
    return edition.dispositifs.get(code=code)


def test_plafond_du_chantier_d_insertion_lu_dans_la_fiche_5_5(catalogue_2026):
    fiche = _dispositif(catalogue_2026, "5.5").fiche
    depenses = [Depense(a, CategorieDepense.ENCADREMENT, "Encadrant technique", etp=Decimal(1),
                        taux_affectation=Decimal(100), cout_annuel=Decimal("40000"), mois=Decimal(12))
                for a in (2026, 2027)]  # fmt: skip
    plan = calculer_plan(fiche, depenses, [], ContextePlan((2026, 2027), postes_insertion=10, mois_operation=24))
    # 80 000 + 15 % = 92 000 > 375 × 10 × 24 = 90 000
    assert plan.depenses["indirects"] == Decimal("12000.00")
    assert any("375,00 € par participant et par mois × 10 postes en insertion × 24 mois" in m for m in plan.messages)


@pytest.mark.parametrize(
    ("code_territoire", "fonds", "maximum"), [("artois", "FTJ", "30"), ("arrageois", "FSE+", "40")]
)
def test_fiche_5_10_part_selon_le_bassin_minier(catalogue_2026, code_territoire, fonds, maximum):
    fiche = _dispositif(catalogue_2026, "5.10").fiche
    contexte = ContextePlan((2026,), (territoire(code_territoire).bassin_minier,))
    poste = Depense(2026, CategorieDepense.PERSONNEL, "Facilitateur", etp=Decimal(1), taux_affectation=Decimal(100),
                    cout_annuel=Decimal("50000"), mois=Decimal(12))  # fmt: skip
    complement = Financeur.FTJ if fonds == "FTJ" else Financeur.FSE_PLUS
    ressources = [
        Ressource(2026, Financeur.DEPARTEMENT, Decimal("31500")),
        Ressource(2026, complement, Decimal("38500")),
    ]
    plan = calculer_plan(fiche, [poste], ressources, contexte)  # 70 000 de coût, Département 45 %
    assert [v.code for v in plan.violations] == ["part_departement"]
    assert f"maximum de {maximum} % du coût total prévu en cas de cofinancement {fonds}" in plan.messages[0]


def test_fiche_5_11_montant_par_etp_et_segur(catalogue_2026):
    fiche = _dispositif(catalogue_2026, "5.11").fiche
    poste = Depense(
        2026, CategorieDepense.PERSONNEL, "Coordinatrice Logement d'abord", etp=Decimal(1),
        taux_affectation=Decimal(100), cout_annuel=Decimal(60000), mois=Decimal(12),
    )  # fmt: skip
    ressources = [
        Ressource(2026, Financeur.DEPARTEMENT, Decimal("28070.00")),  # 22 800 (plafond) + 5 270 (Ségur)
        Ressource(2026, Financeur.FSE_PLUS, Decimal("36000.00")),  # 60 % du poste
        Ressource(2026, Financeur.FONDS_PROPRES, Decimal("1200.00")),
    ]
    plan = calculer_plan(fiche, [poste], ressources, ContextePlan((2026,)))
    assert plan.cout_total == Decimal("65270.00") and plan.conforme, plan.messages


def test_cloture_reelle_de_la_session_1(catalogue_2026, porteur, structure):
    session = _dispositif(catalogue_2026, "5.2").sessions.get(numero=1)
    services.creer_demande(porteur, structure, session, "Dernière seconde", [territoire()], DERNIERE_SECONDE)
    with pytest.raises(SessionClose, match="est close depuis le 15/02/2026"):
        services.creer_demande(porteur, structure, session, "Trop tard", [territoire()], APRES_CLOTURE)
