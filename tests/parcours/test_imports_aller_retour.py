"""Aller-retour (hypothesis) : des lignes valides générées → CSV (séparateur et encodage tirés) → import →
les objets relus par `export` redonnent les mêmes lignes ; un second import ne change rien."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aap.conventions.regles import ajouter_mois
from aap.parcours import choices as c
from aap.parcours import models as m
from aap.parcours.imports.colonnes import EVENEMENTS, ORIENTATIONS
from aap.parcours.imports.export import _nombre, ecrire_csv, lignes_evenements, lignes_orientations
from aap.parcours.imports.moteur import importer
from aap.structures.models import Membre, RoleMembre
from tests.parcours.fixtures_csv import SIRET, referent_de, structure_des_exemples


pytestmark = pytest.mark.usefixtures("catalogue_2026")
REGLAGES = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Noms et prénoms de fantaisie (jamais de vraies personnes).
NOMS = st.sampled_from(["Durandeau", "Lemarchal", "Vasseurin", "Cœurdevey", "Bréhaut", "Dufossé", "N'Diaye-Roux"])
PRENOMS = st.sampled_from(["Anaëlle", "Jérémie", "Zoé", "Maël", "Solène", "Noé", "Inès-Marie"])
DEBUT = datetime.date(2026, 1, 5)
JOURS = st.integers(min_value=0, max_value=200).map(lambda n: DEBUT + datetime.timedelta(days=n))


def _date(jour: datetime.date) -> str:
    return f"{jour:%d/%m/%Y}"


def _sans_vides(lignes: list[dict[str, str]]) -> list[dict[str, str]]:
    return sorted((sorted((k, v) for k, v in ligne.items() if v) for ligne in lignes), key=repr)


def _vers_csv(nature: str, lignes: list[dict[str, str]], separateur: str, encodage: str) -> bytes:
    return ecrire_csv(nature, lignes, separateur=separateur).encode(encodage)


@st.composite
def orientations(draw: st.DrawFn) -> list[dict[str, str]]:
    nombre = draw(st.integers(min_value=1, max_value=6))
    numeros = draw(st.lists(st.integers(1000000, 9999999), min_size=nombre, max_size=nombre, unique=True))
    return [
        {
            "reference": f"SI-{i}-{numero}",
            "nom": draw(NOMS),
            "prenom": draw(PRENOMS),
            "date_naissance": _date(draw(st.dates(datetime.date(1960, 1, 1), datetime.date(2005, 12, 31)))),
            "organisme": draw(st.sampled_from(c.Organisme.values)),
            "numero_allocataire": str(numero),
            "categorie": draw(st.sampled_from(c.CategoriePublic.values)),
            "territoire": "arrageois",
            "siret": SIRET,
            "dispositif": "5.1",
            "parcours": draw(st.sampled_from(["accueil_dsp", "remobilisation_sociale_intensive"])),
            "date_orientation": _date(draw(JOURS)),
        }
        for i, numero in enumerate(numeros)
    ]


@given(lignes=orientations(), separateur=st.sampled_from([";", ","]), encodage=st.sampled_from(["utf-8", "cp1252"]))
@REGLAGES
def test_aller_retour_des_orientations(gestionnaire, lignes, separateur, encodage):
    m.Orientation.objects.all().delete()
    m.Personne.objects.all().delete()
    structure_des_exemples()
    contenu = _vers_csv(ORIENTATIONS, lignes, separateur, encodage)
    rapport = importer(ORIENTATIONS, contenu, gestionnaire, appliquer=True)
    assert rapport.compte["cree"] == len(lignes), rapport.rejetees
    assert _sans_vides(lignes_orientations(m.Orientation.objects.all())) == _sans_vides(lignes)
    assert importer(ORIENTATIONS, contenu, gestionnaire, appliquer=True).compte["inchange"] == len(lignes)


@st.composite
def evenements(draw: st.DrawFn) -> list[dict[str, str]]:
    """Les événements d'une orientation du 02/03/2026 (RSI, 5.1) : rendez-vous, un contrat et ses actions,
    heures, diagnostics, éventuellement une sortie."""
    base = {"orientation": "SI-RT"}
    orientation = datetime.date(2026, 3, 2)
    lignes = []
    for i in range(draw(st.integers(0, 5))):
        jour = orientation + datetime.timedelta(days=draw(st.integers(0, 200)))
        lignes.append(
            base
            | {
                "type": "rendez_vous",
                "reference": f"R{i}",
                "date": _date(jour),
                "heure": f"{draw(st.integers(8, 18)):02d}:{draw(st.sampled_from([0, 15, 30, 45])):02d}",
                "mode": draw(st.sampled_from(c.ModeRendezVous.values)),
                "presence": draw(st.sampled_from(c.Presence.values)),
            }
        )
    debut = orientation + datetime.timedelta(days=draw(st.integers(0, 40)))
    fin = ajouter_mois(debut, 6) - datetime.timedelta(days=1 + draw(st.integers(0, 20)))
    heures = Decimal(draw(st.integers(0, 200))) / 10
    lignes.append(
        base
        | {
            "type": "contrat",
            "reference": "CE-1",
            "rang": "1",
            "date": _date(debut),
            "debut": _date(debut),
            "fin": _date(fin),
            "heures": _nombre(heures),
            "statut": "signe",
            "detail": draw(st.sampled_from(["", "Lien entre diagnostic et actions."])),
        }
    )
    for i in range(draw(st.integers(1, 4))):
        lignes.append(
            base
            | {
                "type": "action",
                "contrat": "CE-1",
                "libelle": f"Action {i}",
                "detail": draw(st.sampled_from(["", "Détail ; avec « guillemets », virgule"])),
                "categorie": draw(st.sampled_from(c.CategorieAction.values)),
                "debut": _date(debut),
                "fin": _date(fin - datetime.timedelta(days=draw(st.integers(0, 30)))),
                "departemental": draw(st.sampled_from(["oui", "non"])),
            }
        )
    semaines = draw(st.lists(st.integers(0, 20), unique=True, max_size=4))
    for n in semaines:
        lundi = debut - datetime.timedelta(days=debut.weekday()) + datetime.timedelta(weeks=n)
        lignes.append(
            base
            | {
                "type": "heures",
                "contrat": "CE-1",
                "semaine": _date(lundi),
                "heures": _nombre(Decimal(draw(st.integers(0, 300))) / 10),
                "date": _date(lundi + datetime.timedelta(days=6)),
            }
        )
    for i in range(draw(st.integers(0, 2))):
        freins = draw(st.lists(st.sampled_from(c.Frein.values), unique=True, max_size=4))
        lignes.append(
            base
            | {
                "type": "diagnostic",
                "reference": f"D{i}",
                "moment": draw(st.sampled_from(c.MomentDiagnostic.values)),
                "date": _date(debut),
                "freins": "|".join(sorted(freins)),
                "contrat": draw(st.sampled_from(["", "CE-1"])),
            }
        )
    if draw(st.booleans()):
        lignes.append(
            base | {"type": "sortie", "date": _date(fin), "type_sortie": draw(st.sampled_from(c.TypeSortie.values))}
        )
    return lignes


@given(lignes=evenements(), separateur=st.sampled_from([";", ","]), encodage=st.sampled_from(["utf-8", "cp1252"]))
@REGLAGES
def test_aller_retour_des_evenements(agent_slai, lignes, separateur, encodage):
    m.Orientation.objects.all().delete()
    structure = structure_des_exemples()
    membre = Membre.objects.filter(structure=structure, role=RoleMembre.REFERENT).first()
    referente = membre.user if membre else referent_de(structure)
    ligne_orientation = {
        "reference": "SI-RT",
        "nom": "Bréhaut",
        "prenom": "Maël",
        "organisme": "caf",
        "numero_allocataire": "8000001",
        "categorie": "brsa",
        "territoire": "arrageois",
        "siret": SIRET,
        "dispositif": "5.1",
        "parcours": "remobilisation_sociale_intensive",
        "date_orientation": "02/03/2026",
    }
    importer(ORIENTATIONS, _vers_csv(ORIENTATIONS, [ligne_orientation], ";", "utf-8"), agent_slai, appliquer=True)
    contenu = _vers_csv(EVENEMENTS, lignes, separateur, encodage)
    rapport = importer(EVENEMENTS, contenu, referente, appliquer=True)
    assert rapport.compte["rejete"] == 0, [(r.numero, r.erreurs) for r in rapport.rejetees]
    orientation = m.Orientation.objects.get(reference_externe="SI-RT")
    assert _sans_vides(lignes_evenements(orientation)) == _sans_vides(lignes)
    second = importer(EVENEMENTS, contenu, referente, appliquer=True)
    assert second.compte["inchange"] == len(lignes)
