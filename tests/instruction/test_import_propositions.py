"""`manage.py import_propositions` : simulation, import réel, idempotence, atomicité par ligne, CSV et XLSX,
séance de la CP créée ou reprise, ligne à montant nul, codes de sortie."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError
from openpyxl import Workbook

from aap.commission.models import Inscription, SeanceCP, StatutSeance
from aap.core.models import AuditLog, Role
from aap.demandes.choix import StatutDemande
from aap.demandes.models import Demande
from aap.instruction.importation import ecriture
from aap.instruction.models import ModeleConvention, OrigineProposition, Proposition
from aap.structures.models import FormeJuridique, Structure
from tests.commission.factories import SeanceCPFactory
from tests.factories import UserFactory
from tests.instruction.factories import EnveloppeFactory


DONNEES = Path(__file__).parent / "data" / "propositions.csv"
SIRET_PASSERELLES = "90000000090002"
SIRET_ATELIER = "90000000090010"


def importer(fichier: Path = DONNEES, *args: str) -> str:
    sortie = io.StringIO()
    call_command("import_propositions", str(fichier), *args, stdout=sortie)
    return sortie.getvalue()


def etat() -> dict[str, object]:
    """Tout ce que l'import peut écrire, comparable d'un passage à l'autre."""
    return {
        "structures": sorted(Structure.objects.values_list("siret", "raison_sociale")),
        "demandes": sorted(
            Demande.objects.values_list("reference", "statut", "montant_demande", "structure__siret", "session_id")
        ),
        "propositions": sorted(
            Proposition.objects.values_list("demande__reference", "montant", "hors_budget", "territoire__code")
        ),
        "inscriptions": sorted(Inscription.objects.values_list("seance__date", "proposition__demande__reference")),
        "seances": sorted(SeanceCP.objects.values_list("date", "phase")),
        "audit": AuditLog.objects.count(),
    }


@pytest.fixture
def catalogue(catalogue_2026, administrateur):
    return catalogue_2026


def test_simulation_n_ecrit_rien_et_annonce_tout(catalogue):
    avant = etat()
    sortie = importer(DONNEES, "--cp", "2026-05-26")
    assert etat() == avant
    assert "Simulation : rien n'est écrit" in sortie
    assert "Séance de la CP du 26/05/2026 : serait créée (phase « Import »)." in sortie
    assert "Ligne 2 : À IMPORTER — Arrageois · 5.1 · Association Les Passerelles (SIRET 90000000090002, " in sortie
    assert "structure à créer) · 107\u00a0076,00\u00a0€ · 1 ETP, 57 places, 136 DSP" in sortie
    assert "Ligne 3 : À IMPORTER — Hénin-Carvin · 5.3 · Association Les Passerelles (SIRET 90000000090002, " in sortie
    assert "structure de la ligne 2)" in sortie
    assert "Ligne 7 : REJETÉE — territoire inconnu « Arras »" in sortie
    assert "Ligne 8 : REJETÉE — thématique « THEMATIQUE 1 : Parcours accompagnement RSA » ≠ axe 5" in sortie
    assert "Ligne 9 : REJETÉE — dispositif « 9.9 » absent du catalogue 2026" in sortie
    assert "Ligne 10 : REJETÉE — structure inconnue sans SIRET « Structure Fantôme »" in sortie
    assert "Ligne 11 : REJETÉE — SIRET « 12345678901234 » invalide" in sortie
    assert "Ligne 12 : REJETÉE — montant illisible « mille euros »" in sortie
    assert "Ligne 13 : REJETÉE — montant négatif « -1 000,00 »" in sortie
    assert (
        "Résumé : 12 ligne(s) lue(s) ; 5 demande(s) et proposition(s) à créer, 2 structure(s) à créer, "
        "5 inscription(s) à créer ; 0 déjà importée(s) ; 7 rejetée(s)."
    ) in sortie


