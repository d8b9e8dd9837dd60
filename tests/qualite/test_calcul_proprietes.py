"""Le calcul ensembliste de la charte égale la référence en Python pur sur des parcours générés (hypothesis).

Chaque exemple construit quelques structures et au plus ~15 orientations des dispositifs 5.1 et 5.2, avec des
événements autour des bords (minuit de Paris, délais de 15 / 28 jours, mois entamés, changement d'heure de fin
mars), dans un point de sauvegarde annulé à la fin de l'exemple.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aap.parcours import choices as c
from aap.parcours import models as m
from aap.qualite.calcul import mesurer
from tests.factories import StructureFactory
from tests.parcours.factories import PersonneFactory, a_paris, dispositif_a_parcours
from tests.qualite.reference import reference


pytestmark = pytest.mark.usefixtures("catalogue_2026")

BASE = datetime.date(2026, 3, 1)
PARCOURS = {
    "5.1": ["remobilisation_sociale_intensive", "remobilisation_sociale_intensive", "accueil_dsp"],
    "5.2": ["accompagnement_social_professionnel_intensif"],
}
HEURES = [(0, 30), (1, 0), (10, 0), (23, 30)]
#: Bords de mois (premiers et derniers jours de mars à novembre 2026) et jours de changement d'heure.
BORDS = sorted(
    {datetime.date(2026, mois, 1) for mois in range(3, 12)}
    | {datetime.date(2026, mois, 1) - datetime.timedelta(days=1) for mois in range(4, 12)}
    | {datetime.date(2026, 3, 29), datetime.date(2026, 10, 25)}
)
#: Un jour : relatif à l'orientation (bords des délais de 15 et 28 jours, ou quelconque) ou un bord de mois.
jour_evenement = st.one_of(
    st.tuples(st.just("orientation"), st.sampled_from([-1, 0, 14, 15, 16, 27, 28, 29])),
    st.tuples(st.just("orientation"), st.integers(-3, 100)),
    st.tuples(st.just("date"), st.sampled_from(BORDS)),
)
#: Date d'orientation : quelconque autour de la période, ou telle que le délai échoie juste à F.
jour_orientation = st.one_of(
    st.tuples(st.just("base"), st.integers(-30, 120)),
    st.tuples(st.just("fin"), st.sampled_from([-29, -28, -27, -16, -15, -14, 0])),
    st.tuples(st.just("debut"), st.sampled_from([-1, 0])),
)

rdv = st.fixed_dictionaries(
    {
        "jour": jour_evenement,
        "heure": st.sampled_from(HEURES),
        "mode": st.sampled_from(c.ModeRendezVous.values),
        "presence": st.sampled_from(c.Presence.values),
        "suspension": st.booleans(),
    }
)
action = st.fixed_dictionaries(
    {
        "debut": st.integers(-5, 10),
        "fin": st.integers(-10, 10),
        "categorie": st.sampled_from(c.CategorieAction.values),
        "vide": st.booleans(),
        "departemental": st.booleans(),
    }
)
diagnostic = st.fixed_dictionaries(
    {
        "moment": st.sampled_from([c.MomentDiagnostic.CREATION_CE, c.MomentDiagnostic.CLOTURE_CE]),
        "jour": st.integers(0, 3),
        "freins": st.integers(0, 3),
    }
)
contrat = st.fixed_dictionaries(
    {
        "signature": st.integers(10, 45),
        "debut": st.one_of(
            st.tuples(st.just("signature"), st.integers(0, 20)), st.tuples(st.just("date"), st.sampled_from(BORDS))
        ),
        "fin": st.one_of(
            st.tuples(st.just("ce"), st.integers(20, 200)), st.tuples(st.just("date"), st.sampled_from(BORDS))
        ),
        "statut": st.sampled_from(c.StatutContrat.values),
        "cloture": st.one_of(
            st.none(),
            st.tuples(st.just("ce"), st.integers(0, 200)),
            st.tuples(st.just("date"), st.sampled_from(BORDS)),
        ),
        "heures": st.sampled_from([None, 5, 7, 10, 15, 20]),
        "actions": st.lists(action, max_size=4),
        "diagnostics": st.lists(diagnostic, max_size=3),
        "saisies": st.lists(st.integers(-40, 200), max_size=5, unique=True),
    }
)
orientation = st.fixed_dictionaries(
    {
        "structure": st.integers(0, 2),
        "dispositif": st.sampled_from(["5.1", "5.2"]),
        "parcours": st.integers(0, 2),
        "jour": jour_orientation,
        "rdv": st.lists(rdv, max_size=6),
        "contrats": st.lists(contrat, max_size=2),
        "sortie": st.one_of(st.none(), st.tuples(st.integers(0, 220), st.sampled_from(c.TypeSortie.values))),
        "reorientation": st.one_of(
            st.none(), st.tuples(st.sampled_from(c.Sphere.values), st.sampled_from(c.StatutDemande.values))
        ),
    }
)
scenario = st.fixed_dictionaries(
    {
        "debut": st.sampled_from([BASE, datetime.date(2026, 3, 16), datetime.date(2026, 4, 1)]),
        "fin": st.sampled_from([datetime.date(2026, 5, 31), datetime.date(2026, 6, 14), datetime.date(2026, 10, 31)]),
        "orientations": st.lists(orientation, min_size=1, max_size=15),
    }
)


def plus(jour: datetime.date, jours: int) -> datetime.date:
    return jour + datetime.timedelta(days=jours)


def resoudre(spec, ancres: dict[str, datetime.date]) -> datetime.date:
    ancre, valeur = spec
    return valeur if ancre == "date" else plus(ancres[ancre], valeur)


def construire(donnees, structures, dispositifs) -> None:
    personne = PersonneFactory()
    ancres = {"base": BASE, "debut": donnees["debut"], "fin": donnees["fin"]}
    for o in donnees["orientations"]:
        codes = PARCOURS[o["dispositif"]]
        orientation = m.Orientation.objects.create(
            personne=personne,
            structure=structures[o["structure"]],
            dispositif=dispositifs[o["dispositif"]],
            parcours=codes[o["parcours"] % len(codes)],
            territoire=personne.territoire,
            date_orientation=resoudre(o["jour"], ancres),
        )
        d0 = orientation.date_orientation
        ancres["orientation"] = d0
        for r in o["rdv"]:
            rendez_vous = m.RendezVous.objects.create(
                orientation=orientation, debut=a_paris(resoudre(r["jour"], ancres), *r["heure"]), mode=r["mode"],
                presence=r["presence"],
            )  # fmt: skip
            if r["suspension"]:
                m.DemandeSuspension.objects.create(
                    orientation=orientation,
                    rendez_vous=rendez_vous,
                    date_demande=rendez_vous.debut.date(),
                    motif="Absence",
                )
        for rang, k in enumerate(o["contrats"], start=1):
            signature = plus(d0, k["signature"] - 15)
            ancres["signature"] = signature
            debut = resoudre(k["debut"], ancres)
            ancres["ce"] = debut
            fin = max(debut, resoudre(k["fin"], ancres))
            cloture = resoudre(k["cloture"], ancres) if k["cloture"] is not None else None
            ce = m.ContratEngagement.objects.create(
                orientation=orientation, rang=rang, date_signature=signature, date_debut=debut, date_fin=fin,
                statut=k["statut"], date_cloture=cloture, heures_hebdo_prevues=k["heures"],
            )  # fmt: skip
            for a in k["actions"]:
                a_debut = plus(debut, a["debut"])
                m.ActionContrat.objects.create(
                    contrat=ce, libelle="Action", detail="" if a["vide"] else "Détail", categorie=a["categorie"],
                    date_debut=a_debut, date_fin=max(a_debut, plus(fin, a["fin"])),
                    dispositif_departemental=a["departemental"],
                )  # fmt: skip
            for d in k["diagnostics"]:
                diag = m.Diagnostic.objects.create(
                    orientation=orientation, contrat=ce, moment=d["moment"], date=plus(debut, d["jour"])
                )
                for frein in c.Frein.values[: d["freins"]]:
                    m.FreinDiagnostic.objects.create(diagnostic=diag, frein=frein)
            for semaine, saisie in enumerate(k["saisies"]):
                m.HeuresActivite.objects.create(
                    contrat=ce, semaine=plus(debut, 7 * semaine), heures=10, saisie_le=plus(debut, saisie)
                )
        if o["sortie"] is not None:
            m.Sortie.objects.create(orientation=orientation, date_sortie=plus(d0, o["sortie"][0]), type=o["sortie"][1])
        if o["reorientation"] is not None:
            sphere, statut = o["reorientation"]
            m.DemandeReorientation.objects.create(
                orientation=orientation, date_demande=d0, sphere_demandee=sphere, argumentaire="…", statut=statut
            )


def comparer(calcul, attendu) -> None:
    assert calcul.keys() == attendu.keys()
    for structure, mesures in calcul.items():
        for code, mesure in mesures.items():
            assert mesure == attendu[structure][code], code


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(donnees=scenario)
def test_mesurer_egale_la_reference(donnees):
    dispositifs = {code: dispositif_a_parcours(code) for code in PARCOURS}
    with transaction.atomic():
        structures = [StructureFactory() for _ in range(3)]
        construire(donnees, structures, dispositifs)
        debut, fin = donnees["debut"], donnees["fin"]
        for dispositif in dispositifs.values():
            comparer(mesurer(dispositif, debut, fin), reference(dispositif, debut, fin))
            choisies = [structures[0].pk, structures[2].pk]
            comparer(mesurer(dispositif, debut, fin, choisies), reference(dispositif, debut, fin, choisies))
        transaction.set_rollback(True)
