from decimal import Decimal

import pytest
from django.db import IntegrityError
from hypothesis import given
from hypothesis import strategies as st

from aap.core import audit
from aap.core.models import AuditLog, Role, Territoire
from aap.core.templatetags.aap_ui import euros, format_decimal
from aap.core.workflow import Transition, TransitionInterdite, Workflow
from tests.factories import StructureFactory, UserFactory


def test_les_neuf_mds_et_le_departement():
    noms = list(Territoire.objects.values_list("nom", flat=True))
    assert noms == [
        "Arrageois", "Artois", "Audomarois", "Boulonnais", "Calaisis", "Département",
        "Hénin-Carvin", "Lens-Liévin", "Montreuillois", "Ternois",
    ]  # fmt: skip
    assert set(Territoire.objects.filter(bassin_minier=True).values_list("nom", flat=True)) == {
        "Artois",
        "Lens-Liévin",
        "Hénin-Carvin",
    }
    assert Territoire.objects.get(est_departement=True).code == "departement"


def test_montant_au_format_francais():
    assert euros(Decimal("14256065.96")) == "14\u00a0256\u00a0065,96\u00a0€"
    assert euros(Decimal("0")) == "0,00\u00a0€"
    assert euros(Decimal("-20")) == "-20,00\u00a0€"
    assert euros(None) == "—"


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False, allow_infinity=False))
def test_format_decimal_relit_la_meme_valeur(value):
    text = format_decimal(value)
    assert Decimal(text.replace("\u00a0", "").replace(",", ".")) == value


def test_un_agent_slai_a_toujours_un_territoire():
    with pytest.raises(IntegrityError):
        UserFactory(role=Role.SLAI, territoire=None)


def test_workflow_journalise_chaque_transition(instructeur):
    structure = StructureFactory()
    structure.forme_juridique = "association"
    wf = Workflow(
        "essai",
        "forme_juridique",
        [Transition("requalifier", ("association",), "siae", "Requalifier en SIAE")],
    )
    assert [t.name for t in wf.available(structure)] == ["requalifier"]
    wf.apply(structure, "requalifier", instructeur, motif="test")
    structure.refresh_from_db()
    assert structure.forme_juridique == "siae"
    entry = AuditLog.objects.for_object(structure).get()
    assert entry.action == "essai.requalifier"
    assert entry.acteur == instructeur
    assert entry.details == {"de": "association", "vers": "siae", "motif": "test"}
    assert entry.structure_id == structure.pk
    with pytest.raises(TransitionInterdite):
        wf.apply(structure, "requalifier", instructeur)


def test_consultation_tracee_pour_un_agent_seulement(instructeur, porteur):
    structure = StructureFactory()
    assert audit.log_access(porteur, structure) is None
    entry = audit.log_access(instructeur, structure)
    assert entry.action == "consultation" and entry.structure_id == structure.pk


def test_le_journal_prend_l_instant_du_domaine(instructeur):
    import datetime

    structure = StructureFactory()
    instant = datetime.datetime(2026, 2, 15, 22, 59, 59, tzinfo=datetime.UTC)
    assert audit.log(instructeur, "essai.passe", structure, at=instant).horodatage == instant
    assert audit.log(instructeur, "essai.present", structure).horodatage > instant
