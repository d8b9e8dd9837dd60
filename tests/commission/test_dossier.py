"""Dossier d'une séance : regroupements, numérotation, sous-totaux, imputation, articles, élus, vote."""

from __future__ import annotations

import datetime
from decimal import Decimal

from aap.commission.documents.common import normaliser
from aap.commission.dossier import construire_dossier
from aap.commission.models import Decision, Presence, StatutPresence, Vote
from tests.commission.cp_fabrique import dispositif, inscrire, seance_garnie
from tests.commission.factories import EluFactory, MandatFactory, SeanceCPFactory
from tests.factories import StructureFactory


def test_regroupement_par_thematique_et_operation_numerotee_dans_l_ordre_du_catalogue():
    dossier = construire_dossier(seance_garnie())
    assert [(t.numero, t.libelle) for t in dossier.thematiques] == [
        (1, "Parcours accompagnement RSA"),
        (5, "Contreparties FSE"),
    ]
    t1, t5 = dossier.thematiques
    assert [(o.numero, o.code) for o in t1.operations] == [(1, "1.1"), (2, "1.3")]
    assert [(o.numero, o.code) for o in t5.operations] == [(1, "5.5")]
    assert t1.montant == Decimal("641275.25") and t1.nb_dispositifs == 2 and t1.annexe == 2
    assert t5.montant == Decimal("33000.00") and t5.annexe == 3
    assert dossier.annexe_repartition == 4 and dossier.annexe_convention_type == 5
    assert dossier.total_general == Decimal("674275.25")


def test_paragraphe_du_rapport_compte_structures_etp_places_et_periode():
    dossier = construire_dossier(seance_garnie())
    op11, op13 = dossier.thematiques[0].operations
    assert normaliser(op11.paragraphe) == (
        "Il est proposé de financer 2 structures à hauteur de 5 ETP, pour 536 Données Socioprofessionnelles (DSP) "
        "et 302 places d'accompagnement, pour un montant total de 491 275,20 €, sur la période du 1er janvier 2026 "
        "au 31 décembre 2026."
    )
    # Alpha figure sur deux territoires : une seule structure ; Gamma (hors budget) compte aussi.
    assert op13.nb_structures == 2 and op13.montant == Decimal("150000.05")
    assert op13.intitule == "Opération 2 : Accompagnement intensif (dispositif 1.3)"


def test_annexe_par_territoire_puis_thematique_operation_structure_avec_hors_budget_a_zero():
    dossier = construire_dossier(seance_garnie())
    assert [(t.nom, t.montant) for t in dossier.territoires] == [
        ("Arrageois", Decimal("345637.65")),
        ("Calaisis", Decimal("272637.60")),
        ("Lens-Liévin", Decimal("56000.00")),
    ]
    calaisis = dossier.territoires[1]
    assert [(t.numero, t.montant) for t in calaisis.thematiques] == [(1, Decimal("245637.60")), (5, Decimal("27000"))]
    hors_budget = [r for r in dossier.lignes if r.hors_budget]
    assert len(hors_budget) == 1 and hors_budget[0].montant == Decimal("0.00") and hors_budget[0].ligne_code is None
    assert "hors budget départemental" in hors_budget[0].description
    assert [r.territoire for r in dossier.lignes] == ["Arrageois"] * 2 + ["Calaisis"] * 3 + ["Lens-Liévin"] * 2


