"""`manage.py generate_cp_documents` : écrit les six documents, ou sort en erreur sans rien écrire."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from aap.instruction.models import Proposition
from tests.commission.cp_fabrique import seance_garnie
from tests.commission.factories import EluFactory


@pytest.fixture
def seance():
    EluFactory(est_president=True)
    return seance_garnie()


def test_ecrit_les_documents_de_la_seance(seance, tmp_path, capsys):
    call_command("generate_cp_documents", "2026-05-26", "--out", str(tmp_path / "cp"))
    sortie = capsys.readouterr().out.splitlines()
    assert len(sortie) == 6
    assert sorted(p.suffix for p in (tmp_path / "cp").iterdir()) == [".docx", ".docx", ".pdf", ".pdf", ".pdf", ".xlsx"]


def test_incoherences_listees_et_rien_n_est_ecrit(seance, tmp_path, capsys):
    ligne = seance.inscriptions.first().proposition.ligne
    ligne.deja_engage = ligne.ae
    ligne.save()
    Proposition.objects.filter(modele_convention="avenant").update(modele_convention="")
    sortie = tmp_path / "cp"
    with pytest.raises(CommandError, match="2 incohérence"):
        call_command("generate_cp_documents", "2026-05-26", "--out", str(sortie))
    erreurs = capsys.readouterr().err
    assert "Erreur [disponible]" in erreurs and "C02-446A05" in erreurs
    assert "Erreur [convention]" in erreurs
    assert not sortie.exists()


def test_seance_inconnue_ou_date_invalide(tmp_path):
    with pytest.raises(CommandError, match="Aucune séance"):
        call_command("generate_cp_documents", "2026-01-01", "--out", str(tmp_path))
    with pytest.raises(CommandError, match="Date invalide"):
        call_command("generate_cp_documents", "26/05/2026", "--out", str(tmp_path))
    assert list(tmp_path.iterdir()) == []
