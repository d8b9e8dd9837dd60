"""Le catalogue chargé en base : éditions, axes (thématiques), dispositifs, sessions d'appel.

Les règles détaillées d'une fiche restent des données : `Dispositif.regles` contient la fiche validée
par `aap.catalogue.schema.Fiche` et `Dispositif.fiche` la relit typée.
"""

from __future__ import annotations

import datetime
from functools import cached_property

from django.db import models
from django.utils import timezone

from aap.catalogue.schema import Fiche
from aap.catalogue.schema_notation import GrilleNotation
from aap.core.models import Territoire


class Edition(models.Model):
    annee = models.PositiveSmallIntegerField("année", unique=True)
    libelle = models.CharField("libellé", max_length=255)
    source = models.TextField("source", blank=True)
    empreinte = models.CharField("empreinte SHA-256 des fichiers chargés", max_length=64)
    chargee_le = models.DateTimeField("chargée le", default=timezone.now)
    choix = models.JSONField("choix d'interprétation de portée générale", default=list, blank=True)
    notation = models.JSONField("grille de notation (validée)", default=dict, blank=True)
    conventionnement = models.JSONField(
        "règles du conventionnement, des versements et des bilans (validées)", default=dict, blank=True
    )

    class Meta:
        ordering = ["-annee"]
        verbose_name = "édition"

    def __str__(self) -> str:
        return f"Appel à projets {self.annee}"

    @cached_property
    def grille(self) -> GrilleNotation | None:
        """Barème, critères préalables et critères notés de l'appel, ou None si l'édition n'en a pas."""
        return GrilleNotation.model_validate(self.notation) if self.notation else None


