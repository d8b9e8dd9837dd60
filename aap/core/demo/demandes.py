"""Demandes de démonstration, créées par les vrais services (mêmes règles qu'en production).

Chaque demande est rédigée, budgétée selon le modèle de financement de sa fiche (plan équilibré, part du
Département respectée), puis laissée en brouillon, déposée ou validée, à une date comprise dans la
session : les sessions 2026 réelles étant closes, les services reçoivent `at` dans la fenêtre de dépôt.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import replace
from decimal import ROUND_DOWN, Decimal
from textwrap import shorten

from faker import Faker

from aap.catalogue.models import Dispositif, SessionAppel
from aap.catalogue.schema import Compteur, Fiche, ModeleFinancement, MontantFixeParEtp, PartDepartement
from aap.core.models import Territoire, User
from aap.demandes import services
from aap.demandes.choix import CategorieDepense, Financeur, PrioriteTransversale, StatutDemande
from aap.demandes.financement.calcul import calculer_plan
from aap.demandes.financement.regles import plafond_montant_fixe
from aap.demandes.financement.types import (
    CENT,
    FINANCEUR_DU_FONDS,
    ContextePlan,
    Depense,
    PlanAnnee,
    Ressource,
    ResultatPlan,
    arrondi,
)
from aap.demandes.models import Demande
from aap.demandes.rules import territoires_eligibles
from aap.structures.models import Structure


FONCTIONS = [
    "Référent(e) de parcours", "Conseiller(ère) en insertion professionnelle", "Travailleur(se) social(e)",
    "Coordinateur(rice)", "Chargé(e) d'accompagnement", "Encadrant(e) technique", "Coach",
]  # fmt: skip


def _moment_dans(session: SessionAppel, rng: random.Random) -> datetime.datetime:
    jours = (session.cloture - session.ouverture).days
    jour = session.ouverture + datetime.timedelta(days=rng.randint(0, max(jours, 0)))
    naive = datetime.datetime.combine(jour, datetime.time(rng.randint(8, 18), rng.randint(0, 59)))
    return naive.replace(tzinfo=datetime.UTC) - datetime.timedelta(hours=1)  # heure de Paris en hiver


def _postes(fiche: Fiche, annees: list[int], rng: random.Random, categorie: str) -> list[Depense]:
    minimum = getattr(fiche.financement, "taux_affectation_min", None) or Decimal(0)
    postes = []
    for _ in range(rng.randint(1, 3)):
        fonction = rng.choice(FONCTIONS)
        etp = rng.choice([Decimal("1.00"), Decimal("0.80"), Decimal("0.50")])
        taux = max(minimum, Decimal(rng.choice([50, 60, 75, 100])))
        cout = Decimal(rng.randint(36, 52) * 1000) * etp
        for annee in annees:
            postes.append(
                Depense(annee, categorie, fonction, etp=etp, taux_affectation=taux, cout_annuel=cout, mois=Decimal(12))
            )
    return postes


def _depenses(fiche: Fiche, annees: list[int], rng: random.Random) -> list[Depense]:
    modele = ModeleFinancement(fiche.financement.modele)
    if modele == ModeleFinancement.ENCADREMENT_FORFAIT_PLAFOND:
        return _postes(fiche, annees, rng, CategorieDepense.ENCADREMENT)
    if modele == ModeleFinancement.MONTANT_FIXE_ETP:
        cout = Decimal(rng.randint(48, 62) * 1000)
        return [
            Depense(a, CategorieDepense.PERSONNEL, "Coordinateur(rice) Logement d'abord", etp=Decimal(1),
                    taux_affectation=Decimal(100), cout_annuel=cout, mois=Decimal(12))
            for a in annees
        ]  # fmt: skip
    depenses = _postes(fiche, annees, rng, CategorieDepense.PERSONNEL)
    if modele == ModeleFinancement.COUTS_REELS:
        taux_indirects = fiche.financement.taux_indirects_max
        for annee in annees:
            personnel = sum(arrondi(d.cout_annuel * d.taux_affectation / CENT) for d in depenses if d.annee == annee)
            fonctionnement = Decimal(rng.randint(8, 20) * 1000)
            indirects = arrondi((personnel + fonctionnement) * taux_indirects / CENT * Decimal("0.5"))
            depenses += [
                Depense(
                    annee, CategorieDepense.FONCTIONNEMENT, "Véhicules, locaux, fournitures", montant=fonctionnement
                ),
                Depense(annee, CategorieDepense.PRESTATIONS, "Prestations d'auto-école", montant=Decimal(6000)),
                Depense(annee, CategorieDepense.INDIRECTS, "Frais de structure", montant=indirects),
            ]
    return depenses


def _part_departement(fiche: Fiche, contexte: ContextePlan) -> PartDepartement | None:
    """La part du Département qui s'applique (fonds européen retenu), selon le bassin minier."""
    parts = fiche.financement.parts_departement
    for part in parts:
        if part.condition == "bassin_minier" and contexte.tout_en_bassin_minier:
            return part
        if part.condition == "hors_bassin_minier" and not contexte.tout_en_bassin_minier:
            return part
    return next((p for p in parts if p.condition is None), None)


def _ressources(fiche: Fiche, plan: ResultatPlan, contexte: ContextePlan, rng: random.Random) -> list[Ressource]:
    """Équilibre chaque année : le Département à sa part maximale, le reste au fonds européen (ou fonds propres)."""
    if isinstance(fiche.financement, MontantFixeParEtp):
        return _ressources_montant_fixe(fiche.financement, plan)
    part = _part_departement(fiche, contexte)
    ressources = []
    for annee in plan.annees:
        total = annee.total_depenses
        if part is not None:
            taux, complement, libelle = part.taux, FINANCEUR_DU_FONDS[part.fonds], ""
        else:
            taux, complement, libelle = Decimal(rng.choice([70, 80, 90])), Financeur.FONDS_PROPRES, "Fonds associatifs"
        # Arrondi inférieur par année : la somme ne dépasse jamais le plafond calculé sur le total.
        departement = (total * taux / CENT).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
        ressources += [
            Ressource(annee.annee, Financeur.DEPARTEMENT, departement),
            Ressource(annee.annee, complement, total - departement, libelle),
        ]
    return ressources


