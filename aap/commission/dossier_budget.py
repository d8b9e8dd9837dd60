"""Le budget d'une séance de CP : tableau d'imputation par ligne budgétaire (AE, disponible, dépense, solde) et
consommation des enveloppes, compte tenu des montants approuvés aux séances antérieures."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import Coalesce

from aap.commission.documents.common import centimes
from aap.commission.dossier_types import EnveloppeConsommee, LigneAnnexe, LigneImputation, Thematique
from aap.commission.models import Decision, Inscription, SeanceCP


ZERO = Decimal("0.00")


def _somme(valeurs) -> Decimal:  # noqa: ANN001 - itérable de Decimal
    return centimes(sum(valeurs, ZERO))


def votes_anterieurs(seance: SeanceCP, champ: str, ids: list[int]) -> dict[int, Decimal]:
    """Montants votés (décision « approuvée ») aux séances antérieures, par ligne budgétaire ou enveloppe."""
    if not ids:
        return {}
    if champ == "ligne":
        cle = Coalesce("proposition__ligne_id", "proposition__demande__dispositif__ligne_budgetaire_id")
    else:
        cle = Coalesce("proposition__enveloppe_id", None)
    lignes = (
        Inscription.objects.filter(
            seance__date__lt=seance.date, decision=Decision.APPROUVEE, proposition__hors_budget=False
        )
        .annotate(cle=cle)
        .filter(cle__in=ids)
        .values("cle")
        .annotate(total=Sum("montant_vote"))
    )
    return {ligne["cle"]: centimes(ligne["total"] or 0) for ligne in lignes}


def imputation(seance: SeanceCP, thematiques: list[Thematique], lignes_budgetaires: dict) -> list[LigneImputation]:
    anterieurs = votes_anterieurs(seance, "ligne", [lb.pk for lb in lignes_budgetaires.values()])
    parts: dict[str, dict[int, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    ordre: list[str] = []
    for thematique in thematiques:
        for operation in thematique.operations:
            for ligne in operation.lignes:
                if ligne.ligne_code is None:
                    continue
                if ligne.ligne_code not in parts:
                    ordre.append(ligne.ligne_code)
                parts[ligne.ligne_code][thematique.numero] += ligne.montant
    resultat = []
    for code in ordre:
        lb = lignes_budgetaires[code]
        depense = _somme(parts[code].values())
        vote_anterieur = anterieurs.get(lb.pk, ZERO)
        disponible = centimes(lb.ae - lb.deja_engage - vote_anterieur)
        resultat.append(
            LigneImputation(
                code_operation=lb.code_operation,
                imputation=lb.imputation,
                libelle=lb.libelle,
                ae=centimes(lb.ae),
                deja_engage=centimes(lb.deja_engage),
                vote_anterieur=vote_anterieur,
                disponible=disponible,
                depense=depense,
                solde=disponible - depense,
                parts=tuple(sorted((numero, centimes(m)) for numero, m in parts[code].items())),
            )
        )
    return resultat


def enveloppes_consommees(seance: SeanceCP, inscriptions: list[Inscription], lignes: list[LigneAnnexe]):
    par_id = {i.proposition.enveloppe_id: i.proposition.enveloppe for i in inscriptions if i.proposition.enveloppe_id}
    depenses: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for ligne in lignes:
        if ligne.enveloppe_id:
            depenses[ligne.enveloppe_id] += ligne.montant
    anterieurs = votes_anterieurs(seance, "enveloppe", list(depenses))
    return [
        EnveloppeConsommee(
            id=pk,
            libelle=str(par_id[pk]),
            montant=centimes(par_id[pk].montant),
            vote_anterieur=anterieurs.get(pk, ZERO),
            depense=centimes(depenses[pk]),
        )
        for pk in sorted(depenses)
    ]
