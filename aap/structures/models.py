"""Structures porteuses, leurs membres, leurs pièces, et les demandes d'ouverture de compte."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from aap.core.models import Role, Territoire, User
from aap.structures.validators import masquer_iban


class FormeJuridique(models.TextChoices):
    ASSOCIATION = "association", "Association loi 1901"
    CCAS = "ccas", "CCAS / CIAS"
    MISSION_LOCALE = "mission_locale", "Mission Locale"
    PLIE = "plie", "PLIE"
    SIAE = "siae", "SIAE (ACI, EI, AI, ETTI)"
    COLLECTIVITE = "collectivite", "Commune, EPCI ou autre collectivité"
    GIP = "gip", "GIP ou établissement public"
    ENTREPRISE = "entreprise", "Entreprise (dont ESS)"
    AUTRE = "autre", "Autre"


class Civilite(models.TextChoices):
    MADAME = "Mme", "Madame"
    MONSIEUR = "M.", "Monsieur"


class StructureQuerySet(models.QuerySet["Structure"]):
    def for_user(self, user: User) -> StructureQuerySet:
        """Agents DPID, finances, admin : toutes ; SLAI : celles de son territoire ; porteur : les siennes."""
        if not user.is_authenticated:
            return self.none()
        if user.role in (Role.PORTEUR, Role.REFERENT):
            return self.filter(membres__user=user, membres__actif=True).distinct()
        if user.role == Role.SLAI:
            return self.filter(territoire=user.territoire)
        if user.est_agent:
            return self
        return self.none()


class Structure(models.Model):
    siret = models.CharField("SIRET", max_length=14, unique=True)
    raison_sociale = models.CharField("raison sociale", max_length=255)
    sigle = models.CharField("sigle", max_length=60, blank=True)
    forme_juridique = models.CharField("forme juridique", max_length=20, choices=FormeJuridique.choices)
    rna = models.CharField("numéro RNA", max_length=10, blank=True, help_text="Associations : W suivi de 9 chiffres.")
    adresse = models.CharField("adresse", max_length=255)
    code_postal = models.CharField("code postal", max_length=5)
    commune = models.CharField("commune", max_length=120)
    est_siege = models.BooleanField("l'adresse est celle du siège", default=True)
    territoire = models.ForeignKey(
        Territoire, verbose_name="territoire MDS", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    telephone = models.CharField("téléphone", max_length=20, blank=True)
    email = models.EmailField("adresse électronique de contact")
    site_web = models.URLField("site web", blank=True)
    representant_civilite = models.CharField("civilité du représentant", max_length=4, choices=Civilite.choices)
    representant_nom = models.CharField("nom du représentant légal", max_length=120)
    representant_prenom = models.CharField("prénom du représentant légal", max_length=120)
    representant_fonction = models.CharField("fonction du représentant légal", max_length=120)
    iban = models.CharField("IBAN", max_length=34, blank=True)
    bic = models.CharField("BIC", max_length=11, blank=True)
    label_referent_62 = models.BooleanField("labellisée Référent 62 (ou en moratoire)", default=False)
    soumise_cac = models.BooleanField(
        "la structure a un commissaire aux comptes",
        default=False,
        help_text="Obligatoire notamment pour une association qui reçoit plus de 153 000 € de subventions publiques "
        "par an : le rapport du commissaire aux comptes est alors une pièce exigée.",
    )
    mois_cloture_exercice = models.PositiveSmallIntegerField(
        "mois de clôture de l'exercice comptable",
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="L'exercice se termine le dernier jour de ce mois (12 : exercice civil).",
    )
    creee_le = models.DateTimeField("créée le", default=timezone.now)

    objects = StructureQuerySet.as_manager()

    class Meta:
        ordering = ["raison_sociale"]
        verbose_name = "structure"

    def __str__(self) -> str:
        return self.raison_sociale

    @property
    def representant(self) -> str:
        return f"{self.representant_civilite} {self.representant_prenom} {self.representant_nom}"

    @property
    def iban_masque(self) -> str:
        return masquer_iban(self.iban)

    @property
    def iban_fin(self) -> str:
        return self.iban[-4:] if self.iban else ""


class RoleMembre(models.TextChoices):
    REPRESENTANT_LEGAL = "representant_legal", "Représentant légal"
    GESTIONNAIRE = "gestionnaire", "Gestionnaire des demandes"
    LECTEUR = "lecteur", "Lecture seule"
    REFERENT = "referent", "Référent de parcours"


#: Rôles qui peuvent modifier le profil, déposer des pièces et écrire les demandes.
ROLES_ECRITURE = frozenset({RoleMembre.REPRESENTANT_LEGAL, RoleMembre.GESTIONNAIRE})


class MembreQuerySet(models.QuerySet["Membre"]):
    def actifs(self) -> MembreQuerySet:
        return self.filter(actif=True)


class Membre(models.Model):
    """Appartenance d'un compte porteur à une structure, avec son rôle dans la structure."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="membres")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="adhesions")
    role = models.CharField("rôle dans la structure", max_length=20, choices=RoleMembre.choices)
    actif = models.BooleanField("actif", default=True)
    ajoute_le = models.DateTimeField("ajouté le", default=timezone.now)

    objects = MembreQuerySet.as_manager()

    class Meta:
        ordering = ["structure", "role", "user__last_name"]
        verbose_name = "membre"
        constraints = [
            models.UniqueConstraint(fields=["structure", "user"], name="membre_unique"),
            models.UniqueConstraint(
                fields=["structure"],
                condition=models.Q(role="representant_legal", actif=True),
                name="un_seul_representant_legal_actif",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} de {self.structure}"


class TypeDocument(models.TextChoices):
    STATUTS = "statuts", "Statuts"
    ASSURANCE = "assurance", "Attestation d'assurance"
    COMPTES_ANNUELS = "comptes_annuels", "Comptes annuels"
    RAPPORT_CAC = "rapport_cac", "Rapport du commissaire aux comptes"
    RIB = "rib", "RIB"
    AUTRE = "autre", "Autre pièce"


#: Pièces exigées de toute structure ; le rapport du CAC s'y ajoute si `Structure.soumise_cac`.
TYPES_EXIGES = (TypeDocument.STATUTS, TypeDocument.ASSURANCE, TypeDocument.COMPTES_ANNUELS, TypeDocument.RIB)


def chemin_piece(instance: DocumentStructure, filename: str) -> str:
    """Nom de stockage imprévisible : le fichier ne se télécharge que par la vue qui contrôle le périmètre."""
    extension = PurePath(filename).suffix.lower()[:6]
    return f"structures/{instance.structure_id}/{uuid.uuid4().hex}{extension}"


class DocumentStructureQuerySet(models.QuerySet["DocumentStructure"]):
    def for_user(self, user: User) -> DocumentStructureQuerySet:
        return self.filter(structure__in=Structure.objects.for_user(user))

    def actuels(self) -> DocumentStructureQuerySet:
        """Les pièces en vigueur (une pièce remplacée reste conservée pour l'historique)."""
        return self.filter(remplace_par__isnull=True)


class DocumentStructure(models.Model):
    """Pièce déposée une fois pour toutes les demandes de la structure, avec sa période de validité."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="documents")
    type = models.CharField("type de pièce", max_length=20, choices=TypeDocument.choices)
    fichier = models.FileField("fichier", upload_to=chemin_piece, max_length=255)
    nom_original = models.CharField("nom du fichier", max_length=255)
    taille = models.PositiveIntegerField("taille (octets)")
    valide_du = models.DateField("valable à partir du", null=True, blank=True)
    valide_jusquau = models.DateField("valable jusqu'au", null=True, blank=True)
    depose_par = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    depose_le = models.DateTimeField(default=timezone.now)
    remplace_par = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="remplace", verbose_name="remplacée par"
    )

    objects = DocumentStructureQuerySet.as_manager()

    class Meta:
        ordering = ["structure", "type", "-depose_le"]
        verbose_name = "pièce de la structure"
        verbose_name_plural = "pièces des structures"
        constraints = [
            models.CheckConstraint(
                name="piece_periode_coherente",
                condition=models.Q(valide_du__isnull=True)
                | models.Q(valide_jusquau__isnull=True)
                | models.Q(valide_jusquau__gte=models.F("valide_du")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} — {self.structure}"


class StatutDemandeCompte(models.TextChoices):
    EN_ATTENTE = "en_attente", "En attente de validation"
    VALIDEE = "validee", "Validée"
    REFUSEE = "refusee", "Refusée"


class DemandeCompteQuerySet(models.QuerySet["DemandeCompte"]):
    def for_user(self, user: User) -> DemandeCompteQuerySet:
        """Seuls les agents DPID (et l'administrateur) instruisent les demandes de compte."""
        if user.is_authenticated and user.est_dpid:
            return self
        return self.none()

    def en_attente(self) -> DemandeCompteQuerySet:
        return self.filter(statut=StatutDemandeCompte.EN_ATTENTE)


class DemandeCompte(models.Model):
    """Demande d'ouverture de compte d'une structure, validée ou refusée par le Département (jamais automatique)."""

    statut = models.CharField(
        max_length=20, choices=StatutDemandeCompte.choices, default=StatutDemandeCompte.EN_ATTENTE
    )
    siret = models.CharField("SIRET", max_length=14, db_index=True)
    raison_sociale = models.CharField("raison sociale", max_length=255)
    forme_juridique = models.CharField("forme juridique", max_length=20, choices=FormeJuridique.choices)
    adresse = models.CharField("adresse", max_length=255)
    code_postal = models.CharField("code postal", max_length=5)
    commune = models.CharField("commune", max_length=120)
    est_siege = models.BooleanField("cette adresse est celle du siège social", default=True)
    representant_civilite = models.CharField("civilité du représentant légal", max_length=4, choices=Civilite.choices)
    representant_nom = models.CharField("nom du représentant légal", max_length=120)
    representant_prenom = models.CharField("prénom du représentant légal", max_length=120)
    representant_fonction = models.CharField("fonction du représentant légal", max_length=120)
    email = models.EmailField("adresse électronique du demandeur")
    demandeur_nom = models.CharField("nom du demandeur", max_length=120)
    demandeur_prenom = models.CharField("prénom du demandeur", max_length=120)
    demandeur_est_representant = models.BooleanField("le demandeur est le représentant légal", default=True)
    telephone = models.CharField("téléphone", max_length=20, blank=True)
    message = models.TextField("message au Département", blank=True)
    recue_le = models.DateTimeField("reçue le", default=timezone.now)
    traitee_le = models.DateTimeField("traitée le", null=True, blank=True)
    traitee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    motif_refus = models.TextField("motif du refus", blank=True)
    structure_deja_inscrite = models.BooleanField(
        "structure déjà inscrite à la réception",
        default=False,
        help_text="Le SIRET correspondait déjà à une structure : il s'agit de rattacher le demandeur.",
    )
    structure = models.ForeignKey(
        Structure, null=True, blank=True, on_delete=models.SET_NULL, related_name="demandes_compte"
    )
    compte = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="demandes_compte"
    )

    objects = DemandeCompteQuerySet.as_manager()

    class Meta:
        ordering = ["-recue_le"]
        verbose_name = "demande de compte"
        verbose_name_plural = "demandes de compte"
        constraints = [
            models.UniqueConstraint(
                fields=["siret"],
                condition=models.Q(statut="en_attente"),
                name="une_demande_compte_en_attente_par_siret",
            )
        ]

    def __str__(self) -> str:
        return f"{self.raison_sociale} ({self.siret})"

    @property
    def demandeur(self) -> str:
        return f"{self.demandeur_prenom} {self.demandeur_nom}"

    @property
    def representant(self) -> str:
        return f"{self.representant_civilite} {self.representant_prenom} {self.representant_nom}"
