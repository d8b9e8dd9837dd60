"""Jeu de données du banc d'essai : structures, porteurs et demandes générés (Faker fr_FR), en masse.

Tout ce qui est généré est marqué (références `BANC-…`, adresses `@banc.aap-inclusion.test`) : on peut le
réutiliser d'une exécution à l'autre ou le supprimer sans toucher au reste de la base.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from faker import Faker

from aap.catalogue.models import Dispositif, SessionAppel
from aap.catalogue.schema import Fiche, ModeleFinancement
from aap.core.demo.identifiants import iban_fictif, siret_fictif
from aap.core.models import Role, Territoire, User
from aap.demandes.financement import CATEGORIES_SAISIES, ContextePlan, Depense, calculer_plan, montant_poste
from aap.demandes.models import CategorieDepense, Demande, Financeur, LigneDepense, LigneRessource, StatutDemande
from aap.structures.models import Civilite, FormeJuridique, Membre, RoleMembre, Structure


PREFIXE = "BANC"
DOMAINE = "banc.aap-inclusion.test"
AGENT_EMAIL = f"agent@{DOMAINE}"
DECALAGE_IDENTIFIANTS = 700_000  # les SIRET/IBAN fictifs du banc ne croisent pas ceux de la démonstration
CENT = Decimal("0.01")

#: Une commune réelle par territoire MDS (données géographiques publiques), pour des adresses plausibles.
COMMUNES = {
    "arrageois": [("Arras", "62000"), ("Saint-Laurent-Blangy", "62223"), ("Achicourt", "62217")],
    "artois": [("Béthune", "62400"), ("Bruay-la-Buissière", "62700"), ("Auchel", "62260")],
    "audomarois": [("Saint-Omer", "62500"), ("Aire-sur-la-Lys", "62120"), ("Longuenesse", "62219")],
    "boulonnais": [("Boulogne-sur-Mer", "62200"), ("Outreau", "62230"), ("Le Portel", "62480")],
    "calaisis": [("Calais", "62100"), ("Marck", "62730"), ("Coulogne", "62137")],
    "henin-carvin": [("Hénin-Beaumont", "62110"), ("Carvin", "62220"), ("Courrières", "62710")],
    "lens-lievin": [("Lens", "62300"), ("Liévin", "62800"), ("Avion", "62210")],
    "montreuillois": [("Montreuil-sur-Mer", "62170"), ("Berck", "62600"), ("Étaples", "62630")],
    "ternois": [("Saint-Pol-sur-Ternoise", "62130"), ("Frévent", "62270"), ("Auxi-le-Château", "62390")],
}
FORMES = [
    (FormeJuridique.ASSOCIATION, 55),
    (FormeJuridique.SIAE, 15),
    (FormeJuridique.CCAS, 8),
    (FormeJuridique.MISSION_LOCALE, 5),
    (FormeJuridique.PLIE, 3),
    (FormeJuridique.COLLECTIVITE, 7),
    (FormeJuridique.ENTREPRISE, 7),
]
STATUTS = [(StatutDemande.BROUILLON, 15), (StatutDemande.DEPOSEE, 25), (StatutDemande.VALIDEE, 60)]
POSTES = ["Conseiller·ère d'insertion", "Encadrant·e technique", "Chargé·e d'accompagnement", "Psychologue"]
ACTIONS = [
    "Accompagnement renforcé vers l'emploi",
    "Parcours de remobilisation sociale",
    "Atelier et chantier d'insertion",
    "Plateforme mobilité solidaire",
    "Accompagnement global des jeunes",
    "Lever les freins périphériques",
    "Accès aux droits et au logement",
    "Coaching emploi et découverte des métiers",
]


def _q(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def _ponderer(rng: random.Random, choix: list[tuple[object, int]]) -> object:
    return rng.choices([c for c, _ in choix], weights=[p for _, p in choix])[0]


@dataclass(frozen=True)
class Bilan:
    structures: int
    demandes: int
    reutilise: bool


def demandes_existantes() -> int:
    return Demande.objects.filter(reference__startswith=f"{PREFIXE}-").count()


def supprimer() -> None:
    """Efface tout ce que le banc a généré (et seulement cela)."""
    with transaction.atomic():
        demandes = Demande.objects.filter(reference__startswith=f"{PREFIXE}-")
        LigneDepense.objects.filter(demande__in=demandes).delete()
        LigneRessource.objects.filter(demande__in=demandes).delete()
        Demande.territoires.through.objects.filter(demande__in=demandes).delete()
        demandes.delete()
        Membre.objects.filter(user__email__endswith=f"@{DOMAINE}").delete()
        Structure.objects.filter(email__endswith=f"@{DOMAINE}").delete()
        User.objects.filter(email__endswith=f"@{DOMAINE}").delete()


def assurer_agent(mot_de_passe: str) -> User:
    """L'instructeur du banc (voit toutes les demandes transmises), avec le mot de passe de cette exécution."""
    agent, _ = User.objects.get_or_create(
        email=AGENT_EMAIL, defaults={"role": Role.INSTRUCTEUR, "first_name": "Agent", "last_name": "Banc d'essai"}
    )
    agent.role = Role.INSTRUCTEUR
    agent.is_active = True
    agent.set_password(mot_de_passe)
    agent.save()
    return agent


