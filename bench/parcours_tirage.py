"""Tirage des parcours du banc : pour chaque orientation, ses événements (rendez-vous, diagnostics et freins,
contrats et actions, heures SIA, suspensions, réorientations, sortie), en lignes texte prêtes pour `COPY`.

Pur Python, sans base : un `random.Random` à graine fixe rend le jeu reproductible. Les seuils viennent de la
règle du parcours (`RegleParcours` de la fiche) : les délais sont tirés autour des seuils (15 et 28 jours dans
les fiches 2026), la durée du contrat est celle de la fiche, les heures tombent dans la fourchette de la fiche
(ou à côté, parfois). La « qualité » de chaque structure déplace les distributions : les chartes diffèrent.

Les dates sont manipulées en ordinaux (`date.toordinal()`) pour aller vite ; les instants des rendez-vous sont
écrits en heure de Paris, sans décalage (la session `COPY` est en `Europe/Paris`).
"""

from __future__ import annotations

import calendar
import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from aap.catalogue.schema_parcours import RegleParcours
from aap.parcours import choices as c


#: Colonnes écrites par `COPY`, table par table (noms de colonnes PostgreSQL des modèles de `aap.parcours`).
COLONNES: dict[str, tuple[str, ...]] = {
    "personne": (
        "id", "nom", "prenom", "date_naissance", "organisme", "numero_allocataire", "categorie", "territoire_id",
        "creee_le",
    ),
    "orientation": (
        "id", "personne_id", "structure_id", "dispositif_id", "parcours", "territoire_id", "date_orientation",
        "source", "reference_externe", "creee_le",
    ),
    "phasedsp": ("id", "orientation_id", "date_dsp", "sphere_preconisee", "preconisee_le", "statut", "decidee_le"),
    "rendezvous": ("id", "orientation_id", "debut", "mode", "presence", "reference_externe"),
    "contratengagement": (
        "id", "orientation_id", "rang", "date_signature", "date_debut", "date_fin", "statut", "date_cloture",
        "heures_hebdo_prevues", "observations", "revue_slai_le", "reference_externe",
    ),
    "actioncontrat": (
        "id", "contrat_id", "libelle", "detail", "categorie", "date_debut", "date_fin", "dispositif_departemental",
    ),
    "diagnostic": ("id", "orientation_id", "contrat_id", "moment", "date", "reference_externe"),
    "freindiagnostic": ("id", "diagnostic_id", "frein"),
    "heuresactivite": ("id", "contrat_id", "semaine", "heures", "saisie_le"),
    "demandesuspension": ("id", "orientation_id", "rendez_vous_id", "date_demande", "motif", "statut", "decidee_le",
                          "reference_externe"),
    "demandereorientation": ("id", "orientation_id", "date_demande", "sphere_demandee", "argumentaire", "statut",
                             "decidee_le", "reference_externe"),
    "sortie": ("id", "orientation_id", "date_sortie", "type", "famille"),
}  # fmt: skip
NULL = r"\N"
FREINS = [f.value for f in c.Frein]
SPHERES = [s.value for s in c.Sphere]
ACTIONS = {
    c.CategorieAction.SOCIALE: ["Démarches de santé", "Accès au logement", "Budget et surendettement", "Mobilité"],
    c.CategorieAction.INSERTION_PRO: ["Découverte des métiers", "Immersion en entreprise", "Recherche d'emploi"],
    c.CategorieAction.FORMATION: ["Remise à niveau", "Formation qualifiante", "Permis de conduire"],
    c.CategorieAction.ADMINISTRATIVE: ["Ouverture des droits", "Dossier MDPH", "Papiers d'identité"],
}
DETAILS = [
    "Prise de rendez-vous et accompagnement physique.",
    "Point mensuel avec le référent, objectifs revus.",
    "Dossier constitué avec la personne, suivi jusqu'à la décision.",
    "Atelier collectif hebdomadaire puis entretien individuel.",
]
#: Types de sortie et poids (un tiers de sorties « dynamiques », un sixième par changement de situation financière).
SORTIES = [
    ("cdi", 5), ("cdd_6m_plus", 5), ("creation_entreprise", 2), ("cdd_moins_6m", 8), ("contrat_aide", 5),
    ("formation_qualifiante", 6), ("embauche_siae", 4), ("aah", 6), ("pension_invalidite", 3),
    ("indemnites_journalieres", 3), ("retraite_aspa", 3), ("reorientation", 15), ("abandon", 14),
    ("demenagement", 6), ("radiation", 10), ("fin_droits", 3), ("autre", 2),
]  # fmt: skip