def test_imputation_disponible_deduit_les_montants_votes_aux_seances_anterieures():
    seance = seance_garnie()
    ligne = seance.inscriptions.first().proposition.ligne
    anterieure = SeanceCPFactory(date=datetime.date(2026, 3, 2), edition=seance.edition)
    d = dispositif(1, "Parcours accompagnement RSA", "1.9", 9, ligne)
    votee = inscrire(anterieure, d, StructureFactory(), "1000.00")
    votee.decision, votee.montant_vote = Decision.APPROUVEE, Decimal("900.00")
    votee.save()
    rejetee = inscrire(anterieure, d, StructureFactory(), "5000.00")
    rejetee.decision = Decision.REJETEE
    rejetee.save()
    dossier = construire_dossier(seance)
    l1, l2 = dossier.imputation
    assert l1.code_operation == "C02-446A05"
    assert l1.vote_anterieur == Decimal("900.00")
    assert l1.disponible == Decimal("10530772.66") - Decimal("1593962.70") - Decimal("900.00")
    assert l1.depense == Decimal("641275.25") and l1.solde == l1.disponible - l1.depense
    assert l1.parts == ((1, Decimal("641275.25")),)
    assert (l2.code_operation, l2.depense, l2.disponible) == ("C01-444H02", Decimal("33000.00"), l2.ae)


def test_articles_et_signature_impersonnelle_quand_le_president_est_interesse():
    seance = seance_garnie()
    dossier = construire_dossier(seance)
    natures = [a.nature for a in dossier.articles]
    assert natures == ["financement", "financement", "convention_type", "signature", "specifique", "specifique"] + [
        "imputation"
    ]
    assert dossier.articles[3].texte.startswith("D'autoriser le Président du Conseil départemental à signer")
    assert dossier.articles[3].puce.startswith("De m'autoriser à signer")
    assert "articles 1 et 2" in dossier.articles[-1].texte

    structure = seance.inscriptions.first().proposition.demande.structure
    president = EluFactory(nom="Leroy", prenom="Jean-Claude", civilite="M.", est_president=True)
    MandatFactory(elu=president, structure=structure)
    excusee = MandatFactory(structure=structure, elu=EluFactory(nom="Drain", prenom="Blandine")).elu
    Presence.objects.create(seance=seance, elu=excusee, statut=StatutPresence.EXCUSE)
    dossier = construire_dossier(seance)
    assert dossier.president_interesse
    assert dossier.president_seance == ""  # à désigner : le Président ne peut présider
    assert dossier.articles[3].texte.startswith("D'autoriser la signature, au nom et pour le compte du Département")
    assert not dossier.articles[3].puce.startswith("De m'autoriser")
    assert {(i.nom, i.formule) for i in dossier.interesses} == {
        ("Monsieur Jean-Claude LEROY", "present"),
        ("Madame Blandine DRAIN", "excuse"),
    }
    vice = EluFactory(nom="Hingrez-Céréda", prenom="Mireille", fonction="1re vice-présidente")
    seance.president_seance = vice
    seance.save()
    assert construire_dossier(seance).president_seance == "Madame Mireille HINGREZ-CÉRÉDA"


def test_vote_et_presences_repris_quand_ils_sont_saisis(gestionnaire):
    seance = seance_garnie()
    assert construire_dossier(seance).vote is None
    presents = [EluFactory() for _ in range(3)]
    for elu in presents:
        Presence.objects.create(seance=seance, elu=elu, statut=StatutPresence.PRESENT)
    Presence.objects.create(seance=seance, elu=EluFactory(voix_deliberative=False), statut=StatutPresence.PRESENT)
    Vote.objects.create(
        seance=seance, pour=2, contre=0, abstention=1, adopte=True, enregistre_par=gestionnaire,
        groupes={"pour": ["socialiste", "rn"], "abstention": ["union"]},
    )  # fmt: skip
    dossier = construire_dossier(seance)
    assert dossier.vote.pour == 2 and dossier.vote.abstention == 1 and dossier.vote.adopte
    assert dossier.vote.groupes["pour"] == (
        "Groupe Socialiste, Républicain et Citoyen",
        "Groupe Rassemblement National",
    )
    assert len(dossier.presences.presents) == 3 and len(dossier.presences.invites) == 1
    assert dossier.presences.votants == 3


def test_le_dossier_se_construit_en_quelques_requetes(django_assert_max_num_queries):
    seance = seance_garnie()
    for _ in range(5):
        inscrire(seance, seance.inscriptions.first().proposition.demande.dispositif, StructureFactory(), "10.00")
    with django_assert_max_num_queries(10):
        construire_dossier(seance)
