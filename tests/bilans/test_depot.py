"""Saisie et dépôt d'un bilan par la structure : contenu exigé, nombres positifs, acteurs, transitions."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from aap.bilans import services
from aap.bilans.models import StatutBilan
from aap.bilans.workflow import WORKFLOW
from aap.core.models import AuditLog
from aap.structures.fichiers import PDF, contenu_de_test
from tests.bilans.outils import bilan_de, convention_signee, donnees
from tests.conventions.factories import fabriquer_convention
from tests.factories import MembreFactory


def test_table_des_transitions():
    assert set(WORKFLOW.table()) == {
        ("a_produire", "deposer", "depose"),
        ("a_modifier", "deposer", "depose"),
        ("depose", "demander_modifications", "a_modifier"),
        ("depose", "accepter", "accepte"),
    }


def test_depot_complet_enregistre_le_contenu_et_journalise():
    convention, porteur = convention_signee()
    bilan = bilan_de(convention)
    services.deposer_bilan(
        bilan, porteur, donnees(bilan, realisations={"dsp": Decimal("700"), "places": Decimal("65.5")})
    )
    bilan.refresh_from_db()
    assert bilan.statut == StatutBilan.DEPOSE
    assert bilan.realisations == {"dsp": "700", "places": "65.5"}
    assert bilan.sorties == 3 and bilan.sorties_detail["emploi_durable"] == 2
    assert bilan.depose_par == porteur and bilan.depose_le is not None
    assert bilan.depenses and all(d["realise"] == d["retenu"] for d in bilan.depenses)
    assert AuditLog.objects.for_object(bilan).filter(action="bilan.deposer").exists()


def test_chaque_mesure_est_exigee_au_depot():
    convention, porteur = convention_signee()
    bilan = bilan_de(convention)
    with pytest.raises(ValidationError) as erreur:
        services.deposer_bilan(bilan, porteur, donnees(bilan, realisations={"dsp": Decimal("700")}))
    assert set(erreur.value.message_dict) == {"mesure_places"}
    assert "Places occupées" in erreur.value.message_dict["mesure_places"][0]
    bilan.refresh_from_db()
    assert bilan.statut == StatutBilan.A_PRODUIRE


@pytest.mark.parametrize(
    ("remplacement", "cle"),
    [
        ({"realisations": {"dsp": Decimal("-1"), "places": Decimal("3")}}, "mesure_dsp"),
        ({"entrees": -2}, "entrees"),
        ({"sorties_detail": {"abandon": -1}}, "sortie_abandon"),
        ({"indicateurs": {"delai_premier_rdv": {"valeur": "-3"}}}, "indicateur_delai_premier_rdv"),
        ({"indicateurs": {"delai_premier_rdv": {"valeur": "rapide"}}}, "indicateur_delai_premier_rdv"),
        ({"texte_qualitatif": "  "}, "texte_qualitatif"),
        ({"entrees": None}, "entrees"),
    ],
)
def test_erreurs_de_contenu_au_depot(remplacement, cle):
    convention, porteur = convention_signee()
    bilan = bilan_de(convention)
    with pytest.raises(ValidationError) as erreur:
        services.deposer_bilan(bilan, porteur, donnees(bilan, **remplacement))
    assert cle in erreur.value.message_dict


def test_depense_realisee_exigee_et_positive():
    convention, porteur = convention_signee()
    bilan = bilan_de(convention)
    contenu = donnees(bilan)
    assert contenu["depenses"], "le plan retenu pré-remplit les dépenses"
    contenu["depenses"][0]["realise"] = None
    with pytest.raises(ValidationError) as erreur:
        services.deposer_bilan(bilan, porteur, contenu)
    assert "depense_0" in erreur.value.message_dict
    contenu["depenses"][0]["realise"] = Decimal("-0.01")
    with pytest.raises(ValidationError):
        services.enregistrer_bilan(bilan, porteur, contenu)


def test_brouillon_incomplet_accepte_sans_changer_le_statut():
    convention, porteur = convention_signee()
    bilan = bilan_de(convention)
    services.enregistrer_bilan(bilan, porteur, {"realisations": {"dsp": Decimal("12")}, "texte_qualitatif": "Début"})
    bilan.refresh_from_db()
    assert bilan.statut == StatutBilan.A_PRODUIRE
    assert bilan.realisations == {"dsp": "12", "places": None}
    assert bilan.texte_qualitatif == "Début"


def test_seul_un_membre_actif_depose(autre_porteur, instructeur):
    convention, _ = convention_signee()
    bilan = bilan_de(convention)
    for acteur in (autre_porteur, instructeur):
        with pytest.raises(PermissionDenied):
            services.deposer_bilan(bilan, acteur, donnees(bilan))
    inactif = MembreFactory(structure=convention.structure, actif=False).user
    with pytest.raises(PermissionDenied):
        services.enregistrer_bilan(bilan, inactif, donnees(bilan))


def test_pas_de_depot_avant_signature_ni_apres_depot():
    convention = fabriquer_convention(statut="envoyee")
    porteur = MembreFactory(structure=convention.structure).user
    bilan = bilan_de(convention)
    with pytest.raises(services.BilanImpossible, match="signée"):
        services.deposer_bilan(bilan, porteur, donnees(bilan))
    convention, porteur = convention_signee()
    bilan = bilan_de(convention)
    services.deposer_bilan(bilan, porteur, donnees(bilan))
    with pytest.raises(services.BilanImpossible, match="plus modifiable"):
        services.deposer_bilan(bilan, porteur, donnees(bilan))


def test_piece_jointe_pdf_acceptee_autre_format_refuse():
    convention, porteur = convention_signee()
    bilan = bilan_de(convention)
    pdf = SimpleUploadedFile("bilan.pdf", contenu_de_test(PDF), content_type="application/pdf")
    services.enregistrer_bilan(bilan, porteur, {"piece": pdf})
    bilan.refresh_from_db()
    assert bilan.piece.name.endswith(".pdf")
    texte = SimpleUploadedFile("bilan.txt", b"texte brut", content_type="text/plain")
    with pytest.raises(ValidationError) as erreur:
        services.enregistrer_bilan(bilan, porteur, {"piece": texte})
    assert "piece" in erreur.value.message_dict
    png = io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    image = SimpleUploadedFile("photo.png", png.getvalue(), content_type="image/png")
    with pytest.raises(ValidationError, match="PDF ou un classeur Excel"):
        services.enregistrer_bilan(bilan, porteur, {"piece": image})
