"""`manage.py import_propositions` sur des dispositifs sans session d'appel (1.3, 2.2 FSL à 0,00 €, 4.3) : des
demandes importées hors portail, sans session, qui vont jusqu'à une CP sans incohérence bloquante."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from aap.catalogue.models import Dispositif
from aap.commission.coherence import controler
from aap.commission.dossier import construire_dossier
from aap.commission.models import Inscription, SeanceCP
from aap.core.demo.identifiants import siret_fictif
from aap.demandes.choix import StatutDemande
from aap.demandes.models import Demande
from aap.instruction.eligibilite import Resultat, controler_eligibilite
from aap.instruction.models import Proposition


SIRET_13, SIRET_22, SIRET_43 = (siret_fictif(n) for n in (913, 922, 943))

LIGNES = [
    "territoire;thématique;dispositif;structure;SIRET;description;montant",
    f"ARRAGEOIS;THEMATIQUE 1 : Parcours accompagnement RSA;1.3;Association Trait d'Union;{SIRET_13};"
    "2,50 ETP pour 180 places d'accompagnement;98 500,40 €",
    f"DEPARTEMENT;2;2.2;Agence du logement du littoral;{SIRET_22};Numéro vert prévention des expulsions (FSL);0,00",
    f"LENS-LIEVIN;4;4.3;Mission locale des Deux Rives;{SIRET_43};Coordination ASE, 45 participants;32 000,00",
]
DATE_CP = datetime.date(2026, 5, 26)


@pytest.fixture
def tableau(catalogue_2026, administrateur, tmp_path: Path) -> Path:
    fichier = tmp_path / "annexe6-hors-portail.csv"
    fichier.write_text("\n".join(LIGNES) + "\n", encoding="utf-8")
    return fichier


def importer(fichier: Path, *args: str) -> str:
    sortie = io.StringIO()
    call_command("import_propositions", str(fichier), *args, stdout=sortie)
    return sortie.getvalue()


def test_dispositifs_du_tableau_sans_session(tableau):
    """Le cas visé : ces dispositifs n'ont aucune session d'appel dans le catalogue 2026."""
    for code in ("1.3", "2.2", "4.3"):
        assert not Dispositif.objects.get(edition__annee=2026, code=code).sessions.exists()


def test_simulation_annonce_des_demandes_hors_portail(tableau):
    sortie = importer(tableau, "--cp", DATE_CP.isoformat())
    assert Demande.objects.count() == 0
    assert "REJETÉE" not in sortie
    for numero, code in ((2, "1.3"), (3, "2.2"), (4, "4.3")):
        assert f"Ligne {numero} : À IMPORTER" in sortie
        assert f"le dispositif {code} n'a pas de session de dépôt : demande importée hors portail" in sortie
    assert "montant nul : opération hors budget départemental (ex. FSL), gardée à 0,00 €" in sortie
    assert "3 demande(s) et proposition(s) à créer, 3 structure(s) à créer, 3 inscription(s) à créer" in sortie
    assert "0 rejetée(s)" in sortie


def test_import_cree_des_demandes_sans_session(tableau, administrateur):
    importer(tableau, "--wet-run")
    demandes = {d.dispositif.code: d for d in Demande.objects.select_related("dispositif", "proposition")}
    assert sorted(demandes) == ["1.3", "2.2", "4.3"]
    for code, demande in demandes.items():
        assert demande.session is None
        assert demande.statut == StatutDemande.VALIDEE
        assert demande.reference.startswith(f"IMP2026-{code}-")
        assert (demande.date_debut, demande.date_fin) == (
            demande.dispositif.periode_debut,
            demande.dispositif.periode_fin,
        )
        assert demande.validee_par == administrateur

    rsa, fsl, jeunes = demandes["1.3"], demandes["2.2"], demandes["4.3"]
    assert (rsa.etp, rsa.places, rsa.montant_demande) == (Decimal("2.50"), 180, Decimal("98500.40"))
    assert rsa.proposition.ligne.code_operation == "C02-446A05" and not rsa.proposition.hors_budget
    assert fsl.proposition.hors_budget and fsl.proposition.montant == Decimal("0.00")
    assert fsl.proposition.ligne is None and fsl.proposition.enveloppe is None
    assert jeunes.participants == 45 and jeunes.proposition.ligne.code_operation == "C02-428C02"


def test_reimport_ne_cree_rien(tableau):
    importer(tableau, "--wet-run", "--cp", DATE_CP.isoformat())
    avant = (Demande.objects.count(), Proposition.objects.count(), Inscription.objects.count())
    sortie = importer(tableau, "--wet-run", "--cp", DATE_CP.isoformat())
    assert sortie.count("DÉJÀ IMPORTÉE") == 3
    assert (Demande.objects.count(), Proposition.objects.count(), Inscription.objects.count()) == avant == (3, 3, 3)


def test_cp_des_demandes_hors_portail_coherente(tableau):
    """Jusqu'à la CP : annexe, articles et imputation d'accord au centime, ligne FSL gardée à 0,00 €."""
    importer(tableau, "--wet-run", "--cp", DATE_CP.isoformat())
    seance = SeanceCP.objects.get(date=DATE_CP)
    dossier = construire_dossier(seance)

    assert [i.message for i in controler(dossier) if i.bloquante] == []
    assert dossier.total_general == Decimal("130500.40")
    assert [t.numero for t in dossier.thematiques] == [1, 2, 4]
    assert {t.numero: t.montant for t in dossier.thematiques} == {
        1: Decimal("98500.40"),
        2: Decimal("0.00"),
        4: Decimal("32000.00"),
    }
    fsl = next(ligne for ligne in dossier.lignes if ligne.dispositif_code == "2.2")
    assert fsl.hors_budget and fsl.montant == Decimal("0.00")
    assert sum((ligne.depense for ligne in dossier.imputation), Decimal("0")) == dossier.total_general
    assert {ligne.code_operation for ligne in dossier.imputation} == {"C02-446A05", "C02-428C02"}
    assert sum((t.montant for t in dossier.territoires), Decimal("0")) == dossier.total_general


def test_eligibilite_delai_de_depot_sans_objet(tableau):
    importer(tableau, "--wet-run")
    demande = Demande.objects.get(dispositif__code="1.3")
    depot = next(c for c in controler_eligibilite(demande) if c.code == "depot")
    assert depot.resultat == Resultat.SANS_OBJET
    assert depot.resultat_libelle == "Sans objet"
    assert "demande importée d'un tableau de propositions" in depot.detail
