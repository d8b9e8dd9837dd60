"""Le dossier d'une séance de la Commission permanente : toutes les données du rapport, de la délibération et
de l'annexe « détail des financements », calculées une fois à partir des propositions inscrites.

`construire_dossier(seance)` lit les inscriptions en une requête (propositions, demandes, structures,
dispositifs, thématiques, lignes, territoires), les votes antérieurs par ligne et par enveloppe en deux
agrégats, puis regroupe en Python :
- par thématique (Axe) → opération (dispositif, numérotée dans sa thématique dans l'ordre du catalogue) → lignes ;
- pour l'annexe : territoire (Territoire.ordre) → thématique → opération → structure ;
- le tableau d'imputation par ligne budgétaire (AE, disponible, dépense, solde) ;
- les articles de la délibération et les puces du rapport (textes de `data/textes.yaml`).

Tout est figé (dataclasses `frozen`) : les documents et les contrôles (`aap.commission.coherence`) lisent le
même dossier. Une proposition « hors budget » figure à 0,00 € et n'entre pas dans le tableau d'imputation.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import Coalesce

from aap.commission.conflits import elus_interesses
from aap.commission.documents.common import (
    centimes,
    date_courte,
    date_longue,
    enumeration,
    montant,
    nombre,
    pluriel,
    textes,
)
from aap.commission.models import (
    Civilite,
    Decision,
    Elu,
    GroupePolitique,
    Inscription,
    Presence,
    SeanceCP,
    StatutPresence,
    Vote,
)


ZERO = Decimal("0.00")


@dataclass(frozen=True)
class LigneAnnexe:
    """Une proposition inscrite : une ligne de l'annexe « détail des financements »."""

    inscription_id: int
    demande_reference: str
    territoire: str
    territoire_ordre: int
    thematique_numero: int
    thematique_libelle: str
    operation_numero: int
    dispositif_id: int
    dispositif_code: str
    dispositif_titre: str
    structure_id: int
    structure: str
    siret: str
    description: str
    modele_convention: str
    reference_convention: str
    montant: Decimal
    hors_budget: bool
    etp: Decimal | None
    places: int | None
    dsp: int | None
    participants: int | None
    postes_insertion: int | None
    date_debut: datetime.date
    date_fin: datetime.date
    dispositif_debut: datetime.date | None
    dispositif_fin: datetime.date | None
    ligne_code: str | None
    enveloppe_id: int | None


@dataclass(frozen=True)
class Operation:
    numero: int
    dispositif_id: int
    code: str
    titre: str
    lignes: tuple[LigneAnnexe, ...]
    montant: Decimal
    nb_structures: int
    etp: Decimal | None
    places: int | None
    dsp: int | None
    participants: int | None
    postes_insertion: int | None
    date_debut: datetime.date
    date_fin: datetime.date
    hors_budget: bool
    #: « Opération 1 : … (dispositif 1.1) » et le paragraphe du rapport.
    intitule: str
    paragraphe: str


@dataclass(frozen=True)
class Thematique:
    numero: int
    libelle: str
    operations: tuple[Operation, ...]
    montant: Decimal
    nb_dispositifs: int
    annexe: int
    #: « 5 dispositifs sont proposés pour un total de … (Annexes 2 et 6). »
    phrase_phase: str


@dataclass(frozen=True)
class OperationTerritoire:
    numero: int
    code: str
    titre: str
    lignes: tuple[LigneAnnexe, ...]
    montant: Decimal


@dataclass(frozen=True)
class ThematiqueTerritoire:
    numero: int
    libelle: str
    operations: tuple[OperationTerritoire, ...]
    montant: Decimal


@dataclass(frozen=True)
class TerritoireAnnexe:
    nom: str
    ordre: int
    thematiques: tuple[ThematiqueTerritoire, ...]
    montant: Decimal


