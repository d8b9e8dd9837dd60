"""Import d'un tableau de propositions : acteur, édition et séance, puis analyse des lignes (lecture seule) ;
l'écriture ligne à ligne (structure manquante, demande reçue, proposition, inscription) est dans `ecriture`.

Clé d'une ligne (idempotence) : SHA-256 de « année | code du dispositif | SIRET de la structure | code du
territoire | description normalisée | rang de la ligne parmi les lignes identiques du fichier » ; elle forme la
référence de la demande importée, « IMP2026-1.3-<empreinte> ». Une ligne dont la référence existe déjà n'est
pas recréée. Une transaction par ligne : une ligne en échec n'écrit rien et n'arrête pas les suivantes.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from aap.catalogue.models import Dispositif, Edition, SessionAppel
from aap.commission.models import Inscription, SeanceCP, StatutSeance
from aap.commission.services import enregistrer_seance
from aap.core.models import Role, Territoire, User
from aap.demandes.choix import STATUTS_EN_INSTRUCTION
from aap.demandes.models import Demande
from aap.instruction.enveloppes import (
    Depassement,
    engagement,
    enveloppe_pour,
    libelle_enveloppe,
    libelle_ligne,
    ligne_pour,
)
from aap.instruction.importation.lecture import (
    LigneBrute,
    Tableau,
    ValeurInvalide,
    lire_montant,
    lire_quantites,
    normaliser,
    texte_propre,
)
from aap.instruction.importation.rapprochement import Referentiel, Rejet, StructurePrevue
from aap.instruction.models import Proposition


#: Phase donnée à une séance de la CP créée par l'import (à renommer ensuite dans l'écran des séances).
PHASE_IMPORT = "Import"
PREFIXE_REFERENCE = "IMP"
LONGUEUR_REFERENCE = 30  # Demande.reference.max_length


class ImportImpossible(Exception):
    """L'import ne peut pas commencer (édition, acteur, séance) : rien n'est écrit."""


# --- Acteur, édition, séance ------------------------------------------------------------------------------


def edition_cible(annee: int | None) -> Edition:
    """L'édition de l'année demandée, sinon la dernière chargée."""
    editions = Edition.objects.order_by("-annee")
    edition = editions.filter(annee=annee).first() if annee else editions.first()
    if edition is None:
        raise ImportImpossible(
            f"Aucune édition {annee} du catalogue n'est chargée (manage.py load_catalogue {annee})."
            if annee
            else "Aucune édition du catalogue n'est chargée (manage.py load_catalogue <année>)."
        )
    return edition


def acteur_import(email: str | None) -> User:
    """L'agent au nom duquel l'import écrit (journal d'audit, « proposée par ») : l'agent DPID désigné par son
    adresse, sinon le premier administrateur actif (le plus ancien compte de rôle « Administrateur »)."""
    if email:
        acteur = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
        if acteur is None:
            raise ImportImpossible(f"Aucun compte actif n'a l'adresse « {email} ».")
        if not acteur.est_dpid:
            raise ImportImpossible(f"{acteur.email} n'est pas un agent de la DPID (instructeur, gestionnaire, admin).")
        return acteur
    acteur = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("date_joined", "pk").first()
    if acteur is None:
        raise ImportImpossible("Aucun administrateur actif : désignez l'agent de l'import avec --acteur EMAIL.")
    return acteur


def seance_existante(date: datetime.date, edition: Edition) -> SeanceCP | None:
    seance = SeanceCP.objects.select_related("edition").filter(date=date).first()
    if seance is not None and seance.edition_id != edition.pk:
        raise ImportImpossible(
            f"La séance de la CP du {date:%d/%m/%Y} relève de l'édition {seance.edition.annee}, "
            f"pas de l'édition {edition.annee} du tableau."
        )
    if seance is not None and seance.statut != StatutSeance.PREPARATION:
        raise ImportImpossible(
            f"La séance de la CP du {date:%d/%m/%Y} est « {seance.get_statut_display()} » : "
            "son ordre du jour ne change plus."
        )
    return seance


def raison_non_inscriptible(demande: Demande, date_cp: datetime.date) -> str | None:
    """Pourquoi la proposition de cette demande ne peut pas être inscrite à la CP de cette date, ou None
    (mêmes règles que `aap.commission.services.propositions_inscriptibles`)."""
    proposition = Proposition.objects.filter(demande=demande).first()
    if proposition is None:
        return "la demande importée n'a plus de proposition (retirée dans l'application) : rien à inscrire"
    if demande.statut not in STATUTS_EN_INSTRUCTION:
        return f"demande « {demande.get_statut_display()} » : elle ne peut plus être inscrite à une CP"
    autre = proposition.inscriptions.filter(decision="").exclude(seance__date=date_cp).select_related("seance").first()
    if autre is not None:
        return f"déjà inscrite à la CP du {autre.seance.date:%d/%m/%Y}, sans décision"
    return None


def obtenir_seance(date: datetime.date, edition: Edition, acteur: User) -> tuple[SeanceCP, bool]:
    """La séance de cette date, créée (phase « Import », en préparation) par le service de la Commission si elle
    n'existe pas."""
    with transaction.atomic():
        seance = seance_existante(date, edition)
        if seance is not None:
            return seance, False
        seance = enregistrer_seance(acteur, {"date": date, "edition": edition, "phase": PHASE_IMPORT})
    return seance, True


# --- Analyse ----------------------------------------------------------------------------------------------


@dataclass
class LignePlan:
    numero: int
    raison: str = ""  # non vide : ligne rejetée
    territoire: Territoire | None = None
    dispositif: Dispositif | None = None
    session: SessionAppel | None = None
    structure: StructurePrevue | None = None
    siret_fourni: bool = False
    description: str = ""
    montant: Decimal = Decimal("0.00")
    quantites: dict[str, Decimal | int] = field(default_factory=dict)
    reference: str = ""
    existante: Demande | None = None
    avertissements: list[str] = field(default_factory=list)

    @property
    def rejetee(self) -> bool:
        return bool(self.raison)

    @property
    def hors_budget(self) -> bool:
        return self.montant == 0


def reference_import(edition: Edition, dispositif: Dispositif, siret: str, territoire: Territoire, cle: str) -> str:
    empreinte = hashlib.sha256(cle.encode()).hexdigest().upper()
    prefixe = f"{PREFIXE_REFERENCE}{edition.annee}-{dispositif.code}-"
    return prefixe + empreinte[: min(12, LONGUEUR_REFERENCE - len(prefixe))]


def cle_ligne(edition: Edition, dispositif: Dispositif, siret: str, territoire: Territoire, description: str) -> str:
    return "|".join([str(edition.annee), dispositif.code, siret, territoire.code, normaliser(description)])


def analyser(tableau: Tableau, edition: Edition, date_cp: datetime.date | None = None) -> list[LignePlan]:
    """Rapproche chaque ligne du référentiel, sans rien écrire ; une ligne rejetée porte sa raison (dont, avec
    `date_cp`, une ligne déjà importée qui ne peut pas être inscrite à cette CP)."""
    referentiel = Referentiel.charger(edition)
    occurrences: Counter[str] = Counter()
    premieres: dict[str, int] = {}
    plans = []
    for brute in tableau.lignes:
        plan = LignePlan(numero=brute.numero)
        try:
            _rapprocher(plan, brute, referentiel)
        except Rejet as exc:
            plan.raison = str(exc)
        if not plan.rejetee:
            cle = cle_ligne(edition, plan.dispositif, plan.structure.siret, plan.territoire, plan.description)
            occurrences[cle] += 1
            if occurrences[cle] > 1:
                plan.avertissements.append(
                    f"même dispositif, structure, territoire et description que la ligne {premieres[cle]} : "
                    "importée comme une opération distincte"
                )
            premieres.setdefault(cle, brute.numero)
            plan.reference = reference_import(
                edition, plan.dispositif, plan.structure.siret, plan.territoire, f"{cle}|{occurrences[cle]}"
            )
        plans.append(plan)
    _marquer_existantes(plans, date_cp)
    _prevoir_budget(plans)
    return plans


def _rapprocher(plan: LignePlan, brute: LigneBrute, referentiel: Referentiel) -> None:
    valeurs = brute.valeurs
    plan.territoire = referentiel.territoire(valeurs["territoire"])
    plan.dispositif = referentiel.dispositif(valeurs["dispositif"])
    referentiel.verifier_thematique(valeurs["thematique"], plan.dispositif)
    try:
        plan.montant = lire_montant(valeurs["montant"])
    except ValeurInvalide as exc:
        raise Rejet(str(exc)) from None
    # Sessions réelles d'abord ; sans session (dispositif non ouvert au dépôt en ligne : 1.x, 2.x, 4.x…), la
    # demande importée n'en a pas : « Demande importée (hors portail) ».
    plan.session = plan.dispositif.sessions.order_by("demonstration", "-numero").first()
    plan.structure = referentiel.structure(valeurs["structure"], valeurs["siret"], brute.numero)
    plan.siret_fourni = bool(texte_propre(valeurs["siret"]))
    plan.description = texte_propre(valeurs["description"])
    plan.quantites = lire_quantites(plan.description)
    eligibles = list(plan.dispositif.territoires.all())
    if eligibles and plan.territoire not in eligibles and not plan.territoire.est_departement:
        plan.avertissements.append(f"territoire {plan.territoire.nom} hors des territoires du dispositif")
    if plan.session is None:
        plan.avertissements.append(
            f"le dispositif {plan.dispositif.code} n'a pas de session de dépôt : demande importée hors portail"
        )
    if plan.hors_budget:
        plan.avertissements.append("montant nul : opération hors budget départemental (ex. FSL), gardée à 0,00 €")


def _marquer_existantes(plans: list[LignePlan], date_cp: datetime.date | None) -> None:
    references = [p.reference for p in plans if p.reference]
    existantes = {
        d.reference: d
        for d in Demande.objects.filter(reference__in=references).select_related("proposition", "structure")
    }
    for plan in plans:
        plan.existante = existantes.get(plan.reference)
        proposition = getattr(plan.existante, "proposition", None) if plan.existante else None
        if proposition is not None and proposition.montant != plan.montant:
            plan.avertissements.append(
                f"déjà importée avec le montant {proposition.montant} € (le tableau dit {plan.montant} €) : "
                "non modifiée, corrigez la proposition dans l'application"
            )
        if plan.existante is not None and date_cp is not None:
            inscrite = Inscription.objects.filter(proposition=proposition, seance__date=date_cp).exists()
            if not inscrite and (raison := raison_non_inscriptible(plan.existante, date_cp)):
                plan.raison = f"déjà importée ({plan.reference}), non inscrite : {raison}"


def _prevoir_budget(plans: list[LignePlan]) -> None:
    """Annonce dès la simulation les lignes que le service `proposer` bloquera : enveloppe ou AE disponible de
    la ligne budgétaire dépassée, en comptant les lignes précédentes du tableau (mêmes règles, mêmes chiffres)."""
    engagements: dict[tuple[str, int], list[Decimal]] = {}  # (objet, pk) → [plafond, proposé, voté]
    for plan in plans:
        if plan.rejetee or plan.existante is not None or plan.hors_budget:
            continue
        enveloppe = enveloppe_pour(plan.dispositif, plan.territoire.pk)
        ligne = ligne_pour(plan.dispositif, enveloppe)
        cibles = []
        if enveloppe is not None:
            cibles.append((("enveloppe", enveloppe.pk), libelle_enveloppe(enveloppe), enveloppe.montant, enveloppe))
        if ligne is not None:
            cibles.append((("ligne", ligne.pk), libelle_ligne(ligne), ligne.ae - ligne.deja_engage, ligne))
        depassements = []
        for cle, libelle, plafond, objet in cibles:
            if cle not in engagements:
                deja = engagement(**{cle[0]: objet})
                engagements[cle] = [plafond, deja.propose, deja.vote]
            plafond, propose, vote = engagements[cle]
            if propose + vote + plan.montant > plafond:
                depassements.append(Depassement(libelle, plafond, propose, vote, plan.montant))
        if depassements:
            plan.raison = f"budget dépassé, proposition bloquée — {' '.join(str(d) for d in depassements)}"
            continue
        for cle, *_ in cibles:
            engagements[cle][1] += plan.montant
