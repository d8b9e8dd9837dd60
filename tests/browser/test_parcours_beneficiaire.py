"""Parcours d'une personne de bout en bout, dans Chromium (issue 5) : l'agent SLAI oriente une personne vers une
structure (5.1, remobilisation sociale intensive) ; le référent enregistre le premier rendez-vous, le diagnostic,
signe le contrat d'engagement et ses actions, note les rendez-vous du mois et les heures SIA, actualise le
diagnostic puis enregistre la sortie ; la DPID calcule la charte qualité de la structure ; la charte et
l'observatoire montrent les chiffres attendus. axe-core sur chaque page (`page_ok`).

Les attendus sont dérivés des définitions (docs/charte-qualite.md) et des poids de la grille lus dans la fiche,
pas recopiés : seuls les faits du scénario (dates, présences) sont écrits ici.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse

from aap.catalogue.models import Dispositif
from aap.parcours.models import ContratEngagement, Orientation, Personne, Sortie
from aap.qualite.models import ResultatCharte
from aap.structures.models import Membre
from tests.navigateur import navigateur, page_ok  # noqa: F401 - fixture


pytestmark = pytest.mark.usefixtures("catalogue_2026")

ORIENTATION = datetime.date(2026, 9, 1)
PERIODE = ("2026-09-01", "2026-11-22")
#: Rendez-vous honorés : (jour, heure, mode). Octobre est le seul mois entier du contrat dans la période.
RENDEZ_VOUS = [("2026-09-08", "10:30", "physique"), ("2026-09-22", "14:00", "telephone"),
               ("2026-10-06", "09:30", "physique"), ("2026-10-20", "09:30", "physique")]  # fmt: skip
SIGNATURE = "2026-09-15"
SORTIE = "2026-11-16"


def _remplir(page, champs: dict) -> None:  # noqa: ANN001
    """`champs` : nom du champ → valeur ; « nom=valeur » → True coche le bouton radio ou la case de cette valeur."""
    for nom, valeur in champs.items():
        if valeur is True:
            champ, choix = nom.split("=")
            page.locator(f"[name={champ}][value='{choix}']").check()
            continue
        champ = page.locator(f"[name={nom}]")
        if champ.evaluate("e => e.tagName") == "SELECT":
            champ.select_option(valeur)
        else:
            champ.fill(valeur)


def _enregistrer(page) -> None:  # noqa: ANN001
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    assert page.locator(".field__errors, #recap-erreurs").count() == 0, page.url


def _slai_oriente(page, structure, dispositif) -> None:  # noqa: ANN001
    page.goto(reverse("parcours:liste"))
    page_ok(page, "issue5-01-slai-liste")
    page.get_by_role("link", name="Orienter une personne").click()
    _remplir(page, {"numero_allocataire": "7001234", "nom": "Parcours", "prenom": "Alix",
                    "date_naissance": "1981-05-04", "categorie": "brsa", "structure": str(structure.pk),
                    "dispositif": str(dispositif.pk)})  # fmt: skip
    page.locator("#id_territoire").select_option(label="Arrageois")
    page.locator("#id_parcours option[value='remobilisation_sociale_intensive']").wait_for(state="attached")
    _remplir(page, {"parcours": "remobilisation_sociale_intensive", "date_orientation": ORIENTATION.isoformat()})
    page_ok(page, "issue5-02-orienter")
    page.get_by_role("button", name="Orienter").click()
    page.wait_for_url("**/personnes/**")
    page_ok(page, "issue5-03-fiche-apres-orientation")


def _saisir(page, nom: str, pk: int, champs: dict, capture: str) -> None:  # noqa: ANN001
    """Une saisie du suivi en page entière : remplit, enregistre, revient sur la fiche."""
    page.goto(reverse("parcours:action", args=[nom, pk]))
    _remplir(page, champs)
    page_ok(page, capture)
    _enregistrer(page)


def _referent_suit(page, orientation: Orientation) -> None:  # noqa: ANN001
    page.goto(reverse("parcours:liste"))
    page_ok(page, "issue5-04-referent-liste")
    page.goto(reverse("parcours:personne", args=[orientation.personne_id]))
    page_ok(page, "issue5-05-referent-fiche")
    jour, heure, mode = RENDEZ_VOUS[0]
    champs = {"jour": jour, "heure": heure, f"mode={mode}": True, "presence=honore": True}
    _saisir(page, "rendez_vous", orientation.pk, champs, "issue5-06-premier-rendez-vous")

    # Le contrat d'engagement : trois actions datées et détaillées, la première couvre tout le contrat.
    page.goto(reverse("parcours:contrat", args=[orientation.pk]))
    _remplir(page, {"date_signature": SIGNATURE, "date_debut": SIGNATURE, "heures_hebdo_prevues": "10"})
    actions = [
        ("Remobilisation par un atelier collectif hebdomadaire", "sociale", SIGNATURE, "2027-03-14", True),
        ("Demande de logement social", "administrative", SIGNATURE, "2026-10-31", False),
        ("Bilan de santé au centre d'examens", "sociale", "2026-09-20", "2026-11-30", False),
    ]
    for i, (libelle, categorie, debut, fin, departemental) in enumerate(actions):
        _remplir(page, {f"actions-{i}-libelle": libelle, f"actions-{i}-categorie": categorie,
                        f"actions-{i}-date_debut": debut, f"actions-{i}-date_fin": fin,
                        f"actions-{i}-detail": f"{libelle} : étapes, partenaires et fréquence convenus."})  # fmt: skip
        if departemental:
            page.locator(f"[name=actions-{i}-dispositif_departemental]").check()
    page_ok(page, "issue5-07-contrat")
    _enregistrer(page)
    contrat = ContratEngagement.objects.get(orientation=orientation)

    freins = {"freins=logement": True, "freins=mobilite": True, "freins=budget": True}
    champs = {"moment": "creation_ce", "date": SIGNATURE, "contrat": str(contrat.pk), **freins}
    _saisir(page, "diagnostic", orientation.pk, champs, "issue5-08-diagnostic")
    for jour, heure, mode in RENDEZ_VOUS[1:]:
        _saisir(page, "rendez_vous", orientation.pk, {"jour": jour, "heure": heure, f"mode={mode}": True,
                                                      "presence=honore": True}, f"issue5-09-rdv-{jour}")  # fmt: skip
    for semaine in ("2026-09-14", "2026-10-05", "2026-11-02"):
        _saisir(page, "heures", contrat.pk, {"semaine": semaine, "heures": "10"}, f"issue5-10-heures-{semaine}")
    _saisir(page, "diagnostic", orientation.pk, {"moment": "cloture_ce", "date": SORTIE, "contrat": str(contrat.pk),
            "freins=mobilite": True}, "issue5-11-diagnostic-cloture")  # fmt: skip
    _saisir(page, "sortie", orientation.pk, {"date_sortie": SORTIE, "type": "aah"}, "issue5-12-sortie")
    page.goto(reverse("parcours:personne", args=[orientation.personne_id]))
    page.get_by_text("Sortie le").first.wait_for()
    page_ok(page, "issue5-13-fiche-apres-sortie")


def _dpid_calcule(page, dispositif) -> None:  # noqa: ANN001
    page.goto(reverse("qualite:liste"))
    page_ok(page, "issue5-14-chartes")
    page.get_by_text("Calculer la charte de toutes les structures").first.click()  # ouvre le volet
    formulaire = page.locator(".charte-calcul form")
    formulaire.locator("[name=dispositif]").select_option(str(dispositif.pk))
    formulaire.locator("[name=debut]").fill(PERIODE[0])
    formulaire.locator("[name=fin]").fill(PERIODE[1])
    formulaire.locator("button[type=submit]").click()
    page.get_by_role("status").first.wait_for()  # page de la tâche de fond (exécutée aussitôt sous pytest)
    page_ok(page, "issue5-15-tache-calcul")
    resultat = ResultatCharte.objects.get()
    page.goto(reverse("qualite:detail", args=[resultat.pk]))
    page_ok(page, "issue5-16-charte-detail")
    page.goto(reverse("observatoire:index") + f"?debut={PERIODE[0]}&fin={PERIODE[1]}")
    page_ok(page, "issue5-17-observatoire")


def _attendus(dispositif: Dispositif) -> tuple[dict[str, tuple[int, int]], Decimal]:
    """Numérateurs / dénominateurs du scénario et le score qu'ils donnent avec les poids de la fiche (les
    critères d'appréciation ne sont pas encore notés : 0 point)."""
    attendus = {
        "delai_premier_rdv": (1, 1),  # 1er rendez-vous le 7e jour
        "delai_signature_ce": (1, 1),  # CE signé le 14e jour
        "taux_contractualisation": (1, 1),
        "diagnostic": (1, 1),  # actualisé à la création et à la clôture
        "rendez_vous_mensuels": (1, 1),  # octobre : 2 honorés, physiques
        "demandes_suspension": (0, 0),  # aucune absence : sans objet
        "qualite_ce": (1, 1),
        # Heures saisies aujourd'hui (novembre) pour des semaines passées : septembre et octobre sans mise à jour.
        "sia": (0, 1),
        "actions_insertion": (1, 1),
        "reorientations_sorties": (1, 1),  # AAH : changement de situation financière
        "evolutions_parcours": (1, 1),  # 3 freins à la création, 1 à la clôture
        "duree_moyenne_parcours": (76, 1),  # 76 jours = 2,5 mois ≤ 6
    }
    criteres = dispositif.fiche.charte.criteres
    total = sum((c.poids for c in criteres if c.nature != "bonus" and attendus.get(c.code, (0, 1))[1]), Decimal(0))
    obtenus = sum((c.poids for c in criteres if c.nature == "calcul" and attendus[c.code][0]), Decimal(0))
    return attendus, (100 * obtenus / total).quantize(Decimal("0.01"), ROUND_HALF_UP)


