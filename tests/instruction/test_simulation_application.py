"""Répartition simulée d'une enveloppe : candidats lus en base, page de comparaison, application aux propositions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from aap.commission.models import StatutSeance
from aap.core.models import AuditLog
from aap.demandes.choix import StatutDemande
from aap.instruction import repartition
from aap.instruction.enveloppes import DepassementBudget
from aap.instruction.models import OrigineProposition, Proposition
from aap.instruction.notation import noter
from aap.instruction.propositions import proposer
from aap.instruction.repartition import appliquer_repartition, candidature
from aap.instruction.simulation import par_rang, proportionnelle
from tests.commission.factories import InscriptionFactory, SeanceCPFactory
from tests.instruction.factories import EnveloppeFactory
from tests.instruction.notation_outils import avec_grille, grille_uniforme
from tests.instruction.outils_propositions import demande_recue, dispositif_sur_ligne


@pytest.fixture
def enveloppe_et_demandes(monkeypatch):
    """Enveloppe de 10 000 € ; quatre demandes en instruction notées 90, 80, 70 et non notée, une en compléments."""
    dispositif, ligne = dispositif_sur_ligne()
    enveloppe = EnveloppeFactory(dispositif=dispositif, ligne=ligne, montant=Decimal("10000.00"))
    demandes = [demande_recue(dispositif, m) for m in ("6000.00", "5000.00", "3000.00", "1000.00")]
    demande_recue(dispositif, "9999.00", statut=StatutDemande.COMPLEMENTS)
    notes = dict(zip([d.pk for d in demandes[:3]], [Decimal("90"), Decimal("80"), Decimal("70")], strict=True))
    monkeypatch.setattr(repartition, "scores", lambda ids: {pk: n for pk, n in notes.items() if pk in ids})
    return enveloppe, demandes


def test_candidats_de_l_enveloppe(enveloppe_et_demandes):
    enveloppe, demandes = enveloppe_et_demandes
    cand = candidature(enveloppe)
    assert sorted(c.demande_id for c in cand.candidats) == sorted(d.pk for d in demandes)
    assert cand.disponible == Decimal("10000.00")
    # Sans budget saisi, le montant retenu d'une demande de test vaut 0 : le plafond est le retenu, jamais plus.
    assert all(c.montant <= d.montant_demande for c, d in zip(cand.candidats, demandes, strict=False))


def test_appliquer_par_rang(enveloppe_et_demandes, gestionnaire, monkeypatch):
    enveloppe, demandes = enveloppe_et_demandes
    monkeypatch.setattr(repartition, "montant_par_defaut", lambda d: d.montant_demande)
    cand = candidature(enveloppe)
    r = par_rang(cand.candidats, cand.disponible)
    # 6 000 (90) financée, 5 000 (80) ne tient pas, 3 000 (70) tient ; non notée : rien.
    assert appliquer_repartition(enveloppe, r, gestionnaire) == 2
    montants = dict(Proposition.objects.values_list("demande_id", "montant"))
    assert montants == {demandes[0].pk: Decimal("6000.00"), demandes[2].pk: Decimal("3000.00")}
    p = Proposition.objects.get(demande=demandes[0])
    assert p.origine == OrigineProposition.SIMULATION and p.enveloppe == enveloppe
    assert "Par rang jusqu'à épuisement : financée en totalité" in p.motivation
    assert AuditLog.objects.filter(action="instruction.appliquer_repartition").count() == 1
    # Toujours modifiable ensuite.
    assert proposer(demandes[0], gestionnaire, {"montant": Decimal("5000")}).montant == Decimal("5000.00")


def test_appliquer_proportionnelle_puis_par_rang_remplace(enveloppe_et_demandes, gestionnaire, monkeypatch):
    enveloppe, demandes = enveloppe_et_demandes
    monkeypatch.setattr(repartition, "montant_par_defaut", lambda d: d.montant_demande)
    cand = candidature(enveloppe)
    b = proportionnelle(cand.candidats, cand.disponible, Decimal("75"))
    appliquer_repartition(enveloppe, b, gestionnaire)
    montants = dict(Proposition.objects.values_list("demande_id", "montant"))
    assert montants == {demandes[0].pk: Decimal("5454.55"), demandes[1].pk: Decimal("4545.45")}
    # Appliquer l'autre stratégie : baisses d'abord, l'enveloppe n'est jamais dépassée en cours de route.
    appliquer_repartition(enveloppe, par_rang(cand.candidats, cand.disponible), gestionnaire)
    assert dict(Proposition.objects.values_list("demande_id", "montant")) == {
        demandes[0].pk: Decimal("6000.00"),
        demandes[2].pk: Decimal("3000.00"),
    }


def test_tout_ou_rien_si_la_ligne_est_depassee(enveloppe_et_demandes, gestionnaire, monkeypatch):
    enveloppe, _ = enveloppe_et_demandes
    monkeypatch.setattr(repartition, "montant_par_defaut", lambda d: d.montant_demande)
    type(enveloppe.ligne).objects.filter(pk=enveloppe.ligne_id).update(ae=Decimal("8999.99"))
    cand = candidature(enveloppe)
    with pytest.raises(DepassementBudget):
        appliquer_repartition(enveloppe, par_rang(cand.candidats, cand.disponible), gestionnaire)
    assert not Proposition.objects.exists()


def test_une_proposition_inscrite_est_figee_et_deduite(enveloppe_et_demandes, gestionnaire):
    enveloppe, demandes = enveloppe_et_demandes
    p = proposer(demandes[3], gestionnaire, {"montant": Decimal("1000")})
    InscriptionFactory(seance=SeanceCPFactory(edition=enveloppe.dispositif.edition), proposition=p)
    cand = candidature(enveloppe)
    assert demandes[3].pk not in {c.demande_id for c in cand.candidats}
    assert (cand.fige, cand.disponible) == (Decimal("1000.00"), Decimal("9000.00"))


def test_reserve_aux_gestionnaires(enveloppe_et_demandes, instructeur):
    enveloppe, _ = enveloppe_et_demandes
    cand = candidature(enveloppe)
    with pytest.raises(PermissionDenied):
        appliquer_repartition(enveloppe, par_rang(cand.candidats, cand.disponible), instructeur)


def test_notes_reelles_de_la_grille(gestionnaire, instructeur):
    dispositif, ligne = dispositif_sur_ligne()
    enveloppe = EnveloppeFactory(dispositif=dispositif, ligne=ligne)
    demande = avec_grille(demande_recue(dispositif))
    noter(demande, instructeur, grille_uniforme(demande, 3))
    (candidat,) = candidature(enveloppe).candidats
    assert candidat.score is not None and 0 < candidat.score <= 100
    assert candidat.montant == demande.montant_demande  # budget équilibré, rien d'écarté


def test_page_de_simulation(client, enveloppe_et_demandes, gestionnaire, instructeur, agent_slai, monkeypatch):
    enveloppe, demandes = enveloppe_et_demandes
    monkeypatch.setattr(repartition, "montant_par_defaut", lambda d: d.montant_demande)
    url = f"/instruction/enveloppes/{enveloppe.pk}/simulation/"
    client.force_login(agent_slai)
    assert client.get(url).status_code == 403
    client.force_login(instructeur)
    html = client.get(url + "?score_minimum=75").content.decode()
    assert "Appliquer la répartition" not in html
    assert "5\u00a0454,55\u00a0€" in html and "enveloppe épuisée" not in html
    assert "inférieure au minimum 75" in html and "non notée" in html
    client.post(url, {"strategie": "rang"})
    assert not Proposition.objects.exists()  # l'instructeur ne peut pas appliquer
    client.force_login(gestionnaire)
    reponse = client.post(url, {"strategie": "proportionnelle", "score_minimum": "75"})
    assert reponse.status_code == 302
    assert Proposition.objects.get(demande=demandes[1]).montant == Decimal("4545.45")


def test_proposition_deja_inscrite_meme_ajournee_reste_figee(enveloppe_et_demandes, gestionnaire):
    enveloppe, demandes = enveloppe_et_demandes
    p = proposer(demandes[3], gestionnaire, {"montant": Decimal("1000")})
    InscriptionFactory(
        seance=SeanceCPFactory(edition=enveloppe.dispositif.edition, statut=StatutSeance.VOTEE),
        proposition=p,
        decision="ajournee",
    )
    assert candidature(enveloppe).fige == Decimal("1000.00")
