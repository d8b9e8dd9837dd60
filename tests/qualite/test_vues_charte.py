"""Pages de la charte qualité : liste (agents), détail (agents et structure), actions, « Mes chartes », menu,
bloc de la charte sur la page d'un bilan."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from aap.core.models import AuditLog, Role, TacheFond
from aap.qualite import menu, services
from aap.qualite.models import StatutCharte
from aap.structures.models import RoleMembre
from tests.bilans.outils import bilan_de
from tests.factories import MembreFactory, StructureFactory, UserFactory, territoire
from tests.qualite.charte_outils import DEBUT_2026, FIN_2026, calculee, convention_52, d52, noter_tout


pytestmark = pytest.mark.usefixtures("catalogue_2026")


def _midi(jour: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(jour, datetime.time(12)))


@pytest.fixture
def structure(porteur):
    """La structure du porteur (représentant légal), dans l'Arrageois."""
    return porteur.adhesions.get().structure


@pytest.fixture
def resultat(gestionnaire, structure):
    return calculee(gestionnaire, structure)


@pytest.fixture
def communique(gestionnaire, resultat):
    return services.communiquer(acteur=gestionnaire, resultat=noter_tout(gestionnaire, resultat))


def _h1(contenu: str) -> list[str]:
    return re.findall(r"<h1[ >]", contenu)


# --- Droits ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nom", "attendu"),
    [
        ("gestionnaire", 200),
        ("instructeur", 200),
        ("administrateur", 200),
        ("agent_slai", 200),
        ("agent_finances", 403),
        ("porteur", 403),
        ("referent", 403),
    ],
)
def test_liste_par_role(client, request, resultat, nom, attendu):
    client.force_login(request.getfixturevalue(nom))
    reponse = client.get(reverse("qualite:liste"))
    assert reponse.status_code == attendu
    if attendu == 200:
        contenu = reponse.content.decode()
        assert resultat.structure.raison_sociale in contenu
        assert len(_h1(contenu)) == 1
        assert "<caption>" in contenu


def test_slai_ne_voit_que_son_territoire(client, gestionnaire, agent_slai, resultat):
    ailleurs = calculee(gestionnaire, StructureFactory(code_postal="62100", territoire=territoire("calaisis")))
    client.force_login(agent_slai)
    contenu = client.get(reverse("qualite:liste")).content.decode()
    assert resultat.structure.raison_sociale in contenu
    assert ailleurs.structure.raison_sociale not in contenu
    assert client.get(reverse("qualite:detail", args=[ailleurs.pk])).status_code == 404
    assert "Calculer la charte de toutes les structures" not in contenu


def test_la_structure_ne_voit_pas_un_resultat_non_communique(client, porteur, referent, resultat):
    client.force_login(porteur)
    assert client.get(reverse("qualite:detail", args=[resultat.pk])).status_code == 404
    assert menu.items(porteur) == []


def test_structure_voit_le_resultat_communique_et_repond(client, porteur, communique):
    client.force_login(porteur)
    assert menu.items(porteur) == [("Charte qualité", reverse("qualite:mes_chartes"))]
    contenu = client.get(reverse("qualite:mes_chartes")).content.decode()
    assert reverse("qualite:detail", args=[communique.pk]) in contenu
    assert "À vous de répondre" in contenu

    page = client.get(reverse("qualite:detail", args=[communique.pk]))
    contenu = page.content.decode()
    assert page.status_code == 200 and len(_h1(contenu)) == 1
    assert "Envoyer l'observation" in contenu
    assert "Enregistrer la note" not in contenu and "Communiquer à la structure" not in contenu
    assert "Consultation par un agent" not in contenu

    vide = client.post(reverse("qualite:repondre", args=[communique.pk]), {"critere": "", "texte": ""})
    assert vide.status_code == 400
    assert "field--error" in vide.content.decode() or "Ce champ est obligatoire" in vide.content.decode()

    envoye = client.post(
        reverse("qualite:repondre", args=[communique.pk]),
        {"critere": "reorientation", "texte": "Voir nos argumentaires."},
    )
    assert envoye.status_code == 302
    assert communique.reponses.get().critere == "reorientation"
    assert "Voir nos argumentaires." in client.get(reverse("qualite:detail", args=[communique.pk])).content.decode()


