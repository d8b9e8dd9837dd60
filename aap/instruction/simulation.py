"""Répartition simulée d'une enveloppe : fonctions pures sur des dataclasses, en Decimal, exactes au centime.

Les candidats sont les demandes en instruction de l'enveloppe, avec leur montant plafond (retenu, sinon demandé)
et leur note. Le classement est déterministe : note décroissante, puis référence de la demande croissante
(l'ordre de dépôt), puis identifiant ; une demande non notée n'est jamais financée par une simulation (« à noter
avant de répartir »).

Stratégie A, « par rang jusqu'à épuisement » : dans l'ordre du classement, chaque demande est financée en
totalité si elle tient dans le reste de l'enveloppe ; sinon elle n'est pas financée (pas de financement partiel :
une opération financée en partie ne se réalise pas telle que déposée) et l'on passe à la suivante, qui peut
encore tenir dans le reste. Motif : « enveloppe épuisée » quand il ne reste rien, sinon le reste et le montant.

Stratégie B, « réduction proportionnelle au-dessus d'une note minimale » : sous la note minimale, rien ; au-dessus,
si le total tient dans l'enveloppe, chacun reçoit son montant ; sinon chacun reçoit montant × enveloppe / total,
arrondi au centime inférieur, puis les centimes restants sont distribués un par un aux plus forts restes (à reste
égal, dans l'ordre du classement). La somme vaut alors exactement l'enveloppe, nul ne reçoit plus que son montant
et chacun est à moins d'un centime de sa part exacte.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from aap.core.templatetags.aap_ui import euros, nombre


ZERO = Decimal("0.00")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Candidat:
    demande_id: int
    reference: str
    structure: str
    montant: Decimal
    score: Decimal | None


@dataclass(frozen=True)
class Attribution:
    candidat: Candidat
    rang: int | None
    montant: Decimal
    motif: str

    @property
    def financee(self) -> bool:
        return self.montant > 0

    @property
    def integrale(self) -> bool:
        return self.montant == self.candidat.montant


@dataclass(frozen=True)
class Repartition:
    strategie: str
    libelle: str
    disponible: Decimal
    attributions: tuple[Attribution, ...]

    @property
    def total(self) -> Decimal:
        return sum((a.montant for a in self.attributions), ZERO)

    @property
    def reste(self) -> Decimal:
        return self.disponible - self.total

    @property
    def nb_financees(self) -> int:
        return sum(1 for a in self.attributions if a.financee)

    def pour(self, demande_id: int) -> Attribution:
        return next(a for a in self.attributions if a.candidat.demande_id == demande_id)


STRATEGIES = {
    "rang": "Par rang jusqu'à épuisement",
    "proportionnelle": "Réduction proportionnelle au-dessus d'une note minimale",
}


def classement(candidats: list[Candidat]) -> list[Candidat]:
    """Note décroissante (non notées à la fin), puis référence, puis identifiant : un ordre total."""
    return sorted(candidats, key=lambda c: (c.score is None, -(c.score or 0), c.reference, c.demande_id))


def _cents(montant: Decimal) -> int:
    return int(montant.quantize(CENT) * 100)


def _euros(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def _rangs(ordre: list[Candidat]) -> dict[int, int]:
    return {c.demande_id: i for i, c in enumerate((c for c in ordre if c.score is not None), start=1)}


NON_NOTEE = "non financée : demande non notée (à noter avant de répartir)"


def par_rang(candidats: list[Candidat], disponible: Decimal) -> Repartition:
    """Stratégie A : financement intégral dans l'ordre du classement tant que la demande tient dans le reste."""
    ordre = classement(candidats)
    rangs = _rangs(ordre)
    reste = _cents(max(disponible, ZERO))
    attributions = []
    for c in ordre:
        montant = _cents(c.montant)
        if c.score is None:
            attributions.append(Attribution(c, None, ZERO, NON_NOTEE))
        elif montant <= 0:
            attributions.append(Attribution(c, rangs[c.demande_id], ZERO, "non financée : montant nul"))
        elif montant <= reste:
            reste -= montant
            attributions.append(Attribution(c, rangs[c.demande_id], _euros(montant), "financée en totalité"))
        elif reste == 0:
            attributions.append(Attribution(c, rangs[c.demande_id], ZERO, "non financée : enveloppe épuisée"))
        else:
            motif = (
                f"non financée : il ne reste que {euros(_euros(reste))} pour {euros(c.montant)} "
                "(pas de financement partiel)"
            )
            attributions.append(Attribution(c, rangs[c.demande_id], ZERO, motif))
    return Repartition("rang", STRATEGIES["rang"], disponible, tuple(attributions))


def proportionnelle(candidats: list[Candidat], disponible: Decimal, score_minimum: Decimal | None) -> Repartition:
    """Stratégie B : au-dessus de la note minimale, chacun reçoit sa part de l'enveloppe au prorata du montant."""
    ordre = classement(candidats)
    rangs = _rangs(ordre)
    minimum = score_minimum if score_minimum is not None else Decimal("-Infinity")
    retenus = [c for c in ordre if c.score is not None and c.score >= minimum and c.montant > 0]
    enveloppe = _cents(max(disponible, ZERO))
    total = sum(_cents(c.montant) for c in retenus)
    parts: dict[int, int] = {}
    if total <= enveloppe:
        parts = {c.demande_id: _cents(c.montant) for c in retenus}
        motif_retenu = "financée en totalité : les demandes retenues tiennent dans l'enveloppe"
    else:
        restes = {}
        for c in retenus:
            parts[c.demande_id], restes[c.demande_id] = divmod(_cents(c.montant) * enveloppe, total)
        a_distribuer = enveloppe - sum(parts.values())
        par_reste = sorted(retenus, key=lambda c: -restes[c.demande_id])  # tri stable : l'ordre du classement
        for c in par_reste[:a_distribuer]:
            parts[c.demande_id] += 1
        coefficient = nombre(Decimal(enveloppe * 100) / Decimal(total))
        motif_retenu = f"réduite au prorata : {coefficient} % du montant (enveloppe ÷ total des demandes retenues)"
    attributions = []
    for c in ordre:
        if c.score is None:
            attributions.append(Attribution(c, None, ZERO, NON_NOTEE))
        elif c.demande_id in parts:
            montant = _euros(parts[c.demande_id])
            motif = "financée en totalité" if montant == c.montant else motif_retenu
            attributions.append(Attribution(c, rangs[c.demande_id], montant, motif))
        elif c.montant <= 0:
            attributions.append(Attribution(c, rangs[c.demande_id], ZERO, "non financée : montant nul"))
        else:
            motif = f"non financée : note {nombre(c.score)} inférieure au minimum {nombre(score_minimum)}"
            attributions.append(Attribution(c, rangs[c.demande_id], ZERO, motif))
    return Repartition("proportionnelle", STRATEGIES["proportionnelle"], disponible, tuple(attributions))


def simuler(
    strategie: str, candidats: list[Candidat], disponible: Decimal, score_minimum: Decimal | None = None
) -> Repartition:
    if strategie == "rang":
        return par_rang(candidats, disponible)
    if strategie == "proportionnelle":
        return proportionnelle(candidats, disponible, score_minimum)
    raise ValueError(f"Stratégie inconnue : {strategie}")
