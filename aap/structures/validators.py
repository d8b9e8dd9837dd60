"""Contrôles des identifiants d'une structure : SIRET, IBAN, BIC, code postal du Pas-de-Calais, RNA.

Deux niveaux : des fonctions pures (`siret_valide`, `iban_valide`, …) testables sans Django, et des
validateurs Django (`valider_siret`, …) qui lèvent une `ValidationError` au message explicite, en français.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError


# --- SIRET -------------------------------------------------------------------------------------------------

#: SIREN de La Poste : ses établissements ne suivent pas la clé de Luhn (règle de l'INSEE).
SIREN_LA_POSTE = "356000000"
#: Le siège de La Poste, lui, suit la clé de Luhn (il ne respecte pas la règle des multiples de 5).
SIRET_SIEGE_LA_POSTE = "35600000000048"


def compacter(value: str) -> str:
    """Retire espaces, espaces insécables, points et tirets de saisie : « 123 456 789 00012 » → « 12345678900012 »."""
    return re.sub(r"[\s\u00a0\u202f.\-]", "", value or "")


def luhn_valide(digits: str) -> bool:
    """Clé de Luhn : en partant de la droite, un chiffre sur deux est doublé (moins 9 s'il dépasse 9)."""
    if not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def siret_valide(value: str) -> bool:
    """14 chiffres et clé de Luhn ; pour La Poste (SIREN 356000000, hors siège), somme des chiffres multiple de 5."""
    siret = compacter(value)
    if len(siret) != 14 or not siret.isascii() or not siret.isdigit():
        return False
    if siret.startswith(SIREN_LA_POSTE) and siret != SIRET_SIEGE_LA_POSTE:
        return sum(int(c) for c in siret) % 5 == 0
    return luhn_valide(siret)


def valider_siret(value: str) -> None:
    siret = compacter(value)
    if not siret.isascii() or not siret.isdigit():
        raise ValidationError("Le SIRET ne contient que des chiffres (14 chiffres).", code="siret_format")
    if len(siret) != 14:
        raise ValidationError(
            "Le SIRET compte 14 chiffres (SIREN à 9 chiffres + NIC à 5 chiffres) : vous en avez saisi %(n)s.",
            code="siret_longueur",
            params={"n": len(siret)},
        )
    if not siret_valide(siret):
        raise ValidationError(
            "Ce SIRET n'est pas valide (clé de contrôle incorrecte) : vérifiez-le sur votre avis de situation "
            "INSEE ou sur annuaire-entreprises.data.gouv.fr.",
            code="siret_cle",
        )


# --- IBAN et BIC -------------------------------------------------------------------------------------------

#: Longueur de l'IBAN par pays (registre ISO 13616 / SWIFT). Les collectivités d'outre-mer françaises ont
#: leur propre code pays mais le format français (27 caractères).
LONGUEUR_IBAN: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
    "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29,
    "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
    "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
    "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
    "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29,
    "RO": 24, "RS": 22, "SA": 24, "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
    "GF": 27, "GP": 27, "MQ": 27, "RE": 27, "YT": 27, "PM": 27, "BL": 27, "MF": 27, "NC": 27, "PF": 27,
    "WF": 27, "TF": 27,
}  # fmt: skip

_IBAN_RE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$")
_BIC_RE = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")


def normaliser_iban(value: str) -> str:
    """« fr76 3000 6000 … » → « FR763000600 … » (espaces retirés, majuscules)."""
    return re.sub(r"[\s\u00a0\u202f\-]", "", value or "").upper()


def _iban_en_nombre(iban: str) -> int:
    """Les 4 premiers caractères passent à la fin, chaque lettre devient un nombre (A=10 … Z=35)."""
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in rearranged))


def iban_mod97(iban: str) -> int:
    return _iban_en_nombre(normaliser_iban(iban)) % 97


def cle_iban(pays: str, bban: str) -> str:
    """Calcule les 2 chiffres de contrôle d'un IBAN à partir du pays et du BBAN (pour les tests et la démo)."""
    reste = _iban_en_nombre(f"{pays.upper()}00{bban.upper()}") % 97
    return f"{98 - reste:02d}"


