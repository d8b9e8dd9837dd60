"""Suppression d'une enveloppe : droits, refus chiffrés (propositions en instruction, votées, closes), audit, page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from aap.commission.models import Decision, StatutSeance
from aap.core.models import AuditLog
from aap.demandes.choix import StatutDemande
from aap.instruction.enveloppes_services import supprimer_enveloppe
from aap.instruction.models import Enveloppe
from aap.instruction.propositions import PropositionImpossible, proposer
from tests.commission.factories import InscriptionFactory, SeanceCPFactory
from tests.factories import territoire
from tests.instruction.factories import EnveloppeFactory
from tests.instruction.outils_propositions import demande_recue, dispositif_sur_ligne


def _enveloppe(**kwargs) -> Enveloppe:
    dispositif, ligne = dispositif_sur_ligne()
    return EnveloppeFactory(dispositif=dispositif, ligne=ligne, montant=Decimal("50000.00"), **kwargs)


def _proposee(enveloppe: Enveloppe, instructeur, montant: str = "1000.00", **kwargs):
    demande = demande_recue(enveloppe.dispositif, montant, **kwargs)
    proposition = proposer(demande, instructeur, {"montant": Decimal(montant)})
    assert proposition.enveloppe_id == enveloppe.pk
    return proposition


def _votee(enveloppe: Enveloppe, instructeur, montant: str = "1000.00"):
    proposition = _proposee(enveloppe, instructeur, montant)
    InscriptionFactory(
        seance=SeanceCPFactory(edition=enveloppe.dispositif.edition, statut=StatutSeance.VOTEE),
        proposition=proposition,
        decision=Decision.APPROUVEE,
        montant_vote=Decimal(montant),
    )
    type(proposition.demande).objects.filter(pk=proposition.demande_id).update(statut=StatutDemande.ACCORDEE)
    return proposition


def _refus(enveloppe: Enveloppe, agent) -> str:
    with pytest.raises(PropositionImpossible) as exc:
        supprimer_enveloppe(enveloppe, agent)
    assert Enveloppe.objects.filter(pk=enveloppe.pk).exists()
    assert not AuditLog.objects.filter(action="instruction.supprimer_enveloppe").exists()
    return str(exc.value)


# --- Service ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["gestionnaire", "administrateur"])
def test_supprimer_une_enveloppe_inutilisee(request, fixture):
    agent = request.getfixturevalue(fixture)
    enveloppe = _enveloppe(territoire=territoire("calaisis"))
    pk, code = enveloppe.pk, enveloppe.dispositif.code
    supprimer_enveloppe(enveloppe, agent)
    assert not Enveloppe.objects.filter(pk=pk).exists()
    log = AuditLog.objects.get(action="instruction.supprimer_enveloppe")
    assert log.acteur == agent
    assert log.cible_id == str(pk)
    assert log.details == {
        "dispositif": code,
        "territoire": "Calaisis",
        "ligne": enveloppe.ligne.code_operation,
        "montant": "50000.00",
    }


@pytest.mark.parametrize("fixture", ["instructeur", "agent_slai", "agent_finances", "porteur"])
def test_suppression_reservee_aux_gestionnaires(request, fixture):
    enveloppe = _enveloppe()
    with pytest.raises(PermissionDenied):
        supprimer_enveloppe(enveloppe, request.getfixturevalue(fixture))
    assert Enveloppe.objects.filter(pk=enveloppe.pk).exists()
    assert not AuditLog.objects.filter(action="instruction.supprimer_enveloppe").exists()


def test_refus_si_une_proposition_en_instruction_y_tire(gestionnaire, instructeur):
    enveloppe = _enveloppe()
    _proposee(enveloppe, instructeur)
    message = _refus(enveloppe, gestionnaire)
    assert f"L'enveloppe du dispositif {enveloppe.dispositif.code} (tous territoires) ne peut pas être" in message
    assert "1 proposition la référence (1 proposition en instruction y tire)" in message


def test_refus_si_une_inscription_approuvee_y_est_imputee(gestionnaire, instructeur):
    enveloppe = _enveloppe()
    _votee(enveloppe, instructeur)
    message = _refus(enveloppe, gestionnaire)
    assert "(1 inscription approuvée par la Commission permanente y est imputée)" in message
    assert "en instruction" not in message


def test_refus_si_une_proposition_close_la_reference(gestionnaire, instructeur):
    """Une demande rejetée garde sa proposition et son enveloppe : l'historique interdit la suppression."""
    enveloppe = _enveloppe()
    proposition = _proposee(enveloppe, instructeur)
    type(proposition.demande).objects.filter(pk=proposition.demande_id).update(statut=StatutDemande.REJETEE)
    message = _refus(enveloppe, gestionnaire)
    assert "(1 autre proposition (demande décidée ou close) la référence et garde son historique)" in message


