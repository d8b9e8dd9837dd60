"""Services de la Commission permanente : séances, inscriptions, élus, mandats, présences."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from aap.commission.models import Decision, Elu, Inscription, Presence, StatutPresence, StatutSeance
from aap.commission.services import (
    CommissionImpossible,
    desinscrire,
    enregistrer_elu,
    enregistrer_mandat,
    enregistrer_presences,
    enregistrer_seance,
    inscrire,
    propositions_inscriptibles,
)
from aap.core.models import AuditLog
from aap.demandes.choix import StatutDemande
from tests.commission.factories import EluFactory, InscriptionFactory, SeanceCPFactory
from tests.demandes.factories import EditionFactory
from tests.factories import StructureFactory
from tests.instruction.factories import PropositionFactory


def seance_avec(n: int = 2, **kwargs) -> tuple:
    """Une séance en préparation et `n` propositions inscrites (demandes validées)."""
    seance = SeanceCPFactory(**kwargs)
    inscriptions = [InscriptionFactory(seance=seance) for _ in range(n)]
    return seance, inscriptions


def test_creer_puis_modifier_une_seance_est_trace(gestionnaire):
    edition = EditionFactory()
    donnees = {"date": datetime.date(2026, 11, 23), "edition": edition, "phase": "Phase 1", "numero_rapport": 12}
    seance = enregistrer_seance(gestionnaire, donnees)
    assert seance.statut == StatutSeance.PREPARATION
    assert seance.creee_par == gestionnaire
    enregistrer_seance(gestionnaire, {"numero_deliberation": "2026-401"}, seance)
    seance.refresh_from_db()
    assert seance.numero_deliberation == "2026-401"
    actions = list(AuditLog.objects.for_object(seance).order_by("pk").values_list("action", flat=True))
    assert actions == ["seance_cp.creer", "seance_cp.modifier"]
    modification = AuditLog.objects.for_object(seance).get(action="seance_cp.modifier")
    assert modification.details == {"numero_deliberation": " → 2026-401"}


def test_seule_la_dpid_prepare_la_commission(agent_finances, agent_slai):
    for agent in (agent_finances, agent_slai):
        with pytest.raises(PermissionDenied):
            enregistrer_seance(agent, {"date": datetime.date(2026, 11, 23), "edition": EditionFactory(), "phase": "1"})


def test_une_seance_cloturee_ne_se_modifie_plus(gestionnaire):
    seance = SeanceCPFactory(statut=StatutSeance.CLOTUREE)
    with pytest.raises(CommissionImpossible):
        enregistrer_seance(gestionnaire, {"phase": "Phase 3"}, seance)


def test_propositions_inscriptibles(gestionnaire):
    seance = SeanceCPFactory()
    libre = PropositionFactory()
    ajournee = PropositionFactory(demande__statut=StatutDemande.AJOURNEE)
    brouillon = PropositionFactory(demande__statut=StatutDemande.RETIREE)
    deja_ici = InscriptionFactory(seance=seance).proposition
    ailleurs = InscriptionFactory(seance=SeanceCPFactory(date=datetime.date(2027, 1, 18))).proposition
    decidee_ailleurs = InscriptionFactory(
        seance=SeanceCPFactory(date=datetime.date(2026, 6, 1)), decision=Decision.AJOURNEE
    ).proposition
    autre_edition = PropositionFactory(demande__session__dispositif__edition=EditionFactory(annee=2027))
    ids = set(propositions_inscriptibles(seance).values_list("pk", flat=True))
    assert libre.pk in ids and ajournee.pk in ids and decidee_ailleurs.pk in ids
    assert not ids & {brouillon.pk, deja_ici.pk, ailleurs.pk, autre_edition.pk}


def test_inscrire_ignore_les_propositions_non_inscriptibles(gestionnaire):
    seance = SeanceCPFactory()
    bonnes = [PropositionFactory(), PropositionFactory()]
    retiree = PropositionFactory(demande__statut=StatutDemande.RETIREE)
    assert inscrire(seance, [*bonnes, retiree], gestionnaire) == 2
    assert set(seance.inscriptions.values_list("proposition_id", flat=True)) == {p.pk for p in bonnes}
    assert inscrire(seance, bonnes, gestionnaire) == 0
    assert AuditLog.objects.filter(action="seance_cp.inscrire").count() == 2


def test_pas_d_inscription_ni_de_retrait_apres_le_vote(gestionnaire):
    seance, (inscription,) = seance_avec(1, statut=StatutSeance.VOTEE)
    with pytest.raises(CommissionImpossible):
        inscrire(seance, [PropositionFactory()], gestionnaire)
    with pytest.raises(CommissionImpossible):
        desinscrire(inscription, gestionnaire)
    assert Inscription.objects.filter(pk=inscription.pk).exists()


def test_desinscrire(gestionnaire):
    seance, (inscription, autre) = seance_avec(2)
    desinscrire(inscription, gestionnaire)
    assert list(seance.inscriptions.all()) == [autre]
    assert AuditLog.objects.filter(action="seance_cp.desinscrire").count() == 1


def test_un_seul_president_en_fonction(gestionnaire):
    EluFactory(est_president=True)
    donnees = {"civilite": "M.", "prenom": "Jean", "nom": "Test", "groupe": "rn", "est_president": True, "actif": True}
    with pytest.raises(CommissionImpossible):
        enregistrer_elu(gestionnaire, donnees)
    elu = enregistrer_elu(gestionnaire, {**donnees, "est_president": False})
    assert Elu.objects.filter(pk=elu.pk, est_president=False).exists()
    assert AuditLog.objects.for_object(elu).get().action == "elu.creer"


def test_mandat_dates_ordonnees(gestionnaire):
    elu = EluFactory()
    structure = StructureFactory()
    with pytest.raises(CommissionImpossible):
        enregistrer_mandat(
            gestionnaire,
            elu,
            {
                "structure": structure,
                "fonction": "CA",
                "debut": datetime.date(2026, 5, 1),
                "fin": datetime.date(2026, 1, 1),
            },
        )
    mandat = enregistrer_mandat(gestionnaire, elu, {"structure": structure, "fonction": "Président du CCAS"})
    assert mandat.elu == elu and mandat.structure == structure


def test_presences_et_delegations(gestionnaire):
    seance = SeanceCPFactory()
    present, excuse, absent = EluFactory(), EluFactory(), EluFactory()
    saisie = {
        present.pk: (StatutPresence.PRESENT, None),
        excuse.pk: (StatutPresence.EXCUSE, present),
        absent.pk: (StatutPresence.ABSENT, None),
    }
    assert enregistrer_presences(seance, gestionnaire, saisie) == 3
    assert Presence.objects.get(seance=seance, elu=excuse).delegation_a == present
    # Une délégation à un élu non présent, ou depuis un élu présent, est refusée.
    with pytest.raises(CommissionImpossible):
        enregistrer_presences(seance, gestionnaire, {**saisie, excuse.pk: (StatutPresence.EXCUSE, absent)})
    with pytest.raises(CommissionImpossible):
        enregistrer_presences(seance, gestionnaire, {**saisie, present.pk: (StatutPresence.PRESENT, absent)})
    # Ressaisie : mise à jour, pas de doublon.
    enregistrer_presences(seance, gestionnaire, {**saisie, absent.pk: (StatutPresence.EXCUSE, present)})
    assert Presence.objects.filter(seance=seance).count() == 3
    assert Presence.objects.get(seance=seance, elu=absent).statut == StatutPresence.EXCUSE