def test_import_reel(catalogue, administrateur):
    sortie = importer(DONNEES, "--wet-run")
    assert "Résumé : 12 ligne(s) lue(s) ; 5 demande(s) et proposition(s) créée(s), 2 structure(s) créée(s)" in sortie
    assert "Ligne 7 : REJETÉE — territoire inconnu « Arras »" in sortie

    passerelles = Structure.objects.get(siret=SIRET_PASSERELLES)
    assert passerelles.raison_sociale == "Association Les Passerelles"
    assert passerelles.forme_juridique == FormeJuridique.ASSOCIATION
    assert passerelles.territoire.code == "arrageois"
    assert Structure.objects.get(siret=SIRET_ATELIER).territoire is None  # créée sur une ligne « Département »

    demande = Demande.objects.get(dispositif__code="5.3")
    assert demande.reference.startswith("IMP2026-5.3-")
    assert demande.statut == StatutDemande.VALIDEE
    assert demande.structure == passerelles  # trouvée par son nom, sans SIRET sur la ligne
    assert demande.session.dispositif == demande.dispositif
    assert [t.code for t in demande.territoires.all()] == ["henin-carvin"]
    assert demande.montant_demande == Decimal("183280.00")
    assert demande.intitule == demande.description == "3,40 ETP pour 238 places d'accompagnement"
    assert (demande.etp, demande.places) == (Decimal("3.40"), 238)
    assert demande.cree_par == demande.validee_par == administrateur
    assert (demande.date_debut, demande.date_fin) == (demande.dispositif.periode_debut, demande.dispositif.periode_fin)

    proposition = demande.proposition
    assert proposition.origine == OrigineProposition.IMPORT
    assert proposition.modele_convention == ModeleConvention.TYPE
    assert proposition.montant == Decimal("183280.00")
    assert (proposition.etp, proposition.places, proposition.dsp) == (Decimal("3.40"), 238, None)
    assert proposition.territoire.code == "henin-carvin"
    assert proposition.complement == demande.description
    assert proposition.ligne == demande.dispositif.ligne_budgetaire
    assert not proposition.hors_budget
    assert proposition.proposee_par == administrateur
    assert "propositions.csv" in proposition.motivation and "ligne 3" in proposition.motivation

    actions = set(AuditLog.objects.filter(acteur=administrateur).values_list("action", flat=True))
    assert {"structure.creer", "demande.importer", "instruction.proposer"} <= actions
    journal = AuditLog.objects.for_object(demande).get(action="demande.importer")
    assert journal.details["ligne"] == 3 and journal.details["fichier"] == "propositions.csv"
    assert Inscription.objects.count() == 0 and SeanceCP.objects.count() == 0


def test_ligne_a_montant_nul_gardee_hors_budget(catalogue):
    sortie = importer(DONNEES, "--wet-run")
    assert "Ligne 6 : IMPORTÉE — Boulonnais · 5.2 · Atelier Solidaire du Littoral" in sortie
    assert "0,00\u00a0€ (hors budget)" in sortie
    assert "avertissement : montant nul : opération hors budget départemental" in sortie
    proposition = Proposition.objects.get(demande__dispositif__code="5.2")
    assert proposition.montant == Decimal("0.00")
    assert proposition.hors_budget
    assert proposition.ligne is None and proposition.enveloppe is None


def test_deux_passages_meme_base(catalogue):
    importer(DONNEES, "--wet-run", "--cp", "2026-05-26")
    apres_premier = etat()
    sortie = importer(DONNEES, "--wet-run", "--cp", "2026-05-26")
    assert etat() == apres_premier
    assert sortie.count("DÉJÀ IMPORTÉE") == 5
    assert "0 demande(s) et proposition(s) créée(s), 0 structure(s) créée(s), 0 inscription(s) créée(s)" in sortie
    # La simulation suivante l'annonce aussi.
    assert "0 demande(s) et proposition(s) à créer" in importer(DONNEES)


def _xlsx(source: Path, cible: Path) -> Path:
    classeur = Workbook()
    feuille = classeur.active
    with source.open(encoding="utf-8") as flux:
        for rang, ligne in enumerate(csv.reader(flux, delimiter=";")):
            if rang and ligne[4].replace(" ", "").isdigit():
                ligne[4] = int(ligne[4].replace(" ", ""))  # SIRET saisi comme un nombre
            if rang == 4:
                ligne[6] = 42439.0  # montant saisi comme un nombre
            feuille.append(ligne)
    classeur.save(cible)
    return cible


