"""Enveloppes : chiffres du tableau de bord (exacts, peu de requêtes), service de saisie, pages et droits."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aap.commission.models import Decision, StatutSeance
from aap.core.models import AuditLog
from aap.demandes.choix import StatutDemande
from aap.instruction.enveloppes import tableau_de_bord
from aap.instruction.models import Enveloppe
from aap.instruction.propositions import PropositionImpossible, enregistrer_enveloppe, proposer
from tests.commission.factories import InscriptionFactory, SeanceCPFactory
from tests.factories import territoire
from tests.instruction.factories import EnveloppeFactory
from tests.instruction.outils_propositions import demande_recue, dispositif_sur_ligne


def _scenario(instructeur):
    """Une ligne (AE 100 000, 10 000 déjà engagés), une enveloppe générale de 50 000 et une enveloppe Calaisis de
    20 000 ; demandes : 3 reçues dont une en compléments, une brouillon, une votée."""
    dispositif, ligne = dispositif_sur_ligne(ae="100000.00", deja_engage="10000.00")
    generale = EnveloppeFactory(dispositif=dispositif, ligne=ligne, montant=Decimal("50000.00"))
    calaisis = EnveloppeFactory(
        dispositif=dispositif, ligne=ligne, territoire=territoire("calaisis"), montant=Decimal("20000.00")
    )
    a = demande_recue(dispositif, "12000.50")
    proposer(a, instructeur, {"montant": Decimal("10000.25")})
    b = demande_recue(dispositif, "8000.00", ["calaisis"])
    proposer(b, instructeur, {"montant": Decimal("7999.99")})
    demande_recue(dispositif, "3000.00", statut=StatutDemande.COMPLEMENTS)
    demande_recue(dispositif, "99999.00", statut=StatutDemande.BROUILLON)
    votee = demande_recue(dispositif, "5000.00")
    p = proposer(votee, instructeur, {"montant": Decimal("4000.00")})
    InscriptionFactory(
        seance=SeanceCPFactory(edition=dispositif.edition, statut=StatutSeance.VOTEE),
        proposition=p,
        decision=Decision.APPROUVEE,
        montant_vote=Decimal("4000.00"),
    )
    type(votee).objects.filter(pk=votee.pk).update(statut=StatutDemande.ACCORDEE)
    return dispositif, ligne, generale, calaisis


def test_chiffres_par_enveloppe_et_par_ligne(instructeur, django_assert_max_num_queries):
    dispositif, ligne, generale, calaisis = _scenario(instructeur)
    with django_assert_max_num_queries(8):
        tableau = tableau_de_bord(dispositif.edition)
    (chiffres_ligne,) = [c for c in tableau.lignes if c.ligne == ligne]
    par_enveloppe = {c.enveloppe: c for c in chiffres_ligne.enveloppes}
    g, c = par_enveloppe[generale], par_enveloppe[calaisis]
    assert (g.demande, g.nb_demandes, g.propose, g.vote) == (Decimal("15000.50"), 2, Decimal("10000.25"), 4000)
    assert g.reste == Decimal("35999.75") and not g.depasse
    assert (c.demande, c.propose, c.reste) == (Decimal("8000.00"), Decimal("7999.99"), Decimal("12000.01"))
    # La demande accordée ne compte plus qu'en « voté », sur l'enveloppe de sa proposition.
    assert chiffres_ligne.vote == Decimal("4000.00")
    assert chiffres_ligne.propose == Decimal("18000.24")
    assert chiffres_ligne.disponible == Decimal("86000.00")
    assert chiffres_ligne.solde == Decimal("67999.76")
    assert chiffres_ligne.demande == Decimal("23000.50")
    assert tableau.total.propose == chiffres_ligne.propose


def test_depassement_visible_quand_l_enveloppe_est_reduite_par_l_admin(instructeur, administrateur):
    dispositif, ligne, generale, _ = _scenario(instructeur)
    with pytest.raises(PropositionImpossible, match="ne couvrirait pas"):
        enregistrer_enveloppe(administrateur, enveloppe=generale, ligne=ligne, montant=Decimal("14000.24"))
    enregistrer_enveloppe(administrateur, enveloppe=generale, ligne=ligne, montant=Decimal("14000.25"))
    assert tableau_de_bord(dispositif.edition).lignes[0].enveloppes[0].reste == 0
    Enveloppe.objects.filter(pk=generale.pk).update(montant=Decimal("10000"))  # ex. correction directe en base
    (chiffres_ligne,) = tableau_de_bord(dispositif.edition).lignes
    (g,) = [c for c in chiffres_ligne.enveloppes if c.enveloppe == generale]
    assert g.depasse and g.reste == Decimal("-4000.25") and g.taux == 100


def test_creer_une_enveloppe_rattache_les_propositions_en_cours(gestionnaire, instructeur):
    dispositif, ligne = dispositif_sur_ligne()
    p = proposer(demande_recue(dispositif, "5000.00"), instructeur, {"montant": Decimal("5000")})
    assert p.enveloppe is None
    with pytest.raises(PropositionImpossible, match="5\u00a0000,00\u00a0€ proposés"):
        enregistrer_enveloppe(gestionnaire, dispositif=dispositif, ligne=ligne, montant=Decimal("4999.99"))
    p.refresh_from_db()
    assert p.enveloppe is None  # tout ou rien
    enveloppe = enregistrer_enveloppe(gestionnaire, dispositif=dispositif, ligne=ligne, montant=Decimal("5000"))
    p.refresh_from_db()
    assert p.enveloppe == enveloppe
    journal = AuditLog.objects.get(action="instruction.enveloppe")
    assert journal.acteur == gestionnaire and journal.details["montant"] == "5000.00"
    with pytest.raises(PropositionImpossible, match="déjà une enveloppe"):
        enregistrer_enveloppe(gestionnaire, dispositif=dispositif, ligne=ligne, montant=Decimal("1"))


@pytest.mark.parametrize("fixture", ["instructeur", "agent_slai", "agent_finances", "porteur"])
def test_enveloppes_reservees_aux_gestionnaires(request, fixture):
    dispositif, ligne = dispositif_sur_ligne()
    with pytest.raises(PermissionDenied):
        enregistrer_enveloppe(request.getfixturevalue(fixture), dispositif=dispositif, ligne=ligne, montant=1)


# --- Pages ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "attendu"),
    [("gestionnaire", 200), ("instructeur", 200), ("agent_finances", 200), ("agent_slai", 403), ("porteur", 403)],
)
def test_tableau_de_bord_acces(client, request, fixture, attendu):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get("/instruction/enveloppes/").status_code == attendu


def test_tableau_de_bord_affiche_les_chiffres(client, gestionnaire, instructeur):
    dispositif, ligne, generale, _ = _scenario(instructeur)
    client.force_login(gestionnaire)
    html = client.get(f"/instruction/enveloppes/?edition={dispositif.edition.annee}").content.decode()
    assert ligne.code_operation in html
    assert "35\u00a0999,75\u00a0€" in html  # reste de l'enveloppe générale
    assert "67\u00a0999,76\u00a0€" in html  # solde de la ligne
    assert f"/instruction/enveloppes/{generale.pk}/modifier/" in html
    assert "Nouvelle enveloppe" in html
    assert 'href="/instruction/enveloppes/"' in html  # lien du menu


def test_instructeur_ne_voit_pas_les_boutons_de_gestion(client, instructeur):
    _scenario(instructeur)
    client.force_login(instructeur)
    html = client.get("/instruction/enveloppes/").content.decode()
    assert "Nouvelle enveloppe" not in html and "/modifier/" not in html
    assert client.get("/instruction/enveloppes/nouvelle/").status_code == 403


def test_creer_une_enveloppe_par_le_formulaire(client, gestionnaire):
    dispositif, ligne = dispositif_sur_ligne()
    client.force_login(gestionnaire)
    url = f"/instruction/enveloppes/nouvelle/?edition={dispositif.edition.annee}"
    assert client.get(url).status_code == 200
    reponse = client.post(
        url, {"dispositif": dispositif.pk, "territoire": "", "ligne": ligne.pk, "montant": "1234.56"}
    )
    assert reponse.status_code == 302
    assert Enveloppe.objects.get().montant == Decimal("1234.56")
    enveloppe = Enveloppe.objects.get()
    reponse = client.post(f"/instruction/enveloppes/{enveloppe.pk}/modifier/", {"ligne": ligne.pk, "montant": "-1"})
    assert reponse.status_code == 200 and "recap-erreurs" in reponse.content.decode()
    assert Enveloppe.objects.get().montant == Decimal("1234.56")


def test_page_proposition(client, instructeur, porteur):
    dispositif, ligne = dispositif_sur_ligne()
    EnveloppeFactory(dispositif=dispositif, ligne=ligne, montant=Decimal("1000.00"))
    demande = demande_recue(dispositif, "5000.00")
    url = f"/instruction/demandes/{demande.pk}/proposition/"
    client.force_login(porteur)
    assert client.get(url).status_code == 403
    client.force_login(instructeur)
    assert client.get(url).status_code == 200
    donnees = {
        "montant": "1000.01",
        "territoire": territoire("arrageois").pk,
        "date_debut": "2026-01-01",
        "date_fin": "2026-12-31",
        "modele_convention": "type",
    }
    reponse = client.post(url, donnees)
    html = reponse.content.decode()
    assert reponse.status_code == 200 and "Proposition bloquée" in html and "dépassement de 0,01" in html
    reponse = client.post(url, {**donnees, "montant": "1000.00"})
    assert reponse.status_code == 302
    fiche = client.get(f"/demandes/{demande.pk}/").content.decode()
    assert "Proposition de financement" in fiche and "1\u00a0000,00\u00a0€" in fiche and "reste 0,00" in fiche
    reponse = client.post(f"/instruction/demandes/{demande.pk}/proposition/retirer/")
    assert reponse.status_code == 302 and not hasattr(type(demande).objects.get(pk=demande.pk), "proposition")


def test_proposition_hors_perimetre_404(client, instructeur):
    dispositif, _ = dispositif_sur_ligne()
    brouillon = demande_recue(dispositif, "5000.00", statut=StatutDemande.BROUILLON)
    client.force_login(instructeur)
    assert client.get(f"/instruction/demandes/{brouillon.pk}/proposition/").status_code == 404


def test_resume_de_la_proposition_reserve_aux_agents(client, instructeur, porteur):
    from tests.factories import MembreFactory

    dispositif, _ = dispositif_sur_ligne()
    demande = demande_recue(dispositif, "5000.00")
    proposer(demande, instructeur, {"montant": Decimal("4321.00")})
    MembreFactory(user=porteur, structure=demande.structure)
    client.force_login(porteur)
    html = client.get(f"/demandes/{demande.pk}/").content.decode()
    assert "4\u00a0321,00" not in html and "titre-proposition" not in html


def test_requetes_du_tableau_de_bord_bornees(client, gestionnaire, instructeur):
    _scenario(instructeur)
    client.force_login(gestionnaire)
    with CaptureQueriesContext(connection) as peu:
        client.get("/instruction/enveloppes/")
    dispositif, _ = dispositif_sur_ligne()
    for _ in range(5):
        proposer(demande_recue(dispositif, "100.00"), instructeur, {"montant": Decimal("100")})
    with CaptureQueriesContext(connection) as beaucoup:
        client.get("/instruction/enveloppes/")
    assert len(beaucoup) == len(peu)
