"""Entrées cassées : l'erreur nomme le fichier, le dispositif (et sa fiche) et le champ ; la base reste intacte."""

from __future__ import annotations

import copy
import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aap.catalogue.loader import CatalogueInvalide, load_edition
from aap.catalogue.models import Dispositif, Edition
from aap.catalogue.validation import dossier_par_defaut, valider_fiche
from tests.catalogue.conftest import lire


FICHE_F05 = lire(dossier_par_defaut(2026) / "fiches" / "5.5.yaml")
SANS_FIXTURE = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _erreurs(dossier) -> list[str]:
    with pytest.raises(CatalogueInvalide) as exc:
        load_edition(2026, dossier)
    return [str(e) for e in exc.value.erreurs]


CAS_FICHE_5_5 = [
    pytest.param(
        lambda d: d["echeancier"][2].update(taux=25),
        "echeancier",
        "totalisent 105 %",
        id="echeancier-105",
    ),
    pytest.param(
        lambda d: d["sessions"][0].update(cloture=datetime.date(2026, 1, 5)),
        "sessions[1].cloture",
        "avant d'ouvrir",
        id="session-close-avant-ouverture",
    ),
    pytest.param(
        lambda d: d["financement"].update(modele="subvention_magique"),
        "financement.modele",
        "modèle de financement inconnu « subvention_magique »",
        id="modele-inconnu",
    ),
    pytest.param(
        lambda d: d["financement"].update(taux_forfait="quinze"),
        "financement.taux_forfait",
        "nombre attendu, reçu « quinze »",
        id="mauvais-type",
    ),
    pytest.param(
        lambda d: d["financement"].update(taux_forfiat=15),
        "financement.taux_forfiat",
        "champ inconnu",
        id="champ-inconnu",
    ),
    pytest.param(
        lambda d: d["financement"]["parts_conditionnees"][0].update(taux=80),
        "financement.parts_conditionnees",
        "totalisent 90 %",
        id="parts-conditionnees-90",
    ),
    pytest.param(
        lambda d: d.update(territoires=["calaisis", "atlantide"]),
        "territoires",
        "territoire(s) inconnu(s) : atlantide",
        id="territoire-inconnu",
    ),
    pytest.param(
        lambda d: d["financement"].update(taux_forfait=140),
        "financement.taux_forfait",
        "inférieur ou égal à 100",
        id="pourcentage-trop-grand",
    ),
    pytest.param(lambda d: d.pop("convention"), "convention", "champ obligatoire manquant", id="champ-manquant"),
]


@pytest.mark.parametrize(("casser", "champ", "message"), CAS_FICHE_5_5)
def test_fiche_cassee_erreur_precise_et_base_intacte(catalogue_2026, modifier, casser, champ, message):
    avant = list(Dispositif.objects.order_by("pk").values_list("pk", "titre", "regles"))
    modifier("dispositifs.yaml", lambda d: d["dispositifs"][0].update(titre="Ne doit pas être chargé"))
    dossier = modifier("fiches/5.5.yaml", casser)
    erreurs = _erreurs(dossier)
    assert any(e.startswith(f"fiches/5.5.yaml — 5.5 (F05) — {champ} : ") and message in e for e in erreurs), erreurs
    assert list(Dispositif.objects.order_by("pk").values_list("pk", "titre", "regles")) == avant


def test_rien_n_est_charge_dans_une_base_vide(modifier):
    dossier = modifier("fiches/5.7.yaml", lambda d: d["echeancier"].pop())
    _erreurs(dossier)
    assert not Edition.objects.exists() and not Dispositif.objects.exists()


def test_toutes_les_erreurs_de_tous_les_fichiers_sont_rapportees(modifier):
    modifier("fiches/5.2.yaml", lambda d: d["financement"].update(modele="inconnu"))
    modifier("fiches/5.9.yaml", lambda d: d["sessions"][0].update(ouverture="le 12 janvier"))

    def fin_avant_debut(donnees):
        (d45,) = [d for d in donnees["dispositifs"] if d["code"] == "4.5"]
        d45["periode"]["fin"] = datetime.date(2026, 1, 1)

    dossier = modifier("dispositifs.yaml", fin_avant_debut)
    erreurs = _erreurs(dossier)
    assert any(e.startswith("fiches/5.2.yaml — 5.2 (F02) — financement.modele") for e in erreurs)
    assert any(e.startswith("fiches/5.9.yaml — 5.9 (F09) — sessions[1].ouverture : date attendue") for e in erreurs)
    assert any(
        e.startswith("dispositifs.yaml — dispositif 4.5 — periode.fin : la période se termine") for e in erreurs
    )


