"""La Commission permanente : séances, élus et leurs mandats (conflits d'intérêts), inscriptions des
propositions, vote et décisions, générations de documents."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from aap.catalogue.models import Edition
from aap.core.models import User
from aap.instruction.models import Proposition
from aap.structures.models import Structure


class GroupePolitique(models.TextChoices):
    SOCIALISTE = "socialiste", "Groupe Socialiste, Républicain et Citoyen"
    COMMUNISTE = "communiste", "Groupe Communiste et Républicain"
    UNION = "union", "Groupe Union pour le Pas-de-Calais"
    RN = "rn", "Groupe Rassemblement National"
    NON_INSCRIT = "non_inscrit", "Non-inscrit"


class Civilite(models.TextChoices):
    MADAME = "Mme", "Madame"
    MONSIEUR = "M.", "Monsieur"


class Elu(models.Model):
    civilite = models.CharField("civilité", max_length=4, choices=Civilite.choices)
    prenom = models.CharField("prénom", max_length=80)
    nom = models.CharField("nom", max_length=80)
    groupe = models.CharField("groupe", max_length=20, choices=GroupePolitique.choices)
    fonction = models.CharField("fonction", max_length=120, blank=True, help_text="Ex. « 1re vice-présidente ».")
    est_president = models.BooleanField("Président du Conseil départemental", default=False)
    voix_deliberative = models.BooleanField(
        "voix délibérative", default=True, help_text="Décoché : invité sans voix délibérative."
    )
    actif = models.BooleanField("en fonction", default=True)

    class Meta:
        ordering = ["nom", "prenom"]
        verbose_name = "élu"
        constraints = [
            models.UniqueConstraint(
                fields=["est_president"], condition=models.Q(est_president=True, actif=True), name="un_seul_president"
            )
        ]

    def __str__(self) -> str:
        return f"{self.civilite} {self.prenom} {self.nom.upper()}"


class Mandat(models.Model):
    """Mandat d'un élu dans une structure financée (membre du CA, président du CCAS…) : il le rend
    « intéressé à l'affaire » pour toute demande de cette structure."""

    elu = models.ForeignKey(Elu, on_delete=models.CASCADE, related_name="mandats")
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="mandats_elus")
    fonction = models.CharField("fonction dans la structure", max_length=120)
    debut = models.DateField("début", null=True, blank=True)
    fin = models.DateField("fin", null=True, blank=True)

    class Meta:
        ordering = ["elu", "structure"]
        verbose_name = "mandat"

    def __str__(self) -> str:
        return f"{self.elu} — {self.fonction}, {self.structure}"


class StatutSeance(models.TextChoices):
    PREPARATION = "preparation", "En préparation"
    VOTEE = "votee", "Votée"
    CLOTUREE = "cloturee", "Décisions notifiées"


class SeanceCP(models.Model):
    date = models.DateField("date de la réunion", unique=True)
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="seances_cp")
    phase = models.CharField("phase", max_length=60, help_text="Ex. « Phase 1 ».")
    numero_rapport = models.PositiveSmallIntegerField("n° du rapport", null=True, blank=True)
    numero_deliberation = models.CharField("n° de délibération", max_length=12, blank=True)
    date_cloture_depot = models.DateField("date limite de dépôt rappelée", null=True, blank=True)
    date_avis_commissions = models.DateField("date des avis des commissions", null=True, blank=True)
    president_seance = models.ForeignKey(
        Elu, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="président de séance"
    )
    secretaire = models.ForeignKey(
        Elu, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="secrétaire"
    )
    statut = models.CharField("statut", max_length=20, choices=StatutSeance.choices, default=StatutSeance.PREPARATION)
    creee_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    creee_le = models.DateTimeField("créée le", default=timezone.now)

    class Meta:
        ordering = ["-date"]
        verbose_name = "séance de la Commission permanente"
        verbose_name_plural = "séances de la Commission permanente"

    def __str__(self) -> str:
        return f"CP du {self.date:%d/%m/%Y} — {self.titre}"

    @property
    def titre(self) -> str:
        return f"Appels à projets des politiques d'inclusion durable {self.edition.annee} – {self.phase}"


class StatutPresence(models.TextChoices):
    PRESENT = "present", "Présent"
    EXCUSE = "excuse", "Excusé"
    ABSENT = "absent", "Absent"


class Presence(models.Model):
    seance = models.ForeignKey(SeanceCP, on_delete=models.CASCADE, related_name="presences")
    elu = models.ForeignKey(Elu, on_delete=models.PROTECT, related_name="presences")
    statut = models.CharField("présence", max_length=10, choices=StatutPresence.choices)
    delegation_a = models.ForeignKey(
        Elu, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="délégation de vote à"
    )

    class Meta:
        ordering = ["seance", "elu__nom"]
        constraints = [models.UniqueConstraint(fields=["seance", "elu"], name="une_presence_par_elu")]

    def __str__(self) -> str:
        return f"{self.elu} : {self.get_statut_display()}"