def test_slai_oriente_le_referent_suit_la_charte_et_l_observatoire_comptent(
    navigateur,  # noqa: F811
    agent_slai,
    referent,
    gestionnaire,
):
    structure = Membre.objects.get(user=referent).structure
    dispositif = Dispositif.objects.get(edition__annee=2026, code="5.1")

    navigateur(lambda page: _slai_oriente(page, structure, dispositif), agent_slai)
    orientation = Orientation.objects.get(personne__numero_allocataire="7001234")
    assert (orientation.structure, orientation.parcours, orientation.date_orientation) == (
        structure, "remobilisation_sociale_intensive", ORIENTATION
    )  # fmt: skip

    navigateur(lambda page: _referent_suit(page, orientation), referent)
    assert orientation.rendez_vous.filter(presence="honore").count() == len(RENDEZ_VOUS)
    contrat = ContratEngagement.objects.get(orientation=orientation)
    assert contrat.actions.count() == 3 and contrat.statut == "clos"
    assert Sortie.objects.get(orientation=orientation).famille == "situation_financiere"

    navigateur(lambda page: _dpid_calcule(page, dispositif), gestionnaire)
    resultat = ResultatCharte.objects.get(structure=structure, dispositif=dispositif)
    attendus, score = _attendus(dispositif)
    mesures = {ligne["code"]: ligne for ligne in resultat.detail if ligne["nature"] == "calcul"}
    for code, (numerateur, denominateur) in attendus.items():
        assert (Decimal(mesures[code]["numerateur"]), mesures[code]["denominateur"]) == (numerateur, denominateur), (
            code
        )
    assert resultat.score == score

    # Ce que les pages ont montré (relu avec le client de test, la DPID voit tout sans secret statistique).
    from django.test import Client

    client = Client()
    client.force_login(gestionnaire)
    charte = client.get(reverse("qualite:detail", args=[resultat.pk])).content.decode()
    assert f"{score}".replace(".", ",") in charte
    observatoire = client.get(reverse("observatoire:index"), {"debut": PERIODE[0], "fin": PERIODE[1]}).content.decode()
    phrase = (
        "1\u00a0orientation ; 1\u00a0bénéficiaire accompagné ; 0\u00a0en cours au 22 novembre 2026 ; "
        "1\u00a0sortie ; 4\u00a0entretiens"
    )
    assert phrase in observatoire
    assert Personne.objects.count() == 1
