"""Identifiants fictifs mais valides (clé de Luhn, mod 97), pour la démonstration et les tests."""


def luhn_ok(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def siret_fictif(n: int) -> str:
    """Le n-ième SIRET d'une suite déterministe, préfixé 9 (aucun SIREN attribué ne commence ainsi)."""
    base = f"9{n:012d}"
    return next(f"{base}{k}" for k in range(10) if luhn_ok(f"{base}{k}"))


def iban_fictif(n: int) -> str:
    """IBAN français valide (clé mod 97) sur un code banque fictif 99999."""
    bban = f"99999{n % 100000:05d}{n:011d}00"
    numeric = "".join(str(int(c, 36)) for c in bban + "FR00")
    cle = 98 - int(numeric) % 97
    return f"FR{cle:02d}{bban}"
