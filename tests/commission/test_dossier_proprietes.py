"""Propriété : pour tout ensemble de propositions, articles, sous-totaux de l'annexe (y compris les formules du
XLSX), tableau d'imputation et total général concordent au centime, et les contrôles passent."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from aap.commission.coherence import controler, erreurs
from aap.commission.documents.annexe import annexe_xlsx, lignes_tableau
from aap.commission.dossier import construire_dossier
from aap.instruction.models import ModeleConvention
from tests.commission.cp_fabrique import dispositif, inscrire
from tests.commission.factories import EluFactory, SeanceCPFactory
from tests.commission.test_documents_annexe import evaluer
from tests.factories import StructureFactory
from tests.instruction.factories import EnveloppeFactory, LigneBudgetaireFactory


TERRITOIRES = ["arrageois", "boulonnais", "departement", "lens-lievin", "ternois"]
JOURS = itertools.count()

proposition = st.tuples(
    st.integers(0, 3),  # dispositif
    st.integers(0, 4),  # structure
    st.sampled_from(TERRITOIRES),
    st.integers(0, 50_000_000),  # centimes
    st.integers(0, 7),  # 0 : hors budget (une fois sur huit environ)
)


@pytest.fixture
def univers():
    EluFactory(est_president=True)
    seance = SeanceCPFactory(date=datetime.date(2030, 1, 1))
    edition = seance.edition
    lignes = [
        LigneBudgetaireFactory(edition=edition, code_operation=code, ae=Decimal("900000000.00"))
        for code in ("C02-446A05", "C01-444H02", "C02-428C02")
    ]
    dispositifs = [
        dispositif(1, "Parcours accompagnement RSA", "1.1", 1, lignes[0]),
        dispositif(1, "Parcours accompagnement RSA", "1.2", 2, lignes[0]),
        dispositif(4, "Parcours inclusion jeunes", "4.3", 3, lignes[2]),
        dispositif(5, "Contreparties FSE", "5.5", 5, lignes[1]),
    ]
    enveloppe = EnveloppeFactory(dispositif=dispositifs[3], ligne=lignes[1], montant=Decimal("900000000.00"))
    structures = [StructureFactory() for _ in range(5)]
    return edition, dispositifs, structures, enveloppe


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(propositions=st.lists(proposition, min_size=1, max_size=8))
def test_tout_concorde_au_centime(univers, tmp_path, propositions):
    edition, dispositifs, structures, enveloppe = univers
    seance = SeanceCPFactory(date=datetime.date(2031, 1, 1) + datetime.timedelta(days=next(JOURS)), edition=edition)
    for d, s, territoire, centimes, tirage in propositions:
        hors_budget = tirage == 0
        inscription = inscrire(
            seance,
            dispositifs[d],
            structures[s],
            Decimal(0) if hors_budget else Decimal(centimes) / 100,
            territoire,
            hors_budget=hors_budget,
            modele_convention=ModeleConvention.SPECIFIQUE if hors_budget else ModeleConvention.TYPE,
        )
        if d == 3:
            inscription.proposition.enveloppe = enveloppe
            inscription.proposition.save()
    dossier = construire_dossier(seance)

    montants = [Decimal(0) if tirage == 0 else Decimal(c) / 100 for _, _, _, c, tirage in propositions]
    attendu = sum(montants, Decimal(0))
    assert dossier.total_general == attendu
    assert sum(t.montant for t in dossier.territoires) == attendu
    assert sum(t.montant for t in dossier.thematiques) == attendu
    financements = [a for a in dossier.articles if a.nature == "financement"]
    assert sum(a.montant for a in financements) == attendu
    assert [a.montant for a in financements] == [t.montant for t in dossier.thematiques]
    imputees = sum((m for m, (*_, t) in zip(montants, propositions, strict=True) if t != 0), Decimal(0))
    assert sum(li.depense for li in dossier.imputation) == imputees
    for li in dossier.imputation:
        assert li.depense <= li.disponible <= li.ae
        assert li.solde == li.disponible - li.depense
    for th in dossier.thematiques:
        part = sum(m for li in dossier.imputation for numero, m in li.parts if numero == th.numero)
        assert part == sum(r.montant for op in th.operations for r in op.lignes if not r.hors_budget)
    for env in dossier.enveloppes:
        assert env.depense + env.vote_anterieur <= env.montant
    assert erreurs(controler(dossier)) == []

    feuille = load_workbook(annexe_xlsx(dossier, tmp_path / f"annexe-{seance.pk}.xlsx")).active
    lignes = lignes_tableau(dossier)
    for rang, ligne in enumerate(lignes, start=3):
        if not ligne.est_titre:
            assert evaluer(feuille, f"E{rang}") == ligne.montant
    assert evaluer(feuille, f"E{2 + len(lignes)}") == attendu