@dataclass(frozen=True)
class LigneImputation:
    code_operation: str
    imputation: str
    libelle: str
    ae: Decimal
    deja_engage: Decimal
    vote_anterieur: Decimal
    disponible: Decimal
    depense: Decimal
    solde: Decimal
    #: Part de chaque thématique dans la dépense : ((numéro de thématique, montant), …).
    parts: tuple[tuple[int, Decimal], ...]


@dataclass(frozen=True)
class EnveloppeConsommee:
    id: int
    libelle: str
    montant: Decimal
    vote_anterieur: Decimal
    depense: Decimal


@dataclass(frozen=True)
class Article:
    numero: int
    #: « financement », « convention_type », « signature », « specifique », « imputation ».
    nature: str
    texte: str
    #: La puce correspondante du rapport (« De m'autoriser à signer… »), vide pour l'imputation.
    puce: str
    thematique: int | None = None
    montant: Decimal | None = None
    nb_dispositifs: int | None = None
    annexe: int | None = None


@dataclass(frozen=True)
class Interesse:
    nom: str
    civilite: str
    groupe: str
    formule: str
    est_president: bool
    structures: tuple[str, ...]


@dataclass(frozen=True)
class Presences:
    presents: tuple[str, ...] = ()
    excuses: tuple[str, ...] = ()
    absents: tuple[str, ...] = ()
    invites: tuple[str, ...] = ()
    invites_excuses: tuple[str, ...] = ()

    @property
    def saisies(self) -> bool:
        return bool(self.presents or self.excuses or self.absents)

    @property
    def votants(self) -> int:
        return len(self.presents) + len(self.excuses) + len(self.absents)


@dataclass(frozen=True)
class VoteCP:
    pour: int
    contre: int
    abstention: int
    absents_sans_delegation: int
    #: Groupes (libellés) par sens : « pour », « contre », « abstention », « absents ».
    groupes: dict[str, tuple[str, ...]]
    adopte: bool


@dataclass(frozen=True)
class DossierCP:
    seance_id: int
    date: datetime.date
    titre: str
    annee: int
    phase: str
    numero_rapport: int | None
    numero_deliberation: str
    date_cloture_depot: datetime.date | None
    date_avis_commissions: datetime.date | None
    #: « Madame Mireille HINGREZ-CÉRÉDA » ; vide si personne ne peut présider (Président intéressé, non désigné).
    president_seance: str
    president_seance_civilite: str
    secretaire: str
    thematiques: tuple[Thematique, ...]
    territoires: tuple[TerritoireAnnexe, ...]
    lignes: tuple[LigneAnnexe, ...]
    imputation: tuple[LigneImputation, ...]
    enveloppes: tuple[EnveloppeConsommee, ...]
    articles: tuple[Article, ...]
    total_general: Decimal
    interesses: tuple[Interesse, ...]
    president_interesse: bool
    presences: Presences
    vote: VoteCP | None
    annexe_dispositifs: int
    annexe_repartition: int
    annexe_convention_type: int
    #: Lignes non hors budget sans ligne budgétaire (ni sur la proposition, ni sur le dispositif).
    lignes_sans_imputation: tuple[LigneAnnexe, ...] = ()

    @property
    def nb_structures(self) -> int:
        return len({ligne.structure_id for ligne in self.lignes})


def _somme(valeurs) -> Decimal:
    return centimes(sum(valeurs, ZERO))


def _somme_optionnelle(valeurs: list):
    presentes = [v for v in valeurs if v is not None]
    return sum(presentes) if presentes else None


def _description(p) -> str:
    """« 5 ETP ; 536 DSP ; 302 places ; du 01/01/2026 au 31/12/2027 – complément »."""
    morceaux = []
    if p.etp is not None:
        morceaux.append(f"{nombre(p.etp)} ETP")
    for valeur, unite in (
        (p.dsp, "DSP"),
        (p.places, "places"),
        (p.participants, "participants"),
        (p.postes_insertion, "postes en insertion"),
    ):
        if valeur is not None:
            morceaux.append(f"{nombre(valeur)} {unite}")
    morceaux.append(f"du {date_courte(p.date_debut)} au {date_courte(p.date_fin)}")
    texte = " ; ".join(morceaux)
    if p.complement:
        texte = f"{texte} – {p.complement}"
    if p.hors_budget:
        texte = f"{texte} ({textes()['annexe_repartition']['hors_budget']})"
    return texte


