"""Données du banc des parcours : ~300 structures, 100 000 personnes orientées (dispositifs dont la fiche a une
charte : 5.1 et 5.2 en 2026, tous leurs parcours), ~2 millions d'événements, écrits par `COPY` (psycopg 3).

Tout est marqué : structures `@parcours.banc.aap-inclusion.test`, orientations `reference_externe` « BANCP-… »,
personnes `numero_allocataire` « BANCP… ». Une exécution suivante réutilise le jeu s'il a la taille demandée ;
`supprimer()` n'efface que lui.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.core.management.color import no_style
from django.db import connection, transaction
from faker import Faker

from aap.catalogue.models import Dispositif
from aap.core.demo.identifiants import iban_fictif, siret_fictif
from aap.core.models import Territoire
from aap.parcours import models as m
from aap.structures.models import Civilite, FormeJuridique, Structure
from bench.parcours_tirage import COLONNES, Compteurs, Lignes, ParcoursBanc, StructureBanc, Tirage, j


PREFIXE = "BANCP"
#: Version du tirage : à augmenter quand les distributions changent, pour que le jeu existant soit régénéré.
VERSION_TIRAGE = 2
DOMAINE = "parcours.banc.aap-inclusion.test"
DECALAGE_IDENTIFIANTS = 800_000  # SIRET/IBAN fictifs distincts de ceux de la démonstration et du banc des pages
MODELES = {
    "personne": m.Personne,
    "orientation": m.Orientation,
    "phasedsp": m.PhaseDsp,
    "rendezvous": m.RendezVous,
    "contratengagement": m.ContratEngagement,
    "actioncontrat": m.ActionContrat,
    "diagnostic": m.Diagnostic,
    "freindiagnostic": m.FreinDiagnostic,
    "heuresactivite": m.HeuresActivite,
    "demandesuspension": m.DemandeSuspension,
    "demandereorientation": m.DemandeReorientation,
    "sortie": m.Sortie,
}
#: Tables d'événements (tout sauf les personnes et les orientations).
EVENEMENTS = [t for t in MODELES if t not in ("personne", "orientation")]


@dataclass(frozen=True)
class Periode:
    """Orientations tirées dans [debut, fin] ; aucun événement après `horizon`."""

    debut: datetime.date = datetime.date(2025, 9, 1)
    fin: datetime.date = datetime.date(2026, 11, 30)
    horizon: datetime.date = datetime.date(2026, 12, 31)


@dataclass(frozen=True)
class Bilan:
    reutilise: bool
    lignes: dict[str, int]
    structures: int
    duree_tirage_s: float = 0.0
    duree_copy_s: float = 0.0

    @property
    def evenements(self) -> int:
        return sum(n for t, n in self.lignes.items() if t in EVENEMENTS)


def dispositifs_a_charte(annee: int = 2026) -> list[Dispositif]:
    """Les dispositifs de l'édition dont la fiche a une charte et des parcours (5.1 et 5.2 en 2026)."""
    trouves = [d for d in Dispositif.objects.filter(edition__annee=annee).order_by("code") if d.regles]
    return [d for d in trouves if d.fiche and d.fiche.charte and d.fiche.parcours]


def parcours_du_catalogue(dispositifs: list[Dispositif]) -> list[ParcoursBanc]:
    """Tous les parcours des fiches ; ceux qui ont un contrat d'engagement pèsent trois fois plus que la phase
    d'accueil (DSP) ; les dispositifs se partagent les personnes à parts égales."""
    resultat = []
    for d in dispositifs:
        regles = d.fiche.parcours
        poids = [3.0 if r.delai_signature_ce_jours else 1.0 for r in regles]
        resultat += [ParcoursBanc(d.pk, r, w / sum(poids)) for r, w in zip(regles, poids, strict=True)]
    return resultat


def orientations_du_banc():
    return m.Orientation.objects.filter(reference_externe__startswith=f"{PREFIXE}-")


def marque(graine: int) -> str:
    """Début de la référence des orientations d'un jeu : version du tirage et graine (« BANCP-2.62- »)."""
    return f"{PREFIXE}-{VERSION_TIRAGE}.{graine}-"


def structures_du_banc():
    return Structure.objects.filter(email__endswith=f"@{DOMAINE}")


def compter() -> dict[str, int]:
    """Lignes de chaque table des parcours (la base du banc ne contient que le banc)."""
    with connection.cursor() as cur:
        resultat = {}
        for table, modele in MODELES.items():
            cur.execute(f'SELECT count(*) FROM "{modele._meta.db_table}"')  # noqa: S608 (nom de table du modèle)
            resultat[table] = cur.fetchone()[0]
    return resultat


