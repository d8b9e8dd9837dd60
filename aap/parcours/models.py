"""Personnes accompagnées et leurs parcours : une table par nature d'événement (ADR 0003).

Le point d'ancrage d'un parcours est l'`Orientation` : le Département (SLAI) oriente une personne vers une
structure, pour un dispositif et un des parcours de sa fiche (`Dispositif.regles["parcours"]`), à une date.
Tous les événements (rendez-vous, diagnostics, contrats d'engagement, heures, demandes, sortie) s'y rattachent,
et la structure, le dispositif et le territoire y sont recopiés pour que la charte et l'observatoire soient
des requêtes groupées indexées.

Portée (`for_user`) : référent → les structures dont il est membre actif ; SLAI → son territoire ; agents DPID
→ tout ; tout autre compte → rien.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from aap.catalogue.models import Dispositif
from aap.core.models import Role, Territoire, User
from aap.parcours import choices as c
from aap.structures.models import Membre, Structure


def structures_du_referent(user: User) -> models.QuerySet:
    return Membre.objects.filter(user=user, actif=True).values("structure_id")


def filtre_portee(user: User, *, structure: str, territoire: str) -> Q | None:
    """Condition de portée d'un compte sur une table rattachée à une structure et à un territoire ;
    None : aucune restriction (agents DPID) ; Q(pk__in=[]) : rien."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.role == Role.REFERENT:
        return Q(**{f"{structure}__in": structures_du_referent(user)})
    if user.role == Role.SLAI:
        return Q(**{territoire: user.territoire_id})
    if user.est_dpid:
        return None
    return Q(pk__in=[])


class ScopedQuerySet(models.QuerySet):
    #: Chemins (ORM) vers l'identifiant de la structure et du territoire ; redéfinis par chaque table.
    chemin_structure = "orientation__structure_id"
    chemin_territoire = "orientation__territoire_id"

    def for_user(self, user: User):
        condition = filtre_portee(user, structure=self.chemin_structure, territoire=self.chemin_territoire)
        return self if condition is None else self.filter(condition)


class PersonneQuerySet(ScopedQuerySet):
    def for_user(self, user: User) -> PersonneQuerySet:
        """Référent : les personnes orientées vers sa structure ; SLAI : celles de son territoire."""
        if user.is_authenticated and user.role == Role.REFERENT:
            orientees = Orientation.objects.filter(structure_id__in=structures_du_referent(user))
            return self.filter(pk__in=orientees.values("personne_id"))
        if user.is_authenticated and user.role == Role.SLAI:
            return self.filter(territoire_id=user.territoire_id)
        if user.is_authenticated and user.est_dpid:
            return self
        return self.none()

    def non_anonymisees(self) -> PersonneQuerySet:
        return self.filter(anonymisee_le__isnull=True)


class Personne(models.Model):
    """Identité minimale : pas d'adresse, pas de texte libre. Anonymisée après le délai de conservation."""

    nom = models.CharField("nom", max_length=120)
    prenom = models.CharField("prénom", max_length=120)
    date_naissance = models.DateField("date de naissance", null=True, blank=True)
    organisme = models.CharField("organisme payeur", max_length=3, choices=c.Organisme.choices, blank=True)
    numero_allocataire = models.CharField("n° allocataire CAF/MSA", max_length=20, blank=True)
    categorie = models.CharField("catégorie de public", max_length=30, choices=c.CategoriePublic.choices)
    territoire = models.ForeignKey(Territoire, on_delete=models.PROTECT, related_name="+", verbose_name="territoire")
    creee_le = models.DateTimeField("créée le", default=timezone.now)
    anonymisee_le = models.DateTimeField("anonymisée le", null=True, blank=True)

    objects = PersonneQuerySet.as_manager()

    class Meta:
        ordering = ["nom", "prenom", "pk"]
        verbose_name = "personne accompagnée"
        verbose_name_plural = "personnes accompagnées"
        constraints = [
            models.UniqueConstraint(
                fields=["organisme", "numero_allocataire"],
                condition=~Q(numero_allocataire=""),
                name="personne_allocataire_unique",
            )
        ]
        indexes = [models.Index(fields=["territoire", "categorie"])]

    def __str__(self) -> str:
        return f"{self.nom.upper()} {self.prenom}" if not self.anonymisee_le else f"Personne anonymisée n° {self.pk}"


