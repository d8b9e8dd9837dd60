"""Décisions par demande après le vote, transitions des demandes, notifications (courriel + courrier PDF)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core import mail
from pypdf import PdfReader

from aap.commission.models import Decision, StatutSeance, Vote
from aap.commission.services import CommissionImpossible
from aap.commission.services_decisions import (
    ajourner,
    approuver,
    approuver_tout,
    notifier,
    rejeter,
)
from aap.core.models import AuditLog
from aap.demandes.choix import StatutDemande
from tests.commission.test_services import seance_avec
from tests.factories import MembreFactory, UserFactory


def seance_votee(n: int = 2, adopte: bool = True, **kwargs) -> tuple:
    seance, inscriptions = seance_avec(n, statut=StatutSeance.VOTEE, **kwargs)
    Vote.objects.create(
        seance=seance,
        pour=10,
        contre=0 if adopte else 12,
        abstention=0,
        adopte=adopte,
        enregistre_par=UserFactory(role="gestionnaire"),
    )
    return seance, inscriptions


def texte_pdf(contenu: bytes) -> str:
    texte = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(contenu)).pages)
    return " ".join(texte.replace("\u00a0", " ").split())


def test_approuver_au_montant_propose_par_defaut(gestionnaire):
    _, (inscription, _) = seance_votee()
    approuver(inscription, gestionnaire)
    inscription.refresh_from_db()
    demande = inscription.proposition.demande
    demande.refresh_from_db()
    assert inscription.decision == Decision.APPROUVEE
    assert inscription.montant_vote == inscription.proposition.montant
    assert inscription.decidee_par == gestionnaire
    assert demande.statut == StatutDemande.ACCORDEE
    actions = set(AuditLog.objects.for_object(demande).values_list("action", flat=True))
    assert {"demande.accorder", "inscription.approuvee"} <= actions


def test_montant_vote_jamais_superieur_au_propose(gestionnaire):
    _, (inscription, autre) = seance_votee()
    propose = inscription.proposition.montant
    with pytest.raises(CommissionImpossible):
        approuver(inscription, gestionnaire, propose + Decimal("0.01"))
    inscription.refresh_from_db()
    assert inscription.decision == ""
    assert inscription.proposition.demande.statut == StatutDemande.VALIDEE
    approuver(autre, gestionnaire, Decimal("1234.565"))
    autre.refresh_from_db()
    assert autre.montant_vote == Decimal("1234.57")


def test_rejeter_et_ajourner_exigent_un_motif(gestionnaire):
    _, (a, b) = seance_votee()
    with pytest.raises(CommissionImpossible):
        rejeter(a, gestionnaire, "  ")
    rejeter(a, gestionnaire, "Action déjà financée par ailleurs.")
    ajourner(b, gestionnaire, "Budget à préciser.")
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.decision, a.montant_vote, a.motif) == (Decision.REJETEE, None, "Action déjà financée par ailleurs.")
    assert a.proposition.demande.statut == StatutDemande.REJETEE
    assert b.decision == Decision.AJOURNEE
    assert b.proposition.demande.statut == StatutDemande.AJOURNEE


def test_une_decision_est_definitive_et_suit_le_vote(gestionnaire):
    seance, (inscription,) = seance_avec(1)
    with pytest.raises(CommissionImpossible, match="après le vote"):
        approuver(inscription, gestionnaire)
    _, (decidee,) = seance_votee(1, date=seance.date.replace(year=2027))
    approuver(decidee, gestionnaire)
    with pytest.raises(CommissionImpossible, match="déjà enregistrée"):
        rejeter(decidee, gestionnaire, "Changement d'avis")


def test_rapport_non_adopte_aucune_approbation(gestionnaire):
    _, (inscription,) = seance_votee(1, adopte=False)
    with pytest.raises(CommissionImpossible, match="pas été adopté"):
        approuver(inscription, gestionnaire)
    inscription = rejeter(inscription, gestionnaire, "Rapport non adopté.")
    assert inscription.proposition.demande.statut == StatutDemande.REJETEE


def test_demande_retiree_entre_temps(gestionnaire):
    _, (inscription,) = seance_votee(1)
    demande = inscription.proposition.demande
    demande.statut = StatutDemande.RETIREE
    demande.save()
    with pytest.raises(CommissionImpossible, match=demande.reference):
        approuver(inscription, gestionnaire)
    inscription.refresh_from_db()
    assert inscription.decision == ""


def test_tout_approuver_est_tout_ou_rien(gestionnaire):
    seance, (a, b, c) = seance_votee(3)
    rejeter(a, gestionnaire, "Hors critères.")
    assert approuver_tout(seance, gestionnaire) == 2
    assert set(seance.inscriptions.values_list("decision", flat=True)) == {Decision.REJETEE, Decision.APPROUVEE}
    # Une demande impossible à accorder bloque toute la série.
    seance2, (d, e) = seance_votee(2, date=seance.date.replace(year=2027))
    e.proposition.demande.statut = StatutDemande.RETIREE
    e.proposition.demande.save()
    with pytest.raises(CommissionImpossible):
        approuver_tout(seance2, gestionnaire)
    assert not seance2.inscriptions.exclude(decision="").exists()


def test_notification_courriel_et_courrier_pdf(gestionnaire):
    seance, (accordee, ajournee) = seance_votee()
    structure = accordee.proposition.demande.structure
    membres = [MembreFactory(structure=structure), MembreFactory(structure=structure, role="gestionnaire")]
    MembreFactory(structure=structure, role="lecteur", actif=False)
    approuver(accordee, gestionnaire, Decimal("14256.96"))
    assert notifier(seance, gestionnaire) == 1  # la seconde n'est pas décidée
    accordee.refresh_from_db()
    assert accordee.notifiee_le is not None and accordee.courrier
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.user.email for m in membres)
    message = mail.outbox[0]
    assert accordee.proposition.demande.reference in message.subject
    assert "14 256,96 €" in message.body.replace("\u00a0", " ")
    nom, contenu, type_mime = message.attachments[0]
    assert type_mime == "application/pdf" and nom.endswith(".pdf")
    texte = texte_pdf(contenu)
    assert "14 256,96 €" in texte
    assert seance.date.strftime("%d/%m/%Y") in texte
    assert structure.raison_sociale in texte and structure.commune in texte
    assert "subvention accordée" in texte
    with accordee.courrier.open("rb") as f:
        assert f.read() == contenu
    seance.refresh_from_db()
    assert seance.statut == StatutSeance.VOTEE  # tout n'est pas notifié
    ajourner(ajournee, gestionnaire, "Pièces justificatives à produire.")
    mail.outbox.clear()
    assert notifier(seance, gestionnaire) == 1
    assert mail.outbox == []  # la structure de la seconde demande n'a pas de membre
    texte = texte_pdf(ajournee_courrier(ajournee))
    assert "Pièces justificatives à produire." in texte and "ajourné" in texte
    seance.refresh_from_db()
    assert seance.statut == StatutSeance.CLOTUREE
    assert AuditLog.objects.for_object(seance).filter(action="seance_cp.cloturer").count() == 1


def ajournee_courrier(inscription) -> bytes:
    inscription.refresh_from_db()
    with inscription.courrier.open("rb") as f:
        return f.read()


def test_pas_de_double_notification(gestionnaire):
    seance, (inscription,) = seance_votee(1)
    MembreFactory(structure=inscription.proposition.demande.structure)
    rejeter(inscription, gestionnaire, "Hors critères.")
    assert notifier(seance, gestionnaire) == 1
    assert notifier(seance, gestionnaire) == 0
    assert len(mail.outbox) == 1
