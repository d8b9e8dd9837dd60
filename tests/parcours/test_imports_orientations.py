"""Import des orientations du SI RSA : lecture, erreurs par colonne, idempotence, portée, simulation."""

from __future__ import annotations

import datetime

import pytest

from aap.core.models import AuditLog
from aap.parcours import choices as c
from aap.parcours.imports.communs import ImportImpossible
from aap.parcours.imports.lecture import FichierIllisible
from aap.parcours.imports.moteur import importer
from aap.parcours.models import Orientation, Personne
from tests.factories import UserFactory, territoire
from tests.parcours.factories import OrientationFactory, PersonneFactory, RendezVousFactory
from tests.parcours.fixtures_csv import (
    fichier,
    importer_fichier,
    lignes_en_erreur,
    structure_des_exemples,
)


pytestmark = pytest.mark.usefixtures("catalogue_2026")


@pytest.fixture
def structure():
    return structure_des_exemples()


def test_import_cree_personnes_et_orientations(agent_slai, structure):
    rapport = importer_fichier("orientations", "orientations.csv", agent_slai)
    assert rapport.compte == {"lignes": 3, "cree": 3, "modifie": 0, "inchange": 0, "rejete": 0}
    assert rapport.encodage == "UTF-8 (BOM)" and rapport.separateur == ";"
    o = Orientation.objects.get(reference_externe="SI-0001")
    assert o.source == c.SourceDonnee.IMPORT_SI_RSA
    assert (o.structure, o.dispositif.code, o.parcours) == (structure, "5.1", "remobilisation_sociale_intensive")
    assert o.date_orientation == datetime.date(2026, 3, 2) and o.territoire.code == "arrageois"
    p = o.personne
    assert (p.nom, p.prenom, p.date_naissance, p.organisme, p.numero_allocataire, p.categorie) == (
        "Lefèvre",
        "Aurélie",
        datetime.date(1985, 4, 12),
        "caf",
        "7000001",
        "brsa",
    )
    assert Orientation.objects.get(reference_externe="SI-0002").date_orientation == datetime.date(2026, 3, 9)
    assert AuditLog.objects.filter(action="parcours.import.orientation.creer").count() == 3


def test_windows_1252_et_virgule(agent_slai, structure):
    rapport = importer_fichier("orientations", "orientations_windows1252_virgule.csv", agent_slai)
    assert rapport.encodage == "Windows-1252" and rapport.separateur == ","
    assert rapport.compte["cree"] == 3
    assert Personne.objects.get(numero_allocataire="7000003").prenom == "Océane"


def test_utf8_sans_bom(agent_slai, structure):
    contenu = fichier("orientations.csv")[3:]
    rapport = importer("orientations", contenu, agent_slai, appliquer=True)
    assert rapport.encodage == "UTF-8" and rapport.compte["cree"] == 3
    assert Personne.objects.filter(nom="Dupré").exists()


def test_simulation_n_ecrit_rien(agent_slai, structure):
    rapport = importer_fichier("orientations", "orientations.csv", agent_slai, appliquer=False)
    assert rapport.compte["cree"] == 3
    assert not Orientation.objects.exists() and not Personne.objects.exists()
    assert not AuditLog.objects.filter(action__startswith="parcours.import").exists()


def test_second_import_inchange(agent_slai, structure):
    importer_fichier("orientations", "orientations.csv", agent_slai)
    rapport = importer_fichier("orientations", "orientations_windows1252_virgule.csv", agent_slai)
    assert rapport.compte == {"lignes": 3, "cree": 0, "modifie": 0, "inchange": 3, "rejete": 0}
    assert Orientation.objects.count() == 3 and Personne.objects.count() == 3


def test_contenu_change_modifie_tant_que_rien_n_est_saisi(agent_slai, structure):
    importer_fichier("orientations", "orientations.csv", agent_slai)
    contenu = fichier("orientations.csv").replace(b"02/03/2026", b"03/03/2026")
    rapport = importer("orientations", contenu, agent_slai, appliquer=True)
    assert rapport.compte["modifie"] == 1 and rapport.compte["inchange"] == 2
    orientation = Orientation.objects.get(reference_externe="SI-0001")
    assert orientation.date_orientation == datetime.date(2026, 3, 3)
    RendezVousFactory(orientation=orientation)
    contenu = fichier("orientations.csv").replace(b"02/03/2026", b"04/03/2026")
    rapport = importer("orientations", contenu, agent_slai, appliquer=True)
    assert lignes_en_erreur(rapport) == {
        2: [
            [
                "reference",
                "orientation déjà suivie par la structure (événements saisis) : corrigez-la dans l'application",
            ]
        ]
    }
    orientation.refresh_from_db()
    assert orientation.date_orientation == datetime.date(2026, 3, 3)


