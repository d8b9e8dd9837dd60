"""Export SCDL « Subventions » 2.1.1 : le fichier respecte les contraintes du schéma (colonnes, motifs, valeurs)."""

from __future__ import annotations

import csv
import datetime
import io
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from aap.conventions.models import Convention, StatutConvention
from aap.conventions.scdl import COLONNES, exporter
from aap.core import taches
from aap.core.models import StatutTache, TacheFond
from tests.conventions.factories import fabriquer_convention
from tests.factories import StructureFactory


PARIS = ZoneInfo("Europe/Paris")

#: Contraintes du schéma SCDL Subventions 2.1.1 (schema.data.gouv.fr/scdl/subventions/2.1.1), colonne par colonne.
OBLIGATOIRES = {
    "nomAttribuant",
    "idAttribuant",
    "dateConvention",
    "referenceDecision",
    "nomBeneficiaire",
    "idBeneficiaire",
    "objet",
    "montant",
    "nature",
    "conditionsVersement",
    "datesPeriodeVersement",
    "notificationUE",
    "pourcentageSubvention",
}
MOTIFS = {
    "idAttribuant": r"^\d{14}$",
    "idBeneficiaire": r"^\d{14}$",
    "rnaBeneficiaire": r"^W\d{9}$",
    "datesPeriodeVersement": r"^[0-9]{4}\-[0-9]{2}\-[0-9]{2}(\/[0-9]{4}\-[0-9]{2}\-[0-9]{2})?$",
    "montant": r"^\d+(\.\d+)?$",
}
NATURES = {
    "aide en numéraire",
    "aide en nature",
    "aide en numéraire;aide en nature",
    "aide en nature;aide en numéraire",
}
LONGUEUR_MAX = {"objet": 255, "conditionsVersement": 255, "idRAE": 4}


def valider(contenu: bytes) -> list[dict[str, str]]:
    """Applique au CSV les contraintes du schéma ; rend les lignes."""
    texte = contenu.decode("utf-8")  # encodage UTF-8
    assert not texte.startswith("\ufeff")
    lecteur = csv.DictReader(io.StringIO(texte, newline=""), delimiter=",")
    assert lecteur.fieldnames == COLONNES
    lignes = list(lecteur)
    for ligne in lignes:
        for colonne in OBLIGATOIRES:
            assert ligne[colonne].strip(), f"{colonne} vide"
        for colonne, motif in MOTIFS.items():
            if ligne[colonne]:
                assert re.match(motif, ligne[colonne]), (colonne, ligne[colonne])
        for colonne, maximum in LONGUEUR_MAX.items():
            assert len(ligne[colonne]) <= maximum, colonne
        datetime.date.fromisoformat(ligne["dateConvention"])
        debut, fin = (datetime.date.fromisoformat(d) for d in ligne["datesPeriodeVersement"].split("/"))
        assert debut <= fin
        assert ligne["nature"] in NATURES
        assert ligne["conditionsVersement"] in ("unique", "échelonné", "autre")
        assert ligne["notificationUE"] in ("oui", "non")
        assert Decimal("0.01") <= Decimal(ligne["pourcentageSubvention"]) <= 1
    return lignes


def signee_le(convention: Convention, jour: datetime.datetime) -> Convention:
    Convention.objects.filter(pk=convention.pk).update(signee_departement_le=jour, statut=StatutConvention.SIGNEE)
    convention.refresh_from_db()
    return convention


@pytest.fixture
def conventions():
    grande = StructureFactory(raison_sociale='Association "Le Relais", Arras & Lens', rna="W623000123")
    sans_rna = StructureFactory(raison_sociale="CCAS de Béthune", rna="")
    rna_invalide = StructureFactory(raison_sociale="Ateliers du Littoral", rna="12345")
    signee_2026 = datetime.datetime(2026, 6, 15, 10, tzinfo=PARIS)
    return {
        "grande": signee_le(
            fabriquer_convention(structure=grande, montants=[Decimal("20000.00"), Decimal("3000.01")]), signee_2026
        ),
        "seuil": signee_le(fabriquer_convention(structure=sans_rna, montants=[Decimal("23000.00")]), signee_2026),
        "petite": signee_le(fabriquer_convention(structure=rna_invalide, montants=[Decimal("5000.00")]), signee_2026),
        # Signée le 31/12/2026 à 23 h 30 à Paris (22 h 30 UTC) : année 2026, heure de Paris.
        "saint_sylvestre": signee_le(
            fabriquer_convention(montants=[Decimal("50000.00")]), datetime.datetime(2026, 12, 31, 23, 30, tzinfo=PARIS)
        ),
        "2027": signee_le(
            fabriquer_convention(montants=[Decimal("90000.00")]), datetime.datetime(2027, 1, 1, 0, 30, tzinfo=PARIS)
        ),
        "non_signee": fabriquer_convention(montants=[Decimal("80000.00")]),
    }


