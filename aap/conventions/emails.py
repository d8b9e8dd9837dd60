"""Courriels du suivi des conventions et des avenants. Envoyés après validation de la transaction
(`transaction.on_commit`) : une transaction annulée n'envoie rien."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from aap.conventions.models import Avenant, Convention
from aap.structures.models import Membre


def url_absolue(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def destinataires_structure(convention: Convention) -> list[str]:
    """Les membres actifs de la structure ; à défaut, son adresse de contact."""
    adresses = list(
        Membre.objects.actifs()
        .filter(structure_id=convention.structure_id, user__is_active=True)
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )
    return adresses or [convention.structure.email]


def destinataires_dpid(convention: Convention) -> list[str]:
    """La boîte des conventions de la DPID (édition, section `conventionnement:`)."""
    adresse = (convention.edition.conventionnement or {}).get("mail_gestionnaire")
    return [adresse] if adresse else []


def _envoyer(sujet: str, gabarit: str, contexte: dict[str, Any], destinataires: list[str]) -> None:
    if not destinataires:
        return
    convention = contexte["convention"]
    contexte = {
        **contexte,
        "lien": url_absolue(reverse("conventions:detail", args=[convention.pk])),
        "url_connexion": url_absolue(reverse("core:login")),
    }
    corps = render_to_string(f"conventions/emails/{gabarit}.txt", contexte)
    send_mail(f"AAP Inclusion — {sujet}", corps, None, destinataires)


def _apres_validation(sujet: str, gabarit: str, contexte: dict[str, Any], destinataires: list[str]) -> None:
    transaction.on_commit(lambda: _envoyer(sujet, gabarit, contexte, destinataires))


def convention_envoyee(convention: Convention) -> None:
    _apres_validation(
        f"convention n° {convention.numero} à signer",
        "envoyee",
        {
            "convention": convention,
            "lien_document": url_absolue(reverse("conventions:telecharger_convention", args=[convention.pk])),
        },
        destinataires_structure(convention),
    )


def signee_par_la_structure(convention: Convention) -> None:
    _apres_validation(
        f"convention n° {convention.numero} signée par la structure",
        "signee_structure",
        {"convention": convention},
        destinataires_dpid(convention),
    )


def signee_par_le_departement(convention: Convention) -> None:
    _apres_validation(
        f"convention n° {convention.numero} signée par le Département",
        "signee_departement",
        {"convention": convention},
        destinataires_structure(convention),
    )


def convention_resiliee(convention: Convention, motif: str) -> None:
    _apres_validation(
        f"résiliation de la convention n° {convention.numero}",
        "resiliee",
        {"convention": convention, "motif": motif},
        destinataires_structure(convention),
    )


def avenant_demande(avenant: Avenant) -> None:
    _apres_validation(
        f"demande d'avenant n° {avenant.numero} à la convention n° {avenant.convention.numero}",
        "avenant_demande",
        {"convention": avenant.convention, "avenant": avenant},
        destinataires_dpid(avenant.convention),
    )


def avenant_decide(avenant: Avenant) -> None:
    _apres_validation(
        f"avenant n° {avenant.numero} à la convention n° {avenant.convention.numero} : "
        f"{avenant.get_statut_display().lower()}",
        "avenant_decide",
        {"convention": avenant.convention, "avenant": avenant},
        destinataires_structure(avenant.convention),
    )


def avenant_signe(avenant: Avenant) -> None:
    _apres_validation(
        f"avenant n° {avenant.numero} à la convention n° {avenant.convention.numero} signé",
        "avenant_signe",
        {"convention": avenant.convention, "avenant": avenant},
        destinataires_structure(avenant.convention),
    )
