"""Lignes budgétaires de la délibération du 26/05/2026, portées par le catalogue et rattachées aux dispositifs."""

import json
from decimal import Decimal
from io import StringIO
from pathlib import Path
from shutil import copytree

import pytest
from django.core.management import call_command

from aap.catalogue.loader import CatalogueInvalide, load_edition
from aap.catalogue.models import Dispositif, LigneBudgetaire


RATTACHEMENT = {
    "C02-446A05": ["1.1", "1.2", "1.3", "1.4", "1.5", "5.1"],
    "C01-444H03": ["5.3"],
    "C02-428C02": ["4.3"],
    "C02-428C01": ["4.1"],
    "C01-444H02": ["5.10", "5.5", "5.6", "5.7", "5.8", "5.9"],
    "C02-428O10": ["2.1"],
    "C02-428B02": ["4.4"],
}


def test_les_sept_lignes_et_leur_rattachement(catalogue_2026):
    lignes = {lb.code_operation: lb for lb in LigneBudgetaire.objects.filter(edition=catalogue_2026)}
    assert set(lignes) == set(RATTACHEMENT)
    assert lignes["C02-446A05"].imputation == "6568/93446"
    assert lignes["C01-444H02"].ae == Decimal("10082910.00")
    assert sum(lb.ae for lb in lignes.values()) == Decimal(
        "23336003.94"
    )  # somme de la colonne AE du tableau d'imputation
    for code, dispositifs in RATTACHEMENT.items():
        assert sorted(lignes[code].dispositifs.values_list("code", flat=True)) == dispositifs
    # Le numéro vert FSL (2.2) est hors budget départemental.
    assert Dispositif.objects.get(edition=catalogue_2026, code="2.2").ligne_budgetaire is None


def test_export_et_page_publique(client, catalogue_2026):
    sortie = StringIO()
    call_command("export_catalogue", "2026", stdout=sortie)
    donnees = json.loads(sortie.getvalue())
    assert {lb["code_operation"] for lb in donnees["lignes_budgetaires"]} == set(RATTACHEMENT)
    dispositifs = {d["code"]: d for axe in donnees["axes"] for d in axe["dispositifs"]}
    assert dispositifs["5.5"]["ligne_budgetaire"] == "C01-444H02" and dispositifs["2.2"]["ligne_budgetaire"] is None
    page = client.get("/appels/2026/" + Dispositif.objects.get(edition=catalogue_2026, code="5.1").slug + "/")
    assert "C02-446A05" in page.content.decode() and "Indemnisation des organismes référents" in page.content.decode()


def test_ligne_inconnue_refusee_sans_rien_ecrire(tmp_path, catalogue_2026):
    from aap.catalogue.validation import dossier_par_defaut

    copie = Path(copytree(dossier_par_defaut(2026), tmp_path / "2026"))
    fichier = copie / "dispositifs.yaml"
    fichier.write_text(fichier.read_text().replace("ligne_budgetaire: C02-428B02", "ligne_budgetaire: C09-999Z99", 1))
    avant = list(Dispositif.objects.values_list("code", "ligne_budgetaire_id"))
    with pytest.raises(CatalogueInvalide, match="C09-999Z99"):
        load_edition(2026, copie)
    assert list(Dispositif.objects.values_list("code", "ligne_budgetaire_id")) == avant