def test_referent_et_lecteur_lisent_sans_repondre(client, communique, structure, referent):
    lecteur = MembreFactory(structure=structure, role=RoleMembre.LECTEUR).user
    MembreFactory(structure=structure, user=referent, role=RoleMembre.REFERENT)
    for user in (lecteur, referent):
        client.force_login(user)
        contenu = client.get(reverse("qualite:detail", args=[communique.pk])).content.decode()
        assert "Envoyer l'observation" not in contenu
    client.force_login(lecteur)
    assert client.post(reverse("qualite:repondre", args=[communique.pk]), {"texte": "x"}).status_code == 403
    client.force_login(referent)
    assert client.post(reverse("qualite:repondre", args=[communique.pk]), {"texte": "x"}).status_code == 403
    assert not communique.reponses.exists()


def test_autre_structure_404(client, autre_porteur, communique):
    client.force_login(autre_porteur)
    assert client.get(reverse("qualite:detail", args=[communique.pk])).status_code == 404
    assert client.post(reverse("qualite:repondre", args=[communique.pk]), {"texte": "x"}).status_code == 404


# --- Agents : notes, communication, résultat définitif -------------------------------------------------------


def test_detail_agent_criteres_groupes_et_notation(client, gestionnaire, resultat):
    client.force_login(gestionnaire)
    page = client.get(reverse("qualite:detail", args=[resultat.pk]))
    contenu = page.content.decode()
    assert page.status_code == 200 and len(_h1(contenu)) == 1
    for categorie in ("Respect de la procédure d&#x27;accompagnement", "Partenariat", "Contenu du parcours"):
        assert f"<caption>{categorie}</caption>" in contenu
    assert "Sans objet" in contenu and "À noter" in contenu
    assert AuditLog.objects.for_object(resultat).filter(action="consultation", acteur=gestionnaire).exists()

    trop = client.post(
        reverse("qualite:noter", args=[resultat.pk, "bilan_argumente"]),
        {"note-bilan_argumente-points": "9", "note-bilan_argumente-commentaire": "Trop"},
    )
    assert trop.status_code == 400
    assert not resultat.notes.exists()

    ok = client.post(
        reverse("qualite:noter", args=[resultat.pk, "bilan_argumente"]),
        {"note-bilan_argumente-points": "4,5", "note-bilan_argumente-commentaire": "Bilans argumentés."},
    )
    assert ok.status_code == 302
    assert str(resultat.notes.get().points) == "4.50"
    contenu = client.get(reverse("qualite:detail", args=[resultat.pk])).content.decode()
    assert "Bilans argumentés." in contenu and "Modifier la note" in contenu


def test_communiquer_refuse_puis_accepte_depuis_la_page(client, gestionnaire, resultat):
    client.force_login(gestionnaire)
    refus = client.post(reverse("qualite:communiquer", args=[resultat.pk]), follow=True)
    assert "Notez d&#x27;abord les critères" in refus.content.decode()
    resultat.refresh_from_db()
    assert resultat.statut == StatutCharte.CALCULEE

    noter_tout(gestionnaire, resultat)
    client.post(reverse("qualite:communiquer", args=[resultat.pk]))
    resultat.refresh_from_db()
    assert resultat.statut == StatutCharte.CONTRADICTOIRE


def test_actions_reservees_a_la_dpid(client, agent_slai, communique):
    client.force_login(agent_slai)
    for nom in ("communiquer", "definitif", "recalculer"):
        assert client.post(reverse(f"qualite:{nom}", args=[communique.pk])).status_code == 403
    assert client.post(reverse("qualite:calculer_tous"), {}).status_code == 403
    assert client.get(reverse("qualite:detail", args=[communique.pk])).status_code == 200


def test_suite_puis_definitif_depuis_la_page(client, gestionnaire, porteur, communique):
    reponse = services.repondre(acteur=porteur, resultat=communique, texte="Nous contestons.")
    client.force_login(gestionnaire)
    contenu = client.get(reverse("qualite:detail", args=[communique.pk])).content.decode()
    assert "Nous contestons." in contenu and "Enregistrer la suite" in contenu

    client.post(reverse("qualite:suite", args=[communique.pk, reponse.pk]), {f"suite-{reponse.pk}-suite": "Maintenu."})
    client.post(reverse("qualite:definitif", args=[communique.pk]))

    communique.refresh_from_db()
    assert communique.statut == StatutCharte.DEFINITIVE
    contenu = client.get(reverse("qualite:detail", args=[communique.pk])).content.decode()
    assert "Résultat rendu définitif" in contenu and "Rendre le résultat définitif" not in contenu


