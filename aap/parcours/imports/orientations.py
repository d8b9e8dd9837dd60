"""Une ligne du fichier des orientations (SI RSA) : la personne (retrouvée par organisme et n° allocataire, ou
créée) et son orientation (clé : source « import_si_rsa » + référence).

Une orientation déjà importée avec un autre contenu est modifiée tant que la structure n'a rien saisi dessus
(aucun événement) ; sinon la ligne est rejetée (corriger dans l'application).
"""

from __future__ import annotations

from django.utils import timezone

from aap.catalogue.models import Dispositif
from aap.core import audit
from aap.core.models import Role, Territoire, User
from aap.parcours import choices as c
from aap.parcours import models as m
from aap.parcours.imports.communs import CREE, INCHANGE, MODIFIE, Issue, affecter, comparer, regle_parcours
from aap.parcours.imports.lecture import Champs, LigneRejetee
from aap.structures.models import Structure


SOURCE = c.SourceDonnee.IMPORT_SI_RSA
EVENEMENTS = ("rendez_vous", "contrats", "diagnostics", "suspensions", "reorientations")


def dispositif_pour(code: str, annee: int) -> Dispositif | None:
    """Le dispositif de ce code dans l'édition de l'année de l'orientation, sinon la plus récente avant elle,
    sinon la plus récente ; seulement s'il a des règles de parcours."""
    candidats = [
        d
        for d in Dispositif.objects.filter(code=code).select_related("edition").order_by("-edition__annee")
        if d.regles
    ]
    return next((d for d in candidats if d.edition.annee <= annee), candidats[0] if candidats else None)


def lire(champs: Champs, acteur: User) -> dict:
    """Lit et contrôle la ligne (types, codes, référentiel, règles de la fiche, portée) sans rien écrire."""
    v = {
        "reference": champs.texte("reference", requis=True, longueur=60),
        "nom": champs.texte("nom", requis=True, longueur=120),
        "prenom": champs.texte("prenom", requis=True, longueur=120),
        "date_naissance": champs.date("date_naissance"),
        "organisme": champs.code("organisme", c.Organisme, requis=True),
        "numero_allocataire": champs.texte("numero_allocataire", requis=True, longueur=20),
        "categorie": champs.code("categorie", c.CategoriePublic, requis=True),
        "date_orientation": champs.date("date_orientation", requis=True),
    }
    code_territoire = champs.texte("territoire", requis=True).casefold()
    siret = champs.texte("siret", requis=True).replace(" ", "")
    code_dispositif = champs.texte("dispositif", requis=True)
    code_parcours = champs.texte("parcours", requis=True).casefold()
    if code_territoire:
        v["territoire"] = Territoire.objects.filter(code=code_territoire).first()
        if v["territoire"] is None:
            codes = ", ".join(Territoire.objects.values_list("code", flat=True))
            champs.erreur("territoire", f"« {code_territoire} » inconnu : codes permis {codes}")
        elif acteur.role == Role.SLAI and v["territoire"].pk != acteur.territoire_id:
            champs.erreur("territoire", f"{v['territoire']} : hors de votre territoire")
    if siret:
        v["structure"] = (
            Structure.objects.filter(siret=siret).first() if siret.isdigit() and len(siret) == 14 else None
        )
        if v["structure"] is None:
            champs.erreur("siret", f"« {siret} » : aucune structure de ce SIRET (14 chiffres) dans l'application")
    if code_dispositif and v["date_orientation"]:
        v["dispositif"] = dispositif_pour(code_dispositif, v["date_orientation"].year)
        if v["dispositif"] is None:
            champs.erreur("dispositif", f"« {code_dispositif} » : aucun dispositif de ce code avec des parcours")
        elif code_parcours and regle_parcours(v["dispositif"], code_parcours) is None:
            codes = ", ".join(r.code for r in v["dispositif"].fiche.parcours)
            champs.erreur(
                "parcours", f"« {code_parcours} » : pas un parcours du dispositif {code_dispositif} ({codes})"
            )
        v["parcours"] = code_parcours
    if v["date_naissance"] and v["date_naissance"] > timezone.localdate():
        champs.erreur("date_naissance", f"{v['date_naissance']:%d/%m/%Y} : date future")
    if v["date_orientation"] and v["date_orientation"] > timezone.localdate():
        champs.erreur("date_orientation", f"{v['date_orientation']:%d/%m/%Y} : date future")
    champs.verifier()
    return v