def _nom_long(elu: Elu) -> str:
    return f"{Civilite(elu.civilite).label} {elu.prenom} {elu.nom.upper()}"


def _lire_inscriptions(seance: SeanceCP) -> list[Inscription]:
    return list(
        Inscription.objects.filter(seance=seance)
        .select_related(
            "proposition__demande__structure",
            "proposition__demande__dispositif__axe",
            "proposition__demande__dispositif__ligne_budgetaire",
            "proposition__ligne",
            "proposition__territoire",
            "proposition__enveloppe__dispositif",
            "proposition__enveloppe__territoire",
            "proposition__enveloppe__ligne",
        )
        # Les champs JSON et les textes longs ne servent pas aux documents : les décoder coûtait la moitié
        # du temps de lecture d'une CP de 1 000 lignes (banc : 0,5 s → 0,25 s).
        .defer(
            "proposition__demande__dispositif__regles",
            "proposition__demande__dispositif__choix",
            "proposition__demande__dispositif__description",
            "proposition__demande__dispositif__axe__objectifs",
            "proposition__demande__priorites_transversales",
            "proposition__demande__description",
            "proposition__demande__objectifs",
            "proposition__demande__resultats_attendus",
            "proposition__demande__moyens_humains",
            "proposition__demande__moyens_materiels",
            "proposition__demande__partenariats",
            "proposition__demande__priorites_commentaire",
            "proposition__demande__indicateurs_proposes",
            "proposition__motivation",
        )
    )


def _lignes_annexe(inscriptions: list[Inscription]) -> tuple[list[LigneAnnexe], dict[str, object]]:
    """Les lignes (sans numéro d'opération encore) et les lignes budgétaires rencontrées, par code."""
    dispositifs = sorted(
        {i.proposition.demande.dispositif for i in inscriptions}, key=lambda d: (d.axe.numero, d.ordre, d.code)
    )
    numeros: dict[int, int] = {}
    compteur: dict[int, int] = defaultdict(int)
    for dispositif in dispositifs:
        compteur[dispositif.axe.numero] += 1
        numeros[dispositif.pk] = compteur[dispositif.axe.numero]
    lignes_budgetaires: dict[str, object] = {}
    lignes = []
    for inscription in inscriptions:
        p = inscription.proposition
        demande, dispositif = p.demande, p.demande.dispositif
        ligne_budgetaire = p.ligne or dispositif.ligne_budgetaire
        if ligne_budgetaire is not None and not p.hors_budget:
            lignes_budgetaires.setdefault(ligne_budgetaire.code_operation, ligne_budgetaire)
        lignes.append(
            LigneAnnexe(
                inscription_id=inscription.pk,
                demande_reference=demande.reference,
                territoire=p.territoire.nom,
                territoire_ordre=p.territoire.ordre,
                thematique_numero=dispositif.axe.numero,
                thematique_libelle=dispositif.axe.libelle,
                operation_numero=numeros[dispositif.pk],
                dispositif_id=dispositif.pk,
                dispositif_code=dispositif.code,
                dispositif_titre=dispositif.titre,
                structure_id=demande.structure_id,
                structure=demande.structure.raison_sociale,
                siret=demande.structure.siret,
                description=_description(p),
                modele_convention=p.modele_convention,
                reference_convention=p.reference_convention,
                montant=ZERO if p.hors_budget else centimes(p.montant),
                hors_budget=p.hors_budget,
                etp=p.etp,
                places=p.places,
                dsp=p.dsp,
                participants=p.participants,
                postes_insertion=p.postes_insertion,
                date_debut=p.date_debut,
                date_fin=p.date_fin,
                dispositif_debut=dispositif.periode_debut,
                dispositif_fin=dispositif.periode_fin,
                ligne_code=None if p.hors_budget or ligne_budgetaire is None else ligne_budgetaire.code_operation,
                enveloppe_id=None if p.hors_budget else p.enveloppe_id,
            )
        )
    lignes.sort(key=lambda r: (r.territoire_ordre, r.territoire, r.thematique_numero, r.operation_numero, r.structure))
    return lignes, lignes_budgetaires


