"""Pages de la notation : formulaire (erreurs en ligne, droits), synthèse sur la fiche, rien pour les porteurs."""

import re

import pytest

from aap.core.models import Role
from aap.demandes.choix import StatutDemande
from aap.demandes.models import Membre
from aap.instruction.models import Notation
from aap.instruction.notation import noter
from tests.demandes.factories import DemandeFactory
from tests.factories import UserFactory, territoire
from tests.instruction.notation_outils import avec_grille, grille_uniforme


@pytest.fixture
def demande():
    return avec_grille(DemandeFactory(statut=StatutDemande.VALIDEE, territoires=["arrageois"]))


def _donnees(demande, note=3, commentaire=""):
    donnees = {}
    for code, (n, c) in grille_uniforme(demande, note, commentaire).items():
        donnees[f"note_{code}"] = str(n)
        donnees[f"commentaire_{code}"] = c
    return donnees


def test_noter_par_le_formulaire(client, demande, instructeur):
    client.force_login(instructeur)
    url = f"/instruction/demandes/{demande.pk}/notation/"
    page = client.get(url).content.decode()
    assert "<h1>Noter la demande" in page and "Objet social et compétences" in page
    assert "4 – Très satisfaisant" in page and "Conditions préalables (non notées)" in page
    donnees = _donnees(demande)
    donnees["note_moyens"] = "4"
    donnees["note_partenariat"] = ""
    reponse = client.post(url, donnees)
    assert reponse.status_code == 200
    page = reponse.content.decode()
    assert "Le formulaire contient 2 erreurs." in page
    assert "Choisissez une note pour ce critère." in page and "Motivez la note 4 (très satisfaisant)" in page
    assert not Notation.objects.exists()
    donnees = _donnees(demande)
    donnees["note_moyens"], donnees["commentaire_moyens"] = "4", "Équipe de 3 CIP, locaux à Arras."
    reponse = client.post(url, donnees)
    assert reponse.status_code == 302 and reponse["Location"] == f"/demandes/{demande.pk}/#titre-notation"
    assert Notation.objects.filter(evaluateur=instructeur).count() == 11
    assert Notation.objects.get(critere="moyens").commentaire == "Équipe de 3 CIP, locaux à Arras."
    page = client.get(url).content.decode()
    assert "<h1>Modifier ma notation" in page and "Équipe de 3 CIP" in page
    assert re.search(r'<input type="radio" name="note_moyens" value="4"[^>]* checked', page)


def test_synthese_sur_la_fiche(client, demande, instructeur, agent_slai):
    noter(demande, instructeur, grille_uniforme(demande, 4, "Très bon."))
    noter(demande, agent_slai, grille_uniforme(demande, 1))
    client.force_login(agent_slai)
    page = client.get(f"/demandes/{demande.pk}/").content.decode()
    assert 'id="titre-notation"' in page and "Notes par critère et par évaluateur, sur 4" in page
    assert "62,5\u00a0%" in page  # moyenne de 100 % et 25 %
    assert "Écart important" in page and "11 critères avec un écart important" in page
    assert "Modifier ma notation" in page and "Très bon." in page


def test_la_fiche_sans_notation_propose_de_noter(client, demande, gestionnaire, agent_finances):
    client.force_login(gestionnaire)
    page = client.get(f"/demandes/{demande.pk}/").content.decode()
    assert "Aucune notation pour le moment." in page and f"/instruction/demandes/{demande.pk}/notation/" in page
    client.force_login(agent_finances)
    page = client.get(f"/demandes/{demande.pk}/").content.decode()
    assert "Aucune notation pour le moment." in page and "/notation/" not in page


def test_le_porteur_ne_voit_rien_de_la_notation(client, demande, instructeur):
    noter(demande, instructeur, grille_uniforme(demande, 4, "Confidentiel DPID."))
    porteur = UserFactory(role=Role.PORTEUR)
    Membre.objects.create(user=porteur, structure=demande.structure, actif=True)
    client.force_login(porteur)
    page = client.get(f"/demandes/{demande.pk}/")
    assert page.status_code == 200
    contenu = page.content.decode()
    assert "titre-notation" not in contenu and "Confidentiel DPID." not in contenu
    assert client.get(f"/instruction/demandes/{demande.pk}/notation/").status_code == 403


def test_droits_de_la_page(client, demande, agent_finances):
    url = f"/instruction/demandes/{demande.pk}/notation/"
    client.force_login(agent_finances)
    assert client.get(url).status_code == 403
    client.force_login(UserFactory(role=Role.SLAI, territoire=territoire("calaisis")))
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(role=Role.INSTRUCTEUR))
    demande.statut = StatutDemande.ACCORDEE
    demande.save()
    reponse = client.get(url, follow=True)
    assert reponse.redirect_chain[-1][0] == f"/demandes/{demande.pk}/"
    assert "pas en instruction" in reponse.content.decode()
    assert client.post(url, _donnees(demande)).status_code == 302 and not Notation.objects.exists()
