"""Courriels de la charte qualité aux membres actifs de la structure : résultat communiqué (phase
contradictoire ouverte), résultat définitif. Envoyés après validation de la transaction ; un échec d'envoi
n'annule pas le changement d'état."""

from __future__ import annotations

import logging

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from aap.bilans.emails import membres_actifs
from aap.qualite.models import ResultatCharte
from aap.structures.emails import url_absolue


logger = logging.getLogger(__name__)


def prevenir_structure(resultat: ResultatCharte, gabarit: str) -> None:
    """Gabarits `qualite/emails/<gabarit>.txt` et `<gabarit>_sujet.txt`."""

    def envoi() -> None:
        destinataires = membres_actifs(resultat.structure)
        if not destinataires:
            return
        contexte = {"resultat": resultat, "lien": url_absolue(reverse("qualite:detail", args=[resultat.pk]))}
        try:
            sujet = render_to_string(f"qualite/emails/{gabarit}_sujet.txt", contexte).strip()
            corps = render_to_string(f"qualite/emails/{gabarit}.txt", contexte)
            EmailMessage(f"AAP Inclusion — {sujet}", corps, to=destinataires).send()
        except (
            Exception
        ):  # le changement d'état est enregistré : un courriel perdu ne doit pas le faire paraître échoué
            logger.exception("Courriel « %s » de la charte %s non envoyé", gabarit, resultat.pk)

    transaction.on_commit(envoi)