class Justificatif(models.Model):
    """Pièce vérifiée par la structure (nature et date seulement ; la pièce reste chez la structure)."""

    personne = models.ForeignKey(Personne, on_delete=models.CASCADE, related_name="justificatifs")
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="+")
    nature = models.CharField("nature", max_length=30, choices=c.NatureJustificatif.choices)
    verifie_le = models.DateField("vérifié le")
    verifie_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["personne", "nature", "-verifie_le"]
        verbose_name = "justificatif vérifié"

    def __str__(self) -> str:
        return f"{self.get_nature_display()} vérifié le {self.verifie_le:%d/%m/%Y}"


class OrientationQuerySet(ScopedQuerySet):
    chemin_structure = "structure_id"
    chemin_territoire = "territoire_id"

    def en_cours(self, le=None) -> OrientationQuerySet:
        """Orientations commencées à la date `le` (aujourd'hui par défaut) et sans sortie à cette date."""
        le = le or timezone.localdate()
        return self.filter(date_orientation__lte=le).exclude(sortie__date_sortie__lte=le)


class Orientation(models.Model):
    """Décision du Département : telle personne est orientée vers telle structure, pour tel dispositif et tel
    parcours de sa fiche, à telle date. C'est l'ancre de tous les événements du parcours."""

    personne = models.ForeignKey(Personne, on_delete=models.CASCADE, related_name="orientations")
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="orientations")
    dispositif = models.ForeignKey(Dispositif, on_delete=models.PROTECT, related_name="orientations")
    operation = models.ForeignKey(
        "conventions.Operation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orientations",
        verbose_name="opération conventionnée",
    )
    #: Code d'un parcours de la fiche du dispositif (`regles["parcours"][*]["code"]`).
    parcours = models.CharField("parcours", max_length=60)
    territoire = models.ForeignKey(Territoire, on_delete=models.PROTECT, related_name="+", verbose_name="territoire")
    date_orientation = models.DateField("date d'orientation")
    decidee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: Orientation à l'origine de celle-ci (réorientation ou décision après une phase DSP).
    precedente = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="suites")
    source = models.CharField("source", max_length=20, choices=c.SourceDonnee.choices, default=c.SourceDonnee.SAISIE)
    reference_externe = models.CharField("référence dans le SI d'origine", max_length=60, blank=True)
    creee_le = models.DateTimeField("créée le", default=timezone.now)

    objects = OrientationQuerySet.as_manager()

    class Meta:
        ordering = ["-date_orientation", "-pk"]
        verbose_name = "orientation"
        constraints = [
            models.UniqueConstraint(
                fields=["source", "reference_externe"],
                condition=~Q(reference_externe=""),
                name="orientation_reference_unique",
            )
        ]
        indexes = [
            models.Index(fields=["structure", "dispositif", "date_orientation"]),
            models.Index(fields=["territoire", "dispositif", "date_orientation"]),
        ]

    def __str__(self) -> str:
        return f"Orientation du {self.date_orientation:%d/%m/%Y} vers {self.structure}"


class EvenementQuerySet(ScopedQuerySet):
    pass


class PhaseDsp(models.Model):
    """Phase d'accueil (DSP) du dispositif 1.1 / 5.1 : après la pré-orientation (l'`orientation`, parcours
    « accueil_dsp »), la structure réalise les données socioprofessionnelles et transmet une préconisation ; le
    Département décide l'orientation (une nouvelle `Orientation`, `decision`)."""

    orientation = models.OneToOneField(Orientation, on_delete=models.CASCADE, related_name="phase_dsp")
    date_dsp = models.DateField("DSP réalisée le", null=True, blank=True)
    sphere_preconisee = models.CharField("orientation préconisée", max_length=40, choices=c.Sphere.choices, blank=True)
    preconisee_le = models.DateField("préconisation transmise le", null=True, blank=True)
    statut = models.CharField(
        "statut", max_length=12, choices=c.StatutPreconisation.choices, default=c.StatutPreconisation.EN_ATTENTE
    )
    decision = models.OneToOneField(
        Orientation, null=True, blank=True, on_delete=models.SET_NULL, related_name="issue_de_dsp"
    )
    decidee_le = models.DateField("décidée le", null=True, blank=True)

    objects = EvenementQuerySet.as_manager()

    class Meta:
        verbose_name = "phase d'accueil (DSP)"
        verbose_name_plural = "phases d'accueil (DSP)"

    def __str__(self) -> str:
        return f"Phase d'accueil (DSP) de {self.orientation.personne}"