def supprimer() -> None:
    """Efface les parcours, les personnes et les structures du banc (et eux seuls), en SQL ensembliste."""
    from aap.qualite.models import ResultatCharte

    t = {k: v._meta.db_table for k, v in MODELES.items()}
    o = f"SELECT id FROM {t['orientation']} WHERE reference_externe LIKE '{PREFIXE}-%'"
    ce = f"SELECT id FROM {t['contratengagement']} WHERE orientation_id IN ({o})"
    diag = f"SELECT id FROM {t['diagnostic']} WHERE orientation_id IN ({o})"
    ordres = [
        f"DELETE FROM {t['freindiagnostic']} WHERE diagnostic_id IN ({diag})",
        f"DELETE FROM {t['heuresactivite']} WHERE contrat_id IN ({ce})",
        f"DELETE FROM {t['actioncontrat']} WHERE contrat_id IN ({ce})",
        f"DELETE FROM {t['demandesuspension']} WHERE orientation_id IN ({o})",
        f"DELETE FROM {t['diagnostic']} WHERE orientation_id IN ({o})",
        *(f"DELETE FROM {t[x]} WHERE orientation_id IN ({o})"
          for x in ("demandereorientation", "sortie", "phasedsp", "rendezvous", "contratengagement")),
        f"DELETE FROM {t['orientation']} WHERE reference_externe LIKE '{PREFIXE}-%'",
        f"DELETE FROM {t['personne']} WHERE numero_allocataire LIKE '{PREFIXE}%'",
    ]  # fmt: skip
    with transaction.atomic(), connection.cursor() as cur:
        for ordre in ordres:
            cur.execute(ordre)
        ResultatCharte.objects.filter(structure__in=structures_du_banc()).delete()
        structures_du_banc().delete()


def generer(
    personnes: int = 100_000,
    nb_structures: int = 300,
    graine: int = 62,
    annee: int = 2026,
    periode: Periode = Periode(),
    afficher: Callable[[str], None] = lambda _: None,
) -> Bilan:
    """Génère le jeu s'il n'existe pas à cette taille (sinon le réutilise) ; reproductible pour une graine."""
    dispositifs = dispositifs_a_charte(annee)
    if not dispositifs:
        raise RuntimeError(f"aucun dispositif à charte dans l'édition {annee} : le catalogue est-il chargé ?")
    existantes = orientations_du_banc().count()
    memes = m.Orientation.objects.filter(reference_externe__startswith=marque(graine)).count()
    if memes == existantes == personnes and structures_du_banc().count() == nb_structures:
        return Bilan(reutilise=True, lignes=compter(), structures=nb_structures)
    if existantes or structures_du_banc().exists():
        afficher(f"jeu d'une autre taille, graine ou version ({existantes} orientations) : suppression, régénération")
        supprimer()

    rng = random.Random(graine)
    faker = Faker("fr_FR")
    faker.seed_instance(graine)
    structures = _structures(rng, faker, dispositifs, nb_structures)
    debut = time.monotonic()
    lignes = _tirer(rng, faker, structures, parcours_du_catalogue(dispositifs), personnes, periode, graine)
    tirage, comptes = time.monotonic() - debut, lignes.compte()
    afficher(f"tirage en Python : {tirage:.1f} s ; écriture par COPY…")
    debut = time.monotonic()
    ecrire(lignes)
    return Bilan(reutilise=False, lignes=comptes, structures=nb_structures, duree_tirage_s=tirage,
                 duree_copy_s=time.monotonic() - debut)  # fmt: skip


def _structures(rng: random.Random, faker: Faker, dispositifs: list[Dispositif], nombre: int) -> list[StructureBanc]:
    """Structures réparties sur les 9 territoires MDS ; chacune porte un dispositif, parfois les deux ; tailles
    et rigueur (« qualité ») variées."""
    territoires = list(Territoire.objects.filter(est_departement=False).order_by("ordre"))
    objets, profils = [], []
    for i in range(nombre):
        t = territoires[i % len(territoires)]
        objets.append(
            Structure(
                siret=siret_fictif(DECALAGE_IDENTIFIANTS + i),
                raison_sociale=f"{faker.company()} — accompagnement {t.nom}"[:255],
                forme_juridique=FormeJuridique.ASSOCIATION,
                adresse=faker.street_address(),
                code_postal="62000",
                commune=t.nom,
                territoire=t,
                email=f"contact{i}@{DOMAINE}",
                representant_civilite=rng.choice([Civilite.MADAME, Civilite.MONSIEUR]),
                representant_nom=faker.last_name(),
                representant_prenom=faker.first_name(),
                representant_fonction="Direction",
                iban=iban_fictif(DECALAGE_IDENTIFIANTS + i),
                label_referent_62=True,
            )
        )
        if len(dispositifs) > 1 and rng.random() < 0.2:
            portes = tuple(d.pk for d in dispositifs)
        else:
            portes = (dispositifs[i % len(dispositifs)].pk,)
        profils.append((t.pk, portes, rng.uniform(0.5, 1.0), rng.uniform(0.3, 3.0)))
    Structure.objects.bulk_create(objets, batch_size=500)
    return [StructureBanc(s.pk, *p) for s, p in zip(objets, profils, strict=True)]


