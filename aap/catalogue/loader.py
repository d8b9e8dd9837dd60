"""Chargement d'une édition du catalogue en base : tout ou rien, idempotent, clés primaires stables.

1. Tous les fichiers sont lus et validés (`aap.catalogue.validation`) avant de toucher à la base.
2. Puis, dans une seule transaction, l'édition est mise à jour : axes par (édition, numéro), dispositifs
   par (édition, code), sessions par (dispositif, numéro). Les demandes référencent dispositifs et
   sessions (PROTECT) : leurs clés ne changent jamais. Un dispositif ou une session retiré(e) des fichiers
   mais référencé(e) par une demande arrête tout le chargement. Les sessions de démonstration
   (ajoutées par les données de démo) sont conservées.
3. Recharger des fichiers identiques ne change rien (aucune écriture, aucune ligne de journal).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.db.models.deletion import ProtectedError
from django.utils import timezone

from aap.catalogue.models import Axe, Dispositif, Edition, LigneBudgetaire, SessionAppel
from aap.catalogue.schema import DispositifSpec, EditionSpec
from aap.catalogue.validation import (
    DOSSIER_FICHES,
    FICHIER_DISPOSITIFS,
    FICHIER_EDITION,
    CatalogueInvalide,
    ErreurCatalogue,
    lire_edition,
)
from aap.core import audit
from aap.core.models import Territoire, User


__all__ = ["CatalogueInvalide", "Chargement", "charger_edition", "load_edition"]


@dataclass(frozen=True)
class Chargement:
    edition: Edition
    axes: int
    dispositifs: int
    fiches: int
    sessions: int
    modifications: int
    lignes_budgetaires: int = 0

    def resume(self) -> str:
        etat = f"{self.modifications} modification(s)" if self.modifications else "aucun changement"
        return (
            f"Édition {self.edition.annee} chargée ({etat}) : {self.axes} axes, {self.dispositifs} dispositifs, "
            f"{self.fiches} fiches détaillées, {self.sessions} sessions, {self.lignes_budgetaires} lignes budgétaires."
        )


def load_edition(annee: int, data_dir: Path | None = None) -> Edition:
    """Charge (ou met à jour) l'édition `annee` depuis `data_dir` (par défaut `catalogue/data/<annee>/`)."""
    return charger_edition(annee, data_dir).edition


def charger_edition(annee: int, data_dir: Path | None = None, acteur: User | None = None) -> Chargement:
    lue = lire_edition(annee, data_dir)  # lève CatalogueInvalide avant toute écriture
    spec = lue.spec
    territoires = {t.code: t for t in Territoire.objects.all()}
    manquants = sorted({c for d in spec.dispositifs for c in d.codes_territoires()} - set(territoires))
    if manquants:
        raise CatalogueInvalide(
            [
                ErreurCatalogue(
                    "base", "", "territoires", f"territoire(s) absent(s) de la base : {', '.join(manquants)}"
                )
            ]
        )
    with transaction.atomic():
        ecriture = _Ecriture(territoires)
        edition = ecriture.edition(spec, lue.empreinte)
        axes = ecriture.axes(edition, spec)
        lignes = ecriture.lignes_budgetaires(edition, spec)
        ecriture.retirer_dispositifs(edition, {d.code for d in spec.dispositifs})
        dispositifs = ecriture.dispositifs(edition, axes, lignes, spec)
        ecriture.retirer_lignes_budgetaires(edition, set(lignes))
        ecriture.territoires_des_dispositifs(edition, dispositifs, spec)
        ecriture.sessions(edition, dispositifs, spec)
        ecriture.retirer_axes(edition, set(axes))
        if edition.empreinte != lue.empreinte:
            ecriture.maj(edition, {"empreinte": lue.empreinte, "chargee_le": timezone.now()})
        if ecriture.modifications:
            audit.log(
                acteur, "catalogue.charger", edition, empreinte=lue.empreinte, modifications=ecriture.modifications
            )
    return Chargement(
        edition=edition,
        axes=len(spec.axes),
        dispositifs=len(spec.dispositifs),
        fiches=sum(1 for d in spec.dispositifs if d.fiche is not None),
        sessions=sum(len(d.fiche.sessions) for d in spec.dispositifs if d.fiche is not None),
        modifications=ecriture.modifications,
        lignes_budgetaires=len(spec.lignes_budgetaires),
    )


