"""Chargement des fichiers 2026 : contenu, idempotence, clés stables, retraits protégés, commandes."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from aap.catalogue.loader import CatalogueInvalide, charger_edition, load_edition
from aap.catalogue.models import Axe, Dispositif, Edition, SessionAppel
from aap.catalogue.schema import Fiche, Fonds, ModeleFinancement
from aap.catalogue.validation import lire_edition
from aap.core.models import AuditLog
from aap.demandes.models import Demande
from tests.catalogue.conftest import session_demo
from tests.factories import MembreFactory


def _etat() -> dict:
    """Photographie de ce que le chargement écrit, pour vérifier que « rien n'a changé »."""
    return {
        "editions": list(Edition.objects.values_list("pk", "annee", "libelle", "empreinte")),
        "axes": list(Axe.objects.order_by("pk").values_list("pk", "numero", "libelle")),
        "dispositifs": list(Dispositif.objects.order_by("pk").values_list("pk", "code", "slug", "titre", "regles")),
        "sessions": list(SessionAppel.objects.order_by("pk").values_list("pk", "numero", "ouverture", "cloture")),
        "territoires": list(Dispositif.territoires.through.objects.order_by("pk").values_list("pk", flat=True)),
    }


def _demande(session: SessionAppel) -> Demande:
    membre = MembreFactory()
    return Demande.objects.create(
        reference=f"TEST-{session.pk}",
        structure=membre.structure,
        dispositif=session.dispositif,
        session=session,
        intitule="Opération de test",
        cree_par=membre.user,
    )


def test_les_fichiers_2026_se_chargent_avec_les_bons_comptes():
    chargement = charger_edition(2026)
    edition = chargement.edition
    assert (chargement.axes, chargement.dispositifs, chargement.fiches, chargement.sessions) == (5, 50, 11, 12)
    assert edition.axes.count() == 5
    assert edition.dispositifs.count() == 50
    assert edition.dispositifs.detailles().count() == 11
    assert SessionAppel.objects.filter(dispositif__edition=edition).count() == 12
    assert [a.numero for a in edition.axes.order_by("numero")] == [1, 2, 3, 4, 5]
    par_axe = {n: edition.dispositifs.filter(axe__numero=n).count() for n in range(1, 6)}
    assert par_axe == {1: 5, 2: 13, 3: 14, 4: 7, 5: 11}
    assert edition.empreinte == lire_edition(2026).empreinte and len(edition.empreinte) == 64
    assert chargement.resume() == (
        f"Édition 2026 chargée ({chargement.modifications} modification(s)) : 5 axes, 50 dispositifs, "
        "11 fiches détaillées, 12 sessions, 7 lignes budgétaires."
    )


def test_les_fiches_detaillees_sont_les_dispositifs_5_1_a_5_11(catalogue_2026):
    detailles = catalogue_2026.dispositifs.detailles().order_by("ordre")
    assert [(d.code, d.fiche_code) for d in detailles] == [(f"5.{n}", f"F{n:02d}") for n in range(1, 12)]
    for d in detailles:
        assert isinstance(d.fiche, Fiche)
        assert d.modele_financement == d.fiche.financement.modele


def test_numerotation_retenue_pour_5_9_5_10_5_11(catalogue_2026):
    titres = dict(catalogue_2026.dispositifs.filter(code__in=["5.9", "5.10", "5.11"]).values_list("code", "titre"))
    assert "Nouveaux modes d'accompagnement" in titres["5.9"]
    assert "clauses sociales" in titres["5.10"] and "PLIE" in titres["5.10"]
    assert "Logement d'abord" in titres["5.11"]
    assert any("5.9" in c["champ"] for c in catalogue_2026.choix)


