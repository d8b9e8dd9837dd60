"""Conventions (une par structure et par séance de CP, couvrant une ou plusieurs opérations votées), leurs
versions successives (avenants) et les modèles Word dont elles sont tirées."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from aap.catalogue.models import Dispositif, Edition
from aap.commission.models import Inscription, SeanceCP
from aap.core.models import Role, User
from aap.structures.models import Membre, Structure


class TypeModele(models.TextChoices):
    CONVENTION = "convention", "Convention"
    AVENANT = "avenant", "Avenant"


class ModeleDocument(models.Model):
    """Un modèle Word (docxtpl) téléversé par un administrateur ; le plus récent actif de son type sert."""

    type = models.CharField("type", max_length=20, choices=TypeModele.choices)
    fichier = models.FileField("modèle Word (.docx)", upload_to="conventions/modeles/%Y/", max_length=255)
    nom_original = models.CharField("nom du fichier", max_length=255)
    empreinte = models.CharField("SHA-256", max_length=64)
    champs = models.JSONField("champs de fusion utilisés", default=list, blank=True)
    actif = models.BooleanField("en service", default=True)
    televerse_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    televerse_le = models.DateTimeField("téléversé le", default=timezone.now)

    class Meta:
        ordering = ["type", "-televerse_le", "-pk"]
        verbose_name = "modèle de document"
        verbose_name_plural = "modèles de documents"

    def __str__(self) -> str:
        return f"Modèle {self.get_type_display().lower()} « {self.nom_original} »"


class StatutConvention(models.TextChoices):
    GENEREE = "generee", "Générée"
    ENVOYEE = "envoyee", "Envoyée à la structure"
    SIGNEE_STRUCTURE = "signee_structure", "Signée par la structure"
    SIGNEE = "signee", "Signée par le Département"
    SOLDEE = "soldee", "Soldée"
    RESILIEE = "resiliee", "Résiliée"


STATUTS_EN_VIGUEUR = (StatutConvention.SIGNEE,)


class ConventionQuerySet(models.QuerySet["Convention"]):
    def for_user(self, user: User) -> ConventionQuerySet:
        """Porteur → conventions de ses structures ; SLAI → celles dont une opération touche son territoire ;
        autres agents → toutes. Sous-requêtes : ni doublons ni sommes faussées."""
        from aap.demandes.models import Demande

        if not user.is_authenticated:
            return self.none()
        if user.role == Role.PORTEUR:
            return self.filter(structure_id__in=Membre.objects.filter(user=user, actif=True).values("structure_id"))
        if user.role == Role.SLAI:
            demandes = Demande.objects.touchant(user.territoire_id).values("pk")
            return self.filter(pk__in=Operation.objects.filter(demande_id__in=demandes).values("convention_id"))
        if user.est_agent:
            return self
        return self.none()


class Convention(models.Model):
    numero = models.CharField("numéro", max_length=20, unique=True)
    annee = models.PositiveSmallIntegerField("année de numérotation")
    sequence = models.PositiveIntegerField("numéro d'ordre dans l'année")
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="conventions")
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="conventions")
    seance = models.ForeignKey(SeanceCP, on_delete=models.PROTECT, related_name="conventions")
    objet = models.CharField("objet", max_length=500)
    montant = models.DecimalField("montant maximal en vigueur", max_digits=14, decimal_places=2)
    date_debut = models.DateField("début")
    date_fin = models.DateField("fin (incluse)")
    version = models.PositiveSmallIntegerField("version en vigueur", default=1)
    statut = models.CharField("statut", max_length=20, choices=StatutConvention.choices, default="generee")
    fichier = models.FileField("convention générée (.docx)", upload_to="conventions/%Y/", max_length=255, blank=True)
    modele = models.ForeignKey(ModeleDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    envoyee_le = models.DateTimeField("envoyée le", null=True, blank=True)
    fichier_signe_structure = models.FileField(
        "convention signée par la structure (PDF)", upload_to="conventions/signees/%Y/", max_length=255, blank=True
    )
    signee_structure_le = models.DateTimeField("signée par la structure le", null=True, blank=True)
    signee_departement_le = models.DateTimeField("signée par le Département le", null=True, blank=True)
    signee_departement_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    generee_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    generee_le = models.DateTimeField("générée le", default=timezone.now)

    objects = ConventionQuerySet.as_manager()

    class Meta:
        ordering = ["-annee", "-sequence"]
        verbose_name = "convention"
        constraints = [
            models.UniqueConstraint(fields=["annee", "sequence"], name="convention_numero_annuel"),
            models.UniqueConstraint(fields=["structure", "seance"], name="une_convention_par_structure_et_cp"),
            models.CheckConstraint(name="convention_montant_positif", condition=models.Q(montant__gte=0)),
            models.CheckConstraint(
                name="convention_periode_ordonnee", condition=models.Q(date_fin__gte=models.F("date_debut"))
            ),
        ]

    def __str__(self) -> str:
        return f"Convention n° {self.numero}"


class Operation(models.Model):
    """Une opération votée couverte par la convention (une inscription approuvée de la CP)."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="operations")
    inscription = models.OneToOneField(Inscription, on_delete=models.PROTECT, related_name="operation")
    demande = models.ForeignKey("demandes.Demande", on_delete=models.PROTECT, related_name="operations")
    dispositif = models.ForeignKey(Dispositif, on_delete=models.PROTECT, related_name="operations")
    rang = models.PositiveSmallIntegerField("n° d'annexe")
    intitule = models.CharField("intitulé", max_length=255)
    montant = models.DecimalField("montant en vigueur", max_digits=14, decimal_places=2)
    date_debut = models.DateField("début")
    date_fin = models.DateField("fin (incluse)")
    #: Engagements chiffrés repris de la proposition votée : {"etp": "2.00", "places": 140, "dsp": 800, …}.
    engagements = models.JSONField("engagements chiffrés", default=dict, blank=True)
    #: Règles figées à la génération (échéancier, parts conditionnées, bilans, indicateurs) : une convention
    #: signée ne change pas si le catalogue est rechargé.
    regles = models.JSONField("règles de la fiche à la signature", default=dict)

    class Meta:
        ordering = ["convention", "rang"]
        verbose_name = "opération conventionnée"
        verbose_name_plural = "opérations conventionnées"
        constraints = [
            models.UniqueConstraint(fields=["convention", "rang"], name="operation_rang_unique"),
            models.CheckConstraint(name="operation_montant_positif", condition=models.Q(montant__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.convention.numero} – annexe {self.rang} : {self.intitule}"


class TypeAvenant(models.TextChoices):
    FINANCIER = "financier", "Financier (montant)"
    PERIODE = "periode", "Période"


class StatutAvenant(models.TextChoices):
    DEMANDE = "demande", "Demandé"
    ACCEPTE = "accepte", "Accepté par l'instructeur"
    REFUSE = "refuse", "Refusé"
    EN_ATTENTE_CP = "en_attente_cp", "En attente de décision de la CP"
    SIGNE = "signe", "Signé (en vigueur)"


class Avenant(models.Model):
    """Une nouvelle version de la convention : `avant` et `apres` sont des instantanés, le diff s'en déduit."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="avenants")
    numero = models.PositiveSmallIntegerField("n° d'avenant")
    type = models.CharField("type", max_length=20, choices=TypeAvenant.choices)
    statut = models.CharField("statut", max_length=20, choices=StatutAvenant.choices, default="demande")
    motif = models.TextField("motif")
    evenement_exceptionnel = models.TextField("événement exceptionnel justifiant le report", blank=True)
    avant = models.JSONField("version précédente")
    apres = models.JSONField("nouvelle version")
    necessite_cp = models.BooleanField("nécessite une décision de la CP", default=False)
    seance = models.ForeignKey(SeanceCP, null=True, blank=True, on_delete=models.PROTECT, related_name="avenants")
    decision_motif = models.TextField("motif de la décision", blank=True)
    decide_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decide_le = models.DateTimeField("décidé le", null=True, blank=True)
    fichier = models.FileField(
        "avenant généré (.docx)", upload_to="conventions/avenants/%Y/", max_length=255, blank=True
    )
    signe_le = models.DateTimeField("signé le", null=True, blank=True)
    demande_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    demande_le = models.DateTimeField("demandé le", default=timezone.now)

    class Meta:
        ordering = ["convention", "numero"]
        verbose_name = "avenant"
        constraints = [models.UniqueConstraint(fields=["convention", "numero"], name="avenant_numero_unique")]

    def __str__(self) -> str:
        return f"Avenant n° {self.numero} à la convention {self.convention.numero}"

    @property
    def ecart_montant(self) -> Decimal:
        return Decimal(str(self.apres.get("montant", "0"))) - Decimal(str(self.avant.get("montant", "0")))


class Numerotation(models.Model):
    """Compteur des numéros de convention d'une année : verrouillé (`select_for_update`) à chaque attribution,
    jamais décrémenté ; un numéro attribué n'est jamais réutilisé, même si la convention est résiliée."""

    annee = models.PositiveSmallIntegerField("année", unique=True)
    dernier = models.PositiveIntegerField("dernier numéro d'ordre attribué", default=0)

    class Meta:
        verbose_name = "numérotation des conventions"
        verbose_name_plural = "numérotations des conventions"

    def __str__(self) -> str:
        return f"Conventions {self.annee} : {self.dernier} numéro(s) attribué(s)"
