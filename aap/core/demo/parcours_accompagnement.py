"""Démonstration des parcours : le parcours d'une orientation, de bout en bout — contrats d'engagement successifs
(revue SLAI, renouvellement, clôture), demande de réorientation, sortie — et la phase d'accueil (DSP) avec sa
préconisation et la décision du Département. Les briques (rendez-vous, actions, heures…) sont dans
`parcours_trajets`.
"""

from __future__ import annotations

import datetime

from aap.catalogue.schema_parcours import RegleParcours
from aap.conventions.regles import ajouter_mois
from aap.core.demo.parcours_trajets import (
    ARGUMENTAIRE_PAR_DEFAUT,
    ARGUMENTAIRES,
    JOUR,
    Contexte,
    Plan,
    actions,
    diagnostic,
    heures,
    heures_prevues,
    nouvelle_orientation,
    reduire,
    rendez_vous,
    rendez_vous_mensuels,
)
from aap.parcours import choices as c
from aap.parcours import models as m


def contrats(
    ctx: Contexte, orientation: m.Orientation, regle: RegleParcours, plan: Plan, r1: datetime.date, freins: list[str]
) -> None:
    """Contrats d'engagement successifs : signés le plus souvent dans le délai de la fiche, renouvelés après la
    revue SLAI quand la fiche le permet, clos à leur terme ou à la sortie."""
    rng, d0 = ctx.rng, plan.date_orientation
    fin = plan.date_sortie or ctx.horizon
    delai = regle.delai_signature_ce_jours or 28
    if "sans_ce" in plan.defauts:
        return
    u = rng.random()
    if plan.signature:
        signature = plan.signature
    elif u < 0.55 + 0.43 * ctx.q:
        signature = max(r1, d0 + JOUR * rng.randint(min(delai, (r1 - d0).days), delai))
    elif u < 0.93 + 0.05 * ctx.q:
        signature = max(r1, d0 + JOUR * (delai + rng.randint(1, 25)))
    else:
        return  # jamais signé : la personne ne s'est pas engagée
    debut_parcours, rang = signature, 1
    while signature <= fin:
        date_fin = ajouter_mois(signature, regle.duree_ce_mois) - JOUR
        if regle.duree_totale_max_mois:
            date_fin = min(date_fin, ajouter_mois(debut_parcours, regle.duree_totale_max_mois) - JOUR)
        if date_fin < signature:
            return
        contrat = m.ContratEngagement(
            orientation=orientation,
            rang=rang,
            date_signature=signature,
            date_debut=signature,
            date_fin=date_fin,
            heures_hebdo_prevues=heures_prevues(ctx, regle),
            observations="Actions choisies au regard des freins relevés au diagnostic.",
        )
        ctx.lot.contrats.append(contrat)
        if plan.date_sortie and plan.date_sortie <= date_fin:
            terme = plan.date_sortie
            famille = c.FAMILLE_DE_SORTIE[plan.type_sortie]
            contrat.statut = c.StatutContrat.ROMPU if famille == c.FamilleSortie.AUTRE else c.StatutContrat.CLOS
        elif date_fin < fin and _reste_ouvert(ctx, plan, date_fin):
            terme = None  # échu sans revue ni clôture : l'alerte « contrat terminé sans revue SLAI »
        elif date_fin < fin:
            terme, contrat.statut = date_fin, c.StatutContrat.CLOS
        else:
            terme = None  # en cours
        contrat.date_cloture = terme
        actions(ctx, contrat, regle, "ce_pauvre" in plan.defauts or not ctx.tirage(0.5 + 0.5 * ctx.q))
        if ctx.tirage(0.65 + 0.35 * ctx.q):
            diagnostic(ctx, orientation, c.MomentDiagnostic.CREATION_CE, signature, freins, contrat)
        if regle.heures_hebdo_min is not None or regle.heures_hebdo_max is not None or regle.mise_a_jour_heures:
            heures(ctx, contrat, regle, min(terme or date_fin, fin))
        if terme and ctx.tirage(0.5 + 0.5 * ctx.q):
            freins = reduire(ctx, freins)
            diagnostic(ctx, orientation, c.MomentDiagnostic.CLOTURE_CE, terme, freins, contrat)
        continue_apres = terme == date_fin and date_fin < fin
        if terme is None and date_fin < fin:
            return
        if regle.renouvellement == "apres_revue_slai" and "sans_revue" not in plan.defauts:
            if continue_apres:  # pas de renouvellement sans la revue SLAI du contrat (règle de la fiche)
                contrat.revue_slai_le = max(signature, date_fin - JOUR * rng.randint(3, 20))
            elif terme is None and (date_fin - ctx.aujourd_hui).days <= 30 and ctx.tirage(ctx.q):
                contrat.revue_slai_le = max(signature, min(ctx.aujourd_hui, date_fin - JOUR * rng.randint(5, 25)))
        if not continue_apres or regle.renouvellement != "apres_revue_slai" or contrat.revue_slai_le is None:
            return
        rang, signature = rang + 1, date_fin + JOUR


