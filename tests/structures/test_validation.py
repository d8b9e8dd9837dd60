"""Validation et refus des demandes de compte par les agents DPID."""

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from aap.core.models import AuditLog, Role, User
from aap.core.workflow import TransitionInterdite
from aap.structures import services
from aap.structures.droits import ErreurStructure
from aap.structures.models import Membre, RoleMembre, StatutDemandeCompte, Structure
from tests.factories import PASSWORD, MembreFactory, StructureFactory, UserFactory
from tests.structures.factories import DemandeCompteFactory


def lien_du_courriel(message) -> str:
    return re.search(r"http://\S+/mot-de-passe/definir/\S+/", message.body).group(0)


def test_table_du_workflow():
    assert sorted(services.WORKFLOW_DEMANDE_COMPTE.table()) == [
        ("en_attente", "refuser", "refusee"),
        ("en_attente", "valider", "validee"),
    ]


def test_validation_cree_structure_compte_et_membre(instructeur, django_capture_on_commit_callbacks):
    demande = DemandeCompteFactory()
    with django_capture_on_commit_callbacks(execute=True):
        membre = services.valider_demande_compte(demande, instructeur)
    demande.refresh_from_db()
    assert demande.statut == StatutDemandeCompte.VALIDEE
    assert demande.traitee_par == instructeur and demande.traitee_le is not None
    structure = Structure.objects.get(siret=demande.siret)
    assert demande.structure == structure and structure.raison_sociale == demande.raison_sociale
    assert structure.email == demande.email and structure.territoire is None
    user = User.objects.get(email=demande.email)
    assert demande.compte == user and user.role == Role.PORTEUR and not user.has_usable_password()
    assert (membre.structure, membre.user, membre.role) == (structure, user, RoleMembre.REPRESENTANT_LEGAL)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [demande.email]
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {"demande_compte.valider", "structure.creer", "compte.creer", "membre.ajouter"} <= actions
    entree = AuditLog.objects.for_object(demande).get(action="demande_compte.valider")
    assert entree.acteur == instructeur and entree.details["de"] == "en_attente"


def test_le_lien_du_courriel_sert_une_seule_fois(client, instructeur, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "http://testserver"
    demande = DemandeCompteFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.valider_demande_compte(demande, instructeur)
    lien = lien_du_courriel(mail.outbox[0])
    assert lien.startswith("http://testserver/mot-de-passe/definir/")
    chemin = lien.removeprefix("http://testserver")
    reponse = client.get(chemin, follow=True)
    assert "Choisir votre mot de passe" in reponse.content.decode()
    formulaire_url = reponse.redirect_chain[-1][0]
    nouveau = "Un-mot-de-passe-solide-62"
    reponse = client.post(formulaire_url, {"new_password1": nouveau, "new_password2": nouveau})
    assert reponse.status_code == 302 and reponse.url == reverse("core:mot_de_passe_defini")
    user = User.objects.get(email=demande.email)
    assert user.check_password(nouveau)
    client.logout()
    assert client.login(email=demande.email, password=nouveau)
    client.logout()
    seconde = client.get(chemin, follow=True).content.decode()
    assert "n'est plus valable" in seconde


def test_doublon_de_siret_rattache_a_la_structure_existante(instructeur, porteur):
    structure = porteur.adhesions.get().structure
    demande = DemandeCompteFactory(siret=structure.siret, structure=structure, structure_deja_inscrite=True)
    membre = services.valider_demande_compte(demande, instructeur)
    assert Structure.objects.filter(siret=structure.siret).count() == 1
    assert membre.structure == structure
    # La structure a déjà un représentant légal actif : le demandeur devient gestionnaire.
    assert membre.role == RoleMembre.GESTIONNAIRE
    raison_sociale = structure.raison_sociale
    structure.refresh_from_db()
    assert structure.raison_sociale == raison_sociale  # le profil existant n'est pas écrasé


def test_demandeur_non_representant_devient_gestionnaire(instructeur):
    demande = DemandeCompteFactory(demandeur_est_representant=False, demandeur_nom="Martin")
    assert services.valider_demande_compte(demande, instructeur).role == RoleMembre.GESTIONNAIRE


def test_compte_porteur_existant_reutilise(instructeur, porteur, django_capture_on_commit_callbacks):
    demande = DemandeCompteFactory(email=porteur.email.upper())
    with django_capture_on_commit_callbacks(execute=True):
        membre = services.valider_demande_compte(demande, instructeur)
    assert membre.user == porteur and User.objects.filter(email__iexact=porteur.email).count() == 1
    assert porteur.adhesions.count() == 2
    assert porteur.check_password(PASSWORD)
    corps = mail.outbox[0].body
    assert "mot de passe habituel" in corps and "/mot-de-passe/definir/" not in corps


def test_adresse_d_un_agent_refusee(instructeur, gestionnaire):
    demande = DemandeCompteFactory(email=gestionnaire.email)
    with pytest.raises(ErreurStructure, match="compte agent"):
        services.valider_demande_compte(demande, instructeur)
    demande.refresh_from_db()
    assert demande.statut == StatutDemandeCompte.EN_ATTENTE
    assert not Structure.objects.filter(siret=demande.siret).exists()


def test_une_demande_ne_se_traite_qu_une_fois(instructeur):
    demande = DemandeCompteFactory()
    services.valider_demande_compte(demande, instructeur)
    with pytest.raises(TransitionInterdite):
        services.valider_demande_compte(demande, instructeur)
    with pytest.raises(TransitionInterdite):
        services.refuser_demande_compte(demande, instructeur, "trop tard")


@pytest.mark.parametrize("role", [Role.SLAI, Role.FINANCES, Role.PORTEUR])
def test_seuls_les_agents_dpid_valident(role):
    acteur = UserFactory(role=role, slai=role == Role.SLAI)
    demande = DemandeCompteFactory()
    with pytest.raises(PermissionDenied):
        services.valider_demande_compte(demande, acteur)
    with pytest.raises(PermissionDenied):
        services.refuser_demande_compte(demande, acteur, "non")


def test_refus_envoie_le_motif(gestionnaire, django_capture_on_commit_callbacks):
    demande = DemandeCompteFactory()
    with pytest.raises(ErreurStructure, match="motif"):
        services.refuser_demande_compte(demande, gestionnaire, "   ")
    with django_capture_on_commit_callbacks(execute=True):
        services.refuser_demande_compte(demande, gestionnaire, "Le SIRET correspond à une entreprise du Nord.")
    demande.refresh_from_db()
    assert demande.statut == StatutDemandeCompte.REFUSEE
    assert demande.motif_refus == "Le SIRET correspond à une entreprise du Nord."
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [demande.email]
    assert "Le SIRET correspond à une entreprise du Nord." in mail.outbox[0].body
    assert not User.objects.filter(email=demande.email).exists()
    entree = AuditLog.objects.for_object(demande).get(action="demande_compte.refuser")
    assert entree.acteur == gestionnaire and entree.details["motif"].startswith("Le SIRET")


# --- Écrans agents ---


def test_liste_filtres_et_doublons_signales(client, instructeur):
    existante = StructureFactory()
    rattachement = DemandeCompteFactory(siret=existante.siret, raison_sociale="Rattachement SA")
    nouvelle = DemandeCompteFactory(raison_sociale="Nouvelle asso")
    refusee = DemandeCompteFactory(raison_sociale="Refusée asso", statut=StatutDemandeCompte.REFUSEE)
    client.force_login(instructeur)
    url = reverse("structures:demandes_compte")
    contenu = client.get(url).content.decode()  # par défaut : en attente
    assert rattachement.raison_sociale in contenu and nouvelle.raison_sociale in contenu
    assert refusee.raison_sociale not in contenu
    assert contenu.count("Structure déjà inscrite : rattacher le demandeur") == 1
    assert "Refusée asso" in client.get(url, {"statut": "refusee"}).content.decode()
    seulement = client.get(url, {"statut": "", "rattachement": "on"}).content.decode()
    assert "Rattachement SA" in seulement and "Nouvelle asso" not in seulement
    tri = client.get(url, {"statut": "", "tri": "raison_sociale"}).content.decode()
    assert tri.index("Nouvelle asso") < tri.index("Rattachement SA") < tri.index("Refusée asso")


def test_liste_paginee(client, instructeur):
    DemandeCompteFactory.create_batch(27)
    client.force_login(instructeur)
    reponse = client.get(reverse("structures:demandes_compte"))
    assert len(reponse.context["page"]) == 25 and reponse.context["page"].paginator.count == 27
    assert len(client.get(reverse("structures:demandes_compte"), {"page": 2}).context["page"]) == 2


@pytest.mark.parametrize("fixture", ["agent_slai", "agent_finances", "porteur"])
def test_ecrans_reserves_aux_agents_dpid(client, request, fixture):
    demande = DemandeCompteFactory()
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse("structures:demandes_compte")).status_code == 403
    assert client.get(reverse("structures:demande_compte_detail", args=[demande.pk])).status_code == 403
    assert client.post(reverse("structures:demande_compte_valider", args=[demande.pk])).status_code == 403


