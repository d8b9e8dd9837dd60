"""Services des demandes : création, mise à jour, budget, dépôt, retour en brouillon, validation."""

from __future__ import annotations

import datetime
import hashlib
import io
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from pypdf import PdfReader

from aap.core.models import AuditLog
from aap.core.workflow import TransitionInterdite
from aap.demandes import services
from aap.demandes.choix import CategorieDepense, Financeur, StatutDemande
from aap.demandes.financement import Depense, Ressource
from aap.demandes.rules import ActionRefusee, DemandeIncomplete, DroitInsuffisant, SessionClose
from tests.demandes.conftest import APRES_CLOTURE, DERNIERE_SECONDE, PENDANT
from tests.demandes.factories import M2, DemandeFactory, DispositifFactory, SessionAppelFactory, regles
from tests.factories import MembreFactory, territoire


def actions(demande):
    return list(AuditLog.objects.for_object(demande).order_by("id").values_list("action", flat=True))


# --- Création --------------------------------------------------------------------------------------


def test_creer_demande_reference_unique_et_dates_de_la_convention(porteur, structure, session):
    d1 = services.creer_demande(porteur, structure, session, "Accompagner 140 BRSA", [territoire()], at=PENDANT)
    d2 = services.creer_demande(porteur, structure, session, "Deuxième action", [territoire()], at=PENDANT)
    code = session.dispositif.code
    assert d1.reference == f"AAP2026-{code}-00001"
    assert d2.reference == f"AAP2026-{code}-00002"
    assert d1.statut == StatutDemande.BROUILLON
    assert (d1.date_debut, d1.date_fin) == (datetime.date(2026, 1, 1), datetime.date(2027, 12, 31))
    assert list(d1.territoires.values_list("code", flat=True)) == ["arrageois"]
    entree = AuditLog.objects.for_object(d1).get()
    assert (entree.action, entree.acteur, entree.structure_id) == ("demande.creer", porteur, structure.pk)


def test_sans_dates_dans_la_fiche_la_convention_dure_le_maximum(porteur, structure):
    dispositif = DispositifFactory(regles=regles(convention={"duree_max_mois": 24}))
    session = SessionAppelFactory(dispositif=dispositif)
    demande = services.creer_demande(porteur, structure, session, "Action", [territoire()], at=PENDANT)
    assert (demande.date_debut, demande.date_fin) == (datetime.date(2026, 1, 1), datetime.date(2027, 12, 31))


def test_un_lecteur_ou_un_tiers_ne_peut_pas_creer(structure, session, lecteur_structure, autre_porteur):
    for user in (lecteur_structure, autre_porteur):
        with pytest.raises(DroitInsuffisant):
            services.creer_demande(user, structure, session, "Action", [territoire()], at=PENDANT)


def test_le_gestionnaire_de_la_structure_peut_creer(structure, session, gestionnaire_structure):
    demande = services.creer_demande(gestionnaire_structure, structure, session, "Action", [territoire()], at=PENDANT)
    assert demande.cree_par == gestionnaire_structure


def test_territoire_hors_du_dispositif_refuse(porteur, structure, session):
    session.dispositif.territoires.set([territoire("artois")])
    with pytest.raises(ActionRefusee, match="hors du périmètre du dispositif : Arrageois"):
        services.creer_demande(porteur, structure, session, "Action", [territoire("arrageois")], at=PENDANT)


def test_creation_refusee_avant_ouverture(porteur, structure, session):
    avant = datetime.datetime(2026, 1, 11, 23, 59, 59, tzinfo=PENDANT.tzinfo)
    with pytest.raises(SessionClose, match="n'ouvre que le 12/01/2026"):
        services.creer_demande(porteur, structure, session, "Action", [territoire()], at=avant)


# --- Mise à jour et budget -------------------------------------------------------------------------


def test_mettre_a_jour_journalise_les_champs_changes(demande, porteur):
    changes = services.mettre_a_jour(
        demande, porteur, {"objectifs": "Nouveaux objectifs", "places": 150}, [territoire("artois")], at=PENDANT
    )
    assert changes == ["objectifs", "places", "territoires"]
    demande.refresh_from_db()
    assert demande.objectifs == "Nouveaux objectifs" and demande.places == 150
    entree = AuditLog.objects.for_object(demande).get(action="demande.modifier")
    assert entree.details == {"champs": ["objectifs", "places", "territoires"]}
    assert services.mettre_a_jour(demande, porteur, {"places": 150}, at=PENDANT) == []
    assert AuditLog.objects.for_object(demande).filter(action="demande.modifier").count() == 1


