"""Demandes importées d'un tableau de propositions, sans session (« Demande importée (hors portail) ») : affichées
comme telles, jamais modifiables, déposables ni redéposables par le porteur, éligibilité « sans objet »."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from aap.catalogue.models import Dispositif
from aap.core.models import AuditLog
from aap.demandes import services
from aap.demandes.choix import StatutDemande
from aap.demandes.financement import Depense, Ressource
from aap.demandes.models import Demande
from aap.demandes.rules import DemandeHorsPortail, exiger_session_ouverte, temps_restant
from aap.instruction import circuit
from aap.instruction.eligibilite import Resultat, controler_eligibilite
from aap.structures.models import RoleMembre
from tests.demandes.conftest import PENDANT
from tests.demandes.factories import DemandeFactory
from tests.factories import MembreFactory


HORS_PORTAIL = "Demande importée (hors portail)"


def sans_session(demande: Demande, statut: str = StatutDemande.VALIDEE) -> Demande:
    """La demande telle que l'import la laisse : reçue, sans session, validée par l'agent de l'import."""
    Demande.objects.filter(pk=demande.pk).update(session=None, statut=statut, validee_le=timezone.now())
    demande.refresh_from_db()
    return demande


@pytest.fixture
def importee(structure, porteur):
    """Sur un dispositif à fiche (plan de financement calculable)."""
    return sans_session(DemandeFactory(structure=structure, cree_par=porteur, budget=True))


@pytest.fixture
def importee_sans_fiche(catalogue_2026, structure, administrateur):
    """Sur le dispositif 1.3 du catalogue 2026 : ni session, ni fiche détaillée (cas de l'annexe 6)."""
    dispositif = Dispositif.objects.get(edition=catalogue_2026, code="1.3")
    return DemandeFactory(
        reference="IMP2026-1.3-0123456789AB",
        statut=StatutDemande.VALIDEE,
        structure=structure,
        session=None,
        dispositif=dispositif,
        date_debut=datetime.date(2026, 1, 1),
        date_fin=datetime.date(2026, 12, 31),
        cree_par=administrateur,
        validee_par=administrateur,
        validee_le=timezone.now(),
        montant_demande=Decimal("98500.40"),
    )


def messages_de(reponse) -> list[str]:
    return [str(m) for m in get_messages(reponse.wsgi_request)]


# --- Règles et services -------------------------------------------------------------------------------------


def test_regle_sans_session_refuse_toujours_et_explique():
    with pytest.raises(DemandeHorsPortail) as refus:
        exiger_session_ouverte(None, timezone.now(), "deposer")
    assert refus.value.messages == [
        "Cette demande a été importée d'un tableau de propositions du Département (hors portail), sans session "
        "de dépôt : elle ne peut pas être déposée en ligne. Pour toute correction, adressez-vous à la DPID."
    ]
    assert temps_restant(None) is None


@pytest.mark.parametrize("statut", [StatutDemande.VALIDEE, StatutDemande.COMPLEMENTS, StatutDemande.AJOURNEE])
def test_porteur_ne_modifie_jamais_une_demande_importee(importee, porteur, statut):
    """Même en « compléments demandés » (qui rouvre d'ordinaire le dossier la session close)."""
    sans_session(importee, statut)
    avant = AuditLog.objects.count()
    with pytest.raises(DemandeHorsPortail, match="elle ne peut pas être modifiée en ligne"):
        services.mettre_a_jour(importee, porteur, {"intitule": "Autre intitulé"})
    with pytest.raises(DemandeHorsPortail, match="le plan de financement ne peut pas être modifié en ligne"):
        services.enregistrer_budget(
            importee,
            porteur,
            [Depense(2026, "fonctionnement", "Loyer", Decimal("100"))],
            [Ressource(2026, "departement", Decimal("100"))],
        )
    importee.refresh_from_db()
    assert importee.intitule != "Autre intitulé" and importee.depenses.count() > 0
    assert AuditLog.objects.count() == avant


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("deposer", "elle ne peut pas être déposée en ligne"),
        ("repasser_en_brouillon", "elle ne peut pas être rouverte en ligne"),
    ],
)
def test_porteur_ne_redepose_pas_une_demande_importee(importee, porteur, action, message):
    with pytest.raises(DemandeHorsPortail, match=message):
        getattr(services, action)(importee, porteur)
    importee.refresh_from_db()
    assert importee.statut == StatutDemande.VALIDEE


def test_representant_ne_valide_pas_une_demande_importee(importee, porteur):
    with pytest.raises(DemandeHorsPortail, match="elle ne peut pas être validée en ligne"):
        services.valider(importee, porteur, attestation_honneur=True)
    assert not Demande.objects.get(pk=importee.pk).recepisse


