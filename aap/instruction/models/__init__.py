"""Modèles de l'instruction, un module par sujet : affectation et avis, complétude et compléments, notation,
budget retenu, enveloppes et propositions."""

from aap.instruction.models.avis import Affectation, Avis, AvisSlai
from aap.instruction.models.budget import DepenseRetenue, RessourceRetenue
from aap.instruction.models.completude import ControleCompletude, DemandeComplements
from aap.instruction.models.notation import Notation
from aap.instruction.models.proposition import Enveloppe, ModeleConvention, OrigineProposition, Proposition


__all__ = [
    "Affectation",
    "Avis",
    "AvisSlai",
    "ControleCompletude",
    "DemandeComplements",
    "DepenseRetenue",
    "Enveloppe",
    "ModeleConvention",
    "Notation",
    "OrigineProposition",
    "Proposition",
    "RessourceRetenue",
]
