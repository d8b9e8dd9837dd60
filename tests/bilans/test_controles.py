"""Contrôle de service fait et reversements de l'article 10 : montants (partiel, non fondé), bornes, bilan
final absent seulement après sa date limite."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from aap.bilans import services
from aap.bilans.services_controles import (
    ControleImpossible,
    constater_bilan_final_absent,
    enregistrer_controle,
    verifications_proposees,
)
from aap.versements.models import OrdreReversement
from tests.bilans.outils import bilan_de, convention_signee, donnees, verser


def _controle(operation, agent, resultat, montant="0", non_conformes=0, **kwargs):
    verifications = [
        {"libelle": libelle, "resultat": "non_conforme" if i < non_conformes else "conforme", "commentaire": ""}
        for i, libelle in enumerate(verifications_proposees(operation))
    ]
    return enregistrer_controle(
        operation,
        agent,
        date_controle=kwargs.pop("date_controle", datetime.date(2026, 6, 1)),
        sur_place=True,
        verifications=kwargs.pop("verifications", verifications),
        resultat=resultat,
        montant_non_justifie=Decimal(montant),
        commentaire="RAS",
    )


def test_conforme_sans_reversement(instructeur):
    convention, _ = convention_signee()
    verser(convention, {"avance": Decimal("3000.00")})
    controle = _controle(convention.operations.get(), instructeur, "conforme")
    assert controle.reversement is None
    assert len(controle.verifications) == 7
    assert not OrdreReversement.objects.exists()


def test_partiel_reclame_le_montant_non_justifie(gestionnaire):
    convention, _ = convention_signee()
    verser(convention, {"avance": Decimal("3000.00")})
    operation = convention.operations.get()
    controle = _controle(operation, gestionnaire, "partiel", "1200.40", non_conformes=1)
    assert controle.reversement.montant == Decimal("1200.40")
    assert controle.reversement.origine == "controle"
    assert controle.reversement.operation == operation


def test_partiel_borne_a_ce_qui_reste_reclamable(instructeur):
    convention, _ = convention_signee()
    verser(convention, {"avance": Decimal("3000.00")})
    operation = convention.operations.get()
    assert _controle(operation, instructeur, "partiel", "1200.00", 1).reversement.montant == Decimal("1200.00")
    # 5 000 € non justifiés mais seuls 1 800 € versés restent à réclamer
    assert _controle(operation, instructeur, "partiel", "5000.00", 1).reversement.montant == Decimal("1800.00")
    # plus rien à réclamer : contrôle consigné, sans ordre
    assert _controle(operation, instructeur, "partiel", "10.00", 1).reversement is None


def test_non_fonde_reclame_tout_le_verse_non_reclame(instructeur):
    convention, _ = convention_signee()
    verser(convention, {"avance": Decimal("3000.00"), "acompte": Decimal("4200.55")})
    operation = convention.operations.get()
    verser_propose = convention.operations.get().echeances.get(type="solde")
    from aap.versements.models import Versement

    Versement.objects.create(echeance=verser_propose, convention=convention, montant=Decimal("2000"), statut="propose")
    controle = _controle(operation, instructeur, "non_fonde", non_conformes=3)
    assert controle.reversement.montant == Decimal("7200.55")  # le versement seulement proposé ne compte pas
    assert _controle(operation, instructeur, "non_fonde", non_conformes=3).reversement is None


@pytest.mark.parametrize(
    ("resultat", "montant", "non_conformes", "cle"),
    [
        ("partiel", "0", 1, "montant_non_justifie"),
        ("conforme", "100", 0, "montant_non_justifie"),
        ("conforme", "0", 2, "resultat"),
        ("partiel", "-5", 1, "montant_non_justifie"),
        ("partiel", "10000.01", 1, "montant_non_justifie"),
        ("inconnu", "0", 0, "resultat"),
    ],
)
def test_erreurs_du_controle(instructeur, resultat, montant, non_conformes, cle):
    convention, _ = convention_signee()
    with pytest.raises(ValidationError) as erreur:
        _controle(convention.operations.get(), instructeur, resultat, montant, non_conformes)
    assert cle in erreur.value.message_dict


def test_chaque_verification_est_renseignee(instructeur):
    convention, _ = convention_signee()
    operation = convention.operations.get()
    incompletes = [{"libelle": verifications_proposees(operation)[0], "resultat": "conforme"}]
    with pytest.raises(ValidationError) as erreur:
        _controle(operation, instructeur, "conforme", verifications=incompletes)
    assert "verifications" in erreur.value.message_dict
    demain = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="futur"):
        _controle(operation, instructeur, "conforme", date_controle=demain)


def test_controle_reserve_a_la_dpid(agent_slai, agent_finances):
    convention, porteur = convention_signee()
    for acteur in (agent_slai, agent_finances, porteur):
        with pytest.raises(PermissionDenied):
            _controle(convention.operations.get(), acteur, "conforme")


def _a_midi(jour: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(jour, datetime.time(12)))


def test_bilan_final_absent_seulement_le_lendemain_de_la_date_limite(instructeur):
    convention, _ = convention_signee()
    verser(convention, {"avance": Decimal("3000.00"), "acompte": Decimal("5000.00")})
    operation = convention.operations.get()
    final = bilan_de(convention, "bilan_final")
    assert final.echeance == datetime.date(2028, 3, 31)
    with pytest.raises(ControleImpossible, match="31/03/2028 inclus"):
        constater_bilan_final_absent(operation, instructeur, at=_a_midi(final.echeance))
    ordre = constater_bilan_final_absent(operation, instructeur, at=_a_midi(datetime.date(2028, 4, 1)))
    assert ordre.origine == "bilan_absent" and ordre.montant == Decimal("8000.00")
    with pytest.raises(ControleImpossible, match="ne reste à réclamer"):
        constater_bilan_final_absent(operation, instructeur, at=_a_midi(datetime.date(2028, 4, 2)))


def test_pas_de_constat_si_le_bilan_final_est_depose(instructeur):
    convention, porteur = convention_signee()
    verser(convention, {"avance": Decimal("3000.00")})
    final = bilan_de(convention, "bilan_final")
    services.deposer_bilan(final, porteur, donnees(final), at=_a_midi(datetime.date(2028, 1, 15)))
    with pytest.raises(ControleImpossible, match="déposé"):
        constater_bilan_final_absent(convention.operations.get(), instructeur, at=_a_midi(datetime.date(2029, 1, 1)))


def test_constat_reserve_a_la_dpid(agent_finances):
    convention, _ = convention_signee()
    with pytest.raises(PermissionDenied):
        constater_bilan_final_absent(convention.operations.get(), agent_finances)
