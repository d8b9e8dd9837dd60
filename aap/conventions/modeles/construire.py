"""Construit les modèles Word (docxtpl) par défaut : `convention.docx` (convention type de la délibération du
26/05/2026, annexe 7) et `avenant.docx`.

Les .docx sont versionnés ; un administrateur peut les télécharger depuis la page des modèles, les retoucher dans
Word ou LibreOffice et les téléverser, tant que les balises (`{{ … }}`, `{%p for … %}`, `{%tr for … %}`) restent
intactes et ne nomment que les champs documentés (`aap/conventions/contexte.py`, CHAMPS). Pour les reconstruire :

    uv run python -m aap.conventions.modeles.construire
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from aap.documents.word import document_a4, paragraphe, tableau_boucle


ICI = Path(__file__).resolve().parent


def _document() -> Document:
    doc = document_a4(marge_cote=2.2, marge_haut=2)
    _pied_de_page(doc)
    return doc


def _champ(paragraphe, instruction: str) -> None:
    """Un champ Word simple (PAGE, NUMPAGES) : recalculé par Word et LibreOffice à l'ouverture."""
    champ = OxmlElement("w:fldSimple")
    champ.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    texte = OxmlElement("w:t")
    texte.text = "1"
    run.append(texte)
    champ.append(run)
    paragraphe._p.append(champ)


def _pied_de_page(doc) -> None:
    pied = doc.sections[0].footer.paragraphs[0]
    pied.alignment = WD_ALIGN_PARAGRAPH.CENTER
    pied.add_run("Page ")
    _champ(pied, "PAGE")
    pied.add_run(" sur ")
    _champ(pied, "NUMPAGES")


def _p(doc, texte: str = "", *, gras: bool = False, centre: bool = False, taille: int | None = None, droite=False):  # noqa: ANN001, ANN202
    alignement = "centre" if centre else "droite" if droite else "justifie"
    return paragraphe(doc, texte, gras=gras, taille=taille, alignement=alignement)


def _article(doc, titre: str, *paragraphes: str) -> None:
    _p(doc, titre, gras=True)
    for texte in paragraphes:
        _p(doc, texte)


def _tableau(doc, entetes: list[str], cellules: list[str], boucle: str) -> None:  # noqa: ANN001
    """En-tête, puis une ligne répétée par docxtpl (`{%tr for %}`)."""
    tableau_boucle(doc, entetes, cellules, boucle)


def _entete(doc, titre: str) -> None:
    _p(doc, "Pôle Solidarités", gras=True)
    _p(doc, "Direction des Politiques d'Inclusion Durable (DPID)")
    _p(doc)
    _p(doc, titre, gras=True, centre=True, taille=14)


def _parties(doc) -> None:
    _p(doc, "ENTRE", gras=True)
    _p(
        doc,
        "Le {{ attribuant_nom }}, dont le siège est situé Hôtel du Département, rue Ferdinand Buisson, 62018 Arras "
        "Cedex, représenté par le Président du Conseil départemental, dûment autorisé par délibération de la "
        "Commission permanente en date du {{ cp_date }}, ci-après désigné « le Département »,",
    )
    _p(doc, "d'une part,", droite=True)
    _p(doc, "ET", gras=True)
    _p(
        doc,
        "{{ structure_nom }}, {{ structure_forme }}, {{ situe }} {{ adresse_siege }}, {{ code_postal }} "
        "{{ commune }}, {{ enregistre }} sous le n° SIRET {{ siret }}{% if rna %} et le n° RNA {{ rna }}{% endif %}, "
        "{{ represente }} par {{ civilite }} {{ representant_prenom }} {{ representant_nom }}, "
        "{{ representant_fonction }}, {{ habilite }} à signer la présente convention, ci-après {{ designe }} "
        "« la structure »,",
    )
    _p(doc, "d'autre part,", droite=True)