def _personne(v: dict, acteur: User) -> tuple[m.Personne, bool]:
    """La personne de ce n° allocataire (identité vérifiée), créée au besoin ; vrai si créée ou modifiée."""
    identite = {"nom": v["nom"], "prenom": v["prenom"]}
    situation = {"categorie": v["categorie"], "territoire": v["territoire"]}
    if v["date_naissance"]:
        identite["date_naissance"] = v["date_naissance"]
    personne = (
        m.Personne.objects.select_for_update()
        .filter(organisme=v["organisme"], numero_allocataire=v["numero_allocataire"])
        .first()
    )
    if personne is None:
        personne = m.Personne.objects.create(
            organisme=v["organisme"], numero_allocataire=v["numero_allocataire"], **identite, **situation
        )
        audit.log(acteur, "parcours.import.personne.creer", personne, source=SOURCE)
        return personne, True
    memes = personne.nom.casefold() == v["nom"].casefold() and personne.prenom.casefold() == v["prenom"].casefold()
    if not memes or ("date_naissance" in identite and personne.date_naissance not in (None, v["date_naissance"])):
        # Sans rien dire de l'identité connue (la personne peut être hors de la portée de l'acteur).
        raise LigneRejetee.une(
            "numero_allocataire",
            "ce n° allocataire est déjà celui d'une personne d'une autre identité (nom, prénom ou date de "
            "naissance) : vérifiez la ligne",
        )
    if comparer(personne, {**identite, **situation}):
        return personne, False
    affecter(personne, {**identite, **situation})
    personne.save()
    audit.log(acteur, "parcours.import.personne.modifier", personne, source=SOURCE)
    return personne, True


def appliquer(v: dict, acteur: User) -> Issue:
    """Écrit la ligne lue (dans le point de sauvegarde de l'appelant)."""
    existante = (
        m.Orientation.objects.select_for_update().filter(source=SOURCE, reference_externe=v["reference"]).first()
    )
    if existante is not None and not m.Orientation.objects.for_user(acteur).filter(pk=existante.pk).exists():
        raise LigneRejetee.une("reference", "référence déjà utilisée par une orientation hors de votre portée")
    personne, personne_changee = _personne(v, acteur)
    valeurs = {
        "personne": personne,
        "structure": v["structure"],
        "dispositif": v["dispositif"],
        "parcours": v["parcours"],
        "territoire": v["territoire"],
        "date_orientation": v["date_orientation"],
    }
    if existante is None:
        orientation = m.Orientation.objects.create(
            source=SOURCE, reference_externe=v["reference"], decidee_par=None, **valeurs
        )
        audit.log(acteur, "parcours.import.orientation.creer", orientation, reference=v["reference"])
        return Issue(CREE, str(orientation))
    if existante.personne_id != personne.pk:
        raise LigneRejetee.une("numero_allocataire", "l'orientation de cette référence concerne une autre personne")
    if comparer(existante, valeurs):
        return Issue(MODIFIE if personne_changee else INCHANGE, str(existante))
    suivie = [nom for nom in EVENEMENTS if getattr(existante, nom).exists()] + (
        ["sortie"] if m.Sortie.objects.filter(orientation=existante).exists() else []
    )
    if suivie:
        raise LigneRejetee.une(
            "reference",
            "orientation déjà suivie par la structure (événements saisis) : corrigez-la dans l'application",
        )
    affecter(existante, valeurs)
    existante.save()
    audit.log(acteur, "parcours.import.orientation.modifier", existante, reference=v["reference"])
    return Issue(MODIFIE, str(existante))
