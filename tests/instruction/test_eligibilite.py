"""Contrôle d'éligibilité d'une demande, à partir du catalogue 2026 réel."""

import datetime

from django.utils import timezone

from aap.catalogue.models import Dispositif, SessionAppel
from aap.demandes.choix import StatutDemande
from aap.instruction.eligibilite import Resultat, controler_eligibilite
from tests.demandes.factories import DemandeFactory
from tests.factories import StructureFactory
from tests.structures.factories import pieces_completes


def _demande(catalogue, code, **kwargs):
    session = SessionAppel.objects.get(dispositif=Dispositif.objects.get(edition=catalogue, code=code), numero=1)
    validee_le = datetime.datetime(2026, 2, 15, 22, 30, tzinfo=datetime.UTC)  # 23:30 à Paris, dernier jour
    return DemandeFactory(session=session, budget=True, statut=StatutDemande.VALIDEE, validee_le=validee_le, **kwargs)


def _resultats(demande, at=datetime.date(2026, 3, 1)):
    return {c.code: c.resultat for c in controler_eligibilite(demande, at)}


def test_demande_conforme_sur_la_fiche_5_2(catalogue_2026):
    structure = StructureFactory(label_referent_62=True)
    pieces_completes(structure)
    resultats = _resultats(_demande(catalogue_2026, "5.2", structure=structure))
    for code in ("depot", "implantation", "territoires", "pieces", "label_referent_62", "plan"):
        assert resultats[code] == Resultat.CONFORME, code
    # La référence du dossier FSE+ et les exigences écrites de la fiche restent à vérifier par l'instructeur.
    assert resultats["cofinancement"] == Resultat.A_VERIFIER
    assert any(code.startswith("exigence_") for code in resultats)


def test_chaque_manquement_est_signale(catalogue_2026):
    structure = StructureFactory(label_referent_62=False, code_postal="59000", commune="Lille")
    demande = _demande(catalogue_2026, "5.2", structure=structure)
    demande.validee_le = timezone.make_aware(datetime.datetime(2026, 2, 16, 0, 0, 1))
    demande.save()
    criteres = {c.code: c for c in controler_eligibilite(demande, datetime.date(2026, 3, 1))}
    assert criteres["depot"].resultat == Resultat.NON_CONFORME
    assert criteres["implantation"].resultat == Resultat.NON_CONFORME and "59000" in criteres["implantation"].detail
    assert criteres["label_referent_62"].resultat == Resultat.NON_CONFORME
    assert criteres["pieces"].resultat == Resultat.NON_CONFORME and "statuts" in criteres["pieces"].detail


def test_pieces_expirees_a_la_date_du_controle(catalogue_2026):
    structure = StructureFactory(label_referent_62=True)
    pieces_completes(structure, jusquau=datetime.date(2026, 6, 30))
    demande = _demande(catalogue_2026, "5.2", structure=structure)
    assert _resultats(demande, datetime.date(2026, 6, 30))["pieces"] == Resultat.CONFORME
    assert _resultats(demande, datetime.date(2026, 7, 1))["pieces"] == Resultat.NON_CONFORME


def test_label_exige_seulement_par_les_fiches_qui_le_demandent(catalogue_2026):
    demande = _demande(catalogue_2026, "5.5", structure=StructureFactory(label_referent_62=False))
    assert "label_referent_62" not in _resultats(demande)


def test_visible_par_les_agents_seulement(client, catalogue_2026, instructeur, porteur):
    structure = porteur.adhesions.get().structure
    demande = _demande(catalogue_2026, "5.2", structure=structure)
    client.force_login(instructeur)
    assert "Éligibilité" in client.get(f"/demandes/{demande.pk}/").content.decode()
    client.force_login(porteur)
    assert "Éligibilité" not in client.get(f"/demandes/{demande.pk}/").content.decode()