def convention() -> Document:
    doc = _document()
    _entete(doc, "CONVENTION N° {{ numero }}")
    _p(doc, "Objet : {{ objet }}", gras=True)
    _p(doc)
    _parties(doc)
    _p(doc)
    for visa in (
        "Vu le Code de l'Action Sociale et des Familles ;",
        "Vu le Code Général des Collectivités Territoriales ;",
        "Vu le Pacte départemental des solidarités 2024/2027 adopté par la Commission permanente du 15/04/2024 ;",
        "Vu le Pacte des Solidarités humaines 2022-2027 adopté par le Conseil départemental le 12 décembre 2022 ;",
        "Vu le schéma « Garantir l'inclusion sociale, professionnelle et l'accès au logement » 2023-2027 adopté "
        "par le Conseil départemental le 25 septembre 2023 ;",
        "Vu la délibération {% if numero_deliberation %}n° {{ numero_deliberation }} {% endif %}de la Commission "
        "permanente du {{ cp_date }} ;",
        "Vu la délibération de l'organe délibérant de la structure autorisant la signature de la présente "
        "convention ;",
    ):
        _p(doc, visa)
    _p(doc, "IL A ÉTÉ CONVENU CE QUI SUIT :", gras=True, centre=True)
    _article(
        doc,
        "Préambule",
        "Le Département mobilise l'ensemble de ses leviers en faveur de l'inclusion durable : le Pacte des "
        "solidarités humaines, le schéma de l'inclusion, le Plan départemental d'action pour le logement et "
        "l'hébergement des personnes défavorisées et le Fonds de solidarité logement, la démarche « Logement "
        "d'abord », le Pacte départemental des solidarités et la loi pour le plein emploi du 18 décembre 2023. "
        "L'appel à projets des politiques d'inclusion durable en est l'instrument partenarial.",
    )
    _article(
        doc,
        "Article 1 : Objet",
        "La présente convention a pour objet de définir le partenariat entre le Département et la structure pour "
        "la mise en œuvre de l'opération ou des opérations suivantes : {{ dispositifs }}.",
        "{%p for op in operations %}",
        "– {{ op.intitule }} ({{ op.dispositif_code }} {{ op.dispositif }}), annexe n° {{ op.rang + 1 }} ;",
        "{%p endfor %}",
        "La durée, le montant, le déroulement, les objectifs et le bilan de chaque opération sont précisés dans "
        "sa fiche opération annexée. La structure en assure l'exécution ; le Département y apporte une "
        "participation financière.",
    )
    _article(
        doc,
        "Article 2 : Présentation de la structure",
        "{{ structure_nom }}{% if structure_sigle %} ({{ structure_sigle }}){% endif %}, {{ structure_forme }}, "
        "dont le siège est à {{ commune }}. Son historique et ses champs d'intervention sont ceux décrits dans sa "
        "demande de subvention.",
    )
    _article(
        doc,
        "Article 3 : Période d'application",
        "La présente convention est conclue pour la période {{ periode }}. Son exécution peut se poursuivre au-delà "
        "pour son règlement juridique et financier. Une nouvelle convention pourra être négociée après évaluation. "
        "Elle n'est pas renouvelable par tacite reconduction.",
    )
    _article(
        doc,
        "Article 4 : Coût de l'opération",
        "La participation financière du Département s'élève au maximum à {{ montant }} ({{ montant_lettres }}). "
        "Elle n'est due que si les clauses de la présente convention sont respectées, si le Département a vérifié "
        "que sa participation annuelle n'excède pas le coût de l'opération, et si les documents de bilan sont "
        "transmis dans les délais fixés en annexe.",
    )
    _article(
        doc,
        "Article 5 : Modalités de versement",
        "Sous réserve du vote des crédits, la participation est versée selon les modalités reprises en annexe. Le "
        "solde, ou le cas échéant un titre de recettes, est calculé au prorata des objectifs atteints fixés en "
        "annexe, dans la limite du montant de l'article 4 ou de celui modifié par avenant (article 9). Le "
        "versement du solde libère le Département de tout engagement.",
        "Les versements sont effectués par virement du Payeur départemental sur le compte suivant : IBAN "
        "{{ iban }} – BIC {{ bic }} – Titulaire du compte : {{ titulaire_compte }}. Aucune avance ni aucun solde "
        "n'est versé avant la production d'un relevé d'identité bancaire.",
    )
    _article(
        doc,
        "Article 6 : Suivi de l'opération et bilans",
        "6-1. La structure utilise les outils du Département, participe aux comités de pilotage et de suivi avec "
        "les services des Maisons du Département Solidarité et communique chaque entrée et sortie de participant "
        "huit jours avant le comité. Des visites sur place peuvent être organisées.",
        "6-2. La structure transmet le bilan de chaque opération dans le délai fixé en annexe et, dans les six mois "
        "suivant la fin de son exercice comptable : son rapport d'activité complet, ses comptes annuels (bilan, "
        "compte de résultat, annexe et soldes intermédiaires de gestion détaillés), le rapport du commissaire aux "
        "comptes s'il y a lieu, le tableau des missions des salariés et la balance générale au format Excel, à "
        "l'adresse {{ mail_gestionnaire }}. À défaut, le Département peut suspendre ses participations.",
    )
    _article(
        doc,
        "Article 7 : Modalités de contrôle",
        "Le Département peut contrôler sur pièces et sur place l'exécution de la convention, sans préjudice des "
        "contrôles de l'État, de la Chambre régionale des comptes ou de l'IGAS. La structure conserve les pièces "
        "justificatives pendant dix ans à compter de leur établissement.",
    )
    _article(
        doc,
        "Article 8 : Obligations de la structure",
        "8-1. La structure met en œuvre l'opération telle que définie, y consacre les moyens annoncés, signale tout "
        "changement l'affectant, renseigne les indicateurs du Département et assure la continuité du service. "
        "L'arrêt de l'opération est notifié à la {{ service_preavis }} par lettre recommandée avec accusé de "
        "réception un mois à l'avance ; la convention prend alors fin dans les conditions de l'article 10.",
        "8-2. La structure est tenue au secret professionnel et à la confidentialité. 8-3. Les résultats de "
        "l'opération ne peuvent être utilisés qu'avec l'accord exprès du Département, qui en a l'usage gratuit. "
        "8-4. La structure respecte la charte « obligation et contrepartie en matière de communication ».",
    )
    _article(doc, "Article 9 : Avenant", "La présente convention peut être modifiée par avenant.")
    _article(
        doc,
        "Article 10 : Résiliation, dénonciation et renonciation",
        "Le Département peut résilier unilatéralement la convention si la mission n'est pas exécutée comme prévu, "
        "si les fonds ne sont pas utilisés conformément à leur objet ou si les contrôles sont refusés, après "
        "audition des dirigeants, un mois franc après réception d'une lettre recommandée, sans préavis en cas de "
        "fausse déclaration. Le remboursement partiel ou total des sommes versées peut être exigé si le bilan "
        "final n'est pas transmis dans les délais ou si les justificatifs se révèlent infondés après contrôle. "
        "La structure peut dénoncer la convention avec un préavis d'un mois franc ; elle transmet alors son bilan "
        "et reverse les sommes indûment perçues. Elle renonce à toute réclamation financière ultérieure.",
    )
    _article(
        doc,
        "Article 11 : Recours",
        "Les parties recherchent d'abord un règlement amiable ; à défaut, le litige est porté devant le Tribunal "
        "administratif de Lille.",
    )
    _article(
        doc,
        "Article 12 : Annexes",
        "Annexe n° 1 : Obligations liées à la protection des données personnelles.",
        "{%p for op in operations %}",
        "Annexe n° {{ op.rang + 1 }} : {{ op.intitule }}.",
        "{%p endfor %}",
    )
    _p(doc, "Fait en {{ exemplaires }} exemplaires originaux.")
    _p(doc, "À {{ ville }}, le")
    _signatures(doc, "Pour {{ structure_nom }},", "{{ le_president }}")
    doc.add_page_break()
    _p(doc, "ANNEXE N° 1 – OBLIGATIONS LIÉES À LA PROTECTION DES DONNÉES PERSONNELLES", gras=True, centre=True)
    _p(
        doc,
        "La structure, sous-traitante au sens du règlement général sur la protection des données, ne traite les "
        "données que pour l'objet de la convention et sur instruction documentée du Département ; elle en assure "
        "la confidentialité et la sécurité, transmet dès réception les demandes d'exercice des droits et notifie "
        "toute violation de données dans les 24 heures au délégué à la protection des données du Département ; "
        "au terme de la convention, elle détruit ou restitue les données et en justifie par écrit.",
    )
    _annexes_operations(doc)
    return doc


