"""Vie privée : consultation journalisée pour tout rôle, droit d'accès complet (dictionnaire, JSON, PDF),
anonymisation au-delà du délai de conservation, idempotente, événements conservés."""

from __future__ import annotations

import datetime
import io
import json
from io import StringIO

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from aap.core.models import AuditLog
from aap.parcours import choices as c
from aap.parcours import models as m
from aap.parcours import services
from aap.parcours.confidentialite import (
    anonymiser_personnes,
    donnees_personne,
    journaliser_consultation,
    json_droit_acces,
    pdf_droit_acces,
)
from tests.parcours.factories import (
    ActionFactory,
    ContratFactory,
    DiagnosticFactory,
    HeuresFactory,
    OrientationFactory,
    PersonneFactory,
    RendezVousFactory,
    SortieFactory,
)
from tests.parcours.outils import orientation_chez


pytestmark = pytest.mark.usefixtures("catalogue_2026")
J = datetime.date


@pytest.fixture
def dossier(referent, agent_slai):
    o = orientation_chez(
        referent,
        personne__nom="Lefebvre",
        personne__prenom="Anne",
        personne__date_naissance=J(1984, 7, 14),
        personne__numero_allocataire="7654321",
    )
    services.enregistrer_justificatif(
        acteur=referent, personne=o.personne, structure=o.structure, nature="attestation_caf", verifie_le=J(2026, 3, 3)
    )
    rdv = RendezVousFactory(orientation=o)
    contrat = ContratFactory(orientation=o, observations="Lien entre freins et actions.")
    ActionFactory(contrat=contrat)
    DiagnosticFactory(contrat=contrat)
    HeuresFactory(contrat=contrat)
    services.noter_presence(acteur=referent, rendez_vous=rdv, presence="absence_injustifiee", le=J(2026, 3, 10))
    services.demander_reorientation(
        acteur=referent,
        orientation=o,
        sphere="emploi",
        date_demande=J(2026, 5, 2),
        argumentaire="Madame Lefebvre a trouvé une piste d'emploi chez un employeur local.",
    )
    return o


def test_toute_consultation_est_journalisee_avec_la_structure(dossier, referent, agent_slai, instructeur):
    for user in (referent, agent_slai, instructeur):
        journaliser_consultation(user, dossier.personne)
    entrees = AuditLog.objects.filter(action="parcours.consultation")
    assert sorted(e.acteur.role for e in entrees) == ["instructeur", "referent", "slai"]
    assert {e.structure_id for e in entrees} == {dossier.structure_id}
    assert {e.cible_id for e in entrees} == {str(dossier.personne.pk)}


def test_droit_d_acces_reprend_tout(dossier, agent_slai):
    journaliser_consultation(agent_slai, dossier.personne)
    donnees = donnees_personne(dossier.personne)
    assert donnees["identite"]["nom"] == "Lefebvre"
    assert donnees["identite"]["date_naissance"] == J(1984, 7, 14)
    assert [j["nature"] for j in donnees["justificatifs"]] == ["Attestation CAF/MSA de droits au RSA le mois d'entrée"]
    (orientation,) = donnees["orientations"]
    assert orientation["parcours"] == "Remobilisation sociale intensive"
    assert [r["presence"] for r in orientation["rendez_vous"]] == ["Absence injustifiée"]
    assert orientation["contrats"][0]["actions"][0]["libelle"] == "Démarches de santé"
    assert len(orientation["contrats"][0]["heures"]) == 1
    assert orientation["diagnostics"][0]["moment"] == "Actualisation à la création du CE"
    assert orientation["demandes_suspension"][0]["motif"].startswith("Absence injustifiée au rendez-vous du")
    assert orientation["demandes_reorientation"][0]["orientation_demandee"].startswith("Sphère emploi")
    assert [e["profil"] for e in donnees["consultations"]] == ["Agent SLAI"]
    assert json.loads(json_droit_acces(dossier.personne))["identite"]["numero_allocataire"] == "7654321"


def test_pdf_droit_d_acces(dossier):
    pdf = pdf_droit_acces(dossier.personne)
    assert pdf.startswith(b"%PDF")
    texte = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Vos données personnelles" in texte
    assert "Lefebvre" in texte and "14/07/1984" in texte
    assert "Remobilisation sociale intensive" in texte