class Vote(models.Model):
    """Le vote du rapport : les élus intéressés à l'affaire ne prennent part ni au débat ni au vote ; ils
    sont comptés dans les abstentions, comme dans les délibérations publiées."""

    seance = models.OneToOneField(SeanceCP, on_delete=models.CASCADE, related_name="vote")
    pour = models.PositiveSmallIntegerField("pour")
    contre = models.PositiveSmallIntegerField("contre")
    abstention = models.PositiveSmallIntegerField("abstention")
    absents_sans_delegation = models.PositiveSmallIntegerField("absents sans délégation de vote", default=0)
    non_participants = models.ManyToManyField(Elu, related_name="+", verbose_name="n'ont pas pris part au vote")
    groupes = models.JSONField("groupes par sens de vote", default=dict, blank=True)
    adopte = models.BooleanField("adopté")
    enregistre_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    enregistre_le = models.DateTimeField("enregistré le", default=timezone.now)

    class Meta:
        verbose_name = "vote"

    def __str__(self) -> str:
        return f"Vote du {self.seance.date:%d/%m/%Y} : {self.pour} pour, {self.contre} contre, {self.abstention} abst."


class Decision(models.TextChoices):
    APPROUVEE = "approuvee", "Approuvée"
    REJETEE = "rejetee", "Rejetée"
    AJOURNEE = "ajournee", "Ajournée"


class InscriptionQuerySet(models.QuerySet["Inscription"]):
    def for_user(self, user: User) -> InscriptionQuerySet:
        if user.is_authenticated and user.est_agent:
            return self
        return self.none()


class Inscription(models.Model):
    """Une proposition inscrite à l'ordre du jour d'une séance, puis la décision prise sur elle."""

    seance = models.ForeignKey(SeanceCP, on_delete=models.CASCADE, related_name="inscriptions")
    proposition = models.ForeignKey(Proposition, on_delete=models.PROTECT, related_name="inscriptions")
    inscrite_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    inscrite_le = models.DateTimeField("inscrite le", default=timezone.now)
    decision = models.CharField("décision", max_length=20, choices=Decision.choices, blank=True)
    montant_vote = models.DecimalField("montant voté", max_digits=14, decimal_places=2, null=True, blank=True)
    motif = models.TextField("motif", blank=True)
    decidee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decidee_le = models.DateTimeField("décidée le", null=True, blank=True)
    notifiee_le = models.DateTimeField("notifiée le", null=True, blank=True)
    courrier = models.FileField("courrier de notification", upload_to="commission/courriers/%Y/", blank=True)

    objects = InscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["seance", "pk"]
        verbose_name = "inscription"
        constraints = [
            models.UniqueConstraint(fields=["seance", "proposition"], name="une_inscription_par_seance"),
            models.CheckConstraint(
                name="montant_vote_si_approuvee",
                condition=~models.Q(decision="approuvee") | models.Q(montant_vote__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposition.demande.reference} à la CP du {self.seance.date:%d/%m/%Y}"


class StatutGeneration(models.TextChoices):
    EN_ATTENTE = "en_attente", "En attente"
    EN_COURS = "en_cours", "En cours"
    TERMINEE = "terminee", "Terminée"
    BLOQUEE = "bloquee", "Bloquée par des incohérences"
    ECHEC = "echec", "Échec"


class GenerationDocuments(models.Model):
    """Une génération des documents d'une séance (tâche de fond), avec sa progression et son résultat."""

    seance = models.ForeignKey(SeanceCP, on_delete=models.CASCADE, related_name="generations")
    statut = models.CharField(
        "statut", max_length=20, choices=StatutGeneration.choices, default=StatutGeneration.EN_ATTENTE
    )
    progression = models.PositiveSmallIntegerField("progression (%)", default=0)
    etape = models.CharField("étape en cours", max_length=255, blank=True)
    erreurs = models.JSONField("incohérences ou erreur", default=list, blank=True)
    fichiers = models.JSONField("fichiers produits (chemins relatifs au stockage)", default=list, blank=True)
    demandee_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    demandee_le = models.DateTimeField("demandée le", default=timezone.now)
    terminee_le = models.DateTimeField("terminée le", null=True, blank=True)

    class Meta:
        ordering = ["seance", "-demandee_le"]
        verbose_name = "génération de documents"
        verbose_name_plural = "générations de documents"

    def __str__(self) -> str:
        return f"Documents de la CP du {self.seance.date:%d/%m/%Y} : {self.get_statut_display()}"
