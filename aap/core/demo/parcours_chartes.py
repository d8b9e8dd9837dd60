"""Démonstration de la charte qualité (issue 5), par les services réels (`aap.qualite.services`) sur les parcours
générés (`aap.core.demo.parcours`) :

- un résultat pour chaque structure et chaque dispositif à charte dont l'opération signée a des parcours, sur la
  période du début de l'opération à la fin du mois dernier (à sa fin si elle est terminée : c'est alors la
  période de ses bilans) ;
- les critères d'appréciation et le bonus notés par le gestionnaire avec un commentaire, à la mesure de la
  qualité de suivi de la structure ;
- les opérations terminées : résultat définitif (il donne le score de leurs bilans) ; la structure du porteur de
  démonstration : communiqué, en attente de sa réponse ; les autres, à tour de rôle : définitif (après une
  réponse et sa suite, ou le délai de réponse échu), communiqué et déjà répondu, communiqué, encore en calcul ;
- les bilans déposés dont la charte de la période est définitive sont acceptés avec son score.

`charte_du_bilan_demo` sert la démonstration des bilans : avant d'accepter le bilan d'une opération à charte, elle
génère ses parcours et rend définitive la charte de la période du bilan.

`calculer` et `noter_critere` n'ont pas de date : ils sont datés du moment de la génération ; la communication,
les réponses et le résultat définitif le sont dans le passé, dans l'ordre du circuit.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from decimal import Decimal

from django.utils import timezone
from faker import Faker

from aap.bilans import services as bilans
from aap.bilans.models import Bilan, StatutBilan
from aap.conventions.models import Operation
from aap.core.demo.parcours import comptes_demo, generer_parcours, operations_a_parcours, qualite_de, structure_de_demo
from aap.core.demo.parcours_trajets import JOUR, PARIS
from aap.core.models import Role, User
from aap.qualite import selectors
from aap.qualite import services as charte
from aap.qualite.models import ResultatCharte, StatutCharte
from aap.structures.models import Membre, RoleMembre


#: États donnés à tour de rôle aux résultats des opérations en cours (hors structure du porteur de démonstration).
ETATS = ("definitive_repondue", "repondue", "communiquee", "calculee", "definitive")

COMMENTAIRES: dict[str, tuple[str, str, str]] = {
    "bilan_argumente": (
        "Bilans de fin de contrat argumentés, suites de parcours identifiées pour chaque personne.",
        "Bilans présents mais inégaux : les suites de parcours ne sont pas toujours explicitées.",
        "Bilans souvent absents ou sans suite de parcours identifiée.",
    ),
    "reorientation": (
        "Demandes de réorientation étayées (diagnostic, actions menées, projet de la personne).",
        "Argumentaires corrects mais parfois succincts sur les actions menées.",
        "Argumentaires trop courts : le SLAI a dû demander des compléments à plusieurs reprises.",
    ),
    "acces_monjob62": (
        "Accès à Monjob62 proposé à chaque personne, ateliers d'accompagnement au numérique.",
        "Accès proposé mais rarement accompagné.",
        "Accès peu proposé ; aucun accompagnement constaté.",
    ),
    "reponse_siege": (
        "Réponses au suivi administratif toujours dans les délais.",
        "Quelques relances nécessaires pour les tableaux de suivi.",
        "Relances fréquentes, tableaux transmis en retard.",
    ),
    "partenariat_slai": (
        "Revues de portefeuille régulières avec le SLAI, échanges fluides.",
        "Partenariat réel mais revues de portefeuille irrégulières.",
        "Peu d'échanges avec le SLAI en dehors des revues obligatoires.",
    ),
    "procedures_recrutement": (
        "Procédures de recrutement des référents respectées (profils, information du Département).",
        "Un recrutement signalé tardivement au Département.",
        "Recrutements non signalés ; profils à justifier.",
    ),
    "caractere_innovant": (
        "Démarche d'« aller vers » et ateliers collectifs appréciés par les personnes.",
        "Quelques actions collectives, sans démarche d'« aller vers ».",
        "Accompagnement uniquement individuel, sans initiative particulière.",
    ),
    "accueil_public": (
        "Accueil accessible (locaux de plain-pied, rendez-vous à domicile), confidentialité assurée.",
        "Accueil correct ; bureau partagé pour certains entretiens.",
        "Confidentialité des entretiens à améliorer.",
    ),
}
COMMENTAIRE_PAR_DEFAUT = (
    "Attendus pleinement atteints.",
    "Attendus partiellement atteints.",
    "Attendus non atteints à ce stade.",
)

REPONSES = (
    (
        "rendez_vous_mensuels",
        "Plusieurs entretiens de l'été ont été saisis en retard dans l'outil ; les feuilles d'émargement sont à "
        "votre disposition. Nous demandons la révision du taux des rendez-vous mensuels.",
        "Les rendez-vous saisis après la clôture de la période ne sont pas pris en compte ; le taux est maintenu. "
        "Pensez à saisir les entretiens au fil de l'eau.",
    ),
    (
        "",
        "La structure prend acte du résultat. Un tableau de bord mensuel des contrats arrivant à échéance est en "
        "place pour solliciter les revues SLAI à temps.",
        "Merci de ces éléments ; le point sera revu au prochain comité de suivi.",
    ),
)


def _moment(jour: datetime.date, heure: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(jour, datetime.time(heure), tzinfo=PARIS)


def noter(resultat: ResultatCharte, qualite: float, agent: User, rng: random.Random, *, tous: bool = True) -> int:
    """Note les critères d'appréciation et les bonus (la moitié seulement si `tous` est faux), par demi-point."""
    a_noter = [d for d in resultat.detail if d.get("nature") in ("appreciation", "bonus")]
    if not tous:
        a_noter = a_noter[: len(a_noter) // 2]
    for ligne in a_noter:
        part = min(1.0, max(0.1, qualite + rng.uniform(-0.12, 0.08)))
        poids = Decimal(str(ligne["poids"]))
        points = (poids * Decimal(str(part)) * 2).quantize(Decimal(1)) / 2
        niveau = 0 if part >= 0.8 else 1 if part >= 0.55 else 2
        commentaire = COMMENTAIRES.get(ligne["code"], COMMENTAIRE_PAR_DEFAUT)[niveau]
        charte.noter_critere(
            acteur=agent,
            resultat=resultat,
            critere=ligne["code"],
            points=points.quantize(Decimal("0.01")),
            commentaire=commentaire,
        )
    return len(a_noter)


def _representant(resultat: ResultatCharte) -> User | None:
    membre = (
        Membre.objects.filter(structure=resultat.structure, role=RoleMembre.REPRESENTANT_LEGAL, actif=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membre.user if membre else None


def mener(
    resultat: ResultatCharte, etat: str, qualite: float, agent: User, rng: random.Random, aujourd_hui: datetime.date
) -> ResultatCharte:
    """Fait avancer un résultat calculé jusqu'à `etat` (voir `ETATS`)."""
    noter(resultat, qualite, agent, rng, tous=etat != "calculee")
    if etat == "calculee":
        return resultat
    delai = selectors.charte_de(resultat.dispositif).delai_reponse_jours
    definitif = etat.startswith("definitive")
    communique = aujourd_hui - JOUR * ((delai + 6) if definitif else 4)
    resultat = charte.communiquer(acteur=agent, resultat=resultat, at=_moment(communique))
    representant = _representant(resultat)
    if etat in ("definitive_repondue", "repondue") and representant is not None:
        critere, texte, suite = REPONSES[rng.randrange(len(REPONSES))]
        reponse = charte.repondre(
            acteur=representant, resultat=resultat, texte=texte, critere=critere, at=_moment(communique + JOUR * 3, 15)
        )
        if definitif:
            charte.donner_suite(acteur=agent, reponse=reponse, suite=suite)
    if definitif:
        resultat = charte.rendre_definitif(acteur=agent, resultat=resultat, at=_moment(aujourd_hui - JOUR, 11))
    return resultat


def periodes(aujourd_hui: datetime.date) -> list[tuple[Operation, datetime.date, datetime.date]]:
    """(opération, début, fin) des chartes de la démonstration : du début de l'opération à la fin du mois dernier,
    ou à sa fin si elle est terminée."""
    fin_du_mois_dernier = aujourd_hui.replace(day=1) - JOUR
    return [
        (o, o.date_debut, min(o.date_fin, fin_du_mois_dernier))
        for o in operations_a_parcours(aujourd_hui)
        if selectors.charte_de(o.dispositif) is not None and o.date_debut <= fin_du_mois_dernier
    ]


def generer_chartes(
    rng: random.Random, *, comptes: dict[Role, User] | None = None, aujourd_hui: datetime.date | None = None
) -> Counter:
    """Les chartes de la démonstration (idempotent : un résultat existant n'est pas refait) ; renvoie le nombre
    de résultats par statut et, sous la clé « bilans acceptés », les bilans acceptés avec le score de la charte
    (ici ou, plus tôt, par la démonstration des conventions)."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    comptes = comptes or comptes_demo()
    gestionnaire = comptes[Role.GESTIONNAIRE]
    toutes, structure_demo = operations_a_parcours(aujourd_hui), structure_de_demo()
    rang = 0
    for operation, debut, fin in periodes(aujourd_hui):
        structure = operation.convention.structure
        existe = ResultatCharte.objects.filter(
            structure=structure, dispositif=operation.dispositif, periode_debut=debut, periode_fin=fin
        ).exists()
        if existe:
            continue
        resultat = charte.calculer(
            acteur=gestionnaire, structure=structure, dispositif=operation.dispositif, debut=debut, fin=fin
        )
        if fin == operation.date_fin:
            etat = "definitive"  # opération terminée : la charte donne le score de ses bilans
        elif structure_demo is not None and structure.pk == structure_demo.pk:
            etat = "communiquee"  # le porteur de démonstration peut répondre
        else:
            etat, rang = ETATS[rang % len(ETATS)], rang + 1
        mener(resultat, etat, qualite_de(operation, toutes, structure_demo), gestionnaire, rng, aujourd_hui)
    compte = Counter(ResultatCharte.objects.values_list("statut", flat=True))
    accepter_bilans(comptes[Role.INSTRUCTEUR])
    acceptes = Bilan.objects.filter(statut=StatutBilan.ACCEPTE).select_related("operation")
    compte["bilans acceptés"] = sum(1 for b in acceptes if selectors.charte_applicable(b.operation))
    return compte


def accepter_bilans(agent: User) -> int:
    """Accepte les bilans déposés dont la charte de la période est définitive : leur score est celui de la charte."""
    deposes = Bilan.objects.filter(statut=StatutBilan.DEPOSE).select_related("operation__convention").order_by("pk")
    nombre = 0
    for bilan in deposes:
        if selectors.charte_applicable(bilan.operation) and selectors.resultat_du_bilan(bilan) is not None:
            bilans.accepter_bilan(bilan, agent)
            nombre += 1
    return nombre


def charte_du_bilan_demo(bilan: Bilan, agent: User, rng: random.Random, jour: datetime.date) -> ResultatCharte | None:
    """Avant d'accepter, le `jour` donné, le bilan d'une opération à charte : ses parcours (s'ils manquent) et la
    charte définitive de la période du bilan, communiquée puis définitive après le délai de réponse. None si le
    dispositif n'a pas de charte."""
    operation = bilan.operation
    if not selectors.charte_applicable(operation):
        return None
    existant = selectors.resultat_du_bilan(bilan)
    if existant is not None:
        return existant
    faker = Faker("fr_FR")
    faker.seed_instance(rng.randrange(10**6))
    generer_parcours(rng, faker, operations=[operation])
    debut, fin = selectors.periode_charte(bilan)
    resultat = ResultatCharte.objects.filter(
        structure=operation.convention.structure, dispositif=operation.dispositif, periode_debut=debut, periode_fin=fin
    ).first() or charte.calculer(
        acteur=agent, structure=operation.convention.structure, dispositif=operation.dispositif, debut=debut, fin=fin
    )
    qualite = qualite_de(operation, operations_a_parcours(timezone.localdate()), structure_de_demo())
    if resultat.statut == StatutCharte.CALCULEE:
        noter(resultat, qualite, agent, rng)
        delai = selectors.charte_de(operation.dispositif).delai_reponse_jours
        resultat = charte.communiquer(acteur=agent, resultat=resultat, at=_moment(jour - JOUR * (delai + 6)))
    return charte.rendre_definitif(acteur=agent, resultat=resultat, at=_moment(jour, 9))
