"""Référence des mesures de la charte, en Python pur, personne par personne (tests seulement).

On charge tout en mémoire, on boucle, on applique docs/charte-qualite.md à la lettre. Lisible plutôt que
rapide : elle sert à vérifier (hypothesis) que le calcul ensembliste `aap.qualite.calcul.mesurer` rend les mêmes
numérateurs et dénominateurs.
"""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import Decimal

from django.db.models import Prefetch

from aap.parcours import choices as c
from aap.parcours.models import ContratEngagement, Diagnostic, Orientation
from aap.qualite.calcul import Mesure


PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def jour(rdv) -> datetime.date:
    return rdv.debut.astimezone(PARIS).date()


def terme(contrat) -> datetime.date:
    if contrat.statut in (c.StatutContrat.CLOS, c.StatutContrat.ROMPU) and contrat.date_cloture:
        return contrat.date_cloture
    return contrat.date_fin


def termine_dans(contrat, debut, fin) -> bool:
    return (
        contrat.statut in (c.StatutContrat.CLOS, c.StatutContrat.ROMPU)
        and contrat.date_cloture is not None
        and debut <= contrat.date_cloture <= fin
    )


def mois_de(jour_: datetime.date) -> tuple[int, int]:
    return (jour_.year, jour_.month)


def mois_suivant(mois: tuple[int, int]) -> tuple[int, int]:
    annee, numero = mois
    return (annee + 1, 1) if numero == 12 else (annee, numero + 1)


def premier_jour(mois):
    return datetime.date(mois[0], mois[1], 1)


def dernier_jour(mois):
    return premier_jour(mois_suivant(mois)) - datetime.timedelta(days=1)


def mois_entre(a: datetime.date, b: datetime.date) -> list[tuple[int, int]]:
    """Les mois civils du mois de a au mois de b."""
    mois, resultat = mois_de(a), []
    while mois <= mois_de(b):
        resultat.append(mois)
        mois = mois_suivant(mois)
    return resultat


def charger(dispositif, structure_ids):
    qs = Orientation.objects.filter(dispositif=dispositif)
    if structure_ids is not None:
        qs = qs.filter(structure_id__in=list(structure_ids))
    diagnostics = Diagnostic.objects.prefetch_related("freins")
    contrats = ContratEngagement.objects.prefetch_related(
        "actions", "heures", Prefetch("diagnostics", queryset=diagnostics)
    )
    return list(
        qs.select_related("sortie").prefetch_related(
            "rendez_vous__demande_suspension", "reorientations", Prefetch("contrats", queryset=contrats)
        )
    )


def sortie_de(orientation):
    try:
        return orientation.sortie
    except Orientation.sortie.RelatedObjectDoesNotExist:
        return None


def a_une_suspension(rdv) -> bool:
    try:
        rdv.demande_suspension  # noqa: B018
    except Exception:  # RelatedObjectDoesNotExist
        return False
    return True


def mesure_de(calcul, critere, regles, orientations, debut, fin):
    """(numérateur, dénominateur) d'une mesure sur les orientations du périmètre (une structure)."""
    num, den = Decimal(0), 0
    for o in orientations:
        regle = regles[o.parcours]
        rdvs = list(o.rendez_vous.all())
        contrats = list(o.contrats.all())
        sortie = sortie_de(o)
        if calcul in ("premier_rdv_dans_delai", "ce_signe_dans_delai"):
            delai = (
                regle.delai_premier_rdv_jours if calcul == "premier_rdv_dans_delai" else regle.delai_signature_ce_jours
            )
            if delai is None or not debut <= o.date_orientation <= fin:
                continue
            limite = o.date_orientation + datetime.timedelta(days=delai)
            if limite > fin:
                continue
            den += 1
            if calcul == "premier_rdv_dans_delai":
                num += any(o.date_orientation <= jour(r) <= limite for r in rdvs)
            else:
                num += any(ce.date_signature <= limite for ce in contrats)
        elif calcul == "taux_contractualisation":
            if not debut <= o.date_orientation <= fin:
                continue
            if not any(r.presence == c.Presence.HONORE and jour(r) <= fin for r in rdvs):
                continue
            den += 1
            num += any(ce.date_signature <= fin for ce in contrats)
        elif calcul == "suspension_apres_absence":
            for r in rdvs:
                if r.presence == c.Presence.ABSENCE_INJUSTIFIEE and debut <= jour(r) <= fin:
                    den += 1
                    num += a_une_suspension(r)
        elif calcul in ("sorties_ciblees", "duree_moyenne_parcours"):
            if sortie is None or not debut <= sortie.date_sortie <= fin:
                continue
            den += 1
            if calcul == "duree_moyenne_parcours":
                num += (sortie.date_sortie - o.date_orientation).days
            elif sortie.famille in critere.familles:
                num += 1
            elif sortie.famille == c.FamilleSortie.REORIENTATION and any(
                d.statut == c.StatutDemande.ACCEPTEE and d.sphere_demandee in critere.spheres
                for d in o.reorientations.all()
            ):
                num += 1
        else:
            for ce in contrats:
                n, d = mesure_contrat(calcul, regle, o, rdvs, ce, debut, fin)
                num, den = num + n, den + d
    return num, den