def generer(
    nb_demandes: int = 10_000,
    nb_structures: int = 400,
    annee: int = 2026,
    graine: int = 62,
    afficher: Callable[[str], None] = lambda _: None,
) -> Bilan:
    """Crée structures, porteurs et demandes (avec budgets) s'ils n'existent pas déjà ; idempotent."""
    existantes = demandes_existantes()
    if existantes >= nb_demandes:
        structures = Structure.objects.filter(email__endswith=f"@{DOMAINE}").count()
        return Bilan(structures=structures, demandes=existantes, reutilise=True)
    if existantes:
        afficher(f"jeu incomplet ({existantes} demandes) : suppression puis régénération")
        supprimer()

    rng = random.Random(graine)
    faker = Faker("fr_FR")
    faker.seed_instance(graine)
    territoires = {t.code: t for t in Territoire.objects.filter(est_departement=False)}
    sessions = list(
        SessionAppel.objects.filter(dispositif__edition__annee=annee, demonstration=False)
        .exclude(dispositif__regles={})
        .select_related("dispositif")
        .prefetch_related("dispositif__territoires")
    )
    if not sessions:
        raise RuntimeError(f"aucune session d'appel pour l'édition {annee} : le catalogue est-il chargé ?")

    with transaction.atomic():
        afficher(f"{nb_structures} structures et leurs représentants légaux…")
        structures, porteurs = _structures(rng, faker, territoires, nb_structures)
        afficher(f"{nb_demandes} demandes, leurs territoires et leurs budgets…")
        _demandes(rng, faker, structures, porteurs, sessions, territoires, nb_demandes)
    return Bilan(structures=len(structures), demandes=nb_demandes, reutilise=False)


def _structures(
    rng: random.Random, faker: Faker, territoires: dict[str, Territoire], nombre: int
) -> tuple[list[Structure], list[User]]:
    mot_de_passe = make_password(None)  # inutilisable : les porteurs du banc ne se connectent pas
    codes = sorted(territoires)
    structures: list[Structure] = []
    porteurs: list[User] = []
    for i in range(nombre):
        code = codes[i % len(codes)]
        commune, cp = rng.choice(COMMUNES[code])
        prenom, nom = faker.first_name(), faker.last_name()
        structures.append(
            Structure(
                siret=siret_fictif(DECALAGE_IDENTIFIANTS + i),
                raison_sociale=f"{faker.company()} {commune}"[:255],
                sigle="",
                forme_juridique=_ponderer(rng, FORMES),
                adresse=faker.street_address(),
                code_postal=cp,
                commune=commune,
                territoire=territoires[code],
                telephone=f"03 21 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                email=f"contact{i}@{DOMAINE}",
                representant_civilite=rng.choice([Civilite.MADAME, Civilite.MONSIEUR]),
                representant_nom=nom,
                representant_prenom=prenom,
                representant_fonction=rng.choice(["Présidente", "Président", "Directrice", "Directeur"]),
                iban=iban_fictif(DECALAGE_IDENTIFIANTS + i),
                label_referent_62=rng.random() < 0.4,
            )
        )
        porteurs.append(
            User(
                email=f"porteur{i}@{DOMAINE}",
                first_name=prenom,
                last_name=nom,
                role=Role.PORTEUR,
                password=mot_de_passe,
            )
        )
    Structure.objects.bulk_create(structures, batch_size=500)
    User.objects.bulk_create(porteurs, batch_size=500)
    Membre.objects.bulk_create(
        [
            Membre(structure=s, user=u, role=RoleMembre.REPRESENTANT_LEGAL)
            for s, u in zip(structures, porteurs, strict=True)
        ],
        batch_size=500,
    )
    return structures, porteurs