@pytest.mark.parametrize(
    ("nom", "casser", "attendu"),
    [
        pytest.param(
            "dispositifs.yaml",
            lambda d: d["dispositifs"][1].update(slug=d["dispositifs"][0]["slug"]),
            "dispositifs.yaml — dispositif 1.2 — slug : déjà pris par 1.1",
            id="slug-en-double",
        ),
        pytest.param(
            "dispositifs.yaml",
            lambda d: d["dispositifs"][0].update(code="7.1"),
            "dispositifs.yaml — dispositif 7.1 — code : format invalide « 7.1 »",
            id="code-invalide",
        ),
        pytest.param(
            "edition.yaml",
            lambda d: d.update(annee=2025),
            "edition.yaml — annee : 2025 au lieu de 2026",
            id="mauvaise-annee",
        ),
        pytest.param(
            "edition.yaml",
            lambda d: d.update(axes=d["axes"][:4]),
            "dispositifs.yaml — dispositif 5.1 — code : axe 5 absent de l'édition",
            id="axe-manquant",
        ),
        pytest.param(
            "edition.yaml",
            lambda d: d.update(thematiques=[]),
            "edition.yaml — thematiques : champ inconnu",
            id="champ-inconnu-edition",
        ),
    ],
)
def test_fichiers_de_l_edition_casses(modifier, nom, casser, attendu):
    erreurs = _erreurs(modifier(nom, casser))
    assert any(e.startswith(attendu) for e in erreurs), erreurs


def test_fiche_sans_dispositif_et_yaml_illisible(copie_2026):
    (copie_2026 / "fiches" / "9.9.yaml").write_text("fiche: F99\n", encoding="utf-8")
    (copie_2026 / "fiches" / "5.3.yaml").write_text("fiche: F03\npublic: [non fermé\n", encoding="utf-8")
    erreurs = _erreurs(copie_2026)
    assert any(e.startswith("fiches/9.9.yaml — 9.9 : aucun dispositif 9.9") for e in erreurs)
    assert any(e.startswith("fiches/5.3.yaml : YAML illisible (ligne") for e in erreurs)


def test_la_commande_echoue_sans_rien_charger(modifier):
    dossier = modifier("fiches/5.5.yaml", lambda d: d["financement"].update(taux_forfait="quinze"))
    with pytest.raises(CommandError) as exc:
        call_command("load_catalogue", "2026", "--dossier", str(dossier), stdout=StringIO())
    assert "fiches/5.5.yaml — 5.5 (F05) — financement.taux_forfait" in str(exc.value)
    assert "Rien n'a été chargé" in str(exc.value)
    assert not Edition.objects.exists()


# --- Propriétés (hypothesis), sur la validation pure d'une fiche -------------------------------------------

taux = st.decimals(min_value=0, max_value=100, places=2)


def _echeancier(taux_liste: list[Decimal]) -> list[dict]:
    types = ["avance", "acompte", "solde"]
    return [{"type": types[i % 3], "taux": t, "declencheur": "Étape"} for i, t in enumerate(taux_liste)]


@SANS_FIXTURE
@given(st.lists(taux, min_size=1, max_size=4).filter(lambda ts: sum(ts) != 100))
def test_echeancier_dont_la_somme_differe_de_100_est_refuse(taux_liste):
    fiche = copy.deepcopy(FICHE_F05) | {"echeancier": _echeancier(taux_liste)}
    with pytest.raises(CatalogueInvalide) as exc:
        valider_fiche(fiche, "fiches/5.5.yaml", "5.5")
    erreur = exc.value.erreurs[0]
    assert (erreur.fichier, erreur.element, erreur.champ) == ("fiches/5.5.yaml", "5.5 (F05)", "echeancier")
    assert "au lieu de 100 %" in erreur.message


