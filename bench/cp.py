"""Banc de la Commission permanente (`make bench`) : une CP de 1 000 lignes d'annexe sur 300 structures, prise
dans les demandes du banc ; chronomètre la lecture du dossier, les contrôles de cohérence et chaque document
(DOCX, XLSX, PDF) un à un, puis la génération complète telle que l'application la lance (`generer_documents` :
contrôles et six documents, le PDF de l'annexe converti par LibreOffice en parallèle du rapport et de la
délibération), face à l'objectif de 5 s. Aucune assertion : c'est une mesure.

Tout ce qui est créé est marqué : la séance du 15/01/2099 (« Banc »), ses propositions et inscriptions sont
supprimées puis recréées à chaque exécution.
"""

from __future__ import annotations

import datetime
import gc
import random
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.db import transaction


DATE_SEANCE = datetime.date(2099, 1, 15)
OBJECTIF_S = 5.0


def preparer(nb_lignes: int = 1000, nb_structures: int = 300, graine: int = 62):
    """La séance du banc, garnie de `nb_lignes` propositions sur `nb_structures` structures au plus."""
    from aap.catalogue.models import Edition
    from aap.commission.models import Elu, Inscription, SeanceCP
    from aap.core.models import User
    from aap.demandes.models import Demande
    from aap.instruction.models import ModeleConvention, Proposition

    rng = random.Random(graine)
    with transaction.atomic():
        ancienne = SeanceCP.objects.filter(date=DATE_SEANCE).first()
        if ancienne is not None:
            propositions = list(ancienne.inscriptions.values_list("proposition_id", flat=True))
            ancienne.delete()
            Proposition.objects.filter(pk__in=propositions).delete()
        agent = User.objects.agents().order_by("pk").first() or User.objects.order_by("pk").first()
        if not Elu.objects.filter(est_president=True, actif=True).exists():
            Elu.objects.create(civilite="M.", prenom="Président", nom="Banc", groupe="socialiste", est_president=True)
        demandes = list(
            Demande.objects.filter(proposition__isnull=True, dispositif__edition__annee=2026)
            .select_related("dispositif__ligne_budgetaire")
            .prefetch_related("territoires")
            .order_by("pk")
        )
        par_structure: dict[int, list[Demande]] = defaultdict(list)
        for demande in demandes:
            par_structure[demande.structure_id].append(demande)
        structures = sorted(par_structure)[:nb_structures]
        choisies = [par_structure[s].pop(0) for s in structures]
        reste = [d for s in structures for d in par_structure[s]]
        rng.shuffle(reste)
        choisies += reste[: max(0, nb_lignes - len(choisies))]
        choisies = choisies[:nb_lignes]
        # Montants bornés pour que chaque ligne budgétaire reste sous son disponible (CP sans erreur).
        par_ligne: dict[int, int] = defaultdict(int)
        for demande in choisies:
            if demande.dispositif.ligne_budgetaire_id:
                par_ligne[demande.dispositif.ligne_budgetaire_id] += 1
        plafonds = {}
        for demande in choisies:
            ligne = demande.dispositif.ligne_budgetaire
            if ligne is not None:
                part = (ligne.ae - ligne.deja_engage) * Decimal("0.9") / par_ligne[ligne.pk]
                plafonds[ligne.pk] = part.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        seance = SeanceCP.objects.create(
            date=DATE_SEANCE,
            edition=Edition.objects.get(annee=2026),
            phase="Banc",
            numero_rapport=99,
            numero_deliberation="2099-001",
            date_cloture_depot=datetime.date(2026, 2, 15),
            date_avis_commissions=datetime.date(2099, 1, 5),
            creee_par=agent,
        )
        propositions = []
        for demande in choisies:
            ligne = demande.dispositif.ligne_budgetaire
            territoires = list(demande.territoires.all())
            demande_montant = demande.montant_demande or Decimal(rng.randint(5_000, 80_000))
            propositions.append(
                Proposition(
                    demande=demande,
                    montant=min(demande_montant, plafonds[ligne.pk]) if ligne else Decimal(0),
                    hors_budget=ligne is None,
                    etp=demande.etp,
                    places=demande.places,
                    dsp=demande.dsp,
                    participants=demande.participants,
                    postes_insertion=demande.postes_insertion,
                    date_debut=demande.date_debut or datetime.date(2026, 1, 1),
                    date_fin=demande.date_fin or datetime.date(2026, 12, 31),
                    territoire=territoires[0] if territoires else demande.structure.territoire,
                    modele_convention=ModeleConvention.TYPE,
                    reference_convention="Convention type",
                    ligne=ligne,
                    proposee_par=agent,
                )
            )
        Proposition.objects.bulk_create(propositions)
        Inscription.objects.bulk_create(
            [Inscription(seance=seance, proposition=p, inscrite_par=agent) for p in propositions]
        )
    return seance