@dataclass(frozen=True)
class StructureBanc:
    id: int
    territoire_id: int
    dispositifs: tuple[int, ...]
    #: Entre 0,5 et 1 : probabilité de « bien faire » (délais tenus, rendez-vous réguliers, CE complets…).
    qualite: float
    poids: float


@dataclass(frozen=True)
class ParcoursBanc:
    dispositif_id: int
    regle: RegleParcours
    poids: float


@dataclass
class Compteurs:
    """Prochain identifiant de chaque table (les lignes sont écrites avec leur clé, les séquences remises après)."""

    suivant: dict[str, int] = field(default_factory=dict)

    def prendre(self, table: str) -> int:
        n = self.suivant[table]
        self.suivant[table] = n + 1
        return n


class Lignes:
    """Les lignes de chaque table, au format texte de `COPY` (tabulations, `\\N` pour NULL)."""

    def __init__(self) -> None:
        self.tables: dict[str, list[str]] = {t: [] for t in COLONNES}

    def ajouter(self, table: str, *valeurs: object) -> None:
        self.tables[table].append("\t".join(NULL if v is None else str(v) for v in valeurs) + "\n")

    def compte(self) -> dict[str, int]:
        return {t: len(v) for t, v in self.tables.items()}


_JOURS: dict[int, str] = {}


def j(ordinal: int | None) -> str | None:
    """Ordinal → 'AAAA-MM-JJ' (mis en cache : quelques milliers de jours distincts)."""
    if ordinal is None:
        return None
    texte = _JOURS.get(ordinal)
    if texte is None:
        texte = _JOURS[ordinal] = datetime.date.fromordinal(ordinal).isoformat()
    return texte


def ajouter_mois(ordinal: int, mois: int) -> int:
    d = datetime.date.fromordinal(ordinal)
    a, m = divmod(d.month - 1 + mois, 12)
    annee, mois_ = d.year + a, m + 1
    return datetime.date(annee, mois_, min(d.day, calendar.monthrange(annee, mois_)[1])).toordinal()


def mois_entre(debut: int, fin: int) -> list[tuple[int, int]]:
    """Les mois civils touchés par [debut, fin] : (premier jour, dernier jour) bornés à l'intervalle."""
    resultat: list[tuple[int, int]] = []
    if debut > fin:
        return resultat
    d = datetime.date.fromordinal(debut)
    premier = d.replace(day=1)
    while premier.toordinal() <= fin:
        dernier = premier.replace(day=calendar.monthrange(premier.year, premier.month)[1]).toordinal()
        resultat.append((max(premier.toordinal(), debut), min(dernier, fin)))
        premier = datetime.date.fromordinal(dernier + 1)
    return resultat


