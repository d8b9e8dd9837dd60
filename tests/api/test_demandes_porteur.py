"""Parcours du porteur par l'API : brouillon, dossier, budget, dépôt, validation ; clôture de session."""

import time_machine
from django.urls import reverse

from aap.core.models import AuditLog
from aap.demandes.models import Demande
from aap.structures.models import Membre, RoleMembre, Structure
from tests.api.outils import APRES, DERNIERE_MINUTE, PENDANT, ressources_equilibrees
from tests.demandes.factories import DemandeFactory, SessionAppelFactory
from tests.factories import MembreFactory, territoire


def _structure(user):
    return Structure.objects.for_user(user).get()


@time_machine.travel(PENDANT, tick=False)
def test_parcours_complet_du_brouillon_a_la_validation(api_de, porteur):
    session = SessionAppelFactory()
    client = api_de(porteur)
    url_liste = reverse("api:demande-list")

    creee = client.post(
        url_liste,
        {
            "structure": _structure(porteur).pk,
            "session": session.pk,
            "intitule": "Accompagnement renforcé à Arras",
            "territoires": [territoire("arrageois").pk],
        },
        format="json",
    )
    assert creee.status_code == 201, creee.json()
    demande = creee.json()
    assert demande["statut"] == "brouillon"
    assert demande["reference"].startswith("AAP2026-")
    assert [t["code"] for t in demande["territoires"]] == ["arrageois"]
    url = reverse("api:demande-detail", args=[demande["id"]])

    textes = {
        champ: f"Texte de {champ}"
        for champ in ("description", "objectifs", "resultats_attendus", "moyens_humains", "moyens_materiels")
    }
    modifiee = client.patch(
        url,
        {**textes, "partenariats": "MDS, France Travail", "etp": "2.50", "places": 120, "dsp": 300,
         "priorites_transversales": ["egalite_chances"]},
        format="json",
    )  # fmt: skip
    assert modifiee.status_code == 200, modifiee.json()
    assert modifiee.json()["etp"] == "2.50"
    assert modifiee.json()["priorites_transversales"] == ["egalite_chances"]

    url_budget = reverse("api:demande-budget", args=[demande["id"]])
    depenses = [
        {"annee": annee, "categorie": "personnel", "libelle": "Conseillère", "etp": "1.00",
         "taux_affectation": "100", "cout_annuel": "42000.00", "mois": "12"}
        for annee in (2026, 2027)
    ]  # fmt: skip
    sans_ressources = client.put(url_budget, {"depenses": depenses, "ressources": []}, format="json")
    assert sans_ressources.status_code == 200, sans_ressources.json()
    assert sans_ressources.json()["conforme"] is False
    # Le forfait de la fiche est une ligne dérivée, calculée et non saisie.
    assert any(ligne["derivee"] for ligne in sans_ressources.json()["lignes"])

    budget = client.put(
        url_budget,
        {"depenses": depenses, "ressources": ressources_equilibrees(sans_ressources.json())},
        format="json",
    )
    assert budget.status_code == 200
    plan = budget.json()
    assert plan["conforme"] is True, plan["violations"]
    assert plan["equilibre"] is True
    assert plan["cout_total"] == plan["total_ressources"]

    relue = client.get(url).json()
    assert relue["cout_total"] == plan["cout_total"]
    assert relue["montant_demande"] == plan["montant_departement"]
    assert len(relue["depenses"]) == 2 and len(relue["ressources"]) == 4

    deposee = client.post(reverse("api:demande-deposer", args=[demande["id"]]))
    assert deposee.status_code == 200, deposee.json()
    assert deposee.json()["statut"] == "deposee"

    refus = client.post(reverse("api:demande-valider", args=[demande["id"]]), {"attestation_honneur": False})
    assert refus.status_code == 400
    assert "attestation" in refus.json()["detail"]

    validee = client.post(
        reverse("api:demande-valider", args=[demande["id"]]), {"attestation_honneur": True}, format="json"
    )
    assert validee.status_code == 200, validee.json()
    assert validee.json()["statut"] == "validee"
    assert len(validee.json()["recepisse_empreinte"]) == 64

    actions = list(
        AuditLog.objects.filter(cible_id=str(demande["id"]), action__startswith="demande.")
        .order_by("horodatage", "id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "demande.creer",
        "demande.modifier",
        "demande.budget",
        "demande.budget",
        "demande.deposer",
        "demande.valider",
    ]
    assert set(AuditLog.objects.filter(action__startswith="demande.").values_list("acteur", flat=True)) == {porteur.pk}


def test_depot_refuse_apres_la_cloture_accepte_jusqua_23h59(api_de, porteur):
    structure = _structure(porteur)
    tardive = DemandeFactory(structure=structure, cree_par=porteur, budget=True)
    a_temps = DemandeFactory(structure=structure, cree_par=porteur, budget=True, session=tardive.session)
    client = api_de(porteur)

    with time_machine.travel(APRES, tick=False):
        reponse = client.post(reverse("api:demande-deposer", args=[tardive.pk]))
        assert reponse.status_code == 400
        assert "close depuis le 15/02/2026" in reponse.json()["detail"]
        assert reponse.json()["erreurs"] == [reponse.json()["detail"]]
        # Ni création, ni modification, ni budget après la clôture.
        creation = client.post(
            reverse("api:demande-list"),
            {"structure": structure.pk, "session": tardive.session_id, "intitule": "Trop tard",
             "territoires": [territoire("arrageois").pk]},
            format="json",
        )  # fmt: skip
        assert creation.status_code == 400
        assert client.patch(reverse("api:demande-detail", args=[tardive.pk]), {"intitule": "X"}).status_code == 400
        budget = client.put(
            reverse("api:demande-budget", args=[tardive.pk]), {"depenses": [], "ressources": []}, format="json"
        )
        assert budget.status_code == 400
    tardive.refresh_from_db()
    assert tardive.statut == "brouillon" and tardive.intitule != "X"
    assert not Demande.objects.filter(intitule="Trop tard").exists()

    with time_machine.travel(DERNIERE_MINUTE, tick=False):
        assert client.post(reverse("api:demande-deposer", args=[a_temps.pk])).status_code == 200
    a_temps.refresh_from_db()
    assert a_temps.statut == "deposee"


@time_machine.travel(PENDANT, tick=False)
def test_seul_le_representant_legal_valide(api_de, porteur):
    structure = _structure(porteur)
    demande = DemandeFactory(structure=structure, cree_par=porteur, budget=True)
    gestionnaire = MembreFactory(structure=structure, role=RoleMembre.GESTIONNAIRE).user
    client = api_de(gestionnaire)
    # Le gestionnaire des demandes peut déposer…
    assert client.post(reverse("api:demande-deposer", args=[demande.pk])).status_code == 200
    # … mais pas valider : 403, avec le motif.
    reponse = client.post(reverse("api:demande-valider", args=[demande.pk]), {"attestation_honneur": True})
    assert reponse.status_code == 403
    assert reponse.json()["detail"] == "Seul le représentant légal de la structure peut valider la demande."
    demande.refresh_from_db()
    assert demande.statut == "deposee"


@time_machine.travel(PENDANT, tick=False)
def test_un_membre_en_lecture_seule_ne_peut_rien_ecrire(api_de, porteur):
    structure = _structure(porteur)
    demande = DemandeFactory(structure=structure, cree_par=porteur)
    lecteur = MembreFactory(structure=structure, role=RoleMembre.LECTEUR).user
    client = api_de(lecteur)
    assert client.get(reverse("api:demande-detail", args=[demande.pk])).status_code == 200
    assert client.patch(reverse("api:demande-detail", args=[demande.pk]), {"intitule": "Non"}).status_code == 403


@time_machine.travel(PENDANT, tick=False)
def test_perimetre_du_porteur(api_de, porteur, autre_porteur):
    sienne = DemandeFactory(structure=_structure(porteur), cree_par=porteur)
    autre = DemandeFactory(structure=_structure(autre_porteur), cree_par=autre_porteur)
    client = api_de(porteur)

    liste = client.get(reverse("api:demande-list")).json()
    assert [d["id"] for d in liste["results"]] == [sienne.pk]
    assert client.get(reverse("api:demande-detail", args=[autre.pk])).status_code == 404
    assert client.patch(reverse("api:demande-detail", args=[autre.pk]), {"intitule": "Pirate"}).status_code == 404
    assert client.post(reverse("api:demande-deposer", args=[autre.pk])).status_code == 404
    assert client.get(reverse("api:demande-budget", args=[autre.pk])).status_code == 404

    # Créer pour la structure d'un autre : refusé, sans rien révéler d'elle.
    reponse = client.post(
        reverse("api:demande-list"),
        {"structure": _structure(autre_porteur).pk, "session": sienne.session_id, "intitule": "Pirate",
         "territoires": [territoire("arrageois").pk]},
        format="json",
    )  # fmt: skip
    assert reponse.status_code == 400
    assert "introuvable parmi les vôtres" in reponse.json()["structure"][0]
    assert not Demande.objects.filter(intitule="Pirate").exists()


@time_machine.travel(PENDANT, tick=False)
def test_membre_desactive_perd_l_acces(api_de, porteur):
    demande = DemandeFactory(structure=_structure(porteur), cree_par=porteur)
    Membre.objects.filter(user=porteur).update(actif=False)
    assert api_de(porteur).get(reverse("api:demande-detail", args=[demande.pk])).status_code == 404


@time_machine.travel(PENDANT, tick=False)
def test_budget_refuse_une_categorie_que_la_fiche_ne_retient_pas(api_de, porteur):
    demande = DemandeFactory(structure=_structure(porteur), cree_par=porteur)
    reponse = api_de(porteur).put(
        reverse("api:demande-budget", args=[demande.pk]),
        {"depenses": [{"annee": 2026, "categorie": "fonctionnement", "montant": "1000.00"}], "ressources": []},
        format="json",
    )
    assert reponse.status_code == 400
    assert "catégorie" in reponse.json()["detail"]
    assert not demande.depenses.exists()


@time_machine.travel(PENDANT, tick=False)
def test_depot_d_un_dossier_incomplet_explique_ce_qui_manque(api_de, porteur):
    demande = DemandeFactory(structure=_structure(porteur), cree_par=porteur, description="", budget=True)
    reponse = api_de(porteur).post(reverse("api:demande-deposer", args=[demande.pk]))
    assert reponse.status_code == 400
    assert any("la description de l'opération" in e for e in reponse.json()["erreurs"])


@time_machine.travel(PENDANT, tick=False)
def test_saisie_mal_formee_400_par_champ(api_de, porteur):
    demande = DemandeFactory(structure=_structure(porteur), cree_par=porteur)
    client = api_de(porteur)
    url = reverse("api:demande-detail", args=[demande.pk])
    assert client.patch(url, {"places": -3}, format="json").status_code == 400
    assert (
        "priorites_transversales" in client.patch(url, {"priorites_transversales": ["inconnue"]}, format="json").json()
    )
    assert client.put(url, {"intitule": "X"}, format="json").status_code == 405
    assert client.delete(url).status_code == 405