def _demandes(
    rng: random.Random,
    faker: Faker,
    structures: list[Structure],
    porteurs: list[User],
    sessions: list[SessionAppel],
    territoires: dict[str, Territoire],
    nombre: int,
) -> None:
    maintenant = timezone.now()
    paris = timezone.get_current_timezone()
    demandes: list[Demande] = []
    liens: list[tuple[int, list[Territoire]]] = []
    budgets: list[tuple[list[LigneDepense], list[LigneRessource]]] = []
    for i in range(nombre):
        k = rng.randrange(len(structures))
        structure, porteur = structures[k], porteurs[k]
        session = rng.choice(sessions)
        dispositif = session.dispositif
        statut = _ponderer(rng, STATUTS)
        ouverture = datetime.datetime.combine(session.ouverture, datetime.time(9), tzinfo=paris)
        cree_le = min(ouverture + datetime.timedelta(hours=rng.randint(0, 24 * 20)), maintenant)
        fiche = dispositif.fiche
        compteurs = {c.value for c in fiche.compteurs}
        postes_insertion = rng.randint(10, 40) if "postes_insertion" in compteurs else None
        debut, fin = _bornes(dispositif, session.ouverture.year)
        depenses, ressources, cout_total, montant = _budget(rng, fiche, debut, fin, postes_insertion)
        demande = Demande(
            reference=f"{PREFIXE}-{session.ouverture.year}-{i + 1:05d}",
            statut=statut,
            structure=structure,
            dispositif=dispositif,
            session=session,
            intitule=f"{rng.choice(ACTIONS)} — {structure.commune}",
            description=faker.paragraph(nb_sentences=6),
            objectifs=faker.paragraph(nb_sentences=3),
            resultats_attendus=faker.paragraph(nb_sentences=3),
            moyens_humains=faker.paragraph(nb_sentences=2),
            moyens_materiels=faker.paragraph(nb_sentences=2),
            partenariats=faker.paragraph(nb_sentences=2),
            priorites_transversales=rng.sample(
                ["engagement_citoyen", "egalite_femmes_hommes", "egalite_chances", "developpement_durable"],
                rng.randint(1, 4),
            ),
            date_debut=debut,
            date_fin=fin,
            etp=_q(Decimal(rng.randint(50, 600)) / 100) if "etp" in compteurs else None,
            places=rng.randint(10, 300) if "places" in compteurs else None,
            dsp=rng.randint(50, 800) if "dsp" in compteurs else None,
            participants=rng.randint(10, 200) if "participants" in compteurs else None,
            postes_insertion=postes_insertion,
            cout_total=cout_total,
            montant_demande=montant,
            cree_par=porteur,
            cree_le=cree_le,
            attestation_honneur=statut != StatutDemande.BROUILLON,
        )
        if statut != StatutDemande.BROUILLON:
            demande.deposee_le = min(cree_le + datetime.timedelta(days=rng.randint(1, 15)), maintenant)
            demande.deposee_par = porteur
        if statut == StatutDemande.VALIDEE:
            demande.validee_le = min(demande.deposee_le + datetime.timedelta(days=rng.randint(0, 5)), maintenant)
            demande.validee_par = porteur
        demandes.append(demande)
        liens.append((i, _territoires(rng, structure, dispositif, territoires)))
        budgets.append((depenses, ressources))

    Demande.objects.bulk_create(demandes, batch_size=1000)
    Through = Demande.territoires.through
    Through.objects.bulk_create(
        [Through(demande_id=demandes[i].pk, territoire_id=t.pk) for i, ts in liens for t in ts], batch_size=5000
    )
    for demande, (depenses, ressources) in zip(demandes, budgets, strict=True):
        for ligne in (*depenses, *ressources):
            ligne.demande_id = demande.pk
    LigneDepense.objects.bulk_create([d for ds, _ in budgets for d in ds], batch_size=5000)
    LigneRessource.objects.bulk_create([r for _, rs in budgets for r in rs], batch_size=5000)


def _territoires(rng: random.Random, structure: Structure, dispositif, territoires: dict[str, Territoire]):  # noqa: ANN001
    """Le territoire de la structure, parfois un ou deux voisins, pris parmi ceux du dispositif s'il en a."""
    possibles = [t for t in dispositif.territoires.all() if not t.est_departement] or list(territoires.values())
    choisis = {structure.territoire} if structure.territoire in possibles else {rng.choice(possibles)}
    for _ in range(rng.choice([0, 0, 0, 1, 2])):
        choisis.add(rng.choice(possibles))
    return sorted(choisis, key=lambda t: t.ordre)