def test_refus_compte_chaque_cause(gestionnaire, instructeur):
    enveloppe = _enveloppe()
    _proposee(enveloppe, instructeur)
    _proposee(enveloppe, instructeur, statut=StatutDemande.AJOURNEE)
    _votee(enveloppe, instructeur)
    _votee(enveloppe, instructeur)
    close = _proposee(enveloppe, instructeur)
    type(close.demande).objects.filter(pk=close.demande_id).update(statut=StatutDemande.RETIREE)
    message = _refus(enveloppe, gestionnaire)
    assert (
        "5 propositions la référencent (2 propositions en instruction y tirent, "
        "2 inscriptions approuvées par la Commission permanente y sont imputées, "
        "1 autre proposition (demande décidée ou close) la référence et garde son historique)"
    ) in message


def test_apres_suppression_les_propositions_tirent_sur_l_enveloppe_generale(gestionnaire, instructeur):
    generale = _enveloppe()
    calaisis = EnveloppeFactory(
        dispositif=generale.dispositif, ligne=generale.ligne, territoire=territoire("calaisis"), montant=Decimal("10")
    )
    supprimer_enveloppe(calaisis, gestionnaire)
    demande = demande_recue(generale.dispositif, "500.00", ["calaisis"])
    assert proposer(demande, instructeur, {"montant": Decimal("500.00")}).enveloppe_id == generale.pk


def test_supprimer_deux_fois(gestionnaire):
    enveloppe = _enveloppe()
    copie = Enveloppe.objects.get(pk=enveloppe.pk)
    supprimer_enveloppe(enveloppe, gestionnaire)
    with pytest.raises(PropositionImpossible, match="déjà été supprimée"):
        supprimer_enveloppe(copie, gestionnaire)


# --- Page -------------------------------------------------------------------------------------------------------


def _url(enveloppe: Enveloppe) -> str:
    return f"/instruction/enveloppes/{enveloppe.pk}/supprimer/"


@pytest.mark.parametrize("fixture", ["instructeur", "agent_finances"])
def test_vue_interdite_hors_gestionnaires(client, request, fixture):
    enveloppe = _enveloppe()
    client.force_login(request.getfixturevalue(fixture))
    assert client.post(_url(enveloppe)).status_code == 403
    assert Enveloppe.objects.filter(pk=enveloppe.pk).exists()


def test_vue_supprime_et_redirige_vers_le_tableau(client, gestionnaire):
    enveloppe = _enveloppe()
    client.force_login(gestionnaire)
    reponse = client.post(_url(enveloppe))
    assert reponse.status_code == 302
    assert reponse.url == f"/instruction/enveloppes/?edition={enveloppe.dispositif.edition.annee}"
    assert not Enveloppe.objects.filter(pk=enveloppe.pk).exists()
    html = client.get(reponse.url).content.decode()
    assert (
        f"Enveloppe {enveloppe.dispositif.code} (tous territoires) sur {enveloppe.ligne.code_operation} supprimée."
        in html
    )


def test_vue_refus_affiche_le_message_sur_la_page_de_l_enveloppe(client, gestionnaire, instructeur):
    enveloppe = _enveloppe()
    _proposee(enveloppe, instructeur)
    client.force_login(gestionnaire)
    reponse = client.post(_url(enveloppe), follow=True)
    assert reponse.redirect_chain == [(f"/instruction/enveloppes/{enveloppe.pk}/modifier/", 302)]
    html = reponse.content.decode()
    assert "1 proposition en instruction y tire" in html
    assert Enveloppe.objects.filter(pk=enveloppe.pk).exists()


def test_vue_post_seulement_et_404(client, gestionnaire):
    enveloppe = _enveloppe()
    client.force_login(gestionnaire)
    assert client.get(_url(enveloppe)).status_code == 405
    assert client.post("/instruction/enveloppes/999999/supprimer/").status_code == 404
    assert Enveloppe.objects.filter(pk=enveloppe.pk).exists()


def test_page_de_l_enveloppe_propose_la_suppression_avec_confirmation(client, gestionnaire):
    enveloppe = _enveloppe()
    client.force_login(gestionnaire)
    html = client.get(f"/instruction/enveloppes/{enveloppe.pk}/modifier/").content.decode()
    assert f'action="{_url(enveloppe)}"' in html
    assert "data-confirm=\"Supprimer l'enveloppe " in html
    html = client.get(f"/instruction/enveloppes/nouvelle/?edition={enveloppe.dispositif.edition.annee}").content
    assert b"/supprimer/" not in html