def test_seules_les_conventions_signees_dans_l_annee_au_dela_du_seuil(conventions):
    contenu, nombre = exporter(2026)
    lignes = valider(contenu.encode("utf-8"))
    assert nombre == len(lignes) == 2
    assert [ligne["montant"] for ligne in lignes] == ["23000.01", "50000.00"]  # 23 000,00 € exactement : non publié
    premiere = lignes[0]
    assert premiere["nomAttribuant"] == "Département du Pas-de-Calais"
    assert premiere["idAttribuant"] == "22620001200012"
    assert premiere["dateConvention"] == "2026-06-15"
    assert premiere["nomBeneficiaire"] == 'Association "Le Relais", Arras & Lens'
    assert premiere["rnaBeneficiaire"] == "W623000123"
    assert premiere["referenceDecision"] == conventions["grande"].seance.numero_deliberation
    assert premiere["datesPeriodeVersement"] == (
        f"{conventions['grande'].date_debut.isoformat()}/{conventions['grande'].date_fin.isoformat()}"
    )
    assert premiere["pourcentageSubvention"] == "1.00"
    assert premiere["notificationUE"] == "non"
    assert premiere["conditionsVersement"] == "échelonné"
    assert lignes[1]["dateConvention"] == "2026-12-31"


def test_option_tous_et_rna_invalide_omis(conventions):
    contenu, nombre = exporter(2026, tous=True)
    lignes = valider(contenu.encode("utf-8"))
    assert nombre == 4
    par_nom = {ligne["nomBeneficiaire"]: ligne for ligne in lignes}
    assert par_nom["Ateliers du Littoral"]["rnaBeneficiaire"] == ""
    assert par_nom["CCAS de Béthune"]["montant"] == "23000.00"


def test_objet_tronque_sous_256_caracteres(conventions):
    Convention.objects.filter(pk=conventions["grande"].pk).update(objet="Objet " + "très long " * 40)
    lignes = valider(exporter(2026)[0].encode("utf-8"))
    assert len(lignes[0]["objet"]) == 255 and lignes[0]["objet"].endswith("…")


def test_commande(conventions, tmp_path):
    sortie = io.StringIO()
    fichier = tmp_path / "scdl" / "subventions-2026.csv"
    call_command("export_scdl_subventions", "2026", "--out", str(fichier), stdout=sortie)
    assert len(valider(fichier.read_bytes())) == 2
    assert "2 convention(s) signée(s) en 2026" in sortie.getvalue()
    call_command("export_scdl_subventions", "2026", "--out", str(fichier), "--tous", stdout=io.StringIO())
    assert len(valider(fichier.read_bytes())) == 4
    call_command("export_scdl_subventions", "2027", "--out", str(fichier), stdout=io.StringIO())
    assert [ligne["montant"] for ligne in valider(fichier.read_bytes())] == ["90000.00"]


def test_tache_de_fond_produit_le_csv(conventions, gestionnaire, settings, django_capture_on_commit_callbacks):
    from pathlib import Path

    with django_capture_on_commit_callbacks(execute=True):
        tache = taches.lancer(
            "scdl", "Export SCDL 2026", "aap.conventions.taches.exporter_scdl", gestionnaire, annee=2026, tous=False
        )
    tache = TacheFond.objects.get(pk=tache.pk)
    assert tache.statut == StatutTache.TERMINEE, tache.erreurs
    (fichier,) = tache.resultat["fichiers"]
    assert len(valider((Path(settings.MEDIA_ROOT) / fichier["chemin"]).read_bytes())) == 2