def _paragraphe(lignes: list[LigneAnnexe], annexe_repartition: int) -> tuple[str, dict]:
    t = textes()["rapport"]
    nb_structures = len({r.structure_id for r in lignes})
    chiffres = {
        "nb_structures": nb_structures,
        "etp": _somme_optionnelle([r.etp for r in lignes]),
        "dsp": _somme_optionnelle([r.dsp for r in lignes]),
        "places": _somme_optionnelle([r.places for r in lignes]),
        "participants": _somme_optionnelle([r.participants for r in lignes]),
        "postes_insertion": _somme_optionnelle([r.postes_insertion for r in lignes]),
        "date_debut": min(r.date_debut for r in lignes),
        "date_fin": max(r.date_fin for r in lignes),
    }
    commun = {
        "nb_structures": nombre(nb_structures),
        "s": pluriel(nb_structures),
        "debut": date_longue(chiffres["date_debut"]),
        "fin": date_longue(chiffres["date_fin"]),
        "annexe_repartition": annexe_repartition,
    }
    if all(r.hors_budget for r in lignes):
        return t["paragraphe_hors_budget"].format(**commun), chiffres
    etp = t["paragraphe_etp"].format(etp=nombre(chiffres["etp"])) if chiffres["etp"] is not None else ""
    quantites = [
        modele.format(n=nombre(chiffres[cle])) for cle, modele in t["quantites"].items() if chiffres[cle] is not None
    ]
    liste = t["paragraphe_quantites"].format(liste=enumeration(quantites, "et")) if quantites else ""
    texte = t["paragraphe"].format(
        **commun, etp=etp, quantites=liste, montant=montant(_somme(r.montant for r in lignes))
    )
    return texte, chiffres


def _thematiques(lignes: list[LigneAnnexe], annexe_repartition: int) -> list[Thematique]:
    t = textes()
    par_thematique: dict[int, dict[int, list[LigneAnnexe]]] = defaultdict(lambda: defaultdict(list))
    libelles: dict[int, str] = {}
    for ligne in lignes:
        par_thematique[ligne.thematique_numero][ligne.operation_numero].append(ligne)
        libelles[ligne.thematique_numero] = ligne.thematique_libelle
    resultat = []
    for rang, numero in enumerate(sorted(par_thematique)):
        operations = []
        for op_numero, op_lignes in sorted(par_thematique[numero].items()):
            op_lignes.sort(key=lambda r: (r.structure, r.territoire_ordre))
            premiere = op_lignes[0]
            paragraphe, c = _paragraphe(op_lignes, annexe_repartition)
            operations.append(
                Operation(
                    numero=op_numero,
                    dispositif_id=premiere.dispositif_id,
                    code=premiere.dispositif_code,
                    titre=premiere.dispositif_titre,
                    lignes=tuple(op_lignes),
                    montant=_somme(r.montant for r in op_lignes),
                    nb_structures=c["nb_structures"],
                    etp=c["etp"],
                    places=c["places"],
                    dsp=c["dsp"],
                    participants=c["participants"],
                    postes_insertion=c["postes_insertion"],
                    date_debut=c["date_debut"],
                    date_fin=c["date_fin"],
                    hors_budget=all(r.hors_budget for r in op_lignes),
                    intitule=t["rapport"]["operation"].format(
                        numero=op_numero, titre=premiere.dispositif_titre, code=premiere.dispositif_code
                    ),
                    paragraphe=paragraphe,
                )
            )
        total = _somme(o.montant for o in operations)
        annexe = t["annexes"]["premiere_thematique"] + rang
        nb = len(operations)
        resultat.append(
            Thematique(
                numero=numero,
                libelle=libelles[numero],
                operations=tuple(operations),
                montant=total,
                nb_dispositifs=nb,
                annexe=annexe,
                phrase_phase=t["rapport"]["phase_thematique"].format(
                    nb_dispositifs=nb,
                    s=pluriel(nb),
                    verbe="sont" if nb > 1 else "est",
                    montant=montant(total),
                    annexe=annexe,
                    annexe_repartition=annexe_repartition,
                ),
            )
        )
    return resultat


