"""Service `noter` : qui note (DPID, SLAI du territoire), quand (en instruction), quoi (grille complète), traces."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from aap.core.models import AuditLog, Role
from aap.demandes.choix import STATUTS_EN_INSTRUCTION, StatutDemande
from aap.instruction.models import Notation
from aap.instruction.notation import NotationInvalide, grille_de, noter, peut_noter, synthese
from tests.demandes.factories import DemandeFactory, DispositifFactory, SessionAppelFactory, regles
from tests.factories import UserFactory, territoire
from tests.instruction.notation_outils import avec_grille, grille_uniforme


@pytest.fixture
def demande():
    return avec_grille(DemandeFactory(statut=StatutDemande.VALIDEE, territoires=["arrageois", "ternois"]))


def test_l_instructeur_note_puis_modifie_sa_grille(demande, instructeur):
    noter(demande, instructeur, grille_uniforme(demande, 3))
    notes = grille_uniforme(demande, 2)
    notes["partenariat"] = (4, "  Réseau local très solide.  ")
    noter(demande, instructeur, notes)
    lignes = Notation.objects.filter(demande=demande, evaluateur=instructeur)
    assert lignes.count() == 11
    assert lignes.get(critere="partenariat").commentaire == "Réseau local très solide."
    assert lignes.get(critere="objet_social").note == 2
    journal = list(AuditLog.objects.for_object(demande).filter(action="instruction.noter").order_by("pk"))
    assert [e.details["modification"] for e in journal] == [False, True]
    assert journal[0].details["pourcentage"] == "75.00" and journal[1].details["notes"]["partenariat"] == 4


def test_plusieurs_evaluateurs_chacun_sa_grille(demande, instructeur, gestionnaire, agent_slai):
    noter(demande, instructeur, grille_uniforme(demande, 4, "Excellent."))
    noter(demande, gestionnaire, grille_uniforme(demande, 2))
    noter(demande, agent_slai, grille_uniforme(demande, 1))
    s = synthese(demande)
    assert s is not None and len(s.evaluateurs) == 3
    assert sorted(s.totaux) == [Decimal("25.00"), Decimal("50.00"), Decimal("100.00")]
    assert s.moyenne == Decimal("58.33")
    ligne = s.lignes[0]
    assert (ligne.stats.minimum, ligne.stats.maximum, ligne.stats.ecart, ligne.stats.ecart_important) == (
        1,
        4,
        3,
        True,
    )
    assert ligne.stats.moyenne == Decimal("2.33")
    assert s.ecarts_importants == 11


def test_criteres_propres_a_la_fiche(instructeur):
    fiche = regles() | {
        "criteres": [{"code": "f99_reseau", "intitule": "Animation de réseau", "libelle": "Expérience du réseau."}]
    }
    session = SessionAppelFactory(dispositif=DispositifFactory(regles=fiche))
    demande = avec_grille(DemandeFactory(statut=StatutDemande.VALIDEE, session=session))
    grille = grille_de(demande)
    assert grille.codes[-1] == "f99_reseau" and grille.codes_fiche == {"f99_reseau"} and len(grille.codes) == 12
    notes = grille_uniforme(demande, 3)
    del notes["f99_reseau"]
    with pytest.raises(NotationInvalide) as exc:
        noter(demande, instructeur, notes)
    assert exc.value.erreurs == {"f99_reseau": "Notez ce critère."}
    noter(demande, instructeur, grille_uniforme(demande, 3))
    assert synthese(demande).lignes[-1].propre_fiche


def test_commentaire_obligatoire_aux_extremes(demande, instructeur):
    notes = grille_uniforme(demande, 3, "")
    notes["budget_detaille"] = (0, " ")
    notes["communication"] = (4, "")
    with pytest.raises(NotationInvalide) as exc:
        noter(demande, instructeur, notes)
    assert set(exc.value.erreurs) == {"budget_detaille", "communication"}
    assert not Notation.objects.exists()


def test_note_hors_bareme(demande, instructeur):
    notes = grille_uniforme(demande, 3)
    notes["moyens"] = (5, "Au-delà")
    with pytest.raises(NotationInvalide, match="de 0 à 4"):
        noter(demande, instructeur, notes)


@pytest.mark.parametrize("role", [Role.FINANCES, Role.ADMIN, Role.PORTEUR])
def test_roles_refuses(demande, role):
    user = UserFactory(role=role)
    assert not peut_noter(demande, user)
    with pytest.raises(PermissionDenied):
        noter(demande, user, grille_uniforme(demande, 3))


def test_slai_d_un_autre_territoire_refuse(demande, agent_slai):
    autre = UserFactory(role=Role.SLAI, territoire=territoire("calaisis"))
    with pytest.raises(PermissionDenied, match="territoire"):
        noter(demande, autre, grille_uniforme(demande, 3))
    assert peut_noter(demande, agent_slai)
    noter(demande, UserFactory(role=Role.SLAI, territoire=territoire("ternois")), grille_uniforme(demande, 3))


@pytest.mark.parametrize("statut", [s for s in StatutDemande if s not in STATUTS_EN_INSTRUCTION])
def test_hors_instruction_plus_de_notation(demande, instructeur, statut):
    demande.statut = statut
    demande.save()
    assert not peut_noter(demande, instructeur)
    with pytest.raises(PermissionDenied, match="pas en instruction"):
        noter(demande, instructeur, grille_uniforme(demande, 3))


def test_ajournee_se_note_encore(demande, gestionnaire):
    demande.statut = StatutDemande.AJOURNEE
    demande.save()
    noter(demande, gestionnaire, grille_uniforme(demande, 3))
    assert Notation.objects.filter(evaluateur=gestionnaire).count() == 11


def test_edition_sans_grille(instructeur):
    demande = DemandeFactory(statut=StatutDemande.VALIDEE)
    assert grille_de(demande) is None and synthese(demande) is None
    with pytest.raises(PermissionDenied, match="grille"):
        noter(demande, instructeur, {})
