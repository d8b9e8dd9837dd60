"""Grille de notation d'une demande : règles (barème, pourcentages, écarts), service `noter` et lectures.

Les critères et le barème sont des données du catalogue (`Edition.grille`, plus les `criteres` de la fiche du
dispositif). Chaque évaluateur a sa propre grille (une `Notation` par critère), modifiable tant que la demande est
en instruction (avant la décision de la Commission Permanente). Tous les critères pèsent autant : le total d'un
évaluateur est la somme de ses notes rapportée au maximum possible, en pourcentage de 0 à 100.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, F, IntegerField, Sum
from django.db.models.functions import Cast
from django.utils import timezone

from aap.catalogue.schema_notation import Bareme, Critere, CriterePrealable
from aap.core import audit
from aap.core.models import Role, User
from aap.demandes.choix import STATUTS_EN_INSTRUCTION
from aap.demandes.financement import arrondi
from aap.demandes.models import Demande
from aap.instruction.models import Notation


#: Rôles de la DPID qui notent (l'administrateur technique ne note pas).
ROLES_DPID_NOTATION = frozenset({Role.INSTRUCTEUR, Role.GESTIONNAIRE})


# --- Règles ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GrilleDemande:
    """Ce qui se note sur une demande : barème et préalables de l'édition, critères de l'appel puis de la fiche."""

    bareme: Bareme
    prealables: tuple[CriterePrealable, ...]
    criteres: tuple[Critere, ...]
    codes_fiche: frozenset[str]

    @property
    def codes(self) -> list[str]:
        return [c.code for c in self.criteres]

    def seuil_ecart(self) -> Decimal:
        """Écart (note la plus haute − la plus basse) signalé comme important : la moitié du barème."""
        return Decimal(self.bareme.etendue) / 2


def grille_de(demande: Demande) -> GrilleDemande | None:
    """La grille de la demande, ou None si l'édition de son dispositif n'a pas de grille de notation."""
    dispositif = demande.dispositif
    grille = dispositif.edition.grille
    if grille is None:
        return None
    propres = tuple(dispositif.fiche.criteres) if dispositif.fiche else ()
    return GrilleDemande(
        bareme=grille.bareme,
        prealables=tuple(grille.prealables),
        criteres=tuple(grille.criteres) + propres,
        codes_fiche=frozenset(c.code for c in propres),
    )


def fraction(total: int, nombre: int, note_min: int, etendue: int) -> Decimal:
    """Part du maximum atteinte par `nombre` notes totalisant `total`, en pourcentage (non arrondi)."""
    if nombre <= 0:
        raise ValueError("aucune note")
    return Decimal(100 * (total - nombre * note_min)) / Decimal(nombre * etendue)


def pourcentage(notes: Sequence[int], bareme: Bareme) -> Decimal:
    """Total d'une grille en pourcentage du maximum, arrondi au centième."""
    return arrondi(fraction(sum(notes), len(notes), bareme.note_min, bareme.etendue))


def moyenne(valeurs: Sequence[Decimal]) -> Decimal:
    return arrondi(sum(valeurs, Decimal(0)) / len(valeurs))


@dataclass(frozen=True)
class Statistiques:
    moyenne: Decimal
    minimum: int
    maximum: int
    ecart: int
    ecart_important: bool


def statistiques(notes: Sequence[int], seuil_ecart: Decimal) -> Statistiques:
    """Moyenne (au centième), minimum, maximum et écart des notes d'un critère ; écart important au-delà du seuil."""
    ecart = max(notes) - min(notes)
    return Statistiques(
        moyenne=arrondi(Decimal(sum(notes)) / len(notes)),
        minimum=min(notes),
        maximum=max(notes),
        ecart=ecart,
        ecart_important=ecart >= seuil_ecart,
    )


