"""Montants en toutes lettres, orthographe traditionnelle (antérieure aux rectifications de 1990), comme dans
les conventions du Département : « vingt et un », « quatre-vingts », « quatre-vingt-un », « deux cents »,
« deux cent un », « mille », « deux mille », « un million », « deux millions d'euros ».

    montant_en_lettres(Decimal("12500.51"))
    → "douze mille cinq cents euros et cinquante et un centimes"
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


UNITES = [
    "zéro",
    "un",
    "deux",
    "trois",
    "quatre",
    "cinq",
    "six",
    "sept",
    "huit",
    "neuf",
    "dix",
    "onze",
    "douze",
    "treize",
    "quatorze",
    "quinze",
    "seize",
    "dix-sept",
    "dix-huit",
    "dix-neuf",
]
DIZAINES = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}
#: Plus grand montant écrit (exclu) : mille milliards d'euros.
MAXIMUM = 10**12


def _moins_de_cent(n: int) -> str:
    if n < 20:
        return UNITES[n]
    dizaine, unite = divmod(n, 10)
    if dizaine in (7, 9):  # soixante-dix…, quatre-vingt-dix… : la dizaine inférieure et 10 à 19
        base = "soixante" if dizaine == 7 else "quatre-vingt"
        reste = 10 + unite
        if dizaine == 7 and unite == 1:
            return "soixante et onze"
        return f"{base}-{UNITES[reste]}"
    if dizaine == 8:
        return "quatre-vingts" if unite == 0 else f"quatre-vingt-{UNITES[unite]}"
    mot = DIZAINES[dizaine]
    if unite == 0:
        return mot
    if unite == 1:
        return f"{mot} et un"
    return f"{mot}-{UNITES[unite]}"


def _moins_de_mille(n: int) -> str:
    """De 1 à 999 ; « cents » et « quatre-vingts » prennent la marque du pluriel en fin de nombre."""
    centaines, reste = divmod(n, 100)
    if centaines == 0:
        return _moins_de_cent(reste)
    tete = "cent" if centaines == 1 else f"{UNITES[centaines]} cent"
    if reste == 0:
        return tete if centaines == 1 else f"{tete}s"
    return f"{tete} {_moins_de_cent(reste)}"


def _invariable(texte: str) -> str:
    """Devant « mille » (adjectif numéral), « cents » et « quatre-vingts » perdent leur s."""
    if texte.endswith("cents") or texte.endswith("quatre-vingts"):
        return texte[:-1]
    return texte


def nombre_en_lettres(n: int) -> str:
    """Un entier de 0 à 999 999 999 999 en lettres."""
    if n < 0 or n >= MAXIMUM:
        raise ValueError(f"nombre hors bornes : {n}")
    if n == 0:
        return "zéro"
    milliards, reste = divmod(n, 10**9)
    millions, reste = divmod(reste, 10**6)
    milliers, unites = divmod(reste, 1000)
    mots: list[str] = []
    # « million » et « milliard » sont des noms : le nombre qui les précède garde son pluriel.
    for quantite, nom in ((milliards, "milliard"), (millions, "million")):
        if quantite:
            mots.append(f"{_moins_de_mille(quantite)} {nom}{'s' if quantite > 1 else ''}")
    if milliers:
        mots.append("mille" if milliers == 1 else f"{_invariable(_moins_de_mille(milliers))} mille")
    if unites:
        mots.append(_moins_de_mille(unites))
    return " ".join(mots)


def montant_en_lettres(montant: Decimal) -> str:
    """« douze mille cinq cents euros et cinquante et un centimes » ; « un million d'euros » ; « un euro »."""
    montant = Decimal(montant).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if montant < 0:
        raise ValueError("un montant en lettres est positif")
    total_centimes = int(montant * 100)
    euros, centimes = divmod(total_centimes, 100)
    texte = nombre_en_lettres(euros)
    if euros % 10**6 == 0 and euros >= 10**6:
        texte += " d'euros"
    elif euros in (0, 1):
        texte += " euro"
    else:
        texte += " euros"
    if centimes:
        texte += f" et {nombre_en_lettres(centimes)} centime{'s' if centimes > 1 else ''}"
    return texte
