"""Balises des pages des conventions : badges de statut, inclusion d'un gabarit partiel s'il existe."""

from __future__ import annotations

from django import template
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from aap.conventions.models import Avenant, Convention
from aap.core.templatetags.aap_ui import badge


register = template.Library()

TONS_CONVENTION = {
    "generee": "neutre",
    "envoyee": "info",
    "signee_structure": "alerte",
    "signee": "succes",
    "soldee": "neutre",
    "resiliee": "erreur",
}
TONS_AVENANT = {
    "demande": "info",
    "accepte": "succes",
    "refuse": "erreur",
    "en_attente_cp": "alerte",
    "signe": "succes",
}


@register.simple_tag
def statut_convention(convention: Convention) -> str:
    return badge(convention.get_statut_display(), TONS_CONVENTION.get(convention.statut, "neutre"))


@register.simple_tag
def statut_avenant(avenant: Avenant) -> str:
    return badge(avenant.get_statut_display(), TONS_AVENANT.get(avenant.statut, "neutre"))


@register.simple_tag(takes_context=True)
def include_si_existe(context: template.Context, nom: str) -> SafeString:
    """Comme `{% include %}` avec le contexte courant, mais rend "" si le gabarit n'existe pas (encore)."""
    try:
        gabarit = get_template(nom)
    except TemplateDoesNotExist:
        return mark_safe("")  # noqa: S308 - chaîne vide constante
    return mark_safe(gabarit.render(context.flatten(), request=context.get("request")))  # noqa: S308 - rendu Django