def erreurs_notes(notes: Mapping[str, tuple[int, str]], grille: GrilleDemande) -> dict[str, str]:
    """Les erreurs d'une grille saisie, par code de critère (« » pour la grille entière) : tous les critères notés,
    aucun inconnu, notes dans le barème, commentaire pour les notes qui l'exigent."""
    bareme = grille.bareme
    erreurs: dict[str, str] = {}
    inconnus = sorted(set(notes) - set(grille.codes))
    if inconnus:
        erreurs[""] = f"Critère(s) inconnu(s) : {', '.join(inconnus)}."
    for critere in grille.criteres:
        if critere.code not in notes:
            erreurs[critere.code] = "Notez ce critère."
            continue
        note, commentaire = notes[critere.code]
        if not bareme.note_min <= note <= bareme.note_max:
            erreurs[critere.code] = f"La note va de {bareme.note_min} à {bareme.note_max}."
        elif bareme.commentaire_obligatoire(note) and not commentaire.strip():
            erreurs[critere.code] = f"Motivez la note {note} ({bareme.libelle(note).lower()}) dans le commentaire."
    return erreurs


# --- Service -----------------------------------------------------------------------------------------------------


class NotationInvalide(Exception):
    """La grille saisie est incomplète ou incorrecte ; `erreurs` les donne par code de critère."""

    def __init__(self, erreurs: dict[str, str]) -> None:
        self.erreurs = erreurs
        super().__init__(" ".join(erreurs.values()))


def raison_refus(demande: Demande, user: User) -> str | None:
    """Pourquoi `user` ne peut pas noter `demande` (None s'il le peut)."""
    if user.role == Role.SLAI:
        if user.territoire_id is None or not demande.territoires.filter(pk=user.territoire_id).exists():
            return "Cette demande ne concerne pas votre territoire."
    elif user.role not in ROLES_DPID_NOTATION:
        return "La notation est réservée aux agents de la DPID et au SLAI des territoires concernés."
    if demande.statut not in STATUTS_EN_INSTRUCTION:
        return "La demande n'est pas en instruction : elle ne se note plus (ou pas encore)."
    if grille_de(demande) is None:
        return "Le catalogue de cette édition n'a pas de grille de notation."
    return None


def peut_noter(demande: Demande, user: User) -> bool:
    return raison_refus(demande, user) is None


def noter(
    demande: Demande,
    evaluateur: User,
    notes: Mapping[str, tuple[int, str]],
    at: datetime.datetime | None = None,
) -> list[Notation]:
    """Enregistre la grille complète de `evaluateur` sur `demande` (remplace sa grille précédente).

    `notes` : par code de critère, la note et le commentaire. Lève `PermissionDenied` (rôle, territoire, statut)
    ou `NotationInvalide` (grille incomplète, note hors barème, commentaire manquant)."""
    refus = raison_refus(demande, evaluateur)
    if refus:
        raise PermissionDenied(refus)
    grille = grille_de(demande)
    assert grille is not None  # vérifié par raison_refus
    erreurs = erreurs_notes(notes, grille)
    if erreurs:
        raise NotationInvalide(erreurs)
    moment = at or timezone.now()
    with transaction.atomic():
        Demande.objects.select_for_update().filter(pk=demande.pk).first()
        anciennes = {n.critere: n for n in Notation.objects.filter(demande=demande, evaluateur=evaluateur)}
        Notation.objects.filter(pk__in=[n.pk for c, n in anciennes.items() if c not in notes]).delete()
        resultat = []
        for code in grille.codes:
            note, commentaire = notes[code]
            notation, _ = Notation.objects.update_or_create(
                demande=demande,
                evaluateur=evaluateur,
                critere=code,
                defaults={"note": note, "commentaire": commentaire.strip(), "notee_le": moment},
            )
            resultat.append(notation)
        audit.log(
            evaluateur,
            "instruction.noter",
            demande,
            at=moment,
            notes={code: notes[code][0] for code in grille.codes},
            pourcentage=str(pourcentage([notes[c][0] for c in grille.codes], grille.bareme)),
            modification=bool(anciennes),
        )
    return resultat


# --- Lectures ----------------------------------------------------------------------------------------------------


