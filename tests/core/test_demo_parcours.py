"""Parcours de la démonstration (issue 5) : générés sur une petite démonstration (trois opérations signées sur
5.1 et 5.3, dont celle de la structure du porteur de démonstration), reproductibles, conformes aux fiches,
datés entre l'orientation et aujourd'hui ; le référent de démonstration ne voit que sa structure."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

import pytest
from django.utils import timezone
from faker import Faker

from aap.bilans import services as bilans
from aap.bilans.models import Bilan, StatutBilan
from aap.catalogue.models import SessionAppel
from aap.core.demo.comptes import COMPTES, creer_comptes
from aap.core.demo.conventions import contenu_bilan
from aap.core.demo.generateur import _structure_demo
from aap.core.demo.identifiants import siret_fictif
from aap.core.demo.parcours import generer_parcours
from aap.core.demo.parcours_chartes import charte_du_bilan_demo, generer_chartes
from aap.core.models import Role, User
from aap.parcours import choices as c
from aap.parcours import models as m
from aap.qualite.models import ResultatCharte, StatutCharte
from aap.structures.models import Membre, RoleMembre
from tests.conventions.factories import fabriquer_convention, inscription_approuvee
from tests.factories import MembreFactory, StructureFactory, UserFactory, territoire


def _inscription(structure, code: str, places: int, dsp: int | None = None, fin=datetime.date(2027, 12, 31)):
    session = SessionAppel.objects.get(dispositif__edition__annee=2026, dispositif__code=code, numero=1)
    return inscription_approuvee(
        structure,
        Decimal("50000.00"),
        session=session,
        places=places,
        dsp=dsp,
        date_debut=datetime.date(2026, 1, 1),
        date_fin=fin,
    )


@pytest.fixture
def petite_demo(catalogue_2026):
    comptes = creer_comptes()
    demo = _structure_demo(comptes[Role.PORTEUR])
    autre = StructureFactory(siret=siret_fictif(1, "8"), territoire=territoire("ternois"))
    a_demo = fabriquer_convention(structure=demo, statut="signee", inscriptions=[_inscription(demo, "5.1", 70, 400)])
    inscriptions = [
        _inscription(autre, "5.1", 30, 100, fin=datetime.date(2026, 10, 9)),
        _inscription(autre, "5.3", 25),
        _inscription(autre, "5.2", 40),
    ]
    MembreFactory(structure=autre, user=UserFactory(role=Role.PORTEUR), role=RoleMembre.REPRESENTANT_LEGAL)
    a_autre = fabriquer_convention(structure=autre, statut="signee", inscriptions=inscriptions)
    operations = [a_demo.operations.get(), *a_autre.operations.order_by("rang")]  # la 2e est terminée
    # Une convention seulement envoyée : pas de parcours.
    envoyee = fabriquer_convention(structure=StructureFactory(siret=siret_fictif(2, "8")), statut="envoyee")
    return comptes, demo, operations, envoyee


def _generer(seed: int):
    faker = Faker("fr_FR")
    faker.seed_instance(seed)
    return generer_parcours(random.Random(seed), faker)


def _empreinte() -> list[tuple]:
    """Ce qui doit être identique d'une génération à l'autre avec la même graine."""
    personnes = list(m.Personne.objects.order_by("pk").values_list("nom", "prenom", "numero_allocataire", "categorie"))
    orientations = list(
        m.Orientation.objects.order_by("pk").values_list(
            "personne__numero_allocataire", "parcours", "date_orientation"
        )
    )
    rdv = list(m.RendezVous.objects.order_by("pk").values_list("orientation__personne__numero_allocataire", "debut"))
    contrats = list(m.ContratEngagement.objects.order_by("pk").values_list("rang", "date_signature", "statut"))
    sorties = list(m.Sortie.objects.order_by("pk").values_list("date_sortie", "type"))
    heures = list(m.HeuresActivite.objects.order_by("pk").values_list("semaine", "heures", "saisie_le"))
    return [personnes, orientations, rdv, contrats, sorties, heures]


def _effacer() -> None:
    m.Personne.objects.all().delete()


def test_compte_referent_de_demonstration(petite_demo):
    comptes, demo, _operations, _envoyee = petite_demo
    referent = User.objects.get(email="referent@demo.aap62.fr")
    assert referent.role == Role.REFERENT and Role.REFERENT in {compte.role for compte in COMPTES}
    _generer(5)
    membre = Membre.objects.get(user=referent)
    assert membre.structure == demo and membre.role == RoleMembre.REFERENT and membre.actif


def test_parcours_conformes_aux_fiches_et_dates(petite_demo):
    _comptes, demo, operations, envoyee = petite_demo
    bilan = _generer(5)
    aujourd_hui = timezone.localdate()
    assert bilan.operations == 4 and bilan.personnes == m.Personne.objects.count() > 100
    assert set(bilan.orientations) == {"5.1", "5.2", "5.3"}
    assert not m.Orientation.objects.filter(operation__convention=envoyee).exists()

    # Chaque orientation suit un parcours de la fiche de son dispositif, sur une opération signée.
    for orientation in m.Orientation.objects.select_related("dispositif", "operation__convention"):
        assert orientation.parcours in {p.code for p in orientation.dispositif.fiche.parcours}
        assert orientation.operation.convention.statut == "signee"
        assert orientation.operation.dispositif_id == orientation.dispositif_id
        assert orientation.operation.date_debut <= orientation.date_orientation <= aujourd_hui
        assert orientation.territoire_id == orientation.personne.territoire_id

    # Aucun événement avant l'orientation ni après aujourd'hui ; sorties après l'entrée.
    for rdv in m.RendezVous.objects.select_related("orientation"):
        assert rdv.orientation.date_orientation <= timezone.localdate(rdv.debut) <= aujourd_hui
    for contrat in m.ContratEngagement.objects.select_related("orientation"):
        assert contrat.orientation.date_orientation <= contrat.date_signature <= aujourd_hui
        assert contrat.date_debut <= contrat.date_fin
        assert contrat.date_cloture is None or contrat.date_debut <= contrat.date_cloture <= aujourd_hui
        assert (contrat.statut == c.StatutContrat.SIGNE) == (contrat.date_cloture is None)
        assert contrat.revue_slai_le is None or contrat.revue_slai_le <= aujourd_hui
        if contrat.rang > 1:  # un renouvellement suit la revue SLAI du contrat précédent
            precedent = m.ContratEngagement.objects.get(orientation=contrat.orientation, rang=contrat.rang - 1)
            assert precedent.revue_slai_le is not None and precedent.date_fin < contrat.date_debut
    for diag in m.Diagnostic.objects.select_related("orientation"):
        assert diag.orientation.date_orientation <= diag.date <= aujourd_hui
    for heures in m.HeuresActivite.objects.select_related("contrat"):
        assert heures.contrat.date_debut - datetime.timedelta(days=6) <= heures.semaine <= aujourd_hui
        assert heures.semaine.weekday() == 0 and heures.contrat.date_debut <= heures.saisie_le <= aujourd_hui
    for demande in [*m.DemandeSuspension.objects.select_related("orientation")]:
        assert demande.orientation.date_orientation <= demande.date_demande <= aujourd_hui
        assert demande.rendez_vous.presence == c.Presence.ABSENCE_INJUSTIFIEE
    for demande in m.DemandeReorientation.objects.select_related("orientation__sortie"):
        assert demande.orientation.date_orientation <= demande.date_demande <= aujourd_hui and demande.argumentaire
        if demande.statut == c.StatutDemande.ACCEPTEE:  # la décision fait la sortie « réorientation »
            assert demande.orientation.sortie.date_sortie == demande.decidee_le >= demande.date_demande
    for sortie in m.Sortie.objects.select_related("orientation__operation"):
        assert sortie.orientation.date_orientation <= sortie.date_sortie <= aujourd_hui
        assert sortie.date_sortie <= sortie.orientation.operation.date_fin
        assert sortie.famille == c.FAMILLE_DE_SORTIE[sortie.type]
    # L'opération terminée n'a plus personne en cours ; la phase d'accueil (DSP) mène aux orientations décidées.
    assert not m.Orientation.objects.en_cours().filter(operation=operations[1]).exists()
    for phase in m.PhaseDsp.objects.filter(decision__isnull=False).select_related("orientation", "decision"):
        assert phase.decision.precedente == phase.orientation and phase.orientation.personne == phase.decision.personne
        assert phase.date_dsp <= phase.preconisee_le <= phase.decidee_le == phase.decision.date_orientation

    # Sorties selon la fiche : en 5.1, le changement de situation financière domine les sorties du parcours.
    sorties_51 = m.Sortie.objects.filter(orientation__dispositif__code="5.1").exclude(
        orientation__parcours="accueil_dsp"
    )
    familles = [s.famille for s in sorties_51]
    assert max(set(familles), key=familles.count) == c.FamilleSortie.SITUATION_FINANCIERE
    # En 5.2, les sorties dynamiques (emploi durable, de transition, sorties positives) sont la majorité.
    familles = [s.famille for s in m.Sortie.objects.filter(orientation__dispositif__code="5.2")]
    assert sum(f in c.FAMILLES_DYNAMIQUES for f in familles) > len(familles) / 2


def test_structure_du_referent_et_ses_alertes(petite_demo):
    _comptes, demo, operations, _envoyee = petite_demo
    _generer(5)
    referent = User.objects.get(email="referent@demo.aap62.fr")
    aujourd_hui = timezone.localdate()
    visibles = m.Personne.objects.for_user(referent)
    assert 30 <= m.Orientation.objects.for_user(referent).en_cours().exclude(parcours="accueil_dsp").count() <= 70
    assert set(m.Orientation.objects.filter(personne__in=visibles).values_list("structure", flat=True)) == {demo.pk}
    assert visibles.count() < m.Personne.objects.count()
    assert not m.RendezVous.objects.for_user(referent).exclude(orientation__structure=demo).exists()

    # Chaque alerte a au moins un cas : 1er rendez-vous en retard, contrat non signé à 4 semaines, contrat échu
    # sans revue SLAI, mois précédent sous le minimum d'entretiens, absence injustifiée sans suspension.
    en_cours = m.Orientation.objects.for_user(referent).en_cours().filter(parcours="remobilisation_sociale_intensive")
    assert en_cours.filter(
        date_orientation__lt=aujourd_hui - datetime.timedelta(15), rendez_vous__isnull=True
    ).exists()
    assert en_cours.filter(date_orientation__lt=aujourd_hui - datetime.timedelta(28), contrats__isnull=True).exists()
    assert (
        m.ContratEngagement.objects.for_user(referent)
        .filter(statut=c.StatutContrat.SIGNE, date_fin__lt=aujourd_hui, revue_slai_le__isnull=True)
        .exists()
    )
    mois = (aujourd_hui.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    du_mois = m.RendezVous.objects.for_user(referent).filter(
        debut__date__gte=mois, debut__date__lt=aujourd_hui.replace(day=1), presence=c.Presence.HONORE
    )
    par_orientation = {o.pk: 0 for o in en_cours.filter(contrats__date_debut__lte=mois, contrats__statut="signe")}
    for orientation_id in du_mois.values_list("orientation_id", flat=True):
        if orientation_id in par_orientation:
            par_orientation[orientation_id] += 1
    assert min(par_orientation.values()) < 2
    assert (
        m.RendezVous.objects.for_user(referent)
        .filter(presence=c.Presence.ABSENCE_INJUSTIFIEE, demande_suspension__isnull=True)
        .exists()
    )


def test_meme_graine_memes_donnees(petite_demo):
    premier = _generer(11)
    empreinte = _empreinte()
    _effacer()
    second = _generer(11)
    assert _empreinte() == empreinte
    assert (premier.personnes, premier.rendez_vous, premier.sorties) == (
        second.personnes,
        second.rendez_vous,
        second.sorties,
    )
    _effacer()
    _generer(12)
    assert _empreinte() != empreinte


def test_idempotent_par_operation(petite_demo):
    _comptes, _demo, operations, _envoyee = petite_demo
    _generer(5)
    avant = m.Orientation.objects.count()
    bilan = _generer(6)
    assert bilan.operations == 0 and m.Orientation.objects.count() == avant


def _deposer_bilan_intermediaire(operation) -> Bilan:
    """Le bilan intermédiaire de l'opération, déposé par son représentant légal (comme la démonstration)."""
    bilan = operation.bilans.get(type="bilan_intermediaire")
    representant = Membre.objects.get(structure=operation.convention.structure, role=RoleMembre.REPRESENTANT_LEGAL)
    rng, faker = random.Random(1), Faker("fr_FR")
    bilans.deposer_bilan(bilan, representant.user, contenu_bilan(bilan, rng, faker, 0.9))
    return bilan


