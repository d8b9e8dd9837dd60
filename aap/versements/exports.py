"""Export des ordres de paiement vers le logiciel financier : chaque versement « validé » pas encore transmis
rejoint un `ExportFinances` avec un classeur XLSX et un fichier CSV (format décrit dans docs/export-finances.md) ;
ses versements passent « transmis aux finances »."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from aap.core import audit
from aap.core.models import Role, User
from aap.core.permissions import exiger_role
from aap.versements.models import ExportFinances, StatutVersement, Versement


ROLES_EXPORT = frozenset({Role.FINANCES, Role.GESTIONNAIRE})

#: (clé, en-tête) dans l'ordre des colonnes des deux fichiers.
COLONNES = [
    ("siret", "Tiers (SIRET)"),
    ("raison_sociale", "Raison sociale"),
    ("iban", "IBAN"),
    ("bic", "BIC"),
    ("imputation", "Imputation"),
    ("code_operation", "Code opération"),
    ("montant", "Montant"),
    ("objet", "Objet"),
    ("convention", "N° de convention"),
    ("type", "Type d'échéance"),
    ("date_cp", "Date de la CP"),
    ("deliberation", "N° de délibération"),
]
COLONNE_MONTANT = [c for c, _ in COLONNES].index("montant") + 1
FORMAT_MONTANT = '#,##0.00\\ "€"'
FORMAT_DATE = "DD/MM/YYYY"


@dataclass(frozen=True)
class LigneExport:
    versement_id: int
    siret: str
    raison_sociale: str
    iban: str
    bic: str
    imputation: str
    code_operation: str
    montant: Decimal
    objet: str
    convention: str
    type: str
    date_cp: datetime.date
    deliberation: str


def a_exporter() -> QuerySet[Versement]:
    """Les versements validés pas encore transmis, dans l'ordre des conventions et des échéances."""
    return (
        Versement.objects.filter(statut=StatutVersement.VALIDE, export__isnull=True)
        .select_related(
            "convention__structure",
            "convention__seance",
            "echeance__operation__dispositif__ligne_budgetaire",
            "echeance__operation__inscription__proposition__ligne",
        )
        .order_by("convention__annee", "convention__sequence", "echeance__operation__rang", "echeance__rang")
    )


def _pourcent(taux: Decimal) -> str:
    texte = f"{taux.normalize():f}".replace(".", ",")
    return f"{texte} %"


def ligne(versement: Versement) -> LigneExport:
    echeance = versement.echeance
    operation = echeance.operation
    convention = versement.convention
    structure = convention.structure
    ligne_budget = operation.inscription.proposition.ligne or operation.dispositif.ligne_budgetaire
    objet = (
        f"{echeance.get_type_display()} {_pourcent(echeance.taux)} – convention {convention.numero} – "
        f"dispositif {operation.dispositif.code} – {operation.intitule}"
    )
    return LigneExport(
        versement_id=versement.pk,
        siret=structure.siret,
        raison_sociale=structure.raison_sociale,
        iban=structure.iban.replace(" ", ""),
        bic=structure.bic,
        imputation=ligne_budget.imputation if ligne_budget else "",
        code_operation=ligne_budget.code_operation if ligne_budget else "",
        montant=versement.montant,
        objet=objet,
        convention=convention.numero,
        type=echeance.get_type_display(),
        date_cp=convention.seance.date,
        deliberation=convention.seance.numero_deliberation,
    )


