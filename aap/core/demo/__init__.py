"""Données de démonstration générées (Faker fr_FR) : aucune donnée personnelle réelle."""