def test_anonyme_redirige_vers_la_connexion(client):
    reponse = client.get(reverse("structures:demandes_compte"))
    assert reponse.status_code == 302 and reponse.url.startswith(reverse("core:login"))


def test_valider_depuis_l_ecran(client, administrateur, django_capture_on_commit_callbacks):
    demande = DemandeCompteFactory()
    client.force_login(administrateur)
    detail = reverse("structures:demande_compte_detail", args=[demande.pk])
    assert "Valider la demande" in client.get(detail).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(reverse("structures:demande_compte_valider", args=[demande.pk]), follow=True)
    assert "Demande validée" in reponse.content.decode()
    assert Membre.objects.filter(user__email=demande.email).exists()
    assert len(mail.outbox) == 1


def test_refuser_depuis_l_ecran_exige_un_motif(client, instructeur, django_capture_on_commit_callbacks):
    demande = DemandeCompteFactory()
    client.force_login(instructeur)
    url = reverse("structures:demande_compte_refuser", args=[demande.pk])
    reponse = client.post(url, {"motif": ""})
    assert reponse.status_code == 400 and 'id="id_motif_error"' in reponse.content.decode()
    demande.refresh_from_db()
    assert demande.statut == StatutDemandeCompte.EN_ATTENTE
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"motif": "Structure hors champ de l'appel."})
    demande.refresh_from_db()
    assert demande.statut == StatutDemandeCompte.REFUSEE
    assert "Structure hors champ de l'appel." in mail.outbox[0].body
    page = client.get(reverse("structures:demande_compte_detail", args=[demande.pk])).content.decode()
    assert "Motif du refus communiqué au demandeur" in page and "Valider la demande" not in page


def test_rattachement_cree_un_membre_pour_le_demandeur_existant(instructeur):
    structure = StructureFactory()
    ancien = MembreFactory(structure=structure, role=RoleMembre.GESTIONNAIRE, actif=False)
    demande = DemandeCompteFactory(siret=structure.siret, email=ancien.user.email)
    membre = services.valider_demande_compte(demande, instructeur)
    assert membre.pk == ancien.pk and membre.actif
    # Pas de représentant légal actif et le demandeur l'est : il le devient.
    assert membre.role == RoleMembre.REPRESENTANT_LEGAL
