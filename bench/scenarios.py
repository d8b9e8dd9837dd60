"""Ce que le banc mesure : la vue nue, la liste filtrée des agents (plusieurs filtres) et la fiche d'une demande."""

from __future__ import annotations

import argparse
import random
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import Count
from django.urls import reverse

from bench import charge


NUE = "vue nue"
LISTE = "liste agents"
FICHE = "fiche demande"

Chemin = Callable[[random.Random], tuple[str, str]]


def charger_catalogue(annee: int) -> None:
    """Charge l'édition (le chargeur est idempotent : empreinte des fichiers comparée)."""
    from aap.catalogue.loader import load_edition

    load_edition(annee)


@dataclass(frozen=True)
class Plan:
    url_nue: str
    listes: list[tuple[str, str]]  # (variante, URL)
    fiches: list[int]  # pk de demandes transmises, visibles de l'instructeur
    url_fiche: str  # gabarit avec {pk}

    def chemin_nue(self, rng: random.Random) -> tuple[str, str]:
        return NUE, self.url_nue

    def chemin_liste(self, rng: random.Random) -> tuple[str, str]:
        return rng.choice(self.listes)

    def chemin_fiche(self, rng: random.Random) -> tuple[str, str]:
        return FICHE, self.url_fiche.format(pk=rng.choice(self.fiches))

    def scenarios(self, args: argparse.Namespace) -> Iterator[tuple[str, Chemin, int]]:
        yield NUE, self.chemin_nue, args.requetes_nue
        yield LISTE, self.chemin_liste, args.requetes_liste
        yield FICHE, self.chemin_fiche, args.requetes_fiche

    def description(self) -> dict[str, object]:
        return {
            NUE: self.url_nue,
            LISTE: dict(self.listes),
            FICHE: f"{self.url_fiche.format(pk='<pk>')} ({len(self.fiches)} demandes tirées au hasard)",
        }


def plan(annee: int = 2026, graine: int = 62) -> Plan:
    """Les URL mesurées, choisies dans les données : le territoire et le dispositif les plus fournis."""
    from aap.core.models import Territoire
    from aap.demandes.models import Demande, StatutDemande

    banc = Demande.objects.filter(reference__startswith="BANC-")
    transmises = banc.exclude(statut=StatutDemande.BROUILLON)
    territoire = (
        Territoire.objects.filter(demandes__in=transmises, est_departement=False)
        .annotate(n=Count("demandes"))
        .order_by("-n", "pk")
        .first()
    )
    dispositif_id = (
        transmises.values("dispositif_id").annotate(n=Count("pk")).order_by("-n", "dispositif_id")[0]["dispositif_id"]
    )
    edition_id = transmises.values_list("dispositif__edition_id", flat=True).first()
    base = reverse("demandes:agent_liste")

    def url(**params: object) -> str:
        return f"{base}?{urllib.parse.urlencode(params)}" if params else base

    listes = [
        (f"territoire {territoire.nom}, validées, montant ↓", url(territoire=territoire.pk, statut="validee",
                                                                 tri="-montant")),
        ("dispositif le plus demandé, déposées", url(dispositif=dispositif_id, statut="deposee")),
        ("édition, tri par référence, page 5", url(edition=edition_id, tri="reference", page=5)),
        ("sans filtre, page 1", url()),
    ]  # fmt: skip
    pks = list(transmises.order_by("pk").values_list("pk", flat=True))
    rng = random.Random(graine)
    fiches = rng.sample(pks, min(len(pks), 2000))
    url_fiche = reverse("demandes:detail", args=[0]).replace("/0/", "/{pk}/")
    return Plan(url_nue=reverse("api:sante"), listes=listes, fiches=fiches, url_fiche=url_fiche)


def verifier(port: int, cookie: str, plan: Plan) -> None:
    """Chaque URL répond 200 à l'agent connecté, et la liste montre bien des demandes du banc."""
    conn = charge.Connexion(port, cookie)
    try:
        urls = [plan.url_nue, *(u for _, u in plan.listes), plan.url_fiche.format(pk=plan.fiches[0])]
        for u in urls:
            statut, _, corps = conn.requete("GET", u)
            if statut != 200:
                raise RuntimeError(f"{u} répond HTTP {statut} à l'agent connecté")
        _, _, corps = conn.requete("GET", plan.listes[-1][1])
        if b"BANC-" not in corps:
            raise RuntimeError("la liste des agents ne montre aucune demande du banc")
    finally:
        conn.fermer()
