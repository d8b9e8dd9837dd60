"""Utilisateurs, rôles, territoires et journal d'audit."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    PORTEUR = "porteur", "Porteur de projet"
    INSTRUCTEUR = "instructeur", "Agent DPID – instructeur"
    GESTIONNAIRE = "gestionnaire", "Agent DPID – gestionnaire"
    SLAI = "slai", "Agent SLAI"
    FINANCES = "finances", "Agent finances"
    ADMIN = "admin", "Administrateur"
    REFERENT = "referent", "Référent de parcours (structure)"


#: Rôles des agents du Département (tout sauf porteur).
AGENT_ROLES = frozenset({Role.INSTRUCTEUR, Role.GESTIONNAIRE, Role.SLAI, Role.FINANCES, Role.ADMIN})
#: Agents DPID qui voient toutes les demandes du département.
DPID_ROLES = frozenset({Role.INSTRUCTEUR, Role.GESTIONNAIRE, Role.ADMIN})


class Territoire(models.Model):
    """Un des 9 territoires MDS, ou le périmètre « Département » des opérations départementales."""

    code = models.SlugField("code", max_length=40, unique=True)
    nom = models.CharField("nom", max_length=80, unique=True)
    ordre = models.PositiveSmallIntegerField("ordre d'affichage", default=0)
    est_departement = models.BooleanField("périmètre départemental", default=False)
    bassin_minier = models.BooleanField("bassin minier (ERBM)", default=False)

    class Meta:
        ordering = ["ordre", "nom"]
        verbose_name = "territoire"

    def __str__(self) -> str:
        return self.nom


class AapUserManager(UserManager["User"]):
    def agents(self) -> models.QuerySet[User]:
        return self.filter(role__in=AGENT_ROLES)


class User(AbstractUser):
    """Un compte : porteur (membre d'une ou plusieurs structures) ou agent du Département.

    L'identifiant de connexion est l'adresse électronique.
    """

    username = None
    email = models.EmailField("adresse électronique", unique=True)
    role = models.CharField("rôle", max_length=20, choices=Role.choices, default=Role.PORTEUR)
    territoire = models.ForeignKey(
        Territoire,
        verbose_name="territoire (agent SLAI)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agents",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = AapUserManager()

    class Meta:
        verbose_name = "utilisateur"
        ordering = ["last_name", "first_name", "email"]
        constraints = [
            models.CheckConstraint(
                name="slai_a_un_territoire",
                condition=~models.Q(role="slai") | models.Q(territoire__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def est_agent(self) -> bool:
        return self.role in AGENT_ROLES

    @property
    def est_dpid(self) -> bool:
        return self.role in DPID_ROLES

    @property
    def est_porteur(self) -> bool:
        return self.role == Role.PORTEUR

    @property
    def est_referent(self) -> bool:
        return self.role == Role.REFERENT


class AuditLogQuerySet(models.QuerySet["AuditLog"]):
    def for_object(self, obj: models.Model) -> AuditLogQuerySet:
        return self.filter(cible_type=ContentType.objects.get_for_model(obj), cible_id=str(obj.pk))


class AuditLog(models.Model):
    """Qui a fait quoi, quand, sur quel objet : changements d'état et consultations de dossiers."""

    horodatage = models.DateTimeField("horodatage", default=timezone.now, db_index=True)
    acteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="acteur", null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField("action", max_length=80, db_index=True)
    cible_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    cible_id = models.CharField(max_length=64, blank=True)
    cible_repr = models.CharField("objet", max_length=255, blank=True)
    structure_id = models.BigIntegerField("structure concernée", null=True, blank=True, db_index=True)
    details = models.JSONField("détails", default=dict, blank=True)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        ordering = ["-horodatage", "-id"]
        verbose_name = "entrée du journal"
        verbose_name_plural = "journal d'audit"
        indexes = [models.Index(fields=["cible_type", "cible_id"])]

    def __str__(self) -> str:
        return f"{self.horodatage:%d/%m/%Y %H:%M} {self.acteur} {self.action} {self.cible_repr}"


class StatutTache(models.TextChoices):
    EN_ATTENTE = "en_attente", "En attente"
    EN_COURS = "en_cours", "En cours"
    TERMINEE = "terminee", "Terminée"
    ECHEC = "echec", "Échec"


class TacheFond(models.Model):
    """Un travail long lancé depuis l'interface (génération par lot, exports, imports, relances), exécuté par
    le worker django-tasks ; sa progression est affichée par la page `core:tache`."""

    type = models.CharField("type", max_length=60, db_index=True)
    libelle = models.CharField("libellé", max_length=255)
    fonction = models.CharField("fonction exécutée (chemin pointé)", max_length=255)
    parametres = models.JSONField("paramètres", default=dict, blank=True)
    statut = models.CharField("statut", max_length=12, choices=StatutTache.choices, default=StatutTache.EN_ATTENTE)
    progression = models.PositiveSmallIntegerField("progression (%)", default=0)
    etape = models.CharField("étape en cours", max_length=255, blank=True)
    #: {"message": "…", "fichiers": [{"nom", "chemin"}], "lien": "/…"} : ce que la page montre à la fin.
    resultat = models.JSONField("résultat", default=dict, blank=True)
    erreurs = models.JSONField("erreurs", default=list, blank=True)
    demandee_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="taches")
    demandee_le = models.DateTimeField("demandée le", default=timezone.now)
    terminee_le = models.DateTimeField("terminée le", null=True, blank=True)

    class Meta:
        ordering = ["-demandee_le", "-pk"]
        verbose_name = "tâche de fond"
        verbose_name_plural = "tâches de fond"

    def __str__(self) -> str:
        return f"{self.libelle} ({self.get_statut_display().lower()})"

    @property
    def finie(self) -> bool:
        return self.statut in (StatutTache.TERMINEE, StatutTache.ECHEC)
