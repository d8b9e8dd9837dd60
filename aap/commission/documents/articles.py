"""Les articles de la délibération et les puces du rapport qui les reprennent, à partir des textes
(`data/textes.yaml`) : un article de financement par thématique, la convention type et la signature
(impersonnelle quand le Président est intéressé à l'affaire), une autorisation par convention spécifique ou
avenant, puis l'imputation des dépenses."""

from __future__ import annotations

from collections import defaultdict

from aap.commission.documents.common import enumeration, montant, pluriel, textes
from aap.commission.dossier import Article, LigneAnnexe, Thematique
from aap.instruction.models import ModeleConvention


SUFFIXE = " à la présente délibération."


def _puce(texte: str) -> str:
    return f"{texte.removesuffix(SUFFIXE).removesuffix('.')} ;"


def articles(
    thematiques: list[Thematique],
    lignes: list[LigneAnnexe],
    president_interesse: bool,
    annexe_repartition: int,
    annexe_convention_type: int,
) -> tuple[Article, ...]:
    t = textes()["articles"]
    r = textes()["rapport"]
    forme = "impersonnel" if president_interesse else "president"
    resultat: list[Article] = []
    for thematique in thematiques:
        texte = t["financement"].format(
            nb_dispositifs=thematique.nb_dispositifs,
            s=pluriel(thematique.nb_dispositifs),
            numero=thematique.numero,
            libelle=thematique.libelle,
            annexe=thematique.annexe,
            montant=montant(thematique.montant),
            annexe_repartition=annexe_repartition,
        )
        resultat.append(
            Article(
                numero=len(resultat) + 1,
                nature="financement",
                texte=texte,
                puce=_puce(texte),
                thematique=thematique.numero,
                montant=thematique.montant,
                nb_dispositifs=thematique.nb_dispositifs,
                annexe=thematique.annexe,
            )
        )
    financements = [a.numero for a in resultat]
    if any(ligne.modele_convention == ModeleConvention.TYPE for ligne in lignes):
        texte = t["convention_type"].format(annexe=annexe_convention_type)
        resultat.append(
            Article(len(resultat) + 1, "convention_type", texte, _puce(texte), annexe=annexe_convention_type)
        )
        valeurs = {"annexe": annexe_convention_type, "annexe_repartition": annexe_repartition}
        texte = t["signature"][forme].format(**valeurs)
        puce = _puce(texte) if president_interesse else r["signature_president"].format(**valeurs)
        resultat.append(Article(len(resultat) + 1, "signature", texte, puce, annexe=annexe_convention_type))
    particulieres: dict[tuple[int, int, str], list[LigneAnnexe]] = defaultdict(list)
    for ligne in lignes:
        if ligne.modele_convention in (ModeleConvention.SPECIFIQUE, ModeleConvention.AVENANT):
            cle = (ligne.thematique_numero, ligne.operation_numero, ligne.modele_convention)
            particulieres[cle].append(ligne)
    for (_, _, modele), groupe in sorted(particulieres.items()):
        cle_objet = "objet_avenant" if modele == ModeleConvention.AVENANT else "objet_specifique"
        valeurs = {
            "structures": enumeration(sorted({f"« {ligne.structure} »" for ligne in groupe})),
            "objet": t[cle_objet].format(operation=groupe[0].dispositif_titre),
        }
        texte = t["specifique"][forme].format(**valeurs)
        puce = _puce(texte) if president_interesse else r["specifique_president"].format(**valeurs)
        resultat.append(Article(len(resultat) + 1, "specifique", texte, puce))
    if any(ligne.ligne_code for ligne in lignes):
        renvoi = t["imputation_un_article" if len(financements) == 1 else "imputation_articles"]
        texte = t["imputation"].format(articles=renvoi.format(articles=enumeration([str(n) for n in financements])))
        resultat.append(Article(len(resultat) + 1, "imputation", texte, ""))
    return tuple(resultat)
