"""Demandes de subvention : contenu, moyens, plan de financement, dépôt et validation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from aap.catalogue.models import Dispositif, SessionAppel
from aap.core.models import Role, Territoire, User
from aap.structures.models import Structure


class StatutDemande(models.TextChoices):
    BROUILLON = "brouillon", "Brouillon"
    DEPOSEE = "deposee", "Déposée, à valider"
    VALIDEE = "validee", "Validée, reçue par le Département"


class PrioriteTransversale(models.TextChoices):
    ENGAGEMENT_CITOYEN = "engagement_citoyen", "Engagement citoyen"
    EGALITE_FEMMES_HOMMES = "egalite_femmes_hommes", "Égalité femmes-hommes"
    EGALITE_CHANCES = "egalite_chances", "Égalité des chances et lutte contre les discriminations"
    DEVELOPPEMENT_DURABLE = "developpement_durable", "Développement durable"


class DemandeQuerySet(models.QuerySet["Demande"]):
    def for_user(self, user: User) -> DemandeQuerySet:
        """Porteur : les demandes de ses structures ; SLAI : celles qui touchent son territoire ;
        agents DPID, finances, admin : toutes les demandes transmises (jamais les brouillons d'autrui)."""
        if not user.is_authenticated:
            return self.none()
        if user.role == Role.PORTEUR:
            return self.filter(structure__membres__user=user, structure__membres__actif=True).distinct()
        transmises = self.exclude(statut=StatutDemande.BROUILLON)
        if user.role == Role.SLAI:
            return transmises.filter(territoires=user.territoire).distinct()
        if user.est_agent:
            return transmises
        return self.none()


class Demande(models.Model):
    reference = models.CharField("référence", max_length=30, unique=True)
    statut = models.CharField("statut", max_length=20, choices=StatutDemande.choices, default=StatutDemande.BROUILLON)
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="demandes")
    dispositif = models.ForeignKey(Dispositif, on_delete=models.PROTECT, related_name="demandes")
    session = models.ForeignKey(SessionAppel, on_delete=models.PROTECT, related_name="demandes")
    territoires = models.ManyToManyField(Territoire, verbose_name="territoires concernés", related_name="demandes")

    intitule = models.CharField("intitulé de l'opération", max_length=255)
    description = models.TextField("description de l'opération", blank=True)
    objectifs = models.TextField("objectifs", blank=True)
    resultats_attendus = models.TextField("résultats attendus", blank=True)
    moyens_humains = models.TextField("moyens humains", blank=True)
    moyens_materiels = models.TextField("moyens matériels", blank=True)
    partenariats = models.TextField("partenariats", blank=True)
    priorites_transversales = models.JSONField("priorités transversales", default=list, blank=True)
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
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.intitule}"


class CategorieDepense(models.TextChoices):
    PERSONNEL = "personnel", "Frais de personnel directs"
    ENCADREMENT = "encadrement", "Personnel d'encadrement"
    FONCTIONNEMENT = "fonctionnement", "Fonctionnement"
    PRESTATIONS = "prestations", "Prestations externes"
    INDIRECTS = "indirects", "Coûts indirects"


#: Catégories dont le montant est calculé à partir d'un poste (quotité, affectation, coût, mois).
CATEGORIES_PERSONNEL = frozenset({CategorieDepense.PERSONNEL, CategorieDepense.ENCADREMENT})


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


class Financeur(models.TextChoices):
    DEPARTEMENT = "departement", "Département du Pas-de-Calais"
    FSE_PLUS = "fse_plus", "FSE+"
    FTJ = "ftj", "FTJ"
    ETAT = "etat", "État"
    AUTRE_PUBLIC = "autre_public", "Autres financements publics"
    FONDS_PROPRES = "fonds_propres", "Fonds propres"
    AUTRE_PRIVE = "autre_prive", "Autres financements privés"


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
