"""Graphiques SVG de l'observatoire, rendus côté serveur (aucune bibliothèque JavaScript).

Accessibles : `role="img"`, `<title>` et `<desc>` reliés par `aria-labelledby`, chaque valeur écrite à côté de sa
barre, séries distinguées par un motif (plein, hachures, points…) en plus de la couleur et rappelées en légende ;
les mêmes chiffres sont toujours repris dans un tableau sous le graphique (gabarits). Couleurs d'un contraste
d'au moins 4,5:1 sur blanc ; le SVG s'imprime tel quel (pas de dépendance à la feuille de style).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from aap.core.templatetags.aap_ui import format_decimal


#: (couleur, motif) : la couleur porte le motif ; tous ces bleus, bruns, verts… dépassent 4,5:1 sur blanc.
STYLES = [
    ("#1f4e79", "plein"),
    ("#9a4d00", "hachures"),
    ("#2e6b30", "points"),
    ("#6a1b9a", "quadrillage"),
    ("#37474f", "horizontal"),
    ("#a4262c", "vertical"),
]
POLICE = 'font-family="Marianne, Arial, sans-serif" font-size="12"'
LARGEUR = 760


@dataclass(frozen=True)
class Serie:
    nom: str
    #: Une valeur par catégorie ; None : non diffusée (secret statistique), rien n'est tracé.
    valeurs: Sequence[int | None]


def _n(valeur: int | None) -> str:
    return "secret" if valeur is None else format_decimal(valeur, 0)


def _motifs(prefixe: str, nombre: int) -> str:
    defs = []
    for rang, (couleur, motif) in enumerate(STYLES[:nombre]):
        ident = f"{prefixe}-motif-{rang}"
        trace = {
            "plein": "",
            "hachures": '<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="#fff" stroke-width="1.6"/>',
            "points": '<circle cx="4" cy="4" r="1.6" fill="#fff"/>',
            "quadrillage": '<path d="M0,4 H8 M4,0 V8" stroke="#fff" stroke-width="1.2"/>',
            "horizontal": '<path d="M0,2 H8 M0,6 H8" stroke="#fff" stroke-width="1.2"/>',
            "vertical": '<path d="M2,0 V8 M6,0 V8" stroke="#fff" stroke-width="1.2"/>',
        }[motif]
        defs.append(
            f'<pattern id="{ident}" width="8" height="8" patternUnits="userSpaceOnUse">'
            f'<rect width="8" height="8" fill="{couleur}"/>{trace}</pattern>'
        )
    return f"<defs>{''.join(defs)}</defs>"


def _remplissage(prefixe: str, rang: int) -> str:
    return f"url(#{prefixe}-motif-{rang % len(STYLES)})"


def _entete(ident: str, titre: str, description: str, hauteur: int, nombre_series: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="graphique" role="img" viewBox="0 0 {LARGEUR} {hauteur}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" aria-labelledby="{ident}-titre {ident}-desc">'
        f'<title id="{ident}-titre">{escape(titre)}</title><desc id="{ident}-desc">{escape(description)}</desc>'
        f"{_motifs(ident, nombre_series)}"
    )


def _legende(ident: str, series: Sequence[Serie], y: int) -> str:
    morceaux, x = [], 0
    for rang, serie in enumerate(series):
        morceaux.append(
            f'<rect x="{x}" y="{y}" width="16" height="12" fill="{_remplissage(ident, rang)}" stroke="#222"/>'
            f'<text x="{x + 22}" y="{y + 10}" {POLICE} fill="#222">{escape(serie.nom)}</text>'
        )
        x += 36 + 7 * len(serie.nom)
    return "".join(morceaux)


def _libelle_court(texte: str, longueur: int = 30) -> str:
    return texte if len(texte) <= longueur else texte[: longueur - 1] + "…"


def barres(ident: str, titre: str, description: str, categories: Sequence[str], series: Sequence[Serie]) -> SafeString:
    """Barres horizontales groupées : une ligne par catégorie, une barre par série, valeur écrite au bout."""
    marge, barre, ecart = 220, 16, 14
    hauteur_groupe = barre * len(series) + ecart
    haut = 30
    hauteur = haut + hauteur_groupe * max(len(categories), 1) + 10
    maximum = max([v for s in series for v in s.valeurs if v] or [1])
    utile = LARGEUR - marge - 70
    morceaux = [_entete(ident, titre, description, hauteur, len(series)), _legende(ident, series, 4)]
    for i, categorie in enumerate(categories):
        y0 = haut + i * hauteur_groupe
        morceaux.append(
            f'<text x="{marge - 8}" y="{y0 + barre * len(series) / 2 + 4}" text-anchor="end" {POLICE} fill="#222">'
            f"{escape(_libelle_court(categorie))}</text>"
        )
        for rang, serie in enumerate(series):
            valeur = serie.valeurs[i]
            y = y0 + rang * barre
            largeur = 0 if not valeur else max(1, round(utile * valeur / maximum))
            if largeur:
                morceaux.append(
                    f'<rect x="{marge}" y="{y}" width="{largeur}" height="{barre - 2}" '
                    f'fill="{_remplissage(ident, rang)}" stroke="#222" stroke-width="0.5"/>'
                )
            morceaux.append(
                f'<text x="{marge + largeur + 6}" y="{y + barre - 5}" {POLICE} fill="#222">{_n(valeur)}</text>'
            )
    morceaux.append(f'<line x1="{marge}" y1="{haut - 4}" x2="{marge}" y2="{hauteur - 8}" stroke="#222"/></svg>')
    return mark_safe("".join(morceaux))  # noqa: S308 - tout texte variable est échappé


def empilees(
    ident: str, titre: str, description: str, categories: Sequence[str], series: Sequence[Serie]
) -> SafeString:
    """Barres horizontales empilées (une par catégorie, un segment par série) ; chaque segment assez large porte
    sa valeur, le total est écrit au bout de la barre."""
    marge, barre, ecart, haut = 220, 22, 10, 30 + 18 * ((len(series) + 2) // 3)
    hauteur = haut + (barre + ecart) * max(len(categories), 1) + 10
    totaux = [
        None if any(s.valeurs[i] is None for s in series) else sum(s.valeurs[i] for s in series)
        for i in range(len(categories))
    ]
    maximum = max([t for t in totaux if t] or [1])
    utile = LARGEUR - marge - 70
    morceaux = [_entete(ident, titre, description, hauteur, len(series))]
    for debut in range(0, len(series), 3):
        morceaux.append(_legende_decalee(ident, series, debut, 4 + 18 * (debut // 3)))
    for i, categorie in enumerate(categories):
        y = haut + i * (barre + ecart)
        morceaux.append(
            f'<text x="{marge - 8}" y="{y + barre / 2 + 4}" text-anchor="end" {POLICE} fill="#222">'
            f"{escape(_libelle_court(categorie))}</text>"
        )
        x = marge
        for rang, serie in enumerate(series):
            valeur = serie.valeurs[i]
            if not valeur:
                continue
            largeur = max(1, round(utile * valeur / maximum))
            morceaux.append(
                f'<rect x="{x}" y="{y}" width="{largeur}" height="{barre}" fill="{_remplissage(ident, rang)}" '
                f'stroke="#fff" stroke-width="1"/>'
            )
            if largeur >= 26:
                morceaux.append(
                    f'<text x="{x + largeur / 2}" y="{y + barre / 2 + 4}" text-anchor="middle" {POLICE} '
                    f'fill="#fff" stroke="#000" stroke-width="2.5" paint-order="stroke">{_n(valeur)}</text>'
                )
            x += largeur
        morceaux.append(f'<text x="{x + 6}" y="{y + barre / 2 + 4}" {POLICE} fill="#222">{_n(totaux[i])}</text>')
    morceaux.append("</svg>")
    return mark_safe("".join(morceaux))  # noqa: S308 - tout texte variable est échappé


def _legende_decalee(ident: str, series: Sequence[Serie], debut: int, y: int) -> str:
    morceaux, x = [], 0
    for rang in range(debut, min(debut + 3, len(series))):
        nom = series[rang].nom
        morceaux.append(
            f'<rect x="{x}" y="{y}" width="16" height="12" fill="{_remplissage(ident, rang)}" stroke="#222"/>'
            f'<text x="{x + 22}" y="{y + 10}" {POLICE} fill="#222">{escape(nom)}</text>'
        )
        x += 255
    return "".join(morceaux)


def colonnes(
    ident: str, titre: str, description: str, categories: Sequence[str], series: Sequence[Serie]
) -> SafeString:
    """Colonnes verticales groupées (une par mois et par série), valeur écrite au-dessus de chaque colonne."""
    bas, haut, gauche = 250, 40, 10
    hauteur = bas + 30
    groupe = (LARGEUR - gauche) / max(len(categories), 1)
    colonne = max(2.0, min(24.0, (groupe - 6) / max(len(series), 1)))
    maximum = max([v for s in series for v in s.valeurs if v] or [1])
    morceaux = [_entete(ident, titre, description, hauteur, len(series)), _legende(ident, series, 4)]
    for i, categorie in enumerate(categories):
        x0 = gauche + i * groupe + (groupe - colonne * len(series)) / 2
        for rang, serie in enumerate(series):
            valeur = serie.valeurs[i]
            h = 0 if not valeur else max(1, round((bas - haut - 14) * valeur / maximum))
            x = x0 + rang * colonne
            if h:
                morceaux.append(
                    f'<rect x="{x:.1f}" y="{bas - h}" width="{colonne - 1:.1f}" height="{h}" '
                    f'fill="{_remplissage(ident, rang)}" stroke="#222" stroke-width="0.5"/>'
                )
            if len(categories) <= 12:
                morceaux.append(
                    f'<text x="{x + colonne / 2:.1f}" y="{bas - h - 3}" text-anchor="middle" {POLICE} '
                    f'fill="#222">{_n(valeur)}</text>'
                )
        morceaux.append(
            f'<text x="{gauche + i * groupe + groupe / 2:.1f}" y="{bas + 16}" text-anchor="middle" {POLICE} '
            f'fill="#222">{escape(categorie)}</text>'
        )
    morceaux.append(f'<line x1="{gauche}" y1="{bas}" x2="{LARGEUR}" y2="{bas}" stroke="#222"/></svg>')
    return mark_safe("".join(morceaux))  # noqa: S308 - tout texte variable est échappé