def test_xlsx_meme_resultat_et_memes_cles_que_le_csv(catalogue, tmp_path):
    classeur = _xlsx(DONNEES, tmp_path / "propositions.xlsx")
    sortie = importer(classeur, "--wet-run")
    assert "(XLSX)" in sortie
    assert "5 demande(s) et proposition(s) créée(s), 2 structure(s) créée(s)" in sortie
    assert "7 rejetée(s)" in sortie
    assert Proposition.objects.get(demande__dispositif__code="5.7").montant == Decimal("42439.00")
    # Le même tableau en CSV : mêmes clés, rien de nouveau.
    assert "5 déjà importée(s)" in importer(DONNEES, "--wet-run")


def test_csv_windows_1252_virgules(catalogue, tmp_path):
    fichier = tmp_path / "ancien.csv"
    texte = DONNEES.read_text(encoding="utf-8").replace(",", ".").replace(";", ",")
    fichier.write_bytes(texte.encode("cp1252"))
    sortie = importer(fichier, "--wet-run")
    assert "(CSV, Windows-1252)" in sortie
    assert "5 demande(s) et proposition(s) créée(s)" in sortie
    assert Demande.objects.get(dispositif__code="5.3").etp == Decimal("3.40")


# --- Séance de la CP --------------------------------------------------------------------------------------


def test_cp_creee_puis_reprise(catalogue, administrateur):
    sortie = importer(DONNEES, "--wet-run", "--cp", "2026-05-26")
    assert "Séance de la CP du 26/05/2026 créée (phase « Import »)." in sortie
    seance = SeanceCP.objects.get()
    assert (seance.date, seance.phase, seance.edition, seance.statut) == (
        datetime.date(2026, 5, 26),
        "Import",
        catalogue,
        StatutSeance.PREPARATION,
    )
    assert seance.creee_par == administrateur
    assert AuditLog.objects.for_object(seance).filter(action="seance_cp.creer").count() == 1
    assert Inscription.objects.filter(seance=seance).count() == 5
    assert set(Inscription.objects.values_list("inscrite_par", flat=True)) == {administrateur.pk}

    sortie = importer(DONNEES, "--wet-run", "--cp", "2026-05-26")
    assert "Séance de la CP du 26/05/2026 : existante" in sortie
    assert SeanceCP.objects.count() == 1 and Inscription.objects.count() == 5


def test_cp_existante_reprise(catalogue):
    seance = SeanceCPFactory(date=datetime.date(2026, 6, 29), edition=catalogue, phase="Phase 2")
    sortie = importer(DONNEES, "--wet-run", "--cp", "2026-06-29")
    assert "Séance de la CP du 29/06/2026 : existante" in sortie
    assert SeanceCP.objects.get() == seance and seance.phase == "Phase 2"
    assert Inscription.objects.filter(seance=seance).count() == 5


def test_import_puis_inscription_a_une_cp(catalogue):
    importer(DONNEES, "--wet-run")
    avant = etat()
    sortie = importer(DONNEES, "--cp", "2026-05-26")
    assert etat() == avant
    assert "0 demande(s) et proposition(s) à créer, 0 structure(s) à créer, 5 inscription(s) à créer" in sortie
    importer(DONNEES, "--wet-run", "--cp", "2026-05-26")
    assert Demande.objects.count() == 5 and Inscription.objects.count() == 5


def test_cp_votee_refusee(catalogue):
    SeanceCPFactory(date=datetime.date(2026, 5, 26), edition=catalogue, statut=StatutSeance.VOTEE)
    avant = etat()
    with pytest.raises(CommandError, match="est « Votée » : son ordre du jour ne change plus"):
        importer(DONNEES, "--cp", "2026-05-26")
    assert etat() == avant


def test_deja_inscrite_a_une_autre_cp_sans_decision(catalogue):
    importer(DONNEES, "--wet-run", "--cp", "2026-05-26")
    avant = etat()
    for options in (("--cp", "2026-06-29"), ("--wet-run", "--cp", "2026-06-29")):
        sortie = importer(DONNEES, *options)
        assert "Ligne 2 : REJETÉE — déjà importée (IMP2026-5.1-" in sortie
        assert "non inscrite : déjà inscrite à la CP du 26/05/2026, sans décision" in sortie
        assert "0 inscription(s)" in sortie and "12 rejetée(s)" in sortie
    assert SeanceCP.objects.count() == 2  # la séance du 29/06 est créée, vide
    assert etat()["inscriptions"] == avant["inscriptions"] and etat()["demandes"] == avant["demandes"]


