"""Énumérations des demandes, sans dépendance à l'ORM : partagées par les modèles et `financement.py`."""

from __future__ import annotations

from django.db import models


class StatutDemande(models.TextChoices):
    BROUILLON = "brouillon", "Brouillon"
    DEPOSEE = "deposee", "Déposée, à valider"
    VALIDEE = "validee", "Validée, reçue par le Département"
    COMPLEMENTS = "complements", "Compléments demandés"
    RETIREE = "retiree", "Retirée par la structure"
    ACCORDEE = "accordee", "Accordée par la Commission permanente"
    REJETEE = "rejetee", "Rejetée par la Commission permanente"
    AJOURNEE = "ajournee", "Ajournée par la Commission permanente"


#: Demandes reçues dont l'instruction est en cours (avis, notation, budget retenu, proposition possibles).
STATUTS_EN_INSTRUCTION = frozenset({StatutDemande.VALIDEE, StatutDemande.AJOURNEE})
#: Demandes sorties du circuit : plus aucune action d'instruction ni de Commission permanente.
STATUTS_CLOS = frozenset({StatutDemande.RETIREE, StatutDemande.ACCORDEE, StatutDemande.REJETEE})


class PrioriteTransversale(models.TextChoices):
    ENGAGEMENT_CITOYEN = "engagement_citoyen", "Engagement citoyen"
    EGALITE_FEMMES_HOMMES = "egalite_femmes_hommes", "Égalité femmes-hommes"
    EGALITE_CHANCES = "egalite_chances", "Égalité des chances et lutte contre les discriminations"
    DEVELOPPEMENT_DURABLE = "developpement_durable", "Développement durable"


class CategorieDepense(models.TextChoices):
    PERSONNEL = "personnel", "Frais de personnel directs"
    ENCADREMENT = "encadrement", "Personnel d'encadrement"
    FONCTIONNEMENT = "fonctionnement", "Fonctionnement"
    PRESTATIONS = "prestations", "Prestations externes"
    INDIRECTS = "indirects", "Coûts indirects"
    FORFAIT = "forfait", "Forfait autres coûts directs et indirects"
    SEGUR = "segur", "Valorisation Ségur"


#: Catégories dont le montant est calculé à partir d'un poste (quotité, affectation, coût, mois).
CATEGORIES_PERSONNEL = frozenset({CategorieDepense.PERSONNEL, CategorieDepense.ENCADREMENT})


class Financeur(models.TextChoices):
    DEPARTEMENT = "departement", "Département du Pas-de-Calais"
    FSE_PLUS = "fse_plus", "FSE+"
    FTJ = "ftj", "FTJ"
    ETAT = "etat", "État"
    AUTRE_PUBLIC = "autre_public", "Autres financements publics"
    FONDS_PROPRES = "fonds_propres", "Fonds propres"
    AUTRE_PRIVE = "autre_prive", "Autres financements privés"
