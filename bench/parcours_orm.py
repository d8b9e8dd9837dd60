"""La charte « à la main » : une boucle Python sur les orientations, des requêtes ORM par personne (rendez-vous,
contrats, puis actions, diagnostics, freins et heures de chaque contrat, suspensions, réorientations, sortie),
comme l'écrirait un développeur pressé. C'est ce que le calcul ensembliste évite ; le banc la chronomètre sur un
échantillon et extrapole, et vérifie sur une structure entière qu'elle rend les mêmes nombres.

Mêmes définitions que docs/charte-qualite.md ; seuils lus dans la fiche (règle du parcours, critère).
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from aap.catalogue.models import Dispositif
from aap.catalogue.schema_charte import CritereCharte
from aap.catalogue.schema_parcours import RegleParcours
from aap.parcours.models import Orientation


PARIS = ZoneInfo("Europe/Paris")
Resultats = dict[tuple[int, int, str], tuple[int, int]]


def mesurer(orientations: Iterable[int], debut: datetime.date, fin: datetime.date) -> Resultats:
    """(dispositif, structure, critère) → (numérateur, dénominateur), sommés sur les orientations données."""
    grilles: dict[int, tuple[dict[str, RegleParcours], list[CritereCharte]]] = {}
    totaux: dict[tuple[int, int, str], list[int]] = defaultdict(lambda: [0, 0])
    for pk in orientations:
        o = Orientation.objects.get(pk=pk)
        if o.dispositif_id not in grilles:
            fiche = Dispositif.objects.get(pk=o.dispositif_id).fiche
            criteres = [c for c in fiche.charte.criteres if c.nature == "calcul"] if fiche.charte else []
            grilles[o.dispositif_id] = ({r.code: r for r in fiche.parcours}, criteres)
        regles, criteres = grilles[o.dispositif_id]
        regle = regles.get(o.parcours)
        dossier = _dossier(o)
        for critere in criteres:
            if critere.parcours and o.parcours not in critere.parcours:
                continue
            num, den = MESURES[critere.calcul](o, dossier, regle, critere, debut, fin)
            if den:
                total = totaux[(o.dispositif_id, o.structure_id, critere.code)]
                total[0] += num
                total[1] += den
    return {k: (v[0], v[1]) for k, v in totaux.items()}


def _dossier(o: Orientation) -> dict:
    """Tout le parcours d'une personne, requête par requête."""
    contrats = []
    for ce in o.contrats.all():
        diagnostics = [(d, len(list(d.freins.all()))) for d in ce.diagnostics.all()]
        contrats.append((ce, list(ce.actions.all()), diagnostics, list(ce.heures.all())))
    rdvs = [(r, r.debut.astimezone(PARIS).date()) for r in o.rendez_vous.all()]
    suspendus = {s.rendez_vous_id for s in o.suspensions.all()}
    sortie = getattr(o, "sortie", None)  # RelatedObjectDoesNotExist est une AttributeError
    return {
        "rdvs": rdvs,
        "contrats": contrats,
        "suspendus": suspendus,
        "reorientations": list(o.reorientations.all()),
        "sortie": sortie,
    }


def _terme(ce) -> datetime.date | None:  # noqa: ANN001
    if ce.statut in ("clos", "rompu") and ce.date_cloture is not None:
        return ce.date_cloture
    return ce.date_fin


def _dans(jour, debut, fin) -> bool:  # noqa: ANN001
    return jour is not None and debut <= jour <= fin


def premier_rdv(o, dossier, regle, critere, debut, fin):  # noqa: ANN001, ANN201
    n = regle.delai_premier_rdv_jours if regle else None
    if n is None or not _dans(o.date_orientation, debut, fin):
        return 0, 0
    limite = o.date_orientation + datetime.timedelta(days=n)
    if limite > fin:
        return 0, 0
    return int(any(o.date_orientation <= jour <= limite for _, jour in dossier["rdvs"])), 1


def ce_signe(o, dossier, regle, critere, debut, fin):  # noqa: ANN001, ANN201
    n = regle.delai_signature_ce_jours if regle else None
    if n is None or not _dans(o.date_orientation, debut, fin):
        return 0, 0
    limite = o.date_orientation + datetime.timedelta(days=n)
    if limite > fin:
        return 0, 0
    return int(any(ce.date_signature <= limite for ce, *_ in dossier["contrats"])), 1


def contractualisation(o, dossier, regle, critere, debut, fin):  # noqa: ANN001, ANN201
    if not _dans(o.date_orientation, debut, fin):
        return 0, 0
    if not any(r.presence == "honore" and jour <= fin for r, jour in dossier["rdvs"]):
        return 0, 0
    return int(any(ce.date_signature <= fin for ce, *_ in dossier["contrats"])), 1


def diagnostic(o, dossier, regle, critere, debut, fin):  # noqa: ANN001, ANN201
    num = den = 0
    for ce, _, diagnostics, _ in dossier["contrats"]:
        if ce.statut in ("clos", "rompu") and _dans(ce.date_cloture, debut, fin):
            den += 1
            moments = {d.moment for d, _ in diagnostics}
            num += {"creation_ce", "cloture_ce"} <= moments
    return num, den


