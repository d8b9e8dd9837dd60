"""Rendu Word (docxtpl) des conventions et des avenants, et validation des modèles téléversés.

Le modèle utilisé est le modèle actif du type téléversé par un administrateur (`ModeleDocument`), à défaut le
modèle par défaut livré dans `aap/conventions/modeles/` (construit par `modeles/construire.py`).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined, TemplateError

from aap.conventions.champs import champs_disponibles, contexte_exemple
from aap.conventions.contexte import contexte_avenant, contexte_convention
from aap.conventions.models import Avenant, Convention, ModeleDocument, TypeModele
from aap.core import audit
from aap.core.models import Role, User


MODELES = Path(__file__).resolve().parent / "modeles"


class ModeleInvalide(ValueError):
    """Le fichier téléversé n'est pas un modèle utilisable ; le message (en français) dit pourquoi."""


def chemin_defaut(type_modele: str) -> Path:
    return MODELES / f"{TypeModele(type_modele).value}.docx"


def modele_actif(type_modele: str) -> ModeleDocument | None:
    return ModeleDocument.objects.filter(type=type_modele, actif=True).order_by("-televerse_le", "-pk").first()


def _gabarit(type_modele: str, modele: ModeleDocument | None) -> DocxTemplate:
    if modele is None:
        return DocxTemplate(chemin_defaut(type_modele))
    with modele.fichier.open("rb") as fichier:
        return DocxTemplate(io.BytesIO(fichier.read()))


def rendre(type_modele: str, contexte: dict[str, Any], modele: ModeleDocument | None = None) -> bytes:
    gabarit = _gabarit(type_modele, modele)
    gabarit.render(contexte, autoescape=True)
    sortie = io.BytesIO()
    gabarit.save(sortie)
    return sortie.getvalue()


def rendre_convention_avec_modele(convention: Convention) -> tuple[bytes, ModeleDocument | None]:
    modele = modele_actif(TypeModele.CONVENTION)
    return rendre(TypeModele.CONVENTION, contexte_convention(convention), modele), modele


def rendre_convention(convention: Convention) -> bytes:
    """La convention en DOCX (modèle actif, sinon modèle par défaut)."""
    return rendre_convention_avec_modele(convention)[0]


def rendre_avenant(avenant: Avenant) -> bytes:
    """L'avenant en DOCX (modèle actif, sinon modèle par défaut)."""
    return rendre(TypeModele.AVENANT, contexte_avenant(avenant), modele_actif(TypeModele.AVENANT))


def empreinte(contenu: bytes) -> str:
    return hashlib.sha256(contenu).hexdigest()


def valider_modele(contenu: bytes, type_modele: str) -> list[str]:
    """Contrôle un modèle téléversé et rend la liste triée des champs de fusion qu'il utilise.

    Refusé (`ModeleInvalide`) : un fichier qui n'est pas un DOCX (archive ZIP avec `word/document.xml`), un
    modèle dont les balises sont mal formées, qui nomme un champ inconnu, ou qui ne se fusionne pas sans erreur
    avec un contexte d'exemple complet."""
    try:
        with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise ModeleInvalide(
                    "Ce fichier n'est pas un document Word (.docx) : il ne contient pas de texte Word."
                )
    except zipfile.BadZipFile as exc:
        raise ModeleInvalide(
            "Ce fichier n'est pas un document Word (.docx) : il est illisible ou d'un autre format."
        ) from exc
    disponibles = [c.nom for c in champs_disponibles(type_modele)]
    try:
        champs = DocxTemplate(io.BytesIO(contenu)).get_undeclared_template_variables()
    except TemplateError as exc:
        raise ModeleInvalide(f"Les balises du modèle sont mal formées : {exc}.") from exc
    except Exception as exc:  # noqa: BLE001 — docx illisible par python-docx : refusé, motif affiché
        raise ModeleInvalide(f"Le document Word est illisible : {exc}.") from exc
    inconnus = sorted(set(champs) - set(disponibles))
    if inconnus:
        raise ModeleInvalide(
            "Champs de fusion inconnus : "
            + ", ".join(inconnus)
            + ". Champs disponibles : "
            + ", ".join(disponibles)
            + "."
        )
    try:
        gabarit = DocxTemplate(io.BytesIO(contenu))
        gabarit.render(contexte_exemple(type_modele), Environment(undefined=StrictUndefined), autoescape=True)
        gabarit.save(io.BytesIO())
    except Exception as exc:  # noqa: BLE001 — toute erreur de fusion refuse le modèle, motif affiché
        raise ModeleInvalide(f"Le modèle ne se fusionne pas avec une convention d'exemple : {exc}.") from exc
    return sorted(champs)


def _exiger_admin(acteur: User) -> None:
    if not acteur.is_authenticated or acteur.role != Role.ADMIN:
        raise PermissionDenied("Seul un administrateur gère les modèles de documents.")


def televerser_modele(type_modele: str, contenu: bytes, nom: str, acteur: User) -> ModeleDocument:
    """Valide le modèle, l'enregistre (empreinte SHA-256, champs utilisés) et le met en service à la place du
    précédent, qui reste dans l'historique et peut être remis en service."""
    _exiger_admin(acteur)
    type_modele = TypeModele(type_modele)
    champs = valider_modele(contenu, type_modele)
    with transaction.atomic():
        ModeleDocument.objects.select_for_update().filter(type=type_modele, actif=True).update(actif=False)
        modele = ModeleDocument(
            type=type_modele,
            nom_original=Path(nom).name[:255],
            empreinte=empreinte(contenu),
            champs=champs,
            actif=True,
            televerse_par=acteur,
            televerse_le=timezone.now(),
        )
        modele.fichier.save(f"{type_modele}-{modele.empreinte[:12]}.docx", ContentFile(contenu), save=False)
        modele.save()
        audit.log(acteur, "modele_document.televerser", modele, type=type_modele, empreinte=modele.empreinte)
    return modele


def activer_modele(modele: ModeleDocument, acteur: User) -> ModeleDocument:
    """Remet en service un modèle de l'historique (les autres du même type sont mis hors service)."""
    _exiger_admin(acteur)
    with transaction.atomic():
        ModeleDocument.objects.select_for_update().filter(type=modele.type).exclude(pk=modele.pk).update(actif=False)
        ModeleDocument.objects.filter(pk=modele.pk).update(actif=True)
        modele.actif = True
        audit.log(acteur, "modele_document.activer", modele, type=modele.type)
    return modele


def revenir_au_modele_livre(type_modele: str, acteur: User) -> None:
    """Plus aucun modèle téléversé en service : le modèle livré avec l'application sert de nouveau."""
    _exiger_admin(acteur)
    with transaction.atomic():
        nombre = ModeleDocument.objects.filter(type=type_modele, actif=True).update(actif=False)
        audit.log(acteur, "modele_document.modele_livre", None, type=type_modele, desactives=nombre)
