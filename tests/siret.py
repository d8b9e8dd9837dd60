"""SIRET valides pour les tests (clé de Luhn), générés et non copiés d'entreprises réelles."""


def _luhn_ok(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def siret_valide(n: int) -> str:
    """Le n-ième SIRET valide d'une suite déterministe (préfixe 9 pour ne ressembler à aucun réel)."""
    base = f"9{n:012d}"
    for last in range(10):
        candidate = f"{base}{last}"
        if _luhn_ok(candidate):
            return candidate
    raise AssertionError("inaccessible : une clé de Luhn existe toujours")