def _reste_ouvert(ctx: Contexte, plan: Plan, date_fin: datetime.date) -> bool:
    """Un contrat échu depuis peu, d'une personne toujours accompagnée, que la structure n'a ni clos ni fait revoir
    par le SLAI (imposé par le défaut « sans_revue », sinon rare et d'autant plus que le suivi est faible)."""
    if plan.date_sortie is not None or (ctx.aujourd_hui - date_fin).days > 45:
        return False
    return "sans_revue" in plan.defauts or ctx.tirage((1 - ctx.q) * 0.3)


def reorientation(ctx: Contexte, orientation: m.Orientation, plan: Plan, depuis: datetime.date) -> None:
    """La demande de réorientation acceptée qui précède une sortie « réorientation »."""
    rng = ctx.rng
    demande = max(depuis, plan.date_sortie - JOUR * rng.randint(10, 40))
    cibles = ctx.spheres_cibles or [c.Sphere.EMPLOI]
    autres = [s for s in (c.Sphere.SANTE, c.Sphere.SOLIDARITE, c.Sphere.EMPLOI) if s not in cibles]
    sphere = rng.choice(cibles) if ctx.tirage(0.5 + 0.4 * ctx.q) or not autres else rng.choice(autres)
    ctx.lot.reorientations.append(
        m.DemandeReorientation(
            orientation=orientation,
            date_demande=demande,
            sphere_demandee=sphere,
            argumentaire=ARGUMENTAIRES.get(sphere, ARGUMENTAIRE_PAR_DEFAUT),
            statut=c.StatutDemande.ACCEPTEE,
            decidee_le=plan.date_sortie,  # la décision du Département fait la sortie « réorientation »
            decidee_par=ctx.slai,
        )
    )


def sortie(ctx: Contexte, orientation: m.Orientation, plan: Plan) -> None:
    if plan.date_sortie:
        ctx.lot.sorties.append(
            m.Sortie(
                orientation=orientation, date_sortie=plan.date_sortie, type=plan.type_sortie, saisie_par=ctx.saisie_par
            )
        )


