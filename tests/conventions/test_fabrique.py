"""La fabrique de test produit une convention cohérente : échéancier au centime et bilans datés."""

from __future__ import annotations

import datetime
from decimal import Decimal

from aap.bilans.models import Bilan
from aap.versements.models import Echeance
from tests.conventions.factories import fabriquer_convention


def test_convention_a_deux_operations_avec_echeancier_et_bilans():
    convention = fabriquer_convention(montants=[Decimal("10000.01"), Decimal("2500.50")])
    assert convention.montant == Decimal("12500.51")
    for operation in convention.operations.all():
        montants = list(Echeance.objects.filter(operation=operation).values_list("montant_prevu", flat=True))
        assert sum(montants) == operation.montant
        assert [e.bilan_type for e in operation.echeances.all()] == ["", "bilan_intermediaire", "bilan_final"]
    bilans = Bilan.objects.filter(operation__convention=convention)
    assert sorted({(b.type, b.echeance) for b in bilans}) == [
        ("bilan_final", datetime.date(2028, 3, 31)),
        ("bilan_intermediaire", datetime.date(2027, 3, 31)),
    ]