def test_chaque_erreur_de_colonne(agent_slai, structure):
    rapport = importer_fichier("orientations", "orientations_erreurs.csv", agent_slai)
    erreurs = lignes_en_erreur(rapport)
    colonnes = {n: sorted(c for c, _ in e) for n, e in erreurs.items()}
    assert colonnes == {
        2: ["date_naissance"],
        3: ["nom", "organisme"],
        4: ["categorie", "territoire"],
        5: ["dispositif", "siret"],
        6: ["parcours"],
        7: ["date_orientation", "numero_allocataire"],
    }
    assert erreurs[2] == [["date_naissance", "date « 31/02/1980 » inexistante"]]
    assert ["organisme", "« cnaf » inconnu : valeurs permises caf, msa"] in erreurs[3]
    assert rapport.compte["cree"] == 1  # ligne 8 seule
    assert list(Orientation.objects.values_list("reference_externe", flat=True)) == ["SI-0107"]


def test_meme_allocataire_autre_identite_rejete_sans_divulguer(agent_slai, structure):
    PersonneFactory(organisme="caf", numero_allocataire="7000001", nom="Autre", prenom="Personne")
    rapport = importer_fichier("orientations", "orientations.csv", agent_slai)
    (message,) = lignes_en_erreur(rapport)[2]
    assert message[0] == "numero_allocataire" and "Autre" not in message[1]
    assert rapport.compte["cree"] == 2


def test_personne_existante_retrouvee(agent_slai, structure):
    personne = PersonneFactory(
        organisme="caf", numero_allocataire="7000001", nom="LEFÈVRE", prenom="aurélie", date_naissance=None
    )
    importer_fichier("orientations", "orientations.csv", agent_slai)
    assert Orientation.objects.get(reference_externe="SI-0001").personne == personne
    assert Personne.objects.count() == 3


def test_slai_hors_territoire_erreur_de_ligne(structure):
    slai_calais = UserFactory(role="slai", territoire=territoire("calaisis"))
    rapport = importer_fichier("orientations", "orientations.csv", slai_calais)
    assert rapport.compte["rejete"] == 3
    assert lignes_en_erreur(rapport)[2] == [["territoire", "Arrageois : hors de votre territoire"]]
    assert not Orientation.objects.exists()


def test_reference_existante_hors_portee(structure):
    OrientationFactory(
        source=c.SourceDonnee.IMPORT_SI_RSA,
        reference_externe="SI-0001",
        personne=PersonneFactory(territoire=territoire("calaisis")),
    )
    slai = UserFactory(role="slai", territoire=territoire("arrageois"))
    rapport = importer_fichier("orientations", "orientations.csv", slai)
    assert lignes_en_erreur(rapport)[2] == [
        ["reference", "référence déjà utilisée par une orientation hors de votre portée"]
    ]


def test_dpid_importe_tout(gestionnaire, structure):
    assert importer_fichier("orientations", "orientations.csv", gestionnaire).compte["cree"] == 3


@pytest.mark.parametrize("role", ["referent", "porteur", "agent_finances"])
def test_roles_refuses(request, role, structure):
    with pytest.raises(ImportImpossible):
        importer_fichier("orientations", "orientations.csv", request.getfixturevalue(role))


def test_entete_incorrect(agent_slai):
    with pytest.raises(FichierIllisible, match="colonne\\(s\\) manquante\\(s\\) organisme, numero_allocataire"):
        importer("orientations", b"reference;nom;prenom\nX;Y;Z\n", agent_slai)


def test_colonnes_inconnues_ignorees_et_entete_accentue(agent_slai, structure):
    contenu = fichier("orientations.csv").decode("utf-8-sig")
    contenu = contenu.replace("date_orientation", "Date d'orientation").replace("prenom", "Prénom")
    contenu = contenu.replace("reference;", "Référence;commentaire;", 1)
    contenu = "\r\n".join(
        ligne if i == 0 else ligne.replace(";", ";libre;", 1) for i, ligne in enumerate(contenu.split("\r\n"))
    )
    contenu = contenu.replace("Date d'orientation", "date_orientation")
    rapport = importer("orientations", contenu.encode(), agent_slai, appliquer=True)
    assert rapport.colonnes_ignorees == ["commentaire"] and rapport.compte["cree"] == 3
