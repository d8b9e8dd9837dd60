"""Pages des versements : permissions par rôle et périmètre sur chaque page, liste (filtres, tri, totaux,
bloqués), fiche (calcul ligne par ligne, blocages, actions), reversements, partiel de la fiche convention."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from aap.conventions.models import StatutConvention
from aap.structures.models import Membre
from aap.versements import services
from aap.versements.exports import exporter
from aap.versements.models import OrdreReversement, Versement
from tests.factories import UserFactory, territoire
from tests.versements.outils import accepter_bilan, convention_signee, instant, signer


D = Decimal
AUJOURDHUI = timezone.localdate().isoformat()


@pytest.fixture
def jeu(gestionnaire, agent_finances, porteur):
    """Une convention du porteur avec avance validée, exportée, un acompte proposé et un ordre de reversement."""
    convention = convention_signee()
    Membre.objects.create(structure=convention.structure, user=porteur, role="representant_legal")
    operation = convention.operations.get()
    signer(convention, gestionnaire)
    services.valider_versement(convention.versements.get(), gestionnaire, at=instant(2026, 11, 2))
    export = exporter(agent_finances)
    accepter_bilan(
        operation, "bilan_intermediaire", gestionnaire, realisations={"dsp": 600, "places": 126}, score=D(80)
    )
    acompte = Versement.objects.get(echeance__operation=operation, echeance__type="acompte")
    ordre = services.emettre_reversement(
        operation, gestionnaire, origine="controle", montant=D("500.00"), motif="Pièces non probantes"
    )
    return {"convention": convention, "operation": operation, "acompte": acompte, "export": export, "ordre": ordre}


def stat(montant: str, libelle: str) -> str:
    return f'<span class="stat__value">{montant}\u00a0€</span> <span class="stat__label">{libelle}</span>'


def pages(jeu) -> dict[str, str]:
    return {
        "liste": reverse("versements:liste"),
        "detail": reverse("versements:detail", args=[jeu["acompte"].pk]),
        "exports": reverse("versements:exports"),
        "export": reverse("versements:export", args=[jeu["export"].pk]),
        "reversements": reverse("versements:reversements"),
        "reversement": reverse("versements:reversement", args=[jeu["ordre"].pk]),
    }


ATTENDU = {
    "gestionnaire": {
        "liste": 200,
        "detail": 200,
        "exports": 200,
        "export": 200,
        "reversements": 200,
        "reversement": 200,
    },
    "instructeur": {
        "liste": 200,
        "detail": 200,
        "exports": 200,
        "export": 200,
        "reversements": 200,
        "reversement": 200,
    },
    "agent_finances": {
        "liste": 200,
        "detail": 200,
        "exports": 200,
        "export": 200,
        "reversements": 200,
        "reversement": 200,
    },
    "administrateur": {
        "liste": 200,
        "detail": 200,
        "exports": 200,
        "export": 200,
        "reversements": 200,
        "reversement": 200,
    },
    "agent_slai": {
        "liste": 200,
        "detail": 200,
        "exports": 403,
        "export": 403,
        "reversements": 200,
        "reversement": 200,
    },
    "porteur": {"liste": 403, "detail": 200, "exports": 403, "export": 403, "reversements": 403, "reversement": 200},
    "autre_porteur": {
        "liste": 403,
        "detail": 404,
        "exports": 403,
        "export": 403,
        "reversements": 403,
        "reversement": 404,
    },
}


@pytest.mark.parametrize("qui", list(ATTENDU))
def test_permissions_de_chaque_page(client, jeu, qui, request):
    client.force_login(request.getfixturevalue(qui))
    obtenu = {nom: client.get(url).status_code for nom, url in pages(jeu).items()}
    assert obtenu == ATTENDU[qui]


def test_anonyme_redirige_vers_la_connexion(client, jeu):
    for url in pages(jeu).values():
        assert client.get(url).status_code == 302


def test_slai_d_un_autre_territoire_ne_voit_pas(client, jeu):
    client.force_login(UserFactory(role="slai", territoire=territoire("calaisis")))
    assert client.get(pages(jeu)["detail"]).status_code == 404
    assert client.get(pages(jeu)["reversement"]).status_code == 404
    assert "Aucun versement ne correspond" in client.get(pages(jeu)["liste"]).content.decode()


@pytest.mark.parametrize("qui", ["porteur", "agent_finances", "agent_slai", "administrateur"])
def test_actions_dpid_interdites_aux_autres(client, jeu, qui, request):
    client.force_login(request.getfixturevalue(qui))
    for nom in ("valider", "recalculer", "annuler"):
        assert client.post(reverse(f"versements:{nom}", args=[jeu["acompte"].pk]), {"motif": "x"}).status_code == 403
    assert (
        client.post(reverse("versements:reversement_annuler", args=[jeu["ordre"].pk]), {"motif": "x"}).status_code
        == 403
    )


def test_liste_filtres_tri_et_totaux(client, gestionnaire, jeu):
    client.force_login(gestionnaire)
    url = reverse("versements:liste")
    contenu = client.get(url, {"tri": "-montant"}).content.decode()
    assert stat("6\u00a0480,00", "au total : 2 versements") in contenu
    assert contenu.index("3\u00a0480,00\u00a0€") < contenu.index("3\u00a0000,00\u00a0€")
    contenu = client.get(url, {"type": "acompte"}).content.decode()
    assert stat("3\u00a0480,00", "au total : 1 versement") in contenu
    contenu = client.get(url, {"statut": "exporte"}).content.decode()
    assert stat("3\u00a0000,00", "au total : 1 versement") in contenu
    contenu = client.get(url, {"recherche": jeu["convention"].numero}).content.decode()
    assert "au total : 2 versements" in contenu
    contenu = client.get(url, {"territoire": territoire("calaisis").pk}).content.decode()
    assert "au total : 0 versement" in contenu


def test_filtre_des_bloques(client, gestionnaire, jeu):
    client.force_login(gestionnaire)
    url = reverse("versements:liste")
    assert "au total : 0 versement" in client.get(url, {"bloques": "on"}).content.decode()
    structure = jeu["convention"].structure
    structure.bic = ""
    structure.save()
    contenu = client.get(url, {"bloques": "on"}).content.decode()
    assert stat("3\u00a0480,00", "au total : 1 versement") in contenu
    assert "Bloqué" in contenu


def test_fiche_montre_le_calcul_et_valide(client, gestionnaire, jeu):
    client.force_login(gestionnaire)
    url = reverse("versements:detail", args=[jeu["acompte"].pk])
    contenu = client.get(url).content.decode()
    for attendu in (
        "DSP réalisées",
        "75\u00a0%",
        "90\u00a0%",
        "82,5\u00a0%",
        "81\u00a0%",
        "6\u00a0480,00\u00a0€",
        "3\u00a0480,00\u00a0€",
    ):
        assert attendu in contenu
    assert "Valider le versement" in contenu
    reponse = client.post(reverse("versements:valider", args=[jeu["acompte"].pk]), follow=True)
    assert "Versement validé" in reponse.content.decode()
    jeu["acompte"].refresh_from_db()
    assert jeu["acompte"].statut == "valide"


def test_validation_bloquee_montre_les_raisons(client, gestionnaire, jeu):
    structure = jeu["convention"].structure
    structure.iban = ""
    structure.save()
    client.force_login(gestionnaire)
    contenu = client.get(reverse("versements:detail", args=[jeu["acompte"].pk])).content.decode()
    assert "Versement bloqué" in contenu and "IBAN manquant" in contenu
    reponse = client.post(reverse("versements:valider", args=[jeu["acompte"].pk]), follow=True)
    assert "Le versement est bloqué. La structure n&#x27;a pas fourni" in reponse.content.decode()
    jeu["acompte"].refresh_from_db()
    assert jeu["acompte"].statut == "propose"


def test_annulation_par_la_page(client, gestionnaire, jeu):
    client.force_login(gestionnaire)
    url = reverse("versements:annuler", args=[jeu["acompte"].pk])
    client.post(url, {"motif": ""})
    jeu["acompte"].refresh_from_db()
    assert jeu["acompte"].statut == "propose"
    client.post(url, {"motif": "Bilan à corriger"})
    jeu["acompte"].refresh_from_db()
    assert jeu["acompte"].statut == "annule"


def test_porteur_voit_son_calcul_sans_actions(client, porteur, jeu):
    client.force_login(porteur)
    contenu = client.get(reverse("versements:detail", args=[jeu["acompte"].pk])).content.decode()
    assert "Calcul du versement" in contenu and "DSP réalisées" in contenu
    assert "Valider le versement" not in contenu and "Annuler ce versement" not in contenu


def test_reversement_remboursement_par_la_page(client, agent_finances, gestionnaire, jeu):
    ordre = jeu["ordre"]
    url = reverse("versements:rembourser", args=[ordre.pk])
    client.force_login(gestionnaire)
    assert client.post(url, {"montant": "100", "recu_le": AUJOURDHUI}).status_code == 403
    client.force_login(agent_finances)
    contenu = client.get(reverse("versements:reversement", args=[ordre.pk])).content.decode()
    assert "Enregistrer un remboursement" in contenu and "Annuler l&#x27;ordre" not in contenu
    reponse = client.post(url, {"montant": "600.00", "recu_le": AUJOURDHUI})
    assert reponse.status_code == 400 and "dépasse le reste dû" in reponse.content.decode()
    client.post(url, {"montant": "200.00", "recu_le": AUJOURDHUI})
    ordre.refresh_from_db()
    assert ordre.statut == "partiel"
    contenu = client.get(reverse("versements:reversement", args=[ordre.pk])).content.decode()
    assert "300,00\u00a0€" in contenu  # reste dû
    contenu = client.get(reverse("versements:reversements"), {"statut": "partiel"}).content.decode()
    assert stat("500,00", "réclamés : 1 ordre") in contenu and "200,00\u00a0€" in contenu


def test_reversement_annule_par_la_page(client, gestionnaire, jeu):
    client.force_login(gestionnaire)
    url = reverse("versements:reversement_annuler", args=[jeu["ordre"].pk])
    assert client.post(url, {"motif": ""}).status_code == 400
    assert client.post(url, {"motif": "Erreur de saisie"}).status_code == 302
    assert OrdreReversement.objects.get(pk=jeu["ordre"].pk).statut == "annule"


def test_lancement_de_l_export_par_la_page(client, gestionnaire, jeu, django_capture_on_commit_callbacks):
    services.valider_versement(jeu["acompte"], gestionnaire, at=instant(2026, 11, 3))
    client.force_login(gestionnaire)
    contenu = client.get(reverse("versements:exports")).content.decode()
    assert "Exporter les 1 ordre de paiement" in contenu
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(reverse("versements:exporter"))
    assert reponse.status_code == 302 and "/taches/" in reponse.url
    contenu = client.get(reponse.url).content.decode()
    assert ".xlsx" in contenu and ".csv" in contenu


def test_partiel_de_l_operation(rf, jeu, porteur, autre_porteur, gestionnaire):
    structure = jeu["convention"].structure
    structure.bic = ""
    structure.save()
    contexte = {"operation": jeu["operation"], "convention": jeu["convention"]}
    html = render_to_string("versements/_operation.html", {**contexte, "user": porteur})
    assert "Échéancier de l'opération" in html
    assert "3\u00a0000,00\u00a0€" in html and "3\u00a0480,00\u00a0€" in html
    assert reverse("versements:detail", args=[jeu["acompte"].pk]) in html
    assert "Versement bloqué" in html and "BIC manquant" in html
    assert "Ordres de reversement de l'opération" in html and "500,00\u00a0€" in html
    assert render_to_string("versements/_operation.html", {**contexte, "user": autre_porteur}).strip() == ""
    assert "Échéancier" in render_to_string("versements/_operation.html", {**contexte, "user": gestionnaire})


def test_convention_generee_partiel_sans_versement(porteur):
    convention = convention_signee()
    convention.statut = StatutConvention.GENEREE
    convention.save()
    Membre.objects.create(structure=convention.structure, user=porteur, role="representant_legal")
    html = render_to_string(
        "versements/_operation.html",
        {"operation": convention.operations.get(), "convention": convention, "user": porteur},
    )
    assert "À venir" in html and "Versement bloqué" not in html
