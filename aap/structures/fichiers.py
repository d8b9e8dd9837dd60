"""Contrôle des fichiers déposés : type reconnu par son contenu (signature), extension cohérente, taille.

On ne se fie ni au nom ni au type MIME envoyés par le navigateur : les premiers octets décident. Les
exécutables et les documents bureautiques à macros sont refusés.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class Format:
    code: str
    libelle: str
    mime: str
    extensions: tuple[str, ...]


PDF = Format("pdf", "PDF", "application/pdf", ("pdf",))
PNG = Format("png", "image PNG", "image/png", ("png",))
JPEG = Format("jpeg", "image JPEG", "image/jpeg", ("jpg", "jpeg"))
OLE = Format("ole", "document Word ou Excel 97-2003", "application/octet-stream", ("doc", "xls"))
DOCX = Format(
    "docx", "document Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",)
)
XLSX = Format("xlsx", "classeur Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",))
ODT = Format("odt", "document OpenDocument texte", "application/vnd.oasis.opendocument.text", ("odt",))
ODS = Format("ods", "classeur OpenDocument", "application/vnd.oasis.opendocument.spreadsheet", ("ods",))

FORMATS = (PDF, PNG, JPEG, OLE, DOCX, XLSX, ODT, ODS)
EXTENSIONS_ACCEPTEES = tuple(ext for f in FORMATS for ext in f.extensions)
#: Pour l'attribut `accept` du champ de fichier.
ACCEPT = ",".join(f".{ext}" for ext in EXTENSIONS_ACCEPTEES)
LIBELLE_FORMATS = "PDF, PNG, JPEG, Word (DOC, DOCX), Excel (XLS, XLSX), OpenDocument (ODT, ODS)"

_EXECUTABLES = (
    b"MZ",  # Windows (PE, DOS)
    b"\x7fELF",  # Linux
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # macOS, Java
    b"#!",  # scripts
)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class FichierRefuse(ValidationError):
    """Le fichier est refusé ; le message dit pourquoi et quoi faire."""


def taille_lisible(octets: int) -> str:
    if octets >= 1024 * 1024:
        return f"{octets / (1024 * 1024):.1f} Mo".replace(".0 ", " ").replace(".", ",")
    if octets >= 1024:
        return f"{octets // 1024} ko"
    return f"{octets} octets"


def _format_zip(fichier: IO[bytes]) -> Format | None:
    fichier.seek(0)
    try:
        with zipfile.ZipFile(fichier) as archive:
            noms = set(archive.namelist())
            if "mimetype" in noms:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                return {ODT.mime: ODT, ODS.mime: ODS}.get(mimetype)
            if any(n.lower().endswith("vbaproject.bin") for n in noms):
                raise FichierRefuse(
                    "Les documents contenant des macros sont refusés : enregistrez-le sans macros (DOCX, XLSX) "
                    "ou en PDF.",
                    code="macros",
                )
            if "[Content_Types].xml" in noms:
                if "word/document.xml" in noms:
                    return DOCX
                if "xl/workbook.xml" in noms:
                    return XLSX
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return None
    return None


def detecter_format(fichier: IO[bytes]) -> Format | None:
    """Le format reconnu par la signature du contenu, ou None. Lève `FichierRefuse` pour un exécutable."""
    fichier.seek(0)
    tete = fichier.read(16)
    fichier.seek(0)
    if any(tete.startswith(sig) for sig in _EXECUTABLES):
        raise FichierRefuse("Les fichiers exécutables ou les scripts sont refusés.", code="executable")
    if tete.startswith(b"%PDF-"):
        return PDF
    if tete.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if tete.startswith(b"\xff\xd8\xff"):
        return JPEG
    if tete.startswith(_OLE_MAGIC):
        return OLE
    if tete.startswith(b"PK\x03\x04"):
        return _format_zip(fichier)
    return None


def verifier_fichier(fichier: IO[bytes], nom: str, taille: int) -> Format:
    """Taille, extension acceptée, contenu reconnu et cohérent avec l'extension ; renvoie le format détecté."""
    maximum = settings.UPLOAD_MAX_BYTES
    if taille <= 0:
        raise FichierRefuse("Le fichier est vide.", code="vide")
    if taille > maximum:
        raise FichierRefuse(
            "Le fichier pèse %(taille)s : la taille maximale est de %(max)s. Réduisez-le (PDF compressé, "
            "numérisation en 150 ppp) avant de le déposer.",
            code="taille",
            params={"taille": taille_lisible(taille), "max": taille_lisible(maximum)},
        )
    extension = PurePath(nom).suffix.lower().lstrip(".")
    if extension not in EXTENSIONS_ACCEPTEES:
        raise FichierRefuse(
            "Les fichiers « .%(ext)s » ne sont pas acceptés. Formats acceptés : %(formats)s.",
            code="extension",
            params={"ext": extension or "sans extension", "formats": LIBELLE_FORMATS},
        )
    detecte = detecter_format(fichier)
    if detecte is None:
        raise FichierRefuse(
            "Le contenu de ce fichier n'est pas reconnu comme l'un des formats acceptés (%(formats)s). "
            "Le fichier est peut-être endommagé.",
            code="contenu",
            params={"formats": LIBELLE_FORMATS},
        )
    if extension not in detecte.extensions:
        raise FichierRefuse(
            "Le nom du fichier se termine par « .%(ext)s » mais son contenu est un %(format)s : renommez-le "
            "avec la bonne extension ou déposez le bon fichier.",
            code="extension_incoherente",
            params={"ext": extension, "format": detecte.libelle},
        )
    return detecte


def mime_du_nom(nom: str) -> str:
    """Type MIME servi au téléchargement, d'après l'extension contrôlée au dépôt."""
    extension = PurePath(nom).suffix.lower().lstrip(".")
    for f in FORMATS:
        if extension in f.extensions:
            if f is OLE:
                return "application/msword" if extension == "doc" else "application/vnd.ms-excel"
            return f.mime
    return "application/octet-stream"


def contenu_de_test(fmt: Format) -> bytes:
    """Un petit fichier minimal du format donné (démonstration et tests)."""
    if fmt is PDF:
        return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    if fmt is PNG:
        return b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    if fmt is JPEG:
        return b"\xff\xd8\xff\xe0" + b"\x00" * 32
    if fmt is OLE:
        return _OLE_MAGIC + b"\x00" * 32
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if fmt in (ODT, ODS):
            archive.writestr("mimetype", fmt.mime)
            archive.writestr("content.xml", "<office:document-content/>")
        else:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml" if fmt is DOCX else "xl/workbook.xml", "<x/>")
    return buffer.getvalue()