def test_anonymisation_apres_le_delai_et_idempotente(dossier, agent_slai, settings):
    settings.AAP_PARCOURS_CONSERVATION_MOIS = 36
    personne = dossier.personne
    journaliser_consultation(agent_slai, personne)
    SortieFactory(orientation=dossier, date_sortie=J(2026, 6, 1), type=c.TypeSortie.CDI)
    en_cours = OrientationFactory(personne__nom="Encours")  # jamais sortie
    assert anonymiser_personnes(J(2029, 6, 1)) == 0  # 36 mois tout juste : pas encore
    assert anonymiser_personnes(J(2029, 6, 2), dry_run=True) == 1
    personne.refresh_from_db()
    assert personne.nom == "Lefebvre"
    assert anonymiser_personnes(J(2029, 6, 2)) == 1
    personne.refresh_from_db()
    assert (personne.nom, personne.prenom, personne.numero_allocataire) == ("ANONYME", "", "")
    assert personne.date_naissance == J(1984, 1, 1)
    assert personne.anonymisee_le is not None
    assert not m.Justificatif.objects.filter(personne=personne).exists()
    assert m.RendezVous.objects.filter(orientation=dossier).count() == 1
    assert m.ContratEngagement.objects.get(orientation=dossier).observations == ""
    assert m.ActionContrat.objects.get(contrat__orientation=dossier).detail != ""
    assert "Lefebvre" not in m.DemandeReorientation.objects.get(orientation=dossier).argumentaire
    assert m.Sortie.objects.get(orientation=dossier).type == c.TypeSortie.CDI
    assert not AuditLog.objects.filter(cible_repr__icontains="Lefebvre").exists()
    assert AuditLog.objects.filter(action="parcours.anonymiser", cible_id=str(personne.pk)).count() == 1
    assert anonymiser_personnes(J(2030, 1, 1)) == 0
    assert AuditLog.objects.filter(action="parcours.anonymiser").count() == 1
    en_cours.personne.refresh_from_db()
    assert en_cours.personne.nom == "Encours"


def test_personne_avec_une_orientation_recente_conservee(settings):
    settings.AAP_PARCOURS_CONSERVATION_MOIS = 12
    ancienne = SortieFactory(orientation__date_orientation=J(2024, 1, 8), date_sortie=J(2024, 6, 1)).orientation
    recente = OrientationFactory(personne=ancienne.personne, date_orientation=J(2025, 9, 1))
    SortieFactory(orientation=recente, date_sortie=J(2025, 12, 1))
    assert anonymiser_personnes(J(2026, 6, 1)) == 0
    assert anonymiser_personnes(J(2026, 12, 2)) == 1


def test_personne_jamais_orientee_anonymisee_apres_le_delai(settings):
    settings.AAP_PARCOURS_CONSERVATION_MOIS = 36
    PersonneFactory(creee_le=datetime.datetime(2026, 1, 5, 10, tzinfo=datetime.UTC))
    assert anonymiser_personnes(J(2029, 1, 5)) == 0
    assert anonymiser_personnes(J(2029, 1, 6)) == 1


def test_commande_purger_parcours(dossier):
    SortieFactory(orientation=dossier, date_sortie=J(2026, 6, 1))
    sortie = StringIO()
    call_command("purger_parcours", "--date", "2030-01-01", "--dry-run", stdout=sortie)
    assert "Simulation : 1 personne(s) à anonymiser" in sortie.getvalue()
    assert m.Personne.objects.get().nom == "Lefebvre"
    call_command("purger_parcours", "--date", "2030-01-01", stdout=sortie)
    call_command("purger_parcours", "--date", "2030-01-01", stdout=sortie)
    assert "1 personne(s) anonymisée(s)" in sortie.getvalue()
    assert "0 personne(s) anonymisée(s)" in sortie.getvalue()
    assert m.Personne.objects.get().nom == "ANONYME"
    assert AuditLog.objects.filter(action="parcours.purger").count() == 1


def test_la_purge_quotidienne_supprime_les_fichiers_d_import_abandonnes(settings):
    """Les CSV d'import des parcours (données personnelles) ne restent pas plus de 30 jours."""
    import os
    from pathlib import Path

    from aap.parcours.imports.taches import DOSSIER

    dossier = Path(settings.MEDIA_ROOT) / DOSSIER
    dossier.mkdir(parents=True, exist_ok=True)
    ancien, recent = dossier / "ancien.csv", dossier / "recent.csv"
    for fichier in (ancien, recent):
        fichier.write_text("reference;nom\n")
    depose = datetime.datetime.now(tz=datetime.UTC)
    il_y_a_40_jours = (depose - datetime.timedelta(days=40)).timestamp()
    os.utime(ancien, (il_y_a_40_jours, il_y_a_40_jours))
    sortie = StringIO()
    call_command("purger_parcours", "--date", depose.date().isoformat(), stdout=sortie)
    assert "1 fichier(s) d'import des parcours supprimé(s)" in sortie.getvalue()
    assert not ancien.exists()
    assert recent.exists()