def test_chartes_de_la_demo_et_bilan_accepte_avec_le_score_definitif(petite_demo):
    _comptes, demo, operations, _envoyee = petite_demo
    bilan = _deposer_bilan_intermediaire(operations[1])
    _generer(5)
    compte = generer_chartes(random.Random(5))
    resultats = ResultatCharte.objects.order_by("structure_id")
    # Une charte par structure à opération signée sur un dispositif à charte (5.1 ; 5.3 n'en a pas).
    autre = operations[1].convention.structure_id
    assert {(r.structure_id, r.dispositif.code) for r in resultats} == {
        (demo.pk, "5.1"),
        (autre, "5.1"),
        (autre, "5.2"),
    }
    fin_du_mois_dernier = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    du_porteur = resultats.get(structure=demo)
    assert (du_porteur.periode_debut, du_porteur.periode_fin) == (datetime.date(2026, 1, 1), fin_du_mois_dernier)
    assert du_porteur.statut == StatutCharte.CONTRADICTOIRE and du_porteur.reponse_avant >= timezone.localdate()
    # Opération terminée : charte définitive sur toute l'opération ; elle donne le score du bilan déposé.
    terminee = resultats.get(structure=autre, dispositif__code="5.1")
    assert (terminee.periode_fin, terminee.statut) == (datetime.date(2026, 10, 9), StatutCharte.DEFINITIVE)
    assert terminee.communique_le < terminee.definitive_le
    for resultat in resultats:
        humains = [d["code"] for d in resultat.detail if d["nature"] in ("appreciation", "bonus")]
        notes = resultat.notes.all()
        assert sorted(n.critere for n in notes) == sorted(humains) and all(n.commentaire for n in notes)
        assert 0 < resultat.score <= 100
    bilan.refresh_from_db()
    assert bilan.statut == StatutBilan.ACCEPTE and bilan.score_qualite == terminee.score
    # En cours (5.2) : définitif à tour de rôle, après la réponse de la structure et sa suite.
    en_cours = resultats.get(structure=autre, dispositif__code="5.2")
    assert en_cours.statut == StatutCharte.DEFINITIVE and en_cours.reponses.exists()
    assert all(r.suite for r in en_cours.reponses.all())
    assert compte["bilans acceptés"] == 1 and compte[StatutCharte.DEFINITIVE] == 2
    # Idempotent : une seconde passe ne refait rien.
    assert generer_chartes(random.Random(6))[StatutCharte.CONTRADICTOIRE] == 1
    assert ResultatCharte.objects.count() == 3


def test_charte_du_bilan_pour_la_demonstration_des_bilans(petite_demo, instructeur):
    _comptes, _demo, operations, _envoyee = petite_demo
    bilan = _deposer_bilan_intermediaire(operations[1])
    jour = timezone.localdate() - datetime.timedelta(days=8)
    resultat = charte_du_bilan_demo(bilan, instructeur, random.Random(2), jour)
    assert resultat.statut == StatutCharte.DEFINITIVE and timezone.localdate(resultat.definitive_le) == jour
    assert m.Orientation.objects.filter(operation=operations[1]).exists()
    assert not m.Orientation.objects.filter(operation=operations[0]).exists()  # seulement l'opération du bilan
    bilans.accepter_bilan(bilan, instructeur)
    bilan.refresh_from_db()
    assert bilan.score_qualite == resultat.score
    # Sans charte (5.3) : rien à faire.
    assert charte_du_bilan_demo(operations[2].bilans.first(), instructeur, random.Random(2), jour) is None
