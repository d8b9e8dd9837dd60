"""Deux agents sur le dernier euro d'une enveloppe : le second attend le verrou, puis voit la proposition du
premier et est bloqué (base PostgreSQL réelle, deux connexions)."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction

from aap.instruction.enveloppes import DepassementBudget, verrouiller
from aap.instruction.models import Proposition
from aap.instruction.propositions import proposer
from tests.instruction.factories import EnveloppeFactory
from tests.instruction.outils_propositions import demande_recue, dispositif_sur_ligne


def _attendre_un_verrou_en_attente() -> bool:
    """Vrai dès qu'une autre connexion attend un verrou de ligne (au plus ~10 s, sinon faux)."""
    with connection.cursor() as curseur:
        for _ in range(200):
            curseur.execute("SELECT pg_stat_clear_snapshot()")  # sinon figé pour toute la transaction
            curseur.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if curseur.fetchone()[0]:
                return True
            time.sleep(0.05)
    return False


@pytest.mark.django_db(transaction=True)
def test_le_second_agent_attend_puis_est_bloque(instructeur, gestionnaire):
    dispositif, ligne = dispositif_sur_ligne()
    enveloppe = EnveloppeFactory(dispositif=dispositif, ligne=ligne, montant=Decimal("1000.00"))
    premiere, seconde = demande_recue(dispositif, "1000.00"), demande_recue(dispositif, "1000.00")
    resultat: dict[str, str] = {}

    def second_agent() -> None:
        try:
            proposer(seconde, gestionnaire, {"montant": Decimal("1000.00")})
            resultat["second"] = "accepté"
        except DepassementBudget:
            resultat["second"] = "bloqué"
        except Exception as exc:  # noqa: BLE001 - rapporté par l'assertion finale
            resultat["second"] = repr(exc)
        finally:
            connections.close_all()

    with transaction.atomic():
        verrouiller(enveloppe, ligne)  # le premier agent est en train de proposer
        fil = threading.Thread(target=second_agent)
        fil.start()
        attend = _attendre_un_verrou_en_attente()
        proposer(premiere, instructeur, {"montant": Decimal("1000.00")})
    fil.join(timeout=30)
    assert attend, f"le second agent aurait dû attendre le verrou de la ligne ({resultat})"
    assert resultat == {"second": "bloqué"}
    assert list(Proposition.objects.values_list("demande_id", flat=True)) == [premiere.pk]
