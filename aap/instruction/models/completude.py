"""Contrôle de complétude d'une demande reçue et demandes de compléments (chaque tour est conservé)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from aap.demandes.models import Demande


class ControleCompletude(models.Model):
    """Un contrôle de complétude fait par un agent : le dernier fait foi, les précédents restent l'historique."""

    demande = models.ForeignKey(Demande, on_delete=models.CASCADE, related_name="controles_completude")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    fait_le = models.DateTimeField("fait le", default=timezone.now)
    complete = models.BooleanField("dossier complet")
    #: Les points manquants relevés (libellés en français), vide si le dossier est complet.
    manques = models.JSONField("points manquants", default=list, blank=True)
    commentaire = models.TextField("commentaire", blank=True)

    class Meta:
        ordering = ["demande", "-fait_le", "-pk"]
        verbose_name = "contrôle de complétude"
        verbose_name_plural = "contrôles de complétude"

    def __str__(self) -> str:
        etat = "complet" if self.complete else "incomplet"
        return f"{self.demande.reference} : dossier {etat} ({self.fait_le:%d/%m/%Y})"


class DemandeComplements(models.Model):
    """Un tour de demande de compléments : l'agent dit ce qui manque, la structure complète et redépose."""

    demande = models.ForeignKey(Demande, on_delete=models.CASCADE, related_name="tours_complements")
    numero = models.PositiveSmallIntegerField("tour")
    motif = models.TextField("compléments attendus")
    echeance = models.DateField("à fournir avant le", null=True, blank=True)
    demandee_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    demandee_le = models.DateTimeField("demandés le", default=timezone.now)
    reponse = models.TextField("réponse de la structure", blank=True)
    repondue_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    repondue_le = models.DateTimeField("redéposée le", null=True, blank=True)

    class Meta:
        ordering = ["demande", "numero"]
        verbose_name = "demande de compléments"
        verbose_name_plural = "demandes de compléments"
        constraints = [models.UniqueConstraint(fields=["demande", "numero"], name="un_tour_de_complements_par_numero")]

    def __str__(self) -> str:
        return f"{self.demande.reference} — compléments, tour {self.numero}"

    @property
    def en_attente(self) -> bool:
        return self.repondue_le is None
