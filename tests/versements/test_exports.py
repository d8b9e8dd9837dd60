"""Export vers les finances : tâche de fond, fichiers XLSX et CSV relus, versements transmis, paiements."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook

from aap.core.models import StatutTache
from aap.versements import services
from aap.versements.exports import COLONNES, exporter
from aap.versements.models import ExportFinances, StatutVersement, Versement
from aap.versements.taches import lancer_export
from tests.versements.outils import convention_signee, instant, signer


D = Decimal
EN_TETES = [
    "Tiers (SIRET)",
    "Raison sociale",
    "IBAN",
    "BIC",
    "Imputation",
    "Code opération",
    "Montant",
    "Objet",
    "N° de convention",
    "Type d'échéance",
    "Date de la CP",
    "N° de délibération",
]


def deux_versements_valides(gestionnaire):
    conventions = [convention_signee([D("10000.00")]), convention_signee([D("1234.56")])]
    for convention in conventions:
        signer(convention, gestionnaire)
        services.valider_versement(convention.versements.get(), gestionnaire, at=instant(2026, 11, 2))
    return conventions


def test_export_en_tache_de_fond_et_fichiers_relus(gestionnaire, agent_finances, django_capture_on_commit_callbacks):
    conventions = deux_versements_valides(gestionnaire)
    seance = conventions[0].seance
    seance.numero_deliberation = "2026-412"
    seance.save()
    with django_capture_on_commit_callbacks(execute=True):
        tache = lancer_export(agent_finances)
    tache.refresh_from_db()
    assert tache.statut == StatutTache.TERMINEE, tache.erreurs
    export = ExportFinances.objects.get()
    assert export.nombre == 2 and export.total == D("3370.36")  # 3 000,00 + 370,36 (30 % de 1 234,56)
    assert tache.resultat["lien"] == reverse("versements:export", args=[export.pk])
    assert [f["chemin"] for f in tache.resultat["fichiers"]] == [export.fichier_xlsx.name, export.fichier_csv.name]
    assert set(Versement.objects.values_list("statut", "export")) == {(StatutVersement.EXPORTE, export.pk)}

    premiere = conventions[0]
    operation = premiere.operations.get()
    ligne_budget = operation.inscription.proposition.ligne

    classeur = load_workbook(io.BytesIO(export.fichier_xlsx.read()))
    feuille = classeur.active
    lignes = list(feuille.iter_rows(values_only=True))
    assert list(lignes[0]) == EN_TETES
    assert all(c.font.bold for c in feuille[1])
    ligne = dict(zip(EN_TETES, lignes[1], strict=True))
    assert ligne["Tiers (SIRET)"] == premiere.structure.siret
    assert ligne["IBAN"] == "FR7630006000011234567890189" and ligne["BIC"] == "AGRIFRPP862"
    assert ligne["Imputation"] == ligne_budget.imputation and ligne["Code opération"] == ligne_budget.code_operation
    assert ligne["Montant"] == 3000 and isinstance(ligne["Montant"], int | float)
    assert feuille.cell(2, 7).number_format == '#,##0.00\\ "€"'
    assert ligne["Objet"] == (
        f"Avance 30 % – convention {premiere.numero} – dispositif {operation.dispositif.code} – {operation.intitule}"
    )
    assert ligne["N° de convention"] == premiere.numero and ligne["Type d'échéance"] == "Avance"
    assert ligne["Date de la CP"].date() == seance.date and ligne["N° de délibération"] == "2026-412"
    assert lignes[3][0] == "Total" and lignes[3][6] == "=SUM(G2:G3)"
    assert feuille.cell(4, 1).font.bold

    brut = export.fichier_csv.read()
    assert brut.startswith(b"\xef\xbb\xbf")
    rangs = list(csv.reader(io.StringIO(brut.decode("utf-8-sig")), delimiter=";"))
    assert rangs[0] == EN_TETES and len(rangs) == 3
    assert rangs[2][6] == "370,36"
    assert rangs[1][10] == seance.date.strftime("%d/%m/%Y")


def test_rien_a_exporter(agent_finances, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tache = lancer_export(agent_finances)
    tache.refresh_from_db()
    assert tache.statut == StatutTache.TERMINEE
    assert "Aucun versement" in tache.resultat["message"]
    assert not ExportFinances.objects.exists()


def test_un_versement_n_est_exporte_qu_une_fois_et_seulement_valide(gestionnaire, agent_finances):
    deux_versements_valides(gestionnaire)
    autre = convention_signee()
    signer(autre, gestionnaire)  # proposé, pas validé
    assert exporter(agent_finances).nombre == 2
    assert exporter(agent_finances) is None
    assert autre.versements.get().statut == StatutVersement.PROPOSE


@pytest.mark.parametrize("qui", ["instructeur", "agent_slai", "porteur", "administrateur"])
def test_export_reserve_aux_finances_et_gestionnaires(qui, request):
    with pytest.raises(PermissionDenied):
        lancer_export(request.getfixturevalue(qui))


def test_page_export_enregistre_les_paiements_par_ligne_puis_pour_tout(client, gestionnaire, agent_finances):
    deux_versements_valides(gestionnaire)
    export = exporter(agent_finances)
    premier, second = export.versements.order_by("pk")
    client.force_login(agent_finances)
    url = reverse("versements:export", args=[export.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert f'name="{premier.pk}-reference"' in page.content.decode()
    reponse = client.post(url, {f"{premier.pk}-reference": "MDT-001", f"{premier.pk}-date": "2026-11-12"})
    assert reponse.status_code == 302
    premier.refresh_from_db()
    assert (premier.statut, premier.reference_paiement, premier.paye_le) == (
        "paye",
        "MDT-001",
        datetime.date(2026, 11, 12),
    )
    assert Versement.objects.get(pk=second.pk).statut == "exporte"
    reponse = client.post(url, {"tout": "1", "tout-reference": "MDT-002", "tout-date": "2026-11-13"})
    assert reponse.status_code == 302
    second.refresh_from_db()
    assert (second.statut, second.reference_paiement) == ("paye", "MDT-002")


def test_page_export_date_future_refusee(client, gestionnaire, agent_finances):
    deux_versements_valides(gestionnaire)
    export = exporter(agent_finances)
    premier = export.versements.order_by("pk").first()
    client.force_login(agent_finances)
    reponse = client.post(
        reverse("versements:export", args=[export.pk]),
        {f"{premier.pk}-reference": "MDT-001", f"{premier.pk}-date": "2099-01-01"},
    )
    assert reponse.status_code == 200
    assert "futur" in reponse.content.decode()
    premier.refresh_from_db()
    assert premier.statut == "exporte"


def test_gestionnaire_ne_saisit_pas_les_paiements(client, gestionnaire, agent_finances):
    deux_versements_valides(gestionnaire)
    export = exporter(agent_finances)
    client.force_login(gestionnaire)
    url = reverse("versements:export", args=[export.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"tout": "1", "tout-reference": "X", "tout-date": "2026-11-13"}).status_code == 403


def test_telechargement_des_fichiers(client, gestionnaire, agent_finances, porteur):
    deux_versements_valides(gestionnaire)
    export = exporter(agent_finances)
    client.force_login(agent_finances)
    for format, debut in (("xlsx", b"PK"), ("csv", b"\xef\xbb\xbf")):
        reponse = client.get(reverse("versements:export_fichier", args=[export.pk, format]))
        assert reponse.status_code == 200
        assert b"".join(reponse.streaming_content).startswith(debut)
    assert client.get(reverse("versements:export_fichier", args=[export.pk, "pdf"])).status_code == 404
    client.force_login(porteur)
    assert client.get(reverse("versements:export_fichier", args=[export.pk, "csv"])).status_code == 403
    assert len(COLONNES) == len(EN_TETES)