def _territoires(lignes: list[LigneAnnexe]) -> list[TerritoireAnnexe]:
    resultat = []
    par_territoire: dict[tuple[int, str], list[LigneAnnexe]] = defaultdict(list)
    for ligne in lignes:
        par_territoire[(ligne.territoire_ordre, ligne.territoire)].append(ligne)
    for (ordre, nom), t_lignes in sorted(par_territoire.items()):
        thematiques = []
        par_thematique: dict[int, list[LigneAnnexe]] = defaultdict(list)
        for ligne in t_lignes:
            par_thematique[ligne.thematique_numero].append(ligne)
        for numero, th_lignes in sorted(par_thematique.items()):
            par_operation: dict[int, list[LigneAnnexe]] = defaultdict(list)
            for ligne in th_lignes:
                par_operation[ligne.operation_numero].append(ligne)
            operations = tuple(
                OperationTerritoire(
                    numero=op,
                    code=op_lignes[0].dispositif_code,
                    titre=op_lignes[0].dispositif_titre,
                    lignes=tuple(op_lignes),
                    montant=_somme(r.montant for r in op_lignes),
                )
                for op, op_lignes in sorted(par_operation.items())
            )
            thematiques.append(
                ThematiqueTerritoire(
                    numero=numero,
                    libelle=th_lignes[0].thematique_libelle,
                    operations=operations,
                    montant=_somme(o.montant for o in operations),
                )
            )
        resultat.append(
            TerritoireAnnexe(
                nom=nom, ordre=ordre, thematiques=tuple(thematiques), montant=_somme(t.montant for t in thematiques)
            )
        )
    return resultat


def _votes_anterieurs(seance: SeanceCP, champ: str, ids: list[int]) -> dict[int, Decimal]:
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


def _imputation(seance: SeanceCP, thematiques: list[Thematique], lignes_budgetaires: dict) -> list[LigneImputation]:
    anterieurs = _votes_anterieurs(seance, "ligne", [lb.pk for lb in lignes_budgetaires.values()])
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


def _enveloppes(seance: SeanceCP, inscriptions: list[Inscription], lignes: list[LigneAnnexe]):
    par_id = {i.proposition.enveloppe_id: i.proposition.enveloppe for i in inscriptions if i.proposition.enveloppe_id}
    depenses: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for ligne in lignes:
        if ligne.enveloppe_id:
            depenses[ligne.enveloppe_id] += ligne.montant
    anterieurs = _votes_anterieurs(seance, "enveloppe", list(depenses))
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


def _presences(seance: SeanceCP) -> Presences:
    listes: dict[str, list[str]] = defaultdict(list)
    for presence in Presence.objects.filter(seance=seance).select_related("elu").order_by("elu__nom", "elu__prenom"):
        if presence.elu.voix_deliberative:
            listes[presence.statut].append(str(presence.elu))
        elif presence.statut == StatutPresence.PRESENT:
            listes["invites"].append(str(presence.elu))
        else:
            listes["invites_excuses"].append(str(presence.elu))
    return Presences(
        presents=tuple(listes[StatutPresence.PRESENT]),
        excuses=tuple(listes[StatutPresence.EXCUSE]),
        absents=tuple(listes[StatutPresence.ABSENT]),
        invites=tuple(listes["invites"]),
        invites_excuses=tuple(listes["invites_excuses"]),
    )


