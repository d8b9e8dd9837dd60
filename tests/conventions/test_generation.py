"""Génération des conventions d'une séance : une par structure, idempotente, numérotation annuelle."""

from __future__ import annotations

import datetime
import io
import threading
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from docx import Document

from aap.bilans.models import Bilan
from aap.commission.models import Decision, StatutSeance, Vote
from aap.conventions.generation import (
    CompteRendu,
    GenerationImpossible,
    generer_conventions_seance,
    numero_suivant,
    regenerer_document,
)
from aap.conventions.models import Convention, Numerotation, StatutConvention
from aap.core.models import AuditLog
from aap.demandes.choix import StatutDemande
from aap.instruction.models import ModeleConvention
from aap.versements.models import Echeance
from tests.commission.factories import InscriptionFactory, SeanceCPFactory
from tests.conventions.factories import fabriquer_convention, inscription_approuvee
from tests.demandes.factories import DemandeFactory
from tests.factories import StructureFactory, UserFactory
from tests.instruction.factories import PropositionFactory


def voter(seance, adopte: bool = True):
    Vote.objects.create(
        seance=seance, pour=30, contre=0, abstention=12, adopte=adopte, enregistre_par=UserFactory(role="gestionnaire")
    )
    seance.statut = StatutSeance.VOTEE
    seance.save(update_fields=["statut"])
    return seance


@pytest.fixture
def seance():
    return SeanceCPFactory()


@pytest.fixture
def inscriptions(seance):
    alpha = StructureFactory(raison_sociale="Alpha Insertion")
    beta = StructureFactory(raison_sociale="Beta Solidarité")
    gamma = StructureFactory(raison_sociale="Gamma Jeunes")
    a1 = inscription_approuvee(alpha, Decimal("10000.01"), seance)
    a2 = inscription_approuvee(alpha, Decimal("2500.50"), seance)
    b1 = inscription_approuvee(beta, Decimal("30000.00"), seance)
    avenant = inscription_approuvee(gamma, Decimal("6000.00"), seance)
    avenant.proposition.modele_convention = ModeleConvention.AVENANT
    avenant.proposition.save(update_fields=["modele_convention"])
    rejetee = InscriptionFactory(seance=seance, decision=Decision.REJETEE)
    voter(seance)
    return {"alpha": (a1, a2), "beta": (b1,), "avenant": avenant, "rejetee": rejetee}


def test_une_convention_par_structure_avec_toutes_ses_operations(seance, inscriptions, gestionnaire):
    compte = CompteRendu()
    conventions = generer_conventions_seance(seance, gestionnaire, compte=compte)
    assert [c.structure.raison_sociale for c in conventions] == ["Alpha Insertion", "Beta Solidarité"]
    assert [c.numero for c in conventions] == ["2026-00001", "2026-00002"]
    alpha = conventions[0]
    assert alpha.montant == Decimal("12500.51")
    assert alpha.statut == StatutConvention.GENEREE and alpha.generee_par == gestionnaire
    assert alpha.objet.startswith("Définition du partenariat entre le Département et Alpha Insertion – ")
    operations = list(alpha.operations.order_by("rang"))
    assert [op.rang for op in operations] == [1, 2]
    assert {op.inscription for op in operations} == set(inscriptions["alpha"])
    for op in operations:
        assert sum(Echeance.objects.filter(operation=op).values_list("montant_prevu", flat=True)) == op.montant
        assert Bilan.objects.filter(operation=op).count() == 2
        assert op.regles["echeancier"][0]["type"] == "avance"
    assert compte.par_avenant == [inscriptions["avenant"]]
    assert any("À traiter par avenant" in ligne for ligne in compte.lignes())
    document = Document(io.BytesIO(alpha.fichier.read()))
    texte = "\n".join(p.text for p in document.paragraphs)
    assert "CONVENTION N° 2026-00001" in texte
    assert AuditLog.objects.filter(action="convention.generer").count() == 2


def test_relancer_ne_cree_rien(seance, inscriptions, gestionnaire):
    generer_conventions_seance(seance, gestionnaire)
    assert generer_conventions_seance(seance, gestionnaire) == []
    assert Convention.objects.count() == 2
    assert Numerotation.objects.get(annee=2026).dernier == 2


def test_une_decision_tardive_complete_la_convention_encore_generee(seance, inscriptions, gestionnaire):
    generer_conventions_seance(seance, gestionnaire)
    alpha = inscriptions["alpha"][0].proposition.demande.structure
    inscription_approuvee(alpha, Decimal("1000.00"), seance)
    compte = CompteRendu()
    (convention,) = generer_conventions_seance(seance, gestionnaire, compte=compte)
    assert compte.completees == [convention] and compte.creees == []
    assert list(convention.operations.values_list("rang", flat=True)) == [1, 2, 3]
    assert convention.montant == Decimal("13500.51")


def test_convention_deja_envoyee_non_modifiee(seance, inscriptions, gestionnaire):
    (alpha, _beta) = generer_conventions_seance(seance, gestionnaire)
    Convention.objects.filter(pk=alpha.pk).update(statut=StatutConvention.ENVOYEE)
    nouvelle = inscription_approuvee(alpha.structure, Decimal("1000.00"), seance)
    compte = CompteRendu()
    assert generer_conventions_seance(seance, gestionnaire, compte=compte) == []
    assert compte.convention_signee == [nouvelle]


