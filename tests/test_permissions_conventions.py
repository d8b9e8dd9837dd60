"""Matrice des permissions des conventions, versements et bilans : rôle × page ou action → autorisé (200 / 302
vers la suite) / 403 / 404, et, pour une action refusée, rien n'a changé.

Règles : un objet hors du périmètre de l'utilisateur répond 404 (on ne confirme pas son existence) ; une page
qui n'est pas pour son rôle répond 403 ; un visiteur anonyme est renvoyé vers la connexion. Même style que
tests/test_permissions.py. Un écart constaté dans l'application est marqué `xfail(strict=True)` avec le code obtenu.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from aap.bilans.models import Bilan, ControleServiceFait, DocumentAnnuel
from aap.commission.models import StatutSeance, Vote
from aap.conventions import documents
from aap.conventions.avenants import demander_avenant
from aap.conventions.models import Avenant, Convention, ModeleDocument, TypeAvenant
from aap.core.models import AuditLog, Role, TacheFond
from aap.structures.fichiers import DOCX, PDF, contenu_de_test
from aap.structures.models import RoleMembre
from aap.versements.models import Echeance, ExportFinances, OrdreReversement, Versement
from aap.versements.services import rendre_exigibles
from tests.commission.factories import SeanceCPFactory
from tests.conventions.factories import fabriquer_convention, inscription_approuvee
from tests.conventions.test_signature import pdf_reel
from tests.factories import MembreFactory, StructureFactory, UserFactory, territoire


ROLES = ["anonyme", "porteur", "lecteur", "autre_porteur", "instructeur", "gestionnaire", "slai", "slai_autre",
         "finances", "admin"]  # fmt: skip
PORTEURS = ["porteur", "lecteur", "autre_porteur"]
AGENTS = ["instructeur", "gestionnaire", "slai", "slai_autre", "finances", "admin"]
DPID = ["instructeur", "gestionnaire", "admin"]
#: Qui voit les exports vers les finances (versements.selectors.ROLES_EXPORTS).
EXPORTS = ["instructeur", "gestionnaire", "finances", "admin"]
#: Le « service instructeur » : valide les versements, examine les bilans, décide des avenants.
SERVICE = ["instructeur", "gestionnaire"]


@dataclass
class Monde:
    users: dict
    structure: object
    convention: object  # signée, documents Word et PDF signé, avenant demandé par le porteur
    envoyee: object  # envoyée à la structure (dépôt de l'exemplaire signé)
    operation: object
    avenant: object
    versement: object  # proposé, sur l'avance (exigible à la signature)
    exporte: object  # exporté vers les finances, sur l'acompte
    export: object
    ordre: object
    bilan: object  # intermédiaire, déposé, avec une pièce jointe
    bilan_final: object  # à produire
    document: object  # document annuel déposé
    controle: object
    modele: object
    tache: object


def _fichier(champ, nom: str, contenu: bytes) -> None:  # noqa: ANN001
    champ.save(nom, ContentFile(contenu), save=False)


@pytest.fixture
def monde() -> Monde:
    structure = StructureFactory(territoire=territoire("arrageois"), bic="AGRIFRPP862")
    porteur = MembreFactory(structure=structure).user
    lecteur = MembreFactory(structure=structure, role=RoleMembre.LECTEUR).user
    autre = MembreFactory(structure=StructureFactory(territoire=territoire("calaisis"))).user
    users = {
        "anonyme": None,
        "porteur": porteur,
        "lecteur": lecteur,
        "autre_porteur": autre,
        "instructeur": UserFactory(role=Role.INSTRUCTEUR),
        "gestionnaire": UserFactory(role=Role.GESTIONNAIRE),
        "slai": UserFactory(role=Role.SLAI, territoire=territoire("arrageois")),
        "slai_autre": UserFactory(role=Role.SLAI, territoire=territoire("calaisis")),
        "finances": UserFactory(role=Role.FINANCES),
        "admin": UserFactory(role=Role.ADMIN),
    }
    gestionnaire, finances = users["gestionnaire"], users["finances"]

    convention = fabriquer_convention(structure=structure, statut="signee")  # demande touchant l'Arrageois
    _fichier(convention.fichier, "c.docx", contenu_de_test(DOCX))
    _fichier(convention.fichier_signe_structure, "c.pdf", contenu_de_test(PDF))
    convention.save()
    operation = convention.operations.get()
    rendre_exigibles(operation, gestionnaire)  # l'avance devient exigible : versement proposé
    versement = Versement.objects.get(echeance__operation=operation, echeance__type="avance")

    seance = SeanceCPFactory(date=datetime.date(2026, 10, 12))
    envoyee = fabriquer_convention(
        statut="envoyee", inscriptions=[inscription_approuvee(structure, Decimal("8000.00"), seance)]
    )
    _fichier(envoyee.fichier, "e.docx", contenu_de_test(DOCX))
    envoyee.save()

    export = ExportFinances.objects.create(cree_par=finances, nombre=1, total=Decimal("5000.00"))
    _fichier(export.fichier_xlsx, "export.xlsx", contenu_de_test(PDF))
    _fichier(export.fichier_csv, "export.csv", b"convention;montant\n")
    export.save()
    exporte = Versement.objects.create(
        echeance=Echeance.objects.get(operation=operation, type="acompte"),
        convention=convention,
        montant=Decimal("5000.00"),
        statut="exporte",
        export=export,
    )
    ordre = OrdreReversement.objects.create(
        convention=convention, operation=operation, origine="controle", montant=Decimal("500.00"),
        motif="Pièces non probantes", emis_par=gestionnaire,
    )  # fmt: skip

    bilan = Bilan.objects.get(operation=operation, type="bilan_intermediaire")
    bilan.statut, bilan.depose_par, bilan.depose_le = "depose", porteur, timezone.now()
    _fichier(bilan.piece, "bilan.pdf", contenu_de_test(PDF))
    bilan.save()
    bilan_final = Bilan.objects.get(operation=operation, type="bilan_final")

    document = DocumentAnnuel(
        structure=structure, exercice=2026, code="rapport_activite", nom_original="rapport.pdf", depose_par=porteur
    )
    _fichier(document.fichier, "rapport.pdf", contenu_de_test(PDF))
    document.save()
    controle = ControleServiceFait.objects.create(
        operation=operation, date_controle=timezone.localdate(), verifications=[], resultat="conforme",
        agent=gestionnaire,
    )  # fmt: skip
    avenant = demander_avenant(
        convention, porteur, type=TypeAvenant.FINANCIER, motif="Baisse d'activité.",
        montants={operation.pk: Decimal("9000.00")},
    )  # fmt: skip
    _fichier(avenant.fichier, "avenant.docx", contenu_de_test(DOCX))
    avenant.save()

    modele = documents.televerser_modele(
        "convention", documents.chemin_defaut("convention").read_bytes(), "maison.docx", users["admin"]
    )
    chemin = Path(settings.MEDIA_ROOT) / "taches" / "resultat.csv"
    chemin.parent.mkdir(parents=True, exist_ok=True)
    chemin.write_text("a;b\n")
    tache = TacheFond.objects.create(
        type="conventions.scdl", libelle="Export SCDL", fonction="aap.conventions.taches.exporter_scdl",
        statut="terminee", demandee_par=gestionnaire,
        resultat={"message": "Fait", "fichiers": [{"nom": "resultat.csv", "chemin": "taches/resultat.csv"}]},
    )  # fmt: skip
    return Monde(users, structure, convention, envoyee, operation, avenant, versement, exporte, export, ordre,
                 bilan, bilan_final, document, controle, modele, tache)  # fmt: skip


def _allowed(*roles: str, code: int = 200) -> dict[str, int]:
    return {r: code for r in roles}


def _expected(allowed: dict[str, int], default: int, anonyme: int = 302) -> dict[str, int]:
    return {role: allowed.get(role, anonyme if role == "anonyme" else default) for role in ROLES}


#: Les membres de la structure et tous les agents, sauf le SLAI d'un autre territoire (404 comme l'autre porteur).
DANS_LE_PERIMETRE = _expected({**_allowed("porteur", "lecteur", *AGENTS), "slai_autre": 404}, 404)
#: Tous les agents (la liste ne montre que leur périmètre), jamais les porteurs.
TOUS_AGENTS = _expected(_allowed(*AGENTS), 403)
#: Objet d'une structure, page des agents : le SLAI d'un autre territoire ne le voit pas.
AGENTS_PERIMETRE = _expected({**_allowed(*AGENTS), "slai_autre": 404}, 403)
#: Une tâche de fond n'est visible que de celui qui l'a lancée (le gestionnaire) et de l'administrateur.
TACHE = _expected(_allowed("gestionnaire", "admin"), 404)


# (nom, fabrique d'URL, attendu par rôle)
PAGES = [
    # --- Conventions : suivi -------------------------------------------------------------------------------------
    ("conventions (agents)", lambda m: reverse("conventions:liste"), TOUS_AGENTS),
    ("mes conventions", lambda m: reverse("conventions:mes_conventions"), _expected(_allowed(*PORTEURS), 403)),
    ("fiche convention", lambda m: reverse("conventions:detail", args=[m.convention.pk]), DANS_LE_PERIMETRE),
    ("convention (Word)", lambda m: reverse("conventions:telecharger_convention", args=[m.convention.pk]),
     DANS_LE_PERIMETRE),
    ("convention signée (PDF)", lambda m: reverse("conventions:telecharger_signee", args=[m.convention.pk]),
     DANS_LE_PERIMETRE),
    ("avenant", lambda m: reverse("conventions:avenant", args=[m.avenant.pk]), DANS_LE_PERIMETRE),
    ("avenant (Word)", lambda m: reverse("conventions:telecharger_avenant", args=[m.avenant.pk]), DANS_LE_PERIMETRE),
    ("demander un avenant (formulaire)", lambda m: reverse("conventions:avenant_demander", args=[m.convention.pk]),
     _expected({"porteur": 200, "lecteur": 403, **_allowed(*DPID), **_allowed("slai", "slai_autre", "finances",
                                                                            code=403)}, 404)),
    # --- Conventions : documents ---------------------------------------------------------------------------------
    ("documents des conventions", lambda m: reverse("conventions:documents"),
     _expected(_allowed(*DPID, "finances"), 403)),
    ("conventions de la CP", lambda m: reverse("conventions:seance", args=[m.convention.seance_id]),
     _expected(_allowed(*DPID), 403)),
    ("modèles de documents", lambda m: reverse("conventions:modeles"), _expected(_allowed("admin"), 403)),
    ("modèle téléversé", lambda m: reverse("conventions:modele_telecharger", args=[m.modele.pk]),
     _expected(_allowed("admin"), 403)),
    ("modèle livré", lambda m: reverse("conventions:modele_defaut", args=["convention"]),
     _expected(_allowed("admin"), 403)),
    # --- Versements ----------------------------------------------------------------------------------------------
    ("versements (agents)", lambda m: reverse("versements:liste"), TOUS_AGENTS),
    ("fiche versement", lambda m: reverse("versements:detail", args=[m.versement.pk]), DANS_LE_PERIMETRE),
    ("exports vers les finances", lambda m: reverse("versements:exports"), _expected(_allowed(*EXPORTS), 403)),
    ("fiche export", lambda m: reverse("versements:export", args=[m.export.pk]), _expected(_allowed(*EXPORTS), 403)),
    ("fichier XLSX de l'export", lambda m: reverse("versements:export_fichier", args=[m.export.pk, "xlsx"]),
     _expected(_allowed(*EXPORTS), 403)),
    ("fichier CSV de l'export", lambda m: reverse("versements:export_fichier", args=[m.export.pk, "csv"]),
     _expected(_allowed(*EXPORTS), 403)),
    ("ordres de reversement", lambda m: reverse("versements:reversements"), TOUS_AGENTS),
    ("ordre de reversement", lambda m: reverse("versements:reversement", args=[m.ordre.pk]), DANS_LE_PERIMETRE),
    # --- Bilans --------------------------------------------------------------------------------------------------
    ("mes bilans", lambda m: reverse("bilans:mes_bilans"), _expected(_allowed(*PORTEURS), 403)),
    ("bilans (agents)", lambda m: reverse("bilans:liste"), TOUS_AGENTS),
    ("examen du bilan", lambda m: reverse("bilans:detail", args=[m.bilan.pk]), AGENTS_PERIMETRE),
    ("saisie du bilan", lambda m: reverse("bilans:saisir", args=[m.bilan_final.pk]),
     _expected({**_allowed("porteur", "lecteur"), **_allowed(*AGENTS, code=403)}, 404)),
    ("pièce du bilan", lambda m: reverse("bilans:piece", args=[m.bilan.pk]), DANS_LE_PERIMETRE),
    ("documents annuels", lambda m: reverse("bilans:documents_annuels", args=[m.structure.pk]), DANS_LE_PERIMETRE),
    ("document annuel (fichier)", lambda m: reverse("bilans:document_fichier", args=[m.document.pk]),
     DANS_LE_PERIMETRE),
    ("documents annuels en retard", lambda m: reverse("bilans:documents_en_retard"), TOUS_AGENTS),
    ("contrôles de l'opération", lambda m: reverse("bilans:controles", args=[m.operation.pk]), AGENTS_PERIMETRE),
    ("relances", lambda m: reverse("bilans:relances"), _expected(_allowed("gestionnaire"), 403)),
    # --- Tâches de fond ------------------------------------------------------------------------------------------
    ("tâche de fond", lambda m: reverse("core:tache", args=[m.tache.pk]), TACHE),
    ("fichier de la tâche", lambda m: reverse("core:tache_fichier", args=[m.tache.pk, 0]), TACHE),
]  # fmt: skip

#: Écarts constatés sur les pages : (nom de la page, rôle) → raison.
ECARTS_PAGES: dict[tuple[str, str], str] = {}


# --- Actions (POST) : chaque fabrique d'URL met l'objet dans l'état où l'action est permise -----------------------


def _statut(modele, pk: int) -> str:  # noqa: ANN001
    return modele.objects.get(pk=pk).statut


def _conv_en(m: Monde, statut: str) -> Convention:
    Convention.objects.filter(pk=m.envoyee.pk).update(statut=statut)
    return m.envoyee


def _avenant_en(m: Monde, statut: str) -> Avenant:
    Avenant.objects.filter(pk=m.avenant.pk).update(statut=statut)
    return m.avenant


def _url_rattacher(m: Monde) -> str:
    seance = SeanceCPFactory(date=datetime.date(2027, 2, 1), statut=StatutSeance.VOTEE)
    Vote.objects.create(seance=seance, pour=40, contre=0, abstention=0, adopte=True,
                        enregistre_par=m.users["gestionnaire"])  # fmt: skip
    m.seance_votee = seance
    return reverse("conventions:avenant_rattacher_cp", args=[_avenant_en(m, "en_attente_cp").pk])


def _donnees_rattacher(m: Monde) -> dict:
    return {"seance": m.seance_votee.pk}


def _modele_inactif(m: Monde) -> str:
    documents.revenir_au_modele_livre("convention", m.users["admin"])
    return reverse("conventions:modele_activer", args=[m.modele.pk])


def _seance_votee(m: Monde) -> str:
    seance = m.convention.seance
    seance.statut = StatutSeance.VOTEE
    seance.save(update_fields=["statut"])
    Vote.objects.create(seance=seance, pour=40, contre=0, abstention=0, adopte=True,
                        enregistre_par=m.users["gestionnaire"])  # fmt: skip
    return reverse("conventions:generer", args=[seance.pk])


def _taches(m: Monde) -> int:
    return TacheFond.objects.count()


def _donnees_controle(m: Monde) -> dict:
    from aap.bilans.services_controles import verifications_proposees

    donnees = {f"verif_{i}": "conforme" for i in range(len(verifications_proposees(m.operation)))}
    return donnees | {"date_controle": timezone.localdate().isoformat(), "resultat": "conforme"}


def _bilan_final_en_retard(m: Monde) -> str:
    Bilan.objects.filter(pk=m.bilan_final.pk).update(echeance=timezone.localdate() - datetime.timedelta(days=10))
    Versement.objects.filter(pk=m.exporte.pk).update(statut="paye", paye_le=timezone.localdate())
    return reverse("bilans:bilan_absent", args=[m.operation.pk])


AUJOURDHUI = lambda m: timezone.localdate().isoformat()  # noqa: E731


# (nom, fabrique d'URL, données (dict ou fabrique), attendu par rôle, état observé avant / après)
ACTIONS = [
    # --- Conventions : signatures, résiliation -------------------------------------------------------------------
    ("envoyer la convention", lambda m: reverse("conventions:envoyer", args=[_conv_en(m, "generee").pk]), {},
     _expected(_allowed(*DPID, code=302), 403), lambda m: _statut(Convention, m.envoyee.pk)),
    ("déposer l'exemplaire signé", lambda m: reverse("conventions:deposer_signature", args=[m.envoyee.pk]),
     lambda m: {"fichier": SimpleUploadedFile("signee.pdf", pdf_reel(), content_type="application/pdf")},
     _expected({"porteur": 302, "lecteur": 403, "autre_porteur": 404, **_allowed(*AGENTS, code=403)}, 404),
     lambda m: _statut(Convention, m.envoyee.pk)),
    ("signer pour le Département",
     lambda m: reverse("conventions:signer_departement", args=[_conv_en(m, "signee_structure").pk]), {},
     _expected(_allowed(*DPID, code=302), 403), lambda m: _statut(Convention, m.envoyee.pk)),
    ("résilier la convention", lambda m: reverse("conventions:resilier", args=[m.convention.pk]),
     {"motif": "Contrôle refusé."}, _expected(_allowed(*DPID, code=302), 403),
     lambda m: _statut(Convention, m.convention.pk)),
    # --- Avenants ------------------------------------------------------------------------------------------------
    ("demander un avenant",
     lambda m: reverse("conventions:avenant_demander", args=[_avenant_en(m, "refuse").convention_id]),
     {"type": "periode", "motif": "Retard du chantier.", "date_fin": "2028-06-30",
      "evenement_exceptionnel": "Inondation des locaux."},
     _expected({"porteur": 302, "lecteur": 403, "autre_porteur": 404, **_allowed(*DPID, code=302),
                **_allowed("slai", "slai_autre", "finances", code=403)}, 404),
     lambda m: Avenant.objects.count()),
    ("décider de l'avenant", lambda m: reverse("conventions:avenant_decider", args=[m.avenant.pk]),
     {"decision": "accepter"}, _expected(_allowed(*SERVICE, code=302), 403),
     lambda m: _statut(Avenant, m.avenant.pk)),
    ("rattacher la décision de la CP", _url_rattacher, _donnees_rattacher, _expected(_allowed(*DPID, code=302), 403),
     lambda m: _statut(Avenant, m.avenant.pk)),
    ("signer l'avenant", lambda m: reverse("conventions:avenant_signer", args=[_avenant_en(m, "accepte").pk]), {},
     _expected(_allowed(*DPID, code=302), 403), lambda m: _statut(Avenant, m.avenant.pk)),
    # --- Conventions : documents ---------------------------------------------------------------------------------
    ("exporter le SCDL", lambda m: reverse("conventions:exporter_scdl"), {"annee": "2026"},
     _expected(_allowed(*DPID, "finances", code=302), 403), _taches),
    ("générer les conventions de la CP", _seance_votee, {},
     _expected(_allowed(*DPID, code=302), 403), _taches),
    ("refaire le document", lambda m: reverse("conventions:regenerer", args=[_conv_en(m, "generee").pk]), {},
     _expected(_allowed(*DPID, code=302), 403),
     lambda m: AuditLog.objects.filter(action="convention.regenerer").count()),
    ("téléverser un modèle", lambda m: reverse("conventions:modeles"),
     lambda m: {"type": "convention", "fichier": SimpleUploadedFile(
         "m.docx", documents.chemin_defaut("convention").read_bytes())},
     _expected(_allowed("admin", code=302), 403), lambda m: ModeleDocument.objects.count()),
    ("remettre un modèle en service", _modele_inactif, {}, _expected(_allowed("admin", code=302), 403),
     lambda m: ModeleDocument.objects.get(pk=m.modele.pk).actif),
    ("revenir au modèle livré", lambda m: reverse("conventions:modele_livre", args=["convention"]), {},
     _expected(_allowed("admin", code=302), 403), lambda m: ModeleDocument.objects.filter(actif=True).count()),
    # --- Versements ----------------------------------------------------------------------------------------------
    ("valider le versement", lambda m: reverse("versements:valider", args=[m.versement.pk]), {},
     _expected(_allowed(*SERVICE, code=302), 403), lambda m: _statut(Versement, m.versement.pk)),
    ("recalculer le versement", lambda m: reverse("versements:recalculer", args=[m.versement.pk]), {},
     _expected(_allowed(*SERVICE, code=302), 403), lambda m: Versement.objects.get(pk=m.versement.pk).propose_le),
    ("annuler le versement", lambda m: reverse("versements:annuler", args=[m.versement.pk]),
     {"motif": "Bilan à corriger"}, _expected(_allowed(*SERVICE, code=302), 403),
     lambda m: _statut(Versement, m.versement.pk)),
    ("lancer un export vers les finances", lambda m: reverse("versements:exporter"), {},
     _expected(_allowed("finances", "gestionnaire", code=302), 403), _taches),
    ("enregistrer les paiements de l'export", lambda m: reverse("versements:export", args=[m.export.pk]),
     lambda m: {"tout": "1", "tout-reference": "M-2026-001", "tout-date": AUJOURDHUI(m)},
     _expected(_allowed("finances", code=302), 403), lambda m: _statut(Versement, m.exporte.pk)),
    ("enregistrer un remboursement", lambda m: reverse("versements:rembourser", args=[m.ordre.pk]),
     lambda m: {"montant": "100.00", "recu_le": AUJOURDHUI(m)}, _expected(_allowed("finances", code=302), 403),
     lambda m: m.ordre.remboursements.count()),
    ("annuler l'ordre de reversement", lambda m: reverse("versements:reversement_annuler", args=[m.ordre.pk]),
     {"motif": "Erreur de calcul"}, _expected(_allowed(*SERVICE, code=302), 403),
     lambda m: _statut(OrdreReversement, m.ordre.pk)),
    # --- Bilans --------------------------------------------------------------------------------------------------
    ("enregistrer le bilan", lambda m: reverse("bilans:saisir", args=[m.bilan_final.pk]),
     {"mesure_dsp": "40", "brouillon": "1"},
     _expected({"porteur": 302, "lecteur": 403, "autre_porteur": 404, **_allowed(*AGENTS, code=403)}, 404),
     lambda m: Bilan.objects.get(pk=m.bilan_final.pk).realisations),
    ("accepter le bilan", lambda m: reverse("bilans:accepter", args=[m.bilan.pk]), {"score_qualite": "80"},
     _expected(_allowed(*SERVICE, code=302), 403), lambda m: _statut(Bilan, m.bilan.pk)),
    ("demander des modifications", lambda m: reverse("bilans:modifications", args=[m.bilan.pk]),
     {"motif": "Détailler les sorties."}, _expected(_allowed(*SERVICE, code=302), 403),
     lambda m: _statut(Bilan, m.bilan.pk)),
    ("déposer un document annuel",
     lambda m: reverse("bilans:document_deposer", args=[m.structure.pk, 2026, "rapport_activite"]),
     lambda m: {"p2026_rapport_activite-fichier": SimpleUploadedFile(
         "nouveau.pdf", contenu_de_test(PDF), content_type="application/pdf")},
     _expected({"porteur": 302, "lecteur": 403, "autre_porteur": 404, **_allowed(*AGENTS, code=403)}, 404),
     lambda m: DocumentAnnuel.objects.get(pk=m.document.pk).nom_original),
    ("accepter le document annuel", lambda m: reverse("bilans:document_accepter", args=[m.document.pk]), {},
     _expected(_allowed(*DPID, code=302), 403), lambda m: _statut(DocumentAnnuel, m.document.pk)),
    ("refuser le document annuel", lambda m: reverse("bilans:document_refuser", args=[m.document.pk]),
     {"motif": "Illisible"}, _expected(_allowed(*DPID, code=302), 403),
     lambda m: _statut(DocumentAnnuel, m.document.pk)),
    ("consigner un contrôle", lambda m: reverse("bilans:controles", args=[m.operation.pk]), _donnees_controle,
     _expected({**_allowed(*DPID, code=302), "slai": 403, "slai_autre": 404, "finances": 403}, 403),
     lambda m: ControleServiceFait.objects.count()),
    ("constater le bilan final absent", _bilan_final_en_retard, {}, _expected(_allowed(*DPID, code=302), 403),
     lambda m: OrdreReversement.objects.count()),
    ("lancer les relances", lambda m: reverse("bilans:relances"), {},
     _expected(_allowed("gestionnaire", code=302), 403), _taches),
]  # fmt: skip

#: Refus sans effet mais pas par un 403 : (nom de l'action, rôle) → code obtenu (vérifié par test_refus_sans_effet).
REFUS_SUR_PLACE = {
    ("déposer l'exemplaire signé", "lecteur"): 400,  # le refus du service s'affiche dans la fiche
}

#: Écarts constatés sur les actions : (nom de l'action, rôle) → raison (code obtenu). Aucun à ce jour.
ECARTS_ACTIONS: dict[tuple[str, str], str] = {}


def _client(client, user):  # noqa: ANN001, ANN202
    if user is not None:
        client.force_login(user)
    return client


def _params(table: list, ecarts: dict) -> list:
    params = []
    for cas in table:
        for role in ROLES:
            raison = ecarts.get((cas[0], role))
            marks = [pytest.mark.xfail(strict=True, reason=raison)] if raison else []
            params.append(pytest.param(role, *cas, marks=marks, id=f"{cas[0]}-{role}"))
    return params


@pytest.mark.parametrize(("role", "nom", "url", "attendu"), _params(PAGES, ECARTS_PAGES))
def test_pages(client, monde, role, nom, url, attendu):
    response = _client(client, monde.users[role]).get(url(monde))
    assert response.status_code == attendu[role], f"{role} → {nom}"
    if role == "anonyme":
        assert response.url.startswith(reverse("core:login"))


@pytest.mark.parametrize(("role", "nom", "url", "donnees", "attendu", "etat"), _params(ACTIONS, ECARTS_ACTIONS))
def test_actions(client, monde, role, nom, url, donnees, attendu, etat):
    adresse = url(monde)
    avant = etat(monde)
    response = _client(client, monde.users[role]).post(adresse, donnees(monde) if callable(donnees) else donnees)
    apres = etat(monde)
    if role == "anonyme":
        assert response.status_code == 302 and response.url.startswith(reverse("core:login"))
    # Un refus affiché sur place par le service (formulaire réaffiché, message) vaut un 403 : rien ne change.
    attendu = {**attendu, role: REFUS_SUR_PLACE.get((nom, role), attendu[role])}
    assert response.status_code == attendu[role], f"{role} → {nom}"
    if attendu[role] == 302 and role != "anonyme" and (nom, role) not in REFUS_SUR_PLACE:
        assert apres != avant, f"{role} → {nom} : l'action autorisée n'a rien changé"
    else:
        assert apres == avant, f"{role} → {nom} : une action refusée a changé l'état"


@pytest.mark.parametrize(("nom", "role", "code"), [(n, r, c) for (n, r), c in REFUS_SUR_PLACE.items()])
def test_refus_sans_effet(client, monde, nom, role, code):
    """Les écarts de code ci-dessus ne sont que des écarts de code : l'action refusée ne change rien."""
    _, url, donnees, _, etat = next(a for a in ACTIONS if a[0] == nom)
    adresse = url(monde)
    avant = etat(monde)
    response = _client(client, monde.users[role]).post(adresse, donnees(monde) if callable(donnees) else donnees)
    assert response.status_code == code
    assert etat(monde) == avant


