"""Circuit de la charte qualité : calcul, notes des agents, communication, réponses, résultat définitif."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from aap.core.models import AuditLog, Role
from aap.qualite import services
from aap.qualite.models import ReponseStructure, StatutCharte
from aap.qualite.selectors import charte_de
from aap.structures.models import RoleMembre
from tests.factories import MembreFactory, StructureFactory, UserFactory, territoire
from tests.parcours.factories import OrientationFactory, RendezVousFactory
from tests.qualite.charte_outils import (
    DEBUT_2026,
    FIN_2026,
    calculee,
    convention_52,
    d52,
    noter_tout,
    poids_appreciation,
)


pytestmark = pytest.mark.usefixtures("catalogue_2026")


def _paris(jour: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(jour, datetime.time(12)))


@pytest.fixture
def structure():
    s = StructureFactory()
    MembreFactory(structure=s, user__email="presidente@structure.test")
    return s


def _actions(resultat) -> list[str]:
    return list(AuditLog.objects.for_object(resultat).order_by("id").values_list("action", flat=True))


# --- Calcul ----------------------------------------------------------------------------------------------------


def test_calcul_sur_les_parcours_de_la_structure(gestionnaire, structure):
    orientation = OrientationFactory(
        structure=structure, dispositif=d52(), parcours="accompagnement_social_professionnel_intensif"
    )
    RendezVousFactory(orientation=orientation)  # 7 jours après l'orientation : dans le délai de 15 jours
    autre = OrientationFactory(
        structure=structure, dispositif=d52(), parcours="accompagnement_social_professionnel_intensif"
    )
    RendezVousFactory(orientation=autre, debut=_paris(autre.date_orientation + datetime.timedelta(days=16)))

    resultat = calculee(gestionnaire, structure)

    assert resultat.statut == StatutCharte.CALCULEE
    lignes = {d["code"]: d for d in resultat.detail}
    assert [c.code for c in charte_de(d52()).criteres] == [d["code"] for d in resultat.detail]
    premier = lignes["delai_premier_rdv"]
    assert (Decimal(str(premier["numerateur"])), Decimal(str(premier["denominateur"]))) == (1, 2)
    assert not premier["sans_objet"]
    assert lignes["bilan_argumente"]["categorie"] == "Respect de la procédure d'accompagnement"
    assert _actions(resultat) == ["charte.calculer"]


def test_recalcul_garde_les_notes_et_journalise(gestionnaire, structure):
    resultat = calculee(gestionnaire, structure)
    services.noter_critere(
        acteur=gestionnaire, resultat=resultat, critere="bilan_argumente", points="4", commentaire="Bons bilans."
    )
    score = type(resultat).objects.get(pk=resultat.pk).score
    assert score > 0

    encore = calculee(gestionnaire, structure)

    assert encore.pk == resultat.pk
    assert encore.score == score
    assert encore.notes.get().points == Decimal("4.00")
    assert _actions(resultat) == ["charte.calculer", "charte.noter", "charte.recalculer"]


@pytest.mark.parametrize("role", [Role.SLAI, Role.PORTEUR, Role.REFERENT, Role.FINANCES])
def test_calcul_reserve_a_la_dpid(role, structure):
    agent = UserFactory(role=role, territoire=territoire("arrageois") if role == Role.SLAI else None)
    with pytest.raises(PermissionDenied):
        calculee(agent, structure)
    with pytest.raises(PermissionDenied):
        services.calculer_tous(acteur=agent, dispositif=d52(), debut=DEBUT_2026, fin=FIN_2026)


def test_calcul_refuse_sans_charte_ou_periode_inversee(gestionnaire, structure):
    from aap.catalogue.models import Dispositif

    sans_charte = Dispositif.objects.get(edition__annee=2026, code="5.3")
    with pytest.raises(services.CharteImpossible):
        calculee(gestionnaire, structure, sans_charte)
    with pytest.raises(ValidationError):
        calculee(gestionnaire, structure, debut=FIN_2026, fin=DEBUT_2026)


def test_operation_liee_quand_elle_couvre_la_periode(gestionnaire, structure):
    convention = convention_52(structure)
    operation = convention.operations.get()

    annee_1 = calculee(gestionnaire, structure)
    debordant = calculee(gestionnaire, structure, debut=datetime.date(2025, 7, 1), fin=FIN_2026)

    assert annee_1.operation == operation
    assert debordant.operation is None


def test_calculer_tous_un_resultat_par_structure_sans_toucher_aux_definitifs(gestionnaire, structure):
    avec_parcours = StructureFactory()
    OrientationFactory(
        structure=avec_parcours, dispositif=d52(), parcours="accompagnement_social_professionnel_intensif"
    )
    convention_52(structure)  # une opération, pas encore de parcours
    OrientationFactory(structure=StructureFactory())  # une autre structure, sur le 5.1 : hors calcul

    assert services.calculer_tous(acteur=gestionnaire, dispositif=d52(), debut=DEBUT_2026, fin=FIN_2026) == 2
    assert set(d52().chartes.values_list("structure_id", flat=True)) == {structure.pk, avec_parcours.pk}

    definitif = d52().chartes.get(structure=structure)
    noter_tout(gestionnaire, definitif)
    services.communiquer(acteur=gestionnaire, resultat=definitif)
    definitif.refresh_from_db()
    services.rendre_definitif(
        acteur=gestionnaire, resultat=definitif, at=_paris(definitif.reponse_avant + datetime.timedelta(days=1))
    )

    assert services.calculer_tous(acteur=gestionnaire, dispositif=d52(), debut=DEBUT_2026, fin=FIN_2026) == 1


# --- Notes ---------------------------------------------------------------------------------------------------


def test_noter_recalcule_le_score(gestionnaire, structure):
    resultat = calculee(gestionnaire, structure)
    assert resultat.score == 0
    poids = poids_appreciation(d52())

    services.noter_critere(
        acteur=gestionnaire, resultat=resultat, critere="bilan_argumente", points="2,5", commentaire="Moyens."
    )

    resultat.refresh_from_db()
    # Sans parcours, les critères calculés sont sans objet : seul compte le poids des critères d'appréciation.
    attendu = (Decimal("2.5") * 100 / sum(poids.values())).quantize(Decimal("0.01"))
    assert resultat.score == attendu
    note = resultat.notes.get()
    assert (note.points, note.commentaire, note.agent) == (Decimal("2.50"), "Moyens.", gestionnaire)


def test_noter_un_bonus_s_ajoute_au_score(gestionnaire, structure):
    resultat = noter_tout(gestionnaire, calculee(gestionnaire, structure), {"bilan_argumente": Decimal(0)})
    avant = resultat.score
    services.noter_critere(
        acteur=gestionnaire, resultat=resultat, critere="accueil_public", points="3", commentaire="Bureaux."
    )
    resultat.refresh_from_db()
    assert resultat.score == min(Decimal(100), avant + 3)


@pytest.mark.parametrize(
    ("critere", "points", "commentaire", "champ"),
    [
        ("delai_premier_rdv", "3", "Calculé", "critere"),
        ("bilan_argumente", "6", "Au-delà du poids (5)", "points"),
        ("bilan_argumente", "-1", "Négatif", "points"),
        ("bilan_argumente", "2.555", "Trop de décimales", "points"),
        ("bilan_argumente", "", "Vide", "points"),
        ("bilan_argumente", "3", "  ", "commentaire"),
        ("inconnu", "1", "Pas dans la grille", "critere"),
    ],
)
def test_noter_refuse(gestionnaire, structure, critere, points, commentaire, champ):
    resultat = calculee(gestionnaire, structure)
    with pytest.raises(ValidationError) as erreur:
        services.noter_critere(
            acteur=gestionnaire, resultat=resultat, critere=critere, points=points, commentaire=commentaire
        )
    assert champ in erreur.value.message_dict
    assert not resultat.notes.exists()


def test_slai_du_territoire_note_les_autres_non(gestionnaire, structure, agent_slai, porteur, referent):
    resultat = calculee(gestionnaire, structure)
    services.noter_critere(
        acteur=agent_slai, resultat=resultat, critere="partenariat_slai", points=5, commentaire="ok"
    )
    slai_calais = UserFactory(role=Role.SLAI, territoire=territoire("calaisis"))
    for intrus in (slai_calais, porteur, referent, UserFactory(role=Role.FINANCES)):
        with pytest.raises(PermissionDenied):
            services.noter_critere(
                acteur=intrus, resultat=resultat, critere="reorientation", points=1, commentaire="x"
            )
    assert list(resultat.notes.values_list("critere", flat=True)) == ["partenariat_slai"]


# --- Phase contradictoire -------------------------------------------------------------------------------------


def test_communiquer_refuse_tant_qu_un_critere_d_appreciation_n_est_pas_note(gestionnaire, structure):
    resultat = calculee(gestionnaire, structure)
    codes = list(poids_appreciation(d52()))
    for code in codes[:-1]:
        services.noter_critere(acteur=gestionnaire, resultat=resultat, critere=code, points=1, commentaire="Vu.")

    with pytest.raises(services.CharteImpossible, match="Notez d'abord"):
        services.communiquer(acteur=gestionnaire, resultat=resultat)

    resultat.refresh_from_db()
    assert resultat.statut == StatutCharte.CALCULEE
    assert not mail.outbox


def test_communiquer_ouvre_la_phase_contradictoire_et_previent_la_structure(
    gestionnaire, structure, django_capture_on_commit_callbacks
):
    resultat = noter_tout(gestionnaire, calculee(gestionnaire, structure))
    at = _paris(datetime.date(2027, 1, 10))

    with pytest.raises(PermissionDenied):
        services.communiquer(acteur=UserFactory(role=Role.SLAI, territoire=territoire("arrageois")), resultat=resultat)
    with pytest.raises(services.CharteImpossible):
        services.rendre_definitif(acteur=gestionnaire, resultat=resultat)
    with django_capture_on_commit_callbacks(execute=True):
        resultat = services.communiquer(acteur=gestionnaire, resultat=resultat, at=at)

    delai = charte_de(d52()).delai_reponse_jours
    assert resultat.statut == StatutCharte.CONTRADICTOIRE
    assert resultat.reponse_avant == datetime.date(2027, 1, 10) + datetime.timedelta(days=delai)
    assert resultat.communique_le == at
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["presidente@structure.test"]
    assert f"{resultat.reponse_avant:%d/%m/%Y}" in mail.outbox[0].subject
    assert f"/charte/{resultat.pk}/" in mail.outbox[0].body
    assert _actions(resultat)[-1] == "charte.communiquer"


@pytest.fixture
def communique(gestionnaire, structure):
    resultat = noter_tout(gestionnaire, calculee(gestionnaire, structure))
    return services.communiquer(acteur=gestionnaire, resultat=resultat, at=_paris(datetime.date(2027, 1, 10)))


def test_la_structure_repond_jusqu_a_la_date_incluse(communique, structure):
    redacteur = structure.membres.get().user
    dernier_jour = communique.reponse_avant

    reponse = services.repondre(
        acteur=redacteur, resultat=communique, texte="Les bilans étaient joints.", critere="bilan_argumente",
        at=_paris(dernier_jour),
    )  # fmt: skip

    assert (reponse.critere, reponse.auteur) == ("bilan_argumente", redacteur)
    with pytest.raises(services.CharteImpossible, match="terminée"):
        services.repondre(
            acteur=redacteur, resultat=communique, texte="Trop tard", at=_paris(dernier_jour + datetime.timedelta(1))
        )
    assert communique.reponses.count() == 1


def test_repondre_refuse(communique, structure, gestionnaire, referent):
    lecteur = MembreFactory(structure=structure, role=RoleMembre.LECTEUR).user
    jour = _paris(communique.reponse_avant)
    for intrus in (lecteur, referent, gestionnaire, MembreFactory().user):
        with pytest.raises(PermissionDenied):
            services.repondre(acteur=intrus, resultat=communique, texte="Non", at=jour)
    redacteur = structure.membres.get(role=RoleMembre.REPRESENTANT_LEGAL).user
    with pytest.raises(ValidationError):
        services.repondre(acteur=redacteur, resultat=communique, texte=" ", at=jour)
    with pytest.raises(ValidationError):
        services.repondre(acteur=redacteur, resultat=communique, texte="Oui", critere="inconnu", at=jour)


def test_repondre_avant_communication_refuse(gestionnaire, structure):
    resultat = calculee(gestionnaire, structure)
    with pytest.raises(services.CharteImpossible):
        services.repondre(acteur=structure.membres.get().user, resultat=resultat, texte="Déjà ?")


def test_suite_donnee_puis_definitif_avant_la_date(communique, structure, gestionnaire, agent_slai):
    reponse = services.repondre(
        acteur=structure.membres.get().user,
        resultat=communique,
        texte="Observation.",
        at=_paris(communique.reponse_avant),
    )
    veille = _paris(communique.reponse_avant)
    with pytest.raises(services.CharteImpossible, match="inclus"):
        services.rendre_definitif(acteur=gestionnaire, resultat=communique, at=veille)
    with pytest.raises(ValidationError):
        services.donner_suite(acteur=agent_slai, reponse=reponse, suite="")
    with pytest.raises(PermissionDenied):
        services.donner_suite(acteur=structure.membres.get().user, reponse=reponse, suite="Moi-même")

    services.donner_suite(acteur=agent_slai, reponse=reponse, suite="Note maintenue : bilans sans propositions.")
    resultat = services.rendre_definitif(acteur=gestionnaire, resultat=communique, at=veille)

    assert ReponseStructure.objects.get().suite.startswith("Note maintenue")
    assert resultat.statut == StatutCharte.DEFINITIVE
    assert (resultat.definitive_par, resultat.definitive_le) == (gestionnaire, veille)


def test_definitif_sans_reponse_apres_la_date_seulement(
    communique, gestionnaire, agent_slai, django_capture_on_commit_callbacks
):
    with pytest.raises(services.CharteImpossible):
        services.rendre_definitif(acteur=gestionnaire, resultat=communique, at=_paris(communique.reponse_avant))
    lendemain = _paris(communique.reponse_avant + datetime.timedelta(days=1))
    with pytest.raises(PermissionDenied):
        services.rendre_definitif(acteur=agent_slai, resultat=communique, at=lendemain)

    with django_capture_on_commit_callbacks(execute=True):
        resultat = services.rendre_definitif(acteur=gestionnaire, resultat=communique, at=lendemain)

    assert resultat.statut == StatutCharte.DEFINITIVE
    assert _actions(resultat)[-2:] == ["charte.recalculer", "charte.rendre_definitif"]
    assert "définitif" in mail.outbox[-1].subject


def test_un_resultat_definitif_ne_change_plus(communique, structure, gestionnaire):
    lendemain = _paris(communique.reponse_avant + datetime.timedelta(days=1))
    resultat = services.rendre_definitif(acteur=gestionnaire, resultat=communique, at=lendemain)
    score, detail = resultat.score, resultat.detail
    # De nouveaux parcours après coup : le résultat définitif n'en tient pas compte.
    orientation = OrientationFactory(
        structure=structure, dispositif=d52(), parcours="accompagnement_social_professionnel_intensif"
    )
    RendezVousFactory(orientation=orientation)

    with pytest.raises(services.CharteImpossible, match="définitif"):
        calculee(gestionnaire, structure)
    with pytest.raises(services.CharteImpossible):
        services.noter_critere(
            acteur=gestionnaire, resultat=resultat, critere="reorientation", points=0, commentaire="x"
        )
    with pytest.raises(services.CharteImpossible):
        services.communiquer(acteur=gestionnaire, resultat=resultat)
    with pytest.raises(services.CharteImpossible):
        services.rendre_definitif(acteur=gestionnaire, resultat=resultat, at=lendemain)
    services.calculer_tous(acteur=gestionnaire, dispositif=d52(), debut=DEBUT_2026, fin=FIN_2026)

    resultat.refresh_from_db()
    assert (resultat.score, resultat.detail, resultat.statut) == (score, detail, StatutCharte.DEFINITIVE)