def _ressources_montant_fixe(financement: MontantFixeParEtp, plan: ResultatPlan) -> list[Ressource]:
    """5.11 : le Département à son maximum (plafond par ETP + Ségur), le FSE+ à sa part du coût des postes,
    le reste en fonds propres."""
    ressources = []
    for annee in plan.annees:
        un_an = calculer_plan_annee(plan, annee)
        departement, _ = plafond_montant_fixe(financement, un_an)
        postes = annee.depenses.get(CategorieDepense.PERSONNEL, Decimal(0))
        fse = arrondi(postes * financement.part_fse_poste / CENT)
        ressources += [
            Ressource(annee.annee, Financeur.DEPARTEMENT, departement),
            Ressource(annee.annee, Financeur.FSE_PLUS, fse),
        ]
        reste = annee.total_depenses - departement - fse
        if reste:
            ressources.append(Ressource(annee.annee, Financeur.FONDS_PROPRES, reste, "Fonds associatifs"))
    return ressources


def calculer_plan_annee(plan: ResultatPlan, annee: PlanAnnee) -> ResultatPlan:
    """Le plan réduit à une année (pour appliquer un plafond annuel)."""
    return replace(plan, annees=(annee,), depenses=annee.depenses, cout_total=annee.total_depenses)


def _territoires(dispositif: Dispositif, structure: Structure, rng: random.Random) -> list[Territoire]:
    eligibles = list(territoires_eligibles(dispositif))
    if structure.territoire in eligibles:
        choix = [structure.territoire]
        if rng.random() < 0.2:
            autre = rng.choice(eligibles)
            if autre not in choix:
                choix.append(autre)
        return choix
    return [rng.choice(eligibles)]


def _quantites(fiche: Fiche, plan, rng: random.Random, mois: int) -> dict:
    etp = sum((d.etp * d.taux_affectation / CENT for d in plan if d.etp and d.taux_affectation), Decimal(0))
    etp = arrondi(etp / max(len({d.annee for d in plan}), 1)) or Decimal("1.00")
    valeurs = {
        Compteur.ETP: etp,
        Compteur.PLACES: int(etp * 70) or 10,
        Compteur.DSP: int(etp * 400) or 50,
        Compteur.PARTICIPANTS: rng.randint(20, 120),
    }
    return {str(c): valeurs[c] for c in fiche.compteurs if c in valeurs}


def creer_demande_demo(
    structure: Structure,
    acteur: User,
    session: SessionAppel,
    statut: StatutDemande,
    rng: random.Random,
    faker: Faker,
    at: datetime.datetime | None = None,
) -> Demande:
    dispositif = session.dispositif
    fiche = dispositif.fiche
    assert fiche is not None
    moment = at or _moment_dans(session, rng)
    territoires = _territoires(dispositif, structure, rng)
    demande = services.creer_demande(
        acteur,
        structure,
        session,
        f"{shorten(dispositif.titre, 70, placeholder='…')} — {structure.commune}",
        territoires,
        at=moment,
    )
    annees = demande.annees
    depenses = _depenses(fiche, annees, rng)
    donnees = {
        "description": faker.paragraph(nb_sentences=5),
        "objectifs": faker.paragraph(nb_sentences=3),
        "resultats_attendus": faker.paragraph(nb_sentences=3),
        "moyens_humains": faker.paragraph(nb_sentences=2),
        "moyens_materiels": faker.paragraph(nb_sentences=2),
        "partenariats": f"SLAI du territoire, France Travail, {faker.company()}, {faker.company()}.",
        "priorites_transversales": rng.sample(PrioriteTransversale.values, k=rng.randint(1, 3)),
        **_quantites(fiche, depenses, rng, demande.mois_operation or 12),
    }
    if (
        Compteur.POSTES_INSERTION in fiche.compteurs
        or fiche.financement.modele == ModeleFinancement.ENCADREMENT_FORFAIT_PLAFOND
    ):
        donnees["postes_insertion"] = 0  # fixé après le calcul du coût (plafond par participant-mois)
    contexte = ContextePlan(
        annees=tuple(annees), territoires_bassin_minier=tuple(t.bassin_minier for t in territoires)
    )
    plan = calculer_plan(fiche, depenses, [], contexte)
    plafond = getattr(fiche.financement, "plafond_participant_mois", None)
    if plafond and "postes_insertion" in donnees:
        mois = demande.mois_operation or 12
        donnees["postes_insertion"] = int(plan.cout_total / (plafond * mois)) + rng.randint(1, 6)
        contexte = ContextePlan(contexte.annees, contexte.territoires_bassin_minier, donnees["postes_insertion"], mois)
    services.mettre_a_jour(demande, acteur, donnees, at=moment)
    ressources = _ressources(fiche, plan, contexte, rng)
    services.enregistrer_budget(demande, acteur, depenses, ressources, at=moment)
    if statut in (StatutDemande.DEPOSEE, StatutDemande.VALIDEE):
        demande.refresh_from_db()
        services.deposer(demande, acteur, at=moment + datetime.timedelta(minutes=5))
    if statut == StatutDemande.VALIDEE:
        services.valider(demande, acteur, attestation_honneur=True, at=moment + datetime.timedelta(minutes=10))
    return demande