class ContratEngagement(models.Model):
    """Contrat d'engagement (CE) : signé, daté, d'une durée fixée par la fiche ; `rang` 2 et plus = renouvellement,
    permis seulement après la revue SLAI du contrat précédent quand la fiche l'exige."""

    orientation = models.ForeignKey(Orientation, on_delete=models.CASCADE, related_name="contrats")
    rang = models.PositiveSmallIntegerField("n° du contrat dans le parcours", default=1)
    date_signature = models.DateField("signé le")
    date_debut = models.DateField("début")
    date_fin = models.DateField("fin prévue")
    statut = models.CharField("statut", max_length=10, choices=c.StatutContrat.choices, default=c.StatutContrat.SIGNE)
    date_cloture = models.DateField("clos le", null=True, blank=True)
    #: Heures d'activité hebdomadaires prévues au SIA du contrat.
    heures_hebdo_prevues = models.DecimalField(
        "heures d'activité par semaine (SIA)", max_digits=4, decimal_places=1, null=True, blank=True
    )
    observations = models.TextField(
        "lien entre le diagnostic et les actions", blank=True, help_text="Remarque courte, sans donnée de santé."
    )
    revue_slai_le = models.DateField("revue SLAI le", null=True, blank=True)
    reference_externe = models.CharField("référence dans l'outil d'origine", max_length=60, blank=True)

    objects = EvenementQuerySet.as_manager()

    class Meta:
        ordering = ["orientation", "rang"]
        verbose_name = "contrat d'engagement"
        verbose_name_plural = "contrats d'engagement"
        constraints = [
            models.UniqueConstraint(fields=["orientation", "rang"], name="contrat_rang_unique"),
            models.CheckConstraint(name="contrat_dates_ordonnees", condition=Q(date_fin__gte=models.F("date_debut"))),
        ]
        indexes = [models.Index(fields=["orientation", "date_signature"])]

    def __str__(self) -> str:
        return f"CE n° {self.rang} du {self.date_debut:%d/%m/%Y} au {self.date_fin:%d/%m/%Y}"


class ActionContrat(models.Model):
    contrat = models.ForeignKey(ContratEngagement, on_delete=models.CASCADE, related_name="actions")
    libelle = models.CharField("action", max_length=255)
    detail = models.TextField("détail", blank=True)
    categorie = models.CharField("catégorie", max_length=20, choices=c.CategorieAction.choices)
    date_debut = models.DateField("début")
    date_fin = models.DateField("fin")
    #: Orientation vers un dispositif départemental (positionnement Néoinsertion).
    dispositif_departemental = models.BooleanField("dispositif départemental (Néoinsertion)", default=False)

    class Meta:
        ordering = ["contrat", "date_debut", "pk"]
        verbose_name = "action du contrat"
        constraints = [
            models.CheckConstraint(name="action_dates_ordonnees", condition=Q(date_fin__gte=models.F("date_debut")))
        ]

    def __str__(self) -> str:
        return self.libelle


class Diagnostic(models.Model):
    orientation = models.ForeignKey(Orientation, on_delete=models.CASCADE, related_name="diagnostics")
    contrat = models.ForeignKey(
        ContratEngagement, null=True, blank=True, on_delete=models.SET_NULL, related_name="diagnostics"
    )
    moment = models.CharField("moment", max_length=20, choices=c.MomentDiagnostic.choices)
    date = models.DateField("date")
    reference_externe = models.CharField("référence dans l'outil d'origine", max_length=60, blank=True)

    objects = EvenementQuerySet.as_manager()

    class Meta:
        ordering = ["orientation", "date", "pk"]
        verbose_name = "diagnostic"
        indexes = [models.Index(fields=["contrat", "moment"])]

    def __str__(self) -> str:
        return f"{self.get_moment_display()} du {self.date:%d/%m/%Y}"


class FreinDiagnostic(models.Model):
    diagnostic = models.ForeignKey(Diagnostic, on_delete=models.CASCADE, related_name="freins")
    frein = models.CharField("frein", max_length=30, choices=c.Frein.choices)

    class Meta:
        ordering = ["diagnostic", "frein"]
        verbose_name = "frein relevé"
        constraints = [models.UniqueConstraint(fields=["diagnostic", "frein"], name="frein_unique")]

    def __str__(self) -> str:
        return self.get_frein_display()


