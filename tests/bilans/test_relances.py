"""Relances : jours exacts avant et après l'échéance, idempotence, bilans acceptés exclus, documents annuels
groupés par structure, commande et tâche de fond."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from aap.bilans import services
from aap.bilans.models import DocumentAnnuel, Relance
from aap.bilans.relances import decalage_du_jour, envoyer_relances
from aap.core.models import StatutTache, TacheFond
from tests.bilans.outils import bilan_de, convention_signee, donnees
from tests.factories import StructureFactory, UserFactory


RELANCES = {"jours_avant": [7, 30], "jours_apres": [1, 15, 30]}
ECHEANCE = datetime.date(2027, 3, 31)  # bilan intermédiaire du modèle F01


@pytest.mark.parametrize(
    ("jour", "attendu"),
    [
        (datetime.date(2027, 3, 1), -30),
        (datetime.date(2027, 3, 2), None),
        (datetime.date(2027, 3, 24), -7),
        (datetime.date(2027, 3, 31), None),
        (datetime.date(2027, 4, 1), 1),
        (datetime.date(2027, 4, 15), 15),
        (datetime.date(2027, 4, 30), 30),
        (datetime.date(2027, 5, 1), None),
    ],
)
def test_jours_de_relance(jour, attendu):
    assert decalage_du_jour(ECHEANCE, jour, RELANCES) == attendu


def _mails_bilan(jour):
    avant = len(mail.outbox)
    envoyees = envoyer_relances(jour)
    return [r for r in envoyees if r.cle.startswith("bilan:")], mail.outbox[avant:]


def test_relances_d_un_bilan_aux_jours_prevus_seulement():
    convention, porteur = convention_signee()
    bilan = bilan_de(convention)
    jours = {datetime.date(2027, 3, 1): -30, datetime.date(2027, 3, 24): -7, datetime.date(2027, 4, 1): 1}
    for jour, decalage in jours.items():
        relances, mails = _mails_bilan(jour)
        assert [r.cle for r in relances] == [f"bilan:{bilan.pk}:2027-03-31:{decalage}"]
        assert len(mails) == 1
        assert mails[0].to == [porteur.email] and mails[0].cc == ["dpid.conventions@pasdecalais.fr"]
        assert "31/03/2027" in mails[0].subject
    assert _mails_bilan(datetime.date(2027, 3, 25)) == ([], [])
    assert "en retard de 1 jour" in mail.outbox[-1].body


def test_deux_passages_le_meme_jour_n_envoient_rien_deux_fois():
    convention, _ = convention_signee()
    jour = datetime.date(2027, 3, 24)
    assert len(envoyer_relances(jour)) == 1
    assert envoyer_relances(jour) == []
    assert len(mail.outbox) == 1
    assert Relance.objects.count() == 1


def test_un_jour_manque_n_est_pas_rattrape():
    convention_signee()
    assert envoyer_relances(datetime.date(2027, 3, 25)) == []  # le 24 (J-7) a été manqué
    assert mail.outbox == []


def test_bilan_accepte_ou_depose_pas_de_relance(instructeur):
    convention, porteur = convention_signee()
    bilan = bilan_de(convention)
    services.deposer_bilan(bilan, porteur, donnees(bilan))
    assert _mails_bilan(datetime.date(2027, 3, 24)) == ([], [])
    services.accepter_bilan(bilan, instructeur, score_qualite=Decimal("90"))
    assert _mails_bilan(datetime.date(2027, 4, 1)) == ([], [])


def test_convention_non_signee_pas_de_relance():
    from tests.conventions.factories import fabriquer_convention
    from tests.factories import MembreFactory

    convention = fabriquer_convention(statut="envoyee")
    MembreFactory(structure=convention.structure)
    assert envoyer_relances(datetime.date(2027, 3, 24)) == []


def test_documents_annuels_un_courriel_par_structure_regroupant_ses_pieces():
    structure = StructureFactory(soumise_cac=False)
    convention, porteur = convention_signee(structure=structure)
    DocumentAnnuel.objects.create(
        structure=structure,
        exercice=2026,
        code="rapport_activite",
        fichier="bilans/annuels/x.pdf",
        nom_original="x.pdf",
        depose_par=porteur,
    )
    envoyees = envoyer_relances(datetime.date(2027, 6, 23))  # 2026 : dû le 30/06/2027, J-7
    assert [r.cle for r in envoyees] == [f"annuel:{structure.pk}:2026:2027-06-30:-7"]
    assert len(mail.outbox) == 1
    corps = mail.outbox[0].body
    assert "Comptes annuels" in corps and "Balance générale" in corps and "Tableau des missions" in corps
    assert "Rapport d'activité" not in corps  # déjà déposé
    assert envoyer_relances(datetime.date(2027, 6, 23)) == []
    assert [r.decalage_jours for r in envoyer_relances(datetime.date(2027, 7, 15))] == [15]


def test_commande_send_reminders():
    convention_signee()
    sortie = StringIO()
    call_command("send_reminders", "--date", "2027-03-24", stdout=sortie)
    assert "J-7 31/03/2027" in sortie.getvalue()
    assert "1 relance(s) envoyée(s) pour le 24/03/2027" in sortie.getvalue()
    sortie = StringIO()
    call_command("send_reminders", "--date", "2027-03-24", stdout=sortie)
    assert "0 relance(s)" in sortie.getvalue()
    with pytest.raises(CommandError):
        call_command("send_reminders", "--date", "24/03/2027")


def test_relances_depuis_l_interface_en_tache_de_fond(client, gestionnaire, django_capture_on_commit_callbacks):
    client.force_login(gestionnaire)
    assert client.get(reverse("bilans:relances")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(reverse("bilans:relances"))
    tache = TacheFond.objects.get()
    assert reponse.url == reverse("core:tache", args=[tache.pk])
    tache.refresh_from_db()
    assert tache.statut == StatutTache.TERMINEE and "relance" in tache.resultat["message"]


@pytest.mark.parametrize("role", ["instructeur", "finances", "porteur"])
def test_relances_reservees_au_gestionnaire(client, role):
    client.force_login(UserFactory(role=role))
    assert client.get(reverse("bilans:relances")).status_code == 403
    assert client.post(reverse("bilans:relances")).status_code == 403
