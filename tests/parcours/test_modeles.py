"""Modèle des parcours : portée par compte et famille de sortie recopiée."""

from __future__ import annotations

import pytest

from aap.parcours import choices as c
from aap.parcours.models import Orientation, Personne
from aap.structures.models import Membre
from tests.factories import UserFactory, territoire
from tests.parcours.factories import OrientationFactory, SortieFactory


pytestmark = pytest.mark.usefixtures("catalogue_2026")


def test_famille_de_sortie_recopiee_du_type():
    sortie = SortieFactory(type=c.TypeSortie.CDI)
    assert sortie.famille == c.FamilleSortie.EMPLOI_DURABLE


def test_portee_referent_slai_dpid(referent, agent_slai, instructeur, agent_finances, porteur):
    structure = Membre.objects.get(user=referent).structure
    chez_lui = OrientationFactory(structure=structure)
    ailleurs = OrientationFactory(personne__territoire=territoire("calaisis"))
    assert list(Orientation.objects.for_user(referent)) == [chez_lui]
    assert list(Personne.objects.for_user(referent)) == [chez_lui.personne]
    assert set(Orientation.objects.for_user(agent_slai)) == {chez_lui}
    assert set(Personne.objects.for_user(instructeur)) == {chez_lui.personne, ailleurs.personne}
    assert not Personne.objects.for_user(agent_finances).exists()
    assert not Orientation.objects.for_user(porteur).exists()
    assert not Personne.objects.for_user(UserFactory(role="referent")).exists()