def test_seance_non_votee_refusee(gestionnaire):
    seance = SeanceCPFactory()
    inscription_approuvee(StructureFactory(), Decimal("100.00"), seance)
    with pytest.raises(GenerationImpossible, match="vote"):
        generer_conventions_seance(seance, gestionnaire)
    voter(seance, adopte=False)
    with pytest.raises(GenerationImpossible, match="pas été adopté"):
        generer_conventions_seance(seance, gestionnaire)
    assert not Convention.objects.exists()


def test_numeros_sequentiels_par_annee_jamais_reutilises():
    assert numero_suivant(2026).texte == "2026-00001"
    assert numero_suivant(2026).texte == "2026-00002"
    assert numero_suivant(2027).texte == "2027-00001"
    assert numero_suivant(2026, "CONV-{annee}-{sequence:03d}").texte == "CONV-2026-003"


def test_numero_d_une_convention_resiliee_non_reutilise(gestionnaire):
    convention = fabriquer_convention(statut=StatutConvention.GENEREE)
    Convention.objects.filter(pk=convention.pk).update(statut=StatutConvention.RESILIEE)
    suivant = numero_suivant(convention.annee)
    assert suivant.sequence == convention.sequence + 1
    Convention.objects.filter(pk=convention.pk).delete()  # même supprimée, son numéro reste pris
    assert numero_suivant(convention.annee).sequence == convention.sequence + 2


@pytest.mark.django_db(transaction=True)
def test_numerotation_concurrente_sans_doublon():
    numeros: list[str] = []
    erreurs: list[BaseException] = []
    depart = threading.Barrier(6)

    def attribuer():
        try:
            depart.wait()
            for _ in range(5):
                numeros.append(numero_suivant(2031).texte)
        except BaseException as exc:  # noqa: BLE001 - remonté au fil principal
            erreurs.append(exc)
        finally:
            connection.close()

    fils = [threading.Thread(target=attribuer) for _ in range(6)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join()
    assert erreurs == []
    assert sorted(numeros) == [f"2031-{n:05d}" for n in range(1, 31)]


def test_regenerer_le_document(seance, inscriptions, gestionnaire):
    convention = generer_conventions_seance(seance, gestionnaire)[0]
    ancien = convention.fichier.name
    convention = regenerer_document(convention, gestionnaire)
    assert convention.fichier.name != ancien or convention.fichier.size > 0
    assert AuditLog.objects.filter(action="convention.regenerer", cible_id=str(convention.pk)).exists()
    Convention.objects.filter(pk=convention.pk).update(statut=StatutConvention.ENVOYEE)
    with pytest.raises(GenerationImpossible, match="déjà été envoyée"):
        regenerer_document(convention, gestionnaire)


def test_commande_generate_conventions(seance, inscriptions, gestionnaire):
    sortie = io.StringIO()
    call_command("generate_conventions", "2026-12-14", "--acteur", gestionnaire.email, stdout=sortie)
    texte = sortie.getvalue()
    assert "Convention 2026-00001 générée" in texte and "À traiter par avenant" in texte
    assert "2 convention(s) générée(s)" in texte
    sortie = io.StringIO()
    call_command("generate_conventions", "2026-12-14", "--acteur", gestionnaire.email, stdout=sortie)
    assert "0 convention(s) générée(s)" in sortie.getvalue()


def test_commande_sans_seance():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Aucune séance"):
        call_command("generate_conventions", "2020-01-01")


def test_generation_avec_le_catalogue_reel(catalogue_2026, gestionnaire):
    """Une fiche détaillée (5.1) et un dispositif sans fiche (règles par défaut de l'édition) dans une convention."""
    seance = SeanceCPFactory(date=datetime.date(2026, 5, 26), edition=catalogue_2026)
    structure = StructureFactory(raison_sociale="Mission Locale de l'Artois")
    avec_fiche = catalogue_2026.dispositifs.get(code="5.1")
    sans_fiche = catalogue_2026.dispositifs.filter(fiche_code="").first()
    inscription_approuvee(structure, Decimal("30000.00"), seance, dispositif=avec_fiche)
    demande = DemandeFactory(structure=structure, dispositif=sans_fiche, statut=StatutDemande.ACCORDEE)
    InscriptionFactory(
        seance=seance,
        proposition=PropositionFactory(demande=demande, montant=Decimal("12000.00")),
        decision=Decision.APPROUVEE,
        montant_vote=Decimal("12000.00"),
    )
    voter(seance)
    (convention,) = generer_conventions_seance(seance, gestionnaire)
    operations = list(convention.operations.order_by("rang"))
    assert [op.dispositif for op in operations] == [sans_fiche, avec_fiche]  # ordre du catalogue
    echeances = list(operations[0].echeances.values_list("type", "taux"))
    assert echeances == [("avance", Decimal("60.00")), ("solde", Decimal("40.00"))]  # edition.yaml, sans fiche
    assert operations[1].regles["source"] == "fiche F01"
    document = Document(io.BytesIO(convention.fichier.read()))
    texte = "\n".join(p.text for p in document.paragraphs)
    assert "quarante-deux mille euros" in texte
    assert "Fiche opération : « " + avec_fiche.titre + " »" in texte
    assert "Fiche opération : « " + sans_fiche.titre + " »" in texte
