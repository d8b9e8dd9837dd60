"""Un parcours complet par les services : chaque changement d'état écrit sa ligne « parcours.<verbe> », avec la
structure concernée, sans donnée d'identité dans les détails."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from aap.core.models import AuditLog
from aap.parcours import choices as c
from aap.parcours import services
from tests.factories import UserFactory, territoire
from tests.parcours.factories import ContratFactory, a_paris, dispositif_a_parcours
from tests.parcours.outils import actions, orientation_chez, structure_du


pytestmark = pytest.mark.usefixtures("catalogue_2026")
J = datetime.date


def test_parcours_complet_journalise(referent, agent_slai):
    structure = structure_du(referent)
    personne = services.creer_personne(
        acteur=agent_slai,
        nom="Petit",
        prenom="Hugo",
        date_naissance=J(2001, 2, 3),
        organisme="msa",
        numero_allocataire="99887766",
        categorie=c.CategoriePublic.JEUNE_MOINS_26,
        territoire=territoire("arrageois"),
    )
    o = services.orienter(
        acteur=agent_slai,
        personne=personne,
        structure=structure,
        dispositif=dispositif_a_parcours("5.1"),
        parcours="remobilisation_sociale_intensive",
        date_orientation=J(2026, 3, 2),
    )
    services.enregistrer_justificatif(
        acteur=referent, personne=personne, structure=structure, nature="piece_identite", verifie_le=J(2026, 3, 5)
    )
    rdv = services.planifier_rendez_vous(acteur=referent, orientation=o, debut=a_paris(J(2026, 3, 9)), mode="physique")
    services.noter_presence(acteur=referent, rendez_vous=rdv, presence="honore")
    contrat = services.signer_contrat(
        acteur=referent,
        orientation=o,
        date_signature=J(2026, 3, 20),
        date_debut=J(2026, 3, 20),
        heures_hebdo_prevues=10,
        actions=actions(J(2026, 3, 20), J(2026, 9, 19)),
    )
    services.enregistrer_diagnostic(acteur=referent, orientation=o, moment="creation_ce", date=J(2026, 3, 20),
                                    freins=["logement", "mobilite"])  # fmt: skip
    services.saisir_heures(acteur=referent, contrat=contrat, semaine=J(2026, 3, 25), heures=10)
    suspension = services.demander_suspension(
        acteur=referent, orientation=o, date_demande=J(2026, 4, 2), motif="Absences"
    )
    services.decider_suspension(acteur=agent_slai, demande=suspension, acceptee=False, date=J(2026, 4, 5))
    services.enregistrer_revue_slai(acteur=agent_slai, contrat=contrat, date=J(2026, 9, 10))
    services.clore_contrat(acteur=referent, contrat=contrat, date_cloture=J(2026, 9, 19))
    services.enregistrer_diagnostic(acteur=referent, orientation=o, moment="cloture_ce", date=J(2026, 9, 19),
                                    freins=["mobilite"])  # fmt: skip
    services.sortir(acteur=referent, orientation=o, date_sortie=J(2026, 9, 30), type="aah")
    entrees = AuditLog.objects.filter(action__startswith="parcours.")
    assert set(entrees.values_list("action", flat=True)) == {
        f"parcours.{verbe}"
        for verbe in (
            "creer_personne", "orienter", "enregistrer_justificatif", "planifier_rendez_vous", "noter_presence",
            "signer_contrat", "enregistrer_diagnostic", "saisir_heures", "demander_suspension",
            "decider_suspension", "enregistrer_revue_slai", "clore_contrat", "sortir",
        )
    }  # fmt: skip
    assert set(entrees.exclude(action="parcours.creer_personne").values_list("structure_id", flat=True)) == {
        structure.pk
    }
    for entree in entrees:
        assert "Petit" not in str(entree.details) and "2001-02-03" not in str(entree.details)
        assert entree.acteur in (referent, agent_slai)


@pytest.mark.parametrize("role", ["porteur", "finances", "referent_sans_structure"])
def test_sortie_et_cloture_refusees_aux_comptes_sans_parcours(referent, porteur, agent_finances, role):
    acteur = {"porteur": porteur, "finances": agent_finances, "referent_sans_structure": UserFactory(role="referent")}[
        role
    ]
    o = orientation_chez(referent)
    contrat = ContratFactory(orientation=o)
    with pytest.raises(PermissionDenied):
        services.clore_contrat(acteur=acteur, contrat=contrat, date_cloture=J(2026, 5, 1))
    with pytest.raises(PermissionDenied):
        services.sortir(acteur=acteur, orientation=o, date_sortie=J(2026, 5, 1), type="abandon")
    with pytest.raises(PermissionDenied):
        services.enregistrer_dsp(acteur=acteur, orientation=o, date_dsp=J(2026, 3, 5), sphere_preconisee="",
                                 preconisee_le=None)  # fmt: skip
    assert not o.__class__.objects.filter(pk=o.pk, sortie__isnull=False).exists()