def rdv_mensuels(o, dossier, regle, critere, debut, fin):  # noqa: ANN001, ANN201
    if regle is None or regle.entretiens_par_mois_min is None:
        return 0, 0
    physiques_min = regle.entretiens_physiques_par_mois_min or 0
    num = den = 0
    for ce, *_ in dossier["contrats"]:
        terme = _terme(ce)
        if terme is None:
            continue
        a, b = max(ce.date_debut, debut), min(terme, fin)
        mois = datetime.date(a.year, a.month, 1)
        while mois <= b:
            dernier = mois.replace(day=calendar.monthrange(mois.year, mois.month)[1])
            if mois >= a and dernier <= b:
                den += 1
                honores = [r for r, jour in dossier["rdvs"] if r.presence == "honore" and mois <= jour <= dernier]
                physiques = [r for r in honores if r.mode == "physique"]
                num += len(honores) >= regle.entretiens_par_mois_min and len(physiques) >= physiques_min
            mois = dernier + datetime.timedelta(days=1)
    return num, den


def suspension(o, dossier, regle, critere, debut, fin):  # noqa: ANN001, ANN201
    absences = [r for r, jour in dossier["rdvs"] if r.presence == "absence_injustifiee" and _dans(jour, debut, fin)]
    return sum(r.pk in dossier["suspendus"] for r in absences), len(absences)


def sia(o, dossier, regle, critere, debut, fin):  # noqa: ANN001, ANN201
    num = den = 0
    for ce, _, _, heures in dossier["contrats"]:
        terme = _terme(ce)
        if terme is None or ce.date_debut > fin or terme < debut:
            continue
        den += 1
        h = ce.heures_hebdo_prevues
        if h is None or (regle and regle.heures_hebdo_min is not None and h < regle.heures_hebdo_min):
            continue
        if regle and regle.heures_hebdo_max is not None and h > regle.heures_hebdo_max:
            continue
        if regle and regle.mise_a_jour_heures == "mensuelle":
            a, b = max(ce.date_debut, debut), min(terme, fin)
            saisis = {(x.saisie_le.year, x.saisie_le.month) for x in heures}
            attendus, mois = set(), (a.year, a.month)
            while mois <= (b.year, b.month):
                attendus.add(mois)
                mois = (mois[0] + mois[1] // 12, mois[1] % 12 + 1)
            if not attendus <= saisis:
                continue
        num += 1
    return num, den


def qualite_ce(o, dossier, regle, critere, debut, fin):  # noqa: ANN001, ANN201
    num = den = 0
    for ce, actions, _, _ in dossier["contrats"]:
        if not _dans(ce.date_signature, debut, fin):
            continue
        den += 1
        if regle and regle.actions_ce_min is not None and len(actions) < regle.actions_ce_min:
            continue
        pro = sum(a.categorie == "insertion_pro" for a in actions)
        if regle and regle.actions_insertion_pro_min is not None and pro < regle.actions_insertion_pro_min:
            continue
        couvre = any(a.date_debut <= ce.date_debut and a.date_fin >= ce.date_fin for a in actions)
        num += couvre and all(a.detail != "" for a in actions)
    return num, den


def departementales(o, dossier, regle, critere, debut, fin):  # noqa: ANN001, ANN201
    signes = [(ce, actions) for ce, actions, _, _ in dossier["contrats"] if _dans(ce.date_signature, debut, fin)]
    return sum(any(a.dispositif_departemental for a in actions) for _, actions in signes), len(signes)


def sorties(o, dossier, regle, critere, debut, fin):  # noqa: ANN001, ANN201
    s = dossier["sortie"]
    if s is None or not _dans(s.date_sortie, debut, fin):
        return 0, 0
    if s.famille in critere.familles:
        return 1, 1
    acceptee = any(d.statut == "acceptee" and d.sphere_demandee in critere.spheres for d in dossier["reorientations"])
    return int(s.famille == "reorientation" and acceptee), 1


def evolutions(o, dossier, regle, critere, debut, fin):  # noqa: ANN001, ANN201
    num = den = 0
    for ce, _, diagnostics, _ in dossier["contrats"]:
        if ce.statut not in ("clos", "rompu") or not _dans(ce.date_cloture, debut, fin):
            continue
        derniers = {}
        for d, freins in sorted(diagnostics, key=lambda x: (x[0].date, x[0].pk)):
            derniers[d.moment] = freins
        if "creation_ce" in derniers and "cloture_ce" in derniers:
            den += 1
            num += derniers["cloture_ce"] < derniers["creation_ce"]
    return num, den


def duree(o, dossier, regle, critere, debut, fin):  # noqa: ANN001, ANN201
    s = dossier["sortie"]
    if s is None or not _dans(s.date_sortie, debut, fin):
        return 0, 0
    return (s.date_sortie - o.date_orientation).days, 1


MESURES = {
    "premier_rdv_dans_delai": premier_rdv,
    "ce_signe_dans_delai": ce_signe,
    "taux_contractualisation": contractualisation,
    "diagnostic_actualise": diagnostic,
    "rendez_vous_mensuels": rdv_mensuels,
    "suspension_apres_absence": suspension,
    "sia_conforme": sia,
    "qualite_ce": qualite_ce,
    "actions_departementales": departementales,
    "sorties_ciblees": sorties,
    "evolutions_positives": evolutions,
    "duree_moyenne_parcours": duree,
}