def scores_par_demande(demande_ids: Iterable[int]) -> dict[int, Decimal]:
    """Score de chaque demande notée : moyenne sur ses évaluateurs de leur total en pourcentage (0 à 100, au
    centième). Les demandes sans note sont absentes. Une seule requête (le barème est lu dans l'édition)."""
    chemin = "demande__dispositif__edition__notation__bareme__"
    lignes = (
        Notation.objects.filter(demande_id__in=list(demande_ids))
        .values("demande_id", "evaluateur_id")
        .annotate(
            total=Sum("note"),
            nombre=Count("id"),
            note_min=Cast(F(chemin + "note_min"), IntegerField()),
            note_max=Cast(F(chemin + "note_max"), IntegerField()),
        )
        .order_by()
    )
    parts: dict[int, list[Decimal]] = defaultdict(list)
    for ligne in lignes:
        if ligne["note_max"] is None:  # édition sans grille : rien à moyenner
            continue
        etendue = ligne["note_max"] - ligne["note_min"]
        parts[ligne["demande_id"]].append(fraction(ligne["total"], ligne["nombre"], ligne["note_min"], etendue))
    return {pk: moyenne(valeurs) for pk, valeurs in parts.items()}


@dataclass(frozen=True)
class Case:
    note: int
    libelle: str
    commentaire: str


@dataclass(frozen=True)
class LigneCritere:
    critere: Critere
    propre_fiche: bool
    cases: list[Case | None]  # une par évaluateur, dans l'ordre de `SyntheseNotation.evaluateurs`
    stats: Statistiques | None


@dataclass(frozen=True)
class SyntheseNotation:
    grille: GrilleDemande
    evaluateurs: list[User]
    lignes: list[LigneCritere]
    totaux: list[Decimal | None]  # pourcentage de chaque évaluateur
    moyenne: Decimal | None
    notees_le: list[datetime.datetime]

    @property
    def ecarts_importants(self) -> int:
        return sum(1 for ligne in self.lignes if ligne.stats and ligne.stats.ecart_important)


def synthese(demande: Demande, grille: GrilleDemande | None = None) -> SyntheseNotation | None:
    """Grilles de tous les évaluateurs de la demande, statistiques par critère et totaux en pourcentage."""
    grille = grille or grille_de(demande)
    if grille is None:
        return None
    notations = list(
        Notation.objects.filter(demande=demande, critere__in=grille.codes).select_related("evaluateur__territoire")
    )
    evaluateurs = sorted({n.evaluateur for n in notations}, key=lambda u: (u.last_name, u.first_name, u.pk))
    index = {(n.evaluateur_id, n.critere): n for n in notations}
    lignes = []
    for critere in grille.criteres:
        cases: list[Case | None] = []
        for evaluateur in evaluateurs:
            n = index.get((evaluateur.pk, critere.code))
            cases.append(Case(n.note, grille.bareme.libelle(n.note), n.commentaire) if n else None)
        notes = [c.note for c in cases if c is not None]
        stats = statistiques(notes, grille.seuil_ecart()) if notes else None
        lignes.append(LigneCritere(critere, critere.code in grille.codes_fiche, cases, stats))
    totaux: list[Decimal | None] = []
    for rang in range(len(evaluateurs)):
        notes = [ligne.cases[rang].note for ligne in lignes if ligne.cases[rang] is not None]
        totaux.append(pourcentage(notes, grille.bareme) if notes else None)
    presents = [t for t in totaux if t is not None]
    derniere = {}
    for n in notations:
        derniere[n.evaluateur_id] = max(derniere.get(n.evaluateur_id, n.notee_le), n.notee_le)
    return SyntheseNotation(
        grille=grille,
        evaluateurs=evaluateurs,
        lignes=lignes,
        totaux=totaux,
        moyenne=moyenne(presents) if presents else None,
        notees_le=[derniere[u.pk] for u in evaluateurs],
    )


def notes_de(demande: Demande, evaluateur: User) -> dict[str, tuple[int, str]]:
    """La grille déjà saisie par `evaluateur` (pour préremplir son formulaire)."""
    return {
        n.critere: (n.note, n.commentaire) for n in Notation.objects.filter(demande=demande, evaluateur=evaluateur)
    }


def notation_contexte(demande: Demande, user: User) -> dict[str, object]:
    """Pour la fiche de la demande : la synthèse de la notation et le droit de noter, aux agents seulement (les
    porteurs ne voient rien de la notation)."""
    if not user.est_agent:
        return {}
    resume = synthese(demande)
    return {
        "notation_synthese": resume,
        "peut_noter": peut_noter(demande, user),
        "deja_note": resume is not None and any(e.pk == user.pk for e in resume.evaluateurs),
    }
