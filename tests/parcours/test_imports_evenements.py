"""Import des événements des parcours (outil de la structure) : chaque type, idempotence, bloc contrat + actions
tout ou rien, erreurs par colonne, portée du référent, simulation."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from aap.parcours import choices as c
from aap.parcours import models as m
from aap.parcours.imports.communs import ImportImpossible
from aap.parcours.imports.moteur import importer
from tests.factories import StructureFactory
from tests.parcours.factories import PARIS
from tests.parcours.fixtures_csv import (
    fichier,
    importer_fichier,
    lignes_en_erreur,
    referent_de,
    structure_des_exemples,
)


pytestmark = pytest.mark.usefixtures("catalogue_2026")

ENTETE = "type;reference;orientation;date;heure;mode;presence;moment;freins;contrat;rang;debut;fin;heures;semaine;"
ENTETE += "statut;cloture;revue_slai;libelle;detail;categorie;departemental;rendez_vous;motif;sphere;argumentaire;"
ENTETE += "type_sortie"


def ligne(**valeurs: str) -> str:
    return ";".join(valeurs.get(nom, "") for nom in ENTETE.split(";"))


def csv_(*lignes: str) -> bytes:
    return "\n".join([ENTETE, *lignes]).encode()


@pytest.fixture
def referente(agent_slai):
    structure = structure_des_exemples()
    importer_fichier("orientations", "orientations.csv", agent_slai)
    return referent_de(structure)


def test_fichier_complet(referente):
    rapport = importer_fichier("evenements", "evenements.csv", referente)
    assert rapport.compte == {"lignes": 11, "cree": 11, "modifie": 0, "inchange": 0, "rejete": 0}, rapport.rejetees
    o = m.Orientation.objects.get(reference_externe="SI-0001")
    rdv1, rdv2 = o.rendez_vous.order_by("debut")
    assert rdv1.debut == datetime.datetime(2026, 3, 10, 9, 30, tzinfo=PARIS) and rdv1.reference_externe == "RDV-1"
    assert (rdv2.mode, rdv2.presence) == ("telephone", "absence_injustifiee")
    contrat = o.contrats.get()
    assert (contrat.rang, contrat.date_signature, contrat.date_fin, contrat.heures_hebdo_prevues) == (
        1,
        datetime.date(2026, 3, 20),
        datetime.date(2026, 9, 19),
        Decimal("10.0"),
    )
    assert [a.libelle for a in contrat.actions.all()] == ["Démarches de santé", "Permis de conduire", "Atelier CV"]
    assert contrat.actions.get(libelle="Permis de conduire").dispositif_departemental is True
    diagnostic = o.diagnostics.get()
    assert diagnostic.contrat == contrat and diagnostic.moment == "creation_ce"
    assert sorted(diagnostic.freins.values_list("frein", flat=True)) == ["budget", "mobilite", "sante"]
    heures = contrat.heures.get()
    assert (heures.semaine, heures.heures, heures.saisie_le) == (
        datetime.date(2026, 3, 23),
        Decimal("12.5"),
        datetime.date(2026, 3, 29),
    )
    assert o.suspensions.get().rendez_vous == rdv2
    assert o.reorientations.get().sphere_demandee == "social_professionnel_intensif"
    sortie = m.Sortie.objects.get(orientation__reference_externe="SI-0003")
    assert (sortie.type, sortie.famille) == ("aah", c.FamilleSortie.SITUATION_FINANCIERE)


def test_reimport_inchange(referente):
    importer_fichier("evenements", "evenements.csv", referente)
    rapport = importer_fichier("evenements", "evenements.csv", referente)
    assert rapport.compte == {"lignes": 11, "cree": 0, "modifie": 0, "inchange": 11, "rejete": 0}
    assert m.RendezVous.objects.count() == 2 and m.ActionContrat.objects.count() == 3


def test_simulation_n_ecrit_rien(referente):
    rapport = importer_fichier("evenements", "evenements.csv", referente, appliquer=False)
    assert rapport.compte["cree"] == 11
    assert not m.RendezVous.objects.exists() and not m.ContratEngagement.objects.exists()
    assert not m.Sortie.objects.exists()


def test_contenu_modifie(referente):
    importer_fichier("evenements", "evenements.csv", referente)
    contenu = fichier("evenements.csv").replace(b"09:30;physique;honore", b"09:45;physique;excuse")
    contenu = contenu.replace(b"Atelier CV", b"Atelier CV et lettre")
    rapport = importer("evenements", contenu, referente, appliquer=True)
    assert rapport.compte["modifie"] == 5  # le rendez-vous ; le contrat et ses trois actions
    rdv = m.RendezVous.objects.get(reference_externe="RDV-1")
    assert rdv.presence == "excuse" and rdv.debut == datetime.datetime(2026, 3, 10, 9, 45, tzinfo=PARIS)
    assert m.ActionContrat.objects.filter(libelle="Atelier CV et lettre").count() == 1
    assert m.ActionContrat.objects.count() == 3


def test_action_invalide_aucun_contrat(referente):
    rapport = importer_fichier("evenements", "evenements_action_invalide.csv", referente)
    assert not m.ContratEngagement.objects.exists() and not m.ActionContrat.objects.exists()
    erreurs = lignes_en_erreur(rapport)
    assert sorted(erreurs) == [2, 3, 4, 5]
    assert erreurs[5] == [
        ["categorie", "« cuisine » inconnu : valeurs permises sociale, insertion_pro, formation, administrative"],
        ["fin", "date « 31/04/2026 » inexistante"],
    ]
    assert erreurs[2] == [["", "rejetée avec son contrat : erreur ligne 5"]]


def test_demande_decidee_ne_change_plus(referente):
    importer_fichier("evenements", "evenements.csv", referente)
    m.DemandeSuspension.objects.update(statut=c.StatutDemande.ACCEPTEE)
    contenu = fichier("evenements.csv").replace(b"Absence injustifi\xc3\xa9e au", b"Absence au")
    rapport = importer("evenements", contenu, referente, appliquer=True)
    assert lignes_en_erreur(rapport) == {
        10: [["reference", "demande déjà décidée par le Département : elle ne change plus"]]
    }


def test_referent_d_une_autre_structure(agent_slai):
    importer_fichier("orientations", "orientations.csv", agent_slai)
    autre = referent_de(StructureFactory(), email="autre@exemple.test")
    rapport = importer_fichier("evenements", "evenements.csv", autre)
    assert rapport.compte["rejete"] == 11
    assert lignes_en_erreur(rapport)[2] == [
        ["orientation", "« SI-0001 » : orientation introuvable dans votre structure"]
    ]
    assert not m.RendezVous.objects.exists()


def test_seul_un_referent_importe_des_evenements(gestionnaire):
    with pytest.raises(ImportImpossible):
        importer("evenements", csv_(), gestionnaire)


def test_orientation_par_numero(referente):
    o = m.Orientation.objects.get(reference_externe="SI-0002")
    contenu = "type;reference;orientation_id;date;heure;mode\n"
    contenu += f"rendez_vous;R1;{o.pk};12/03/2026;10:00;visio\nrendez_vous;R2;abc;12/03/2026;10:00;visio\n"
    rapport = importer("evenements", contenu.encode(), referente, appliquer=True)
    assert o.rendez_vous.get().presence == c.Presence.PREVU
    assert lignes_en_erreur(rapport) == {3: [["orientation_id", "« abc » : un numéro entier est attendu"]]}


def test_erreurs_de_colonnes(referente):
    rapport = importer(
        "evenements",
        csv_(
            ligne(type="visite", reference="X1", orientation="SI-0001"),
            ligne(type="rendez_vous", reference="X2", orientation="SI-0001", date="10/03/2026", mode="pigeon"),
            ligne(
                type="rendez_vous",
                reference="X3",
                orientation="SI-0001",
                date="01/03/2026",
                heure="10:00",
                mode="visio",
            ),
            ligne(
                type="diagnostic",
                reference="X4",
                orientation="SI-0001",
                date="10/03/2026",
                moment="initial",
                freins="sante|chance",
            ),
            ligne(type="rendez_vous", orientation="SI-0001", date="10/03/2026", heure="25:00", mode="visio"),
            ligne(type="reorientation", reference="X6", orientation="SI-0001", date="10/03/2026", sphere="lune"),
            ligne(type="sortie", orientation="SI-0001", date="10/03/2026", type_sortie="vacances"),
            ligne(
                type="rendez_vous",
                reference="X8",
                orientation="SI-9999",
                date="10/03/2026",
                heure="10:00",
                mode="visio",
            ),
            ligne(type="rendez_vous", reference="X9", date="10/03/2026", heure="10:00", mode="visio"),
        ),
        referente,
        appliquer=True,
    )
    erreurs = {n: [col for col, _ in e] for n, e in lignes_en_erreur(rapport).items()}
    assert erreurs == {
        2: ["type"],
        3: ["heure", "mode"],
        4: ["date"],
        5: ["freins"],
        6: ["reference", "heure"],
        7: ["sphere", "argumentaire"],
        8: ["type_sortie"],
        9: ["orientation"],
        10: ["orientation"],
    }
    assert lignes_en_erreur(rapport)[4] == [["date", "01/03/2026 : antérieure à l'orientation du 02/03/2026"]]
    assert not m.RendezVous.objects.exists() and not m.Diagnostic.objects.exists()


def test_heures_hors_du_contrat_et_nombre(referente):
    importer_fichier("evenements", "evenements.csv", referente)
    rapport = importer(
        "evenements",
        csv_(
            ligne(type="heures", orientation="SI-0001", contrat="CE-1", semaine="05/10/2026", heures="10"),
            ligne(type="heures", orientation="SI-0001", contrat="CE-1", semaine="30/03/2026", heures="dix"),
            ligne(type="heures", orientation="SI-0001", contrat="CE-1", semaine="30/03/2026", heures="12,25"),
            ligne(type="heures", orientation="SI-0001", contrat="CE-X", semaine="30/03/2026", heures="12"),
            ligne(type="heures", orientation="SI-0001", contrat="CE-1", semaine="01/04/2026", heures="7,5"),
        ),
        referente,
        appliquer=True,
    )
    erreurs = lignes_en_erreur(rapport)
    assert erreurs[2][0][1].startswith("La semaine du 05/10/2026 est hors du contrat")
    assert erreurs[3] == [["heures", "nombre « dix » illisible : écrivez 12,5 ou 12.5"]]
    assert erreurs[4] == [["heures", "« 12,25 » : une décimale au plus"]]
    assert erreurs[5] == [["contrat", "« CE-X » : aucun contrat de cette référence pour cette orientation"]]
    assert rapport.lignes[4].etat == "cree"
    assert m.HeuresActivite.objects.get(semaine=datetime.date(2026, 3, 30)).heures == Decimal("7.5")


def test_regles_du_contrat(referente):
    actions = [
        ligne(
            type="action",
            orientation="SI-0001",
            contrat=ref,
            libelle="Action",
            detail="D",
            categorie="sociale",
            debut="20/03/2026",
            fin="19/09/2026",
        )
        for ref in ("CE-A", "CE-B")
    ]
    rapport = importer(
        "evenements",
        csv_(
            ligne(
                type="contrat",
                reference="CE-A",
                orientation="SI-0001",
                date="20/03/2026",
                debut="20/03/2026",
                fin="19/09/2026",
                heures="20",
            ),
            actions[0],
            ligne(
                type="contrat",
                reference="CE-B",
                orientation="SI-0001",
                rang="2",
                date="20/09/2026",
                debut="20/09/2026",
                fin="19/03/2027",
            ),
            actions[1],
            ligne(
                type="contrat",
                reference="CE-C",
                orientation="SI-0003",
                date="20/03/2026",
                debut="20/03/2026",
                fin="20/09/2026",
            ),
            ligne(
                type="action",
                orientation="SI-0003",
                contrat="CE-Z",
                libelle="Orpheline",
                categorie="sociale",
                debut="20/03/2026",
                fin="19/09/2026",
            ),
            ligne(
                type="contrat",
                reference="CE-D",
                orientation="SI-0002",
                date="20/03/2026",
                debut="20/03/2026",
                fin="20/04/2026",
            ),
        ),
        referente,
        appliquer=True,
    )
    a = rapport.lignes[0]
    assert a.etat == "cree"  # une seule action : avertissement, pas rejet (comme à la saisie)
    assert any("au moins 3" in x for x in a.avertissements) and any("20 h" in x for x in a.avertissements)
    erreurs = lignes_en_erreur(rapport)
    assert erreurs[4][0][0] == "rang" and "revue du contrat précédent par le SLAI" in erreurs[4][0][1]
    assert erreurs[6] == [
        ["fin", "20/09/2026 : un contrat de 6 mois commencé le 20/03/2026 finit au plus tard le 19/09/2026"]
    ]
    assert erreurs[7][0][1].startswith("contrat absent du fichier")
    assert erreurs[8][0][0] == "type"  # accueil_dsp : pas de contrat
    assert list(m.ContratEngagement.objects.values_list("reference_externe", flat=True)) == ["CE-A"]


def test_reference_en_double_dans_le_fichier(referente):
    rdv = ligne(
        type="rendez_vous", reference="R1", orientation="SI-0001", date="10/03/2026", heure="10:00", mode="visio"
    )
    rapport = importer("evenements", csv_(rdv, rdv), referente, appliquer=True)
    assert lignes_en_erreur(rapport) == {3: [["", "référence « R1 » déjà présente ligne 2 pour la même orientation"]]}
    assert m.RendezVous.objects.count() == 1
