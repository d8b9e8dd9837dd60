"""La charte définitive alimente les bilans puis les versements : période de charte d'un bilan, score repris à
l'acceptation (plus saisi), bilan déjà accepté jamais modifié en silence, part « qualité » de l'acompte."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import timezone

from aap.bilans import services as bilans
from aap.bilans.models import StatutBilan
from aap.core.models import AuditLog
from aap.qualite import services
from aap.qualite.selectors import bilans_deja_acceptes, charte_applicable, periode_charte, resultat_du_bilan
from aap.versements.models import Versement
from aap.versements.services import rendre_exigibles
from tests.bilans.outils import bilan_de, donnees
from tests.factories import MembreFactory, StructureFactory
from tests.qualite.charte_outils import FIN_2026, calculee, convention_52, d52, noter_tout, points_pour


pytestmark = pytest.mark.usefixtures("catalogue_2026")

FIN_2027 = datetime.date(2027, 12, 31)


def _midi(jour: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(jour, datetime.time(12)))


@pytest.fixture
def convention():
    structure = StructureFactory(bic="AGRIFRPP862")
    convention = convention_52(structure)
    convention.porteur = MembreFactory(structure=structure).user
    return convention


def _definitif(agent, structure, debut, fin, points=None):
    resultat = noter_tout(agent, calculee(agent, structure, debut=debut, fin=fin), points)
    resultat = services.communiquer(acteur=agent, resultat=resultat, at=_midi(datetime.date(2027, 1, 10)))
    return services.rendre_definitif(
        acteur=agent, resultat=resultat, at=_midi(resultat.reponse_avant + datetime.timedelta(days=1))
    )


def _deposer(convention, type_="bilan_intermediaire", **contenu):
    bilan = bilan_de(convention, type_)
    bilans.deposer_bilan(bilan, convention.porteur, donnees(bilan, **contenu))
    bilan.refresh_from_db()
    return bilan


def test_periode_de_charte_des_bilans_de_la_fiche(convention):
    operation = convention.operations.get()
    assert (operation.date_debut, operation.date_fin) == (datetime.date(2026, 1, 1), FIN_2027)
    assert charte_applicable(operation)
    assert periode_charte(bilan_de(convention, "bilan_intermediaire")) == (datetime.date(2026, 1, 1), FIN_2026)
    assert periode_charte(bilan_de(convention, "bilan_final")) == (datetime.date(2026, 1, 1), FIN_2027)


def test_acceptation_refusee_tant_que_la_charte_n_est_pas_definitive(convention, gestionnaire):
    bilan = _deposer(convention)
    noter_tout(gestionnaire, calculee(gestionnaire, convention.structure))  # calculé, pas définitif

    with pytest.raises(bilans.BilanImpossible, match="31/12/2026 n'est pas encore définitive"):
        bilans.accepter_bilan(bilan, gestionnaire, score_qualite=Decimal("100"))

    bilan.refresh_from_db()
    assert bilan.statut == StatutBilan.DEPOSE
    assert resultat_du_bilan(bilan) is None


def test_le_score_saisi_est_ignore_au_profit_de_la_charte(convention, gestionnaire):
    resultat = _definitif(gestionnaire, convention.structure, datetime.date(2026, 1, 1), FIN_2026)
    bilan = _deposer(convention)

    bilans.accepter_bilan(bilan, gestionnaire, score_qualite=Decimal("12"))

    bilan.refresh_from_db()
    assert bilan.statut == StatutBilan.ACCEPTE
    assert bilan.score_qualite == resultat.score == Decimal("100.00")


def test_charte_a_75_pour_cent_donne_la_part_qualite_de_l_acompte(convention, gestionnaire):
    """De bout en bout : charte définitive à 75 % → bilan intermédiaire accepté → acompte proposé."""
    structure = convention.structure
    operation = convention.operations.get()
    fiche = d52().fiche
    rendre_exigibles(operation, gestionnaire)  # avance à la signature (non modulée)
    resultat = _definitif(
        gestionnaire, structure, datetime.date(2026, 1, 1), FIN_2026, points=points_pour(d52(), Decimal(75))
    )
    assert resultat.score == Decimal("75.00")
    places = Decimal(operation.engagements["places"])
    bilan = _deposer(convention, realisations={"places": places})  # volume atteint à 100 %

    bilans.accepter_bilan(bilan, gestionnaire)

    acompte = Versement.objects.get(echeance__operation=operation, echeance__type="acompte")
    avance = Versement.objects.get(echeance__operation=operation, echeance__type="avance")
    taux = {e.type: e.taux for e in fiche.echeancier}
    parts = {p.base: p.taux for p in fiche.financement.parts_conditionnees}
    atteinte = (parts["volume"] * 1 + parts["qualite"] * Decimal("0.75")) / 100
    droit = (operation.montant * (taux["avance"] + taux["acompte"]) / 100 * atteinte).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    assert acompte.montant == droit - avance.montant
    ligne_qualite = next(p for p in acompte.calcul["parts"] if p["base"] == "qualite")
    assert Decimal(ligne_qualite["score_qualite"]) == Decimal("75.00")
    assert Decimal(ligne_qualite["contribution"]) == parts["qualite"] * Decimal("0.75")
    # La part « qualité » de l'acompte, en euros : 60 % de la subvention × 80 % cumulés × 75 %.
    part_qualite = (
        operation.montant * (taux["avance"] + taux["acompte"]) / 100 * parts["qualite"] / 100 * Decimal("0.75")
    )
    assert part_qualite == Decimal("3600.00")
    assert droit == operation.montant * (taux["avance"] + taux["acompte"]) / 100 * parts["volume"] / 100 + part_qualite


def test_bilan_deja_accepte_pas_modifie_mais_ecart_journalise(convention, gestionnaire):
    """Un bilan accepté (avant l'entrée en vigueur de la charte) garde son score et ses montants."""
    operation = convention.operations.get()
    bilan = _deposer(convention)
    bilan.statut, bilan.score_qualite = StatutBilan.ACCEPTE, Decimal("90.00")
    bilan.save(update_fields=["statut", "score_qualite"])

    resultat = _definitif(
        gestionnaire, convention.structure, operation.date_debut, FIN_2026, points=points_pour(d52(), Decimal(75))
    )

    bilan.refresh_from_db()
    assert bilan.score_qualite == Decimal("90.00")
    assert bilans_deja_acceptes(resultat) == [bilan]
    ecart = AuditLog.objects.for_object(bilan).get(action="bilan.charte_definitive_apres_acceptation")
    assert ecart.details == {"score_bilan": "90.00", "score_charte": "75.00", "bilan": bilan.pk}
    assert AuditLog.objects.for_object(resultat).filter(action="charte.bilan_deja_accepte").count() == 1


def test_sans_charte_le_score_reste_saisi(gestionnaire):
    """Opération d'un dispositif sans grille (fiche de test, parts 40 % volume et 60 % qualité) : le score est
    toujours saisi par l'agent."""
    from tests.bilans.outils import convention_signee

    convention, porteur = convention_signee()
    operation = convention.operations.get()
    assert not charte_applicable(operation)
    bilan = bilan_de(convention)
    bilans.deposer_bilan(bilan, porteur, donnees(bilan))

    bilans.accepter_bilan(bilan, gestionnaire, score_qualite=Decimal("42"))

    bilan.refresh_from_db()
    assert bilan.score_qualite == Decimal("42.00")
