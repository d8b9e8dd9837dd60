"""Échéancier de chaque opération conventionnée, versements (ordres de paiement), ordres de reversement et
exports vers le logiciel financier. Tous les montants sont des `Decimal` au centime."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from aap.conventions.models import Convention, Operation
from aap.core.models import Role, User


def _pour(user: User, qs: models.QuerySet, champ_convention: str) -> models.QuerySet:
    """Périmètre commun : celui des conventions (`Convention.objects.for_user`)."""
    if not user.is_authenticated:
        return qs.none()
    if user.role == Role.PORTEUR or user.role == Role.SLAI:
        return qs.filter(**{f"{champ_convention}__in": Convention.objects.for_user(user).values("pk")})
    if user.est_agent:
        return qs
    return qs.none()


class TypeEcheance(models.TextChoices):
    AVANCE = "avance", "Avance"
    ACOMPTE = "acompte", "Acompte"
    SOLDE = "solde", "Solde"


class StatutEcheance(models.TextChoices):
    A_VENIR = "a_venir", "À venir"
    EXIGIBLE = "exigible", "Exigible"
    LIQUIDEE = "liquidee", "Liquidée"
    SANS_OBJET = "sans_objet", "Sans objet"


class EcheanceQuerySet(models.QuerySet["Echeance"]):
    def for_user(self, user: User) -> EcheanceQuerySet:
        return _pour(user, self, "operation__convention")


class Echeance(models.Model):
    """Une échéance de l'échéancier de la fiche, chiffrée à la génération de la convention."""

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="echeances")
    rang = models.PositiveSmallIntegerField("rang")
    type = models.CharField("type", max_length=10, choices=TypeEcheance.choices)
    taux = models.DecimalField("taux de la fiche (%)", max_digits=5, decimal_places=2)
    taux_est_maximum = models.BooleanField("taux maximal (modulable)", default=False)
    montant_prevu = models.DecimalField("montant prévu", max_digits=14, decimal_places=2)
    declencheur = models.CharField("déclencheur", max_length=255)
    bilan_type = models.CharField("bilan déclencheur", max_length=60, blank=True)
    statut = models.CharField("statut", max_length=12, choices=StatutEcheance.choices, default="a_venir")
    exigible_le = models.DateTimeField("exigible le", null=True, blank=True)

    objects = EcheanceQuerySet.as_manager()

    class Meta:
        ordering = ["operation", "rang"]
        verbose_name = "échéance"
        constraints = [
            models.UniqueConstraint(fields=["operation", "rang"], name="echeance_rang_unique"),
            models.CheckConstraint(name="echeance_montant_positif", condition=models.Q(montant_prevu__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.taux} % – {self.operation}"


class StatutVersement(models.TextChoices):
    PROPOSE = "propose", "Proposé (calculé)"
    VALIDE = "valide", "Validé, à mettre en paiement"
    EXPORTE = "exporte", "Transmis aux finances"
    PAYE = "paye", "Payé"
    ANNULE = "annule", "Annulé"


class VersementQuerySet(models.QuerySet["Versement"]):
    def for_user(self, user: User) -> VersementQuerySet:
        return _pour(user, self, "convention")


class ExportFinances(models.Model):
    """Un lot d'ordres de paiement transmis au logiciel financier (fichiers XLSX et CSV)."""

    cree_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cree_le = models.DateTimeField("créé le", default=timezone.now)
    nombre = models.PositiveIntegerField("nombre d'ordres", default=0)
    total = models.DecimalField("total", max_digits=14, decimal_places=2, default=0)
    fichier_xlsx = models.FileField("export XLSX", upload_to="versements/exports/%Y/", max_length=255, blank=True)
    fichier_csv = models.FileField("export CSV", upload_to="versements/exports/%Y/", max_length=255, blank=True)

    class Meta:
        ordering = ["-cree_le", "-pk"]
        verbose_name = "export vers les finances"
        verbose_name_plural = "exports vers les finances"

    def __str__(self) -> str:
        ordres = "1 ordre" if self.nombre == 1 else f"{self.nombre} ordres"
        return f"Export n° {self.pk} du {timezone.localtime(self.cree_le):%d/%m/%Y} ({ordres})"


class Versement(models.Model):
    echeance = models.OneToOneField(Echeance, on_delete=models.PROTECT, related_name="versement")
    convention = models.ForeignKey(Convention, on_delete=models.PROTECT, related_name="versements")
    montant = models.DecimalField("montant", max_digits=14, decimal_places=2)
    #: Le calcul ligne par ligne montré à l'agent et au porteur (parts, réalisé / engagé, plafonds).
    calcul = models.JSONField("détail du calcul", default=dict)
    statut = models.CharField("statut", max_length=10, choices=StatutVersement.choices, default="propose")
    propose_le = models.DateTimeField("calculé le", default=timezone.now)
    valide_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    valide_le = models.DateTimeField("validé le", null=True, blank=True)
    export = models.ForeignKey(
        ExportFinances, null=True, blank=True, on_delete=models.SET_NULL, related_name="versements"
    )
    paye_le = models.DateField("payé le", null=True, blank=True)
    reference_paiement = models.CharField("n° de mandat", max_length=40, blank=True)

    objects = VersementQuerySet.as_manager()

    class Meta:
        ordering = ["convention", "echeance__operation__rang", "echeance__rang"]
        verbose_name = "versement"
        constraints = [models.CheckConstraint(name="versement_montant_positif", condition=models.Q(montant__gte=0))]

    def __str__(self) -> str:
        return f"{self.echeance.get_type_display()} de {self.montant} € – {self.convention.numero}"


class OrigineReversement(models.TextChoices):
    MODULATION = "modulation", "Trop-perçu après modulation"
    BILAN_ABSENT = "bilan_absent", "Bilan final non produit dans les délais"
    CONTROLE = "controle", "Pièces non fondées au contrôle de service fait"
    AVENANT = "avenant", "Montant réduit par avenant"
    RESILIATION = "resiliation", "Résiliation ou dénonciation"


class StatutReversement(models.TextChoices):
    EMIS = "emis", "Émis (titre de recette)"
    PARTIEL = "partiel", "Partiellement remboursé"
    REMBOURSE = "rembourse", "Remboursé"
    ANNULE = "annule", "Annulé"


class ReversementQuerySet(models.QuerySet["OrdreReversement"]):
    def for_user(self, user: User) -> ReversementQuerySet:
        return _pour(user, self, "convention")


class OrdreReversement(models.Model):
    convention = models.ForeignKey(Convention, on_delete=models.PROTECT, related_name="reversements")
    operation = models.ForeignKey(
        Operation, null=True, blank=True, on_delete=models.PROTECT, related_name="reversements"
    )
    origine = models.CharField("origine", max_length=20, choices=OrigineReversement.choices)
    montant = models.DecimalField("montant à reverser", max_digits=14, decimal_places=2)
    motif = models.TextField("motif")
    calcul = models.JSONField("détail du calcul", default=dict)
    statut = models.CharField("statut", max_length=10, choices=StatutReversement.choices, default="emis")
    reference_titre = models.CharField("n° de titre de recette", max_length=40, blank=True)
    emis_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    emis_le = models.DateTimeField("émis le", default=timezone.now)

    objects = ReversementQuerySet.as_manager()

    class Meta:
        ordering = ["-emis_le", "-pk"]
        verbose_name = "ordre de reversement"
        verbose_name_plural = "ordres de reversement"
        constraints = [models.CheckConstraint(name="reversement_montant_positif", condition=models.Q(montant__gt=0))]

    def __str__(self) -> str:
        return f"Ordre de reversement de {self.montant} € – {self.convention.numero}"


class Remboursement(models.Model):
    """Un encaissement reçu au titre d'un ordre de reversement."""

    ordre = models.ForeignKey(OrdreReversement, on_delete=models.CASCADE, related_name="remboursements")
    montant = models.DecimalField("montant reçu", max_digits=14, decimal_places=2)
    recu_le = models.DateField("reçu le")
    enregistre_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    enregistre_le = models.DateTimeField("enregistré le", default=timezone.now)

    class Meta:
        ordering = ["ordre", "recu_le", "pk"]
        constraints = [models.CheckConstraint(name="remboursement_montant_positif", condition=models.Q(montant__gt=0))]

    def __str__(self) -> str:
        return f"{self.montant} € reçus le {self.recu_le:%d/%m/%Y}"
