"""Commande importer_parcours : simulation par défaut, --appliquer, --acteur, code de sortie 1 si une ligne est
rejetée."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from aap.parcours.models import Orientation, RendezVous
from tests.parcours.fixtures_csv import FIXTURES, importer_fichier, referent_de, structure_des_exemples


pytestmark = pytest.mark.usefixtures("catalogue_2026")


def _commande(*args: str) -> tuple[int, str]:
    sortie = io.StringIO()
    try:
        call_command("importer_parcours", *args, stdout=sortie)
    except SystemExit as exc:
        return int(exc.code), sortie.getvalue()
    return 0, sortie.getvalue()


def test_simulation_par_defaut_puis_application(agent_slai):
    structure_des_exemples()
    chemin = str(FIXTURES / "orientations.csv")
    code, texte = _commande("orientations", chemin, "--acteur", agent_slai.email)
    assert code == 0 and not Orientation.objects.exists()
    assert "3 ligne(s) lue (simulation, rien n'est écrit) : 3 à créer" in texte
    code, texte = _commande("orientations", chemin, "--acteur", agent_slai.email, "--appliquer")
    assert code == 0 and Orientation.objects.count() == 3
    assert "Ligne 2 [orientation SI-0001] créée" in texte
    code, texte = _commande("orientations", chemin, "--acteur", agent_slai.email, "--appliquer")
    assert code == 0 and "0 créée(s), 0 modifiée(s), 3 inchangée(s), 0 rejetée(s)" in texte


def test_code_de_sortie_1_si_une_ligne_est_rejetee(administrateur):
    structure_des_exemples()
    code, texte = _commande("orientations", str(FIXTURES / "orientations_erreurs.csv"), "--appliquer")
    assert code == 1  # acteur par défaut : le premier administrateur
    assert "Ligne 2 [orientation SI-0101] rejetée — date_naissance : date « 31/02/1980 » inexistante" in texte
    assert list(Orientation.objects.values_list("reference_externe", flat=True)) == ["SI-0107"]


def test_evenements_par_le_referent(agent_slai):
    structure = structure_des_exemples()
    importer_fichier("orientations", "orientations.csv", agent_slai)
    referente = referent_de(structure)
    code, _ = _commande("evenements", str(FIXTURES / "evenements.csv"), "--acteur", referente.email, "--appliquer")
    assert code == 0 and RendezVous.objects.count() == 2
    code, texte = _commande(
        "evenements", str(FIXTURES / "evenements_action_invalide.csv"), "--acteur", referente.email, "--appliquer"
    )
    assert code == 1 and "Ligne 5 [action] rejetée — categorie : « cuisine » inconnu" in texte


def test_erreurs_avant_toute_ligne(agent_slai, gestionnaire):
    with pytest.raises(CommandError, match="--acteur"):
        _commande("evenements", str(FIXTURES / "evenements.csv"))
    with pytest.raises(CommandError, match="référent"):
        _commande("evenements", str(FIXTURES / "evenements.csv"), "--acteur", gestionnaire.email)
    with pytest.raises(CommandError, match="Aucun compte actif"):
        _commande("orientations", str(FIXTURES / "orientations.csv"), "--acteur", "personne@nulle.part")
    with pytest.raises(CommandError, match="Fichier illisible"):
        _commande("orientations", str(FIXTURES / "absent.csv"), "--acteur", agent_slai.email)
