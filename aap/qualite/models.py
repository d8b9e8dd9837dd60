"""Charte qualité : résultat calculé par structure, dispositif et période, notes des agents sur les critères
d'appréciation, réponses de la structure (phase contradictoire). La grille est `charte:` dans la fiche du
dispositif (catalogue), le calcul des critères automatiques est ensembliste (`qualite/calcul.py`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from aap.catalogue.models import Dispositif
from aap.core.models import Role, User
from aap.structures.models import Membre, Structure


class StatutCharte(models.TextChoices):
    CALCULEE = "calculee", "Calculée (en cours d'évaluation)"
    CONTRADICTOIRE = "contradictoire", "Communiquée à la structure (phase contradictoire)"
    DEFINITIVE = "definitive", "Définitive"


class ResultatCharteQuerySet(models.QuerySet["ResultatCharte"]):
    def for_user(self, user: User) -> ResultatCharteQuerySet:
        """Structure (porteur ou référent) : ses résultats une fois communiqués ; SLAI : les structures de son
        territoire ; agents DPID : tout."""
        if not user.is_authenticated:
            return self.none()
        if user.role in (Role.PORTEUR, Role.REFERENT):
            mes_structures = Membre.objects.filter(user=user, actif=True).values("structure_id")
            return self.filter(structure_id__in=mes_structures).exclude(statut=StatutCharte.CALCULEE)
        if user.role == Role.SLAI:
            return self.filter(structure__territoire_id=user.territoire_id)
        if user.est_dpid:
            return self
        return self.none()


class ResultatCharte(models.Model):
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="chartes")
    dispositif = models.ForeignKey(Dispositif, on_delete=models.PROTECT, related_name="chartes")
    operation = models.ForeignKey(
        "conventions.Operation", null=True, blank=True, on_delete=models.SET_NULL, related_name="chartes"
    )
    periode_debut = models.DateField("début de période")
    periode_fin = models.DateField("fin de période (incluse)")
    statut = models.CharField("statut", max_length=16, choices=StatutCharte.choices, default=StatutCharte.CALCULEE)
    #: Score en pour cent (0 à 100), recalculé à chaque calcul ou note tant qu'il n'est pas définitif.
    score = models.DecimalField("score (%)", max_digits=5, decimal_places=2, default=0)
    #: Détail par critère : [{code, libelle, nature, poids, numerateur, denominateur, valeur, cible, plancher,
    #: points, sans_objet}] ; la grille appliquée est recopiée pour que le résultat reste lisible.
    detail = models.JSONField("détail par critère", default=list, blank=True)
    calcule_le = models.DateTimeField("calculé le", default=timezone.now)
    communique_le = models.DateTimeField("communiqué le", null=True, blank=True)
    reponse_avant = models.DateField("réponse de la structure attendue avant", null=True, blank=True)
    definitive_le = models.DateTimeField("définitif le", null=True, blank=True)
    definitive_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ResultatCharteQuerySet.as_manager()

    class Meta:
        ordering = ["-periode_fin", "structure", "dispositif"]
        verbose_name = "résultat de la charte qualité"
        verbose_name_plural = "résultats de la charte qualité"
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "dispositif", "periode_debut", "periode_fin"], name="charte_periode_unique"
            ),
            models.CheckConstraint(name="charte_score_0_100", condition=Q(score__gte=0) & Q(score__lte=100)),
        ]

    def __str__(self) -> str:
        return (
            f"Charte qualité {self.dispositif.code} – {self.structure} "
            f"({self.periode_debut:%d/%m/%Y} – {self.periode_fin:%d/%m/%Y})"
        )


class NoteCritere(models.Model):
    """Note d'un agent sur un critère d'appréciation ou un bonus (points de 0 au poids du critère)."""

    resultat = models.ForeignKey(ResultatCharte, on_delete=models.CASCADE, related_name="notes")
    critere = models.CharField("critère (code de la grille)", max_length=60)
    points = models.DecimalField("points", max_digits=5, decimal_places=2)
    commentaire = models.TextField("commentaire")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note_le = models.DateTimeField("noté le", default=timezone.now)

    class Meta:
        ordering = ["resultat", "critere"]
        verbose_name = "note d'un critère"
        constraints = [models.UniqueConstraint(fields=["resultat", "critere"], name="note_critere_unique")]

    def __str__(self) -> str:
        return f"{self.critere} : {self.points} points"


class ReponseStructure(models.Model):
    """Observation de la structure pendant la phase contradictoire (sur un critère, ou générale si vide)."""

    resultat = models.ForeignKey(ResultatCharte, on_delete=models.CASCADE, related_name="reponses")
    critere = models.CharField("critère concerné", max_length=60, blank=True)
    texte = models.TextField("observation")
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    deposee_le = models.DateTimeField("déposée le", default=timezone.now)
    #: Suite donnée par l'agent (réponse écrite), visible de la structure.
    suite = models.TextField("suite donnée", blank=True)

    class Meta:
        ordering = ["resultat", "deposee_le", "pk"]
        verbose_name = "réponse de la structure"
        verbose_name_plural = "réponses de la structure"

    def __str__(self) -> str:
        return f"Réponse du {self.deposee_le:%d/%m/%Y}"
