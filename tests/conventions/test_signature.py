"""Suivi des signatures : chaque transition permise ou refusée, les acteurs, les courriels, l'avance exigible à la
signature du Département, la résiliation."""

from __future__ import annotations

import io
import itertools

import pypdf
import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from aap.conventions import services
from aap.conventions.models import Convention, StatutConvention
from aap.conventions.workflow import WORKFLOW
from aap.core.models import AuditLog, Role
from aap.structures.fichiers import DOCX, PNG, contenu_de_test
from aap.structures.models import Membre, RoleMembre
from aap.versements.models import StatutEcheance
from tests.conventions.factories import fabriquer_convention
from tests.factories import MembreFactory, UserFactory


def pdf_reel() -> bytes:
    """Un vrai petit PDF (une page blanche), produit par pypdf."""
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    tampon = io.BytesIO()
    writer.write(tampon)
    return tampon.getvalue()


def televersement(contenu: bytes | None = None, nom: str = "convention-signee.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(nom, pdf_reel() if contenu is None else contenu, content_type="application/pdf")


def convention_de(porteur, statut: str = StatutConvention.GENEREE) -> Convention:
    """Une convention de la structure du porteur, avec son document Word (contenu factice)."""
    membre = Membre.objects.get(user=porteur)
    convention = fabriquer_convention(structure=membre.structure)
    convention.fichier.save(f"convention-{convention.numero}.docx", ContentFile(contenu_de_test(DOCX)), save=False)
    convention.statut = statut
    convention.save()
    return convention


def avance(convention: Convention):
    return convention.operations.get().echeances.get(type="avance")


# --- Machine à états ------------------------------------------------------------------------------------------


ACTIONS = {
    "envoyer": lambda c, porteur, agent: services.envoyer(c, agent),
    "signer_structure": lambda c, porteur, agent: services.deposer_signature_structure(c, porteur, televersement()),
    "signer_departement": lambda c, porteur, agent: services.signer_departement(c, agent),
    "resilier": lambda c, porteur, agent: services.resilier(c, agent, "Mission non exécutée."),
}


@pytest.mark.parametrize(("statut", "action"), list(itertools.product(StatutConvention.values, ACTIONS)))
def test_chaque_transition_permise_ou_refusee(
    statut, action, porteur, gestionnaire, django_capture_on_commit_callbacks
):
    convention = convention_de(porteur, statut)
    permise = statut in WORKFLOW.get(action).sources
    with django_capture_on_commit_callbacks(execute=True):
        if permise:
            ACTIONS[action](convention, porteur, gestionnaire)
        else:
            with pytest.raises(services.ConventionImpossible, match="est impossible"):
                ACTIONS[action](convention, porteur, gestionnaire)
    convention.refresh_from_db()
    assert convention.statut == (WORKFLOW.get(action).target if permise else statut)
    journal = AuditLog.objects.for_object(convention).filter(action=f"convention.{action}")
    assert journal.count() == (1 if permise else 0)


def test_le_parcours_complet_date_chaque_etape(porteur, gestionnaire):
    convention = convention_de(porteur)
    services.envoyer(convention, gestionnaire)
    services.deposer_signature_structure(convention, porteur, televersement())
    services.signer_departement(convention, gestionnaire)
    convention.refresh_from_db()
    assert convention.statut == StatutConvention.SIGNEE
    assert convention.envoyee_le <= convention.signee_structure_le <= convention.signee_departement_le
    assert convention.signee_departement_par == gestionnaire
    assert convention.fichier_signe_structure.read().startswith(b"%PDF-")


# --- Envoi ----------------------------------------------------------------------------------------------------


def test_envoi_courriel_aux_membres_actifs_avec_le_lien(porteur, gestionnaire, django_capture_on_commit_callbacks):
    convention = convention_de(porteur)
    gestionnaire_structure = MembreFactory(structure=convention.structure, role=RoleMembre.GESTIONNAIRE).user
    ancien = MembreFactory(structure=convention.structure, role=RoleMembre.LECTEUR, actif=False).user
    with django_capture_on_commit_callbacks(execute=True):
        services.envoyer(convention, gestionnaire)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == sorted([porteur.email, gestionnaire_structure.email])
    assert ancien.email not in message.to
    assert convention.numero in message.subject
    assert f"/conventions/{convention.pk}/document/" in message.body
    convention.refresh_from_db()
    assert convention.envoyee_le is not None


def test_envoi_refuse_sans_document_genere(porteur, gestionnaire):
    convention = convention_de(porteur)
    convention.fichier = ""
    convention.save()
    with pytest.raises(services.ConventionImpossible, match="document Word"):
        services.envoyer(convention, gestionnaire)


@pytest.mark.parametrize("role", [Role.INSTRUCTEUR, Role.GESTIONNAIRE, Role.ADMIN])
def test_envoi_par_les_agents_dpid(role, porteur):
    convention = convention_de(porteur)
    services.envoyer(convention, UserFactory(role=role))
    assert Convention.objects.get(pk=convention.pk).statut == StatutConvention.ENVOYEE


@pytest.mark.parametrize("acteur", ["porteur", "agent_slai", "agent_finances"])
def test_envoi_refuse_hors_dpid(acteur, porteur, request):
    convention = convention_de(porteur)
    with pytest.raises(services.ConventionImpossible, match="réservée aux agents de la DPID"):
        services.envoyer(convention, request.getfixturevalue(acteur))
    assert Convention.objects.get(pk=convention.pk).statut == StatutConvention.GENEREE


# --- Dépôt de l'exemplaire signé ------------------------------------------------------------------------------


def test_depot_par_un_membre_informe_la_dpid(porteur, django_capture_on_commit_callbacks):
    convention = convention_de(porteur, StatutConvention.ENVOYEE)
    with django_capture_on_commit_callbacks(execute=True):
        services.deposer_signature_structure(convention, porteur, televersement())
    assert [m.to for m in mail.outbox] == [[convention.edition.conventionnement["mail_gestionnaire"]]]
    convention.refresh_from_db()
    assert convention.statut == StatutConvention.SIGNEE_STRUCTURE
    assert convention.signee_structure_le is not None


@pytest.mark.parametrize("acteur", ["autre_porteur", "gestionnaire", "instructeur"])
def test_depot_refuse_a_qui_n_est_pas_membre(acteur, porteur, request):
    convention = convention_de(porteur, StatutConvention.ENVOYEE)
    with pytest.raises(services.ConventionImpossible, match="réservée au représentant légal"):
        services.deposer_signature_structure(convention, request.getfixturevalue(acteur), televersement())
    assert Convention.objects.get(pk=convention.pk).statut == StatutConvention.ENVOYEE


def test_depot_refuse_a_un_membre_en_lecture_seule(porteur):
    convention = convention_de(porteur, StatutConvention.ENVOYEE)
    lecteur = MembreFactory(structure=convention.structure, role=RoleMembre.LECTEUR).user
    with pytest.raises(services.ConventionImpossible):
        services.deposer_signature_structure(convention, lecteur, televersement())


@pytest.mark.parametrize(
    ("contenu", "nom", "message"),
    [
        (contenu_de_test(DOCX), "convention.docx", "se dépose en PDF"),
        (contenu_de_test(PNG), "convention.pdf", "contenu est un image PNG"),
        (b"pas un pdf du tout", "convention.pdf", "pas reconnu"),
        (b"", "convention.pdf", "vide"),
    ],
)
def test_depot_exige_un_vrai_pdf(contenu, nom, message, porteur):
    convention = convention_de(porteur, StatutConvention.ENVOYEE)
    with pytest.raises(services.ConventionImpossible, match=message):
        services.deposer_signature_structure(convention, porteur, televersement(contenu, nom))
    convention.refresh_from_db()
    assert convention.statut == StatutConvention.ENVOYEE
    assert not convention.fichier_signe_structure


def test_depot_refuse_au_dela_de_la_taille_maximale(porteur, settings):
    settings.UPLOAD_MAX_BYTES = 200
    convention = convention_de(porteur, StatutConvention.ENVOYEE)
    with pytest.raises(services.ConventionImpossible, match="taille maximale"):
        services.deposer_signature_structure(convention, porteur, televersement(pdf_reel() + b" " * 300))


# --- Signature du Département -----------------------------------------------------------------------------------


def test_signature_du_departement_rend_l_avance_exigible(porteur, gestionnaire, django_capture_on_commit_callbacks):
    convention = convention_de(porteur, StatutConvention.SIGNEE_STRUCTURE)
    assert avance(convention).statut == StatutEcheance.A_VENIR
    with django_capture_on_commit_callbacks(execute=True):
        services.signer_departement(convention, gestionnaire)
    echeances = {e.type: e for e in convention.operations.get().echeances.all()}
    assert echeances["avance"].statut == StatutEcheance.EXIGIBLE
    assert echeances["avance"].exigible_le is not None
    assert echeances["acompte"].statut == StatutEcheance.A_VENIR  # attend le bilan intermédiaire
    assert echeances["solde"].statut == StatutEcheance.A_VENIR
    assert [m.to for m in mail.outbox] == [[porteur.email]]
    assert "signée par le Département" in mail.outbox[0].subject


def test_signature_refusee_a_la_structure_et_aux_finances(porteur, agent_finances):
    convention = convention_de(porteur, StatutConvention.SIGNEE_STRUCTURE)
    for acteur in (porteur, agent_finances):
        with pytest.raises(services.ConventionImpossible):
            services.signer_departement(convention, acteur)
    assert avance(convention).statut == StatutEcheance.A_VENIR


def test_pas_de_courriel_si_la_transaction_echoue(porteur, gestionnaire, django_capture_on_commit_callbacks):
    convention = convention_de(porteur, StatutConvention.ENVOYEE)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.ConventionImpossible):
        services.signer_departement(convention, gestionnaire)
    assert mail.outbox == []


