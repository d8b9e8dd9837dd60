"""Rendu PDF (WeasyPrint) des gabarits HTML de `aap/templates/documents/` : A4, polices DejaVu.

Les gabarits héritent de `documents/base.html` (mise en page A4, en-tête et pied de page). Les chemins
relatifs (images, feuilles de style) sont résolus depuis `aap/static/`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string


def base_url() -> str:
    """Racine des fichiers statiques du projet, pour les chemins relatifs des gabarits."""
    return f"{settings.BASE_DIR / 'aap' / 'static'}/"


def render_html(template_name: str, context: dict[str, Any]) -> str:
    return render_to_string(template_name, context)


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Le gabarit rendu en PDF (octets)."""
    from weasyprint import HTML  # import tardif : WeasyPrint charge Pango au premier appel

    return HTML(string=render_html(template_name, context), base_url=base_url()).write_pdf()
