"""Demandes de subvention : contenu, moyens, plan de financement, dépôt et validation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from aap.catalogue.models import Dispositif, SessionAppel
from aap.core.models import Role, Territoire, User
from aap.demandes.choix import (
    CATEGORIES_PERSONNEL,
    CategorieDepense,
    Financeur,
    PrioriteTransversale,
    StatutDemande,
)
from aap.structures.models import Membre, Structure


__all__ = [
    "CATEGORIES_PERSONNEL",
    "CategorieDepense",
    "Demande",
    "Financeur",
    "LigneDepense",
    "LigneRessource",
    "PrioriteTransversale",
    "StatutDemande",
]


class DemandeQuerySet(models.QuerySet["Demande"]):
    def for_user(self, user: User) -> DemandeQuerySet:
        """Porteur : les demandes de ses structures ; SLAI : celles qui touchent son territoire ;
        agents DPID, finances, admin : toutes les demandes transmises (jamais les brouillons d'autrui).

        Sous-requêtes plutôt que jointures : pas de doublons, donc ni `distinct()` ni sommes faussées.
        """
        if not user.is_authenticated:
            return self.none()
        if user.role == Role.PORTEUR:
            structures = Membre.objects.filter(user=user, actif=True).values("structure_id")
            return self.filter(structure_id__in=structures)
        transmises = self.exclude(statut=StatutDemande.BROUILLON)
        if user.role == Role.SLAI:
            return transmises.touchant(user.territoire_id)
        if user.est_agent:
            return transmises
        return self.none()

    def touchant(self, territoire_id: int | None) -> DemandeQuerySet:
        """Les demandes dont un des territoires concernés est `territoire_id`."""
        liens = Demande.territoires.through.objects.filter(
            demande_id=models.OuterRef("pk"), territoire_id=territoire_id
        )
        return self.filter(models.Exists(liens))


class Demande(models.Model):
    reference = models.CharField("référence", max_length=30, unique=True)
    statut = models.CharField("statut", max_length=20, choices=StatutDemande.choices, default=StatutDemande.BROUILLON)
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="demandes")
    dispositif = models.ForeignKey(Dispositif, on_delete=models.PROTECT, related_name="demandes")
    session = models.ForeignKey(
        SessionAppel,
        on_delete=models.PROTECT,
        related_name="demandes",
        null=True,
        blank=True,
        help_text="Vide : demande importée d'un tableau de propositions (hors portail), sans session.",
    )
    territoires = models.ManyToManyField(Territoire, verbose_name="territoires concernés", related_name="demandes")

    intitule = models.CharField("intitulé de l'opération", max_length=255)
    description = models.TextField("description de l'opération", blank=True)
    objectifs = models.TextField("objectifs", blank=True)
    resultats_attendus = models.TextField("résultats attendus", blank=True)
    moyens_humains = models.TextField("moyens humains", blank=True)
    moyens_materiels = models.TextField("moyens matériels", blank=True)
    partenariats = models.TextField("partenariats", blank=True)
    priorites_transversales = models.JSONField("priorités transversales", default=list, blank=True)
    priorites_commentaire = models.TextField("prise en compte des priorités transversales", blank=True)
    indicateurs_proposes = models.TextField("indicateurs supplémentaires proposés", blank=True)
    date_debut = models.DateField("début de l'opération", null=True, blank=True)
    date_fin = models.DateField("fin de l'opération", null=True, blank=True)

    etp = models.DecimalField("ETP", max_digits=6, decimal_places=2, null=True, blank=True)
    places = models.PositiveIntegerField("places d'accompagnement", null=True, blank=True)
    dsp = models.PositiveIntegerField("DSP", null=True, blank=True)
    participants = models.PositiveIntegerField("participants", null=True, blank=True)
    postes_insertion = models.PositiveIntegerField("postes en insertion", null=True, blank=True)

    cout_total = models.DecimalField("coût total du plan", max_digits=14, decimal_places=2, default=0)
    montant_demande = models.DecimalField("montant demandé au Département", max_digits=14, decimal_places=2, default=0)

    cree_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cree_le = models.DateTimeField("créée le", default=timezone.now)
    modifiee_le = models.DateTimeField("modifiée le", auto_now=True)
    deposee_le = models.DateTimeField("déposée le", null=True, blank=True)
    deposee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    validee_le = models.DateTimeField("validée le", null=True, blank=True)
    validee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    retiree_le = models.DateTimeField("retirée le", null=True, blank=True)
    retrait_motif = models.TextField("motif du retrait", blank=True)
    attestation_honneur = models.BooleanField("attestation sur l'honneur", default=False)
    recepisse = models.FileField("récépissé", upload_to="recepisses/%Y/", blank=True)
    recepisse_empreinte = models.CharField("empreinte SHA-256 du récépissé", max_length=64, blank=True)

    objects = DemandeQuerySet.as_manager()

    class Meta:
        ordering = ["-cree_le"]
        verbose_name = "demande de subvention"
        verbose_name_plural = "demandes de subvention"
        indexes = [
            models.Index(fields=["statut"]),
            models.Index(fields=["dispositif", "statut"]),
            models.Index(fields=["statut", "deposee_le"]),
            # Liste des agents (10 000 demandes) : tris sans parcourir la table, synthèses en parcours d'index.
            models.Index(fields=["-deposee_le"], name="demande_tri_depot"),
            models.Index(fields=["-montant_demande"], name="demande_tri_montant"),
            models.Index(fields=["-cout_total"], name="demande_tri_cout"),
            models.Index(
                fields=["statut", "dispositif"],
                include=["id", "montant_demande", "cout_total"],
                name="demande_synthese",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.intitule}"

    @property
    def annees(self) -> list[int]:
        """Les années civiles couvertes par la convention demandée (une colonne du budget par année)."""
        if not self.date_debut or not self.date_fin or self.date_fin < self.date_debut:
            return []
        return list(range(self.date_debut.year, self.date_fin.year + 1))

    @property
    def mois_operation(self) -> int | None:
        """Durée de l'opération en mois entamés (01/01/2026 → 31/12/2027 : 24 mois)."""
        if not self.date_debut or not self.date_fin or self.date_fin < self.date_debut:
            return None
        return (self.date_fin.year - self.date_debut.year) * 12 + self.date_fin.month - self.date_debut.month + 1

    @property
    def est_brouillon(self) -> bool:
        return self.statut == StatutDemande.BROUILLON


class LigneDepense(models.Model):
    """Une ligne de charges du plan prévisionnel, pour une année de la convention.

    Les lignes de personnel décrivent un poste (quotité du contrat, part du temps sur l'action, coût
    annuel chargé, nombre de mois) ; leur montant est calculé par le modèle de financement. Les forfaits
    (ex. 40 % de compensation) ne sont pas saisis : ils sont dérivés par `aap.demandes.financement`.
    """

    demande = models.ForeignKey(Demande, on_delete=models.CASCADE, related_name="depenses")
    annee = models.PositiveSmallIntegerField("année")
    categorie = models.CharField("catégorie", max_length=20, choices=CategorieDepense.choices)
    libelle = models.CharField("libellé ou fonction", max_length=255)
    etp = models.DecimalField("quotité du contrat (ETP)", max_digits=4, decimal_places=2, null=True, blank=True)
    taux_affectation = models.DecimalField(
        "part du temps sur l'action (%)", max_digits=5, decimal_places=2, null=True, blank=True
    )
    cout_annuel = models.DecimalField("coût annuel chargé", max_digits=12, decimal_places=2, null=True, blank=True)
    mois = models.DecimalField("mois sur l'année", max_digits=4, decimal_places=1, null=True, blank=True)
    montant = models.DecimalField("montant", max_digits=12, decimal_places=2, default=0)
    ordre = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["demande", "annee", "categorie", "ordre", "pk"]
        verbose_name = "ligne de dépense"

    def __str__(self) -> str:
        return f"{self.annee} {self.get_categorie_display()} : {self.libelle}"


class LigneRessource(models.Model):
    demande = models.ForeignKey(Demande, on_delete=models.CASCADE, related_name="ressources")
    annee = models.PositiveSmallIntegerField("année")
    financeur = models.CharField("financeur", max_length=20, choices=Financeur.choices)
    libelle = models.CharField("précision", max_length=255, blank=True)
    montant = models.DecimalField("montant", max_digits=12, decimal_places=2, default=0)

    class Meta:
        ordering = ["demande", "annee", "financeur", "pk"]
        verbose_name = "ligne de ressource"

    def __str__(self) -> str:
        return f"{self.annee} {self.get_financeur_display()} : {self.montant}"
