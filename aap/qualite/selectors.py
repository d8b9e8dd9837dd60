"""Lectures de la charte qualité pour les services et les pages : grille d'un dispositif, opération couverte,
période de charte d'un bilan, résultat définitif qui donne le score d'un bilan, lignes du détail groupées par
catégorie, historique lisible.

Période de charte d'un bilan (`periode_charte`) : le bilan final (celui qui déclenche le solde) rend compte de
toute l'opération, du premier au dernier jour ; le k-ième bilan non final (bilans intermédiaires dans l'ordre de
leurs dates limites) rend compte des k premières années de l'opération (du début au jour qui précède le même
quantième k × 12 mois plus tard), sans dépasser sa fin. Opération du 01/01/2026 au 31/12/2027 : bilan
intermédiaire → charte du 01/01/2026 au 31/12/2026 ; bilan final → charte du 01/01/2026 au 31/12/2027.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from aap.bilans.models import Bilan, StatutBilan
from aap.bilans.rules import a_part_qualite, type_bilan_final
from aap.catalogue.models import Dispositif
from aap.catalogue.schema_charte import Charte, CritereCharte
from aap.conventions.models import Operation, StatutConvention
from aap.conventions.regles import ajouter_mois
from aap.core.models import AuditLog, Role, User
from aap.qualite.models import ReponseStructure, ResultatCharte, StatutCharte
from aap.structures.droits import peut_ecrire
from aap.structures.models import Structure


#: Conventions dont les opérations reçoivent une charte (signées, ou soldées pour les chartes tardives).
STATUTS_CONVENTION = (StatutConvention.SIGNEE, StatutConvention.SOLDEE)


def charte_de(dispositif: Dispositif) -> Charte | None:
    """La grille de la charte du dispositif (section `charte:` de sa fiche), ou None s'il n'en a pas."""
    fiche = dispositif.fiche
    return fiche.charte if fiche is not None else None


def dispositifs_a_charte() -> list[Dispositif]:
    """Les dispositifs du catalogue dont la fiche a une charte (peu nombreux : lus en Python)."""
    return [d for d in Dispositif.objects.detailles().select_related("edition") if charte_de(d) is not None]


def operation_couverte(structure: Structure, dispositif: Dispositif, debut: datetime.date, fin: datetime.date):
    """L'opération conventionnée de la structure pour le dispositif dont la période contient `[debut, fin]`
    (convention signée ou soldée), ou None. Plusieurs : la plus récente."""
    return (
        Operation.objects.filter(
            convention__structure=structure,
            convention__statut__in=STATUTS_CONVENTION,
            dispositif=dispositif,
            date_debut__lte=debut,
            date_fin__gte=fin,
        )
        .order_by("-date_debut", "-pk")
        .first()
    )


# --- Bilans ------------------------------------------------------------------------------------------------


def charte_applicable(operation: Operation) -> bool:
    """Le score « qualité » de l'opération vient de la charte : une part « qualité » est figée dans l'opération et
    le dispositif a une grille. Sinon (5.4, 5.5…) l'agent saisit le score à l'acceptation du bilan."""
    return a_part_qualite(operation.regles) and charte_de(operation.dispositif) is not None


def periode_charte(bilan: Bilan) -> tuple[datetime.date, datetime.date]:
    """La période de charte qui donne le score du bilan (voir l'en-tête du module)."""
    operation = bilan.operation
    if bilan.type == type_bilan_final(operation.regles):
        return operation.date_debut, operation.date_fin
    types_intermediaires = [
        b["type"] for b in sorted(operation.regles.get("bilans", []), key=lambda b: str(b.get("echeance") or ""))
    ]
    types_intermediaires = [t for t in types_intermediaires if t != type_bilan_final(operation.regles)]
    rang = types_intermediaires.index(bilan.type) + 1 if bilan.type in types_intermediaires else 1
    fin = ajouter_mois(operation.date_debut, 12 * rang) - datetime.timedelta(days=1)
    return operation.date_debut, min(fin, operation.date_fin)


def resultat_du_bilan(bilan: Bilan, *, definitif: bool = True) -> ResultatCharte | None:
    """Le résultat de la charte de la période du bilan (définitif seulement, par défaut)."""
    debut, fin = periode_charte(bilan)
    qs = ResultatCharte.objects.filter(
        structure_id=bilan.operation.convention.structure_id,
        dispositif_id=bilan.operation.dispositif_id,
        periode_debut=debut,
        periode_fin=fin,
    )
    if definitif:
        qs = qs.filter(statut=StatutCharte.DEFINITIVE)
    return qs.first()


def bilans_concernes(resultat: ResultatCharte) -> list[Bilan]:
    """Les bilans des opérations de la structure sur le dispositif dont la période de charte est celle du
    résultat : ceux que ce résultat alimente."""
    bilans = Bilan.objects.filter(
        operation__convention__structure_id=resultat.structure_id,
        operation__dispositif_id=resultat.dispositif_id,
        operation__convention__statut__in=STATUTS_CONVENTION,
    ).select_related("operation__convention")
    return [b for b in bilans if periode_charte(b) == (resultat.periode_debut, resultat.periode_fin)]


@dataclass(frozen=True)
class CharteDuBilan:
    """Ce que la page d'un bilan montre de la charte de sa période."""

    applicable: bool
    debut: datetime.date | None = None
    fin: datetime.date | None = None
    resultat: ResultatCharte | None = None
    visible: bool = False

    @property
    def definitive(self) -> bool:
        return self.resultat is not None and self.resultat.statut == StatutCharte.DEFINITIVE


def charte_du_bilan(bilan: Bilan, user: User) -> CharteDuBilan:
    """La charte de la période du bilan telle que `user` peut la voir (la structure : une fois communiquée)."""
    if not charte_applicable(bilan.operation):
        return CharteDuBilan(applicable=False)
    debut, fin = periode_charte(bilan)
    resultat = (
        ResultatCharte.objects.for_user(user)
        .filter(
            structure_id=bilan.operation.convention.structure_id,
            dispositif_id=bilan.operation.dispositif_id,
            periode_debut=debut,
            periode_fin=fin,
        )
        .first()
    )
    return CharteDuBilan(applicable=True, debut=debut, fin=fin, resultat=resultat, visible=resultat is not None)


# --- Pages ---------------------------------------------------------------------------------------------------


def resultats_pour(user: User) -> QuerySet[ResultatCharte]:
    return ResultatCharte.objects.for_user(user).select_related("structure", "dispositif", "operation__convention")


def peut_noter(user: User, resultat: ResultatCharte) -> bool:
    """Agents DPID, ou agent SLAI du territoire de la structure (il connaît le partenariat au quotidien)."""
    if not user.is_authenticated:
        return False
    if user.est_dpid:
        return True
    return (
        user.role == Role.SLAI
        and user.territoire_id is not None
        and (user.territoire_id == resultat.structure.territoire_id)
    )


def peut_repondre(user: User, resultat: ResultatCharte, jour: datetime.date) -> bool:
    return (
        resultat.statut == StatutCharte.CONTRADICTOIRE
        and resultat.reponse_avant is not None
        and jour <= resultat.reponse_avant
        and user.is_authenticated
        and user.role == Role.PORTEUR
        and peut_ecrire(user, resultat.structure)
    )


@dataclass
class LigneDetail:
    """Un critère du résultat tel qu'affiché : ligne du détail JSON complétée par la grille et la note."""

    code: str
    libelle: str
    categorie: str
    nature: str
    poids: Decimal
    points: Decimal | None
    numerateur: Any = None
    denominateur: Any = None
    valeur: Decimal | None = None
    cible: Decimal | None = None
    plancher: Decimal | None = None
    sens: str = "au_moins"
    unite: str = "%"
    sans_objet: bool = False
    note: Any = None
    aide: str = ""
    reponses: list[ReponseStructure] = field(default_factory=list)

    @property
    def humain(self) -> bool:
        return self.nature in ("appreciation", "bonus")

    @property
    def a_noter(self) -> bool:
        return self.nature == "appreciation" and self.note is None


def en_decimal(valeur: Any) -> Decimal | None:
    if valeur in (None, ""):
        return None
    try:
        return Decimal(str(valeur))
    except ArithmeticError:
        return None


def lignes_detail(resultat: ResultatCharte) -> list[LigneDetail]:
    """Les critères du résultat, dans l'ordre de la grille, avec leur note d'agent et les réponses qui les visent."""
    grille: dict[str, CritereCharte] = {}
    charte = charte_de(resultat.dispositif)
    if charte is not None:
        grille = {c.code: c for c in charte.criteres}
    notes = {n.critere: n for n in resultat.notes.select_related("agent")}
    reponses: dict[str, list[ReponseStructure]] = {}
    for r in resultat.reponses.select_related("auteur"):
        reponses.setdefault(r.critere, []).append(r)
    lignes = []
    for d in resultat.detail:
        critere = grille.get(d.get("code"))
        note = notes.get(d.get("code"))
        points = en_decimal(d.get("points"))
        if note is not None:
            points = note.points
        lignes.append(
            LigneDetail(
                code=d.get("code", ""),
                libelle=d.get("libelle") or (critere.libelle if critere else d.get("code", "")),
                categorie=d.get("categorie") or (critere.categorie if critere else ""),
                nature=d.get("nature") or (critere.nature if critere else ""),
                poids=en_decimal(d.get("poids")) or Decimal(0),
                points=points,
                numerateur=d.get("numerateur"),
                denominateur=d.get("denominateur"),
                valeur=en_decimal(d.get("valeur")),
                cible=en_decimal(d.get("cible")),
                plancher=en_decimal(d.get("plancher")),
                sens=d.get("sens") or (critere.sens if critere else "au_moins"),
                unite="mois" if (critere and critere.calcul == "duree_moyenne_parcours") else "%",
                sans_objet=bool(d.get("sans_objet")),
                note=note,
                aide=(critere.aide or "") if critere else "",
                reponses=reponses.get(d.get("code", ""), []),
            )
        )
    return lignes


def par_categorie(lignes: list[LigneDetail]) -> list[tuple[str, list[LigneDetail]]]:
    groupes: dict[str, list[LigneDetail]] = {}
    for ligne in lignes:
        groupes.setdefault(ligne.categorie or "Autres critères", []).append(ligne)
    return list(groupes.items())


def criteres_a_noter(resultat: ResultatCharte) -> list[str]:
    """Codes des critères d'appréciation sans note : tant qu'il en reste, le résultat ne se communique pas."""
    notes = set(resultat.notes.values_list("critere", flat=True))
    return [d["code"] for d in resultat.detail if d.get("nature") == "appreciation" and d["code"] not in notes]


LIBELLES_HISTORIQUE = {
    "charte.calculer": "Charte calculée",
    "charte.recalculer": "Charte recalculée",
    "charte.noter": "Critère noté",
    "charte.communiquer": "Résultat communiqué à la structure",
    "charte.repondre": "Réponse de la structure",
    "charte.donner_suite": "Suite donnée à une réponse",
    "charte.rendre_definitif": "Résultat rendu définitif",
    "charte.bilan_deja_accepte": "Bilan déjà accepté avec un autre score",
    "consultation": "Consultation par un agent",
}


def historique(resultat: ResultatCharte, *, agent: bool) -> list[tuple[AuditLog, str]]:
    """Le journal du résultat, en phrases (libellé de l'action et du critère concerné) ; la structure ne voit
    pas les consultations des agents."""
    qs = AuditLog.objects.for_object(resultat).select_related("acteur").order_by("horodatage", "id")
    if not agent:
        qs = qs.exclude(action="consultation")
    criteres = {d.get("code"): d.get("libelle", d.get("code")) for d in resultat.detail}
    lignes = []
    for ligne in qs:
        libelle = LIBELLES_HISTORIQUE.get(ligne.action, ligne.action)
        critere = (ligne.details or {}).get("critere")
        if critere:
            libelle += f" : « {criteres.get(critere, critere)} »"
        lignes.append((ligne, libelle))
    return lignes


def bilans_deja_acceptes(resultat: ResultatCharte) -> list[Bilan]:
    """Bilans acceptés avant que ce résultat ne soit définitif, avec un score différent (montants inchangés)."""
    if resultat.statut != StatutCharte.DEFINITIVE:
        return []
    return [
        b
        for b in bilans_concernes(resultat)
        if b.statut == StatutBilan.ACCEPTE and b.score_qualite is not None and b.score_qualite != resultat.score
    ]
