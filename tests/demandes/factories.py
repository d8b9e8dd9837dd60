"""Fabriques des demandes (réutilisables par les autres applications) et des dispositifs de test.

`regles(modele, …)` produit une fiche valide pour `aap.catalogue.schema.Fiche` avec les paramètres de la
fiche 2026 correspondante (F01 pour le forfait 40 %, F05 pour l'encadrement, F07 pour les coûts réels, F11
pour le montant par ETP) ; chaque paramètre se remplace par mot-clé. `DemandeFactory(budget=True)` crée en
plus un plan équilibré et conforme, construit à partir des taux de la fiche.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import factory
import yaml
from factory.django import DjangoModelFactory

from aap.catalogue.models import Axe, Dispositif, Edition, SessionAppel
from aap.catalogue.schema import Fiche, ModeleFinancement
from aap.catalogue.schema_conventionnement import ConventionnementSpec
from aap.catalogue.validation import _Chargeur, dossier_par_defaut
from aap.demandes.choix import CategorieDepense, Financeur, StatutDemande
from aap.demandes.financement import arrondi, calculer_plan
from aap.demandes.models import Demande, LigneDepense, LigneRessource
from aap.demandes.services import contexte_de, depenses_de, ressources_de
from tests.factories import StructureFactory, UserFactory, territoire


M1 = ModeleFinancement.FRAIS_PERSONNEL_FORFAIT
M2 = ModeleFinancement.ENCADREMENT_FORFAIT_PLAFOND
M3 = ModeleFinancement.COUTS_REELS
M4 = ModeleFinancement.MONTANT_FIXE_ETP

_FINANCEMENTS: dict[str, dict[str, Any]] = {
    M1: {"taux_forfait": "40", "parts_departement": [{"fonds": "FSE+", "taux": "40"}]},
    M2: {
        "taux_forfait": "15",
        "plafond_participant_mois": "375.00",
        "taux_affectation_min": "30",
        "parts_departement": [{"fonds": "FTJ", "taux": "30"}],
    },
    M3: {"taux_indirects_max": "40"},
    M4: {
        "montant_max_etp_12_mois": "22800.00",
        "valorisation_segur_temps_plein": "5270.00",
        "part_departement_poste": "40",
        "part_fse_poste": "60",
    },
}
_FICHES = {M1: "F01", M2: "F05", M3: "F07", M4: "F11"}
_COFINANCEMENT = {M1: ["FSE+"], M2: ["FSE+", "FTJ"], M3: [], M4: ["FSE+"]}
_COMPTEURS = {M1: ["etp", "places", "dsp"], M2: ["etp", "postes_insertion", "participants"], M3: ["participants"]}
_COMPTEURS[M4] = ["etp"]


def regles(
    modele: str = M1,
    *,
    ouverture: datetime.date = datetime.date(2026, 1, 12),
    cloture: datetime.date = datetime.date(2026, 2, 15),
    convention: dict[str, Any] | None = None,
    cofinancement: list[str] | None = None,
    compteurs: list[str] | None = None,
    label_referent_62: bool = False,
    territoires: str | list[str] = "9_mds",
    **financement: Any,
) -> dict[str, Any]:
    """Une fiche (dict JSON) valide pour le modèle donné ; `financement` remplace des paramètres."""
    modele = ModeleFinancement(modele)
    if convention is None:
        convention = (
            {"duree_max_mois": 12, "debut": "2026-01-01", "fin": "2026-12-31"}
            if modele == M4
            else {"duree_max_mois": 24, "debut": "2026-01-01", "fin": "2027-12-31"}
        )
    donnees = {
        "fiche": _FICHES[modele],
        "public": {"resume": "Bénéficiaires du RSA résidant dans le Pas-de-Calais"},
        "territoires": territoires,
        "porteurs": {
            "description": "Structures de l'insertion du territoire",
            "cofinancement": _COFINANCEMENT[modele] if cofinancement is None else cofinancement,
            "label_referent_62": label_referent_62,
        },
        "sessions": [{"numero": 1, "ouverture": ouverture.isoformat(), "cloture": cloture.isoformat()}],
        "convention": convention,
        "financement": {"modele": str(modele), **_FINANCEMENTS[modele], **financement},
        "compteurs": _COMPTEURS[modele] if compteurs is None else compteurs,
        "echeancier": [
            {"type": "avance", "taux": "30", "declencheur": "signature de la convention"},
            {
                "type": "acompte",
                "taux": "50",
                "taux_est_maximum": True,
                "declencheur": "bilan intermédiaire",
                "bilan": "bilan_intermediaire",
            },
            {
                "type": "solde",
                "taux": "20",
                "taux_est_maximum": True,
                "declencheur": "bilan final",
                "bilan": "bilan_final",
            },
        ],
        "bilans": [
            {
                "type": "bilan_intermediaire",
                "libelle": "Bilan intermédiaire",
                "echeance": "2027-03-31",
                "regle": "Au plus tard le 31/03/2027.",
            },
            {
                "type": "bilan_final",
                "libelle": "Bilan final",
                "delai_mois_apres_fin": 3,
                "regle": "Dans les 3 mois suivant la fin de la convention.",
            },
        ],
        "indicateurs": [
            {
                "code": "delai_premier_rdv",
                "categorie": "Procédure",
                "nom": "Délai du 1er rendez-vous",
                "definition": "1er rendez-vous dans les 15 jours suivant l'orientation.",
                "cible": "15 jours au plus",
                "cible_valeur": "15",
                "unite": "jours",
            }
        ],
    }
    if modele == M1 and "parts_conditionnees" not in financement:
        donnees["financement"]["parts_conditionnees"] = [
            {
                "taux": "40",
                "base": "volume",
                "definition": "DSP et accompagnements",
                "mesures": [
                    {"code": "dsp", "libelle": "DSP réalisées", "cible": "dsp", "nature": "flux_annuel"},
                    {"code": "places", "libelle": "Places occupées", "cible": "places", "nature": "stock"},
                ],
            },
            {"taux": "60", "base": "qualite", "definition": "Charte qualité"},
        ]
    return Fiche.model_validate(donnees).model_dump(mode="json")


#: Les règles de conventionnement de l'édition 2026 réelle (edition.yaml), validées par leur schéma.
CONVENTIONNEMENT: dict[str, Any] = ConventionnementSpec.model_validate(
    yaml.load((dossier_par_defaut(2026) / "edition.yaml").read_bytes(), Loader=_Chargeur)["conventionnement"]
).model_dump(mode="json")


def fiche(modele: str = M1, **kwargs: Any) -> Fiche:
    return Fiche.model_validate(regles(modele, **kwargs))


class EditionFactory(DjangoModelFactory):
    class Meta:
        model = Edition
        django_get_or_create = ("annee",)

    annee = 2026
    libelle = factory.LazyAttribute(lambda o: f"Appel à projets des politiques d'inclusion durable {o.annee}")
    empreinte = "0" * 64
    conventionnement = factory.LazyFunction(lambda: dict(CONVENTIONNEMENT))


class AxeFactory(DjangoModelFactory):
    class Meta:
        model = Axe
        django_get_or_create = ("edition", "numero")

    edition = factory.SubFactory(EditionFactory)
    numero = 5
    libelle = "Contreparties FSE"


class DispositifFactory(DjangoModelFactory):
    class Meta:
        model = Dispositif
        skip_postgeneration_save = True

    class Params:
        modele = M1

    edition = factory.SubFactory(EditionFactory)
    axe = factory.SubFactory(AxeFactory, edition=factory.SelfAttribute("..edition"))
    code = factory.Sequence(lambda n: f"5.{n + 20}")
    slug = factory.Sequence(lambda n: f"dispositif-de-test-{n}")
    ordre = factory.Sequence(lambda n: n)
    titre = factory.Sequence(lambda n: f"Accompagnement socioprofessionnel intensif n° {n}")
    periode_libelle = "2026-2027"
    regles = factory.LazyAttribute(lambda o: regles(o.modele))
    fiche_code = factory.LazyAttribute(lambda o: o.regles["fiche"])
    modele_financement = factory.LazyAttribute(lambda o: o.regles["financement"]["modele"])


class SessionAppelFactory(DjangoModelFactory):
    class Meta:
        model = SessionAppel
        django_get_or_create = ("dispositif", "numero")

    dispositif = factory.SubFactory(DispositifFactory)
    numero = 1
    ouverture = datetime.date(2026, 1, 12)
    cloture = datetime.date(2026, 2, 15)


def _convention(demande_stub: Any, borne: str) -> datetime.date | None:
    convention = demande_stub.session.dispositif.fiche.convention
    return getattr(convention, borne)


class DemandeFactory(DjangoModelFactory):
    """Une demande en brouillon, textes remplis ; `budget=True` ajoute un plan équilibré et conforme.

    `territoires` : liste de codes (par défaut l'Arrageois, comme la structure des fixtures).
    """

    class Meta:
        model = Demande
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"AAP2026-TEST-{n:05d}")
    statut = StatutDemande.BROUILLON
    structure = factory.SubFactory(StructureFactory)
    session = factory.SubFactory(SessionAppelFactory)
    dispositif = factory.SelfAttribute("session.dispositif")
    intitule = factory.Faker("sentence", nb_words=6)
    description = factory.Faker("paragraph", nb_sentences=4)
    objectifs = factory.Faker("paragraph", nb_sentences=3)
    resultats_attendus = factory.Faker("paragraph", nb_sentences=3)
    moyens_humains = factory.Faker("paragraph", nb_sentences=2)
    moyens_materiels = factory.Faker("paragraph", nb_sentences=2)
    partenariats = factory.Faker("paragraph", nb_sentences=2)
    priorites_transversales = factory.LazyFunction(lambda: ["egalite_femmes_hommes", "developpement_durable"])
    date_debut = factory.LazyAttribute(lambda o: _convention(o, "debut"))
    date_fin = factory.LazyAttribute(lambda o: _convention(o, "fin"))
    etp = Decimal("2.00")
    places = 140
    dsp = 800
    participants = 60
    postes_insertion = 20
    cree_par = factory.SubFactory(UserFactory)

    @factory.post_generation
    def territoires(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.territoires.set([territoire(code) for code in (extracted or ["arrageois"])])

    @factory.post_generation
    def budget(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            creer_budget_equilibre(obj)
        if create:
            obj.save()


class LigneDepenseFactory(DjangoModelFactory):
    class Meta:
        model = LigneDepense

    demande = factory.SubFactory(DemandeFactory)
    annee = 2026
    categorie = CategorieDepense.PERSONNEL
    libelle = "Conseiller·ère en insertion professionnelle"
    etp = Decimal("1.00")
    taux_affectation = Decimal("100")
    cout_annuel = Decimal("42000.00")
    mois = Decimal("12")
    montant = Decimal("42000.00")


class LigneRessourceFactory(DjangoModelFactory):
    class Meta:
        model = LigneRessource

    demande = factory.SubFactory(DemandeFactory)
    annee = 2026
    financeur = Financeur.DEPARTEMENT
    montant = Decimal("10000.00")


def creer_budget_equilibre(demande: Demande) -> None:
    """Un poste par année (et des lignes de fonctionnement pour les coûts réels), puis des ressources qui
    équilibrent chaque année : Département au taux le plus bas permis par la fiche, le reste au fonds
    européen de la fiche (ou en fonds propres)."""
    regles_fiche = demande.dispositif.fiche
    assert regles_fiche is not None
    modele = ModeleFinancement(regles_fiche.financement.modele)
    categorie_poste = CategorieDepense.ENCADREMENT if modele == M2 else CategorieDepense.PERSONNEL
    for annee in demande.annees:
        LigneDepenseFactory(demande=demande, annee=annee, categorie=categorie_poste)
        if modele == M3:
            LigneDepenseFactory(
                demande=demande,
                annee=annee,
                categorie=CategorieDepense.FONCTIONNEMENT,
                libelle="Locaux",
                **_SANS_POSTE,
            )
            LigneDepenseFactory(
                demande=demande, annee=annee, categorie=CategorieDepense.INDIRECTS, libelle="Frais de structure",
                montant=Decimal("5000.00"), **{k: v for k, v in _SANS_POSTE.items() if k != "montant"},
            )  # fmt: skip
    plan = calculer_plan(regles_fiche, depenses_de(demande), [], contexte_de(demande))
    taux = [p.taux for p in regles_fiche.financement.parts_departement]
    if modele == M4:
        taux.append(regles_fiche.financement.part_departement_poste)
    taux_departement = min(taux, default=Decimal(50))
    fonds = regles_fiche.financement.parts_departement or []
    cofinanceur = (
        {"FSE+": Financeur.FSE_PLUS, "FTJ": Financeur.FTJ}[str(fonds[0].fonds)]
        if fonds
        else (
            {"FSE+": Financeur.FSE_PLUS, "FTJ": Financeur.FTJ}[str(regles_fiche.porteurs.cofinancement[0])]
            if regles_fiche.porteurs.cofinancement
            else Financeur.FONDS_PROPRES
        )
    )
    for annee in plan.annees:
        part = arrondi(annee.total_depenses * taux_departement / 100)
        LigneRessourceFactory(demande=demande, annee=annee.annee, financeur=Financeur.DEPARTEMENT, montant=part)
        LigneRessourceFactory(
            demande=demande, annee=annee.annee, financeur=cofinanceur, montant=annee.total_depenses - part
        )
    for ligne in demande.depenses.all():
        ligne.montant = next(
            lc.montant for lc in plan.lignes if lc.source is not None and lc.source.libelle == ligne.libelle
            and lc.source.annee == ligne.annee and lc.categorie == ligne.categorie
        )  # fmt: skip
        ligne.save(update_fields=["montant"])
    final = calculer_plan(regles_fiche, depenses_de(demande), ressources_de(demande), contexte_de(demande))
    demande.cout_total = final.cout_total
    demande.montant_demande = final.montant_departement


_SANS_POSTE: dict[str, Any] = {
    "etp": None,
    "taux_affectation": None,
    "cout_annuel": None,
    "mois": None,
    "montant": Decimal("8000.00"),
}