def _signatures(doc, pour_structure: str, qualite: str) -> None:
    table = doc.add_table(rows=1, cols=2)
    gauche, droite = table.rows[0].cells
    gauche.text = pour_structure
    gauche.add_paragraph(qualite)
    gauche.add_paragraph("(Signature et cachet)")
    droite.text = "Pour le Département,"
    droite.add_paragraph("Et par délégation,")
    droite.add_paragraph("{{ signataire_fonction }},")
    droite.add_paragraph("{{ signataire_nom }}")


def _annexes_operations(doc) -> None:
    doc.add_paragraph("{%p for op in operations %}")
    doc.add_page_break()
    _p(doc, "ANNEXE N° {{ op.rang + 1 }} – {{ structure_nom }}", gras=True, centre=True)
    _p(doc, "Fiche opération : « {{ op.dispositif }} »", gras=True, centre=True, taille=12)
    _p(doc, "{{ op.intitule }}", gras=True)
    _p(doc, "Durée : {{ op.duree }}")
    _p(doc, "Coût total de l'opération : {{ op.cout }} – Participation du Département : {{ op.montant }}")
    _p(doc, "Public cible : {{ op.public }}")
    _p(doc, "Objectifs : {{ op.objectifs }}")
    _p(doc, "Déroulement de l'opération : {{ op.deroulement }}")
    _p(doc, "Territoire d'intervention : {{ op.territoires }}")
    _p(doc, "Profil du professionnel : {{ op.profil }}")
    _p(doc, "Engagements chiffrés", gras=True)
    _tableau(doc, ["Engagement", "Quantité"], ["{{ li.libelle }}", "{{ li.valeur }}"], "op.engagements")
    _p(doc, "Modalités de versement", gras=True)
    _tableau(
        doc,
        ["Échéance", "Taux", "Montant prévu", "Déclencheur", "Conditions"],
        ["{{ li.type }}", "{{ li.taux }}", "{{ li.montant }}", "{{ li.declencheur }}", "{{ li.conditions }}"],
        "op.echeances",
    )
    _p(doc, "Imputation : {{ op.imputation }} ({{ op.source_regles }}).")
    _p(doc, "Bilans et délais de transmission", gras=True)
    _tableau(
        doc,
        ["Bilan", "Date limite", "Règle"],
        ["{{ li.libelle }}", "{{ li.echeance }}", "{{ li.regle }}"],
        "op.bilans",
    )
    _p(doc, "Indicateurs", gras=True)
    _tableau(
        doc,
        ["Indicateur", "Définition", "Cible"],
        ["{{ li.nom }}", "{{ li.definition }}", "{{ li.cible }}"],
        "op.indicateurs",
    )
    doc.add_paragraph("{%p endfor %}")


