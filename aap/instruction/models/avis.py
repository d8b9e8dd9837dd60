"""Affectation des demandes à un instructeur, avis des SLAI (un par territoire concerné)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from aap.core.models import Territoire
from aap.demandes.models import Demande


class Avis(models.TextChoices):
    FAVORABLE = "favorable", "Favorable"
    RESERVE = "reserve", "Réservé"
    DEFAVORABLE = "defavorable", "Défavorable"


class AvisSlai(models.Model):
    """Avis du SLAI d'un territoire concerné par la demande ; modifiable tant que l'instruction est en cours."""

    demande = models.ForeignKey(Demande, on_delete=models.CASCADE, related_name="avis_slai")
    territoire = models.ForeignKey(Territoire, on_delete=models.PROTECT, related_name="+")
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    avis = models.CharField("avis", max_length=20, choices=Avis.choices)
    commentaire = models.TextField("commentaire")
    donne_le = models.DateTimeField("donné le", default=timezone.now)

    class Meta:
        ordering = ["demande", "territoire__ordre"]
        verbose_name = "avis du SLAI"
        verbose_name_plural = "avis des SLAI"
        constraints = [models.UniqueConstraint(fields=["demande", "territoire"], name="un_avis_slai_par_territoire")]

    def __str__(self) -> str:
        return f"Avis {self.get_avis_display().lower()} du SLAI {self.territoire} sur {self.demande.reference}"


class Affectation(models.Model):
    """L'instructeur DPID chargé d'une demande reçue ; réaffectable, chaque affectation est tracée."""

    demande = models.OneToOneField(Demande, on_delete=models.CASCADE, related_name="affectation")
    instructeur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="affectations")
    affectee_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    affectee_le = models.DateTimeField("affectée le", default=timezone.now)

    class Meta:
        verbose_name = "affectation"

    def __str__(self) -> str:
        return f"{self.demande.reference} → {self.instructeur}"