# --- Consultations tracées : un agent qui ouvre les données d'un tiers laisse une ligne « consultation » --------

CONSULTATIONS = [
    ("examen du bilan", lambda m: reverse("bilans:detail", args=[m.bilan.pk]), lambda m: m.bilan),
    ("pièce du bilan", lambda m: reverse("bilans:piece", args=[m.bilan.pk]), lambda m: m.bilan),
    ("documents annuels", lambda m: reverse("bilans:documents_annuels", args=[m.structure.pk]),
     lambda m: m.structure),
    ("document annuel (fichier)", lambda m: reverse("bilans:document_fichier", args=[m.document.pk]),
     lambda m: m.document),
    ("fiche convention", lambda m: reverse("conventions:detail", args=[m.convention.pk]), lambda m: m.convention),
    ("versement (calcul)", lambda m: reverse("versements:detail", args=[m.versement.pk]), lambda m: m.versement),
    ("ordre de reversement", lambda m: reverse("versements:reversement", args=[m.ordre.pk]), lambda m: m.ordre),
    ("contrôles de l'opération", lambda m: reverse("bilans:controles", args=[m.operation.pk]), lambda m: m.operation),
    ("avenant", lambda m: reverse("conventions:avenant", args=[m.avenant.pk]), lambda m: m.avenant),
]  # fmt: skip


@pytest.mark.parametrize("role", ["instructeur", "slai", "finances"])
@pytest.mark.parametrize(("nom", "url", "cible"), CONSULTATIONS, ids=[c[0] for c in CONSULTATIONS])
def test_consultation_tracee(client, monde, role, nom, url, cible):
    agent = monde.users[role]
    assert _client(client, agent).get(url(monde)).status_code == 200
    objet = cible(monde)
    assert AuditLog.objects.filter(
        acteur=agent, action="consultation", cible_type__model=objet._meta.model_name, cible_id=str(objet.pk)
    ).exists(), nom


def test_la_structure_ne_trace_pas_ses_propres_consultations(client, monde):
    for nom, url, _ in CONSULTATIONS:
        if nom in ("examen du bilan", "contrôles de l'opération"):  # pages des agents
            continue
        assert _client(client, monde.users["porteur"]).get(url(monde)).status_code == 200, nom
    assert not AuditLog.objects.filter(action="consultation").exists()
