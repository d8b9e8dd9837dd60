"""Courriels des bilans : décision de la DPID sur un bilan, relances avant et après les échéances.

Destinataires : les membres actifs de la structure ; copie au gestionnaire des conventions de l'édition
(`conventionnement.mail_gestionnaire`) pour les relances. Les décisions partent après validation de la
transaction ; les relances sont envoyées dans la transaction qui les consigne (un échec d'envoi annule la
consignation : la relance repartira si la commande est relancée le même jour)."""

from __future__ import annotations

import logging
from typing import Any

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from aap.bilans.models import Bilan
from aap.structures.emails import url_absolue
from aap.structures.models import Membre, Structure


logger = logging.getLogger(__name__)


def membres_actifs(structure: Structure) -> list[str]:
    return list(
        Membre.objects.filter(structure=structure, actif=True, user__is_active=True)
        .exclude(user__email="")
        .order_by("user__email")
        .values_list("user__email", flat=True)
        .distinct()
    )


def envoyer(gabarit: str, contexte: dict[str, Any], a: list[str], cc: list[str] | None = None) -> None:
    sujet = render_to_string(f"bilans/emails/{gabarit}_sujet.txt", contexte).strip()
    corps = render_to_string(f"bilans/emails/{gabarit}.txt", contexte)
    EmailMessage(f"AAP Inclusion — {sujet}", corps, to=a, cc=cc or []).send()


def _decision(bilan: Bilan, gabarit: str) -> None:
    def envoi() -> None:
        destinataires = membres_actifs(bilan.operation.convention.structure)
        if not destinataires:
            return
        contexte = {"bilan": bilan, "lien": url_absolue(reverse("bilans:saisir", args=[bilan.pk]))}
        try:
            envoyer(gabarit, contexte, destinataires)
        except Exception:  # la décision est enregistrée : un courriel perdu ne doit pas la faire paraître échouée
            logger.exception("Courriel « %s » du bilan %s non envoyé", gabarit, bilan.pk)

    transaction.on_commit(envoi)


def modifications_demandees(bilan: Bilan) -> None:
    _decision(bilan, "modifications")


def bilan_accepte(bilan: Bilan) -> None:
    _decision(bilan, "accepte")
