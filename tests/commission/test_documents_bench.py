"""Le banc de la CP (bench/cp.py) tourne sur une petite séance : lignes et structures demandées, aucune erreur,
une durée par document. (Les durées ne sont pas vérifiées : c'est le rôle de `make bench`.)"""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest

from aap.commission.models import SeanceCP
from aap.demandes.choix import StatutDemande
from bench import cp
from tests.commission.cp_fabrique import dispositif
from tests.demandes.factories import DemandeFactory
from tests.factories import StructureFactory, UserFactory
from tests.instruction.factories import LigneBudgetaireFactory


def test_banc_cp_sur_une_petite_seance():
    UserFactory(role="gestionnaire")
    ligne = LigneBudgetaireFactory(code_operation="C02-446A05", ae=Decimal("100000.00"))
    d1 = dispositif(1, "Parcours accompagnement RSA", "1.1", 1, ligne)
    d2 = dispositif(5, "Contreparties FSE", "5.5", 5, None)  # sans ligne : hors budget
    structures = [StructureFactory() for _ in range(3)]
    for i in range(6):
        d = d1 if i % 3 else d2
        DemandeFactory(
            dispositif=d, session=d.sessions.first(), structure=structures[i % 3], statut=StatutDemande.VALIDEE
        )
    lignes: list[str] = []
    resultat = cp.mesurer(lignes.append, nb_lignes=5, nb_structures=3)
    assert resultat["lignes"] == 5 and resultat["structures"] == 3 and resultat["erreurs"] == 0
    moteur = "LibreOffice" if shutil.which("soffice") else "WeasyPrint"
    assert resultat["moteur_annexe_pdf"] == moteur
    assert set(resultat["durees_s"]) >= {
        "dossier (lecture et calcul)",
        "contrôles de cohérence",
        "rapport DOCX",
        "annexe XLSX",
        f"annexe PDF ({moteur})",
    }
    assert resultat["total_s"] == pytest.approx(sum(resultat["durees_s"].values()), abs=0.01)
    assert resultat["generation_s"] > 0
    assert lignes[0].startswith("CP du banc : 5 lignes d'annexe, 3 structures")
    assert lignes[-2].startswith("  somme des étapes")
    assert lignes[-1].startswith("  génération complète") and "objectif < 5 s" in lignes[-1]
    # Relancé, le banc remplace sa séance sans doublon.
    cp.mesurer(lignes.append, nb_lignes=4, nb_structures=3)
    assert SeanceCP.objects.get(date=cp.DATE_SEANCE).inscriptions.count() == 4