def test_regles_de_financement_lues_dans_les_fiches(catalogue_2026):
    fiches = {d.code: d.fiche for d in catalogue_2026.dispositifs.detailles()}
    forfait_40 = ["5.1", "5.2", "5.3", "5.4", "5.6", "5.8", "5.9", "5.10"]
    for code in forfait_40:
        assert fiches[code].financement.modele == ModeleFinancement.FRAIS_PERSONNEL_FORFAIT
        assert fiches[code].financement.taux_forfait == Decimal(40)
    f05 = fiches["5.5"].financement
    assert f05.modele == ModeleFinancement.ENCADREMENT_FORFAIT_PLAFOND
    assert (f05.taux_forfait, f05.plafond_participant_mois, f05.taux_affectation_min) == (15, Decimal("375"), 30)
    assert [(p.taux, p.base) for p in f05.parts_conditionnees] == [(90, "volume"), (5, "resultats"), (5, "qualite")]
    assert [p.formule_cible for p in f05.parts_conditionnees][:2] == [
        "postes_insertion * 12",
        "postes_insertion * 0.45",
    ]
    assert any("375 € × postes en insertion × mois" in c.decision for c in fiches["5.5"].choix)
    assert fiches["5.7"].financement.modele == ModeleFinancement.COUTS_REELS
    assert fiches["5.7"].financement.taux_indirects_max == 40
    f11 = fiches["5.11"].financement
    assert f11.modele == ModeleFinancement.MONTANT_FIXE_ETP
    assert (f11.montant_max_etp_12_mois, f11.valorisation_segur_temps_plein) == (Decimal(22800), Decimal(5270))
    assert (f11.part_departement_poste, f11.part_fse_poste) == (40, 60)
    f10 = fiches["5.10"].financement.parts_departement
    assert {(p.fonds, p.taux, p.condition) for p in f10} == {
        (Fonds.FSE_PLUS, 40, "hors_bassin_minier"),
        (Fonds.FTJ, 30, "bassin_minier"),
    }
    assert [(p.taux, p.base) for p in fiches["5.4"].financement.parts_conditionnees] == [
        (50, "volume"),
        (50, "qualite"),
    ]
    assert [p.taux for p in fiches["5.1"].financement.parts_conditionnees] == [40, 60]


def test_echeanciers_sessions_et_labels(catalogue_2026):
    fiches = {d.code: d.fiche for d in catalogue_2026.dispositifs.detailles()}
    for code in ["5.8", "5.9"]:
        assert [e.taux for e in fiches[code].echeancier] == [30, 50, 20]
        assert any(c.champ == "echeancier" for c in fiches[code].choix)
    assert [e.taux for e in fiches["5.11"].echeancier] == [60, 40]
    assert {code for code, f in fiches.items() if f.porteurs.label_referent_62} == {"5.1", "5.2", "5.3"}
    assert fiches["5.2"].porteurs.cofinancement == [Fonds.FSE_PLUS, Fonds.FTJ]
    s1, s2 = fiches["5.1"].sessions
    assert (s1.ouverture, s1.cloture) == (datetime.date(2026, 1, 12), datetime.date(2026, 2, 15))
    assert (s2.ouverture, s2.cloture) == (datetime.date(2026, 7, 1), datetime.date(2026, 9, 15))
    assert "zones non couvertes" in s2.restriction
    session_2 = SessionAppel.objects.get(dispositif__code="5.1", numero=2)
    assert "zones non couvertes" in session_2.restriction and not session_2.demonstration
    assert fiches["5.1"].compteurs == ["etp", "dsp", "places"]
    assert fiches["5.5"].compteurs == ["postes_insertion", "participants"]
    assert fiches["5.11"].compteurs == ["etp"]


def test_bilans_et_ratios(catalogue_2026):
    fiches = {d.code: d.fiche for d in catalogue_2026.dispositifs.detailles()}
    bilans_f01 = {b.type: b for b in fiches["5.1"].bilans}
    assert bilans_f01["bilan_intermediaire"].echeance == datetime.date(2027, 3, 31)
    assert bilans_f01["bilan_final"].echeance == datetime.date(2028, 3, 31)
    assert {b.type: b for b in fiches["5.8"].bilans}["bilan_final"].delai_mois_apres_fin == 1
    ratios = {(r.etp, r.par, r.nature) for r in fiches["5.1"].ratios}
    assert ratios == {(1, 800, "ratio"), (1, 70, "cible")}
    assert {(r.etp, r.par) for r in fiches["5.4"].ratios} == {(1, 30)}
    assert fiches["5.3"].ratios[0].nature == "maximum"
    for fiche in fiches.values():
        assert all(i.code.replace("_", "").isalnum() and i.code.islower() for i in fiche.indicateurs)