# --- Résiliation ------------------------------------------------------------------------------------------------


def test_resiliation_exige_un_motif(porteur, gestionnaire):
    convention = convention_de(porteur, StatutConvention.SIGNEE)
    with pytest.raises(services.ConventionImpossible, match="motif"):
        services.resilier(convention, gestionnaire, "  ")
    assert Convention.objects.get(pk=convention.pk).statut == StatutConvention.SIGNEE


def test_resiliation_rend_les_echeances_non_versees_sans_objet(
    porteur, gestionnaire, django_capture_on_commit_callbacks
):
    convention = convention_de(porteur, StatutConvention.SIGNEE_STRUCTURE)
    services.signer_departement(convention, gestionnaire)
    liquidee = avance(convention)
    liquidee.statut = StatutEcheance.LIQUIDEE
    liquidee.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.resilier(convention, gestionnaire, "Fonds non utilisés conformément à leur objet.")
    statuts = {e.type: e.statut for e in convention.operations.get().echeances.all()}
    assert statuts == {"avance": "liquidee", "acompte": "sans_objet", "solde": "sans_objet"}
    journal = AuditLog.objects.for_object(convention).get(action="convention.resilier")
    assert journal.details["motif"] == "Fonds non utilisés conformément à leur objet."
    assert any("résiliation" in m.subject for m in mail.outbox)