class RendezVous(models.Model):
    orientation = models.ForeignKey(Orientation, on_delete=models.CASCADE, related_name="rendez_vous")
    #: Instant du rendez-vous ; le jour compté par les règles est celui de Paris.
    debut = models.DateTimeField("date et heure")
    mode = models.CharField("mode", max_length=10, choices=c.ModeRendezVous.choices)
    presence = models.CharField("présence", max_length=20, choices=c.Presence.choices, default=c.Presence.PREVU)
    reference_externe = models.CharField("référence dans l'outil d'origine", max_length=60, blank=True)

    objects = EvenementQuerySet.as_manager()

    class Meta:
        ordering = ["orientation", "debut", "pk"]
        verbose_name = "rendez-vous"
        verbose_name_plural = "rendez-vous"
        indexes = [models.Index(fields=["orientation", "debut"])]

    def __str__(self) -> str:
        return f"Rendez-vous du {timezone.localtime(self.debut):%d/%m/%Y %H:%M}"


class HeuresQuerySet(ScopedQuerySet):
    chemin_structure = "contrat__orientation__structure_id"
    chemin_territoire = "contrat__orientation__territoire_id"


class HeuresActivite(models.Model):
    """Heures d'activité d'une semaine (SIA), rattachées au contrat en cours ; `semaine` est le lundi."""

    contrat = models.ForeignKey(ContratEngagement, on_delete=models.CASCADE, related_name="heures")
    semaine = models.DateField("semaine du (lundi)")
    heures = models.DecimalField(
        "heures", max_digits=4, decimal_places=1, validators=[MinValueValidator(0), MaxValueValidator(80)]
    )
    saisie_le = models.DateField("mise à jour le")

    objects = HeuresQuerySet.as_manager()

    class Meta:
        ordering = ["contrat", "semaine"]
        verbose_name = "heures d'activité"
        verbose_name_plural = "heures d'activité"
        constraints = [models.UniqueConstraint(fields=["contrat", "semaine"], name="heures_semaine_unique")]

    def __str__(self) -> str:
        return f"{self.heures} h la semaine du {self.semaine:%d/%m/%Y}"


class DemandeAuDepartement(models.Model):
    """Ce qu'ont en commun les demandes du référent que le Département (SLAI) décide : date, statut, décision."""

    date_demande = models.DateField("demandée le")
    statut = models.CharField(
        "statut", max_length=12, choices=c.StatutDemande.choices, default=c.StatutDemande.TRANSMISE
    )
    decidee_le = models.DateField("décidée le", null=True, blank=True)
    decidee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reference_externe = models.CharField("référence dans l'outil d'origine", max_length=60, blank=True)

    objects = EvenementQuerySet.as_manager()

    class Meta:
        ordering = ["orientation", "date_demande", "pk"]
        abstract = True


class DemandeSuspension(DemandeAuDepartement):
    orientation = models.ForeignKey(Orientation, on_delete=models.CASCADE, related_name="suspensions")
    rendez_vous = models.OneToOneField(
        RendezVous, null=True, blank=True, on_delete=models.SET_NULL, related_name="demande_suspension"
    )
    motif = models.CharField("motif", max_length=255)

    class Meta(DemandeAuDepartement.Meta):
        verbose_name = "demande de suspension"
        verbose_name_plural = "demandes de suspension"

    def __str__(self) -> str:
        return f"Demande de suspension du {self.date_demande:%d/%m/%Y}"


class DemandeReorientation(DemandeAuDepartement):
    orientation = models.ForeignKey(Orientation, on_delete=models.CASCADE, related_name="reorientations")
    sphere_demandee = models.CharField("orientation demandée", max_length=40, choices=c.Sphere.choices)
    argumentaire = models.TextField("argumentaire")

    class Meta(DemandeAuDepartement.Meta):
        verbose_name = "demande de réorientation"
        verbose_name_plural = "demandes de réorientation"

    def __str__(self) -> str:
        return f"Demande de réorientation du {self.date_demande:%d/%m/%Y}"


class Sortie(models.Model):
    orientation = models.OneToOneField(Orientation, on_delete=models.CASCADE, related_name="sortie")
    date_sortie = models.DateField("date de sortie")
    type = models.CharField("type de sortie", max_length=30, choices=c.TypeSortie.choices)
    #: Recopiée du type (`choices.FAMILLE_DE_SORTIE`) pour grouper sans table de correspondance.
    famille = models.CharField("famille", max_length=30, choices=c.FamilleSortie.choices)
    saisie_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = EvenementQuerySet.as_manager()

    class Meta:
        ordering = ["-date_sortie", "pk"]
        verbose_name = "sortie"
        indexes = [models.Index(fields=["date_sortie", "famille"])]

    def __str__(self) -> str:
        return f"Sortie du {self.date_sortie:%d/%m/%Y} : {self.get_type_display()}"

    def save(self, *args, **kwargs) -> None:
        self.famille = c.FAMILLE_DE_SORTIE[self.type]
        super().save(*args, **kwargs)
