"""Récépissé PDF de la validation d'une demande, et courriel aux membres de la structure."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from aap.documents.pdf import render_pdf
from aap.structures.models import Membre


ATTESTATION = (
    "Je soussigné(e) {signataire}, représentant(e) légal(e) de {structure}, certifie exactes et sincères les "
    "informations de la présente demande et de son plan de financement prévisionnel, atteste sur l'honneur que la "
    "structure est en règle au regard de ses obligations sociales et fiscales, et m'engage à respecter les "
    "obligations de l'appel à projets et de la fiche du dispositif."
)


def texte_attestation(demande: object, signataire: object) -> str:
    return ATTESTATION.format(signataire=signataire, structure=demande.structure.raison_sociale)


def contexte(demande: object) -> dict:
    from aap.demandes.services import plan_de

    return {
        "demande": demande,
        "structure": demande.structure,
        "dispositif": demande.dispositif,
        "session": demande.session,
        "edition": demande.dispositif.edition,
        "territoires": [t.nom for t in demande.territoires.all()],
        "plan": plan_de(demande),
        "attestation": texte_attestation(demande, demande.validee_par),
        "produit_le": timezone.now(),
    }


def produire(demande: object) -> bytes:
    return render_pdf("documents/recepisse.html", contexte(demande))


def attacher(demande: object) -> None:
    """Produit le PDF, le range dans `demande.recepisse` avec son empreinte (sans enregistrer la demande)."""
    pdf = produire(demande)
    demande.recepisse_empreinte = hashlib.sha256(pdf).hexdigest()
    demande.recepisse.save(f"recepisse-{demande.reference}.pdf", ContentFile(pdf), save=False)


def notifier_validation(demande: object) -> int:
    """Un courriel à chaque membre actif de la structure, récépissé joint ; renvoie le nombre envoyé."""
    destinataires = list(
        Membre.objects.filter(structure=demande.structure, actif=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if not destinataires:
        return 0
    contexte_mail = {
        "demande": demande,
        "lien": f"{settings.SITE_URL}{reverse('demandes:detail', args=[demande.pk])}",
    }
    sujet = render_to_string("demandes/emails/validation_sujet.txt", contexte_mail).strip()
    corps = render_to_string("demandes/emails/validation.txt", contexte_mail)
    demande.recepisse.open("rb")
    try:
        pdf = demande.recepisse.read()
    finally:
        demande.recepisse.close()
    for adresse in destinataires:
        message = EmailMessage(sujet, corps, to=[adresse])
        message.attach(f"recepisse-{demande.reference}.pdf", pdf, "application/pdf")
        message.send()
    return len(destinataires)
