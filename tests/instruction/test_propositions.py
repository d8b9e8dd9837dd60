"""Proposer un financement : valeurs par défaut, règles, blocage au centime près sur l'enveloppe et la ligne."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aap.commission.models import Decision, StatutSeance
from aap.core.models import AuditLog
from aap.demandes.choix import StatutDemande
from aap.instruction.enveloppes import DepassementBudget
from aap.instruction.models import OrigineProposition, Proposition
from aap.instruction.propositions import PropositionImpossible, proposer, retirer_proposition
from tests.commission.factories import InscriptionFactory, SeanceCPFactory
from tests.factories import territoire
from tests.instruction.factories import EnveloppeFactory
from tests.instruction.outils_propositions import demande_recue, dispositif_sur_ligne


def test_valeurs_par_defaut_de_la_demande(instructeur):
    dispositif, ligne = dispositif_sur_ligne()
    demande = demande_recue(dispositif)
    assert demande.montant_demande > 0
    p = proposer(demande, instructeur)
    assert p.montant == demande.montant_demande
    assert (p.etp, p.places, p.dsp) == (demande.etp, demande.places, demande.dsp)
    assert (p.date_debut, p.date_fin) == (demande.date_debut, demande.date_fin)
    assert p.territoire == territoire("arrageois")
    assert p.ligne == ligne and p.enveloppe is None
    assert p.origine == OrigineProposition.INSTRUCTION and p.proposee_par == instructeur
    journal = AuditLog.objects.get(action="instruction.proposer")
    assert journal.acteur == instructeur and journal.details["montant"] == str(p.montant)


def test_demande_multi_territoires_proposee_sous_le_departement(instructeur):
    dispositif, _ = dispositif_sur_ligne()
    demande = demande_recue(dispositif, territoires=["arrageois", "artois"])
    assert proposer(demande, instructeur).territoire.est_departement


def test_enveloppe_du_territoire_sinon_du_dispositif(gestionnaire):
    dispositif, ligne = dispositif_sur_ligne()
    generale = EnveloppeFactory(dispositif=dispositif, ligne=ligne)
    autre_ligne = type(ligne).objects.create(
        edition=dispositif.edition, code_operation="C02-446A99", imputation="6574/93446", libelle="Autre", ae=10**6
    )
    arrageois = EnveloppeFactory(dispositif=dispositif, territoire=territoire("arrageois"), ligne=autre_ligne)
    p1 = proposer(demande_recue(dispositif, "1000.00"), gestionnaire, {"montant": Decimal("1000")})
    p2 = proposer(demande_recue(dispositif, "1000.00", ["calaisis"]), gestionnaire, {"montant": Decimal("1000")})
    assert (p1.enveloppe, p1.ligne) == (arrageois, autre_ligne)
    assert (p2.enveloppe, p2.ligne) == (generale, ligne)


def test_blocage_sur_l_enveloppe_au_centime(instructeur):
    dispositif, ligne = dispositif_sur_ligne()
    enveloppe = EnveloppeFactory(dispositif=dispositif, ligne=ligne, montant=Decimal("10000.00"))
    proposer(demande_recue(dispositif, "6000.00"), instructeur, {"montant": Decimal("6000.00")})
    seconde = demande_recue(dispositif, "5000.00")
    p = proposer(seconde, instructeur, {"montant": Decimal("4000.00")})  # égalité : passe
    assert p.enveloppe == enveloppe
    with pytest.raises(DepassementBudget) as exc:
        proposer(seconde, instructeur, {"montant": Decimal("4000.01")})
    message = str(exc.value)
    assert "enveloppe du dispositif" in message
    assert "déjà proposé 6\u00a0000,00\u00a0€" in message and "dépassement de 0,01\u00a0€" in message
    assert Proposition.objects.get(pk=p.pk).montant == Decimal("4000.00")  # rien n'a changé


def test_le_vote_compte_et_la_ligne_bloque_au_centime(instructeur):
    dispositif, ligne = dispositif_sur_ligne(ae="10000.00", deja_engage="1000.00")
    votee = proposer(demande_recue(dispositif, "3000.00"), instructeur, {"montant": Decimal("3000")})
    seance = SeanceCPFactory(edition=dispositif.edition, statut=StatutSeance.VOTEE)
    InscriptionFactory(seance=seance, proposition=votee, decision=Decision.APPROUVEE, montant_vote=Decimal("2500"))
    demande = demande_recue(dispositif, "7000.00")
    # disponible = 10 000 − 1 000 − 2 500 voté = 6 500 ; la proposition votée ne compte plus en « proposé ».
    assert proposer(demande, instructeur, {"montant": Decimal("6500.00")}).montant == Decimal("6500.00")
    with pytest.raises(DepassementBudget) as exc:
        proposer(demande, instructeur, {"montant": Decimal("6500.01")})
    assert [d.objet for d in exc.value.depassements] == [
        f"La ligne {ligne.code_operation} (AE disponible = AE − déjà engagé)"
    ]
    assert exc.value.depassements[0].vote == Decimal("2500.00")


def test_hors_budget_a_zero_sans_ligne(instructeur):
    dispositif, _ = dispositif_sur_ligne()
    demande = demande_recue(dispositif, "5000.00")
    p = proposer(demande, instructeur, {"hors_budget": True})
    assert (p.montant, p.ligne, p.enveloppe) == (0, None, None)
    with pytest.raises(PropositionImpossible, match="0,00"):
        proposer(demande, instructeur, {"hors_budget": True, "montant": Decimal("10")})


@pytest.mark.parametrize(
    ("donnees", "message"),
    [
        ({"montant": Decimal("5000.01")}, "dépasse le montant demandé"),
        ({"montant": Decimal("-1")}, "négatif"),
        ({"date_debut": datetime.date(2027, 1, 1), "date_fin": datetime.date(2026, 1, 1)}, "précède"),
    ],
)
def test_regles_du_montant_et_de_la_periode(instructeur, donnees, message):
    dispositif, _ = dispositif_sur_ligne()
    with pytest.raises(PropositionImpossible, match=message):
        proposer(demande_recue(dispositif, "5000.00"), instructeur, {"montant": Decimal("100"), **donnees})
    assert not Proposition.objects.exists()


@pytest.mark.parametrize("statut", [StatutDemande.DEPOSEE, StatutDemande.COMPLEMENTS, StatutDemande.ACCORDEE])
def test_seule_une_demande_en_instruction_recoit_une_proposition(instructeur, statut):
    dispositif, _ = dispositif_sur_ligne()
    with pytest.raises(PropositionImpossible, match="en instruction"):
        proposer(demande_recue(dispositif, "5000.00", statut=statut), instructeur, {"montant": Decimal("1")})


def test_demande_ajournee_repropose(instructeur):
    dispositif, _ = dispositif_sur_ligne()
    demande = demande_recue(dispositif, "5000.00", statut=StatutDemande.AJOURNEE)
    assert proposer(demande, instructeur, {"montant": Decimal("100")}).montant == Decimal("100.00")


@pytest.mark.parametrize("fixture", ["porteur", "agent_slai", "agent_finances"])
def test_reserve_a_la_dpid(request, fixture):
    dispositif, _ = dispositif_sur_ligne()
    with pytest.raises(PermissionDenied):
        proposer(demande_recue(dispositif, "5000.00"), request.getfixturevalue(fixture), {"montant": Decimal("1")})


def test_champ_inconnu_refuse(instructeur):
    dispositif, _ = dispositif_sur_ligne()
    with pytest.raises(TypeError):
        proposer(demande_recue(dispositif, "5000.00"), instructeur, {"montant_vote": Decimal("1")})


def test_mise_a_jour_garde_les_autres_champs(instructeur, gestionnaire):
    dispositif, _ = dispositif_sur_ligne()
    demande = demande_recue(dispositif, "5000.00")
    proposer(demande, instructeur, {"montant": Decimal("4000"), "places": 12, "complement": "Dont 2 ETP CIP"})
    p = proposer(demande, gestionnaire, {"montant": Decimal("3000")})
    assert (p.montant, p.places, p.complement, p.proposee_par) == (
        Decimal("3000.00"),
        12,
        "Dont 2 ETP CIP",
        gestionnaire,
    )
    assert Proposition.objects.count() == 1
    assert AuditLog.objects.filter(action="instruction.proposer").first().details["precedent"] == "4000.00"


def test_retirer_puis_impossible_une_fois_inscrite(instructeur):
    dispositif, _ = dispositif_sur_ligne()
    demande = demande_recue(dispositif, "5000.00")
    proposer(demande, instructeur, {"montant": Decimal("100")})
    retirer_proposition(demande, instructeur)
    assert not Proposition.objects.exists()
    assert AuditLog.objects.filter(action="instruction.retirer_proposition").count() == 1
    p = proposer(demande, instructeur, {"montant": Decimal("100")})
    InscriptionFactory(seance=SeanceCPFactory(edition=dispositif.edition), proposition=p)
    with pytest.raises(PropositionImpossible, match="inscrite à la Commission permanente du 14/12/2026"):
        retirer_proposition(demande, instructeur)
    # Inscrite à une séance en préparation : encore modifiable ; séance votée : figée.
    assert proposer(demande, instructeur, {"montant": Decimal("200")}).montant == Decimal("200.00")
    type(p.inscriptions.first().seance).objects.update(statut=StatutSeance.VOTEE)
    with pytest.raises(PropositionImpossible, match="ne peut plus être modifiée"):
        proposer(demande, instructeur, {"montant": Decimal("300")})


def test_ligne_puis_enveloppe_verrouillees_pendant_la_verification(instructeur):
    """Deux agents ne passent pas tous deux sur le dernier euro : la vérification se fait sous verrou."""
    dispositif, ligne = dispositif_sur_ligne()
    EnveloppeFactory(dispositif=dispositif, ligne=ligne)
    demande = demande_recue(dispositif, "5000.00")
    with CaptureQueriesContext(connection) as requetes:
        proposer(demande, instructeur, {"montant": Decimal("100")})
    verrous = [q["sql"] for q in requetes.captured_queries if "FOR UPDATE" in q["sql"]]
    tables = [
        next(t for t in ("catalogue_lignebudgetaire", "instruction_enveloppe", "demandes_demande") if t in sql)
        for sql in verrous
    ]
    assert tables == ["demandes_demande", "catalogue_lignebudgetaire", "instruction_enveloppe"]
    premier_calcul = next(i for i, q in enumerate(requetes.captured_queries) if "SUM(" in q["sql"])
    dernier_verrou = max(i for i, q in enumerate(requetes.captured_queries) if "FOR UPDATE" in q["sql"])
    assert dernier_verrou < premier_calcul
