"""Contrôles de cohérence : une séance correcte passe ; chaque contrôle a son cas bloquant."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

import pytest

from aap.commission.coherence import AVERTISSEMENT, ERREUR, controler, erreurs
from aap.commission.dossier import construire_dossier
from aap.commission.models import Elu, Presence, StatutPresence, Vote
from aap.instruction.models import Proposition
from aap.structures.models import Structure
from tests.commission.cp_fabrique import inscrire, seance_garnie
from tests.commission.factories import EluFactory, MandatFactory, SeanceCPFactory
from tests.factories import StructureFactory
from tests.instruction.factories import EnveloppeFactory


@pytest.fixture
def seance():
    EluFactory(est_president=True)
    return seance_garnie()


def codes(dossier, niveau=ERREUR):
    return {i.code for i in controler(dossier) if i.niveau == niveau}


def test_une_seance_correcte_ne_presente_aucune_incoherence(seance):
    assert controler(construire_dossier(seance)) == []


def test_seance_vide_bloquee():
    EluFactory(est_president=True)
    assert codes(construire_dossier(SeanceCPFactory())) == {"vide"}


def test_article_different_des_lignes_de_l_annexe(seance):
    dossier = construire_dossier(seance)
    article = dossier.articles[0]
    faux = dataclasses.replace(article, montant=article.montant + Decimal("20.00"))
    dossier = dataclasses.replace(dossier, articles=(faux, *dossier.articles[1:]))
    incoherences = erreurs(controler(dossier))
    assert "article_annexe" in {i.code for i in incoherences}
    message = next(i.message for i in incoherences if i.code == "article_annexe")
    assert "Thématique 1 « Parcours accompagnement RSA »" in message and "641 275,25" in message.replace("\xa0", " ")


def test_texte_de_l_article_qui_ne_reprend_pas_le_compte_de_dispositifs(seance):
    dossier = construire_dossier(seance)
    faux = dataclasses.replace(
        dossier.articles[0], texte=dossier.articles[0].texte.replace(" 2 dispositifs", " 3 dispositifs")
    )
    assert "article_texte" in codes(dataclasses.replace(dossier, articles=(faux, *dossier.articles[1:])))


def test_part_du_tableau_d_imputation_differente_de_l_article(seance):
    dossier = construire_dossier(seance)
    ligne = dossier.imputation[0]
    fausse = dataclasses.replace(ligne, parts=((1, ligne.depense - Decimal("0.01")),))
    resultat = codes(dataclasses.replace(dossier, imputation=(fausse, *dossier.imputation[1:])))
    assert {"article_imputation", "imputation"} <= resultat


def test_sous_total_de_territoire_faux_de_20_euros(seance):
    dossier = construire_dossier(seance)
    faux = dataclasses.replace(dossier.territoires[0], montant=dossier.territoires[0].montant + Decimal("20"))
    resultat = controler(dataclasses.replace(dossier, territoires=(faux, *dossier.territoires[1:])))
    assert {"territoire", "total_general"} <= {i.code for i in resultat}
    assert any("Total Arrageois" in i.message for i in resultat)


def test_sous_total_d_operation_faux(seance):
    dossier = construire_dossier(seance)
    thematique = dossier.thematiques[0]
    operation = dataclasses.replace(thematique.operations[0], montant=Decimal("1"))
    thematique = dataclasses.replace(thematique, operations=(operation, *thematique.operations[1:]))
    assert "operation" in codes(dataclasses.replace(dossier, thematiques=(thematique, *dossier.thematiques[1:])))


def test_paragraphe_du_rapport_aux_chiffres_differents_de_l_annexe(seance):
    dossier = construire_dossier(seance)
    thematique = dossier.thematiques[0]
    operation = thematique.operations[0]
    operation = dataclasses.replace(operation, paragraphe=operation.paragraphe.replace("302 places", "320 places"))
    thematique = dataclasses.replace(thematique, operations=(operation, *thematique.operations[1:]))
    assert "rapport_chiffres" in codes(
        dataclasses.replace(dossier, thematiques=(thematique, *dossier.thematiques[1:]))
    )


def test_montant_non_exact_au_centime(seance):
    dossier = construire_dossier(seance)
    ligne = dataclasses.replace(dossier.lignes[0], montant=Decimal("245637.605"))
    assert "centimes" in codes(dataclasses.replace(dossier, lignes=(ligne, *dossier.lignes[1:])))


def test_depense_superieure_au_disponible(seance):
    ligne = seance.inscriptions.first().proposition.ligne
    ligne.deja_engage = ligne.ae - Decimal("1000.00")
    ligne.save()
    incoherences = erreurs(controler(construire_dossier(seance)))
    assert [i.code for i in incoherences] == ["disponible"]
    assert "C02-446A05" in incoherences[0].message


def test_disponible_negatif_hors_de_l_ae(seance):
    ligne = seance.inscriptions.first().proposition.ligne
    ligne.deja_engage = ligne.ae + Decimal("1.00")
    ligne.save()
    assert {"ae", "disponible"} <= codes(construire_dossier(seance))


def test_enveloppe_depassee(seance):
    proposition = seance.inscriptions.first().proposition
    enveloppe = EnveloppeFactory(
        dispositif=proposition.demande.dispositif, ligne=proposition.ligne, montant=Decimal("1000.00")
    )
    Proposition.objects.filter(pk=proposition.pk).update(enveloppe=enveloppe)
    assert "enveloppe" in codes(construire_dossier(seance))


def test_structure_sans_siret_valide(seance):
    structure = seance.inscriptions.first().proposition.demande.structure
    Structure.objects.filter(pk=structure.pk).update(siret="12345678901234")
    incoherences = [i for i in controler(construire_dossier(seance)) if i.code == "structure_siret"]
    assert incoherences and structure.raison_sociale in incoherences[0].message


def test_ligne_sans_modele_de_convention_ou_avenant_sans_reference(seance):
    Proposition.objects.filter(pk=seance.inscriptions.first().proposition_id).update(modele_convention="")
    Proposition.objects.filter(modele_convention="avenant").update(reference_convention="")
    messages = [i.message for i in controler(construire_dossier(seance)) if i.code == "convention"]
    assert len(messages) == 2 and any("avenant" in m for m in messages)


def test_ligne_sans_ligne_budgetaire(seance):
    inscription = seance.inscriptions.first()
    dispositif = inscription.proposition.demande.dispositif
    dispositif.ligne_budgetaire = None
    dispositif.save()
    Proposition.objects.filter(demande__dispositif=dispositif).update(ligne=None)
    assert "ligne_budgetaire" in codes(construire_dossier(seance))


def test_periode_hors_du_dispositif_avertit_sans_bloquer(seance):
    dispositif = seance.inscriptions.first().proposition.demande.dispositif
    dispositif.periode_debut, dispositif.periode_fin = datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)
    dispositif.save()
    dossier = construire_dossier(seance)
    assert "periode_dispositif" in codes(dossier, AVERTISSEMENT)
    assert erreurs(controler(dossier)) == []


def test_prix_par_place_atypique_avertit(seance):
    dispositif = seance.inscriptions.first().proposition.demande.dispositif
    inscrire(seance, dispositif, StructureFactory(), "32000.00", places=100)
    inscrire(seance, dispositif, StructureFactory(), "32500.00", places=100)
    inscrire(seance, dispositif, StructureFactory(), "99000.00", places=100)
    dossier = construire_dossier(seance)
    assert "prix_place" in codes(dossier, AVERTISSEMENT)


def test_vote_qui_ne_totalise_pas_les_membres(seance, gestionnaire):
    for _ in range(3):
        Presence.objects.create(seance=seance, elu=EluFactory(), statut=StatutPresence.PRESENT)
    Vote.objects.create(seance=seance, pour=4, contre=0, abstention=0, adopte=True, enregistre_par=gestionnaire)
    assert "vote" in codes(construire_dossier(seance))
    seance.vote.pour = 3
    seance.vote.save()
    assert "vote" not in codes(construire_dossier(seance))


def test_president_interesse_sans_president_de_seance_avertit(seance):
    elu = Elu.objects.get(est_president=True)
    MandatFactory(elu=elu, structure=seance.inscriptions.first().proposition.demande.structure)
    assert "presidence" in codes(construire_dossier(seance), AVERTISSEMENT)


def test_interesses_presents_comptes_hors_abstentions_bloque(seance, gestionnaire):
    structure = seance.inscriptions.first().proposition.demande.structure
    MandatFactory(structure=structure)
    MandatFactory(structure=structure)
    Vote.objects.create(seance=seance, pour=40, contre=0, abstention=1, adopte=True, enregistre_par=gestionnaire)
    assert "vote_interesses" in codes(construire_dossier(seance))
    Vote.objects.filter(seance=seance).update(abstention=2)
    assert "vote_interesses" not in codes(construire_dossier(seance))
