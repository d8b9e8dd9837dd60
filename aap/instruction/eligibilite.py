"""Contrôle d'éligibilité d'une demande, déduit du catalogue (obligations de l'appel et de la fiche).

Chaque critère rend un `Critere` : conforme, non conforme, ou « à vérifier » quand le logiciel ne détient
pas la preuve (ex. la référence du dossier FSE+ déposé sur Ma Démarche FSE+, une exigence écrite de la
fiche). L'instructeur s'appuie sur cette liste ; la décision reste la sienne.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

from django.utils import timezone

from aap.demandes.financement import FINANCEUR_DU_FONDS, ResultatPlan
from aap.demandes.models import Demande
from aap.demandes.rules import fin_session, territoires_eligibles
from aap.demandes.services import plan_de
from aap.structures.selectors import etat_documents
from aap.structures.validators import code_postal_62


class Resultat(StrEnum):
    CONFORME = "conforme"
    NON_CONFORME = "non_conforme"
    A_VERIFIER = "a_verifier"
    SANS_OBJET = "sans_objet"


LIBELLES = {
    Resultat.CONFORME: "Conforme",
    Resultat.NON_CONFORME: "Non conforme",
    Resultat.A_VERIFIER: "À vérifier",
    Resultat.SANS_OBJET: "Sans objet",
}


@dataclass(frozen=True)
class Critere:
    code: str
    libelle: str
    resultat: Resultat
    detail: str = ""

    @property
    def resultat_libelle(self) -> str:
        return LIBELLES[self.resultat]


def _oui(condition: bool) -> Resultat:
    return Resultat.CONFORME if condition else Resultat.NON_CONFORME


def controler_eligibilite(
    demande: Demande, at: datetime.date | None = None, plan: ResultatPlan | None = None
) -> list[Critere]:
    """Les critères d'éligibilité de la demande à la date `at` (aujourd'hui, heure de Paris, par défaut) ;
    `plan` : son plan de financement s'il est déjà calculé (sinon il l'est ici)."""
    at = at or timezone.localdate()
    fiche = demande.dispositif.fiche
    structure = demande.structure
    criteres: list[Critere] = []

    if demande.session_id is None:
        criteres.append(
            Critere(
                "depot",
                "Demande validée dans les délais",
                Resultat.SANS_OBJET,
                "Sans objet : demande importée d'un tableau de propositions (hors portail), sans session de dépôt.",
            )
        )
    elif demande.validee_le is None:
        criteres.append(Critere("depot", "Demande validée dans les délais", Resultat.NON_CONFORME, "Non validée."))
    else:
        dans_les_temps = demande.validee_le < fin_session(demande.session)
        criteres.append(
            Critere(
                "depot",
                "Demande validée dans les délais",
                _oui(dans_les_temps),
                f"Validée le {timezone.localtime(demande.validee_le):%d/%m/%Y à %H:%M}, "
                f"clôture le {demande.session.cloture:%d/%m/%Y} inclus.",
            )
        )

    criteres.append(
        Critere(
            "implantation",
            "Siège ou établissement dans le Pas-de-Calais",
            _oui(code_postal_62(structure.code_postal)),
            f"{structure.code_postal} {structure.commune} ({'siège' if structure.est_siege else 'établissement'}).",
        )
    )

    eligibles = set(territoires_eligibles(demande.dispositif).values_list("pk", flat=True))
    hors = [t.nom for t in demande.territoires.all() if t.pk not in eligibles]
    criteres.append(
        Critere(
            "territoires",
            "Territoires dans le périmètre du dispositif",
            _oui(not hors),
            f"Hors périmètre : {', '.join(hors)}." if hors else "",
        )
    )

    pieces = [e for e in etat_documents(structure, at).values() if e.bloquante]
    criteres.append(
        Critere(
            "pieces",
            "Pièces de la structure à jour",
            _oui(not pieces),
            "Manquantes ou expirées : " + ", ".join(e.libelle.lower() for e in pieces) + "." if pieces else "",
        )
    )

    if fiche is None:
        return criteres

    if fiche.porteurs.label_referent_62:
        criteres.append(
            Critere(
                "label_referent_62",
                "Structure labellisée Référent 62 (ou en moratoire)",
                _oui(structure.label_referent_62),
                "Exigé par la fiche du dispositif.",
            )
        )

    plan = plan if plan is not None else plan_de(demande)
    criteres.append(
        Critere(
            "plan",
            "Plan de financement équilibré et conforme à la fiche",
            _oui(plan.equilibre and plan.conforme),
            " ".join(plan.messages),
        )
    )

    if fiche.porteurs.cofinancement:
        fonds = [f for f in fiche.porteurs.cofinancement if plan.ressources.get(FINANCEUR_DU_FONDS[f], 0) > 0]
        noms = " ou ".join(str(f) for f in fiche.porteurs.cofinancement)
        criteres.append(
            Critere(
                "cofinancement",
                f"Demande conjointe {noms}",
                Resultat.A_VERIFIER if fonds else Resultat.NON_CONFORME,
                (
                    f"Le plan prévoit un cofinancement {', '.join(str(f) for f in fonds)} : vérifier le dépôt "
                    "du dossier sur Ma Démarche FSE+."
                    if fonds
                    else f"Aucune ressource {noms} dans le plan de financement."
                ),
            )
        )

    for i, exigence in enumerate(fiche.porteurs.exigences, start=1):
        criteres.append(Critere(f"exigence_{i}", exigence, Resultat.A_VERIFIER, "Exigence de la fiche du dispositif."))
    return criteres