class Axe(models.Model):
    """Axe du règlement, appelé « thématique » dans les délibérations."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="axes")
    numero = models.PositiveSmallIntegerField("numéro")
    libelle = models.CharField("libellé", max_length=255)
    objectifs = models.JSONField("objectifs", default=list, blank=True)

    class Meta:
        ordering = ["edition", "numero"]
        constraints = [models.UniqueConstraint(fields=["edition", "numero"], name="axe_unique_par_edition")]

    def __str__(self) -> str:
        return f"Axe {self.numero} : {self.libelle}"


class LigneBudgetaire(models.Model):
    """Ligne du budget départemental (code opération, imputation, autorisation d'engagement) d'une édition."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="lignes_budgetaires")
    code_operation = models.CharField("code opération", max_length=20)
    imputation = models.CharField("imputation", max_length=20)
    libelle = models.CharField("libellé", max_length=255)
    ae = models.DecimalField("autorisation d'engagement (AE)", max_digits=14, decimal_places=2)
    deja_engage = models.DecimalField(
        "déjà engagé sur l'AE hors de l'application",
        max_digits=14,
        decimal_places=2,
        default=0,
        help_text="AE − disponible à l'ouverture de l'édition (engagements antérieurs).",
    )
    source = models.CharField("source", max_length=255, blank=True)

    class Meta:
        ordering = ["edition", "code_operation"]
        verbose_name = "ligne budgétaire"
        constraints = [models.UniqueConstraint(fields=["edition", "code_operation"], name="ligne_budgetaire_unique")]

    def __str__(self) -> str:
        return f"{self.code_operation} — {self.imputation} — {self.libelle}"


class DispositifQuerySet(models.QuerySet["Dispositif"]):
    def for_user(self, user: object) -> DispositifQuerySet:
        """Le catalogue est public : tout le monde voit tous les dispositifs."""
        return self

    def detailles(self) -> DispositifQuerySet:
        return self.exclude(fiche_code="")


class Dispositif(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="dispositifs")
    axe = models.ForeignKey(Axe, on_delete=models.PROTECT, related_name="dispositifs")
    code = models.CharField("code", max_length=10)
    slug = models.SlugField("identifiant stable", max_length=120)
    ordre = models.PositiveSmallIntegerField("ordre", default=0)
    titre = models.CharField("titre", max_length=255)
    periode_libelle = models.CharField("période de réalisation", max_length=255)
    periode_debut = models.DateField("début de période", null=True, blank=True)
    periode_fin = models.DateField("fin de période", null=True, blank=True)
    periode_duree_max_mois = models.PositiveSmallIntegerField("durée maximale (mois)", null=True, blank=True)
    description = models.TextField("description", blank=True)
    fiche_code = models.CharField("fiche détaillée", max_length=4, blank=True)
    modele_financement = models.CharField("modèle de financement", max_length=60, blank=True)
    territoires = models.ManyToManyField(Territoire, related_name="dispositifs", blank=True)
    ligne_budgetaire = models.ForeignKey(
        LigneBudgetaire,
        verbose_name="ligne budgétaire",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dispositifs",
    )
    regles = models.JSONField("règles de la fiche (validées)", default=dict, blank=True)
    choix = models.JSONField("choix d'interprétation", default=list, blank=True)

    objects = DispositifQuerySet.as_manager()

    class Meta:
        ordering = ["edition", "axe__numero", "ordre"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="dispositif_code_unique"),
            models.UniqueConstraint(fields=["edition", "slug"], name="dispositif_slug_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.titre}"

    @property
    def est_detaille(self) -> bool:
        return bool(self.fiche_code)

    @cached_property
    def fiche(self) -> Fiche | None:
        """La fiche typée (sessions, financement, échéancier…), ou None si la fiche n'est pas publiée."""
        return Fiche.model_validate(self.regles) if self.regles else None


class StatutSession(models.TextChoices):
    A_VENIR = "a_venir", "À venir"
    OUVERTE = "ouverte", "Ouverte"
    CLOSE = "close", "Close"


class SessionAppelQuerySet(models.QuerySet["SessionAppel"]):
    def for_user(self, user: object) -> SessionAppelQuerySet:
        """Les sessions d'appel sont publiques."""
        return self

    def ouvertes(self, at: datetime.datetime | None = None) -> SessionAppelQuerySet:
        day = timezone.localdate(at) if at else timezone.localdate()
        return self.filter(ouverture__lte=day, cloture__gte=day)

    def a_venir(self, at: datetime.datetime | None = None) -> SessionAppelQuerySet:
        day = timezone.localdate(at) if at else timezone.localdate()
        return self.filter(ouverture__gt=day)

    def closes(self, at: datetime.datetime | None = None) -> SessionAppelQuerySet:
        day = timezone.localdate(at) if at else timezone.localdate()
        return self.filter(cloture__lt=day)


class SessionAppel(models.Model):
    """Fenêtre de dépôt d'un dispositif ; la date de clôture est incluse (heure de Paris)."""

    dispositif = models.ForeignKey(Dispositif, on_delete=models.CASCADE, related_name="sessions")
    numero = models.PositiveSmallIntegerField("numéro")
    ouverture = models.DateField("ouverture")
    cloture = models.DateField("clôture (incluse)")
    restriction = models.TextField("restriction", blank=True)
    demonstration = models.BooleanField(
        "session de démonstration",
        default=False,
        help_text="Ajoutée par les données de démonstration, hors délibération.",
    )

    objects = SessionAppelQuerySet.as_manager()

    class Meta:
        ordering = ["dispositif", "numero"]
        verbose_name = "session d'appel"
        verbose_name_plural = "sessions d'appel"
        constraints = [
            models.UniqueConstraint(fields=["dispositif", "numero"], name="session_unique"),
            models.CheckConstraint(
                name="session_cloture_apres_ouverture", condition=models.Q(cloture__gte=models.F("ouverture"))
            ),
        ]

    def __str__(self) -> str:
        return f"Session {self.numero} du {self.ouverture:%d/%m/%Y} au {self.cloture:%d/%m/%Y}"

    def est_ouverte(self, at: datetime.datetime | None = None) -> bool:
        """Ouverte du jour d'ouverture 00:00 au jour de clôture 23:59:59, heure de Paris."""
        day = timezone.localdate(at) if at else timezone.localdate()
        return self.ouverture <= day <= self.cloture

    def statut(self, at: datetime.datetime | None = None) -> StatutSession:
        day = timezone.localdate(at) if at else timezone.localdate()
        if day < self.ouverture:
            return StatutSession.A_VENIR
        if day > self.cloture:
            return StatutSession.CLOSE
        return StatutSession.OUVERTE

    def jours_avant_cloture(self, at: datetime.datetime | None = None) -> int:
        """Jours pleins restants avant la clôture (0 le jour de la clôture, négatif une fois close)."""
        day = timezone.localdate(at) if at else timezone.localdate()
        return (self.cloture - day).days

    def jours_avant_ouverture(self, at: datetime.datetime | None = None) -> int:
        day = timezone.localdate(at) if at else timezone.localdate()
        return (self.ouverture - day).days
