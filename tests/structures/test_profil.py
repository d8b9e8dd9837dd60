"""Espace porteur : mes structures, profil, modification, périmètre."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from aap.core.models import AuditLog, Territoire
from aap.structures import services
from aap.structures.models import RoleMembre, Structure
from tests.factories import MembreFactory, StructureFactory


def donnees_profil(structure: Structure, **kw) -> dict:
    base = {
        "raison_sociale": structure.raison_sociale,
        "sigle": "",
        "forme_juridique": structure.forme_juridique,
        "rna": "",
        "adresse": structure.adresse,
        "code_postal": structure.code_postal,
        "commune": structure.commune,
        "est_siege": "True",
        "territoire": str(Territoire.objects.get(code="arrageois").pk),
        "email": structure.email,
        "telephone": "03 21 21 21 21",
        "site_web": "",
        "representant_civilite": structure.representant_civilite,
        "representant_prenom": structure.representant_prenom,
        "representant_nom": structure.representant_nom,
        "representant_fonction": structure.representant_fonction,
        "iban": "",
        "bic": "CEPAFRPP627",
    }
    return {**base, **kw}


def test_mes_structures_liste_mes_roles(client, porteur, structure):
    autre = StructureFactory(raison_sociale="Zèbre Solidaire")
    MembreFactory(structure=autre, user=porteur, role=RoleMembre.LECTEUR)
    StructureFactory(raison_sociale="Pas la mienne")
    client.force_login(porteur)
    contenu = client.get(reverse("structures:mes_structures")).content.decode()
    assert structure.raison_sociale in contenu and "Zèbre Solidaire" in contenu
    assert "Pas la mienne" not in contenu
    assert "Représentant légal" in contenu and "Lecture seule" in contenu


def test_membre_desactive_ne_voit_plus_la_structure(client, porteur, structure):
    porteur.adhesions.update(actif=False)
    client.force_login(porteur)
    assert client.get(reverse("structures:profil", args=[structure.pk])).status_code == 404


def test_profil_affiche_l_iban_masque(client, porteur, structure):
    client.force_login(porteur)
    contenu = client.get(reverse("structures:profil", args=[structure.pk])).content.decode()
    assert structure.iban not in contenu and "FR76" not in contenu
    assert "0189" in contenu and "IBAN masqué se terminant par 0189" in contenu
    assert "Modifier le profil" in contenu and "Gérer les membres" in contenu


def test_porteur_d_une_autre_structure_recoit_404(client, autre_porteur, structure):
    client.force_login(autre_porteur)
    for nom in ("profil", "modifier", "membres", "piece_ajouter"):
        assert client.get(reverse(f"structures:{nom}", args=[structure.pk])).status_code == 404, nom


def test_agent_redirige_vers_la_fiche_agent(client, instructeur, structure):
    client.force_login(instructeur)
    reponse = client.get(reverse("structures:profil", args=[structure.pk]))
    assert reponse.status_code == 302 and reponse.url == reverse("structures:agent_detail", args=[structure.pk])


def test_lecteur_en_lecture_seule(client, lecteur, structure):
    client.force_login(lecteur)
    contenu = client.get(reverse("structures:profil", args=[structure.pk])).content.decode()
    assert "lecture seule" in contenu and "Modifier le profil" not in contenu
    assert client.get(reverse("structures:modifier", args=[structure.pk])).status_code == 403
    assert (
        client.post(reverse("structures:modifier", args=[structure.pk]), donnees_profil(structure)).status_code == 403
    )
    assert client.get(reverse("structures:membres", args=[structure.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        services.modifier_structure(structure, lecteur, {"raison_sociale": "Piratée"})


def test_gestionnaire_modifie_le_profil(client, gestionnaire_structure, structure):
    client.force_login(gestionnaire_structure)
    url = reverse("structures:modifier", args=[structure.pk])
    formulaire = client.get(url).content.decode()
    assert structure.iban not in formulaire  # l'IBAN n'est jamais réaffiché en clair
    reponse = client.post(
        url,
        donnees_profil(structure, sigle="ACS", soumise_cac="on", iban="FR76 3000 4000 0312 3456 7890 143"),
    )
    assert reponse.status_code == 302
    structure.refresh_from_db()
    assert structure.sigle == "ACS" and structure.soumise_cac and structure.territoire.code == "arrageois"
    assert structure.iban == "FR7630004000031234567890143" and structure.bic == "CEPAFRPP627"
    entree = AuditLog.objects.for_object(structure).get(action="structure.modifier")
    assert entree.acteur == gestionnaire_structure
    assert "iban" in entree.details["champs"] and entree.details["avant"]["iban"] == "modifié"


def test_iban_laisse_vide_est_conserve(client, porteur, structure):
    client.force_login(porteur)
    client.post(reverse("structures:modifier", args=[structure.pk]), donnees_profil(structure, iban=""))
    structure.refresh_from_db()
    assert structure.iban == "FR7630006000011234567890189"


@pytest.mark.parametrize(
    ("champ", "valeur", "message"),
    [
        ("code_postal", "59000", "doit se trouver dans le Pas-de-Calais"),
        ("iban", "FR76 3000 6000 0112 3456 7890 188", "clé de contrôle incorrecte"),
        ("bic", "CEPA", "Le BIC compte 8 ou 11 caractères"),
        ("territoire", "", "Ce champ est obligatoire"),
    ],
)
def test_erreurs_du_profil_en_ligne(client, porteur, structure, champ, valeur, message):
    client.force_login(porteur)
    reponse = client.post(
        reverse("structures:modifier", args=[structure.pk]), donnees_profil(structure, **{champ: valeur})
    )
    assert reponse.status_code == 200
    contenu = reponse.content.decode().replace("&#x27;", "'")
    assert f'id="id_{champ}_error"' in contenu and message in contenu


def test_le_territoire_departement_n_est_pas_un_territoire_mds(porteur, structure):
    with pytest.raises(ValidationError):
        services.modifier_structure(structure, porteur, {"territoire": Territoire.objects.get(code="departement")})


def test_le_porteur_ne_pose_pas_le_label(client, porteur, structure):
    Structure.objects.filter(pk=structure.pk).update(label_referent_62=False)
    client.force_login(porteur)
    client.post(reverse("structures:modifier", args=[structure.pk]), donnees_profil(structure, label_referent_62="on"))
    structure.refresh_from_db()
    assert structure.label_referent_62 is False
    with pytest.raises(PermissionDenied):
        services.definir_label_referent_62(structure, porteur, True)


def test_sans_modification_pas_de_ligne_d_audit(porteur, structure):
    services.modifier_structure(structure, porteur, {"raison_sociale": structure.raison_sociale})
    assert not AuditLog.objects.filter(action="structure.modifier").exists()