def dernier(diagnostics, moment):
    candidats = [d for d in diagnostics if d.moment == moment]
    return max(candidats, key=lambda d: (d.date, d.pk)) if candidats else None


def mesure_contrat(calcul, regle, o, rdvs, ce, debut, fin):
    actions = list(ce.actions.all())
    diagnostics = list(ce.diagnostics.all())
    if calcul == "diagnostic_actualise":
        if not termine_dans(ce, debut, fin):
            return 0, 0
        moments = {d.moment for d in diagnostics}
        return int({c.MomentDiagnostic.CREATION_CE, c.MomentDiagnostic.CLOTURE_CE} <= moments), 1
    if calcul == "evolutions_positives":
        creation = dernier(diagnostics, c.MomentDiagnostic.CREATION_CE)
        cloture = dernier(diagnostics, c.MomentDiagnostic.CLOTURE_CE)
        if not termine_dans(ce, debut, fin) or creation is None or cloture is None:
            return 0, 0
        return int(len(cloture.freins.all()) < len(creation.freins.all())), 1
    if calcul == "rendez_vous_mensuels":
        if regle.entretiens_par_mois_min is None:
            return 0, 0
        num = den = 0
        for mois in mois_entre(debut, fin):
            if premier_jour(mois) < debut or dernier_jour(mois) > fin:
                continue
            if premier_jour(mois) < ce.date_debut or dernier_jour(mois) > terme(ce):
                continue
            den += 1
            honores = [r for r in rdvs if r.presence == c.Presence.HONORE and mois_de(jour(r)) == mois]
            physiques = [r for r in honores if r.mode == c.ModeRendezVous.PHYSIQUE]
            num += len(honores) >= regle.entretiens_par_mois_min and len(physiques) >= (
                regle.entretiens_physiques_par_mois_min or 0
            )
        return num, den
    if calcul == "sia_conforme":
        if not (ce.date_debut <= fin and terme(ce) >= debut):
            return 0, 0
        heures = ce.heures_hebdo_prevues
        ok = heures is not None
        ok = ok and (regle.heures_hebdo_min is None or heures >= regle.heures_hebdo_min)
        ok = ok and (regle.heures_hebdo_max is None or heures <= regle.heures_hebdo_max)
        if ok and regle.mise_a_jour_heures == "mensuelle":
            saisis = {mois_de(h.saisie_le) for h in ce.heures.all()}
            ok = all(m in saisis for m in mois_entre(max(ce.date_debut, debut), min(terme(ce), fin)))
        return int(ok), 1
    if not debut <= ce.date_signature <= fin:
        return 0, 0
    if calcul == "actions_departementales":
        return int(any(a.dispositif_departemental for a in actions)), 1
    if calcul == "qualite_ce":
        ok = len(actions) >= (regle.actions_ce_min or 0)
        pro = [a for a in actions if a.categorie == c.CategorieAction.INSERTION_PRO]
        ok = ok and len(pro) >= (regle.actions_insertion_pro_min or 0)
        ok = ok and any(a.date_debut <= ce.date_debut and a.date_fin >= ce.date_fin for a in actions)
        ok = ok and all(a.detail != "" for a in actions)
        return int(ok), 1
    raise ValueError(calcul)


def reference(dispositif, debut, fin, structure_ids=None) -> dict[int, dict[str, Mesure]]:
    """Même contrat que `mesurer` : {structure: {code du critère: Mesure}}."""
    fiche = dispositif.fiche
    regles = {p.code: p for p in fiche.parcours}
    orientations = charger(dispositif, structure_ids)
    structures = sorted(set(structure_ids) if structure_ids is not None else {o.structure_id for o in orientations})
    resultat = {}
    for structure in structures:
        resultat[structure] = {}
        for critere in fiche.charte.criteres:
            if critere.nature != "calcul":
                continue
            codes = set(critere.parcours or regles)
            siennes = [o for o in orientations if o.structure_id == structure and o.parcours in codes]
            num, den = mesure_de(critere.calcul, critere, regles, siennes, debut, fin)
            resultat[structure][critere.code] = Mesure.de(critere.calcul, num, den)
    return resultat