def test_pas_de_complements_en_ligne_pour_une_demande_importee(importee, instructeur, porteur):
    with pytest.raises(circuit.ActionRefusee, match="hors portail"):
        circuit.demander_complements(importee, instructeur, "Fournir les statuts à jour.")
    assert Demande.objects.get(pk=importee.pk).statut == StatutDemande.VALIDEE
    assert not importee.tours_complements.exists()
    sans_session(importee, StatutDemande.COMPLEMENTS)  # une demande arrivée là autrement ne se redépose pas
    with pytest.raises(DemandeHorsPortail, match="elle ne peut pas être déposée en ligne"):
        circuit.redeposer(importee, porteur, "Statuts joints.")
    assert Demande.objects.get(pk=importee.pk).statut == StatutDemande.COMPLEMENTS


def test_la_structure_peut_renoncer_a_une_demande_importee(importee, porteur):
    """Le retrait n'est pas une modification du dossier : la structure renonce à la subvention proposée."""
    circuit.retirer(importee, porteur, "La structure renonce à l'opération.")
    assert Demande.objects.get(pk=importee.pk).statut == StatutDemande.RETIREE


def test_eligibilite_delai_de_depot_sans_objet(importee_sans_fiche):
    criteres = {c.code: c for c in controler_eligibilite(importee_sans_fiche)}
    assert criteres["depot"].resultat == Resultat.SANS_OBJET
    assert criteres["depot"].detail.startswith("Sans objet : demande importée d'un tableau de propositions")


# --- Écrans du porteur --------------------------------------------------------------------------------------


def test_fiche_du_porteur(client, porteur, importee_sans_fiche):
    client.force_login(porteur)
    reponse = client.get(reverse("demandes:detail", args=[importee_sans_fiche.pk]))
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert HORS_PORTAIL in contenu
    assert "n'a donc pas de récépissé" in contenu
    assert "Télécharger le récépissé" not in contenu
    assert "avec l'attestation sur l'honneur" not in contenu
    assert 'aria-label="Étapes de la demande"' not in contenu
    assert reverse("demandes:dossier", args=[importee_sans_fiche.pk]) not in contenu


@pytest.mark.usefixtures("pendant_session")
def test_liste_du_porteur(client, porteur, importee_sans_fiche, demande):
    client.force_login(porteur)
    contenu = client.get(reverse("demandes:mes_demandes")).content.decode()
    assert HORS_PORTAIL in contenu
    assert "Demande importée : consulter" in contenu
    assert "Compléter et déposer" in contenu  # la demande du portail garde sa prochaine action


@pytest.mark.parametrize("page", ["dossier", "budget", "valider"])
def test_pages_d_ecriture_renvoient_a_la_fiche(client, porteur, importee_sans_fiche, page):
    client.force_login(porteur)
    url = reverse(f"demandes:{page}", args=[importee_sans_fiche.pk])
    for reponse in (client.get(url), client.post(url, {"intitule": "Autre", "attestation_honneur": "on"})):
        assert reponse.status_code == 302
        assert reponse["Location"] == reverse("demandes:detail", args=[importee_sans_fiche.pk])
        assert any("hors portail" in m for m in messages_de(reponse))
    importee_sans_fiche.refresh_from_db()
    assert importee_sans_fiche.statut == StatutDemande.VALIDEE and importee_sans_fiche.intitule != "Autre"


def test_enregistrement_automatique_et_apercu_refuses(client, porteur, importee_sans_fiche):
    client.force_login(porteur)
    autosave = client.post(reverse("demandes:autosave", args=[importee_sans_fiche.pk]), {"intitule": "Autre"})
    assert autosave.status_code == 200 and "hors portail" in autosave.content.decode()
    apercu = client.post(reverse("demandes:budget_apercu", args=[importee_sans_fiche.pk]), {})
    assert apercu.status_code == 200 and "hors portail" in apercu.content.decode()
    assert Demande.objects.get(pk=importee_sans_fiche.pk).intitule != "Autre"


def test_gestionnaire_de_la_structure_non_plus(client, structure, importee):
    gestionnaire = MembreFactory(structure=structure, role=RoleMembre.GESTIONNAIRE).user
    client.force_login(gestionnaire)
    reponse = client.get(reverse("demandes:dossier", args=[importee.pk]))
    assert reponse.status_code == 302


# --- Écrans des agents --------------------------------------------------------------------------------------


def test_fiche_de_l_agent(client, instructeur, importee_sans_fiche):
    client.force_login(instructeur)
    reponse = client.get(reverse("demandes:detail", args=[importee_sans_fiche.pk]))
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert HORS_PORTAIL in contenu
    assert "Sans objet" in contenu
    assert reverse("instruction:complements", args=[importee_sans_fiche.pk]) not in contenu
    assert "les compléments se demandent directement" in contenu


def test_une_demande_du_portail_garde_sa_session(client, instructeur, demande, porteur):
    services.deposer(demande, porteur, at=PENDANT)
    client.force_login(instructeur)
    contenu = client.get(reverse("demandes:detail", args=[demande.pk])).content.decode()
    assert f"session {demande.session.numero} (du 12/01/2026 au 15/02/2026)" in contenu
    assert HORS_PORTAIL not in contenu
