"""SIRET valides pour les tests : la même suite fictive que la démonstration."""

from aap.core.demo.identifiants import siret_fictif as siret_valide


__all__ = ["siret_valide"]
