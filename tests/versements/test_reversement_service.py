"""Un ordre de reversement ne réclame jamais plus que ce qui a été versé et reste à réclamer."""

from __future__ import annotations

from decimal import Decimal

import pytest

from aap.versements.models import StatutVersement, Versement
from aap.versements.services import deja_verse, emettre_reversement
from tests.conventions.factories import fabriquer_convention
from tests.factories import UserFactory


def test_reversement_borne_par_le_verse(gestionnaire):
    convention = fabriquer_convention(statut="signee", montants=[Decimal("10000.00")])
    operation = convention.operations.get()
    avance = operation.echeances.get(type="avance")
    Versement.objects.create(
        echeance=avance, convention=convention, montant=Decimal("3000.00"), statut=StatutVersement.PAYE
    )
    assert deja_verse(operation) == Decimal("3000.00")
    with pytest.raises(ValueError, match="3000.00 € versés"):
        emettre_reversement(operation, gestionnaire, origine="controle", montant=Decimal("3000.01"), motif="x")
    emettre_reversement(operation, gestionnaire, origine="controle", montant=Decimal("1000.00"), motif="Pièces")
    with pytest.raises(ValueError, match="2000.00 € versés"):
        emettre_reversement(operation, UserFactory(), origine="controle", montant=Decimal("2000.01"), motif="x")
    with pytest.raises(ValueError, match="positif"):
        emettre_reversement(operation, gestionnaire, origine="controle", montant=Decimal("0"), motif="x")
