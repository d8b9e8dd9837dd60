"""Courriels du portail partenaires. Envoyés après validation de la transaction (`transaction.on_commit`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from aap.core.models import User
from aap.structures.models import DemandeCompte, Membre


def url_absolue(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def lien_definir_mot_de_passe(user: User) -> str:
    """Lien à usage unique (jeton Django par défaut : il expire dès que le mot de passe change)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return url_absolue(reverse("core:definir_mot_de_passe", kwargs={"uidb64": uid, "token": token}))


def _envoyer(sujet: str, gabarit: str, contexte: dict[str, Any], destinataire: str) -> None:
    contexte = {
        **contexte,
        "url_connexion": url_absolue(reverse("core:login")),
        "url_mot_de_passe_oublie": url_absolue(reverse("core:mot_de_passe_oublie")),
        "validite_lien_jours": settings.PASSWORD_RESET_TIMEOUT // (24 * 3600),
    }
    corps = render_to_string(f"structures/emails/{gabarit}.txt", contexte)
    send_mail(f"AAP Inclusion — {sujet}", corps, None, [destinataire])


def _apres_validation(envoi: Any) -> None:
    transaction.on_commit(envoi)


def accuse_reception(demande: DemandeCompte) -> None:
    _apres_validation(
        lambda: _envoyer("demande de compte reçue", "accuse_reception", {"demande": demande}, demande.email)
    )


def demande_refusee(demande: DemandeCompte) -> None:
    _apres_validation(
        lambda: _envoyer("demande de compte refusée", "demande_refusee", {"demande": demande}, demande.email)
    )


def acces_ouvert(membre: Membre, *, par: User | None = None, demande: DemandeCompte | None = None) -> None:
    """Compte ouvert ou rattaché : lien pour choisir le mot de passe si le compte n'en a pas encore."""

    def envoi() -> None:
        user = membre.user
        lien = None if user.has_usable_password() else lien_definir_mot_de_passe(user)
        contexte = {"membre": membre, "structure": membre.structure, "lien": lien, "par": par, "demande": demande}
        sujet = "votre compte est ouvert" if lien else f"accès à {membre.structure}"
        _envoyer(sujet, "acces_ouvert", contexte, user.email)

    _apres_validation(envoi)
