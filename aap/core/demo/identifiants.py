"""Identifiants fictifs mais valides (clé de Luhn, clé IBAN), pour la démonstration et les tests."""

from aap.structures.validators import cle_iban, luhn_valide


def siret_fictif(n: int, prefixe: str = "9") -> str:
    """Le n-ième SIRET d'une suite déterministe ; le préfixe 9 ne correspond à aucun SIREN attribué."""
    base = f"{prefixe}{n:0{13 - len(prefixe)}d}"
    return next(f"{base}{k}" for k in range(10) if luhn_valide(f"{base}{k}"))


def iban_fictif(n: int) -> str:
    """IBAN français valide sur un code banque fictif 99999."""
    bban = f"99999{n % 100000:05d}{n:011d}00"
    return f"FR{cle_iban('FR', bban)}{bban}"