def test_demande_decidee_non_reinscrite(catalogue):
    importer(DONNEES, "--wet-run")
    Demande.objects.filter(dispositif__code="5.1").update(statut=StatutDemande.ACCORDEE)
    sortie = importer(DONNEES, "--wet-run", "--cp", "2026-06-29")
    assert "Ligne 2 : REJETÉE — déjà importée" in sortie
    assert "« Accordée par la Commission permanente » : elle ne peut plus être inscrite à une CP" in sortie
    assert Inscription.objects.count() == 4


def test_cp_importee_prete_a_generer(catalogue):
    """Les propositions importées passent les contrôles de cohérence de la CP (aucune incohérence bloquante)."""
    from aap.commission.coherence import controler
    from aap.commission.dossier import construire_dossier

    importer(DONNEES, "--wet-run", "--cp", "2026-05-26")
    incoherences = controler(construire_dossier(SeanceCP.objects.get()))
    assert [i.message for i in incoherences if i.bloquante] == []


def test_cp_d_une_autre_edition_refusee(catalogue):
    SeanceCPFactory(date=datetime.date(2025, 11, 17), edition__annee=2025)
    avant = etat()
    with pytest.raises(CommandError, match="relève de l'édition 2025"):
        importer(DONNEES, "--wet-run", "--cp", "2025-11-17")
    assert etat() == avant


def test_date_de_cp_invalide(catalogue):
    with pytest.raises(CommandError, match="AAAA-MM-JJ"):
        importer(DONNEES, "--cp", "26/05/2026")


# --- Atomicité par ligne ----------------------------------------------------------------------------------


def test_erreur_en_cours_de_ligne_n_ecrit_rien_pour_cette_ligne(catalogue, monkeypatch):
    """La ligne 4 crée sa structure puis échoue en écrivant sa proposition : ni structure ni demande ne restent ;
    la ligne 5 (même SIRET) crée la structure, la ligne 6 (même structure, sans SIRET) la retrouve."""
    creer = ecriture._creer_proposition

    def creer_ou_echouer(plan, *args, **kwargs):
        if plan.numero == 4:
            raise IntegrityError("panne simulée")
        return creer(plan, *args, **kwargs)

    monkeypatch.setattr(ecriture, "_creer_proposition", creer_ou_echouer)
    sortie = importer(DONNEES, "--wet-run", "--cp", "2026-05-26")
    assert "Ligne 4 : REJETÉE — erreur d'écriture, rien n'a été écrit pour cette ligne (panne simulée)" in sortie
    assert "Ligne 5 : IMPORTÉE" in sortie and "Ligne 6 : IMPORTÉE" in sortie
    assert not Demande.objects.filter(dispositif__code="5.7").exists()
    assert Demande.objects.count() == 4 and Inscription.objects.count() == 4
    creation = AuditLog.objects.get(action="structure.creer", cible_repr__contains="Atelier")
    assert creation.details["ligne"] == 5
    # Relancé sans la panne : seule la ligne 4 est créée.
    monkeypatch.setattr(ecriture, "_creer_proposition", creer)
    sortie = importer(DONNEES, "--wet-run", "--cp", "2026-05-26")
    assert "1 demande(s) et proposition(s) créée(s), 0 structure(s) créée(s), 1 inscription(s) créée(s)" in sortie


def test_structure_d_une_ligne_en_echec_non_inventee(catalogue, tmp_path, monkeypatch):
    fichier = tmp_path / "t.csv"
    fichier.write_text(
        "territoire;thematique;dispositif;structure;siret;description;montant\n"
        f"Calaisis;5;5.2;Régie de quartier du Calaisis;{SIRET_ATELIER};24 postes en insertion;64 800,00\n"
        "Calaisis;5;5.3;REGIE DE QUARTIER DU CALAISIS;;2 ETP;45 000,00\n",
        encoding="utf-8",
    )
    creer = ecriture._creer_demande

    def echouer(plan, *args, **kwargs):
        if plan.numero == 2:
            raise RuntimeError("bogue simulé")
        return creer(plan, *args, **kwargs)

    monkeypatch.setattr(ecriture, "_creer_demande", echouer)
    sortie = importer(fichier, "--wet-run")
    assert "Ligne 2 : REJETÉE — erreur inattendue (RuntimeError: bogue simulé)" in sortie
    assert "Ligne 3 : REJETÉE — structure « Régie de quartier du Calaisis » absente : la ligne 2 qui la crée" in sortie
    assert not Structure.objects.filter(siret=SIRET_ATELIER).exists()
    assert not Demande.objects.exists()