def ecrire_xlsx(lignes: list[LigneExport]) -> bytes:
    """Classeur : en-têtes en gras, montants en nombres (format français à l'affichage), dates en dates, ligne de
    total avec une formule SOMME."""
    classeur = Workbook()
    feuille = classeur.active
    feuille.title = "Ordres de paiement"
    feuille.append([titre for _, titre in COLONNES])
    for cellule in feuille[1]:
        cellule.font = Font(bold=True)
    for donnees in lignes:
        feuille.append([getattr(donnees, cle) for cle, _ in COLONNES])
    dernier = len(lignes) + 1
    lettre = get_column_letter(COLONNE_MONTANT)
    feuille.append(["Total", *[None] * (COLONNE_MONTANT - 2), f"=SUM({lettre}2:{lettre}{dernier})"])
    total = feuille.max_row
    for cellule in feuille[total]:
        cellule.font = Font(bold=True)
    colonne_date = [c for c, _ in COLONNES].index("date_cp") + 1
    for rang in range(2, total + 1):
        feuille.cell(rang, COLONNE_MONTANT).number_format = FORMAT_MONTANT
        feuille.cell(rang, colonne_date).number_format = FORMAT_DATE
    for index, (cle, titre) in enumerate(COLONNES, start=1):
        largeur = max([len(titre), *(len(str(getattr(d, cle))) for d in lignes)]) + 2
        feuille.column_dimensions[get_column_letter(index)].width = min(largeur, 80)
    feuille.freeze_panes = "A2"
    sortie = io.BytesIO()
    classeur.save(sortie)
    return sortie.getvalue()


def _csv(valeur: object) -> str:
    if isinstance(valeur, Decimal):
        return f"{valeur:.2f}".replace(".", ",")
    if isinstance(valeur, datetime.date):
        return valeur.strftime("%d/%m/%Y")
    return str(valeur)


def ecrire_csv(lignes: Iterable[LigneExport]) -> bytes:
    """CSV : séparateur « ; », UTF-8 avec BOM, virgule décimale sans séparateur de milliers, dates JJ/MM/AAAA."""
    sortie = io.StringIO()
    ecrivain = csv.writer(sortie, delimiter=";", lineterminator="\r\n")
    ecrivain.writerow([titre for _, titre in COLONNES])
    for donnees in lignes:
        ecrivain.writerow([_csv(getattr(donnees, cle)) for cle, _ in COLONNES])
    return ("\ufeff" + sortie.getvalue()).encode("utf-8")


def exporter(
    acteur: User,
    *,
    progression: Callable[[int, int, str], None] | None = None,
    at: datetime.datetime | None = None,
) -> ExportFinances | None:
    """Réunit tous les versements validés non transmis dans un export (None s'il n'y en a aucun)."""
    exiger_role(acteur, ROLES_EXPORT, "Seuls les agents des finances et les gestionnaires exportent les paiements.")
    at = at or timezone.now()
    avancer = progression or (lambda fait, total, etape: None)
    with transaction.atomic():
        versements = list(a_exporter().select_for_update(of=("self",)))
        if not versements:
            return None
        lignes = []
        for rang, versement in enumerate(versements, start=1):
            lignes.append(ligne(versement))
            avancer(rang, len(versements) + 2, "Préparation des ordres de paiement")
        export = ExportFinances.objects.create(
            cree_par=acteur, cree_le=at, nombre=len(lignes), total=sum((d.montant for d in lignes), Decimal(0))
        )
        base = f"ordres-de-paiement-{export.pk:05d}-{timezone.localtime(at):%Y%m%d}"
        avancer(len(versements), len(versements) + 2, "Écriture du classeur XLSX")
        export.fichier_xlsx.save(f"{base}.xlsx", ContentFile(ecrire_xlsx(lignes)), save=False)
        avancer(len(versements) + 1, len(versements) + 2, "Écriture du fichier CSV")
        export.fichier_csv.save(f"{base}.csv", ContentFile(ecrire_csv(lignes)), save=False)
        export.save(update_fields=["fichier_xlsx", "fichier_csv"])
        Versement.objects.filter(pk__in=[v.pk for v in versements]).update(
            statut=StatutVersement.EXPORTE, export=export
        )
        audit.log(acteur, "versements.exporter", export, at=at, nombre=export.nombre, total=export.total)
    return export
