"""Modèles Word téléversés : validation (DOCX réel, champs connus, fusion d'exemple), mise en service, droits."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from aap.conventions import documents
from aap.conventions.documents import ModeleInvalide, activer_modele, televerser_modele, valider_modele
from aap.conventions.models import ModeleDocument, TypeModele
from aap.core.models import AuditLog
from tests.conventions.factories import fabriquer_convention


def docx(*paragraphes: str) -> bytes:
    document = Document()
    for texte in paragraphes:
        document.add_paragraph(texte)
    sortie = io.BytesIO()
    document.save(sortie)
    return sortie.getvalue()


def texte(contenu: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(contenu)).paragraphs)


BON = docx(
    "MODÈLE MAISON N° {{ numero }}",
    "{{ structure_nom }} – {{ montant_lettres }}",
    "{%p for op in operations %}",
    "Annexe {{ op.rang }} : {{ op.intitule }} ({{ op.montant }})",
    "{%p endfor %}",
)


def test_fichier_qui_n_est_pas_un_zip():
    with pytest.raises(ModeleInvalide, match="pas un document Word"):
        valider_modele(b"%PDF-1.7 faux", TypeModele.CONVENTION)


def test_zip_sans_document_word():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(ModeleInvalide, match="ne contient pas de texte Word"):
        valider_modele(archive.getvalue(), TypeModele.CONVENTION)


def test_champ_inconnu_refuse_avec_la_liste_des_champs():
    with pytest.raises(ModeleInvalide) as erreur:
        valider_modele(docx("{{ numero }} {{ nom_du_maire }} {{ iban_structure }}"), TypeModele.CONVENTION)
    message = str(erreur.value)
    assert "Champs de fusion inconnus : iban_structure, nom_du_maire." in message
    assert "Champs disponibles : numero, objet" in message


def test_champ_d_avenant_refuse_dans_une_convention_accepte_dans_un_avenant():
    with pytest.raises(ModeleInvalide, match="modifications"):
        valider_modele(docx("{%p for m in modifications %}", "{{ m.champ }}", "{%p endfor %}"), TypeModele.CONVENTION)
    assert valider_modele(docx("{%p for m in modifications %}", "{{ m.champ }}", "{%p endfor %}"), "avenant") == [
        "modifications"
    ]


def test_attribut_inconnu_d_une_operation_refuse():
    with pytest.raises(ModeleInvalide, match="ne se fusionne pas"):
        valider_modele(docx("{%p for op in operations %}", "{{ op.budget_secret }}", "{%p endfor %}"), "convention")


def test_balise_mal_formee_refusee():
    with pytest.raises(ModeleInvalide, match="mal formées"):
        valider_modele(docx("{% if numero %} sans fin"), TypeModele.CONVENTION)


def test_modeles_livres_valides():
    for type_modele in TypeModele.values:
        assert "numero" in valider_modele(documents.chemin_defaut(type_modele).read_bytes(), type_modele)


def test_televerse_met_en_service_et_sert_aux_conventions(administrateur):
    convention = fabriquer_convention(montants=[Decimal("1000.00"), Decimal("2.00")])
    premier = televerser_modele("convention", BON, "maison.docx", administrateur)
    assert premier.actif and premier.champs == ["montant_lettres", "numero", "operations", "structure_nom"]
    assert premier.empreinte == documents.empreinte(BON) and len(premier.empreinte) == 64
    rendu = texte(documents.rendre_convention(convention))
    assert f"MODÈLE MAISON N° {convention.numero}" in rendu
    assert "mille deux euros" in rendu and rendu.count("Annexe ") == 2
    second = televerser_modele("convention", docx("V2 {{ numero }}"), "v2.docx", administrateur)
    premier.refresh_from_db()
    assert not premier.actif and second.actif
    assert texte(documents.rendre_convention(convention)).startswith("V2 ")
    activer_modele(premier, administrateur)
    second.refresh_from_db()
    assert not second.actif
    assert "MODÈLE MAISON" in texte(documents.rendre_convention(convention))
    documents.revenir_au_modele_livre("convention", administrateur)
    assert "CONVENTION N°" in texte(documents.rendre_convention(convention))
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {"modele_document.televerser", "modele_document.activer", "modele_document.modele_livre"} <= actions


def test_seul_l_administrateur_televerse(gestionnaire):
    with pytest.raises(PermissionDenied):
        televerser_modele("convention", BON, "maison.docx", gestionnaire)
    assert not ModeleDocument.objects.exists()


@pytest.mark.parametrize("role", ["porteur", "gestionnaire", "instructeur", "agent_finances", "agent_slai"])
def test_page_des_modeles_interdite_aux_autres_roles(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("conventions:modeles")).status_code == 403
    reponse = client.post(
        reverse("conventions:modeles"), {"type": "convention", "fichier": SimpleUploadedFile("m.docx", BON)}
    )
    assert reponse.status_code == 403
    assert client.get(reverse("conventions:modele_defaut", args=["convention"])).status_code == 403


def test_page_des_modeles_televersement(client, administrateur):
    client.force_login(administrateur)
    page = client.get(reverse("conventions:modeles"))
    assert page.status_code == 200
    contenu = page.content.decode()
    assert "<h1>Modèles de documents des conventions</h1>" in contenu
    assert "montant_lettres" in contenu and "douze mille cinq cents euros" in contenu  # tableau des champs
    mauvais = client.post(
        reverse("conventions:modeles"),
        {"type": "convention", "fichier": SimpleUploadedFile("m.docx", docx("{{ inconnu }}"))},
    )
    assert mauvais.status_code == 400
    assert "Champs de fusion inconnus : inconnu." in mauvais.content.decode()
    bon = client.post(
        reverse("conventions:modeles"), {"type": "convention", "fichier": SimpleUploadedFile("maison.docx", BON)}
    )
    assert bon.status_code == 302
    modele = ModeleDocument.objects.get(actif=True)
    assert modele.nom_original == "maison.docx"
    telecharge = client.get(reverse("conventions:modele_telecharger", args=[modele.pk]))
    assert b"".join(telecharge.streaming_content) == BON
    livre = client.get(reverse("conventions:modele_defaut", args=["avenant"]))
    assert b"".join(livre.streaming_content) == documents.chemin_defaut("avenant").read_bytes()
    assert client.get(reverse("conventions:modele_defaut", args=["inconnu"])).status_code == 404
