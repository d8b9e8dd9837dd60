"""Budget retenu à l'instruction : une ligne absente est retenue telle quelle ; une ligne présente est
écartée (montant retenu 0) ou réduite, avec son motif, que la structure voit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from aap.demandes.models import LigneDepense, LigneRessource


class AjustementLigne(models.Model):
    montant_retenu = models.DecimalField("montant retenu", max_digits=12, decimal_places=2)
    motif = models.TextField("motif")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    fait_le = models.DateTimeField("fait le", default=timezone.now)

    class Meta:
        abstract = True


class DepenseRetenue(AjustementLigne):
    ligne = models.OneToOneField(LigneDepense, on_delete=models.CASCADE, related_name="retenue")

    class Meta:
        verbose_name = "dépense retenue"
        constraints = [
            models.CheckConstraint(name="depense_retenue_positive", condition=models.Q(montant_retenu__gte=0))
        ]

    def __str__(self) -> str:
        return f"{self.ligne} → {self.montant_retenu}"


class RessourceRetenue(AjustementLigne):
    ligne = models.OneToOneField(LigneRessource, on_delete=models.CASCADE, related_name="retenue")

    class Meta:
        verbose_name = "ressource retenue"
        constraints = [
            models.CheckConstraint(name="ressource_retenue_positive", condition=models.Q(montant_retenu__gte=0))
        ]

    def __str__(self) -> str:
        return f"{self.ligne} → {self.montant_retenu}"
