"""Bilans des opérations conventionnées (intermédiaire, final… selon la fiche), documents annuels des
structures, contrôles de service fait et journal des relances envoyées (idempotence de `send_reminders`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from aap.conventions.models import Convention, Operation
from aap.core.models import Role, User
from aap.structures.models import Membre, Structure


class StatutBilan(models.TextChoices):
    A_PRODUIRE = "a_produire", "À produire"
    DEPOSE = "depose", "Déposé"
    A_MODIFIER = "a_modifier", "Modifications demandées"
    ACCEPTE = "accepte", "Accepté"


class BilanQuerySet(models.QuerySet["Bilan"]):
    def for_user(self, user: User) -> BilanQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.role in (Role.PORTEUR, Role.SLAI):
            return self.filter(operation__convention__in=Convention.objects.for_user(user).values("pk"))
        if user.est_agent:
            return self
        return self.none()


class Bilan(models.Model):
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="bilans")
    type = models.CharField("type (code de la fiche)", max_length=60)
    libelle = models.CharField("libellé", max_length=120)
    echeance = models.DateField("date limite")
    statut = models.CharField("statut", max_length=12, choices=StatutBilan.choices, default="a_produire")
    #: [{"code", "nom", "cible", "valeur", "commentaire"}] : les indicateurs de la fiche, valeur contre cible.
    indicateurs = models.JSONField("indicateurs", default=list, blank=True)
    #: Réalisé déclaré pour chaque engagement : {"places": 130, "dsp": 700, "mois_accompagnement": 250, …}.
    realisations = models.JSONField("réalisations", default=dict, blank=True)
    score_qualite = models.DecimalField(
        "score de la charte qualité (%)", max_digits=5, decimal_places=2, null=True, blank=True
    )
    entrees = models.PositiveIntegerField("entrées de participants", null=True, blank=True)
    sorties = models.PositiveIntegerField("sorties de participants", null=True, blank=True)
    sorties_detail = models.JSONField("sorties par type", default=dict, blank=True)
    texte_qualitatif = models.TextField("bilan qualitatif", blank=True)
    #: [{"libelle", "retenu", "realise"}] dépenses ; ressources perçues idem.
    depenses = models.JSONField("dépenses réalisées / plan retenu", default=list, blank=True)
    ressources = models.JSONField("ressources perçues", default=list, blank=True)
    piece = models.FileField("pièce jointe", upload_to="bilans/%Y/", max_length=255, blank=True)
    depose_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    depose_le = models.DateTimeField("déposé le", null=True, blank=True)
    decide_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decide_le = models.DateTimeField("décidé le", null=True, blank=True)
    motif_modification = models.TextField("modifications demandées", blank=True)

    objects = BilanQuerySet.as_manager()

    class Meta:
        ordering = ["echeance", "operation", "pk"]
        verbose_name = "bilan"
        constraints = [models.UniqueConstraint(fields=["operation", "type"], name="un_bilan_par_type_et_operation")]

    def __str__(self) -> str:
        return f"{self.libelle} – {self.operation}"


class StatutDocumentAnnuel(models.TextChoices):
    DEPOSE = "depose", "Déposé"
    ACCEPTE = "accepte", "Accepté"
    REFUSE = "refuse", "Refusé (à redéposer)"


class DocumentAnnuelQuerySet(models.QuerySet["DocumentAnnuel"]):
    def for_user(self, user: User) -> DocumentAnnuelQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.role == Role.PORTEUR:
            return self.filter(structure_id__in=Membre.objects.filter(user=user, actif=True).values("structure_id"))
        if user.role == Role.SLAI:
            return self.filter(structure__territoire_id=user.territoire_id)
        if user.est_agent:
            return self
        return self.none()


class DocumentAnnuel(models.Model):
    """Une pièce annuelle (article 6-2) d'une structure pour un exercice ; un redépôt remplace le fichier."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="documents_annuels")
    exercice = models.PositiveSmallIntegerField("exercice (année de clôture)")
    code = models.CharField("pièce", max_length=40)
    fichier = models.FileField("fichier", upload_to="bilans/annuels/%Y/", max_length=255)
    nom_original = models.CharField("nom du fichier", max_length=255)
    statut = models.CharField("statut", max_length=10, choices=StatutDocumentAnnuel.choices, default="depose")
    motif = models.TextField("motif du refus", blank=True)
    depose_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    depose_le = models.DateTimeField("déposé le", default=timezone.now)

    objects = DocumentAnnuelQuerySet.as_manager()

    class Meta:
        ordering = ["structure", "-exercice", "code"]
        verbose_name = "document annuel"
        verbose_name_plural = "documents annuels"
        constraints = [
            models.UniqueConstraint(fields=["structure", "exercice", "code"], name="un_document_annuel_par_piece")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.exercice} – {self.structure}"


class ResultatControle(models.TextChoices):
    CONFORME = "conforme", "Service fait conforme"
    PARTIEL = "partiel", "Partiellement justifié"
    NON_FONDE = "non_fonde", "Pièces non fondées"


class ControleServiceFait(models.Model):
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="controles")
    date_controle = models.DateField("date du contrôle")
    sur_place = models.BooleanField("contrôle sur place", default=False)
    #: [{"libelle", "resultat": "conforme" | "non_conforme", "commentaire"}]
    verifications = models.JSONField("vérifications", default=list)
    resultat = models.CharField("résultat", max_length=10, choices=ResultatControle.choices)
    montant_non_justifie = models.DecimalField("montant non justifié", max_digits=14, decimal_places=2, default=0)
    commentaire = models.TextField("commentaire", blank=True)
    reversement = models.ForeignKey(
        "versements.OrdreReversement", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    enregistre_le = models.DateTimeField("enregistré le", default=timezone.now)

    class Meta:
        ordering = ["-date_controle", "-pk"]
        verbose_name = "contrôle de service fait"
        verbose_name_plural = "contrôles de service fait"
        constraints = [
            models.CheckConstraint(name="controle_montant_positif", condition=models.Q(montant_non_justifie__gte=0))
        ]

    def __str__(self) -> str:
        return f"Contrôle du {self.date_controle:%d/%m/%Y} – {self.operation}"


class Relance(models.Model):
    """Un rappel envoyé : `cle` identifie (objet, échéance, décalage) ; l'unicité rend l'envoi idempotent."""

    cle = models.CharField("clé", max_length=160, unique=True)
    objet = models.CharField("objet", max_length=255)
    echeance = models.DateField("échéance rappelée")
    decalage_jours = models.SmallIntegerField("jours par rapport à l'échéance (négatif : avant)")
    destinataires = models.JSONField("destinataires", default=list)
    envoyee_le = models.DateTimeField("envoyée le", default=timezone.now)

    class Meta:
        ordering = ["-envoyee_le", "-pk"]
        verbose_name = "relance"

    def __str__(self) -> str:
        return f"Relance {self.cle}"
