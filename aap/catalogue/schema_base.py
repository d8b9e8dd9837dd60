"""Briques communes du schéma du catalogue : types (pourcentage, montant, territoires), modèle strict, choix."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from aap.core.territoires import DEPARTEMENT, MDS


Pourcentage = Annotated[Decimal, Field(ge=0, le=100)]
Montant = Annotated[Decimal, Field(ge=0, decimal_places=2)]

#: Codes de territoire admis dans une liste explicite (les 9 MDS et le périmètre départemental).
CODES_TERRITOIRES: tuple[str, ...] = tuple(code for code, *_ in MDS) + (DEPARTEMENT[0],)
#: Raccourcis admis à la place d'une liste.
PERIMETRES = ("9_mds", "departement")


class Strict(BaseModel):
    """Refuse les champs inconnus : une faute de frappe dans le YAML est une erreur, pas un oubli."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _verifier_territoires(valeur: str | list[str]) -> str | list[str]:
    if isinstance(valeur, str):
        if valeur not in PERIMETRES:
            raise ValueError(f"périmètre « {valeur} » inconnu : « 9_mds », « departement » ou une liste de codes")
        return valeur
    inconnus = [code for code in valeur if code not in CODES_TERRITOIRES]
    if inconnus:
        raise ValueError(
            f"territoire(s) inconnu(s) : {', '.join(inconnus)} (codes admis : {', '.join(CODES_TERRITOIRES)})"
        )
    if not valeur:
        raise ValueError("la liste des territoires est vide")
    if len(set(valeur)) != len(valeur):
        raise ValueError("un territoire est cité deux fois")
    return valeur


#: « 9_mds », « departement » ou une liste de codes de territoire (`aap.core.territoires`).
Territoires = Annotated[str | list[str], AfterValidator(_verifier_territoires)]


def deplier_territoires(valeur: str | list[str] | None) -> list[str]:
    """Les codes `Territoire` couverts : « 9_mds » → les 9 MDS, « departement » → le périmètre départemental."""
    if valeur is None:
        return []
    if valeur == "9_mds":
        return [code for code, *_ in MDS]
    if valeur == "departement":
        return [DEPARTEMENT[0]]
    return list(valeur)


class Choix(Strict):
    """Décision prise là où la source est ambiguë : le champ concerné et la décision retenue (avec sa raison)."""

    champ: str
    decision: str
