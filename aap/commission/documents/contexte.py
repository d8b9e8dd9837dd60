"""Contexte commun aux gabarits DOCX (docxtpl) et PDF (WeasyPrint) : des textes déjà formatés, pour que les
gabarits n'aient aucune logique (montants « 1 234,56 », dates, formules des élus intéressés, bloc de vote)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from aap.commission.documents.common import (
    chiffres,
    date_capitales,
    date_courte,
    date_longue,
    enumeration,
    montant,
    textes,
)
from aap.commission.dossier import DossierCP


def paragraphes_interesses(dossier: DossierCP) -> list[str]:
    """Une phrase par formule (présents, excusés, invités), dans cet ordre, comme dans la délibération."""
    t = textes()["interesses"]
    resultat = []
    for formule in ("present", "excuse", "invite"):
        elus = [i for i in dossier.interesses if i.formule == formule]
        if not elus:
            continue
        noms = enumeration([i.nom for i in elus])
        if len(elus) == 1:
            e = "e" if elus[0].civilite == "Mme" else ""
            resultat.append(t[formule]["singulier"].format(noms=noms, e=e))
        else:
            resultat.append(t[formule]["pluriel"].format(noms=noms))
    return resultat


def lignes_vote(dossier: DossierCP) -> list[str]:
    t = textes()["vote"]
    vote = dossier.vote
    if vote is None:
        return [t["introduction"], t["a_completer"]]

    def groupes(sens: str) -> str:
        return f" ({' ; '.join(vote.groupes.get(sens, ()))})" if vote.groupes.get(sens) else ""

    lignes = [
        t["introduction"],
        t["pour"].format(nombre=vote.pour, groupes=groupes("pour")),
        t["contre"].format(nombre=vote.contre, groupes=groupes("contre")),
        t["abstention"].format(nombre=vote.abstention, groupes=groupes("abstention")),
    ]
    if vote.absents_sans_delegation:
        lignes.append(t["absents"].format(nombre=vote.absents_sans_delegation, groupes=groupes("absents")))
    lignes.append(t["adopte"] if vote.adopte else t["rejete"])
    return lignes


def bilans_parcours(dossier: DossierCP) -> dict[int, str]:
    """Le bilan de l'observatoire des parcours (« Bilan 2025 : 11 069 orientations ; … ») de chaque dispositif de
    la séance qui suit des parcours, par identifiant de dispositif (docs/observatoire.md) ; les autres n'en ont
    pas."""
    from aap.catalogue.models import Dispositif
    from aap.qualite.observatoire import bilan_pour_rapport

    ids = {o.dispositif_id for th in dossier.thematiques for o in th.operations}
    avec_parcours = [d for d in Dispositif.objects.filter(pk__in=ids) if d.fiche is not None and d.fiche.parcours]
    bilans = {d.pk: bilan_pour_rapport(d, dossier.date) for d in avec_parcours}
    return {pk: texte for pk, texte in bilans.items() if texte}


def _sans_civilite(nom: str) -> str:
    """« Madame Mireille HINGREZ-CÉRÉDA » → « Mireille HINGREZ-CÉRÉDA »."""
    return nom.split(" ", 1)[-1]


def contexte(dossier: DossierCP) -> dict[str, Any]:
    t = textes()
    r = t["rapport"]
    date_avis = date_courte(dossier.date_avis_commissions)
    civilite = "MADAME" if dossier.president_seance_civilite == "Mme" else "MONSIEUR"
    imputation = [
        {
            "code": li.code_operation,
            "imputation": li.imputation,
            "libelle": li.libelle,
            "ae": chiffres(li.ae),
            "disponible": chiffres(li.disponible),
            "depense": chiffres(li.depense),
            "solde": chiffres(li.solde),
        }
        for li in dossier.imputation
    ]
    zero = Decimal("0.00")
    total_depense = sum((li.depense for li in dossier.imputation), start=zero)
    phase_intro = (
        r["phase_introduction"] if dossier.date_cloture_depot else r["phase_introduction_sans_date"]
    ).format(
        date_cloture=date_courte(dossier.date_cloture_depot),
        nb_thematiques=len(dossier.thematiques),
        s="s" if len(dossier.thematiques) > 1 else "",
    )
    bilans = bilans_parcours(dossier)
    dispositifs = [
        {
            "code": o.code,
            "titre": o.titre,
            "periode": f"du {date_longue(o.date_debut)} au {date_longue(o.date_fin)}",
            "bilan": bilans.get(o.dispositif_id, ""),
        }
        for th in dossier.thematiques
        for o in th.operations
    ]
    presences = dossier.presences
    p = t["presences"]
    return {
        "t": t,
        "dossier": dossier,
        "institution": t["institution"],
        "organe": t["organe"],
        "reunion": t["reunion"].format(date=date_capitales(dossier.date)),
        "titre": dossier.titre.upper(),
        "presidence": t["presidence"].format(civilite=civilite, nom=_sans_civilite(dossier.president_seance).upper())
        if dossier.president_seance
        else t["presidence"].format(civilite="", nom="……").replace("  ", " "),
        "secretaire": t["secretaire"].format(nom=dossier.secretaire or "……"),
        "presences": [
            f"{p[cle]}{', '.join(getattr(presences, cle))}."
            for cle in ("presents", "excuses", "absents", "invites", "invites_excuses")
            if getattr(presences, cle)
        ],
        "numero_deliberation": t["numero_deliberation"].format(numero=dossier.numero_deliberation or "……"),
        "preambule": t["preambule"],
        "visas": [v.format(date_avis=date_avis or "……") for v in t["visas"]],
        "interesses": paragraphes_interesses(dossier),
        "decide": t["decide"],
        "articles": [{"titre": f"Article {a.numero} :", "texte": a.texte} for a in dossier.articles],
        "imputation": imputation,
        "total_ae": chiffres(sum((li.ae for li in dossier.imputation), start=zero)),
        "total_disponible": chiffres(sum((li.disponible for li in dossier.imputation), start=zero)),
        "total_depense": chiffres(total_depense),
        "total_solde": chiffres(sum((li.solde for li in dossier.imputation), start=zero)),
        "vote": lignes_vote(dossier),
        "signature_president": "" if dossier.president_interesse else t["signature_deliberation"]["president"],
        "lieu_date": t["signature_deliberation"]["lieu"].format(date=date_longue(dossier.date)),
        "delegation": t["signature_deliberation"]["delegation"],
        # Rapport
        "r": r,
        "numero_rapport": r["numero"].format(numero=dossier.numero_rapport or "……"),
        "phase_titre": r["phase_titre"].format(phase=dossier.phase),
        "phase_introduction": phase_intro,
        "thematiques": [
            {
                "titre": f"Thématique {th.numero} : {th.libelle}",
                "phrase": th.phrase_phase,
                "annexe_titre": r["annexe_thematique"].format(
                    annexe=th.annexe, numero=th.numero, libelle=th.libelle, annee=dossier.annee, phase=dossier.phase
                ),
                "annexe_introduction": r["annexe_thematique_introduction"].format(
                    annexe_dispositifs=dossier.annexe_dispositifs, annexe_repartition=dossier.annexe_repartition
                ),
                "operations": [{"intitule": o.intitule, "paragraphe": o.paragraphe} for o in th.operations],
            }
            for th in dossier.thematiques
        ],
        "puces": [a.puce for a in dossier.articles if a.puce],
        "avis": [a.format(date_avis=date_avis) for a in (r["avis"] if date_avis else r["avis_sans_date"])],
        "signataire": r["signataire"]["vice_president" if dossier.president_interesse else "president"],
        "annexe_dispositifs_titre": r["annexe_dispositifs"].format(annexe=dossier.annexe_dispositifs),
        "dispositifs": dispositifs,
        #: Bilans de l'observatoire des dispositifs à parcours (liste de {code, titre, bilan}), aussi dans
        #: la colonne « Bilan » de l'annexe des dispositifs (`d.bilan`).
        "bilans_parcours": [d for d in dispositifs if d["bilan"]],
        "total_general": montant(dossier.total_general),
    }
