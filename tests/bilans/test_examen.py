"""Examen d'un bilan par la DPID : acceptation (score qualité, échéance exigible), demande de modifications,
acteurs autorisés, courriels à la structure."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from aap.bilans import services
from aap.bilans.models import StatutBilan
from aap.versements.models import Echeance, StatutEcheance
from tests.bilans.outils import bilan_de, convention_signee, donnees
from tests.demandes.factories import regles


def _depose(**kwargs):
    convention, porteur = convention_signee(**kwargs)
    bilan = bilan_de(convention)
    services.deposer_bilan(bilan, porteur, donnees(bilan))
    bilan.refresh_from_db()
    return convention, porteur, bilan


def _statuts(convention) -> dict[str, str]:
    return dict(Echeance.objects.filter(operation__convention=convention).values_list("type", "statut"))


def test_acceptation_rend_exigible_l_acompte_seulement(instructeur, django_capture_on_commit_callbacks):
    convention, porteur, bilan = _depose()
    assert _statuts(convention)["acompte"] == StatutEcheance.A_VENIR
    with django_capture_on_commit_callbacks(execute=True):
        services.accepter_bilan(bilan, instructeur, score_qualite=Decimal("85.5"))
    bilan.refresh_from_db()
    assert bilan.statut == StatutBilan.ACCEPTE and bilan.score_qualite == Decimal("85.50")
    assert bilan.decide_par == instructeur
    assert _statuts(convention) == {
        "avance": StatutEcheance.A_VENIR,  # déclenchée par la signature, hors de ce test
        "acompte": StatutEcheance.EXIGIBLE,
        "solde": StatutEcheance.A_VENIR,
    }
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [porteur.email]
    assert "accepté" in mail.outbox[0].subject


def test_bilan_final_accepte_rend_le_solde_exigible(gestionnaire):
    convention, porteur = convention_signee()
    bilan = bilan_de(convention, "bilan_final")
    apres_la_fin = timezone.make_aware(datetime.datetime(2028, 1, 15, 10))
    services.deposer_bilan(bilan, porteur, donnees(bilan), at=apres_la_fin)
    services.accepter_bilan(bilan, gestionnaire, score_qualite=Decimal("100"), at=apres_la_fin)
    assert _statuts(convention)["solde"] == StatutEcheance.EXIGIBLE
    assert _statuts(convention)["acompte"] == StatutEcheance.A_VENIR


@pytest.mark.parametrize("score", [None, "", Decimal("-1"), Decimal("100.01")])
def test_score_qualite_exige_et_borne_quand_il_y_a_une_part_qualite(instructeur, score):
    convention, _, bilan = _depose()
    with pytest.raises(ValidationError) as erreur:
        services.accepter_bilan(bilan, instructeur, score_qualite=score)
    assert "score_qualite" in erreur.value.message_dict
    bilan.refresh_from_db()
    assert bilan.statut == StatutBilan.DEPOSE
    assert _statuts(convention)["acompte"] == StatutEcheance.A_VENIR


def test_sans_part_qualite_aucun_score(instructeur):
    from tests.conventions.factories import inscription_approuvee
    from tests.demandes.factories import DispositifFactory, SessionAppelFactory
    from tests.factories import StructureFactory

    parts = [
        {
            "taux": "100",
            "base": "volume",
            "definition": "Places",
            "mesures": [{"code": "places", "libelle": "Places", "cible": "places", "nature": "stock"}],
        }
    ]
    dispositif = DispositifFactory(regles=regles(parts_conditionnees=parts))
    structure = StructureFactory()
    inscription = inscription_approuvee(
        structure, Decimal("5000.00"), session=SessionAppelFactory(dispositif=dispositif)
    )
    convention, porteur = convention_signee(structure=structure, inscriptions=[inscription])
    bilan = bilan_de(convention)
    services.deposer_bilan(bilan, porteur, donnees(bilan))
    services.accepter_bilan(bilan, instructeur, score_qualite=None)
    bilan.refresh_from_db()
    assert bilan.statut == StatutBilan.ACCEPTE and bilan.score_qualite is None


def test_demande_de_modifications_puis_redepot(instructeur, django_capture_on_commit_callbacks):
    convention, porteur, bilan = _depose()
    with pytest.raises(ValidationError):
        services.demander_modifications(bilan, instructeur, "  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.demander_modifications(bilan, instructeur, "Joindre les feuilles d'émargement.")
    bilan.refresh_from_db()
    assert bilan.statut == StatutBilan.A_MODIFIER
    assert "feuilles d'émargement" in mail.outbox[-1].body
    assert _statuts(convention)["acompte"] == StatutEcheance.A_VENIR
    services.deposer_bilan(bilan, porteur, donnees(bilan))
    bilan.refresh_from_db()
    assert bilan.statut == StatutBilan.DEPOSE


def test_acteurs_de_la_decision(agent_slai, agent_finances, administrateur, porteur):
    _, membre, bilan = _depose()
    for acteur in (agent_slai, agent_finances, administrateur, membre, porteur):
        with pytest.raises(PermissionDenied):
            services.accepter_bilan(bilan, acteur, score_qualite=Decimal("50"))
        with pytest.raises(PermissionDenied):
            services.demander_modifications(bilan, acteur, "Motif")


def test_on_n_accepte_pas_un_bilan_non_depose(instructeur):
    convention, _ = convention_signee()
    bilan = bilan_de(convention)
    with pytest.raises(services.BilanImpossible, match="pas déposé"):
        services.accepter_bilan(bilan, instructeur, score_qualite=Decimal("50"))
    with pytest.raises(services.BilanImpossible):
        services.demander_modifications(bilan, instructeur, "Motif")


def test_le_bilan_final_se_depose_apres_la_fin_de_l_operation():
    convention, porteur = convention_signee()  # opération du 01/01/2026 au 31/12/2027
    bilan = bilan_de(convention, "bilan_final")
    with pytest.raises(services.BilanImpossible, match="après la fin de l'opération, le 31/12/2027"):
        services.deposer_bilan(
            bilan, porteur, donnees(bilan), at=timezone.make_aware(datetime.datetime(2027, 12, 31, 20))
        )
    services.enregistrer_bilan(bilan, porteur, donnees(bilan))  # le brouillon reste possible
    services.deposer_bilan(bilan, porteur, donnees(bilan), at=timezone.make_aware(datetime.datetime(2028, 1, 1, 8)))
    bilan.refresh_from_db()
    assert bilan.statut == "depose"
