"""Enveloppes par dispositif (et territoire) sur les lignes budgétaires, et propositions de financement.

Une proposition est l'issue de l'instruction : le montant et les quantités proposés à la Commission
permanente, le territoire sous lequel la ligne figure en annexe, le modèle de convention. Elle tire sur une
enveloppe (celle du dispositif et du territoire, sinon celle du dispositif) et sur une ligne budgétaire.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from aap.catalogue.models import Dispositif, LigneBudgetaire
from aap.core.models import Territoire
from aap.demandes.models import Demande


class Enveloppe(models.Model):
    """Montant réservé à un dispositif (éventuellement à un seul territoire) sur une ligne budgétaire."""

    dispositif = models.ForeignKey(Dispositif, on_delete=models.CASCADE, related_name="enveloppes")
    territoire = models.ForeignKey(
        Territoire,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enveloppes",
        help_text="Vide : l'enveloppe vaut pour tous les territoires du dispositif.",
    )
    ligne = models.ForeignKey(LigneBudgetaire, on_delete=models.PROTECT, related_name="enveloppes")
    montant = models.DecimalField("montant de l'enveloppe", max_digits=14, decimal_places=2)
    modifiee_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    modifiee_le = models.DateTimeField("modifiée le", default=timezone.now)

    class Meta:
        ordering = ["dispositif", "territoire__ordre"]
        verbose_name = "enveloppe"
        constraints = [
            models.UniqueConstraint(
                fields=["dispositif", "territoire"],
                name="une_enveloppe_par_dispositif_et_territoire",
                nulls_distinct=False,
            ),
            models.CheckConstraint(name="enveloppe_positive", condition=models.Q(montant__gte=0)),
        ]

    def __str__(self) -> str:
        portee = self.territoire.nom if self.territoire_id else "tous territoires"
        return f"Enveloppe {self.dispositif.code} ({portee}) sur {self.ligne.code_operation}"


class ModeleConvention(models.TextChoices):
    TYPE = "type", "Convention type"
    SPECIFIQUE = "specifique", "Convention spécifique"
    AVENANT = "avenant", "Avenant à une convention en cours"


class OrigineProposition(models.TextChoices):
    INSTRUCTION = "instruction", "Instruction"
    SIMULATION = "simulation", "Répartition simulée appliquée"
    IMPORT = "import", "Import d'un tableau de propositions"


class Proposition(models.Model):
    demande = models.OneToOneField(Demande, on_delete=models.CASCADE, related_name="proposition")
    montant = models.DecimalField("montant proposé", max_digits=14, decimal_places=2)
    etp = models.DecimalField("ETP", max_digits=6, decimal_places=2, null=True, blank=True)
    places = models.PositiveIntegerField("places d'accompagnement", null=True, blank=True)
    dsp = models.PositiveIntegerField("DSP", null=True, blank=True)
    participants = models.PositiveIntegerField("participants", null=True, blank=True)
    postes_insertion = models.PositiveIntegerField("postes en insertion", null=True, blank=True)
    date_debut = models.DateField("début de la période")
    date_fin = models.DateField("fin de la période")
    territoire = models.ForeignKey(
        Territoire, on_delete=models.PROTECT, related_name="+", verbose_name="territoire de l'annexe"
    )
    complement = models.CharField(
        "compléments d'information (annexe)", max_length=500, blank=True, help_text="Imprimé dans l'annexe."
    )
    modele_convention = models.CharField(
        "modèle de convention", max_length=20, choices=ModeleConvention.choices, blank=True
    )
    reference_convention = models.CharField(
        "convention ou avenant", max_length=60, blank=True, help_text="Ex. « Avenant n° 1 à 2025-05266 »."
    )
    hors_budget = models.BooleanField(
        "hors budget départemental",
        default=False,
        help_text="Payée par un autre fonds (ex. FSL) : figure en annexe à 0,00 €, hors tableau d'imputation.",
    )
    enveloppe = models.ForeignKey(
        Enveloppe, null=True, blank=True, on_delete=models.PROTECT, related_name="propositions"
    )
    ligne = models.ForeignKey(
        LigneBudgetaire,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="propositions",
        verbose_name="ligne budgétaire",
    )
    origine = models.CharField(
        "origine", max_length=20, choices=OrigineProposition.choices, default=OrigineProposition.INSTRUCTION
    )
    motivation = models.TextField("motivation", blank=True)
    proposee_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposee_le = models.DateTimeField("proposée le", default=timezone.now)
    modifiee_le = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "proposition de financement"
        verbose_name_plural = "propositions de financement"
        constraints = [
            models.CheckConstraint(name="proposition_montant_positif", condition=models.Q(montant__gte=0)),
            models.CheckConstraint(
                name="proposition_periode_ordonnee", condition=models.Q(date_fin__gte=models.F("date_debut"))
            ),
            models.CheckConstraint(
                name="proposition_hors_budget_a_zero",
                condition=models.Q(hors_budget=False) | models.Q(montant=0),
            ),
        ]

    def __str__(self) -> str:
        return f"Proposition {self.demande.reference} : {self.montant} €"
