"""Pièces de démonstration des structures, déposées par le vrai service (contrôle du type de fichier compris).

Chaque pièce est un petit PDF d'une page, fabriqué ici (« Document de démonstration »), sans donnée réelle.
La plupart des structures sont à jour ; quelques-unes ont une attestation d'assurance expirée ou un RIB
manquant, pour que l'état des pièces ait du sens à l'écran.
"""

from __future__ import annotations

import datetime
import random

from django.core.files.uploadedfile import SimpleUploadedFile

from aap.core.models import User
from aap.structures.models import Structure, TypeDocument
from aap.structures.pieces import deposer_piece


def pdf_demo(titre: str) -> bytes:
    """Un PDF 1.4 minimal d'une page portant `titre` (ASCII), avec sa table des références exacte."""
    texte = titre.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    flux = b"BT /F1 18 Tf 72 720 Td (" + texte + b") Tj ET"
    objets = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(flux)).encode() + b" >>\nstream\n" + flux + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    sortie = bytearray(b"%PDF-1.4\n")
    positions = []
    for numero, corps in enumerate(objets, start=1):
        positions.append(len(sortie))
        sortie += f"{numero} 0 obj\n".encode() + corps + b"\nendobj\n"
    xref = len(sortie)
    sortie += f"xref\n0 {len(objets) + 1}\n0000000000 65535 f \n".encode()
    sortie += b"".join(f"{p:010d} 00000 n \n".encode() for p in positions)
    sortie += f"trailer\n<< /Size {len(objets) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(sortie)


def deposer_pieces_demo(structure: Structure, acteur: User, rng: random.Random) -> int:
    """Statuts, assurance, comptes annuels 2025 et RIB ; renvoie le nombre de pièces déposées."""
    assurance_expiree = rng.random() < 0.1
    pieces = [
        (TypeDocument.STATUTS, None, None),
        (
            TypeDocument.ASSURANCE,
            datetime.date(2025, 1, 1) if assurance_expiree else datetime.date(2026, 1, 1),
            datetime.date(2025, 12, 31) if assurance_expiree else datetime.date(2026, 12, 31),
        ),
        (TypeDocument.COMPTES_ANNUELS, datetime.date(2025, 1, 1), None),
    ]
    if rng.random() < 0.9:
        pieces.append((TypeDocument.RIB, None, None))
    for type_piece, du, jusquau in pieces:
        nom = f"{type_piece.value}-{structure.siret}.pdf"
        fichier = SimpleUploadedFile(
            nom, pdf_demo(f"{type_piece.label} - document de demonstration"), "application/pdf"
        )
        deposer_piece(structure, acteur, type_piece=type_piece, fichier=fichier, valide_du=du, valide_jusquau=jusquau)
    return len(pieces)
