"""Le dossier d'une séance de la Commission permanente : toutes les données du rapport, de la délibération et
de l'annexe « détail des financements », calculées une fois à partir des propositions inscrites.

`construire_dossier(seance)` lit les inscriptions en une requête (propositions, demandes, structures,
dispositifs, thématiques, lignes, territoires), les votes antérieurs par ligne et par enveloppe en deux
agrégats, puis regroupe en Python :
- par thématique (Axe) → opération (dispositif, numérotée dans sa thématique dans l'ordre du catalogue) → lignes ;
- pour l'annexe : territoire (Territoire.ordre) → thématique → opération → structure ;
- le tableau d'imputation par ligne budgétaire (AE, disponible, dépense, solde) ;
- les articles de la délibération et les puces du rapport (textes de `data/textes.yaml`).

Tout est figé (dataclasses `frozen` de `dossier_types`, réexportées ici) : les documents et les contrôles
(`aap.commission.coherence`) lisent le même dossier. Une proposition « hors budget » figure à 0,00 € et
n'entre pas dans le tableau d'imputation.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

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
from aap.commission.dossier_budget import enveloppes_consommees, imputation
from aap.commission.dossier_seance import libelle_groupe, nom_long, presences, president_de_seance, vote_de
from aap.commission.dossier_types import (
    Article,
    DossierCP,
    EnveloppeConsommee,
    Interesse,
    LigneAnnexe,
    LigneImputation,
    Operation,
    OperationTerritoire,
    Presences,
    TerritoireAnnexe,
    Thematique,
    ThematiqueTerritoire,
    VoteCP,
)
from aap.commission.models import (
    Inscription,
    SeanceCP,
)


ZERO = Decimal("0.00")


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
            nom=nom_long(i.elu),
            civilite=i.elu.civilite,
            groupe=libelle_groupe(i.elu.groupe),
            formule=i.formule,
            est_president=i.elu.est_president,
            structures=tuple(sorted({m.structure.raison_sociale for m in i.mandats})),
        )
        for i in elus_interesses(seance)
    )
    president_interesse = any(i.est_president for i in interesses)
    president = president_de_seance(seance, president_interesse)
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
        president_seance=nom_long(president) if president else "",
        president_seance_civilite=president.civilite if president else "",
        secretaire=str(seance.secretaire) if seance.secretaire_id else "",
        thematiques=tuple(thematiques),
        territoires=tuple(_territoires(lignes)),
        lignes=tuple(lignes),
        imputation=tuple(imputation(seance, thematiques, lignes_budgetaires)),
        enveloppes=tuple(enveloppes_consommees(seance, inscriptions, lignes)),
        articles=articles(thematiques, lignes, president_interesse, annexe_repartition, annexe_convention_type),
        total_general=_somme(ligne.montant for ligne in lignes),
        interesses=interesses,
        president_interesse=president_interesse,
        presences=presences(seance),
        vote=vote_de(seance),
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
    "OperationTerritoire",
    "Presences",
    "TerritoireAnnexe",
    "Thematique",
    "ThematiqueTerritoire",
    "VoteCP",
    "ZERO",
    "construire_dossier",
]
