"""Pièces de la structure : contrôle du contenu et de la taille, téléchargement contrôlé, état à une date."""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from aap.core.models import AuditLog, Role
from aap.structures import fichiers
from aap.structures.droits import ErreurStructure
from aap.structures.models import DocumentStructure, TypeDocument
from aap.structures.pieces import deposer_piece
from aap.structures.selectors import EtatPiece, documents_a_jour, etat_documents
from tests.factories import StructureFactory, UserFactory, territoire
from tests.structures.factories import DocumentStructureFactory, fichier, pieces_completes


def deposer(client, structure, nom, contenu=None, fmt=fichiers.PDF, **kw):
    url = reverse("structures:piece_ajouter", args=[structure.pk])
    data = {"type_piece": "statuts", "fichier": fichier(nom, fmt, contenu), **kw}
    return client.post(url, data)


# --- Reconnaissance du contenu ---


@pytest.mark.parametrize("fmt", fichiers.FORMATS)
def test_chaque_format_accepte_est_reconnu(fmt):
    contenu = fichiers.contenu_de_test(fmt)
    nom = f"piece.{fmt.extensions[0]}"
    assert fichiers.verifier_fichier(io.BytesIO(contenu), nom, len(contenu)) is fmt


@pytest.mark.parametrize(
    ("nom", "contenu", "code"),
    [
        ("facture.pdf", b"MZ\x90\x00" + b"\x00" * 60, "executable"),
        ("script.pdf", b"#!/bin/sh\nrm -rf /\n", "executable"),
        ("programme.exe", b"MZ\x90\x00" + b"\x00" * 60, "extension"),
        ("photo.pdf", fichiers.contenu_de_test(fichiers.PNG), "extension_incoherente"),
        ("texte.pdf", b"Bonjour, ceci n'est pas un PDF.", "contenu"),
        ("classeur.docx", fichiers.contenu_de_test(fichiers.XLSX), "extension_incoherente"),
        ("sans_extension", fichiers.contenu_de_test(fichiers.PDF), "extension"),
        ("vide.pdf", b"", "vide"),
    ],
)
def test_fichiers_refuses(nom, contenu, code):
    with pytest.raises(fichiers.FichierRefuse) as exc:
        fichiers.verifier_fichier(io.BytesIO(contenu), nom, len(contenu))
    assert exc.value.code == code


def test_document_a_macros_refuse():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<x/>")
        archive.writestr("word/vbaProject.bin", b"\x00")
    with pytest.raises(fichiers.FichierRefuse, match="macros"):
        fichiers.verifier_fichier(buffer, "statuts.docx", len(buffer.getvalue()))


# --- Dépôt par l'écran ---


def test_depot_accepte(client, porteur, structure):
    client.force_login(porteur)
    reponse = deposer(client, structure, "Statuts 2024.pdf", valide_du="2024-01-01")
    assert reponse.status_code == 302
    piece = DocumentStructure.objects.get(structure=structure)
    assert piece.nom_original == "Statuts 2024.pdf" and piece.depose_par == porteur
    assert piece.valide_du == datetime.date(2024, 1, 1) and piece.taille > 0
    assert "Statuts" not in piece.fichier.name and piece.fichier.name.startswith(f"structures/{structure.pk}/")
    entree = AuditLog.objects.get(action="piece.deposer")
    assert entree.acteur == porteur and entree.structure_id == structure.pk


def test_type_refuse_avec_un_message_clair(client, porteur, structure):
    client.force_login(porteur)
    reponse = deposer(client, structure, "virus.exe", b"MZ\x90\x00" + b"\x00" * 60)
    contenu = reponse.content.decode()
    assert reponse.status_code == 200 and 'id="id_fichier_error"' in contenu
    assert "ne sont pas acceptés" in contenu and "PDF, PNG, JPEG" in contenu
    reponse = deposer(client, structure, "image.pdf", fichiers.contenu_de_test(fichiers.JPEG))
    assert "son contenu est un image JPEG" in reponse.content.decode()
    assert not DocumentStructure.objects.exists()


