"""Démonstration des conventions, versements et bilans, par les services réels et à des dates passées :

- séance « Phase 1 » (J-180) : toutes ses conventions sont signées ; l'avance est payée (export vers les
  finances, mandat) ; des bilans intermédiaires déposés, acceptés (acompte modulé, proposé ou payé) ou renvoyés
  pour modification ; des opérations terminées dont le bilan final est accepté (solde proposé) ; un contrôle de
  service fait partiel (ordre de reversement, remboursé en partie) ; un avenant de période signé, un avenant
  financier en attente de décision ; des documents annuels déposés ;
- séance « Phase 2 » (J-40) : les conventions à chaque étape de la signature (générées, envoyées, signées par
  la structure, signées par le Département avec l'avance à valider).
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from faker import Faker

from aap.bilans import services as bilans
from aap.bilans.models import Bilan, StatutBilan
from aap.bilans.rules import cible_mesure, mesures, pieces_dues, type_bilan_final
from aap.bilans.selectors import lignes_financieres
from aap.bilans.services_controles import enregistrer_controle, verifications_proposees
from aap.bilans.services_documents import deposer_document
from aap.commission.models import SeanceCP, StatutSeance
from aap.conventions import avenants
from aap.conventions import services as conventions
from aap.conventions.generation import generer_conventions_seance
from aap.conventions.models import Convention, Operation, StatutConvention, TypeAvenant
from aap.conventions.regles import ajouter_mois, fin_exercice
from aap.core.demo.comptes import COMPTES
from aap.core.demo.pieces import pdf_demo
from aap.core.models import Role, User
from aap.structures.models import Membre
from aap.versements import exports
from aap.versements import services as versements
from aap.versements.models import OrdreReversement, StatutVersement, Versement
from aap.versements.reversements import enregistrer_remboursement


@dataclass
class BilanConventions:
    conventions: Counter = field(default_factory=Counter)
    versements: Counter = field(default_factory=Counter)
    bilans: Counter = field(default_factory=Counter)
    reversements: int = 0
    avenants: int = 0
    documents_annuels: int = 0


def _a(jour: datetime.date, heure: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(jour, datetime.time(heure)))


def _pdf(nom: str, titre: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(nom, pdf_demo(titre), content_type="application/pdf")


def signer(convention: Convention, agent: User, representant: User, jour: datetime.date, etape: int = 3) -> None:
    """Fait avancer la signature : 1 envoyée, 2 signée par la structure, 3 signée par le Département."""
    if etape >= 1:
        conventions.envoyer(convention, agent, at=_a(jour))
    if etape >= 2:
        fichier = _pdf(f"convention-{convention.numero}-signee.pdf", f"Convention {convention.numero} signee")
        conventions.deposer_signature_structure(convention, representant, fichier, at=_a(jour + _j(8)))
    if etape >= 3:
        conventions.signer_departement(convention, agent, at=_a(jour + _j(12)))


def _j(jours: int) -> datetime.timedelta:
    return datetime.timedelta(days=jours)


def payer_proposes(conventions: list[Convention], agent: User, finances: User, jour: datetime.date) -> None:
    """Valide les versements proposés des conventions, les transmet aux finances en un seul export et enregistre
    les mandats neuf jours plus tard."""
    for versement in Versement.objects.filter(convention__in=conventions, statut=StatutVersement.PROPOSE):
        versements.valider_versement(versement, agent, at=_a(jour))
    export = exports.exporter(finances, at=_a(jour + _j(2)))
    if export is None:
        return
    for versement in export.versements.all():
        versements.enregistrer_paiement(
            versement, finances, date=jour + _j(9), reference=f"M{jour:%Y}-{versement.pk:06d}", at=_a(jour + _j(9))
        )


def contenu_bilan(bilan: Bilan, rng: random.Random, faker: Faker, atteinte: float) -> dict:
    """Un contenu complet : chaque mesure réalisée à `atteinte` de son engagement, indicateurs, entrées et
    sorties, bilan qualitatif, dépenses réalisées proches du plan retenu et ressources perçues."""
    operation = bilan.operation
    final = bilan.type == type_bilan_final(operation.regles)
    realisations = {}
    for mesure in mesures(operation.regles):
        cible = cible_mesure(
            mesure, operation.engagements, final=final, debut=operation.date_debut, fin=operation.date_fin
        )
        realisations[mesure["code"]] = ((cible or Decimal(10)) * Decimal(str(atteinte))).quantize(Decimal("1"))
    depenses, ressources = lignes_financieres(bilan)
    for ligne in depenses:
        ligne["realise"] = (Decimal(ligne["retenu"]) * Decimal(str(rng.uniform(0.9, 1.0)))).quantize(Decimal("0.01"))
    for ligne in ressources:
        ligne["montant"] = (Decimal(ligne["prevu"]) * Decimal(str(rng.uniform(0.7, 1.0)))).quantize(Decimal("0.01"))
    entrees = rng.randint(15, 60)
    return {
        "realisations": realisations,
        "indicateurs": {i["code"]: {"valeur": str(rng.randint(8, 20)), "commentaire": ""} for i in bilan.indicateurs},
        "entrees": entrees,
        "sorties_detail": {
            "emploi_durable": rng.randint(1, 5),
            "emploi_transition": rng.randint(1, 6),
            "sortie_positive": rng.randint(2, 8),
            "abandon": rng.randint(0, 3),
        },
        "texte_qualitatif": faker.paragraph(nb_sentences=6),
        "depenses": depenses,
        "ressources": ressources,
    }


def generer_conventions_demo(
    comptes: dict[str, User], representants: dict[int, User], faker: Faker, rng: random.Random
) -> BilanConventions:
    gestionnaire, instructeur, finances = comptes[Role.GESTIONNAIRE], comptes[Role.INSTRUCTEUR], comptes[Role.FINANCES]
    bilan = BilanConventions()
    aujourd_hui = timezone.localdate()
    seances = list(SeanceCP.objects.filter(statut=StatutSeance.CLOTUREE).order_by("date"))
    if not seances:
        return bilan
    phase1, phase2 = seances[0], (seances[1] if len(seances) > 1 else None)
    for seance in filter(None, (phase1, phase2)):
        generer_conventions_seance(seance, gestionnaire, at=_a(seance.date + _j(5)))

    # Phase 1 : tout est signé trois semaines après la séance, l'avance payée un mois après.
    jour = phase1.date + _j(20)
    anciennes = list(Convention.objects.filter(seance=phase1).select_related("structure").order_by("numero"))
    for convention in anciennes:
        signer(convention, gestionnaire, representants[convention.structure_id], jour)
    payer_proposes(anciennes, gestionnaire, finances, jour + _j(20))
    _bilans_phase1(anciennes, gestionnaire, instructeur, finances, representants, faker, rng, aujourd_hui, bilan)
    _avenants_demo(anciennes, gestionnaire, representants, aujourd_hui, bilan)
    _documents_annuels_demo(anciennes, representants, aujourd_hui, bilan)

    # Phase 2 : une convention à chaque étape de la signature.
    if phase2 is not None:
        recentes = list(Convention.objects.filter(seance=phase2).order_by("numero"))
        for rang, convention in enumerate(recentes):
            etape = rang % 4  # 0 générée, 1 envoyée, 2 signée par la structure, 3 signée (avance à valider)
            signer(convention, gestionnaire, representants[convention.structure_id], phase2.date + _j(10), etape)

    bilan.conventions = Counter(Convention.objects.values_list("statut", flat=True))
    bilan.versements = Counter(Versement.objects.values_list("statut", flat=True))
    bilan.bilans = Counter(Bilan.objects.exclude(statut=StatutBilan.A_PRODUIRE).values_list("statut", flat=True))
    return bilan


def _bilans_phase1(
    anciennes: list[Convention],
    gestionnaire: User,
    instructeur: User,
    finances: User,
    representants: dict[int, User],
    faker: Faker,
    rng: random.Random,
    aujourd_hui: datetime.date,
    bilan: BilanConventions,
) -> None:
    """Bilans des opérations de la phase 1 : intermédiaires (par anticipation) et finaux (opérations terminées)."""
    operations = list(Operation.objects.filter(convention__in=anciennes).select_related("convention").order_by("pk"))
    # Les opérations terminées à parts conditionnées d'abord : la première montre le trop-perçu réclamé.
    terminees = sorted(
        (o for o in operations if o.date_fin < aujourd_hui),
        key=lambda o: (not o.regles.get("parts_conditionnees"), o.pk),
    )
    en_cours = [o for o in operations if o.date_fin >= aujourd_hui]
    # Les bilans de la structure du porteur de démonstration restent à produire : c'est à lui de les déposer.
    porteurs = [c.email for c in COMPTES if c.role == Role.PORTEUR]
    siennes = Membre.objects.filter(user__email__in=porteurs).values("structure_id")
    intermediaires = list(
        Bilan.objects.filter(operation__in=en_cours, type="bilan_intermediaire")
        .exclude(operation__convention__structure_id__in=siennes)
        .order_by("operation_id")
    )
    # En cours : BI accepté et acompte payé, à modifier, déposé, accepté (acompte à valider), accepté, déposé.
    for rang, bi in enumerate(intermediaires[:6]):
        atteinte = (0.95, 0.8, 0.7, 0.9, 1.0, 0.85)[rang]
        _deposer(bi, representants, rng, faker, atteinte, aujourd_hui - _j(20))
        if rang in (0, 3, 4):
            _accepter(bi, instructeur, rng, aujourd_hui - _j(12))
        elif rang == 1:
            bilans.demander_modifications(
                bi,
                instructeur,
                "Détaillez les sorties par type et joignez les feuilles d'émargement.",
                at=_a(aujourd_hui - _j(12)),
            )
        if rang == 0:
            payer_proposes([bi.operation.convention], gestionnaire, finances, aujourd_hui - _j(10))
    # Terminées : BI accepté, acompte payé ; puis bilan final accepté : trop-perçu réclamé (atteinte de 30 % :
    # quel que soit le score de la charte, le droit final passe sous le versé),
    # solde payé puis contrôle de service fait partiel avec reversement, ou solde proposé (atteinte complète).
    for rang, operation in enumerate(terminees[:3]):
        bi = operation.bilans.filter(type="bilan_intermediaire").first()
        if bi is not None:
            _deposer(bi, representants, rng, faker, 0.9, operation.date_fin - _j(40))
            _accepter(bi, instructeur, rng, operation.date_fin - _j(30))
            payer_proposes([operation.convention], gestionnaire, finances, operation.date_fin - _j(25))
        bf = operation.bilans.filter(type="bilan_final").first()
        if bf is None:
            continue
        _deposer(bf, representants, rng, faker, (0.3, 1.0, 1.0)[rang], aujourd_hui - _j(15))
        _accepter(bf, instructeur, rng, aujourd_hui - _j(8), score=(55, 92, 90)[rang])
        if rang == 1:
            payer_proposes([operation.convention], gestionnaire, finances, aujourd_hui - _j(7))
            _controle_partiel(operation, gestionnaire, finances, aujourd_hui)
    bilan.reversements = OrdreReversement.objects.count()


def _deposer(bilan: Bilan, representants, rng, faker, atteinte: float, jour: datetime.date) -> None:  # noqa: ANN001
    porteur = representants[bilan.operation.convention.structure_id]
    bilans.deposer_bilan(bilan, porteur, contenu_bilan(bilan, rng, faker, atteinte), at=_a(jour))


def _accepter(bilan: Bilan, agent: User, rng: random.Random, jour: datetime.date, score: int | None = None) -> None:
    """Accepte le bilan le `jour` donné. Un dispositif à charte qualité (5.1, 5.2) prend le score de la charte
    définitive de la période, calculée sur les parcours générés ; les autres gardent un score saisi."""
    from aap.core.demo.parcours_chartes import charte_du_bilan_demo

    if charte_du_bilan_demo(bilan, agent, rng, jour) is not None:
        bilans.accepter_bilan(bilan, agent, at=_a(jour))
        return
    score_qualite = Decimal(score if score is not None else rng.randint(70, 95))
    bilans.accepter_bilan(bilan, agent, score_qualite=score_qualite, at=_a(jour))


def _controle_partiel(operation: Operation, agent: User, finances: User, aujourd_hui: datetime.date) -> None:
    """Contrôle sur place : deux factures hors période, 8 % du versé non justifié ; la moitié déjà remboursée."""
    non_justifie = (versements.deja_verse(operation) * Decimal("0.08")).quantize(Decimal("0.01"))
    controle = enregistrer_controle(
        operation,
        agent,
        date_controle=aujourd_hui - _j(3),
        sur_place=True,
        verifications=[
            {"libelle": v, "resultat": "non_conforme" if i == 2 else "conforme", "commentaire": ""}
            for i, v in enumerate(verifications_proposees(operation))
        ],
        resultat="partiel",
        montant_non_justifie=non_justifie,
        commentaire="Deux factures de fournitures datées d'après la fin de la convention.",
        at=_a(aujourd_hui - _j(3)),
    )
    enregistrer_remboursement(
        controle.reversement,
        finances,
        montant=(non_justifie / 2).quantize(Decimal("0.01")),
        recu_le=aujourd_hui - _j(1),
    )


def _avenants_demo(
    anciennes: list[Convention],
    gestionnaire: User,
    representants: dict[int, User],
    aujourd_hui: datetime.date,
    bilan: BilanConventions,
) -> None:
    """Un avenant de période signé (événement exceptionnel), un avenant financier demandé par la structure."""
    signees = list(
        Convention.objects.filter(pk__in=[c.pk for c in anciennes], statut=StatutConvention.SIGNEE).order_by("numero")
    )
    if len(signees) < 2:
        return
    periode, financier = signees[-1], signees[-2]
    avenant = avenants.demander_avenant(
        periode,
        gestionnaire,
        type=TypeAvenant.PERIODE,
        motif="Report de la fin de l'opération de trois mois.",
        date_fin=ajouter_mois(periode.date_fin, 3),
        evenement_exceptionnel="Sinistre (dégât des eaux) ayant fermé les locaux d'accueil pendant deux mois.",
        at=_a(aujourd_hui - _j(30)),
    )
    avenants.decider(avenant, gestionnaire, accepte=True, motif="Événement justifié.", at=_a(aujourd_hui - _j(25)))
    avenants.signer_avenant(avenant, gestionnaire, at=_a(aujourd_hui - _j(20)))
    operation = financier.operations.order_by("rang").first()
    avenants.demander_avenant(
        financier,
        representants[financier.structure_id],
        type=TypeAvenant.FINANCIER,
        motif="Ouverture de dix places supplémentaires sur le territoire.",
        montants={operation.pk: (operation.montant * Decimal("1.10")).quantize(Decimal("0.01"))},
        at=_a(aujourd_hui - _j(5)),
    )
    bilan.avenants = 2


def _documents_annuels_demo(
    anciennes: list[Convention], representants: dict[int, User], aujourd_hui: datetime.date, bilan: BilanConventions
) -> None:
    """Une structure sur deux de la phase 1 clôt son exercice au 30 juin : elle a déposé les pièces en PDF de
    l'exercice clos (rapport d'activité, comptes annuels) ; les autres pièces restent attendues."""
    for convention in anciennes[::2]:
        structure = convention.structure
        structure.mois_cloture_exercice = 6
        structure.save(update_fields=["mois_cloture_exercice"])
        for piece in pieces_dues(structure):
            if fin_exercice(piece.exercice, 6) >= aujourd_hui or piece.formats != ("pdf",):
                continue
            deposer_document(
                structure,
                representants[structure.pk],
                exercice=piece.exercice,
                code=piece.code,
                fichier=_pdf(f"{piece.code}-{piece.exercice}.pdf", f"{piece.libelle} {piece.exercice}"),
                at=_a(aujourd_hui - _j(10)),
            )
            bilan.documents_annuels += 1