def _libelle_groupe(groupe: str) -> str:
    try:
        return GroupePolitique(groupe).label
    except ValueError:
        return str(groupe)


def _vote(seance: SeanceCP) -> VoteCP | None:
    vote = Vote.objects.filter(seance=seance).first()
    if vote is None:
        return None
    groupes = {
        sens: tuple(_libelle_groupe(g) for g in (vote.groupes or {}).get(sens, []))
        for sens in ("pour", "contre", "abstention", "absents")
    }
    return VoteCP(
        pour=vote.pour,
        contre=vote.contre,
        abstention=vote.abstention,
        absents_sans_delegation=vote.absents_sans_delegation,
        groupes=groupes,
        adopte=vote.adopte,
    )


def _president_seance(seance: SeanceCP, president_interesse: bool) -> Elu | None:
    if seance.president_seance_id:
        return seance.president_seance
    if president_interesse:
        return None
    return Elu.objects.filter(est_president=True, actif=True).first()


def construire_dossier(seance: SeanceCP) -> DossierCP:
    """Toutes les données des documents de la séance, calculées une fois (voir le module)."""
    from aap.commission.documents.articles import articles

    t = textes()
    inscriptions = _lire_inscriptions(seance)
    lignes, lignes_budgetaires = _lignes_annexe(inscriptions)
    nb_thematiques = len({ligne.thematique_numero for ligne in lignes})
    annexe_repartition = t["annexes"]["premiere_thematique"] + nb_thematiques
    annexe_convention_type = annexe_repartition + 1
    thematiques = _thematiques(lignes, annexe_repartition)
    interesses = tuple(
        Interesse(
            nom=_nom_long(i.elu),
            civilite=i.elu.civilite,
            groupe=_libelle_groupe(i.elu.groupe),
            formule=i.formule,
            est_president=i.elu.est_president,
            structures=tuple(sorted({m.structure.raison_sociale for m in i.mandats})),
        )
        for i in elus_interesses(seance)
    )
    president_interesse = any(i.est_president for i in interesses)
    president = _president_seance(seance, president_interesse)
    return DossierCP(
        seance_id=seance.pk,
        date=seance.date,
        titre=seance.titre,
        annee=seance.edition.annee,
        phase=seance.phase,
        numero_rapport=seance.numero_rapport,
        numero_deliberation=seance.numero_deliberation,
        date_cloture_depot=seance.date_cloture_depot,
        date_avis_commissions=seance.date_avis_commissions,
        president_seance=_nom_long(president) if president else "",
        president_seance_civilite=president.civilite if president else "",
        secretaire=str(seance.secretaire) if seance.secretaire_id else "",
        thematiques=tuple(thematiques),
        territoires=tuple(_territoires(lignes)),
        lignes=tuple(lignes),
        imputation=tuple(_imputation(seance, thematiques, lignes_budgetaires)),
        enveloppes=tuple(_enveloppes(seance, inscriptions, lignes)),
        articles=articles(thematiques, lignes, president_interesse, annexe_repartition, annexe_convention_type),
        total_general=_somme(ligne.montant for ligne in lignes),
        interesses=interesses,
        president_interesse=president_interesse,
        presences=_presences(seance),
        vote=_vote(seance),
        annexe_dispositifs=t["annexes"]["dispositifs"],
        annexe_repartition=annexe_repartition,
        annexe_convention_type=annexe_convention_type,
        lignes_sans_imputation=tuple(r for r in lignes if not r.hors_budget and r.ligne_code is None),
    )


__all__ = [
    "Article",
    "DossierCP",
    "EnveloppeConsommee",
    "Interesse",
    "LigneAnnexe",
    "LigneImputation",
    "Operation",
    "Presences",
    "TerritoireAnnexe",
    "Thematique",
    "VoteCP",
    "construire_dossier",
]
