"""Propriété : sur des parcours générés (rendez-vous à toute heure, modes et présences, contrats clos ou non,
revue SLAI ou non, sorties), les alertes ensemblistes égalent une référence écrite personne par personne en
Python, à partir des seuils de la fiche."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aap.parcours import choices as c
from aap.parcours import models as m
from aap.parcours import rules
from aap.parcours.alertes import alertes, compter_alertes
from tests.parcours.factories import ContratFactory, RendezVousFactory, SortieFactory
from tests.parcours.outils import orientation_chez


PARIS = zoneinfo.ZoneInfo("Europe/Paris")
ORIGINE = datetime.date(2026, 1, 5)

rendez_vous = st.tuples(
    st.integers(0, 150),  # jour après l'orientation
    st.sampled_from([0, 1, 10, 22, 23]),  # heure de Paris (minuit et 23 h : bords des mois en UTC)
    st.sampled_from([c.ModeRendezVous.PHYSIQUE, c.ModeRendezVous.PHYSIQUE, c.ModeRendezVous.TELEPHONE]),
    st.sampled_from([c.Presence.HONORE] * 3 + [c.Presence.EXCUSE, c.Presence.ABSENCE_INJUSTIFIEE, c.Presence.PREVU]),
)
contrat = st.tuples(
    st.integers(0, 35),  # signature, jours après l'orientation
    st.sampled_from([c.StatutContrat.SIGNE, c.StatutContrat.CLOS, c.StatutContrat.ROMPU]),
    st.integers(10, 200),  # clôture, jours après le début
    st.booleans(),  # revue SLAI
)
parcours = st.fixed_dictionaries(
    {
        "parcours": st.sampled_from(["remobilisation_sociale_intensive"] * 3 + ["accueil_dsp"]),
        "decalage": st.integers(0, 20),
        "rdv": st.lists(rendez_vous, min_size=2, max_size=16),
        "contrat": st.one_of(contrat, contrat, contrat, st.none()),
        "sortie": st.one_of(st.none(), st.none(), st.none(), st.integers(0, 150)),
    }
)


def reference(orientations, le: datetime.date) -> list[tuple[str, int]]:
    """Les alertes d'après leur définition (docs/parcours.md), une orientation après l'autre."""
    attendu = []
    premier, dernier = rules.mois_precedent(le)
    for o in orientations:
        sortie = getattr(o, "sortie", None)
        if o.date_orientation > le or (sortie is not None and sortie.date_sortie <= le):
            continue
        regle = rules.regle_de(o)
        rdvs = list(o.rendez_vous.all())
        contrats = list(o.contrats.all())
        if regle.delai_premier_rdv_jours and not rdvs:
            if le > o.date_orientation + datetime.timedelta(days=regle.delai_premier_rdv_jours):
                attendu.append(("premier_rdv", o.pk))
        if regle.delai_signature_ce_jours and not contrats:
            if le > o.date_orientation + datetime.timedelta(days=regle.delai_signature_ce_jours):
                attendu.append(("ce_non_signe", o.pk))
        for ce in contrats:
            if regle.entretiens_par_mois_min and ce.date_debut <= premier and rules.terme_contrat(ce) >= dernier:
                du_mois = [
                    r for r in rdvs
                    if premier <= r.debut.astimezone(PARIS).date() <= dernier and r.presence == c.Presence.HONORE
                ]  # fmt: skip
                physiques = [r for r in du_mois if r.mode == c.ModeRendezVous.PHYSIQUE]
                if len(du_mois) < regle.entretiens_par_mois_min or len(physiques) < (
                    regle.entretiens_physiques_par_mois_min or 0
                ):
                    attendu.append(("rdv_mensuels", o.pk))
            exige = regle.renouvellement == "apres_revue_slai" or regle.revue_slai_apres_mois
            if exige and ce.statut == c.StatutContrat.SIGNE and ce.date_fin < le and ce.revue_slai_le is None:
                attendu.append(("ce_sans_revue", o.pk))
    return sorted(attendu)


@pytest.mark.usefixtures("catalogue_2026")
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(donnees=st.lists(parcours, min_size=1, max_size=3), le_jours=st.integers(10, 230))
def test_alertes_egales_a_la_reference(referent, donnees, le_jours):
    m.Orientation.objects.all().delete()
    m.Personne.objects.all().delete()
    for d in donnees:
        o = orientation_chez(
            referent, parcours=d["parcours"], date_orientation=ORIGINE + datetime.timedelta(days=d["decalage"])
        )
        for jour, heure, mode, presence in d["rdv"]:
            instant = datetime.datetime.combine(
                o.date_orientation + datetime.timedelta(days=jour), datetime.time(heure), tzinfo=PARIS
            )
            RendezVousFactory(orientation=o, debut=instant, mode=mode, presence=presence)
        if d["contrat"] and d["parcours"] != "accueil_dsp":
            signature, statut, duree, revue = d["contrat"]
            debut = o.date_orientation + datetime.timedelta(days=signature)
            fin = rules.fin_de_contrat(debut, rules.regle_de(o))
            cloture = min(debut + datetime.timedelta(days=duree), fin) if statut != c.StatutContrat.SIGNE else None
            ContratFactory(
                orientation=o, date_signature=debut, date_debut=debut, date_fin=fin, statut=statut,
                date_cloture=cloture, revue_slai_le=fin if revue else None,
            )  # fmt: skip
        if d["sortie"] is not None:
            SortieFactory(orientation=o, date_sortie=o.date_orientation + datetime.timedelta(days=d["sortie"]))
    le = ORIGINE + datetime.timedelta(days=le_jours)
    orientations = m.Orientation.objects.prefetch_related("rendez_vous", "contrats").select_related(
        "dispositif", "sortie"
    )
    calculees = alertes(referent, le)
    assert sorted((a.code, a.orientation.pk) for a in calculees) == reference(orientations, le)
    assert compter_alertes(referent, le) == len(calculees)