def _bornes(dispositif: Dispositif, annee: int) -> tuple[datetime.date, datetime.date]:
    """Dates de l'opération : celles de la convention de la fiche, sinon l'année de l'édition."""
    fiche = dispositif.fiche
    debut = (fiche.convention.debut if fiche else None) or datetime.date(annee, 1, 1)
    fin = (fiche.convention.fin if fiche else None) or datetime.date(debut.year, 12, 31)
    return debut, fin


def _budget(
    rng: random.Random, fiche: Fiche, debut: datetime.date, fin: datetime.date, postes_insertion: int | None
) -> tuple[list[LigneDepense], list[LigneRessource], Decimal, Decimal]:
    """Un plan équilibré, calculé selon la fiche (`aap.demandes.financement`) : postes de la catégorie que le
    modèle retient (plus fonctionnement et indirects en coûts réels), forfaits dérivés, puis des ressources qui
    équilibrent chaque année (Département au taux de la fiche, le reste au fonds européen ou en fonds propres).
    Rend (dépenses, ressources, coût total, montant demandé)."""
    modele = ModeleFinancement(fiche.financement.modele)
    categorie_poste = CATEGORIES_SAISIES[modele][0]
    annees = tuple(range(debut.year, fin.year + 1))
    saisies: list[Depense] = []
    for annee in annees:
        for n in range(rng.randint(1, 3)):
            poste = Depense(
                annee=annee,
                categorie=str(categorie_poste),
                libelle=rng.choice(POSTES) if n else "Coordination de l'action",
                etp=Decimal(rng.choice(["0.50", "0.80", "1.00", "1.00"])),
                taux_affectation=Decimal(rng.choice(["50", "80", "100", "100"])),
                cout_annuel=Decimal(rng.randint(32, 58) * 1000),
                mois=Decimal(12),
            )
            saisies.append(replace(poste, montant=montant_poste(fiche, poste)))
        if modele == ModeleFinancement.COUTS_REELS:
            fonctionnement = _q(Decimal(rng.randint(3_000, 25_000)))
            personnel = sum((d.montant for d in saisies if d.annee == annee), Decimal(0))
            saisies += [
                Depense(annee, str(CategorieDepense.FONCTIONNEMENT), "Locaux, déplacements", fonctionnement),
                Depense(annee, str(CategorieDepense.INDIRECTS), "Frais de structure",
                        _q((personnel + fonctionnement) * Decimal("0.15"))),
            ]  # fmt: skip
    mois = (fin.year - debut.year) * 12 + fin.month - debut.month + 1
    plan = calculer_plan(fiche, saisies, [], ContextePlan(annees=annees, postes_insertion=postes_insertion,
                                                            mois_operation=mois))  # fmt: skip
    taux = [p.taux for p in fiche.financement.parts_departement]
    if modele == ModeleFinancement.MONTANT_FIXE_ETP:
        taux.append(fiche.financement.part_departement_poste)
    taux_departement = min(taux, default=Decimal(rng.randint(40, 80)))
    fonds = [str(p.fonds) for p in fiche.financement.parts_departement] or [
        str(f) for f in fiche.porteurs.cofinancement
    ]
    cofinanceur = {"FSE+": Financeur.FSE_PLUS, "FTJ": Financeur.FTJ}.get(fonds[0]) if fonds else None
    ressources: list[LigneRessource] = []
    for plan_annee in plan.annees:
        total = plan_annee.total_depenses
        part = _q(total * taux_departement / 100)
        ressources += [
            LigneRessource(annee=plan_annee.annee, financeur=Financeur.DEPARTEMENT, montant=part),
            LigneRessource(annee=plan_annee.annee, financeur=cofinanceur or Financeur.FONDS_PROPRES,
                           montant=total - part),
        ]  # fmt: skip
    depenses = [
        LigneDepense(annee=d.annee, categorie=d.categorie, libelle=d.libelle, etp=d.etp,
                     taux_affectation=d.taux_affectation, cout_annuel=d.cout_annuel, mois=d.mois, montant=d.montant,
                     ordre=i)
        for i, d in enumerate(saisies)
    ]  # fmt: skip
    montant = sum((r.montant for r in ressources if r.financeur == Financeur.DEPARTEMENT), Decimal(0))
    return depenses, ressources, plan.cout_total, montant
