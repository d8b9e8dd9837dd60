"""Grille de notation : une note et un commentaire par critère et par évaluateur.

Les critères (généraux de l'appel et propres à la fiche) et le barème sont des données du catalogue ;
`critere` en porte le code stable.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from aap.demandes.models import Demande


class Notation(models.Model):
    demande = models.ForeignKey(Demande, on_delete=models.CASCADE, related_name="notations")
    evaluateur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notations")
    critere = models.CharField("critère", max_length=60)
    note = models.PositiveSmallIntegerField("note")
    commentaire = models.TextField("commentaire", blank=True)
    notee_le = models.DateTimeField("notée le", default=timezone.now)

    class Meta:
        ordering = ["demande", "evaluateur", "critere"]
        verbose_name = "note"
        constraints = [
            models.UniqueConstraint(fields=["demande", "evaluateur", "critere"], name="une_note_par_critere")
        ]

    def __str__(self) -> str:
        return f"{self.demande.reference} {self.critere} : {self.note} ({self.evaluateur})"