class Tirage:
    """Tire les parcours, orientation par orientation ; `horizon` : dernier jour d'événement (ordinal)."""

    def __init__(self, rng: random.Random, ids: Compteurs, lignes: Lignes, horizon: int) -> None:
        self.rng, self.ids, self.l, self.horizon = rng, ids, lignes, horizon

    def orientation(self, o: int, d0: int, s: StructureBanc, p: ParcoursBanc) -> None:
        rng, r, q = self.rng, p.regle, s.qualite
        sortie, type_sortie = None, None
        if rng.random() < 0.85:
            sortie = d0 + max(20, int(rng.gauss(110, 55)))
            type_sortie = rng.choices([t for t, _ in SORTIES], weights=[w for _, w in SORTIES])[0]
            if sortie > self.horizon:
                sortie, type_sortie = None, None
        fin = sortie or self.horizon
        premier = self._premier_rendez_vous(o, d0, fin, r, q)
        if r.delai_signature_ce_jours is None or r.duree_ce_mois is None:
            self._phase_accueil(o, premier, fin)
        else:
            self._accompagnement(o, d0, premier, fin, r, q)
        if type_sortie == "reorientation":
            decidee = max(d0, sortie - rng.randint(0, 20))
            self._reorientation(o, max(d0, decidee - rng.randint(5, 40)), "acceptee", decidee)
        elif rng.random() < 0.04:
            statut = rng.choice(["refusee", "transmise"])
            demande = d0 + rng.randint(20, max(21, fin - d0))
            self._reorientation(
                o, min(demande, fin), statut, None if statut == "transmise" else min(demande + 10, fin)
            )
        if sortie is not None:
            self.l.ajouter("sortie", self.ids.prendre("sortie"), o, j(sortie), type_sortie,
                           c.FAMILLE_DE_SORTIE[type_sortie])  # fmt: skip

    # — rendez-vous ————————————————————————————————————————————————————————————————————————————————————————————

    def _premier_rendez_vous(self, o: int, d0: int, fin: int, r: RegleParcours, q: float) -> int | None:
        """Jour du premier rendez-vous honoré (None : jamais venu). Délai tiré autour du seuil de la fiche."""
        rng = self.rng
        if rng.random() < 0.03:
            return None
        seuil = r.delai_premier_rdv_jours or 15
        jour = d0 + max(0, round(rng.gauss(seuil * (0.5 + 0.7 * (1 - q)), seuil * 0.35)))
        if jour > fin:
            return None
        if rng.random() < 0.08:  # première convocation manquée : un second rendez-vous quelques jours après
            self._rdv(o, jour, rng.choice(["excuse", "absence_injustifiee"]), "physique")
            jour += rng.randint(3, 12)
            if jour > fin:
                return None
        self._rdv(o, jour, "honore", "physique")
        return jour

    def _rdv(self, o: int, jour: int, presence: str, mode: str) -> int:
        rng = self.rng
        if rng.random() < 0.006:  # tard le soir : le jour de Paris n'est pas le jour UTC
            heure = "23:30:00"
        else:
            heure = f"{rng.randint(8, 17):02d}:{rng.choice(('00', '15', '30', '45'))}:00"
        pk = self.ids.prendre("rendezvous")
        self.l.ajouter("rendezvous", pk, o, f"{j(jour)} {heure}", mode, presence, "")
        if presence == "absence_injustifiee":
            self._suspension(o, pk, jour)
        return pk

    def _suivi_mensuel(self, o: int, debut: int, fin: int, q: float) -> None:
        """Rendez-vous de suivi de `debut` (exclu) à `fin` : 2 à 3 par mois en général, des mois creux."""
        rng = self.rng
        for premier, dernier in mois_entre(debut + 1, min(fin, self.horizon)):
            if rng.random() < 0.03 + 0.3 * (1 - q):
                nombre = rng.choice((0, 1, 1))
            else:
                nombre = rng.choice((2, 2, 2, 3))
            physique_garanti = rng.random() < q
            for k in range(nombre):
                jour = rng.randint(premier, dernier)
                mode = "physique" if (k == 0 and physique_garanti) else rng.choice(MODES)
                presence = rng.choices(PRESENCES, weights=POIDS_PRESENCES)[0]
                self._rdv(o, jour, presence, mode)

    def _suspension(self, o: int, rdv: int | None, jour: int) -> None:
        if self.rng.random() > 0.75:
            return
        statut = self.rng.choice(["acceptee", "acceptee", "refusee", "transmise"])
        demande = jour + self.rng.randint(0, 8)
        self.l.ajouter("demandesuspension", self.ids.prendre("demandesuspension"), o, rdv, j(demande),
                       "Absence injustifiée au rendez-vous", statut,
                       None if statut == "transmise" else j(demande + self.rng.randint(2, 15)), "")  # fmt: skip

    def _reorientation(self, o: int, demande: int, statut: str, decidee: int | None) -> None:
        sphere = self.rng.choice(SPHERES)
        self.l.ajouter("demandereorientation", self.ids.prendre("demandereorientation"), o, j(demande), sphere,
                       "Freins levés, projet professionnel construit : orientation plus adaptée.", statut, j(decidee),
                       "")  # fmt: skip

    # — phase d'accueil (DSP) ——————————————————————————————————————————————————————————————————————————————————

    def _phase_accueil(self, o: int, premier: int | None, fin: int) -> None:
        rng = self.rng
        if premier is None:
            return
        for _ in range(rng.randint(0, 2)):
            self._rdv(o, min(fin, premier + rng.randint(5, 40)), "honore", rng.choice(MODES))
        decidee = rng.random() < 0.7
        preconisee = premier + rng.randint(0, 10)
        self.l.ajouter("phasedsp", self.ids.prendre("phasedsp"), o, j(premier), rng.choice(SPHERES), j(preconisee),
                       "decidee" if decidee else "en_attente",
                       j(preconisee + rng.randint(3, 30)) if decidee else None)  # fmt: skip

    # — accompagnement (diagnostic, CE, suivi) ———————————————————————————————————————————————————————————————

    def _accompagnement(self, o: int, d0: int, premier: int | None, fin: int, r: RegleParcours, q: float) -> None:
        rng = self.rng
        if premier is None:
            return
        if rng.random() < 0.75:
            self._diagnostic(o, None, "initial", premier, rng.randint(1, 3))
        self._suivi_mensuel(o, premier, fin, q)
        if rng.random() > 0.9:
            return  # reçu, jamais contractualisé
        seuil = r.delai_signature_ce_jours
        signature = max(premier, d0 + round(rng.gauss(seuil * (0.6 + 0.6 * (1 - q)), seuil * 0.3)))
        rang = 1
        while signature < fin and rang <= 3:
            terme = self._contrat(o, rang, signature, fin, r, q)
            if terme is None or rang >= 3 or r.renouvellement == "non" or rng.random() > 0.55:
                return
            signature, rang = terme + rng.randint(1, 10), rang + 1

    def _contrat(self, o: int, rang: int, signature: int, fin: int, r: RegleParcours, q: float) -> int | None:
        """Écrit un contrat, ses actions, ses diagnostics et ses heures ; rend son terme s'il est clos."""
        rng = self.rng
        debut = signature + rng.choice((0, 0, 0, 1, 3, 7))
        date_fin = ajouter_mois(debut, r.duree_ce_mois) - 1
        if date_fin <= fin:
            statut, cloture = "clos", date_fin - rng.choice((0, 0, 0, 2, 5))
        elif fin < self.horizon:
            statut, cloture = "rompu", max(debut, fin)
        else:
            statut, cloture = "signe", None
        terme = cloture if cloture is not None else date_fin
        pk = self.ids.prendre("contratengagement")
        heures = self._heures_prevues(r)
        revue = j(date_fin - rng.randint(0, 20)) if statut == "clos" and rng.random() < 0.8 else None
        self.l.ajouter("contratengagement", pk, o, rang, j(signature), j(debut), j(date_fin), statut, j(cloture),
                       heures, "Actions choisies d'après les freins du diagnostic.", revue, "")  # fmt: skip
        self._actions(pk, debut, date_fin, r, q)
        if rng.random() < 0.55 + 0.43 * q:
            freins = rng.randint(1, 4)
            self._diagnostic(o, pk, "creation_ce", signature, freins)
            if rng.random() < 0.04:  # actualisation saisie deux fois : la plus récente compte
                self._diagnostic(o, pk, "creation_ce", signature + rng.randint(0, 3), rng.randint(1, 4))
        else:
            freins = rng.randint(1, 4)
        if cloture is not None and rng.random() < 0.45 + 0.5 * q:
            apres = max(0, freins + rng.choices((-2, -1, 0, 1), weights=(3, 4, 3, 1))[0])
            self._diagnostic(o, pk, "cloture_ce", cloture, apres)
        if heures is not None:
            self._heures(pk, debut, min(terme, self.horizon), q)
        return cloture if statut == "clos" else None

    def _heures_prevues(self, r: RegleParcours) -> str | None:
        rng = self.rng
        bas = r.heures_hebdo_min if r.heures_hebdo_min is not None else Decimal(0)
        haut = r.heures_hebdo_max if r.heures_hebdo_max is not None else bas + 12
        tirage = rng.random()
        if tirage < 0.07:
            return None
        if tirage < 0.15:  # à côté de la fourchette de la fiche
            valeur = bas - rng.randint(1, 4) if bas >= 5 and rng.random() < 0.7 else haut + rng.randint(1, 5)
        else:
            valeur = bas + (haut - bas) * Decimal(rng.randint(0, 10)) / 10
        return f"{max(Decimal(0), Decimal(valeur)):.1f}"

    def _heures(self, contrat: int, debut: int, fin: int, q: float) -> None:
        """Une semaine déclarée presque chaque mois (parfois deux), saisie dans le mois ; des mois oubliés, plus
        souvent si la structure est moins rigoureuse, et des saisies en retard, tombées le mois suivant."""
        rng = self.rng
        semaines: set[int] = set()
        for premier, dernier in mois_entre(debut, fin):
            if rng.random() < 0.2 * (1 - q):
                continue
            for _ in range(2 if rng.random() < 0.1 else 1):
                jour = rng.randint(premier, dernier)
                lundi = jour - datetime.date.fromordinal(jour).weekday()
                if lundi in semaines:
                    continue
                semaines.add(lundi)
                saisie = dernier + rng.randint(1, 6) if rng.random() < 0.04 else rng.randint(jour, dernier)
                self.l.ajouter("heuresactivite", self.ids.prendre("heuresactivite"), contrat, j(lundi),
                               f"{rng.randint(5, 20)}.0", j(saisie))  # fmt: skip

    def _actions(self, contrat: int, debut: int, fin: int, r: RegleParcours, q: float) -> None:
        rng = self.rng
        nombre = rng.choices((2, 3, 4, 5), weights=(2 + 10 * (1 - q), 45, 30, 15))[0]
        pro = r.actions_insertion_pro_min or 0
        categories = [c.CategorieAction.INSERTION_PRO] * (pro if rng.random() < 0.25 + 0.7 * q else max(0, pro - 1))
        categories += rng.choices(list(ACTIONS), k=max(0, nombre - len(categories)))
        departementale = rng.randrange(len(categories)) if rng.random() < 0.3 + 0.2 * q else -1
        couvrante = rng.random() < 0.2 + 0.8 * q
        for k, categorie in enumerate(categories):
            if k == 0 and couvrante:
                a, b = debut, fin
            else:
                a = rng.randint(debut, max(debut, fin - 30))
                b = min(fin, a + rng.randint(20, 150))
            detail = "" if rng.random() < 0.03 else rng.choice(DETAILS)
            self.l.ajouter("actioncontrat", self.ids.prendre("actioncontrat"), contrat,
                           rng.choice(ACTIONS[categorie]), detail, categorie, j(a), j(b),
                           "t" if k == departementale else "f")  # fmt: skip

    def _diagnostic(self, o: int, contrat: int | None, moment: str, jour: int, freins: int) -> None:
        pk = self.ids.prendre("diagnostic")
        self.l.ajouter("diagnostic", pk, o, contrat, moment, j(jour), "")
        for frein in self.rng.sample(FREINS, min(freins, len(FREINS))):
            self.l.ajouter("freindiagnostic", self.ids.prendre("freindiagnostic"), pk, frein)


MODES = ("physique", "physique", "telephone", "telephone", "visio")
PRESENCES = ("honore", "excuse", "absence_injustifiee", "prevu")
POIDS_PRESENCES = (86, 7, 5, 2)
