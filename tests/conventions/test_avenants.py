"""Avenants : qui peut les demander et quand, période refusée sans événement exceptionnel, CP requise sur une
hausse, différences, décision, rattachement à la CP, signature (nouvelle version, rééchelonnement au centime,
bilans redatés, reversement du trop-versé)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from aap.bilans.models import StatutBilan
from aap.commission.models import StatutSeance, Vote
from aap.conventions import avenants
from aap.conventions.avenants import decider, demander_avenant, rattacher_decision_cp, signer_avenant
from aap.conventions.models import Avenant, Convention, StatutAvenant, StatutConvention, TypeAvenant
from aap.conventions.services import ConventionImpossible
from aap.core.models import AuditLog, Role
from aap.structures.models import Membre, RoleMembre
from aap.versements.models import OrdreReversement, StatutEcheance, Versement
from tests.commission.factories import SeanceCPFactory
from tests.conventions.factories import fabriquer_convention
from tests.factories import MembreFactory, UserFactory


@pytest.fixture(autouse=True)
def avenant_word(monkeypatch):
    """Le rendu Word est testé avec les documents ; ici un contenu fixe suffit."""
    monkeypatch.setattr("aap.conventions.documents.rendre_avenant", lambda avenant: b"PK avenant factice")


def signee(porteur, montants=None) -> Convention:
    structure = Membre.objects.get(user=porteur).structure
    return fabriquer_convention(structure=structure, montants=montants, statut=StatutConvention.SIGNEE)


def financier(convention, acteur, nouveaux: list[str], **kwargs) -> Avenant:
    ops = list(convention.operations.order_by("rang"))
    return demander_avenant(
        convention,
        acteur,
        type=TypeAvenant.FINANCIER,
        motif=kwargs.pop("motif", "Hausse de l'activité constatée."),
        montants={op.pk: Decimal(m) for op, m in zip(ops, nouveaux, strict=True)},
        **kwargs,
    )


def periode(convention, acteur, date_fin: datetime.date, evenement: str = "") -> Avenant:
    return demander_avenant(
        convention,
        acteur,
        type=TypeAvenant.PERIODE,
        motif="Report de l'action.",
        date_fin=date_fin,
        evenement_exceptionnel=evenement,
    )


def seance_votee():
    seance = SeanceCPFactory(date=datetime.date(2027, 3, 8), statut=StatutSeance.VOTEE)
    Vote.objects.create(
        seance=seance, pour=50, contre=10, abstention=5, adopte=True, enregistre_par=UserFactory(role="gestionnaire")
    )
    return seance


def liquider(echeance, montant: str | None = None) -> Versement:
    echeance.statut = StatutEcheance.LIQUIDEE
    echeance.save()
    return Versement.objects.create(
        echeance=echeance,
        convention=echeance.operation.convention,
        montant=Decimal(montant or echeance.montant_prevu),
        statut="valide",
    )


# --- Demande -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("statut", [s for s in StatutConvention.values if s != StatutConvention.SIGNEE])
def test_avenant_seulement_sur_une_convention_signee(statut, porteur):
    convention = signee(porteur)
    convention.statut = statut
    convention.save()
    with pytest.raises(ConventionImpossible, match="convention signée"):
        financier(convention, porteur, ["12000.00"])
    assert not Avenant.objects.exists()


def test_avenant_periode_refuse_sans_evenement_exceptionnel(porteur):
    convention = signee(porteur)
    with pytest.raises(ConventionImpossible, match="aléa majeur et exceptionnel"):
        periode(convention, porteur, convention.date_fin + datetime.timedelta(days=90))
    assert not Avenant.objects.exists()


def test_avenant_periode_accepte_avec_un_evenement_justifie(porteur):
    convention = signee(porteur)
    nouvelle_fin = convention.date_fin + datetime.timedelta(days=90)
    avenant = periode(convention, porteur, nouvelle_fin, "Inondation des locaux en novembre, activité suspendue.")
    assert avenant.statut == StatutAvenant.DEMANDE
    assert avenant.apres["date_fin"] == nouvelle_fin.isoformat()
    assert all(op["date_fin"] == nouvelle_fin.isoformat() for op in avenant.apres["operations"])
    assert avenant.necessite_cp is False


def test_sans_exigence_de_l_edition_le_report_se_demande_sans_evenement(porteur):
    convention = signee(porteur)
    edition = convention.edition
    edition.conventionnement = {**edition.conventionnement, "avenant_periode_evenement_exceptionnel": False}
    edition.save()
    avenant = periode(Convention.objects.get(pk=convention.pk), porteur, convention.date_fin + datetime.timedelta(30))
    assert avenant.evenement_exceptionnel == ""


def test_hausse_du_montant_necessite_la_cp_baisse_non(porteur, autre_porteur, gestionnaire):
    hausse = financier(signee(porteur), porteur, ["12000.00"])
    assert hausse.necessite_cp is True
    assert hausse.ecart_montant == Decimal("2000.00")
    baisse = financier(signee(autre_porteur), gestionnaire, ["8000.00"])
    assert baisse.necessite_cp is False


def test_hausse_d_une_operation_compensee_par_une_baisse_ne_passe_pas_en_cp(porteur):
    convention = signee(porteur, montants=[Decimal("1000.00"), Decimal("2500.50")])
    avenant = financier(convention, porteur, ["1500.00", "2000.50"])
    assert avenant.apres["montant"] == "3500.50"
    assert avenant.necessite_cp is False


def test_differences_entre_les_versions(porteur):
    convention = signee(porteur, montants=[Decimal("1000.00"), Decimal("2500.50")])
    avenant = financier(convention, porteur, ["1000.00", "3000.00"])
    lignes = avenants.differences(avenant.avant, avenant.apres)
    libelles = [libelle for libelle, _, _ in lignes]
    assert libelles == [
        "Version de la convention",
        "Montant maximal de la subvention",
        f"Annexe 2 – {convention.operations.get(rang=2).intitule} : montant",
    ]
    assert lignes[1][1:] == ("3\u00a0500,50\u00a0€", "4\u00a0000,00\u00a0€")
    assert lignes[0][1:] == ("1", "2")


def test_differences_d_un_report_montrent_les_dates(porteur):
    convention = signee(porteur)
    avenant = periode(convention, porteur, datetime.date(2028, 6, 30), "Incendie des locaux.")
    lignes = dict((libelle, (a, b)) for libelle, a, b in avenants.differences(avenant.avant, avenant.apres))
    assert lignes["Fin de la convention"] == (convention.date_fin.strftime("%d/%m/%Y"), "30/06/2028")


@pytest.mark.parametrize(
    ("nouveaux", "message"),
    [(["10000.00"], "rien ne change"), (["-5.00"], "positif ou nul"), (["100.001"], "centimes")],
)
def test_avenant_financier_incoherent_refuse(nouveaux, message, porteur):
    with pytest.raises(ConventionImpossible, match=message):
        financier(signee(porteur), porteur, nouveaux)


def test_un_seul_avenant_en_cours(porteur):
    convention = signee(porteur)
    financier(convention, porteur, ["9000.00"])
    with pytest.raises(ConventionImpossible, match="déjà en cours"):
        financier(convention, porteur, ["8000.00"])


@pytest.mark.parametrize("acteur", ["autre_porteur", "agent_slai", "agent_finances"])
def test_demande_refusee_hors_structure_et_hors_dpid(acteur, porteur, request):
    with pytest.raises(ConventionImpossible, match="réservée"):
        financier(signee(porteur), request.getfixturevalue(acteur), ["9000.00"])


def test_demande_refusee_a_un_membre_en_lecture_seule(porteur):
    convention = signee(porteur)
    lecteur = MembreFactory(structure=convention.structure, role=RoleMembre.LECTEUR).user
    with pytest.raises(ConventionImpossible):
        financier(convention, lecteur, ["9000.00"])


def test_demande_par_un_porteur_previent_la_dpid(porteur, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        avenant = financier(signee(porteur), porteur, ["9000.00"])
    assert avenant.numero == 1
    assert [m.to for m in mail.outbox] == [[avenant.convention.edition.conventionnement["mail_gestionnaire"]]]
    assert AuditLog.objects.for_object(avenant).filter(action="avenant.demander").count() == 1


# --- Décision et CP --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.INSTRUCTEUR, Role.GESTIONNAIRE])
def test_decision_par_le_service_instructeur(role, porteur, django_capture_on_commit_callbacks):
    avenant = financier(signee(porteur), porteur, ["9000.00"])
    with django_capture_on_commit_callbacks(execute=True):
        avenant = decider(avenant, UserFactory(role=role), accepte=True, motif="")
    assert avenant.statut == StatutAvenant.ACCEPTE
    assert mail.outbox[-1].to == [porteur.email]


@pytest.mark.parametrize("role", [Role.FINANCES, Role.SLAI, Role.ADMIN, Role.PORTEUR])
def test_decision_refusee_aux_autres_roles(role, porteur):
    avenant = financier(signee(porteur), porteur, ["9000.00"])
    acteur = UserFactory(role=role, territoire=avenant.convention.structure.territoire if role == Role.SLAI else None)
    with pytest.raises(ConventionImpossible, match="instructeurs et gestionnaires"):
        decider(avenant, acteur, accepte=True)
    assert Avenant.objects.get(pk=avenant.pk).statut == StatutAvenant.DEMANDE


def test_refus_motive_obligatoire(porteur, instructeur):
    avenant = financier(signee(porteur), porteur, ["9000.00"])
    with pytest.raises(ConventionImpossible, match="motif du refus"):
        decider(avenant, instructeur, accepte=False, motif="")
    avenant = decider(avenant, instructeur, accepte=False, motif="Pas d'aléa justifié.")
    assert avenant.statut == StatutAvenant.REFUSE
    with pytest.raises(ConventionImpossible, match="est impossible"):
        signer_avenant(avenant, instructeur)


def test_hausse_acceptee_attend_la_cp_puis_se_rattache_a_une_seance_votee(porteur, instructeur, gestionnaire):
    avenant = financier(signee(porteur), porteur, ["12000.00"])
    avenant = decider(avenant, instructeur, accepte=True)
    assert avenant.statut == StatutAvenant.EN_ATTENTE_CP
    with pytest.raises(ConventionImpossible, match="est impossible"):
        signer_avenant(avenant, gestionnaire)
    non_votee = SeanceCPFactory(date=datetime.date(2027, 5, 3))
    with pytest.raises(ConventionImpossible, match="pas de vote adopté"):
        rattacher_decision_cp(avenant, gestionnaire, non_votee)
    seance = seance_votee()
    avenant = rattacher_decision_cp(avenant, gestionnaire, seance)
    assert avenant.statut == StatutAvenant.ACCEPTE
    assert avenant.seance == seance


def test_rattachement_refuse_hors_dpid(porteur, instructeur, agent_finances):
    avenant = decider(financier(signee(porteur), porteur, ["12000.00"]), instructeur, accepte=True)
    with pytest.raises(ConventionImpossible, match="réservée aux agents de la DPID"):
        rattacher_decision_cp(avenant, agent_finances, seance_votee())


# --- Signature ---------------------------------------------------------------------------------------------------


def accepte(avenant, instructeur) -> Avenant:
    avenant = decider(avenant, instructeur, accepte=True)
    if avenant.statut == StatutAvenant.EN_ATTENTE_CP:
        avenant = rattacher_decision_cp(avenant, instructeur, seance_votee())
    return avenant


def test_signature_applique_la_nouvelle_version(
    porteur, instructeur, gestionnaire, django_capture_on_commit_callbacks
):
    convention = signee(porteur)
    avenant = accepte(financier(convention, porteur, ["12000.00"]), instructeur)
    with django_capture_on_commit_callbacks(execute=True):
        avenant = signer_avenant(avenant, gestionnaire)
    convention.refresh_from_db()
    operation = convention.operations.get()
    assert (convention.montant, convention.version, operation.montant) == (
        Decimal("12000.00"),
        2,
        Decimal("12000.00"),
    )
    assert avenant.statut == StatutAvenant.SIGNE and avenant.signe_le is not None
    assert avenant.fichier.read() == b"PK avenant factice"
    assert sorted(e.montant_prevu for e in operation.echeances.all()) == [
        Decimal("2400.00"),
        Decimal("3600.00"),
        Decimal("6000.00"),
    ]
    assert "signé" in mail.outbox[-1].subject


def test_signature_garde_le_liquide_et_repartit_le_reste_au_centime(porteur, instructeur, gestionnaire):
    convention = signee(porteur)
    operation = convention.operations.get()
    echeances = {e.type: e for e in operation.echeances.all()}
    liquider(echeances["avance"])  # 3 000,00 € versés
    avenant = accepte(financier(convention, porteur, ["10000.01"]), instructeur)
    signer_avenant(avenant, gestionnaire)
    montants = {e.type: e.montant_prevu for e in operation.echeances.all()}
    # 7 000,01 € restent, répartis 50 / 20 : 5 000,00 (tronqué) et le reliquat sur le solde.
    assert montants == {"avance": Decimal("3000.00"), "acompte": Decimal("5000.00"), "solde": Decimal("2000.01")}
    assert sum(montants.values()) == Decimal("10000.01")
    assert not OrdreReversement.objects.exists()


def test_baisse_sous_le_verse_emet_un_reversement(porteur, instructeur, gestionnaire):
    convention = signee(porteur)
    operation = convention.operations.get()
    echeances = {e.type: e for e in operation.echeances.all()}
    liquider(echeances["avance"])  # 3 000 €
    liquider(echeances["acompte"], "4000.00")  # acompte modulé
    avenant = accepte(financier(convention, porteur, ["6500.00"]), instructeur)
    signer_avenant(avenant, gestionnaire)
    ordre = OrdreReversement.objects.get()
    assert (ordre.origine, ordre.montant, ordre.operation) == ("avenant", Decimal("500.00"), operation)
    montants = {e.type: e.montant_prevu for e in operation.echeances.all()}
    assert montants["solde"] == Decimal("0.00")


def test_baisse_au_dessus_du_verse_sans_reversement(porteur, instructeur, gestionnaire):
    convention = signee(porteur)
    liquider(convention.operations.get().echeances.get(type="avance"))
    signer_avenant(accepte(financier(convention, porteur, ["3000.00"]), instructeur), gestionnaire)
    assert not OrdreReversement.objects.exists()


def test_report_redate_les_bilans_non_acceptes(porteur, instructeur, gestionnaire):
    convention = signee(porteur)
    operation = convention.operations.get()
    bilans = {b.type: b for b in operation.bilans.all()}
    intermediaire_avant = bilans["bilan_intermediaire"].echeance
    nouvelle_fin = datetime.date(operation.date_fin.year + 1, 6, 30)
    avenant = accepte(periode(convention, porteur, nouvelle_fin, "Fermeture administrative des locaux."), instructeur)
    signer_avenant(avenant, gestionnaire)
    operation.refresh_from_db()
    assert operation.date_fin == nouvelle_fin
    bilans = {b.type: b for b in operation.bilans.all()}
    assert bilans["bilan_final"].echeance == datetime.date(nouvelle_fin.year, 9, 30)  # fin + 3 mois
    assert bilans["bilan_intermediaire"].echeance == intermediaire_avant  # date fixe de la fiche


def test_report_ne_touche_pas_un_bilan_accepte(porteur, instructeur, gestionnaire):
    convention = signee(porteur)
    operation = convention.operations.get()
    final = operation.bilans.get(type="bilan_final")
    final.statut = StatutBilan.ACCEPTE
    final.save()
    avant = final.echeance
    avenant = accepte(periode(convention, porteur, datetime.date(2029, 1, 31), "Sinistre."), instructeur)
    signer_avenant(avenant, gestionnaire)
    final.refresh_from_db()
    assert final.echeance == avant


def test_signature_refusee_si_la_convention_a_change(porteur, instructeur, gestionnaire):
    convention = signee(porteur)
    avenant = accepte(financier(convention, porteur, ["9000.00"]), instructeur)
    Convention.objects.filter(pk=convention.pk).update(version=5)
    with pytest.raises(ConventionImpossible, match="a changé"):
        signer_avenant(avenant, gestionnaire)


def test_signature_refusee_sur_une_convention_resiliee(porteur, instructeur, gestionnaire):
    convention = signee(porteur)
    avenant = accepte(financier(convention, porteur, ["9000.00"]), instructeur)
    Convention.objects.filter(pk=convention.pk).update(statut=StatutConvention.RESILIEE)
    with pytest.raises(ConventionImpossible, match="résiliée"):
        signer_avenant(avenant, gestionnaire)


def test_signature_reservee_a_la_dpid(porteur, instructeur):
    avenant = accepte(financier(signee(porteur), porteur, ["9000.00"]), instructeur)
    with pytest.raises(ConventionImpossible, match="réservée aux agents de la DPID"):
        signer_avenant(avenant, porteur)


def test_deuxieme_avenant_numerote_apres_le_premier(porteur, instructeur, gestionnaire):
    convention = signee(porteur)
    signer_avenant(accepte(financier(convention, porteur, ["9000.00"]), instructeur), gestionnaire)
    second = financier(Convention.objects.get(pk=convention.pk), porteur, ["9500.00"])
    assert (second.numero, second.avant["version"], second.apres["version"]) == (2, 2, 3)
    assert second.avant["montant"] == "9000.00"


def test_horodatage_du_domaine(porteur, instructeur, gestionnaire):
    moment = timezone.make_aware(datetime.datetime(2027, 4, 2, 10, 30))
    avenant = accepte(financier(signee(porteur), porteur, ["9000.00"]), instructeur)
    avenant = signer_avenant(avenant, gestionnaire, at=moment)
    assert avenant.signe_le == moment
    assert AuditLog.objects.for_object(avenant).get(action="avenant.signer").horodatage == moment
