"""Écriture d'une ligne analysée (`service.analyser`), tout ou rien : structure manquante, demande reçue,
proposition, inscription à la séance ; chaque écriture a sa ligne au journal d'audit, au nom de l'acteur."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from aap.catalogue.models import Dispositif
from aap.commission.models import Inscription, SeanceCP
from aap.commission.services import inscrire
from aap.core import audit
from aap.core.models import User
from aap.demandes.choix import StatutDemande
from aap.demandes.models import Demande
from aap.instruction.enveloppes import DepassementBudget
from aap.instruction.importation.lecture import sans_accents
from aap.instruction.importation.rapprochement import Rejet
from aap.instruction.importation.service import LignePlan, raison_non_inscriptible
from aap.instruction.models import ModeleConvention, OrigineProposition, Proposition
from aap.instruction.propositions import PropositionImpossible, proposer
from aap.structures.models import FormeJuridique, Structure


@dataclass
class ResultatLigne:
    structure_creee: bool = False
    demande_creee: bool = False
    inscription_creee: bool = False
    demande: Demande | None = None


def importer_ligne(
    plan: LignePlan,
    acteur: User,
    *,
    fichier: str,
    seance: SeanceCP | None = None,
    at: datetime.datetime | None = None,
) -> ResultatLigne:
    """Écrit une ligne analysée, tout ou rien : structure manquante, demande reçue, proposition, inscription.

    Lève `Rejet` si la ligne ne peut plus être écrite (structure d'une ligne précédente en échec…)."""
    if plan.rejetee:
        raise Rejet(plan.raison)
    moment = at or timezone.now()
    resultat = ResultatLigne()
    with transaction.atomic():
        demande = Demande.objects.filter(reference=plan.reference).select_related("proposition").first()
        if demande is None:
            structure, resultat.structure_creee = _structure(plan, acteur, fichier, moment)
            demande = _creer_demande(plan, structure, acteur, fichier, moment)
            _creer_proposition(plan, demande, acteur, fichier, moment)
            resultat.demande_creee = True
        if seance is not None:
            resultat.inscription_creee = _inscrire(demande, seance, acteur, moment)
    resultat.demande = demande
    return resultat


def _structure(plan: LignePlan, acteur: User, fichier: str, moment: datetime.datetime) -> tuple[Structure, bool]:
    """La structure de la ligne ; créée si elle est nouvelle et que la ligne donne son SIRET."""
    prevue = plan.structure
    structure = Structure.objects.filter(siret=prevue.siret).first()
    if structure is not None:
        return structure, False
    if not plan.siret_fourni:
        raise Rejet(
            f"structure « {prevue.nom} » absente : la ligne {prevue.creee_par_ligne} qui la crée est en échec"
            if prevue.creee_par_ligne
            else f"structure de SIRET {prevue.siret} introuvable"
        )
    structure = Structure.objects.create(
        siret=prevue.siret,
        raison_sociale=prevue.nom,
        forme_juridique=forme_juridique_probable(prevue.nom),
        territoire=None if plan.territoire.est_departement else plan.territoire,
        adresse="",
        code_postal="",
        commune="",
        email="",
        representant_civilite="",
        representant_nom="",
        representant_prenom="",
        representant_fonction="",
        creee_le=moment,
    )
    audit.log(
        acteur, "structure.creer", structure, at=moment, origine="import_propositions", fichier=fichier,
        ligne=plan.numero, a_completer="adresse, contact et représentant légal",
    )  # fmt: skip
    return structure, True


def forme_juridique_probable(nom: str) -> str:
    """La forme juridique que le nom laisse deviner (« CCAS d'Arras », « Mission locale… »), sinon « Autre »."""
    cle = f" {normaliser_mots(nom)} "
    for indices, forme in (
        ((" ccas ", " cias "), FormeJuridique.CCAS),
        ((" mission locale ",), FormeJuridique.MISSION_LOCALE),
        ((" plie ",), FormeJuridique.PLIE),
        ((" association ", " asso "), FormeJuridique.ASSOCIATION),
        ((" commune ", " ville ", " communaute ", " cc "), FormeJuridique.COLLECTIVITE),
    ):
        if any(indice in cle for indice in indices):
            return forme
    return FormeJuridique.AUTRE


def normaliser_mots(texte: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in sans_accents(texte).casefold()).split())


