"""Contrôles de cohérence d'un dossier de Commission permanente, avant toute production de document.

Chaque contrôle recalcule à partir des lignes de l'annexe ce que les documents impriment (articles,
sous-totaux, tableau d'imputation, chiffres du rapport) et le compare : les erreurs relevées dans les
délibérations publiées (sous-total de territoire faux de 20 €, lignes sans structure, 13 846 imprimé pour
13 846,05…) ne peuvent plus passer. Une « erreur » bloque la génération, un « avertissement » non.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from aap.commission.documents.common import CENTIME, montant, nombre, normaliser, textes
from aap.commission.dossier import DossierCP, LigneAnnexe
from aap.instruction.models import ModeleConvention
from aap.structures.validators import siret_valide


ERREUR = "erreur"
AVERTISSEMENT = "avertissement"
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Incoherence:
    code: str
    message: str
    niveau: str = ERREUR

    @property
    def bloquante(self) -> bool:
        return self.niveau == ERREUR


def _somme(valeurs) -> Decimal:
    return sum(valeurs, ZERO)


def _nom(ligne: LigneAnnexe) -> str:
    return f"« {ligne.structure} » ({ligne.territoire}, opération {ligne.thematique_numero}.{ligne.operation_numero})"


def _lignes(dossier: DossierCP) -> list[Incoherence]:
    resultat = []
    for ligne in dossier.lignes:
        qui = _nom(ligne)
        if not ligne.structure.strip() or not siret_valide(ligne.siret or ""):
            resultat.append(
                Incoherence("structure_siret", f"Ligne {ligne.demande_reference} : structure {qui} sans SIRET valide.")
            )
        if not ligne.modele_convention:
            resultat.append(Incoherence("convention", f"{qui} : aucun modèle de convention n'est choisi."))
        elif ligne.modele_convention == ModeleConvention.AVENANT and not ligne.reference_convention.strip():
            resultat.append(Incoherence("convention", f"{qui} : avenant sans référence de la convention modifiée."))
        if ligne.date_fin < ligne.date_debut:
            resultat.append(Incoherence("periode", f"{qui} : la période se termine avant de commencer."))
        elif (ligne.dispositif_debut and ligne.date_debut < ligne.dispositif_debut) or (
            ligne.dispositif_fin and ligne.date_fin > ligne.dispositif_fin
        ):
            resultat.append(
                Incoherence(
                    "periode_dispositif",
                    f"{qui} : la période déborde celle du dispositif {ligne.dispositif_code}.",
                    AVERTISSEMENT,
                )
            )
        if ligne.montant != ligne.montant.quantize(CENTIME) or ligne.montant < 0:
            resultat.append(Incoherence("centimes", f"{qui} : montant {ligne.montant} non exact au centime."))
        if ligne.hors_budget and ligne.montant != ZERO:
            resultat.append(Incoherence("hors_budget", f"{qui} : une ligne hors budget doit figurer à 0,00 €."))
    for ligne in dossier.lignes_sans_imputation:
        resultat.append(Incoherence("ligne_budgetaire", f"{_nom(ligne)} : aucune ligne budgétaire."))
    return resultat


def _articles_et_rapport(dossier: DossierCP) -> list[Incoherence]:
    """Article = somme des lignes de l'annexe = part du tableau d'imputation ; chiffres du texte = annexe."""
    resultat = []
    lignes_par_thematique: dict[int, list[LigneAnnexe]] = defaultdict(list)
    for ligne in dossier.lignes:
        lignes_par_thematique[ligne.thematique_numero].append(ligne)
    parts: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for ligne_imputation in dossier.imputation:
        for numero, part in ligne_imputation.parts:
            parts[numero] += part
    articles = {a.thematique: a for a in dossier.articles if a.nature == "financement"}
    for thematique in dossier.thematiques:
        lignes = lignes_par_thematique.get(thematique.numero, [])
        somme = _somme(r.montant for r in lignes)
        article = articles.get(thematique.numero)
        nom = f"Thématique {thematique.numero} « {thematique.libelle} »"
        if article is None:
            resultat.append(Incoherence("article", f"{nom} : aucun article de la délibération."))
            continue
        if article.montant != somme or thematique.montant != somme:
            resultat.append(
                Incoherence(
                    "article_annexe",
                    f"{nom} : l'article {article.numero} porte {montant(article.montant)}, "
                    f"les lignes de l'annexe totalisent {montant(somme)}.",
                )
            )
        non_hors_budget = _somme(r.montant for r in lignes if r.ligne_code)
        if parts.get(thematique.numero, ZERO) != non_hors_budget:
            resultat.append(
                Incoherence(
                    "article_imputation",
                    f"{nom} : sa part du tableau d'imputation ({montant(parts.get(thematique.numero, ZERO))}) "
                    f"diffère de ses lignes imputées ({montant(non_hors_budget)}).",
                )
            )
        nb = len({r.dispositif_id for r in lignes})
        texte = normaliser(article.texte)
        if article.nb_dispositifs != nb or f" {nb} dispositif" not in texte or normaliser(montant(somme)) not in texte:
            resultat.append(
                Incoherence(
                    "article_texte",
                    f"{nom} : le texte de l'article {article.numero} ne reprend pas {nb} dispositif(s) "
                    f"et {montant(somme)}.",
                )
            )
        for operation in thematique.operations:
            resultat.extend(_operation(thematique.numero, operation))
    orphelins = set(articles) - {t.numero for t in dossier.thematiques}
    for numero in sorted(n for n in orphelins if n is not None):
        resultat.append(Incoherence("article", f"L'article de la thématique {numero} n'a aucune ligne en annexe."))
    return resultat


def _operation(thematique: int, operation) -> list[Incoherence]:
    resultat = []
    nom = f"Opération {thematique}.{operation.numero} « {operation.titre} »"
    somme = _somme(r.montant for r in operation.lignes)
    if operation.montant != somme:
        resultat.append(
            Incoherence(
                "operation",
                f"{nom} : sous-total {montant(operation.montant)} au lieu de {montant(somme)}.",
            )
        )
    texte = normaliser(operation.paragraphe)
    structures = len({r.structure_id for r in operation.lignes})
    attendus = [f" {nombre(structures)} structure"]
    if not operation.hors_budget:
        attendus.append(f" {normaliser(montant(somme))}")
    for champ in ("etp", "dsp", "places", "participants", "postes_insertion"):
        valeurs = [getattr(r, champ) for r in operation.lignes if getattr(r, champ) is not None]
        if valeurs and not operation.hors_budget:
            attendus.append(f" {normaliser(nombre(sum(valeurs)))} ")
    manquants = [a for a in attendus if a not in texte]
    if operation.nb_structures != structures or manquants:
        resultat.append(
            Incoherence(
                "rapport_chiffres",
                f"{nom} : le paragraphe du rapport ne reprend pas les chiffres de l'annexe "
                f"({', '.join(manquants) or f'{structures} structures'}).",
            )
        )
    return resultat


def _territoires(dossier: DossierCP) -> list[Incoherence]:
    resultat = []
    for territoire in dossier.territoires:
        somme_th = _somme(t.montant for t in territoire.thematiques)
        for thematique in territoire.thematiques:
            somme_op = _somme(o.montant for o in thematique.operations)
            for operation in thematique.operations:
                somme_lignes = _somme(r.montant for r in operation.lignes)
                if operation.montant != somme_lignes:
                    resultat.append(
                        Incoherence(
                            "sous_total",
                            f"{territoire.nom}, opération {thematique.numero}.{operation.numero} : sous-total "
                            f"{montant(operation.montant)} au lieu de {montant(somme_lignes)}.",
                        )
                    )
            if thematique.montant != somme_op:
                resultat.append(
                    Incoherence(
                        "sous_total",
                        f"{territoire.nom}, thématique {thematique.numero} : total {montant(thematique.montant)} "
                        f"au lieu de {montant(somme_op)}.",
                    )
                )
        if territoire.montant != somme_th:
            resultat.append(
                Incoherence(
                    "territoire",
                    f"Total {territoire.nom} : {montant(territoire.montant)} au lieu de {montant(somme_th)}.",
                )
            )
    somme_territoires = _somme(t.montant for t in dossier.territoires)
    somme_lignes = _somme(r.montant for r in dossier.lignes)
    somme_articles = _somme(a.montant for a in dossier.articles if a.nature == "financement")
    if not (dossier.total_general == somme_territoires == somme_lignes == somme_articles):
        resultat.append(
            Incoherence(
                "total_general",
                f"Total général {montant(dossier.total_general)} : territoires {montant(somme_territoires)}, "
                f"lignes {montant(somme_lignes)}, articles {montant(somme_articles)}.",
            )
        )
    imputees = _somme(r.montant for r in dossier.lignes if r.ligne_code)
    if _somme(li.depense for li in dossier.imputation) != imputees:
        resultat.append(
            Incoherence(
                "imputation_total",
                f"Le tableau d'imputation totalise {montant(_somme(li.depense for li in dossier.imputation))}, "
                f"les lignes imputées {montant(imputees)}.",
            )
        )
    return resultat


def _budget(dossier: DossierCP) -> list[Incoherence]:
    resultat = []
    par_code: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for ligne in dossier.lignes:
        if ligne.ligne_code:
            par_code[ligne.ligne_code] += ligne.montant
    for li in dossier.imputation:
        nom = f"Ligne {li.code_operation} « {li.libelle} »"
        if li.depense != par_code.get(li.code_operation, ZERO) or _somme(m for _, m in li.parts) != li.depense:
            resultat.append(
                Incoherence(
                    "imputation",
                    f"{nom} : dépense {montant(li.depense)}, lignes de l'annexe "
                    f"{montant(par_code.get(li.code_operation, ZERO))}.",
                )
            )
        if li.depense > li.disponible:
            resultat.append(
                Incoherence(
                    "disponible",
                    f"{nom} : la dépense proposée ({montant(li.depense)}) dépasse le disponible "
                    f"({montant(li.disponible)}).",
                )
            )
        if li.disponible > li.ae or li.disponible < 0:
            resultat.append(
                Incoherence("ae", f"{nom} : disponible {montant(li.disponible)} hors de l'AE ({montant(li.ae)}).")
            )
        if li.solde != li.disponible - li.depense:
            resultat.append(Incoherence("solde", f"{nom} : solde {montant(li.solde)} ≠ disponible − dépense."))
    for code in sorted(set(par_code) - {li.code_operation for li in dossier.imputation}):
        resultat.append(Incoherence("imputation", f"Ligne {code} : absente du tableau d'imputation."))
    for enveloppe in dossier.enveloppes:
        if enveloppe.depense + enveloppe.vote_anterieur > enveloppe.montant:
            resultat.append(
                Incoherence(
                    "enveloppe",
                    f"{enveloppe.libelle} : {montant(enveloppe.depense)} proposés et "
                    f"{montant(enveloppe.vote_anterieur)} déjà votés dépassent l'enveloppe de "
                    f"{montant(enveloppe.montant)}.",
                )
            )
    return resultat


def _seance(dossier: DossierCP) -> list[Incoherence]:
    resultat = []
    if not dossier.lignes:
        resultat.append(Incoherence("vide", "Aucune proposition n'est inscrite à cette séance."))
    if not dossier.president_seance:
        resultat.append(
            Incoherence(
                "presidence",
                "Le Président est intéressé à l'affaire : désignez le vice-président qui préside la séance."
                if dossier.president_interesse
                else "Aucun président de séance : désignez-le, ou enregistrez le Président du Conseil départemental.",
                AVERTISSEMENT,
            )
        )
    vote, presences = dossier.vote, dossier.presences
    if vote is not None:
        exprimes = vote.pour + vote.contre + vote.abstention + vote.absents_sans_delegation
        if presences.saisies and exprimes != presences.votants:
            resultat.append(
                Incoherence(
                    "vote",
                    f"Vote : {exprimes} voix et absents sans délégation pour {presences.votants} membres "
                    "(présents, excusés et absents).",
                )
            )
        interesses_votants = sum(1 for i in dossier.interesses if i.formule == "present")
        if vote.abstention < interesses_votants:
            resultat.append(
                Incoherence(
                    "vote_interesses",
                    f"Vote : {vote.abstention} abstention(s) pour {interesses_votants} élus intéressés présents, "
                    "qui ne prennent pas part au vote.",
                )
            )
    return resultat


def _prix(dossier: DossierCP) -> list[Incoherence]:
    """Avertissements : prix par place très éloigné de la médiane de l'opération (règle non écrite)."""
    parametres = textes()["controles"]
    ecart_max = Decimal(str(parametres["prix_place_ecart_max"]))
    resultat = []
    for thematique in dossier.thematiques:
        for operation in thematique.operations:
            prix = sorted(r.montant / r.places for r in operation.lignes if r.places and r.montant > 0)
            if len(prix) < parametres["prix_place_lignes_min"]:
                continue
            mediane = prix[len(prix) // 2]
            for ligne in operation.lignes:
                if ligne.places and ligne.montant > 0:
                    ecart = abs(ligne.montant / ligne.places - mediane) / mediane
                    if ecart > ecart_max:
                        resultat.append(
                            Incoherence(
                                "prix_place",
                                f"{_nom(ligne)} : {montant(ligne.montant / ligne.places)} par place, pour "
                                f"{montant(mediane)} en médiane de l'opération.",
                                AVERTISSEMENT,
                            )
                        )
    return resultat


def controler(dossier: DossierCP) -> list[Incoherence]:
    """Toutes les incohérences du dossier, erreurs d'abord (ordre stable)."""
    resultat = [
        *_seance(dossier),
        *_lignes(dossier),
        *_articles_et_rapport(dossier),
        *_territoires(dossier),
        *_budget(dossier),
        *_prix(dossier),
    ]
    return sorted(resultat, key=lambda i: i.niveau != ERREUR)


def erreurs(incoherences: list[Incoherence]) -> list[Incoherence]:
    return [i for i in incoherences if i.bloquante]


__all__ = ["AVERTISSEMENT", "ERREUR", "Incoherence", "controler", "erreurs"]
