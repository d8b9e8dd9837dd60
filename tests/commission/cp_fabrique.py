"""Construction rapide d'une séance de CP garnie, pour les tests du dossier, des contrôles et des documents.

`seance_garnie()` : deux thématiques (1 et 5), trois dispositifs, trois territoires, une ligne hors budget,
une structure présente sur deux territoires, une convention spécifique et un avenant ; les lignes
budgétaires sont celles des dispositifs."""

from __future__ import annotations

import datetime
from decimal import Decimal

from aap.catalogue.models import Dispositif, LigneBudgetaire
from aap.commission.models import Inscription, SeanceCP
from aap.demandes.choix import StatutDemande
from aap.instruction.models import ModeleConvention
from aap.structures.models import Structure
from tests.commission.factories import SeanceCPFactory
from tests.demandes.factories import AxeFactory, DemandeFactory, DispositifFactory, EditionFactory, SessionAppelFactory
from tests.factories import StructureFactory, UserFactory, territoire
from tests.instruction.factories import LigneBudgetaireFactory, PropositionFactory


def dispositif(
    axe: int, libelle: str, code: str, ordre: int, ligne: LigneBudgetaire | None = None, **kwargs
) -> Dispositif:
    edition = EditionFactory()
    d = DispositifFactory(
        edition=edition, axe=AxeFactory(edition=edition, numero=axe, libelle=libelle), code=code, ordre=ordre, **kwargs
    )
    if ligne is not None:
        d.ligne_budgetaire = ligne
        d.save(update_fields=["ligne_budgetaire"])
    SessionAppelFactory(dispositif=d)
    return d


def inscrire(
    seance: SeanceCP,
    d: Dispositif,
    structure: Structure,
    montant: Decimal | str,
    territoire_code: str = "arrageois",
    **proposition,
) -> Inscription:
    demande = DemandeFactory(
        dispositif=d, session=d.sessions.first(), structure=structure, statut=StatutDemande.VALIDEE
    )
    valeurs = {
        "etp": Decimal("1.50"),
        "places": 100,
        "dsp": None,
        "participants": None,
        "postes_insertion": None,
        "date_debut": datetime.date(2026, 1, 1),
        "date_fin": datetime.date(2026, 12, 31),
        **proposition,
    }
    p = PropositionFactory(
        demande=demande, montant=Decimal(montant), territoire=territoire(territoire_code), **valeurs
    )
    return Inscription.objects.create(seance=seance, proposition=p, inscrite_par=seance.creee_par)


def seance_garnie(date: datetime.date = datetime.date(2026, 5, 26)) -> SeanceCP:
    seance = SeanceCPFactory(date=date, phase="Phase 1", numero_rapport=35, numero_deliberation="2026-187")
    seance.date_cloture_depot = datetime.date(2026, 2, 15)
    seance.date_avis_commissions = datetime.date(2026, 5, 4)
    seance.save()
    edition = seance.edition
    l1 = LigneBudgetaireFactory(
        edition=edition, code_operation="C02-446A05", imputation="6568/93446",
        libelle="Indemnisation des organismes référents", ae=Decimal("10530772.66"), deja_engage=Decimal("1593962.70"),
    )  # fmt: skip
    l2 = LigneBudgetaireFactory(
        edition=edition, code_operation="C01-444H02", imputation="6568/93444",
        libelle="Appui au parcours intégré 2021-2027", ae=Decimal("10082910.00"),
    )  # fmt: skip
    d11 = dispositif(1, "Parcours accompagnement RSA", "1.1", 1, l1, titre="Dynamisation des parcours")
    d13 = dispositif(1, "Parcours accompagnement RSA", "1.3", 3, l1, titre="Accompagnement intensif")
    d55 = dispositif(5, "Contreparties FSE", "5.5", 5, l2, titre="Aide à l'encadrement dans les ACI")
    a = StructureFactory(raison_sociale="Association Alpha")
    b = StructureFactory(raison_sociale="Bêta Insertion")
    c = StructureFactory(raison_sociale="Centre Gamma")
    inscrire(seance, d11, a, "245637.60", "arrageois", etp=Decimal("2.50"), dsp=268, places=151)
    inscrire(seance, d11, b, "245637.60", "calaisis", etp=Decimal("2.50"), dsp=268, places=151)
    inscrire(seance, d13, a, "100000.05", "arrageois", etp=Decimal("3.20"), places=200)
    inscrire(seance, d13, a, "50000.00", "lens-lievin", etp=Decimal("1"), places=100)
    inscrire(
        seance, d13, c, "0", "calaisis", places=50, hors_budget=True, modele_convention=ModeleConvention.SPECIFIQUE,
        complement="Financée par le FSL",
    )  # fmt: skip
    inscrire(seance, d55, b, "27000.00", "calaisis", etp=None, places=None, postes_insertion=10)
    inscrire(
        seance, d55, c, "6000.00", "lens-lievin", etp=None, places=None, postes_insertion=2,
        modele_convention=ModeleConvention.AVENANT, reference_convention="Avenant n° 1 à 2025-05266",
    )  # fmt: skip
    return seance


__all__ = ["dispositif", "inscrire", "seance_garnie", "UserFactory"]