# --- Cas particuliers -------------------------------------------------------------------------------------


def test_lignes_identiques_importees_comme_operations_distinctes(catalogue, tmp_path):
    fichier = tmp_path / "t.csv"
    ligne = f"Arrageois;5;5.1;Association Les Passerelles;{SIRET_PASSERELLES};;161 707,86 €\n"
    fichier.write_text("territoire;thematique;dispositif;structure;siret;description;montant\n" + ligne * 2)
    sortie = importer(fichier, "--wet-run")
    assert "avertissement : même dispositif, structure, territoire et description que la ligne 2" in sortie
    assert Demande.objects.count() == 2
    assert Demande.objects.first().intitule == Demande.objects.first().dispositif.titre
    assert "2 déjà importée(s)" in importer(fichier, "--wet-run")


def test_montant_modifie_apres_import_signale_sans_ecraser(catalogue, tmp_path):
    importer(DONNEES, "--wet-run")
    fichier = tmp_path / "corrige.csv"
    fichier.write_text(DONNEES.read_text(encoding="utf-8").replace("183 280,00", "180 000,00"), encoding="utf-8")
    sortie = importer(fichier, "--wet-run")
    assert "déjà importée avec le montant 183280.00 € (le tableau dit 180000.00 €) : non modifiée" in sortie
    assert Proposition.objects.get(demande__dispositif__code="5.3").montant == Decimal("183280.00")


def test_enveloppe_du_dispositif_rattachee(catalogue):
    from aap.catalogue.models import Dispositif

    dispositif = Dispositif.objects.get(edition=catalogue, code="5.1")
    enveloppe = EnveloppeFactory(dispositif=dispositif, ligne=dispositif.ligne_budgetaire)
    importer(DONNEES, "--wet-run")
    assert Proposition.objects.get(demande__dispositif=dispositif).enveloppe == enveloppe


def test_enveloppe_depassee_ligne_bloquee(catalogue):
    """La proposition passe par le service de l'instruction : une enveloppe dépassée bloque la ligne, qui n'écrit
    rien (pas même sa structure) ; la ligne suivante, qui comptait sur cette structure sans SIRET, est rejetée."""
    from aap.catalogue.models import Dispositif

    dispositif = Dispositif.objects.get(edition=catalogue, code="5.1")
    EnveloppeFactory(dispositif=dispositif, ligne=dispositif.ligne_budgetaire, montant=Decimal("100000.00"))
    simulation = importer(DONNEES)
    assert "Ligne 2 : REJETÉE — budget dépassé, proposition bloquée — L'enveloppe du dispositif 5.1" in simulation
    sortie = importer(DONNEES, "--wet-run")
    assert "Ligne 2 : REJETÉE — budget dépassé, proposition bloquée — L'enveloppe du dispositif 5.1" in sortie
    assert "dépassement de 7\u00a0076,00\u00a0€" in sortie
    assert "Ligne 3 : REJETÉE — structure « Association Les Passerelles » absente : la ligne 2 qui la crée" in sortie
    assert not Demande.objects.filter(dispositif=dispositif).exists()
    assert not Structure.objects.filter(siret=SIRET_PASSERELLES).exists()
    assert "3 demande(s) et proposition(s) créée(s)" in sortie


def test_simulation_compte_les_lignes_precedentes_du_tableau(catalogue, tmp_path):
    """Deux lignes de 60 000 € sur une enveloppe de 100 000 € : la seconde est annoncée bloquée, et l'est."""
    from aap.catalogue.models import Dispositif

    dispositif = Dispositif.objects.get(edition=catalogue, code="5.1")
    EnveloppeFactory(dispositif=dispositif, ligne=dispositif.ligne_budgetaire, montant=Decimal("100000.00"))
    fichier = tmp_path / "t.csv"
    fichier.write_text(
        "territoire;thematique;dispositif;structure;siret;description;montant\n"
        f"Arrageois;5;5.1;Association Les Passerelles;{SIRET_PASSERELLES};1 ETP;60 000,00\n"
        f"Ternois;5;5.1;Association Les Passerelles;{SIRET_PASSERELLES};1 ETP;60 000,00\n"
        f"Ternois;5;5.1;Association Les Passerelles;{SIRET_PASSERELLES};FSL;0,00\n",
        encoding="utf-8",
    )
    for options in ((), ("--wet-run",)):
        sortie = importer(fichier, *options)
        assert "Ligne 2 : REJETÉE" not in sortie and "Ligne 4 : REJETÉE" not in sortie
        assert "Ligne 3 : REJETÉE — budget dépassé" in sortie
        assert "déjà proposé 60\u00a0000,00\u00a0€" in sortie and "dépassement de 20\u00a0000,00\u00a0€" in sortie
    assert Demande.objects.count() == 2