def test_mettre_a_jour_refuse_les_champs_non_modifiables(demande, porteur):
    with pytest.raises(ValueError, match="statut"):
        services.mettre_a_jour(demande, porteur, {"statut": StatutDemande.VALIDEE}, at=PENDANT)


def test_un_lecteur_ne_peut_pas_ecrire(demande, lecteur_structure):
    with pytest.raises(DroitInsuffisant):
        services.mettre_a_jour(demande, lecteur_structure, {"objectifs": "x"}, at=PENDANT)
    with pytest.raises(DroitInsuffisant):
        services.enregistrer_budget(demande, lecteur_structure, [], [], at=PENDANT)
    with pytest.raises(DroitInsuffisant):
        services.deposer(demande, lecteur_structure, at=PENDANT)


def test_une_demande_deposee_n_est_plus_modifiable(demande, porteur):
    services.deposer(demande, porteur, at=PENDANT)
    with pytest.raises(ActionRefusee, match="repassez-la en brouillon"):
        services.mettre_a_jour(demande, porteur, {"objectifs": "x"}, at=PENDANT)


def test_enregistrer_budget_recalcule_les_postes_selon_la_fiche(demande, porteur):
    depenses = [
        Depense(2026, CategorieDepense.PERSONNEL, "Référente", Decimal("999999"), Decimal("1"), Decimal("50"),
                Decimal("40000"), Decimal("12")),
        Depense(2027, CategorieDepense.PERSONNEL, "Référente", Decimal("0"), Decimal("1"), Decimal("50"),
                Decimal("40000"), Decimal("6")),
    ]  # fmt: skip
    ressources = [
        Ressource(2026, Financeur.DEPARTEMENT, Decimal("11200")),
        Ressource(2026, Financeur.FSE_PLUS, Decimal("16800")),
        Ressource(2027, Financeur.DEPARTEMENT, Decimal("5600")),
        Ressource(2027, Financeur.FSE_PLUS, Decimal("8400")),
    ]
    plan = services.enregistrer_budget(demande, porteur, depenses, ressources, at=PENDANT)
    assert plan.conforme, plan.messages
    assert list(demande.depenses.order_by("annee").values_list("montant", flat=True)) == [
        Decimal("20000.00"),
        Decimal("10000.00"),
    ]
    demande.refresh_from_db()
    assert demande.cout_total == Decimal("42000.00")  # 30 000 + 40 %
    assert demande.montant_demande == Decimal("16800.00")
    assert actions(demande)[-1] == "demande.budget"


@pytest.mark.parametrize(
    ("depense", "message"),
    [
        (Depense(2029, CategorieDepense.PERSONNEL, "X", mois=Decimal(12)), "L'année 2029 est hors des dates"),
        (Depense(2026, CategorieDepense.FORFAIT, "Forfait", Decimal(100)), "catégorie que le modèle"),
        (Depense(2026, CategorieDepense.FONCTIONNEMENT, "Loyer", Decimal(100)), "catégorie que le modèle"),
    ],
)
def test_enregistrer_budget_refuse_les_lignes_hors_cadre(demande, porteur, depense, message):
    avant = list(demande.depenses.values_list("pk", flat=True))
    with pytest.raises(ActionRefusee, match=message):
        services.enregistrer_budget(demande, porteur, [depense], [], at=PENDANT)
    assert list(demande.depenses.values_list("pk", flat=True)) == avant


# --- Dépôt -----------------------------------------------------------------------------------------


def test_deposer_une_demande_complete(demande, porteur):
    services.deposer(demande, porteur, at=PENDANT)
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.DEPOSEE
    assert demande.deposee_le == PENDANT and demande.deposee_par == porteur
    entree = AuditLog.objects.for_object(demande).get(action="demande.deposer")
    assert entree.details["de"] == "brouillon" and entree.details["vers"] == "deposee"
    with pytest.raises(TransitionInterdite):
        services.deposer(demande, porteur, at=PENDANT)


def test_deposer_exige_un_dossier_complet(porteur, structure, session):
    demande = DemandeFactory(
        structure=structure, session=session, description="", moyens_materiels="  ", places=None, territoires=[]
    )
    demande.territoires.clear()
    with pytest.raises(DemandeIncomplete) as refus:
        services.deposer(demande, porteur, at=PENDANT)
    messages = refus.value.messages
    assert "Complétez la description de l'opération, les moyens matériels." in messages
    assert "Choisissez au moins un territoire concerné." in messages
    assert "Indiquez le nombre de places d'accompagnement." in messages
    assert "Le plan ne comporte aucune dépense." in messages
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.BROUILLON