def mesurer(afficher: Callable[[str], None] = print, nb_lignes: int = 1000, nb_structures: int = 300) -> dict:
    """Prépare la CP du banc, chronomètre chaque étape puis la génération complète ; renvoie les mesures."""
    from aap.commission.coherence import controler, erreurs
    from aap.commission.documents import conversion
    from aap.commission.documents.annexe import annexe_pdf, annexe_xlsx
    from aap.commission.documents.deliberation import deliberation_docx, deliberation_pdf
    from aap.commission.documents.rapport import rapport_docx, rapport_pdf
    from aap.commission.dossier import construire_dossier
    from aap.commission.generation import generer_documents

    seance = preparer(nb_lignes, nb_structures)
    # La préparation charge 10 000 demandes : sans ce ramassage, la collecte complète du ramasse-miettes tombe
    # pendant l'une des étapes mesurées (1 s de plus sur l'annexe XLSX, constaté) au lieu d'être comptée à part.
    gc.collect()
    mesures: dict[str, float] = {}

    def chrono(nom: str, fonction, *args):
        debut = time.perf_counter()
        resultat = fonction(*args)
        mesures[nom] = time.perf_counter() - debut
        return resultat

    moteur = "LibreOffice" if conversion.soffice() else "WeasyPrint"
    dossier = chrono("dossier (lecture et calcul)", construire_dossier, seance)
    incoherences = chrono("contrôles de cohérence", controler, dossier)
    with tempfile.TemporaryDirectory() as dossier_sortie:
        sortie = Path(dossier_sortie)
        chrono("rapport DOCX", rapport_docx, dossier, sortie / "rapport.docx")
        chrono("délibération DOCX", deliberation_docx, dossier, sortie / "deliberation.docx")
        chrono("annexe XLSX", annexe_xlsx, dossier, sortie / "annexe.xlsx")
        chrono("rapport PDF", rapport_pdf, dossier, sortie / "rapport.pdf")
        chrono("délibération PDF", deliberation_pdf, dossier, sortie / "deliberation.pdf")
        chrono(f"annexe PDF ({moteur})", annexe_pdf, dossier, sortie / "annexe.pdf")
        somme = sum(mesures.values())
        debut = time.perf_counter()
        generer_documents(seance, sortie / "generation")
        generation = time.perf_counter() - debut
    afficher(
        f"CP du banc : {len(dossier.lignes)} lignes d'annexe, {dossier.nb_structures} structures, "
        f"{len(dossier.thematiques)} thématique(s), {len(dossier.imputation)} ligne(s) budgétaire(s), "
        f"{len(erreurs(incoherences))} erreur(s), {len(incoherences) - len(erreurs(incoherences))} avertissement(s)"
    )
    for nom, duree in mesures.items():
        afficher(f"  {nom:<30} {duree:7.3f} s")
    afficher(f"  {'somme des étapes':<30} {somme:7.3f} s")
    verdict = "atteint" if generation < OBJECTIF_S else "MANQUÉ"
    afficher(
        f"  {'génération complète':<30} {generation:7.3f} s (generer_documents, annexe PDF en parallèle ; "
        f"objectif < {OBJECTIF_S:.0f} s : {verdict})"
    )
    return {
        "lignes": len(dossier.lignes),
        "structures": dossier.nb_structures,
        "erreurs": len(erreurs(incoherences)),
        "moteur_annexe_pdf": moteur,
        "durees_s": {nom: round(d, 3) for nom, d in mesures.items()},
        "total_s": round(somme, 3),
        "generation_s": round(generation, 3),
        "objectif_s": OBJECTIF_S,
    }