def test_territoires_rattaches(catalogue_2026):
    def codes(code: str) -> set[str]:
        return set(Dispositif.objects.get(code=code).territoires.values_list("code", flat=True))

    mds = {"arrageois", "artois", "audomarois", "boulonnais", "calaisis"} | {
        "henin-carvin",
        "lens-lievin",
        "montreuillois",
        "ternois",
    }
    assert codes("5.1") == mds
    assert codes("5.5") == {"departement"}
    assert codes("2.7") == {"arrageois", "calaisis", "ternois"}
    assert codes("1.1") == set()


def test_periodes_invalides_ou_ambigues_sont_tranchees(catalogue_2026):
    d45 = Dispositif.objects.get(code="4.5")
    assert d45.periode_libelle == "1er octobre 2026 au 31 septembre 2027"
    assert d45.periode_fin == datetime.date(2027, 9, 30)
    assert any(c["champ"] == "periode.fin" for c in d45.choix)
    d38 = Dispositif.objects.get(code="3.8")
    assert (d38.periode_debut, d38.periode_fin, d38.periode_duree_max_mois) == (None, None, 12)
    assert d38.choix
    d24 = Dispositif.objects.get(code="2.4")
    assert "AMI 1" in d24.periode_libelle and d24.periode_fin == datetime.date(2027, 10, 31)
    assert all("<" not in d.description for d in Dispositif.objects.all())


def test_recharger_ne_change_rien_et_garde_les_cles():
    charger_edition(2026)
    avant = _etat()
    journal = AuditLog.objects.filter(action="catalogue.charger").count()
    second = charger_edition(2026)
    assert second.modifications == 0
    assert _etat() == avant
    assert AuditLog.objects.filter(action="catalogue.charger").count() == journal == 1


def test_mise_a_jour_par_code_garde_les_cles_primaires(catalogue_2026, modifier):
    avant = dict(Dispositif.objects.values_list("code", "pk"))
    sessions = dict(SessionAppel.objects.values_list("dispositif__code", "pk"))

    def renommer(donnees):
        donnees["dispositifs"][0]["titre"] = "Titre corrigé"

    def decaler(donnees):
        donnees["sessions"][0]["cloture"] = datetime.date(2026, 2, 20)

    modifier("dispositifs.yaml", renommer)
    dossier = modifier("fiches/5.5.yaml", decaler)
    chargement = charger_edition(2026, dossier)
    assert chargement.modifications >= 2
    assert dict(Dispositif.objects.values_list("code", "pk")) == avant
    assert dict(SessionAppel.objects.values_list("dispositif__code", "pk")) == sessions
    assert Dispositif.objects.get(code="1.1").titre == "Titre corrigé"
    assert SessionAppel.objects.get(dispositif__code="5.5").cloture == datetime.date(2026, 2, 20)
    assert Edition.objects.get(annee=2026).empreinte == lire_edition(2026, dossier).empreinte


def test_les_sessions_de_demonstration_survivent_au_rechargement(catalogue_2026):
    demo = session_demo("5.5", datetime.date(2026, 11, 1), datetime.date(2026, 12, 15))
    assert charger_edition(2026).modifications == 0
    assert SessionAppel.objects.filter(pk=demo.pk, demonstration=True).exists()