def test_deposer_exige_un_plan_equilibre(demande, porteur):
    ligne = demande.ressources.filter(financeur=Financeur.DEPARTEMENT).first()
    ligne.montant -= Decimal("0.01")
    ligne.save()
    with pytest.raises(DemandeIncomplete, match="n'est pas équilibré"):
        services.deposer(demande, porteur, at=PENDANT)


def test_deposer_exige_le_label_quand_la_fiche_le_demande(porteur, structure):
    structure.label_referent_62 = False
    structure.save()
    session = SessionAppelFactory(dispositif=DispositifFactory(regles=regles(label_referent_62=True)))
    demande = DemandeFactory(structure=structure, session=session, budget=True)
    with pytest.raises(DemandeIncomplete, match="labellisées Référent 62"):
        services.deposer(demande, porteur, at=PENDANT)


def test_plafond_encadrement_verifie_au_depot(porteur, structure):
    session = SessionAppelFactory(dispositif=DispositifFactory(modele=M2))
    demande = DemandeFactory(structure=structure, session=session, budget=True, postes_insertion=2)
    with pytest.raises(DemandeIncomplete, match="dépasse le plafond de la fiche"):
        services.deposer(demande, porteur, at=PENDANT)
    demande.postes_insertion = 20
    demande.save()
    services.deposer(demande, porteur, at=PENDANT)


def test_repasser_en_brouillon_puis_redeposer(demande, porteur):
    services.deposer(demande, porteur, at=PENDANT)
    services.repasser_en_brouillon(demande, porteur, at=PENDANT)
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.BROUILLON and demande.deposee_le is None
    services.mettre_a_jour(demande, porteur, {"objectifs": "Corrigés"}, at=PENDANT)
    services.deposer(demande, porteur, at=PENDANT)
    assert actions(demande) == [
        "demande.deposer",
        "demande.repasser_en_brouillon",
        "demande.modifier",
        "demande.deposer",
    ]


def test_table_du_workflow():
    assert services.WORKFLOW.table() == [
        ("brouillon", "deposer", "deposee"),
        ("deposee", "repasser_en_brouillon", "brouillon"),
        ("deposee", "valider", "validee"),
        ("validee", "demander_complements", "complements"),
        ("complements", "redeposer", "validee"),
        ("deposee", "retirer", "retiree"),
        ("validee", "retirer", "retiree"),
        ("complements", "retirer", "retiree"),
        ("ajournee", "retirer", "retiree"),
        ("validee", "accorder", "accordee"),
        ("ajournee", "accorder", "accordee"),
        ("validee", "rejeter", "rejetee"),
        ("ajournee", "rejeter", "rejetee"),
        ("validee", "ajourner", "ajournee"),
    ]


# --- Validation ------------------------------------------------------------------------------------


def test_seul_le_representant_legal_valide(demande, porteur, gestionnaire_structure):
    services.deposer(demande, gestionnaire_structure, at=PENDANT)
    with pytest.raises(DroitInsuffisant, match="Seul le représentant légal"):
        services.valider(demande, gestionnaire_structure, attestation_honneur=True, at=PENDANT)
    with pytest.raises(ActionRefusee, match="attestation sur l'honneur"):
        services.valider(demande, porteur, attestation_honneur=False, at=PENDANT)
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.DEPOSEE and not demande.recepisse


def test_valider_exige_une_demande_deposee(demande, porteur):
    with pytest.raises(TransitionInterdite, match="déposée avant d'être validée"):
        services.valider(demande, porteur, attestation_honneur=True, at=PENDANT)


def test_validation_produit_le_recepisse_et_previent_les_membres(demande, porteur, gestionnaire_structure):
    services.deposer(demande, porteur, at=PENDANT)
    valide_le = PENDANT + datetime.timedelta(hours=3, minutes=7)
    services.valider(demande, porteur, attestation_honneur=True, at=valide_le)
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.VALIDEE
    assert demande.validee_par == porteur and demande.validee_le == valide_le and demande.attestation_honneur
    with demande.recepisse.open("rb") as fichier:
        pdf = fichier.read()
    assert pdf.startswith(b"%PDF")
    assert hashlib.sha256(pdf).hexdigest() == demande.recepisse_empreinte
    texte = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert demande.reference in texte
    assert demande.structure.raison_sociale in texte
    assert "01/02/2026 à 13:07" in texte  # heure de Paris
    assert "sur l'honneur" in texte
    assert AuditLog.objects.for_object(demande).get(action="demande.valider").details["empreinte"] == (
        demande.recepisse_empreinte
    )
    destinataires = sorted(m.to[0] for m in mail.outbox)
    assert destinataires == sorted([porteur.email, gestionnaire_structure.email])
    assert demande.reference in mail.outbox[0].subject
    assert mail.outbox[0].attachments[0][0] == f"recepisse-{demande.reference}.pdf"