def test_taille_refusee_avec_un_message_clair(client, porteur, structure, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    client.force_login(porteur)
    reponse = deposer(client, structure, "gros.pdf", b"%PDF-1.4\n" + b"0" * 2048)
    contenu = reponse.content.decode()
    assert 'id="id_fichier_error"' in contenu and "la taille maximale est de 1 ko" in contenu
    assert not DocumentStructure.objects.exists()


def test_attestation_d_assurance_exige_une_echeance(client, porteur, structure):
    client.force_login(porteur)
    reponse = deposer(client, structure, "assurance.pdf", type_piece="assurance")
    assert 'id="id_valide_jusquau_error"' in reponse.content.decode()
    reponse = deposer(
        client, structure, "a.pdf", type_piece="assurance", valide_du="2026-02-01", valide_jusquau="2026-01-01"
    )
    assert "précède la date de début" in reponse.content.decode()
    with pytest.raises(ErreurStructure, match="valable"):
        deposer_piece(structure, porteur, type_piece=TypeDocument.ASSURANCE, fichier=fichier("a.pdf"))
    assert not DocumentStructure.objects.exists()


def test_le_service_controle_aussi_le_fichier(porteur, structure):
    with pytest.raises(fichiers.FichierRefuse):
        deposer_piece(structure, porteur, type_piece="statuts", fichier=fichier("x.pdf", contenu=b"MZ" + b"\x00" * 10))


def test_lecteur_ne_depose_pas(client, lecteur, structure):
    client.force_login(lecteur)
    assert deposer(client, structure, "statuts.pdf").status_code == 403
    with pytest.raises(PermissionDenied):
        deposer_piece(structure, lecteur, type_piece="statuts", fichier=fichier())


def test_remplacer_une_piece(client, gestionnaire_structure, structure):
    ancienne = DocumentStructureFactory(structure=structure, type=TypeDocument.RIB, nom_original="rib-2023.pdf")
    client.force_login(gestionnaire_structure)
    url = reverse("structures:piece_remplacer", args=[structure.pk, ancienne.pk])
    assert "rib-2023.pdf" in client.get(url).content.decode()
    reponse = client.post(url, {"type_piece": "statuts", "fichier": fichier("rib-2026.pdf")})
    assert reponse.status_code == 302
    ancienne.refresh_from_db()
    nouvelle = ancienne.remplace_par
    assert (
        nouvelle.type == TypeDocument.RIB and nouvelle.nom_original == "rib-2026.pdf"
    )  # le type reste celui remplacé
    assert list(DocumentStructure.objects.actuels().filter(structure=structure)) == [nouvelle]
    assert AuditLog.objects.get(action="piece.remplacer").details["remplace"] == ancienne.pk
    assert client.get(url).status_code == 404  # une pièce remplacée ne se remplace plus


# --- Téléchargement ---


def test_telechargement_reserve_aux_membres(client, porteur, lecteur, autre_porteur, structure):
    piece = DocumentStructureFactory(structure=structure, nom_original="statuts.pdf")
    url = reverse("structures:piece_telecharger", args=[piece.pk])
    assert client.get(url).status_code == 302  # anonyme → connexion
    client.force_login(autre_porteur)
    assert client.get(url).status_code == 404
    for membre in (porteur, lecteur):
        client.force_login(membre)
        reponse = client.get(url)
        assert reponse.status_code == 200
        assert reponse["Content-Type"] == "application/pdf"
        assert 'attachment; filename="statuts.pdf"' in reponse["Content-Disposition"]
        assert b"".join(reponse.streaming_content).startswith(b"%PDF-")
    assert not AuditLog.objects.filter(action="consultation").exists()  # un membre ne laisse pas de trace d'accès


def test_telechargement_par_les_agents_dans_leur_perimetre(client, instructeur, agent_slai):
    arras = StructureFactory(territoire=territoire("arrageois"))
    calais = StructureFactory(territoire=territoire("calaisis"))
    piece_arras = DocumentStructureFactory(structure=arras)
    piece_calais = DocumentStructureFactory(structure=calais)
    client.force_login(agent_slai)
    assert client.get(reverse("structures:piece_telecharger", args=[piece_arras.pk])).status_code == 200
    assert client.get(reverse("structures:piece_telecharger", args=[piece_calais.pk])).status_code == 404
    client.force_login(instructeur)
    assert client.get(reverse("structures:piece_telecharger", args=[piece_calais.pk])).status_code == 200
    consultations = AuditLog.objects.filter(action="consultation")
    assert {(e.acteur_id, e.structure_id) for e in consultations} == {
        (agent_slai.pk, arras.pk),
        (instructeur.pk, calais.pk),
    }


def test_aucune_url_publique_de_media(client, porteur, structure):
    DocumentStructureFactory(structure=structure)
    client.force_login(porteur)
    contenu = client.get(reverse("structures:profil", args=[structure.pk])).content.decode()
    assert "/media/" not in contenu and "/pieces/" in contenu


# --- État des pièces ---


def test_etat_documents_present_expire_manquant():
    structure = StructureFactory(soumise_cac=False)
    aujourd_hui = datetime.date(2026, 6, 1)
    DocumentStructureFactory(structure=structure, type=TypeDocument.STATUTS)
    DocumentStructureFactory(
        structure=structure, type=TypeDocument.ASSURANCE, valide_jusquau=datetime.date(2026, 5, 31)
    )
    etat = etat_documents(structure, at=aujourd_hui)
    assert etat[TypeDocument.STATUTS].etat == EtatPiece.PRESENTE
    assert etat[TypeDocument.ASSURANCE].etat == EtatPiece.EXPIREE and etat[TypeDocument.ASSURANCE].bloquante
    assert etat[TypeDocument.RIB].etat == EtatPiece.MANQUANTE and etat[TypeDocument.RIB].requise
    assert etat[TypeDocument.RAPPORT_CAC].etat == EtatPiece.MANQUANTE and not etat[TypeDocument.RAPPORT_CAC].requise
    assert not etat[TypeDocument.AUTRE].requise
    # La veille de l'échéance, l'attestation était valable.
    assert etat_documents(structure, at=datetime.date(2026, 5, 31))[TypeDocument.ASSURANCE].etat == EtatPiece.PRESENTE


def test_documents_a_jour_et_commissaire_aux_comptes():
    structure = StructureFactory(soumise_cac=False)
    pieces_completes(structure, jusquau=datetime.date(2026, 12, 31))
    assert documents_a_jour(structure, at=datetime.date(2026, 6, 1))
    assert not documents_a_jour(structure, at=datetime.date(2027, 1, 1))
    structure.soumise_cac = True
    structure.save()
    assert etat_documents(structure, at=datetime.date(2026, 6, 1))[TypeDocument.RAPPORT_CAC].requise
    assert not documents_a_jour(structure, at=datetime.date(2026, 6, 1))
    DocumentStructureFactory(structure=structure, type=TypeDocument.RAPPORT_CAC)
    assert documents_a_jour(structure, at=datetime.date(2026, 6, 1))


def test_une_piece_remplacee_ne_compte_plus(porteur, structure):
    ancienne = DocumentStructureFactory(
        structure=structure, type=TypeDocument.ASSURANCE, valide_jusquau=datetime.date(2099, 1, 1)
    )
    nouvelle = deposer_piece(
        structure,
        porteur,
        type_piece="assurance",
        fichier=fichier(),
        valide_jusquau=datetime.date(2020, 1, 1),
        remplace=ancienne,
    )
    etat = etat_documents(structure)[TypeDocument.ASSURANCE]
    assert etat.etat == EtatPiece.EXPIREE and etat.document == nouvelle


def test_une_piece_pas_encore_valable_est_manquante():
    structure = StructureFactory()
    DocumentStructureFactory(structure=structure, type=TypeDocument.RIB, valide_du=datetime.date(2027, 1, 1))
    assert etat_documents(structure, at=datetime.date(2026, 6, 1))[TypeDocument.RIB].etat == EtatPiece.MANQUANTE


def test_profil_montre_l_etat_des_pieces(client, porteur, structure):
    DocumentStructureFactory(structure=structure, type=TypeDocument.STATUTS)
    client.force_login(porteur)
    contenu = client.get(reverse("structures:profil", args=[structure.pk])).content.decode()
    assert "À jour" in contenu and "Manquante" in contenu
    assert reverse("structures:piece_ajouter", args=[structure.pk]) + "?type=rib" in contenu


def test_agent_finances_voit_tout(client):
    finances = UserFactory(role=Role.FINANCES)
    piece = DocumentStructureFactory(structure=StructureFactory(territoire=territoire("ternois")))
    client.force_login(finances)
    assert client.get(reverse("structures:piece_telecharger", args=[piece.pk])).status_code == 200
