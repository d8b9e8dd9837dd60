"""Mesures de la charte sur des parcours construits à la main, aux bords de chaque définition
(docs/charte-qualite.md). Chaque appel vérifie aussi que la référence en Python pur donne la même chose."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aap.parcours import choices as c
from aap.parcours import models as m
from aap.qualite.calcul import Mesure, mesurer
from tests.factories import StructureFactory
from tests.parcours.factories import (
    ActionFactory,
    ContratFactory,
    DiagnosticFactory,
    HeuresFactory,
    OrientationFactory,
    RendezVousFactory,
    SortieFactory,
    a_paris,
    dispositif_a_parcours,
)
from tests.qualite.reference import reference


pytestmark = pytest.mark.usefixtures("catalogue_2026")

J = datetime.date
MARS, FIN_MAI = J(2026, 3, 1), J(2026, 5, 31)
ORIENTATION, SORTIE = J(2026, 3, 2), J(2026, 4, 30)
SPI = "accompagnement_social_professionnel_intensif"


def mesures(dispositif="5.1", debut=MARS, fin=FIN_MAI, structures=None) -> dict[int, dict[str, Mesure]]:
    d = dispositif_a_parcours(dispositif)
    calcul = mesurer(d, debut, fin, structures)
    assert calcul == reference(d, debut, fin, structures)
    return calcul


def compte(code, structure, **kwargs) -> tuple[int, int]:
    mesure = mesures(**kwargs)[structure.pk][code]
    return int(mesure.numerateur), mesure.denominateur


def orienter(structure=None, jour=ORIENTATION, dispositif="5.1", **kwargs):
    if dispositif == "5.2":
        kwargs.setdefault("parcours", SPI)
    return OrientationFactory(
        structure=structure or StructureFactory(),
        dispositif=dispositif_a_parcours(dispositif),
        date_orientation=jour,
        **kwargs,
    )


def rdv(orientation, jour, heure=10, minute=0, **kwargs):
    return RendezVousFactory(orientation=orientation, debut=a_paris(jour, heure, minute), **kwargs)


# --- premier_rdv_dans_delai --------------------------------------------------------------------------------


def test_premier_rdv_jour_15_compte_jour_16_non():
    dans, hors = orienter(), None
    hors = orienter(dans.structure)
    rdv(dans, J(2026, 3, 17))  # 02/03 + 15
    rdv(hors, J(2026, 3, 18))  # jour 16
    rdv(hors, J(2026, 3, 1))  # la veille de l'orientation : ne compte pas
    assert compte("delai_premier_rdv", dans.structure) == (1, 2)


@pytest.mark.parametrize(
    ("orientation", "dans", "hors"),
    [
        # 23 h 30 à Paris le jour 15 (22 h 30 UTC) compte ; 0 h 30 à Paris le jour 16 (23 h 30 UTC le jour 15) non.
        (J(2026, 3, 2), J(2026, 3, 17), J(2026, 3, 18)),
        # jour 15 = 29/03/2026, passage à l'heure d'été (UTC+2) ; jour 16 à 0 h 30 = 29/03 22 h 30 UTC
        (J(2026, 3, 14), J(2026, 3, 29), J(2026, 3, 30)),
        # jour 15 = 25/10/2026, retour à l'heure d'hiver (UTC+1) ; jour 16 à 0 h 30 = 25/10 23 h 30 UTC
        (J(2026, 10, 10), J(2026, 10, 25), J(2026, 10, 26)),
    ],
)
def test_premier_rdv_jour_de_paris_quelle_que_soit_l_heure_utc(orientation, dans, hors):
    a, b = orienter(jour=orientation), None
    b = orienter(a.structure, jour=orientation)
    r_dans = rdv(a, dans, 23, 30)
    r_hors = rdv(b, hors, 0, 30)
    assert r_hors.debut.astimezone(datetime.UTC).date() == dans  # en UTC, c'est encore le jour 15
    assert r_dans.debut.astimezone(datetime.UTC).date() == dans
    assert compte("delai_premier_rdv", a.structure, debut=J(2026, 3, 1), fin=J(2026, 12, 31)) == (1, 2)


def test_premier_rdv_population_delai_echu_a_la_fin_de_periode():
    o = orienter()
    rdv(o, J(2026, 3, 5), presence=c.Presence.ABSENCE_INJUSTIFIEE)  # la présence n'importe pas
    assert compte("delai_premier_rdv", o.structure, fin=J(2026, 3, 16)) == (0, 0)  # 02/03 + 15 = 17/03 > F
    assert compte("delai_premier_rdv", o.structure, fin=J(2026, 3, 17)) == (1, 1)
    assert compte("delai_premier_rdv", o.structure, debut=J(2026, 3, 3)) == (0, 0)  # orientée avant D
    assert mesures(fin=J(2026, 3, 16))[o.structure.pk]["delai_premier_rdv"].valeur is None


def test_premier_rdv_restreint_aux_parcours_du_critere():
    o = orienter()
    dsp = orienter(o.structure, parcours="accueil_dsp")
    rdv(dsp, J(2026, 3, 3))
    assert compte("delai_premier_rdv", o.structure) == (0, 1)


# --- ce_signe_dans_delai -----------------------------------------------------------------------------------


def test_ce_signe_a_28_jours_compte_29_non():
    a = orienter()
    b = orienter(a.structure)
    ContratFactory(orientation=a, date_signature=J(2026, 3, 30))  # 02/03 + 28
    ContratFactory(orientation=b, date_signature=J(2026, 3, 31))
    assert compte("delai_signature_ce", a.structure) == (1, 2)
    assert compte("delai_signature_ce", a.structure, fin=J(2026, 3, 29)) == (0, 0)
    assert compte("delai_signature_ce", a.structure, fin=J(2026, 3, 30)) == (1, 2)


def test_ce_signe_renouvellement_ne_rattrape_pas_le_retard_mais_ne_le_gache_pas():
    en_retard = orienter()
    ContratFactory(orientation=en_retard, date_signature=J(2026, 4, 10))
    a_temps = orienter(en_retard.structure)
    ContratFactory(orientation=a_temps, date_signature=J(2026, 3, 20))
    ContratFactory(orientation=a_temps, rang=2, date_signature=J(2026, 9, 20))
    assert compte("delai_signature_ce", a_temps.structure) == (1, 2)


# --- taux_contractualisation -------------------------------------------------------------------------------


def test_taux_de_contractualisation_personnes_recues():
    recue_signee = orienter()
    s = recue_signee.structure
    rdv(recue_signee, J(2026, 3, 5))
    ContratFactory(orientation=recue_signee, date_signature=J(2026, 3, 25))
    recue_signee_apres_f = orienter(s)
    rdv(recue_signee_apres_f, J(2026, 3, 5))
    ContratFactory(orientation=recue_signee_apres_f, date_signature=J(2026, 6, 1))
    excusee = orienter(s)  # pas reçue : son seul rendez-vous est une absence excusée
    rdv(excusee, J(2026, 3, 5), presence=c.Presence.EXCUSE)
    ContratFactory(orientation=excusee)
    recue_apres_f = orienter(s, jour=J(2026, 5, 25))  # reçue le 01/06 à 0 h 30 : après F
    rdv(recue_apres_f, J(2026, 6, 1), 0, 30)
    assert compte("taux_contractualisation", s) == (1, 2)
    assert compte("taux_contractualisation", s, fin=J(2026, 6, 1)) == (2, 3)


# --- suspension_apres_absence ------------------------------------------------------------------------------


def test_absences_injustifiees_suivies_d_une_demande_de_suspension():
    o = orienter()
    suivie = rdv(o, J(2026, 4, 1), presence=c.Presence.ABSENCE_INJUSTIFIEE)
    m.DemandeSuspension.objects.create(orientation=o, rendez_vous=suivie, date_demande=J(2026, 4, 2), motif="Absence")
    rdv(o, J(2026, 5, 31), 23, 30, presence=c.Presence.ABSENCE_INJUSTIFIEE)  # dernier jour, non suivie
    rdv(o, J(2026, 6, 1), 0, 30, presence=c.Presence.ABSENCE_INJUSTIFIEE)  # 31/05 UTC, mais juin à Paris
    rdv(o, J(2026, 4, 3), presence=c.Presence.EXCUSE)
    # une demande sans rendez-vous rattaché ne compte pour aucune absence
    m.DemandeSuspension.objects.create(orientation=o, date_demande=J(2026, 6, 2), motif="Absence")
    assert compte("demandes_suspension", o.structure) == (1, 2)


# --- sorties_ciblees, duree_moyenne_parcours ---------------------------------------------------------------


def sortir(structure, type_, jour=SORTIE, sphere=None, statut=c.StatutDemande.ACCEPTEE, dispositif="5.1"):
    o = orienter(structure, dispositif=dispositif)
    if sphere:
        m.DemandeReorientation.objects.create(
            orientation=o, date_demande=J(2026, 4, 1), sphere_demandee=sphere, argumentaire="…", statut=statut
        )
    return SortieFactory(orientation=o, type=type_, date_sortie=jour)


def test_sorties_ciblees_de_la_fiche_5_1_par_famille_et_sphere_de_reorientation():
    s = StructureFactory()
    sortir(s, c.TypeSortie.AAH)  # situation financière : oui
    sortir(s, c.TypeSortie.RETRAITE_ASPA, jour=J(2026, 6, 1))  # après F : hors population
    sortir(s, c.TypeSortie.CDI)  # emploi durable : non (pas visé par 5.1)
    sortir(s, c.TypeSortie.REORIENTATION, sphere=c.Sphere.SOCIAL_PROFESSIONNEL_INTENSIF)  # oui
    sortir(
        s, c.TypeSortie.REORIENTATION, sphere=c.Sphere.SOCIAL_PROFESSIONNEL_INTENSIF, statut=c.StatutDemande.REFUSEE
    )
    sortir(s, c.TypeSortie.REORIENTATION, sphere=c.Sphere.EMPLOI)  # sphère non visée
    sortir(s, c.TypeSortie.ABANDON, sphere=c.Sphere.SOCIAL_PROFESSIONNEL_INTENSIF)  # pas une réorientation
    assert compte("reorientations_sorties", s) == (2, 6)


def test_sorties_ciblees_de_la_fiche_5_2_sorties_dynamiques_et_sphere_emploi():
    s = StructureFactory()
    for type_ in (c.TypeSortie.CDI, c.TypeSortie.CDD_MOINS_6M, c.TypeSortie.FORMATION_QUALIFIANTE, c.TypeSortie.AAH):
        sortir(s, type_, dispositif="5.2")
    sortir(s, c.TypeSortie.REORIENTATION, sphere=c.Sphere.EMPLOI, dispositif="5.2")
    assert compte("reorientations_sorties", s, dispositif="5.2") == (4, 5)


def test_duree_moyenne_des_parcours_sortis_en_mois():
    s = StructureFactory()
    sortir(s, c.TypeSortie.AAH, jour=J(2026, 3, 2) + datetime.timedelta(days=180))
    sortir(s, c.TypeSortie.CDI, jour=J(2026, 3, 2) + datetime.timedelta(days=120))
    sortir(s, c.TypeSortie.CDI, jour=J(2026, 12, 1))  # après F
    mesure = mesures(fin=J(2026, 11, 30))[s.pk]["duree_moyenne_parcours"]
    assert (mesure.numerateur, mesure.denominateur) == (300, 2)
    assert mesure.valeur == Decimal(150) / Decimal("30.4375")


# --- evolutions_positives ----------------------------------------------------------------------------------


def diagnostic(ce, moment, jour, freins):
    d = DiagnosticFactory(contrat=ce, moment=moment, date=jour)
    for frein in c.Frein.values[:freins]:
        m.FreinDiagnostic.objects.create(diagnostic=d, frein=frein)


CREATION, CLOTURE = c.MomentDiagnostic.CREATION_CE, c.MomentDiagnostic.CLOTURE_CE


# --- plusieurs structures, sans objet, nombre de requêtes --------------------------------------------------


def test_plusieurs_structures_en_un_appel_et_filtre_des_structures():
    a, b = orienter(), orienter()
    rdv(a, J(2026, 3, 10))
    vide = StructureFactory()
    tout = mesures()
    assert {a.structure.pk, b.structure.pk} <= set(tout) and vide.pk not in tout
    assert tout[a.structure.pk]["delai_premier_rdv"] == Mesure(Decimal(1), 1, Decimal(100))
    assert tout[b.structure.pk]["delai_premier_rdv"] == Mesure(Decimal(0), 1, Decimal(0))
    choisies = mesures(structures=[b.structure.pk, vide.pk])
    assert set(choisies) == {b.structure.pk, vide.pk}
    assert all(mesure == Mesure(Decimal(0), 0, None) for mesure in choisies[vide.pk].values())
    assert mesures(dispositif="5.2") == {}  # aucune orientation vers 5.2


def test_chaque_critere_calcule_de_la_grille_est_mesure():
    o = orienter()
    codes = {k.code for k in dispositif_a_parcours("5.1").fiche.charte.criteres if k.nature == "calcul"}
    assert set(mesures()[o.structure.pk]) == codes


def test_dispositif_sans_charte_et_periode_vide():
    o = orienter(dispositif="5.2")
    assert mesurer(dispositif_a_parcours("5.3"), MARS, FIN_MAI) == {}
    with pytest.raises(ValueError, match="période vide"):
        mesurer(o.dispositif, FIN_MAI, MARS)


def peupler(structures: int) -> None:
    for _ in range(structures):
        o = orienter()
        rdv(o, J(2026, 3, 10))
        ce = ContratFactory(orientation=o, statut=c.StatutContrat.CLOS, date_cloture=J(2026, 5, 20))
        ActionFactory(contrat=ce)
        HeuresFactory(contrat=ce)
        diagnostic(ce, CREATION, J(2026, 3, 22), 2)
        diagnostic(ce, CLOTURE, J(2026, 5, 20), 1)
        SortieFactory(orientation=o)


def nombre_de_requetes() -> int:
    dispositif = dispositif_a_parcours("5.1")
    with CaptureQueriesContext(connection) as requetes:
        resultat = mesurer(dispositif, MARS, FIN_MAI)
    assert resultat
    return len(requetes.captured_queries)


def test_le_nombre_de_requetes_ne_depend_pas_du_volume():
    peupler(1)
    une = nombre_de_requetes()
    peupler(19)
    assert nombre_de_requetes() == une
    # 1 (structures) + 1 par critère calculé (12), mais rendez_vous_mensuels : 1 par mois entier de la période (3)
    assert une == 1 + 12 - 1 + 3