def periode(dispositif: Dispositif) -> tuple[datetime.date, datetime.date]:
    """La période du dispositif (catalogue), sinon celle de la convention de la fiche, sinon l'année civile."""
    fiche = dispositif.fiche
    convention = fiche.convention if fiche else None
    debut = dispositif.periode_debut or getattr(convention, "debut", None)
    fin = dispositif.periode_fin or getattr(convention, "fin", None)
    annee = dispositif.edition.annee
    debut = debut or datetime.date(annee, 1, 1)
    if fin is None or fin < debut:
        fin = datetime.date(debut.year, 12, 31)
    return debut, fin


def intitule(description: str, dispositif: Dispositif, limite: int = 255) -> str:
    texte = description or dispositif.titre
    if len(texte) <= limite:
        return texte
    coupe = texte[: limite - 1].rsplit(" ", 1)[0]
    return coupe + "…"


def _creer_demande(
    plan: LignePlan, structure: Structure, acteur: User, fichier: str, moment: datetime.datetime
) -> Demande:
    debut, fin = periode(plan.dispositif)
    demande = Demande.objects.create(
        reference=plan.reference,
        statut=StatutDemande.VALIDEE,
        structure=structure,
        dispositif=plan.dispositif,
        session=plan.session,
        intitule=intitule(plan.description, plan.dispositif),
        description=plan.description,
        date_debut=debut,
        date_fin=fin,
        montant_demande=plan.montant,
        cree_par=acteur,
        cree_le=moment,
        deposee_le=moment,
        deposee_par=acteur,
        validee_le=moment,
        validee_par=acteur,
        **plan.quantites,
    )
    demande.territoires.set([plan.territoire])
    audit.log(
        acteur, "demande.importer", demande, at=moment, origine="import_propositions", fichier=fichier,
        ligne=plan.numero, statut=StatutDemande.VALIDEE, montant=plan.montant, territoire=plan.territoire.nom,
    )  # fmt: skip
    return demande


def _creer_proposition(
    plan: LignePlan, demande: Demande, acteur: User, fichier: str, moment: datetime.datetime
) -> Proposition:
    """La proposition, par le service de l'instruction (`proposer`, origine « import ») : enveloppe et ligne
    budgétaire déduites, blocage si l'enveloppe ou l'AE disponible de la ligne serait dépassée."""
    jour = timezone.localdate(moment)
    donnees = {
        "montant": plan.montant,
        "territoire": plan.territoire,
        "complement": plan.description[:500],
        "modele_convention": ModeleConvention.TYPE,
        "hors_budget": plan.hors_budget,
        "motivation": f"Importée du tableau « {fichier} », ligne {plan.numero}, le {jour:%d/%m/%Y}.",
    }
    try:
        return proposer(demande, acteur, donnees, at=moment, origine=OrigineProposition.IMPORT)
    except DepassementBudget as exc:
        raise Rejet(f"budget dépassé, proposition bloquée — {exc}") from None
    except PropositionImpossible as exc:
        raise Rejet(f"proposition refusée — {exc}") from None


def _inscrire(demande: Demande, seance: SeanceCP, acteur: User, moment: datetime.datetime) -> bool:
    """Inscrit la proposition à la séance par le service de la Commission (mêmes règles, même journal)."""
    if Inscription.objects.filter(seance=seance, proposition__demande=demande).exists():
        return False
    raison = raison_non_inscriptible(demande, seance.date)
    if raison is None and inscrire(seance, [demande.proposition], acteur, at=moment) == 1:
        return True
    raise Rejet(raison or f"inscription à la séance du {seance.date:%d/%m/%Y} refusée")
