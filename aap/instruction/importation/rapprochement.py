"""Rapprochement des cellules d'un tableau avec le référentiel : territoires, dispositifs de l'édition et leur
axe (« thématique »), structures (par SIRET, sinon par nom). Lecture seule : rien n'est écrit ici."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from aap.catalogue.models import Dispositif, Edition
from aap.core.models import Territoire
from aap.instruction.importation.lecture import normaliser, sans_accents, texte_propre
from aap.structures.models import Structure
from aap.structures.validators import compacter, valider_siret


class Rejet(Exception):
    """Une ligne ne peut pas être importée ; le message est la raison affichée."""


_CODE_DISPOSITIF = re.compile(r"^(?:dispositif|fiche)?\s*(?:n\s*°|no\.?|n\.)?\s*(\d{1,2})\s*[.,]\s*(\d{1,2})\b")
_NUMERO_THEMATIQUE = re.compile(r"^(?:th[ée]matique|axe)?\s*(?:n\s*°|no\.?)?\s*(\d{1,2})\b\s*[:.\-–]?\s*(.*)$")


def code_dispositif(texte: str) -> str | None:
    """« 1.3 », « 1,3 », « Dispositif 1.3 », « 1.3 Accompagnement… » → « 1.3 » ; sinon None."""
    correspondance = _CODE_DISPOSITIF.match(sans_accents(texte_propre(texte)).casefold())
    return f"{int(correspondance[1])}.{int(correspondance[2])}" if correspondance else None


@dataclass(frozen=True)
class StructurePrevue:
    """La structure d'une ligne : existante (`structure`) ou à créer (SIRET et nom du tableau)."""

    siret: str
    nom: str
    structure: Structure | None = None
    creee_par_ligne: int | None = None  # ligne du tableau qui la crée (structure nouvelle)

    @property
    def a_creer(self) -> bool:
        return self.structure is None


@dataclass
class Referentiel:
    """Les index du rapprochement, construits une fois par import ; les structures à créer y sont ajoutées au
    fil des lignes pour que deux lignes d'une même structure nouvelle la désignent toutes deux."""

    edition: Edition
    territoires: dict[str, Territoire] = field(default_factory=dict)
    dispositifs_code: dict[str, Dispositif] = field(default_factory=dict)
    dispositifs_titre: dict[str, list[Dispositif]] = field(default_factory=lambda: defaultdict(list))
    structures_siret: dict[str, StructurePrevue] = field(default_factory=dict)
    structures_nom: dict[str, list[StructurePrevue]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def charger(cls, edition: Edition) -> Referentiel:
        ref = cls(edition=edition)
        for territoire in Territoire.objects.all():
            ref.territoires[normaliser(territoire.nom)] = territoire
            ref.territoires[normaliser(territoire.code)] = territoire
        for dispositif in Dispositif.objects.filter(edition=edition).select_related("axe", "ligne_budgetaire"):
            ref.dispositifs_code[dispositif.code] = dispositif
            ref.dispositifs_titre[normaliser(dispositif.titre)].append(dispositif)
        for structure in Structure.objects.only("pk", "siret", "raison_sociale", "sigle"):
            ref._indexer(StructurePrevue(siret=structure.siret, nom=structure.raison_sociale, structure=structure))
        return ref

    def _indexer(self, prevue: StructurePrevue) -> None:
        self.structures_siret[prevue.siret] = prevue
        noms = {normaliser(prevue.nom)}
        if prevue.structure is not None and prevue.structure.sigle:
            noms.add(normaliser(prevue.structure.sigle))
        for nom in noms - {""}:
            self.structures_nom[nom].append(prevue)

    # --- Territoire -------------------------------------------------------------------------------------

    def territoire(self, valeur: object) -> Territoire:
        texte = texte_propre(valeur)
        if not texte:
            raise Rejet("territoire manquant")
        territoire = self.territoires.get(normaliser(texte))
        if territoire is None:
            raise Rejet(f"territoire inconnu « {texte} »")
        return territoire

    # --- Dispositif et thématique -----------------------------------------------------------------------

    def dispositif(self, valeur: object) -> Dispositif:
        texte = texte_propre(valeur)
        if not texte:
            raise Rejet("dispositif manquant")
        code = code_dispositif(texte)
        if code is not None:
            dispositif = self.dispositifs_code.get(code)
            if dispositif is None:
                raise Rejet(f"dispositif « {code} » absent du catalogue {self.edition.annee}")
            return dispositif
        candidats = self.dispositifs_titre.get(normaliser(texte), [])
        if len(candidats) == 1:
            return candidats[0]
        if len(candidats) > 1:
            codes = ", ".join(d.code for d in candidats)
            raise Rejet(f"dispositif « {texte} » ambigu ({codes}) : indiquez son code")
        raise Rejet(f"dispositif « {texte} » inconnu dans le catalogue {self.edition.annee} (code ou titre exact)")

    @staticmethod
    def verifier_thematique(valeur: object, dispositif: Dispositif) -> None:
        """La thématique du tableau doit être l'axe du dispositif : par son numéro (« 1 », « Thématique 1 : … »,
        « Axe 1 ») et, si un libellé suit, par ce libellé ; ou par le libellé seul. Cellule vide : pas de contrôle."""
        texte = texte_propre(valeur)
        if not texte:
            return
        axe = dispositif.axe
        attendu = f"axe {axe.numero} « {axe.libelle} » du dispositif {dispositif.code}"
        correspondance = _NUMERO_THEMATIQUE.match(sans_accents(texte).casefold())
        if correspondance:
            numero, libelle = int(correspondance[1]), normaliser(correspondance[2])
            if numero != axe.numero or (libelle and libelle != normaliser(axe.libelle)):
                raise Rejet(f"thématique « {texte} » ≠ {attendu}")
        elif normaliser(texte) != normaliser(axe.libelle):
            raise Rejet(f"thématique « {texte} » ≠ {attendu}")

    # --- Structure --------------------------------------------------------------------------------------

    def structure(self, nom: object, siret: object, numero_ligne: int) -> StructurePrevue:
        """Par SIRET (validé) s'il est donné : existante, ou à créer sous le nom du tableau ; sans SIRET, par
        nom normalisé (raison sociale ou sigle), une seule structure devant correspondre."""
        nom_texte, siret_texte = texte_propre(nom), compacter(texte_propre(siret))
        if siret_texte:
            if siret_texte.isdigit() and len(siret_texte) < 14:
                siret_texte = siret_texte.zfill(14)  # SIRET saisi comme un nombre : zéros de tête perdus
            try:
                valider_siret(siret_texte)
            except ValidationError as exc:
                raise Rejet(f"SIRET « {texte_propre(siret)} » invalide : {' '.join(exc.messages)}") from None
            connue = self.structures_siret.get(siret_texte)
            if connue is not None:
                return connue
            if not nom_texte:
                raise Rejet(f"structure nouvelle (SIRET {siret_texte}) sans nom")
            prevue = StructurePrevue(siret=siret_texte, nom=nom_texte[:255], creee_par_ligne=numero_ligne)
            self._indexer(prevue)
            return prevue
        if not nom_texte:
            raise Rejet("structure manquante (ni nom ni SIRET)")
        candidats = {p.siret: p for p in self.structures_nom.get(normaliser(nom_texte), [])}
        if len(candidats) == 1:
            return next(iter(candidats.values()))
        if len(candidats) > 1:
            raise Rejet(
                f"structure « {nom_texte} » ambiguë ({len(candidats)} structures de ce nom) : indiquez le SIRET"
            )
        raise Rejet(f"structure inconnue sans SIRET « {nom_texte} »")