def iban_valide(value: str) -> bool:
    """Format, longueur du pays, clé entre 02 et 98 (ISO 13616 : 00, 01 et 99 ne sont jamais émises)
    et contrôle modulo 97 (le reste doit valoir 1)."""
    iban = normaliser_iban(value)
    if not _IBAN_RE.match(iban):
        return False
    if LONGUEUR_IBAN.get(iban[:2]) != len(iban):
        return False
    if not 2 <= int(iban[2:4]) <= 98:
        return False
    return iban_mod97(iban) == 1


def valider_iban(value: str) -> None:
    iban = normaliser_iban(value)
    if not re.match(r"^[A-Z]{2}", iban):
        raise ValidationError("Un IBAN commence par le code du pays (FR pour la France).", code="iban_pays")
    if not _IBAN_RE.match(iban):
        raise ValidationError(
            "L'IBAN ne contient que des lettres et des chiffres : 2 lettres du pays, 2 chiffres de clé, puis le "
            "numéro de compte.",
            code="iban_format",
        )
    longueur = LONGUEUR_IBAN.get(iban[:2])
    if longueur is None:
        raise ValidationError(
            "Le code pays « %(pays)s » de l'IBAN est inconnu.", code="iban_pays", params={"pays": iban[:2]}
        )
    if len(iban) != longueur:
        raise ValidationError(
            "Un IBAN %(pays)s compte %(attendu)s caractères (sans les espaces) : vous en avez saisi %(n)s.",
            code="iban_longueur",
            params={"pays": iban[:2], "attendu": longueur, "n": len(iban)},
        )
    if not iban_valide(iban):
        raise ValidationError(
            "Cet IBAN n'est pas valide (clé de contrôle incorrecte) : recopiez-le depuis votre RIB.", code="iban_cle"
        )


def masquer_iban(value: str) -> str:
    """Seuls les 4 derniers caractères restent lisibles : « •••• •••• … •••• 0189 »."""
    iban = normaliser_iban(value)
    if not iban:
        return ""
    masque = "•" * max(len(iban) - 4, 0)
    groupes = [masque[i : i + 4] for i in range(0, len(masque), 4)]
    return " ".join([*groupes, iban[-4:]])


def normaliser_bic(value: str) -> str:
    return re.sub(r"\s", "", value or "").upper()


def bic_valide(value: str) -> bool:
    """BIC (ISO 9362) : 4 lettres de banque, 2 lettres de pays, 2 caractères de lieu, 3 facultatifs d'agence."""
    return bool(_BIC_RE.match(normaliser_bic(value)))


def valider_bic(value: str) -> None:
    if not bic_valide(value):
        raise ValidationError(
            "Le BIC compte 8 ou 11 caractères : 4 lettres de banque, 2 lettres de pays, 2 lettres ou chiffres de "
            "lieu, et éventuellement 3 d'agence (ex. « CEPAFRPP627 »).",
            code="bic_format",
        )


# --- Code postal, RNA, téléphone ---------------------------------------------------------------------------

MESSAGE_HORS_62 = (
    "Le siège ou un établissement secondaire de la structure doit se trouver dans le Pas-de-Calais : "
    "le code postal doit commencer par 62 (de 62000 à 62999). Indiquez l'adresse de votre établissement "
    "dans le département."
)


def code_postal_62(value: str) -> bool:
    cp = compacter(value)
    return len(cp) == 5 and cp.isascii() and cp.isdigit() and cp.startswith("62")


def valider_code_postal_62(value: str) -> None:
    cp = compacter(value)
    if len(cp) != 5 or not cp.isascii() or not cp.isdigit():
        raise ValidationError("Le code postal compte 5 chiffres (ex. 62000).", code="cp_format")
    if not code_postal_62(cp):
        raise ValidationError(MESSAGE_HORS_62, code="cp_hors_62")


def valider_rna(value: str) -> None:
    if value and not re.fullmatch(r"W[0-9A-Z]{9}", compacter(value).upper()):
        raise ValidationError(
            "Le numéro RNA commence par W suivi de 9 caractères (ex. W623001234).", code="rna_format"
        )


def valider_telephone(value: str) -> None:
    chiffres = re.sub(r"\D", "", value or "")
    if value and (not re.fullmatch(r"[0-9 +().\-\u00a0]+", value) or not 9 <= len(chiffres) <= 15):
        raise ValidationError("Numéro de téléphone invalide (ex. 03 21 00 00 00).", code="telephone_format")