def avenant() -> Document:
    doc = _document()
    _entete(doc, "AVENANT N° {{ avenant_numero }} À LA CONVENTION N° {{ numero }}")
    _p(doc, "Objet : {{ objet }}", gras=True)
    _p(doc, "Nature de l'avenant : {{ avenant_type }}")
    _p(doc)
    _parties(doc)
    _p(doc, "Vu la convention n° {{ numero }} et la délibération de la Commission permanente du {{ cp_date }} ;")
    _p(
        doc,
        "{% if avenant_cp_date %}Vu la délibération de la Commission permanente du {{ avenant_cp_date }} ;{% endif %}",
    )
    _p(doc, "IL A ÉTÉ CONVENU CE QUI SUIT :", gras=True, centre=True)
    _article(doc, "Article 1 : Motif", "{{ motif }}")
    _p(doc, "{% if evenement_exceptionnel %}Événement exceptionnel : {{ evenement_exceptionnel }}{% endif %}")
    _article(doc, "Article 2 : Modifications", "Les stipulations suivantes de la convention sont modifiées :")
    _tableau(
        doc,
        ["Champ", "Avant l'avenant", "Après l'avenant"],
        ["{{ li.champ }}", "{{ li.avant }}", "{{ li.apres }}"],
        "modifications",
    )
    _p(doc, "La participation maximale du Département est portée à {{ montant_apres }} ({{ montant_apres_lettres }}).")
    _article(
        doc,
        "Article 3 : Autres stipulations",
        "Les autres stipulations de la convention n° {{ numero }} demeurent inchangées.",
    )
    _p(doc, "Fait en {{ exemplaires }} exemplaires originaux.")
    _p(doc, "À {{ ville }}, le")
    _signatures(doc, "Pour {{ structure_nom }},", "{{ le_president }}")
    return doc


def construire(dossier: Path = ICI) -> list[Path]:
    chemins = []
    for nom, fabrique in (("convention", convention), ("avenant", avenant)):
        chemin = dossier / f"{nom}.docx"
        fabrique().save(chemin)
        chemins.append(chemin)
    return chemins


if __name__ == "__main__":
    for chemin in construire():
        print(chemin)
