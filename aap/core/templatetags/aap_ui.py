"""Filtres et balises du jeu de composants AAP Inclusion (chargés partout via `builtins`)."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.http import QueryDict
from django.utils import timezone
from django.utils.html import format_html


register = template.Library()

NBSP = "\u00a0"


def format_decimal(value: Decimal | int | float | str | None, places: int = 2) -> str:
    """14256065.96 → « 14 256 065,96 » (espaces insécables, virgule décimale)."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    quant = Decimal(1).scaleb(-places) if places else Decimal(1)
    number = number.quantize(quant, rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    integer, _, fraction = f"{abs(number):f}".partition(".")
    groups = []
    while integer:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    text = NBSP.join(groups) or "0"
    return f"{sign}{text},{fraction}" if places else f"{sign}{text}"


@register.filter
def euros(value: Decimal | int | str | None) -> str:
    """Montant en euros : « 14 256 065,96 € »."""
    if value is None or value == "":
        return "—"
    return f"{format_decimal(value)}{NBSP}€"


@register.filter
def nombre(value: Decimal | int | str | None, places: int = 2) -> str:
    """Nombre décimal français ; les zéros inutiles sont retirés (« 6,8 », « 12 »)."""
    if value is None or value == "":
        return "—"
    text = format_decimal(value, int(places))
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return text


@register.filter
def pourcent(value: Decimal | int | str | None) -> str:
    if value is None or value == "":
        return "—"
    return f"{nombre(value)}{NBSP}%"


@register.filter
def date_fr(value: datetime.date | datetime.datetime | None) -> str:
    """15/02/2026 ; pour un horodatage, l'heure de Paris est ajoutée."""
    if value is None:
        return "—"
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%d/%m/%Y à %H:%M")
    return value.strftime("%d/%m/%Y")


BADGE_TONES = {
    "neutre": "badge--neutre",
    "info": "badge--info",
    "succes": "badge--succes",
    "alerte": "badge--alerte",
    "erreur": "badge--erreur",
}


@register.simple_tag
def badge(label: str, tone: str = "neutre") -> str:
    return format_html('<span class="badge {}">{}</span>', BADGE_TONES.get(tone, "badge--neutre"), label)


@register.inclusion_tag("ui/sort_header.html", takes_context=True)
def sort_header(context: template.Context, label: str, field: str) -> dict:
    """En-tête de colonne triable : lien qui bascule l'ordre, `aria-sort` pour les lecteurs d'écran."""
    request = context["request"]
    current = request.GET.get("tri", "")
    params: QueryDict = request.GET.copy()
    params.pop("page", None)
    if current == field:
        params["tri"] = f"-{field}"
        state = "ascending"
    elif current == f"-{field}":
        params["tri"] = field
        state = "descending"
    else:
        params["tri"] = field
        state = "none"
    return {"label": label, "url": f"?{params.urlencode()}", "state": state}


@register.simple_tag(takes_context=True)
def page_url(context: template.Context, page: int) -> str:
    params: QueryDict = context["request"].GET.copy()
    params["page"] = str(page)
    return f"?{params.urlencode()}"


@register.simple_tag
def field_widget(bound_field) -> str:  # noqa: ANN001 - BoundField
    """Le widget, avec `aria-invalid` et `aria-describedby` (aide + erreurs) posés selon l'état du champ."""
    ids = []
    if bound_field.help_text:
        ids.append(f"{bound_field.auto_id}_helptext")
    attrs: dict[str, str] = {}
    if bound_field.errors:
        ids.append(f"{bound_field.auto_id}_error")
        attrs["aria-invalid"] = "true"
    if ids and not bound_field.field.widget.use_fieldset:
        attrs["aria-describedby"] = " ".join(ids)
    return bound_field.as_widget(attrs=attrs)