def accompagner(
    ctx: Contexte, personne: m.Personne, regle: RegleParcours, plan: Plan, precedente: m.Orientation | None = None
) -> m.Orientation:
    """Un parcours d'accompagnement complet, de l'orientation à la sortie (ou en cours à l'horizon)."""
    rng, d0 = ctx.rng, plan.date_orientation
    orientation = nouvelle_orientation(ctx, personne, regle.code, d0)
    if precedente is not None:
        ctx.lot.precedentes.append((orientation, precedente))
    fin = plan.date_sortie or ctx.horizon
    delai = regle.delai_premier_rdv_jours or max(7, (regle.delai_signature_ce_jours or 28) // 2)
    if "sans_rdv" in plan.defauts:
        r1 = None
    elif "rdv_tardif" in plan.defauts or not ctx.tirage(0.6 + 0.4 * ctx.q):
        r1 = d0 + JOUR * rng.randint(delai + 1, delai + 20)
    else:
        r1 = d0 + JOUR * rng.randint(1, delai)
    if plan.signature and r1:
        r1 = min(r1, plan.signature)
    if r1 is not None and r1 <= fin:
        rendez_vous(ctx, orientation, r1, c.ModeRendezVous.PHYSIQUE, c.Presence.HONORE)
        freins = rng.sample(list(c.Frein.values), rng.randint(2, 5))
        diagnostic(ctx, orientation, c.MomentDiagnostic.INITIAL, r1, freins)
        if regle.duree_ce_mois:
            contrats(ctx, orientation, regle, plan, r1, freins)
        rendez_vous_mensuels(ctx, orientation, regle, r1, fin, plan)
        if plan.type_sortie == c.TypeSortie.REORIENTATION:
            reorientation(ctx, orientation, plan, r1)
        elif plan.date_sortie is None and ctx.tirage(0.04) and r1 < ctx.aujourd_hui - JOUR * 10:
            sphere = rng.choice(ctx.spheres_cibles or [c.Sphere.EMPLOI])
            ctx.lot.reorientations.append(
                m.DemandeReorientation(
                    orientation=orientation,
                    date_demande=ctx.aujourd_hui - JOUR * rng.randint(1, 10),
                    sphere_demandee=sphere,
                    argumentaire=ARGUMENTAIRES.get(sphere, ARGUMENTAIRE_PAR_DEFAUT),
                )
            )
    sortie(ctx, orientation, plan)
    return orientation


SPHERES_PRECONISEES = (
    (c.Sphere.REMOBILISATION_SOCIALE_INTENSIVE, 30),
    (c.Sphere.EMPLOI, 30),
    (c.Sphere.SOCIAL_PROFESSIONNEL_INTENSIF, 20),
    (c.Sphere.SANTE, 8),
    (c.Sphere.SOLIDARITE, 7),
    (c.Sphere.ACTIVITE_INDEPENDANTE, 5),
)


def phase_accueil(
    ctx: Contexte,
    personne: m.Personne,
    regle: RegleParcours,
    d0: datetime.date,
    suite: m.Orientation | None = None,
) -> m.Orientation:
    """Phase d'accueil (DSP) : rendez-vous dans le délai de la fiche, préconisation, décision du Département
    (l'orientation `suite` quand elle est connue), puis sortie « réorientation » le jour de la décision."""
    rng = ctx.rng
    orientation = nouvelle_orientation(ctx, personne, regle.code, d0)
    delai = regle.delai_premier_rdv_jours or 15
    r1 = d0 + JOUR * (rng.randint(1, delai) if ctx.tirage(0.6 + 0.4 * ctx.q) else rng.randint(delai + 1, delai + 15))
    phase = m.PhaseDsp(orientation=orientation)
    ctx.lot.phases.append(phase)
    if suite is not None:
        decision = suite.date_orientation
        r1 = min(r1, decision - JOUR)
    else:
        decision = None
    if r1 > ctx.horizon:
        return orientation
    rendez_vous(ctx, orientation, r1, c.ModeRendezVous.PHYSIQUE, c.Presence.HONORE)
    phase.date_dsp = r1
    preconisee = r1 + JOUR * rng.randint(0, 7 if decision is None else min(7, (decision - r1).days))
    if preconisee > ctx.horizon:
        return orientation
    phase.preconisee_le = preconisee
    spheres, poids = zip(*SPHERES_PRECONISEES, strict=True)
    phase.sphere_preconisee = (
        c.Sphere.REMOBILISATION_SOCIALE_INTENSIVE if suite is not None else rng.choices(spheres, poids)[0]
    )
    terminee = ctx.horizon < ctx.aujourd_hui  # opération finie : toutes les préconisations sont décidées
    if decision is None and preconisee + JOUR * 3 <= ctx.horizon and (terminee or ctx.tirage(0.9)):
        decision = min(ctx.horizon, preconisee + JOUR * rng.randint(3, 20))
    if decision is not None:
        phase.statut, phase.decidee_le, phase.decision = c.StatutPreconisation.DECIDEE, decision, suite
        plan = Plan(d0, date_sortie=decision, type_sortie=c.TypeSortie.REORIENTATION)
        sortie(ctx, orientation, plan)
    return orientation