def test_un_courriel_en_echec_n_annule_pas_la_validation(demande, porteur, monkeypatch):
    def panne(*args, **kwargs):
        raise ConnectionRefusedError("serveur de courriel injoignable")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", panne)
    services.deposer(demande, porteur, at=PENDANT)
    services.valider(demande, porteur, attestation_honneur=True, at=PENDANT)
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.VALIDEE and demande.recepisse_empreinte


def test_un_membre_inactif_n_est_pas_prevenu(demande, porteur, structure):
    ancien = MembreFactory(structure=structure, role="gestionnaire", actif=False).user
    services.deposer(demande, porteur, at=PENDANT)
    services.valider(demande, porteur, attestation_honneur=True, at=PENDANT)
    assert ancien.email not in [m.to[0] for m in mail.outbox]


# --- Clôture : à la seconde près, heure de Paris ---------------------------------------------------


def test_toutes_les_ecritures_acceptees_a_la_derniere_seconde(porteur, structure, session):
    demande = services.creer_demande(porteur, structure, session, "Action", [territoire()], at=DERNIERE_SECONDE)
    complete = DemandeFactory(structure=structure, session=session, budget=True)
    services.mettre_a_jour(complete, porteur, {"objectifs": "Derniers ajustements"}, at=DERNIERE_SECONDE)
    services.enregistrer_budget(
        complete, porteur, services.depenses_de(complete), services.ressources_de(complete), at=DERNIERE_SECONDE
    )
    services.deposer(complete, porteur, at=DERNIERE_SECONDE)
    services.valider(complete, porteur, attestation_honneur=True, at=DERNIERE_SECONDE)
    complete.refresh_from_db()
    assert complete.statut == StatutDemande.VALIDEE
    assert demande.pk


@pytest.mark.parametrize(
    ("action", "fin"),
    [
        ("deposer", "la demande ne peut plus être déposée."),
        ("valider", "la demande ne peut plus être validée."),
        ("mettre_a_jour", "la demande ne peut plus être modifiée."),
        ("enregistrer_budget", "le plan de financement ne peut plus être modifié."),
        ("repasser_en_brouillon", "la demande ne peut plus être rouverte."),
        ("creer_demande", "aucune demande ne peut plus y être créée."),
    ],
)
def test_toute_ecriture_refusee_des_minuit(porteur, structure, session, action, fin):
    demande = DemandeFactory(structure=structure, session=session, budget=True)
    if action in ("valider", "repasser_en_brouillon"):
        services.deposer(demande, porteur, at=DERNIERE_SECONDE)
    appels = {
        "deposer": lambda: services.deposer(demande, porteur, at=APRES_CLOTURE),
        "valider": lambda: services.valider(demande, porteur, True, at=APRES_CLOTURE),
        "mettre_a_jour": lambda: services.mettre_a_jour(demande, porteur, {"objectifs": "x"}, at=APRES_CLOTURE),
        "enregistrer_budget": lambda: services.enregistrer_budget(demande, porteur, [], [], at=APRES_CLOTURE),
        "repasser_en_brouillon": lambda: services.repasser_en_brouillon(demande, porteur, at=APRES_CLOTURE),
        "creer_demande": lambda: services.creer_demande(porteur, structure, session, "x", [], at=APRES_CLOTURE),
    }
    avant = demande.statut
    with pytest.raises(SessionClose) as refus:
        appels[action]()
    assert str(refus.value) == (
        f"La session 1 du dispositif {session.dispositif.code} est close depuis le 15/02/2026 à minuit "
        f"(heure de Paris) : {fin}"
    )
    demande.refresh_from_db()
    assert demande.statut == avant and demande.objectifs != "x" and demande.depenses.exists()


def test_sans_at_l_heure_de_paris_fait_foi(porteur, structure, session):
    """Horloge figée (time-machine) : 23:59:59 le 15/02 à Paris passe, 00:00:00 le 16/02 est refusé, alors qu'il
    n'est encore que 23:00 le 15/02 en UTC."""
    premiere = DemandeFactory(structure=structure, session=session, budget=True)
    seconde = DemandeFactory(structure=structure, session=session, budget=True)
    with time_machine.travel(DERNIERE_SECONDE, tick=False):
        services.deposer(premiere, porteur)
    with time_machine.travel(APRES_CLOTURE, tick=False):
        assert datetime.datetime.now(datetime.UTC).hour == 23
        with pytest.raises(SessionClose, match="ne peut plus être déposée"):
            services.deposer(seconde, porteur)
    assert (premiere.statut, seconde.statut) == (StatutDemande.DEPOSEE, StatutDemande.BROUILLON)
