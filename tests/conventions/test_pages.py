"""Pages du suivi des conventions : liste des agents (filtres, tris, totaux), « Mes conventions », fiche et ses
actions (erreurs sur place), parcours de dépôt du PDF signé, pages des avenants."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse

from aap.commission.models import StatutSeance, Vote
from aap.conventions.avenants import decider, demander_avenant
from aap.conventions.models import Avenant, Convention, StatutAvenant, StatutConvention, TypeAvenant
from aap.core.models import Role
from aap.structures.fichiers import DOCX, contenu_de_test
from aap.structures.models import Membre
from aap.versements.models import StatutEcheance
from tests.commission.factories import SeanceCPFactory
from tests.conventions.factories import fabriquer_convention
from tests.conventions.test_signature import pdf_reel
from tests.factories import StructureFactory, UserFactory


AGENTS = ["instructeur", "gestionnaire", "agent_slai", "agent_finances", "administrateur"]


def de(porteur, statut=StatutConvention.GENEREE, **kwargs) -> Convention:
    convention = fabriquer_convention(structure=Membre.objects.get(user=porteur).structure, **kwargs)
    convention.fichier.save(f"convention-{convention.numero}.docx", ContentFile(contenu_de_test(DOCX)), save=False)
    convention.statut = statut
    convention.save()
    return convention


# --- Liste des agents ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("agent", AGENTS)
def test_liste_ouverte_aux_agents(agent, client, porteur, request):
    convention = de(porteur)
    client.force_login(request.getfixturevalue(agent))
    reponse = client.get(reverse("conventions:liste"))
    assert reponse.status_code == 200
    assert convention.numero in reponse.content.decode()


def test_liste_interdite_aux_porteurs(client, porteur):
    client.force_login(porteur)
    assert client.get(reverse("conventions:liste")).status_code == 403


def test_liste_anonyme_renvoie_a_la_connexion(client):
    reponse = client.get(reverse("conventions:liste"))
    assert reponse.status_code == 302
    assert reponse.url.startswith(reverse("core:login"))


def test_liste_filtres_et_totaux(client, gestionnaire, porteur, autre_porteur):
    a = de(porteur, montants=[Decimal("1000.00"), Decimal("2500.50")])
    b = de(autre_porteur, statut=StatutConvention.SIGNEE, montants=[Decimal("700.25")])
    client.force_login(gestionnaire)
    url = reverse("conventions:liste")

    tout = client.get(url).context
    assert tout["totaux"]["nombre"] == 2
    assert tout["totaux"]["montant"] == Decimal("4200.75")
    assert tout["totaux"]["en_vigueur"] == 1

    def numeros(**params) -> list[str]:
        return [c.numero for c in client.get(url, params).context["page"]]

    assert numeros(statut="signee") == [b.numero]
    assert numeros(q=a.numero) == [a.numero]
    assert numeros(q=b.structure.siret) == [b.numero]
    assert numeros(q=a.structure.raison_sociale.upper()) == [a.numero]
    assert numeros(dispositif=b.operations.get().dispositif_id) == [b.numero]
    assert numeros(seance=a.seance_id) == sorted([a.numero, b.numero], reverse=True)  # même séance (fabrique)
    assert numeros(territoire=b.operations.get().demande.territoires.get().pk) == sorted(
        [a.numero, b.numero], reverse=True
    )
    filtre = client.get(url, {"statut": "generee"}).context
    assert filtre["totaux"]["montant"] == Decimal("3500.50")


def test_liste_filtre_par_territoire(client, gestionnaire):
    structure = StructureFactory()
    from tests.conventions.factories import inscription_approuvee

    calaisis = fabriquer_convention(
        inscriptions=[inscription_approuvee(structure, Decimal("500.00"), territoires=["calaisis"])]
    )
    arras = fabriquer_convention(montants=[Decimal("800.00")])
    client.force_login(gestionnaire)
    page = client.get(
        reverse("conventions:liste"), {"territoire": calaisis.operations.get().demande.territoires.get().pk}
    )
    assert [c.numero for c in page.context["page"]] == [calaisis.numero]
    assert arras.numero not in page.content.decode()


def test_liste_tri_par_montant(client, gestionnaire, porteur, autre_porteur):
    petite = de(porteur, montants=[Decimal("100.00")])
    grande = de(autre_porteur, montants=[Decimal("90000.00")])
    client.force_login(gestionnaire)
    url = reverse("conventions:liste")
    assert [c.pk for c in client.get(url, {"tri": "montant"}).context["page"]] == [petite.pk, grande.pk]
    assert [c.pk for c in client.get(url, {"tri": "-montant"}).context["page"]] == [grande.pk, petite.pk]


# --- Mes conventions ------------------------------------------------------------------------------------------------


def test_mes_conventions_du_porteur(client, porteur, autre_porteur):
    mienne = de(porteur, statut=StatutConvention.ENVOYEE)
    autre = de(autre_porteur)
    client.force_login(porteur)
    reponse = client.get(reverse("conventions:mes_conventions"))
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert mienne.numero in contenu and autre.numero not in contenu
    assert reponse.context["a_signer"] == [mienne]


@pytest.mark.parametrize("agent", AGENTS)
def test_mes_conventions_interdite_aux_agents(agent, client, request):
    client.force_login(request.getfixturevalue(agent))
    assert client.get(reverse("conventions:mes_conventions")).status_code == 403


# --- Fiche et actions ----------------------------------------------------------------------------------------------


def test_fiche_agent_montre_frise_operations_et_actions(client, gestionnaire, porteur):
    convention = de(porteur, montants=[Decimal("1000.00"), Decimal("2500.50")])
    client.force_login(gestionnaire)
    reponse = client.get(reverse("conventions:detail", args=[convention.pk]))
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert "Annexe 1" in contenu and "Annexe 2" in contenu
    assert "Envoyer à la structure pour signature" in contenu
    assert "Résilier la convention" in contenu
    assert reponse.context["actions"] == {"envoyer", "resilier"}
    assert [e.faite for e in reponse.context["etapes"]] == [True, False, False, False]


def test_fiche_porteur_sans_actions_d_agent(client, porteur):
    convention = de(porteur, statut=StatutConvention.ENVOYEE)
    client.force_login(porteur)
    reponse = client.get(reverse("conventions:detail", args=[convention.pk]))
    assert reponse.status_code == 200
    assert reponse.context["actions"] == {"deposer_signature"}
    assert "Signer pour le Département" not in reponse.content.decode()


def test_envoi_depuis_la_fiche(client, gestionnaire, porteur):
    convention = de(porteur)
    client.force_login(gestionnaire)
    reponse = client.post(reverse("conventions:envoyer", args=[convention.pk]))
    assert reponse.status_code == 302
    assert Convention.objects.get(pk=convention.pk).statut == StatutConvention.ENVOYEE


def test_action_impossible_affichee_sur_la_fiche(client, gestionnaire, porteur):
    convention = de(porteur, statut=StatutConvention.SIGNEE)
    client.force_login(gestionnaire)
    reponse = client.post(reverse("conventions:envoyer", args=[convention.pk]))
    assert reponse.status_code == 400
    assert "est impossible" in reponse.context["erreur_action"]
    assert "est impossible" in reponse.content.decode()


@pytest.mark.parametrize("nom", ["envoyer", "signer_departement", "resilier"])
def test_actions_d_agent_interdites_au_porteur_et_aux_finances(nom, client, porteur, agent_finances):
    convention = de(porteur)
    for user in (porteur, agent_finances):
        client.force_login(user)
        assert client.post(reverse(f"conventions:{nom}", args=[convention.pk]), {"motif": "x"}).status_code == 403
    assert Convention.objects.get(pk=convention.pk).statut == StatutConvention.GENEREE


def test_signature_du_departement_depuis_la_fiche(client, gestionnaire, porteur):
    convention = de(porteur, statut=StatutConvention.SIGNEE_STRUCTURE)
    client.force_login(gestionnaire)
    assert client.post(reverse("conventions:signer_departement", args=[convention.pk])).status_code == 302
    assert convention.operations.get().echeances.get(type="avance").statut == StatutEcheance.EXIGIBLE


def test_resiliation_sans_motif_erreur_sur_place(client, gestionnaire, porteur):
    convention = de(porteur, statut=StatutConvention.SIGNEE)
    client.force_login(gestionnaire)
    reponse = client.post(reverse("conventions:resilier", args=[convention.pk]), {"motif": ""})
    assert reponse.status_code == 400
    assert reponse.context["form_resiliation"].errors["motif"]
    reponse = client.post(reverse("conventions:resilier", args=[convention.pk]), {"motif": "Contrôle refusé."})
    assert reponse.status_code == 302
    assert Convention.objects.get(pk=convention.pk).statut == StatutConvention.RESILIEE
    fiche = client.get(reverse("conventions:detail", args=[convention.pk])).content.decode()
    assert "Contrôle refusé." in fiche  # motif dans l'historique


# --- Parcours du porteur : dépôt du PDF signé ----------------------------------------------------------------------


def test_parcours_depot_du_pdf_signe(client, porteur, gestionnaire):
    convention = de(porteur, statut=StatutConvention.ENVOYEE)
    client.force_login(porteur)
    document = client.get(reverse("conventions:telecharger_convention", args=[convention.pk]))
    assert document.status_code == 200
    assert document["Content-Disposition"].startswith("attachment")
    pdf = pdf_reel()
    assert pdf.startswith(b"%PDF-")
    reponse = client.post(
        reverse("conventions:deposer_signature", args=[convention.pk]),
        {"fichier": SimpleUploadedFile("signee.pdf", pdf, content_type="application/pdf")},
    )
    assert reponse.status_code == 302
    convention.refresh_from_db()
    assert convention.statut == StatutConvention.SIGNEE_STRUCTURE
    telecharge = client.get(reverse("conventions:telecharger_signee", args=[convention.pk]))
    assert b"".join(telecharge.streaming_content) == pdf
    client.force_login(gestionnaire)
    assert client.get(reverse("conventions:telecharger_signee", args=[convention.pk])).status_code == 200


def test_depot_d_un_fichier_non_pdf_erreur_sur_place(client, porteur):
    convention = de(porteur, statut=StatutConvention.ENVOYEE)
    client.force_login(porteur)
    reponse = client.post(
        reverse("conventions:deposer_signature", args=[convention.pk]),
        {"fichier": SimpleUploadedFile("signee.docx", contenu_de_test(DOCX))},
    )
    assert reponse.status_code == 400
    assert "se dépose en PDF" in reponse.content.decode()
    assert Convention.objects.get(pk=convention.pk).statut == StatutConvention.ENVOYEE


def test_document_absent_404(client, porteur):
    convention = de(porteur)
    convention.fichier = ""
    convention.save()
    client.force_login(porteur)
    assert client.get(reverse("conventions:telecharger_convention", args=[convention.pk])).status_code == 404
    assert client.get(reverse("conventions:telecharger_signee", args=[convention.pk])).status_code == 404


# --- Avenants ------------------------------------------------------------------------------------------------------


def test_demande_d_avenant_par_le_porteur(client, porteur):
    convention = de(porteur, statut=StatutConvention.SIGNEE)
    operation = convention.operations.get()
    client.force_login(porteur)
    url = reverse("conventions:avenant_demander", args=[convention.pk])
    assert client.get(url).status_code == 200
    reponse = client.post(
        url, {"type": "financier", "motif": "Activité accrue.", f"montant_{operation.pk}": "11000,00"}
    )
    avenant = Avenant.objects.get()
    assert reponse.status_code == 302 and reponse.url == reverse("conventions:avenant", args=[avenant.pk])
    assert avenant.apres["montant"] == "11000.00" and avenant.necessite_cp


def test_demande_de_report_sans_evenement_erreur_sur_place(client, porteur):
    convention = de(porteur, statut=StatutConvention.SIGNEE)
    client.force_login(porteur)
    reponse = client.post(
        reverse("conventions:avenant_demander", args=[convention.pk]),
        {"type": "periode", "motif": "Retard.", "date_fin": "2028-06-30"},
    )
    assert reponse.status_code == 400
    assert "aléa majeur et exceptionnel" in reponse.content.decode()
    assert not Avenant.objects.exists()


@pytest.mark.parametrize("agent", ["agent_slai", "agent_finances"])
def test_demande_d_avenant_interdite_aux_autres_agents(agent, client, porteur, request):
    convention = de(porteur, statut=StatutConvention.SIGNEE)
    client.force_login(request.getfixturevalue(agent))
    assert client.get(reverse("conventions:avenant_demander", args=[convention.pk])).status_code == 403


def avenant_de(convention, porteur, montant="12000.00") -> Avenant:
    return demander_avenant(
        convention,
        porteur,
        type=TypeAvenant.FINANCIER,
        motif="Activité accrue.",
        montants={convention.operations.get().pk: Decimal(montant)},
    )


def test_page_avenant_et_decision(client, porteur, instructeur):
    convention = de(porteur, statut=StatutConvention.SIGNEE)
    avenant = avenant_de(convention, porteur)
    client.force_login(instructeur)
    page = client.get(reverse("conventions:avenant", args=[avenant.pk]))
    assert page.status_code == 200
    assert page.context["vue"].actions == ["decider"]
    assert "Montant maximal de la subvention" in page.content.decode()
    reponse = client.post(reverse("conventions:avenant_decider", args=[avenant.pk]), {"decision": "refuser"})
    assert reponse.status_code == 400 and "motif du refus" in reponse.content.decode()
    reponse = client.post(reverse("conventions:avenant_decider", args=[avenant.pk]), {"decision": "accepter"})
    assert reponse.status_code == 302
    assert Avenant.objects.get(pk=avenant.pk).statut == StatutAvenant.EN_ATTENTE_CP


@pytest.mark.parametrize("user", ["porteur", "agent_finances", "administrateur"])
def test_decision_interdite_hors_service_instructeur(user, client, porteur, request):
    avenant = avenant_de(de(porteur, statut=StatutConvention.SIGNEE), porteur)
    client.force_login(request.getfixturevalue(user))
    assert (
        client.post(reverse("conventions:avenant_decider", args=[avenant.pk]), {"decision": "accepter"}).status_code
        == 403
    )


def test_rattachement_cp_et_signature_depuis_la_page(client, porteur, instructeur, gestionnaire, monkeypatch):
    monkeypatch.setattr("aap.conventions.documents.rendre_avenant", lambda avenant: b"PK avenant")
    convention = de(porteur, statut=StatutConvention.SIGNEE)
    avenant = decider(avenant_de(convention, porteur), instructeur, accepte=True)
    seance = SeanceCPFactory(date=datetime.date(2027, 2, 1), statut=StatutSeance.VOTEE)
    Vote.objects.create(seance=seance, pour=40, contre=0, abstention=0, adopte=True, enregistre_par=gestionnaire)
    client.force_login(gestionnaire)
    assert client.get(reverse("conventions:avenant", args=[avenant.pk])).context["vue"].actions == ["rattacher_cp"]
    reponse = client.post(reverse("conventions:avenant_rattacher_cp", args=[avenant.pk]), {"seance": seance.pk})
    assert reponse.status_code == 302
    reponse = client.post(reverse("conventions:avenant_signer", args=[avenant.pk]))
    assert reponse.status_code == 302
    assert Convention.objects.get(pk=convention.pk).montant == Decimal("12000.00")
    client.force_login(porteur)
    telecharge = client.get(reverse("conventions:telecharger_avenant", args=[avenant.pk]))
    assert b"".join(telecharge.streaming_content) == b"PK avenant"
    fiche = client.get(reverse("conventions:detail", args=[convention.pk])).content.decode()
    assert "Avenant n° 1 (Word)" in fiche


def test_signature_avenant_impossible_erreur_sur_place(client, porteur, gestionnaire):
    avenant = avenant_de(de(porteur, statut=StatutConvention.SIGNEE), porteur)
    client.force_login(gestionnaire)
    reponse = client.post(reverse("conventions:avenant_signer", args=[avenant.pk]))
    assert reponse.status_code == 400
    assert "est impossible" in reponse.content.decode()


# --- Gabarits partiels ---------------------------------------------------------------------------------------------


def test_include_si_existe():
    gabarit = Template(
        '{% load conventions_ui %}[{% include_si_existe "absent/_nulle_part.html" %}]'
        '{% include_si_existe "ui/breadcrumbs.html" %}'
    )
    rendu = gabarit.render(Context({"items": [("Conventions", "/conventions/")]}))
    assert rendu.startswith("[]")
    assert 'aria-current="page">Conventions' in rendu


def test_fiche_avec_un_role_slai(client, porteur, agent_slai):
    convention = de(porteur)
    client.force_login(agent_slai)
    reponse = client.get(reverse("conventions:detail", args=[convention.pk]))
    assert reponse.status_code == 200
    assert reponse.context["actions"] == set()


def test_admin_est_agent_dpid(client, porteur):
    admin = UserFactory(role=Role.ADMIN)
    convention = de(porteur)
    client.force_login(admin)
    assert client.get(reverse("conventions:detail", args=[convention.pk])).context["actions"] == {
        "envoyer",
        "resilier",
    }
