"""Observatoire : chaque chiffre sur des parcours construits à la main (définitions de docs/observatoire.md)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from aap.parcours import choices as c
from aap.qualite.observatoire import Axe, Filtres, calculer
from tests.factories import StructureFactory, territoire
from tests.parcours.factories import (
    ContratFactory,
    OrientationFactory,
    RendezVousFactory,
    SortieFactory,
    a_paris,
    dispositif_a_parcours,
)


pytestmark = pytest.mark.usefixtures("catalogue_2026")

D = datetime.date
ANNEE = Filtres(debut=D(2026, 1, 1), fin=D(2026, 12, 31))


def test_orientations_comptees_dans_la_periode_bornes_incluses(instructeur):
    for jour in (D(2025, 12, 31), D(2026, 1, 1), D(2026, 12, 31), D(2027, 1, 1)):
        OrientationFactory(date_orientation=jour)
    obs = calculer(instructeur, ANNEE)
    assert obs.total.orientations == 2
    assert [ligne.orientations for ligne in obs.lignes] == [2]


def test_personnes_accompagnees_distinctes_avec_un_rendez_vous_honore_jour_de_paris(instructeur):
    o = OrientationFactory(date_orientation=D(2025, 11, 1))
    RendezVousFactory(orientation=o, debut=a_paris(D(2026, 1, 5)))
    RendezVousFactory(orientation=o, debut=a_paris(D(2026, 2, 5)))
    # même personne, deuxième orientation : comptée une fois
    o2 = OrientationFactory(
        personne=o.personne,
        date_orientation=D(2026, 3, 1),
        dispositif=dispositif_a_parcours("5.2"),
        parcours="accompagnement_social_professionnel_intensif",
    )
    RendezVousFactory(orientation=o2, debut=a_paris(D(2026, 3, 5)))
    # absence : pas accompagnée
    absente = OrientationFactory(date_orientation=D(2026, 1, 1))
    RendezVousFactory(orientation=absente, presence=c.Presence.ABSENCE_INJUSTIFIEE)
    # le 31/12/2025 à 23 h 30 à Paris : hors période même si c'est le 31/12 22 h 30 UTC
    veille = OrientationFactory(date_orientation=D(2025, 12, 1))
    RendezVousFactory(orientation=veille, debut=a_paris(D(2025, 12, 31), 23, 30))
    # le 31/12/2026 à 23 h 30 à Paris : dans la période
    tard = OrientationFactory(date_orientation=D(2026, 12, 1))
    RendezVousFactory(orientation=tard, debut=a_paris(D(2026, 12, 31), 23, 30))
    obs = calculer(instructeur, ANNEE)
    assert obs.total.personnes == 2
    par_dispositif = {ligne.libelle[:3]: ligne.personnes for ligne in obs.lignes}
    assert par_dispositif == {"5.1": 2, "5.2": 1}
    assert obs.total.entretiens == 4
    assert obs.total.entretiens_par_mode == {c.ModeRendezVous.PHYSIQUE: 4}


def test_en_cours_a_la_fin_sans_sortie_ni_orientation_suivante(instructeur):
    OrientationFactory(date_orientation=D(2026, 12, 31))  # en cours
    OrientationFactory(date_orientation=D(2027, 1, 1))  # pas encore
    SortieFactory(orientation=OrientationFactory(date_orientation=D(2026, 1, 1)), date_sortie=D(2026, 12, 31))
    SortieFactory(
        orientation=OrientationFactory(date_orientation=D(2026, 1, 1)), date_sortie=D(2027, 1, 1)
    )  # en cours
    dsp = OrientationFactory(date_orientation=D(2026, 2, 1), parcours="accueil_dsp")
    OrientationFactory(personne=dsp.personne, precedente=dsp, date_orientation=D(2026, 3, 1))  # en cours
    obs = calculer(instructeur, ANNEE)
    assert obs.total.en_cours == 3


def test_sorties_par_famille_et_type_et_part_des_dynamiques(instructeur):
    for type_, jour in (
        (c.TypeSortie.CDI, D(2026, 6, 1)),
        (c.TypeSortie.CDD_MOINS_6M, D(2026, 6, 1)),
        (c.TypeSortie.FORMATION_QUALIFIANTE, D(2026, 12, 31)),
        (c.TypeSortie.AAH, D(2026, 1, 1)),
        (c.TypeSortie.ABANDON, D(2027, 1, 1)),
    ):
        SortieFactory(type=type_, date_sortie=jour, orientation__date_orientation=D(2025, 12, 1))
    obs = calculer(instructeur, ANNEE)
    assert obs.total.sorties == 4
    assert obs.total.sorties_dynamiques == 3
    assert obs.total.part_dynamiques == Decimal("75.0")
    assert obs.lignes[0].sorties_par_famille == {
        c.FamilleSortie.EMPLOI_DURABLE: 1,
        c.FamilleSortie.EMPLOI_TRANSITION: 1,
        c.FamilleSortie.SORTIE_POSITIVE: 1,
        c.FamilleSortie.SITUATION_FINANCIERE: 1,
    }
    assert ("CDI", "Emploi durable", 1) in obs.sorties_par_type
    assert len(obs.sorties_par_type) == 4


def test_delai_du_premier_rendez_vous_mediane_et_part_dans_la_cible(instructeur):
    # délai de la fiche 5.1 (remobilisation sociale intensive) : 15 jours
    for jours in (3, 15, 16, 40):
        o = OrientationFactory(date_orientation=D(2026, 3, 2))
        RendezVousFactory(
            orientation=o,
            debut=a_paris(D(2026, 3, 2) + datetime.timedelta(days=jours), 23, 30),
            presence=c.Presence.EXCUSE,
        )
    OrientationFactory(date_orientation=D(2026, 3, 2))  # sans rendez-vous : dans la population, pas dans la mesure
    OrientationFactory(date_orientation=D(2026, 12, 20))  # délai non échu au 31/12 : hors population
    obs = calculer(instructeur, ANNEE)
    delai = obs.total.delai_rdv
    assert (delai.mesures, delai.mediane) == (4, Decimal("15.5"))
    assert (delai.population, delai.dans_cible) == (5, 2)
    assert delai.part == Decimal("40.0")


def test_delai_de_signature_du_contrat(instructeur):
    for jours in (10, 28, 29):
        ContratFactory(
            orientation=OrientationFactory(date_orientation=D(2026, 3, 2)),
            date_signature=D(2026, 3, 2) + datetime.timedelta(days=jours),
        )
    obs = calculer(instructeur, ANNEE)
    delai = obs.total.delai_ce
    assert (delai.mesures, delai.mediane, delai.population, delai.dans_cible) == (3, Decimal(28), 3, 2)


def test_axes_territoire_et_structure(instructeur):
    s1, s2 = StructureFactory(raison_sociale="Alpha", sigle=""), StructureFactory(raison_sociale="Beta", sigle="")
    OrientationFactory(structure=s1, date_orientation=D(2026, 5, 1))
    OrientationFactory(structure=s2, date_orientation=D(2026, 5, 1), personne__territoire=territoire("calaisis"))
    OrientationFactory(structure=s2, date_orientation=D(2026, 5, 1))
    par_structure = calculer(instructeur, Filtres(debut=D(2026, 1, 1), fin=D(2026, 12, 31), axe=Axe.STRUCTURE))
    assert [(li.libelle, li.orientations) for li in par_structure.lignes] == [("Alpha", 1), ("Beta", 2)]
    par_territoire = calculer(instructeur, Filtres(debut=D(2026, 1, 1), fin=D(2026, 12, 31), axe=Axe.TERRITOIRE))
    assert [(li.libelle, li.orientations) for li in par_territoire.lignes] == [("Arrageois", 2), ("Calaisis", 1)]
    assert par_territoire.total.orientations == 3


def test_evolution_mensuelle(instructeur):
    OrientationFactory(date_orientation=D(2026, 1, 31))
    o = OrientationFactory(date_orientation=D(2026, 2, 1))
    RendezVousFactory(orientation=o, debut=a_paris(D(2026, 2, 28), 23, 30))
    SortieFactory(orientation=o, date_sortie=D(2026, 3, 1))
    obs = calculer(instructeur, Filtres(debut=D(2026, 1, 1), fin=D(2026, 3, 31)))
    assert [(m.mois, m.orientations, m.sorties, m.entretiens) for m in obs.mois] == [
        (D(2026, 1, 1), 1, 0, 0),
        (D(2026, 2, 1), 1, 0, 1),
        (D(2026, 3, 1), 0, 1, 0),
    ]


def _operations(structure, *periodes_places, code="5.1"):
    """Une convention de la structure avec une opération par (début, fin, places), du dispositif `code`."""
    from aap.conventions.models import Operation
    from tests.conventions.factories import fabriquer_convention

    convention = fabriquer_convention(structure=structure, montants=[Decimal("1000.00")] * len(periodes_places))
    operations = list(convention.operations.order_by("rang"))
    for operation, (debut, fin, places) in zip(operations, periodes_places, strict=True):
        Operation.objects.filter(pk=operation.pk).update(
            dispositif=dispositif_a_parcours(code), date_debut=debut, date_fin=fin, engagements={"places": str(places)}
        )
        operation.refresh_from_db()
    return operations


def test_places_conventionnees_des_operations_actives_a_la_fin_et_occupees(instructeur):
    s = StructureFactory(raison_sociale="Alpha", sigle="")
    # la deuxième opération se termine avant le 31/12 : ses places ne comptent pas
    active, _ = _operations(s, (D(2026, 1, 1), D(2027, 12, 31), 10), (D(2026, 1, 1), D(2026, 12, 30), 7))
    for _ in range(3):
        OrientationFactory(structure=s, operation=active, date_orientation=D(2026, 6, 1))
    SortieFactory(orientation=OrientationFactory(structure=s, operation=active, date_orientation=D(2026, 6, 1)))
    OrientationFactory(structure=s, date_orientation=D(2026, 6, 1))  # sans opération : en cours, pas une place
    obs = calculer(instructeur, Filtres(debut=D(2026, 1, 1), fin=D(2026, 12, 31), axe=Axe.STRUCTURE))
    (ligne,) = obs.lignes
    assert (ligne.places, ligne.places_occupees, ligne.en_cours) == (10, 3, 4)
    assert ligne.taux_occupation == Decimal("30.0")
    assert (obs.total.places, obs.total.places_occupees) == (10, 3)