@SANS_FIXTURE
@given(st.permutations(FICHE_F05["echeancier"]))
def test_toute_permutation_d_un_echeancier_valide_est_acceptee(echeances):
    fiche = valider_fiche(copy.deepcopy(FICHE_F05) | {"echeancier": list(echeances)}, "fiches/5.5.yaml", "5.5")
    assert sum(e.taux for e in fiche.echeancier) == 100


@SANS_FIXTURE
@given(st.lists(st.integers(min_value=1, max_value=9_999), min_size=1, max_size=4))
def test_tout_echeancier_totalisant_100_est_accepte(poids):
    # répartit 100,00 % en parts de centièmes : la dernière part absorbe le reste, la somme vaut 100 exactement
    total = sum(poids)
    parts = [(Decimal(p) * 100 / total).quantize(Decimal("0.01"), rounding="ROUND_DOWN") for p in poids[:-1]]
    parts.append(Decimal(100) - sum(parts))
    fiche = valider_fiche(copy.deepcopy(FICHE_F05) | {"echeancier": _echeancier(parts)}, "fiches/5.5.yaml", "5.5")
    assert [e.taux for e in fiche.echeancier] == parts


@SANS_FIXTURE
@given(st.lists(taux, min_size=1, max_size=3).filter(lambda ts: sum(ts) != 100))
def test_parts_conditionnees_dont_la_somme_differe_de_100_sont_refusees(taux_liste):
    fiche = copy.deepcopy(FICHE_F05)
    fiche["financement"]["parts_conditionnees"] = [
        {"taux": t, "base": "qualite", "definition": "Charte qualité"} for t in taux_liste
    ]
    with pytest.raises(CatalogueInvalide) as exc:
        valider_fiche(fiche, "fiches/5.5.yaml", "5.5")
    assert exc.value.erreurs[0].champ == "financement.parts_conditionnees"


@SANS_FIXTURE
@given(st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2030, 12, 31)), st.integers(1, 400))
def test_une_session_ne_peut_pas_se_clore_avant_d_ouvrir(ouverture, jours):
    fiche = copy.deepcopy(FICHE_F05)
    fiche["sessions"] = [{"numero": 1, "ouverture": ouverture, "cloture": ouverture - datetime.timedelta(days=jours)}]
    with pytest.raises(CatalogueInvalide) as exc:
        valider_fiche(fiche, "fiches/5.5.yaml", "5.5")
    assert exc.value.erreurs[0].champ == "sessions[1].cloture"
    fiche["sessions"][0]["cloture"] = ouverture + datetime.timedelta(days=jours - 1)
    assert valider_fiche(fiche, "fiches/5.5.yaml", "5.5").sessions[0].cloture >= ouverture


@pytest.mark.parametrize(
    ("part", "message"),
    [
        ({"taux": 100, "base": "volume", "definition": "Volume"}, "doit dire ce qui est mesuré"),
        (
            {
                "taux": 100,
                "base": "qualite",
                "definition": "Charte",
                "mesures": [{"code": "places", "libelle": "Places", "cible": "places", "nature": "stock"}],
            },
            "sans mesure chiffrée",
        ),
        (
            {
                "taux": 100,
                "base": "volume",
                "definition": "Volume",
                "mesures": [{"code": "x", "libelle": "X", "cible": "beneficiaires * 2", "nature": "stock"}],
            },
            "n'est pas une quantité conventionnée",
        ),
    ],
)
def test_une_part_conditionnee_dit_ce_qu_elle_mesure(part, message):
    fiche = copy.deepcopy(FICHE_F05)
    fiche["financement"]["parts_conditionnees"] = [part]
    with pytest.raises(CatalogueInvalide) as exc:
        valider_fiche(fiche, "fiches/5.5.yaml", "5.5")
    assert message in str(exc.value.erreurs)


def test_une_echeance_declenchee_par_un_bilan_inconnu_est_refusee():
    fiche = copy.deepcopy(FICHE_F05)
    fiche["echeancier"][1]["bilan"] = "bilan_fantome"
    with pytest.raises(CatalogueInvalide) as exc:
        valider_fiche(fiche, "fiches/5.5.yaml", "5.5")
    assert "bilan_fantome" in str(exc.value.erreurs)