def test_dispositif_retire_mais_reference_par_une_demande(catalogue_2026, modifier):
    _demande(SessionAppel.objects.get(dispositif__code="5.5"))
    avant = _etat()

    def retirer(donnees):
        donnees["dispositifs"] = [d for d in donnees["dispositifs"] if d["code"] != "5.5"]

    dossier = modifier("dispositifs.yaml", retirer)
    (dossier / "fiches" / "5.5.yaml").unlink()
    with pytest.raises(CatalogueInvalide) as exc:
        load_edition(2026, dossier)
    message = str(exc.value)
    assert "dispositifs.yaml" in message and "dispositif 5.5" in message and "référencé" in message
    assert _etat() == avant


def test_session_retiree_mais_referencee_par_une_demande(catalogue_2026, modifier):
    _demande(SessionAppel.objects.get(dispositif__code="5.1", numero=2))
    avant = _etat()
    dossier = modifier("fiches/5.1.yaml", lambda d: d.update(sessions=d["sessions"][:1]))
    with pytest.raises(CatalogueInvalide) as exc:
        load_edition(2026, dossier)
    assert "fiches/5.1.yaml — 5.1 (F01) — sessions (n° 2)" in str(exc.value)
    assert _etat() == avant


def test_dispositif_retire_sans_demande_est_supprime(catalogue_2026, modifier):
    dossier = modifier("dispositifs.yaml", lambda d: d.update(dispositifs=d["dispositifs"][1:]))
    load_edition(2026, dossier)
    assert not Dispositif.objects.filter(code="1.1").exists()
    assert Dispositif.objects.count() == 49


def test_export_json_contient_toutes_les_sections(catalogue_2026, tmp_path):
    sortie = StringIO()
    call_command("export_catalogue", "2026", stdout=sortie)
    donnees = json.loads(sortie.getvalue())
    assert donnees["annee"] == 2026 and donnees["empreinte"] == catalogue_2026.empreinte
    assert len(donnees["axes"]) == 5 and donnees["choix"]
    dispositifs = {d["code"]: d for axe in donnees["axes"] for d in axe["dispositifs"]}
    assert len(dispositifs) == 50
    assert sum(1 for d in dispositifs.values() if d["fiche"]) == 11
    assert sum(len(d["sessions"]) for d in dispositifs.values()) == 12
    f05 = dispositifs["5.5"]["fiche"]
    sections = {"fiche", "public", "territoires", "porteurs", "sessions", "convention", "financement", "compteurs"}
    sections |= {"echeancier", "bilans", "indicateurs", "ratios", "contacts", "choix", "modalites"}
    assert sections <= set(f05)
    assert f05["financement"]["plafond_participant_mois"] == "375"
    assert f05["financement"]["parts_conditionnees"][1]["taux"] == "5"
    assert f05["sessions"][0] == {
        "numero": 1,
        "ouverture": "2026-01-12",
        "cloture": "2026-02-15",
        "restriction": None,
        "plateforme": "AAP Inclusion",
    }
    assert dispositifs["5.5"]["sessions"][0]["cloture"] == "2026-02-15"
    assert dispositifs["4.5"]["periode"] == {
        "libelle": "1er octobre 2026 au 31 septembre 2027",
        "debut": "2026-10-01",
        "fin": "2027-09-30",
        "duree_max_mois": None,
    }
    assert dispositifs["1.1"]["fiche"] is None
    fichier = tmp_path / "catalogue.json"
    call_command("export_catalogue", "2026", "--out", str(fichier), stdout=StringIO())
    assert json.loads(fichier.read_text(encoding="utf-8")) == donnees


def test_export_sans_edition_chargee():
    with pytest.raises(CommandError, match="load_catalogue 2026"):
        call_command("export_catalogue", "2026", stdout=StringIO())


def test_commande_load_catalogue(copie_2026):
    sortie = StringIO()
    call_command("load_catalogue", "2026", "--dossier", str(copie_2026), stdout=sortie)
    assert "5 axes, 50 dispositifs, 11 fiches détaillées, 12 sessions" in sortie.getvalue()
    sortie = StringIO()
    call_command("load_catalogue", "2026", stdout=sortie)
    assert "aucun changement" in sortie.getvalue()