def test_calculer_tous_lance_une_tache(client, gestionnaire, structure, django_capture_on_commit_callbacks):
    convention_52(structure)
    client.force_login(gestionnaire)
    donnees = {"dispositif": d52().pk, "debut": DEBUT_2026.isoformat(), "fin": FIN_2026.isoformat()}

    erreur = client.post(reverse("qualite:calculer_tous"), {**donnees, "fin": "2025-01-01"})
    assert erreur.status_code == 400

    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(reverse("qualite:calculer_tous"), donnees)

    tache = TacheFond.objects.get(type="charte_calcul")
    assert reponse.status_code == 302 and reponse["Location"] == reverse("core:tache", args=[tache.pk])
    tache.refresh_from_db()
    assert tache.statut == "terminee", tache.erreurs
    assert d52().chartes.filter(structure=structure).exists()


def test_filtres_de_la_liste(client, gestionnaire, resultat):
    autre = calculee(gestionnaire, StructureFactory(raison_sociale="Zèbre insertion"))
    client.force_login(gestionnaire)
    contenu = client.get(reverse("qualite:liste"), {"structure": "Zèbre"}).content.decode()
    assert autre.structure.raison_sociale in contenu and resultat.structure.raison_sociale not in contenu
    contenu = client.get(reverse("qualite:liste"), {"statut": "definitive"}).content.decode()
    assert "Aucun résultat ne correspond" in contenu


def test_menu_des_agents():
    assert menu.items(UserFactory(role=Role.GESTIONNAIRE)) == [("Charte qualité", reverse("qualite:liste"))]
    assert menu.items(UserFactory(role=Role.SLAI, territoire=territoire("arrageois")))[0][0] == "Charte qualité"
    assert menu.items(UserFactory(role=Role.FINANCES)) == []


# --- Page du bilan ------------------------------------------------------------------------------------------------


def test_page_du_bilan_montre_la_charte_de_sa_periode(client, gestionnaire, instructeur, porteur, structure):
    convention = convention_52(structure)
    bilan = bilan_de(convention, "bilan_intermediaire")
    client.force_login(instructeur)
    contenu = client.get(reverse("bilans:detail", args=[bilan.pk])).content.decode()
    assert "Charte qualité de la période du 01/01/2026 au 31/12/2026" in contenu
    assert "pas encore calculée" in contenu

    resultat = noter_tout(gestionnaire, calculee(gestionnaire, structure))
    contenu = client.get(reverse("bilans:detail", args=[bilan.pk])).content.decode()
    assert reverse("qualite:detail", args=[resultat.pk]) in contenu
    assert "Indicateurs mesurés sur les parcours" in contenu

    client.force_login(porteur)
    contenu = client.get(reverse("bilans:saisir", args=[bilan.pk])).content.decode()
    assert "pas encore communiqué" in contenu
    services.communiquer(acteur=gestionnaire, resultat=resultat)
    contenu = client.get(reverse("bilans:saisir", args=[bilan.pk])).content.decode()
    assert reverse("qualite:detail", args=[resultat.pk]) in contenu


def test_bilan_accepte_avant_la_charte_definitive_l_ecart_est_montre(client, gestionnaire, instructeur, structure):
    from decimal import Decimal

    from aap.bilans.models import StatutBilan

    convention = convention_52(structure)
    bilan = bilan_de(convention, "bilan_intermediaire")
    bilan.statut, bilan.score_qualite = StatutBilan.ACCEPTE, Decimal("90.00")
    bilan.save(update_fields=["statut", "score_qualite"])
    resultat = services.communiquer(
        acteur=gestionnaire, resultat=noter_tout(gestionnaire, calculee(gestionnaire, structure))
    )
    services.rendre_definitif(
        acteur=gestionnaire, resultat=resultat, at=_midi(resultat.reponse_avant + datetime.timedelta(days=1))
    )

    client.force_login(instructeur)
    contenu = client.get(reverse("bilans:detail", args=[bilan.pk])).content.decode()
    assert "accepté avec un score de 90 %" in contenu.replace("\u00a0", " ")
    contenu = client.get(reverse("qualite:detail", args=[resultat.pk])).content.decode()
    assert "Bilan déjà accepté avec un autre score" in contenu