def _tirer(
    rng: random.Random,
    faker: Faker,
    structures: list[StructureBanc],
    parcours: list[ParcoursBanc],
    personnes: int,
    periode: Periode,
    graine: int,
) -> Lignes:
    ids = Compteurs({t: _premier_id(modele) for t, modele in MODELES.items()})
    lignes = Lignes()
    tirage = Tirage(rng, ids, lignes, periode.horizon.toordinal())
    noms = [faker.last_name() for _ in range(400)]
    prenoms = [faker.first_name() for _ in range(400)]
    par_dispositif = {p.dispositif_id: [s for s in structures if p.dispositif_id in s.dispositifs] for p in parcours}
    cumuls = {d: _cumuls([s.poids for s in ss]) for d, ss in par_dispositif.items()}
    poids_parcours = _cumuls([p.poids for p in parcours])
    premier, dernier = periode.debut.toordinal(), periode.fin.toordinal()
    naissance_min = datetime.date(1962, 1, 1).toordinal()
    marque_ = marque(graine)
    for n in range(personnes):
        p = rng.choices(parcours, cum_weights=poids_parcours)[0]
        s = rng.choices(par_dispositif[p.dispositif_id], cum_weights=cumuls[p.dispositif_id])[0]
        d0 = rng.randint(premier, dernier)
        personne, o = ids.prendre("personne"), ids.prendre("orientation")
        jeune = rng.random() < 0.12
        naissance = d0 - rng.randint(18 * 365, 25 * 365) if jeune else rng.randint(naissance_min, d0 - 26 * 366)
        lignes.ajouter("personne", personne, rng.choice(noms), rng.choice(prenoms), j(naissance),
                       "msa" if rng.random() < 0.08 else "caf", f"{PREFIXE}{n:07d}",
                       "jeune_moins_26" if jeune else "brsa", s.territoire_id, f"{j(d0)} 09:00:00")  # fmt: skip
        lignes.ajouter("orientation", o, personne, s.id, p.dispositif_id, p.regle.code, s.territoire_id, j(d0),
                       "import_si_rsa", f"{marque_}{n + 1:07d}", f"{j(d0)} 09:00:00")  # fmt: skip
        tirage.orientation(o, d0, s, p)
    return lignes


def _cumuls(poids: list[float]) -> list[float]:
    total, resultat = 0.0, []
    for w in poids:
        total += w
        resultat.append(total)
    return resultat


def _premier_id(modele) -> int:  # noqa: ANN001
    with connection.cursor() as cur:
        cur.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{modele._meta.db_table}"')  # noqa: S608
        return cur.fetchone()[0]


def ecrire(lignes: Lignes, bloc: int = 1 << 22) -> None:
    """`COPY … FROM STDIN` table par table, dans l'ordre des clés étrangères, en une transaction ; instants lus en
    heure de Paris ; séquences remises au plus grand identifiant ; statistiques du planificateur à jour."""
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SHOW TimeZone")
        zone = cur.fetchone()[0]
        cur.execute("SET LOCAL TIME ZONE 'Europe/Paris'")
        for table, colonnes in COLONNES.items():
            texte = "".join(lignes.tables[table])
            lignes.tables[table] = []  # libère la mémoire au fil de l'eau
            modele = MODELES[table]
            with cur.copy(f'COPY "{modele._meta.db_table}" ({", ".join(colonnes)}) FROM STDIN') as copie:
                for i in range(0, len(texte), bloc):
                    copie.write(texte[i : i + bloc])
        # Dans une transaction englobante (tests), SET LOCAL durerait jusqu'à son terme : zone remise tout de suite.
        cur.execute("SELECT set_config('TimeZone', %s, true)", [zone])
        for ordre in connection.ops.sequence_reset_sql(no_style(), list(MODELES.values())):
            cur.execute(ordre)
    with connection.cursor() as cur:
        for modele in MODELES.values():
            cur.execute(f'ANALYZE "{modele._meta.db_table}"')