def test_acteur_designe(catalogue):
    gestionnaire = UserFactory(role=Role.GESTIONNAIRE, email="gestion.import@pasdecalais.test")
    importer(DONNEES, "--wet-run", "--acteur", "GESTION.IMPORT@pasdecalais.test")
    assert set(Proposition.objects.values_list("proposee_par", flat=True)) == {gestionnaire.pk}


def test_acteur_non_dpid_refuse(catalogue, porteur):
    with pytest.raises(CommandError, match="n'est pas un agent de la DPID"):
        importer(DONNEES, "--wet-run", "--acteur", porteur.email)


def test_sans_administrateur(catalogue_2026):
    with pytest.raises(CommandError, match="--acteur EMAIL"):
        importer(DONNEES)


# --- Codes de sortie --------------------------------------------------------------------------------------


def test_entete_incorrect_sortie_non_nulle(catalogue, tmp_path):
    fichier = tmp_path / "faux.csv"
    fichier.write_text("territoire;structure;montant\nArrageois;X;1\n", encoding="utf-8")
    avant = etat()
    with pytest.raises(CommandError, match="En-tête incorrect : colonne\\(s\\) manquante\\(s\\) thematique"):
        importer(fichier, "--wet-run")
    assert etat() == avant


def test_fichier_illisible_sortie_non_nulle(catalogue, tmp_path):
    fichier = tmp_path / "faux.xlsx"
    fichier.write_bytes(b"PK\x03\x04 tronque")
    with pytest.raises(CommandError, match="Classeur XLSX illisible"):
        importer(fichier)
    with pytest.raises(CommandError, match="Fichier illisible"):
        importer(tmp_path / "absent.csv")


def test_lignes_rejetees_sortie_nulle(catalogue):
    """Le fichier est lu : la commande se termine normalement même avec 7 lignes rejetées (pas d'exception)."""
    assert "7 rejetée(s)" in importer(DONNEES, "--wet-run")


# --- Valeurs dérivées -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nom", "forme"),
    [
        ("CCAS d'Arras", FormeJuridique.CCAS),
        ("Mission Locale de Béthune", FormeJuridique.MISSION_LOCALE),
        ("PLIE de Lens-Liévin", FormeJuridique.PLIE),
        ("Association Les Passerelles", FormeJuridique.ASSOCIATION),
        ("CC Osartis Marquion", FormeJuridique.COLLECTIVITE),
        ("Commune d'Auchy les mines", FormeJuridique.COLLECTIVITE),
        ("Regain", FormeJuridique.AUTRE),
        ("Placcas", FormeJuridique.AUTRE),  # « ccas » dans un mot ne compte pas
    ],
)
def test_forme_juridique_probable(nom, forme):
    assert ecriture.forme_juridique_probable(nom) == forme


def test_intitule_coupe_au_mot(catalogue):
    from aap.catalogue.models import Dispositif

    dispositif = Dispositif.objects.get(edition=catalogue, code="5.1")
    long = "Accompagnement renforcé " * 20
    intitule = ecriture.intitule(long.strip(), dispositif)
    assert len(intitule) <= 255 and intitule.endswith("renforcé…")
    assert ecriture.intitule("", dispositif) == dispositif.titre


def test_periode_du_dispositif_sinon_annee_civile(catalogue):
    from aap.catalogue.models import Dispositif

    dispositif = Dispositif.objects.get(edition=catalogue, code="1.1")
    assert ecriture.periode(dispositif) == (datetime.date(2026, 1, 1), datetime.date(2027, 12, 31))
    dispositif.periode_debut = dispositif.periode_fin = None
    dispositif.regles = {}
    assert ecriture.periode(dispositif) == (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
