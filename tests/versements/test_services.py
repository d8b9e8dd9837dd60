"""Services des versements : proposition calculée à l'exigibilité, validation refusée pour chaque blocage,
annulation, recalcul, paiement, trop-perçu au solde, convention soldée à la fin."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from aap.bilans.models import Bilan, DocumentAnnuel, StatutBilan
from aap.conventions.models import StatutConvention
from aap.core.models import AuditLog
from aap.versements import services
from aap.versements.blocages import blocages
from aap.versements.models import (
    ExportFinances,
    OrdreReversement,
    StatutEcheance,
    StatutVersement,
    Versement,
)
from aap.versements.services import VersementImpossible
from tests.conventions.factories import fabriquer_convention
from tests.versements.outils import accepter_bilan, convention_signee, instant, signer


D = Decimal
JOUR = instant(2026, 11, 2)


def exporter_et_payer(versement: Versement, gestionnaire, finances, date=datetime.date(2026, 11, 10)):
    export = ExportFinances.objects.create(cree_par=gestionnaire)
    Versement.objects.filter(pk=versement.pk).update(statut=StatutVersement.EXPORTE, export=export)
    versement.refresh_from_db()
    return services.enregistrer_paiement(versement, finances, date=date, reference=f"M{versement.pk}")


def test_signature_propose_l_avance_non_modulee(gestionnaire):
    convention = convention_signee()
    signer(convention, gestionnaire)
    avance = Versement.objects.get(convention=convention)
    assert avance.statut == StatutVersement.PROPOSE
    assert avance.montant == D("3000.00")
    assert avance.calcul["type"] == "avance" and avance.calcul["module"] is False
    assert avance.echeance.statut == StatutEcheance.EXIGIBLE
    assert AuditLog.objects.filter(action="versement.proposer", cible_id=str(avance.pk)).exists()


def test_acompte_module_par_le_bilan_intermediaire_accepte(gestionnaire):
    convention = convention_signee()
    operation = convention.operations.get()
    assert operation.engagements["dsp"] == "800" and operation.engagements["places"] == "140"
    signer(convention, gestionnaire)
    accepter_bilan(
        operation, "bilan_intermediaire", gestionnaire, realisations={"dsp": 600, "places": 126}, score=D(80)
    )
    acompte = Versement.objects.get(echeance__operation=operation, echeance__type="acompte")
    # volume (600/800 + 126/140) / 2 = 82,5 % ; qualité 80 % → 40 × 0,825 + 60 × 0,8 = 81 % ;
    # droit cumulé 10 000 × 80 % × 81 % = 6 480 € ; avance proposée 3 000 € → 3 480 €
    assert D(acompte.calcul["taux_atteinte"]) == D("0.81")
    assert acompte.calcul["droit"] == "6480.00"
    assert acompte.montant == D("3480.00")
    assert acompte.calcul["parts"][0]["mesures"][0]["cible"] == "800.00"


def test_acompte_nul_rend_l_echeance_sans_objet(gestionnaire):
    convention = convention_signee()
    operation = convention.operations.get()
    signer(convention, gestionnaire)
    accepter_bilan(operation, "bilan_intermediaire", gestionnaire, realisations={}, score=D(10))
    echeance = operation.echeances.get(type="acompte")
    assert echeance.statut == StatutEcheance.SANS_OBJET
    assert not hasattr(echeance, "versement")


@pytest.mark.parametrize("qui", ["porteur", "agent_finances", "agent_slai", "administrateur"])
def test_validation_reservee_a_la_dpid(qui, request, gestionnaire):
    convention = convention_signee()
    signer(convention, gestionnaire)
    with pytest.raises(PermissionDenied):
        services.valider_versement(convention.versements.get(), request.getfixturevalue(qui), at=JOUR)


def test_validation_liquide_l_echeance(gestionnaire):
    convention = convention_signee()
    signer(convention, gestionnaire)
    versement = services.valider_versement(convention.versements.get(), gestionnaire, at=JOUR)
    assert versement.statut == StatutVersement.VALIDE and versement.valide_par == gestionnaire
    assert versement.echeance.statut == StatutEcheance.LIQUIDEE
    with pytest.raises(VersementImpossible, match="rien à valider"):
        services.valider_versement(versement, gestionnaire, at=JOUR)


def test_validation_refusee_convention_non_signee(gestionnaire):
    from tests.factories import StructureFactory

    convention = fabriquer_convention(structure=StructureFactory(bic="AGRIFRPP862"), statut="signee_structure")
    signer(convention, gestionnaire)
    with pytest.raises(VersementImpossible) as erreur:
        services.valider_versement(convention.versements.get(), gestionnaire, at=JOUR)
    assert erreur.value.raisons == [
        f"La convention n° {convention.numero} n'est pas en vigueur (« Signée par la structure ») : "
        "aucun versement avant sa signature par le Département."
    ]


def test_validation_refusee_sans_rib(gestionnaire):
    convention = convention_signee(iban="")
    convention.structure.bic = ""
    convention.structure.save()
    signer(convention, gestionnaire)
    with pytest.raises(VersementImpossible) as erreur:
        services.valider_versement(convention.versements.get(), gestionnaire, at=JOUR)
    assert len(erreur.value.raisons) == 1
    assert "IBAN et BIC manquants" in erreur.value.raisons[0] and "article 5" in erreur.value.raisons[0]
    assert convention.versements.get().statut == StatutVersement.PROPOSE


def test_validation_refusee_documents_annuels_en_retard(gestionnaire):
    convention = convention_signee()
    signer(convention, gestionnaire)
    versement = convention.versements.get()
    # exercice 2026 (clôture au 31/12) : pièces dues le 30/06/2027 ; le bilan intermédiaire est accepté
    Bilan.objects.filter(operation__convention=convention, type="bilan_intermediaire").update(
        statut=StatutBilan.ACCEPTE
    )
    with pytest.raises(VersementImpossible) as erreur:
        services.valider_versement(versement, gestionnaire, at=instant(2027, 7, 1))
    (raison,) = erreur.value.raisons
    assert raison.startswith("Documents annuels en retard : Rapport d'activité complet 2026 (attendu le 30/06/2027)")
    assert services.valider_versement(versement, gestionnaire, at=instant(2027, 6, 30)).statut == "valide"


def test_validation_refusee_bilan_en_retard(gestionnaire):
    convention = convention_signee()
    signer(convention, gestionnaire)
    with pytest.raises(VersementImpossible) as erreur:
        services.valider_versement(convention.versements.get(), gestionnaire, at=instant(2027, 4, 1))
    (raison,) = erreur.value.raisons
    assert raison.startswith("Bilan intermédiaire de l'opération")
    assert "attendu le 31/03/2027 et non accepté (à produire)" in raison


def test_blocages_documents_deposes_levent_le_blocage(gestionnaire):
    convention = convention_signee()
    Bilan.objects.filter(operation__convention=convention).update(statut=StatutBilan.ACCEPTE)
    jour = datetime.date(2027, 7, 1)
    assert blocages(convention, jour)
    for code in ("rapport_activite", "comptes_annuels", "tableau_missions", "balance_generale"):
        DocumentAnnuel.objects.create(
            structure=convention.structure,
            exercice=2026,
            code=code,
            fichier="x.pdf",
            nom_original="x.pdf",
            depose_par=gestionnaire,
        )
    assert blocages(convention, jour) == []


def test_annulation_puis_rattrapage_par_le_droit_cumule(gestionnaire):
    convention = convention_signee()
    operation = convention.operations.get()
    signer(convention, gestionnaire)
    avance = convention.versements.get()
    with pytest.raises(VersementImpossible, match="motif"):
        services.annuler_versement(avance, gestionnaire, " ")
    services.annuler_versement(avance, gestionnaire, "RIB erroné")
    avance.refresh_from_db()
    assert avance.statut == StatutVersement.ANNULE and avance.echeance.statut == StatutEcheance.SANS_OBJET
    accepter_bilan(
        operation, "bilan_intermediaire", gestionnaire, realisations={"dsp": 800, "places": 140}, score=D(100)
    )
    acompte = Versement.objects.get(echeance__operation=operation, echeance__type="acompte")
    assert acompte.montant == D("8000.00")  # l'acompte reprend le droit cumulé (avance annulée)


def test_recalcul_apres_correction_du_bilan(gestionnaire):
    convention = convention_signee()
    operation = convention.operations.get()
    signer(convention, gestionnaire)
    bilan = accepter_bilan(
        operation, "bilan_intermediaire", gestionnaire, realisations={"dsp": 800, "places": 140}, score=D(50)
    )
    acompte = Versement.objects.get(echeance__operation=operation, echeance__type="acompte")
    assert acompte.montant == D("2600.00")  # 10 000 × 80 % × 70 % − 3 000
    bilan.score_qualite = D(100)
    bilan.save()
    assert services.recalculer(acompte, gestionnaire).montant == D("5000.00")
    services.valider_versement(acompte, gestionnaire, at=JOUR)
    with pytest.raises(VersementImpossible, match="proposé"):
        services.recalculer(acompte, gestionnaire)


def test_paiement_reserve_aux_finances_et_apres_export(gestionnaire, agent_finances):
    convention = convention_signee()
    signer(convention, gestionnaire)
    versement = services.valider_versement(convention.versements.get(), gestionnaire, at=JOUR)
    with pytest.raises(VersementImpossible, match="transmis aux finances"):
        services.enregistrer_paiement(versement, agent_finances, date=datetime.date(2026, 11, 5), reference="M1")
    with pytest.raises(PermissionDenied):
        services.enregistrer_paiement(versement, gestionnaire, date=datetime.date(2026, 11, 5), reference="M1")
    versement = exporter_et_payer(versement, gestionnaire, agent_finances)
    assert versement.statut == StatutVersement.PAYE and versement.paye_le == datetime.date(2026, 11, 10)
    assert versement.reference_paiement == f"M{versement.pk}"


def _cycle_jusqu_au_solde(gestionnaire, finances, final: dict, score: Decimal):
    convention = convention_signee()
    operation = convention.operations.get()
    signer(convention, gestionnaire)
    exporter_et_payer(
        services.valider_versement(convention.versements.get(), gestionnaire, at=JOUR), gestionnaire, finances
    )
    accepter_bilan(
        operation, "bilan_intermediaire", gestionnaire, realisations={"dsp": 600, "places": 126}, score=D(80)
    )
    acompte = Versement.objects.get(echeance__operation=operation, echeance__type="acompte")
    exporter_et_payer(services.valider_versement(acompte, gestionnaire, at=JOUR), gestionnaire, finances)
    accepter_bilan(operation, "bilan_final", gestionnaire, realisations=final, score=score)
    convention.refresh_from_db()
    return convention, operation


def test_convention_soldee_quand_tout_est_paye(gestionnaire, agent_finances):
    convention, operation = _cycle_jusqu_au_solde(gestionnaire, agent_finances, {"dsp": 1500, "places": 140}, D(90))
    solde = Versement.objects.get(echeance__operation=operation, echeance__type="solde")
    assert solde.montant == D("2795.20")  # droit final 9 275,20 € − 6 480 € versés
    assert convention.statut == StatutConvention.SIGNEE
    exporter_et_payer(services.valider_versement(solde, gestionnaire, at=JOUR), gestionnaire, agent_finances)
    convention.refresh_from_db()
    assert convention.statut == StatutConvention.SOLDEE
    assert AuditLog.objects.filter(action="convention.solder", cible_id=str(convention.pk)).exists()


def test_trop_percu_au_solde_puis_remboursements(gestionnaire, agent_finances):
    from aap.versements.reversements import annuler_reversement, enregistrer_remboursement

    convention, operation = _cycle_jusqu_au_solde(gestionnaire, agent_finances, {"dsp": 400, "places": 70}, D(50))
    # final : dsp 400/1600 = 25 %, places 50 % → volume 37,5 % ; qualité 50 % → 45 % ; droit 4 500 € ; versé 6 480 €
    solde = operation.echeances.get(type="solde")
    assert solde.statut == StatutEcheance.SANS_OBJET
    ordre = OrdreReversement.objects.get(operation=operation)
    assert ordre.origine == "modulation" and ordre.montant == D("1980.00") and ordre.statut == "emis"
    assert ordre.calcul["trop_percu"] == "1980.00"
    assert convention.statut == StatutConvention.SIGNEE

    with pytest.raises(PermissionDenied):
        enregistrer_remboursement(ordre, gestionnaire, montant=D("1"), recu_le=datetime.date.today())
    with pytest.raises(VersementImpossible, match="dépasse le reste dû"):
        enregistrer_remboursement(ordre, agent_finances, montant=D("1980.01"), recu_le=datetime.date.today())
    enregistrer_remboursement(ordre, agent_finances, montant=D("1000.00"), recu_le=datetime.date.today())
    ordre.refresh_from_db()
    assert ordre.statut == "partiel"
    with pytest.raises(VersementImpossible, match="Seul un ordre émis"):
        annuler_reversement(ordre, gestionnaire, "erreur")
    with pytest.raises(VersementImpossible, match=r"\(980.00 €\)"):
        enregistrer_remboursement(ordre, agent_finances, montant=D("980.01"), recu_le=datetime.date.today())
    enregistrer_remboursement(ordre, agent_finances, montant=D("980.00"), recu_le=datetime.date.today())
    ordre.refresh_from_db()
    convention.refresh_from_db()
    assert ordre.statut == "rembourse"
    assert convention.statut == StatutConvention.SOLDEE


def test_annulation_d_un_ordre_emis(gestionnaire, agent_finances):
    from aap.versements.reversements import annuler_reversement

    convention, operation = _cycle_jusqu_au_solde(gestionnaire, agent_finances, {}, D(0))
    ordre = OrdreReversement.objects.get(operation=operation)
    assert ordre.montant == D("6480.00")  # rien de réalisé : tout le versé est réclamé
    with pytest.raises(PermissionDenied):
        annuler_reversement(ordre, agent_finances, "x")
    annuler_reversement(ordre, gestionnaire, "Remise gracieuse décidée par la CP")
    ordre.refresh_from_db()
    convention.refresh_from_db()
    assert ordre.statut == "annule"
    assert convention.statut == StatutConvention.SOLDEE