class _Ecriture:
    """Mises à jour champ par champ : n'écrit que ce qui diffère, et compte les modifications."""

    def __init__(self, territoires: dict[str, Territoire]) -> None:
        self.territoires = territoires
        self.modifications = 0

    def maj(self, objet: models.Model, valeurs: dict[str, Any]) -> None:
        changes = [nom for nom, valeur in valeurs.items() if getattr(objet, nom) != valeur]
        if changes:
            for nom in changes:
                setattr(objet, nom, valeurs[nom])
            objet.save(update_fields=changes)
            self.modifications += 1

    def edition(self, spec: EditionSpec, empreinte: str) -> Edition:
        valeurs = {
            "libelle": spec.libelle,
            "source": spec.source,
            "choix": [c.model_dump(mode="json") for c in spec.choix],
            "notation": spec.notation.model_dump(mode="json") if spec.notation else {},
            "conventionnement": spec.conventionnement.model_dump(mode="json") if spec.conventionnement else {},
        }
        edition = Edition.objects.select_for_update().filter(annee=spec.annee).first()
        if edition is None:
            self.modifications += 1
            return Edition.objects.create(annee=spec.annee, empreinte=empreinte, **valeurs)
        self.maj(edition, valeurs)
        return edition

    def enregistrer(self, existant: models.Model | None, valeurs: dict[str, Any], creer: Any) -> Any:
        """Met à jour `existant` champ par champ, ou le crée par `creer(**valeurs)` s'il n'existe pas."""
        if existant is None:
            self.modifications += 1
            return creer(**valeurs)
        self.maj(existant, valeurs)
        return existant

    def axes(self, edition: Edition, spec: EditionSpec) -> dict[int, Axe]:
        existants = {a.numero: a for a in edition.axes.all()}
        return {
            a.numero: self.enregistrer(
                existants.get(a.numero),
                {"libelle": a.libelle, "objectifs": list(a.objectifs)},
                partial(Axe.objects.create, edition=edition, numero=a.numero),
            )
            for a in spec.axes
        }

    def lignes_budgetaires(self, edition: Edition, spec: EditionSpec) -> dict[str, LigneBudgetaire]:
        existantes = {lb.code_operation: lb for lb in edition.lignes_budgetaires.all()}
        return {
            lb.code_operation: self.enregistrer(
                existantes.get(lb.code_operation),
                {
                    "imputation": lb.imputation,
                    "libelle": lb.libelle,
                    "ae": lb.ae,
                    "deja_engage": lb.deja_engage,
                    "source": lb.source,
                },
                partial(LigneBudgetaire.objects.create, edition=edition, code_operation=lb.code_operation),
            )
            for lb in spec.lignes_budgetaires
        }

    def retirer_lignes_budgetaires(self, edition: Edition, gardees: set[str]) -> None:
        retirees = edition.lignes_budgetaires.exclude(code_operation__in=gardees)
        if retirees.exists():
            self.modifications += retirees.count()
            retirees.delete()

    def dispositifs(
        self, edition: Edition, axes: dict[int, Axe], lignes: dict[str, LigneBudgetaire], spec: EditionSpec
    ) -> dict[str, Dispositif]:
        existants = {d.code: d for d in edition.dispositifs.all()}
        voulus = {
            d.code: self._valeurs_dispositif(d, axes[d.axe], lignes, ordre)
            for ordre, d in enumerate(spec.dispositifs, 1)
        }
        # Un slug passant d'un dispositif à un autre violerait l'unicité en cours de route : slugs provisoires d'abord.
        for code, dispositif in existants.items():
            if code in voulus and dispositif.slug != voulus[code]["slug"]:
                dispositif.slug = f"provisoire-{dispositif.pk}"
                dispositif.save(update_fields=["slug"])
        nouveaux = []
        for code, valeurs in voulus.items():
            if code in existants:
                self.maj(existants[code], valeurs)
            else:
                nouveaux.append(Dispositif(edition=edition, code=code, **valeurs))
        if nouveaux:
            Dispositif.objects.bulk_create(nouveaux)
            self.modifications += len(nouveaux)
        return existants | {d.code: d for d in nouveaux}

    @staticmethod
    def _valeurs_dispositif(
        spec: DispositifSpec, axe: Axe, lignes: dict[str, LigneBudgetaire], ordre: int
    ) -> dict[str, Any]:
        fiche = spec.fiche
        ligne = lignes.get(spec.ligne_budgetaire) if spec.ligne_budgetaire else None
        return {
            "axe_id": axe.pk,
            "ligne_budgetaire_id": ligne.pk if ligne else None,
            "slug": spec.slug,
            "ordre": ordre,
            "titre": spec.titre,
            "periode_libelle": spec.periode.libelle,
            "periode_debut": spec.periode.debut,
            "periode_fin": spec.periode.fin,
            "periode_duree_max_mois": spec.periode.duree_max_mois,
            "description": spec.description,
            "fiche_code": fiche.fiche if fiche else "",
            "modele_financement": str(fiche.financement.modele) if fiche else "",
            "regles": fiche.model_dump(mode="json") if fiche else {},
            "choix": [c.model_dump(mode="json") for c in spec.choix],
        }

    def territoires_des_dispositifs(
        self, edition: Edition, dispositifs: dict[str, Dispositif], spec: EditionSpec
    ) -> None:
        lien = Dispositif.territoires.through
        actuels = set(lien.objects.filter(dispositif__edition=edition).values_list("dispositif_id", "territoire_id"))
        voulus = {
            (dispositifs[d.code].pk, self.territoires[code].pk)
            for d in spec.dispositifs
            for code in d.codes_territoires()
        }
        if actuels - voulus:
            retraits = models.Q()
            for dispositif_id, territoire_id in actuels - voulus:
                retraits |= models.Q(dispositif_id=dispositif_id, territoire_id=territoire_id)
            lien.objects.filter(retraits).delete()
        if voulus - actuels:
            lien.objects.bulk_create([lien(dispositif_id=d, territoire_id=t) for d, t in voulus - actuels])
        self.modifications += len(actuels ^ voulus)

    def sessions(self, edition: Edition, dispositifs: dict[str, Dispositif], spec: EditionSpec) -> None:
        existantes = {(s.dispositif_id, s.numero): s for s in SessionAppel.objects.filter(dispositif__edition=edition)}
        nouvelles = []
        for dspec in spec.dispositifs:
            dispositif = dispositifs[dspec.code]
            for sspec in dspec.fiche.sessions if dspec.fiche else []:
                valeurs = {
                    "ouverture": sspec.ouverture,
                    "cloture": sspec.cloture,
                    "restriction": sspec.restriction or "",
                    "demonstration": False,
                }
                session = existantes.pop((dispositif.pk, sspec.numero), None)
                if session is None:
                    nouvelles.append(SessionAppel(dispositif=dispositif, numero=sspec.numero, **valeurs))
                else:
                    self.maj(session, valeurs)
        if nouvelles:
            SessionAppel.objects.bulk_create(nouvelles)
            self.modifications += len(nouvelles)
        specs = {dispositifs[d.code].pk: d for d in spec.dispositifs}
        for (dispositif_id, numero), session in existantes.items():
            if session.demonstration:
                continue  # ajoutée par les données de démonstration, hors délibération : conservée
            dspec = specs[dispositif_id]
            element = f"{dspec.code} ({dspec.fiche.fiche})" if dspec.fiche else dspec.code
            self._supprimer(session, f"{DOSSIER_FICHES}/{dspec.code}.yaml", element, f"sessions (n° {numero})")

    def retirer_dispositifs(self, edition: Edition, codes: set[str]) -> None:
        for dispositif in edition.dispositifs.exclude(code__in=codes):
            self._supprimer(dispositif, FICHIER_DISPOSITIFS, f"dispositif {dispositif.code}", "")

    def retirer_axes(self, edition: Edition, numeros: set[int]) -> None:
        for axe in edition.axes.exclude(numero__in=numeros):
            self._supprimer(axe, FICHIER_EDITION, f"axe {axe.numero}", "")

    def _supprimer(self, objet: models.Model, fichier: str, element: str, champ: str) -> None:
        try:
            with transaction.atomic():
                objet.delete()
        except ProtectedError as exc:
            nb = len(exc.protected_objects)
            raise CatalogueInvalide(
                [
                    ErreurCatalogue(
                        fichier,
                        element,
                        champ,
                        f"retiré des fichiers mais référencé par {nb} objet(s) (demandes…) : rien n'a été chargé",
                    )
                ]
            ) from None
        self.modifications += 1
