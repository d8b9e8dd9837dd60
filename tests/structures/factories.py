"""Fabriques du portail partenaires (demandes de compte, pièces), en complément de tests/factories.py."""

from __future__ import annotations

import datetime

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from factory.django import DjangoModelFactory

from aap.structures.fichiers import PDF, Format, contenu_de_test
from aap.structures.models import Civilite, DemandeCompte, DocumentStructure, FormeJuridique, TypeDocument
from tests.factories import StructureFactory, UserFactory
from tests.siret import siret_valide


def fichier(nom: str = "statuts.pdf", fmt: Format = PDF, contenu: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(nom, contenu if contenu is not None else contenu_de_test(fmt))


class DemandeCompteFactory(DjangoModelFactory):
    class Meta:
        model = DemandeCompte

    siret = factory.Sequence(lambda n: siret_valide(500_000 + n))
    raison_sociale = factory.Faker("company")
    forme_juridique = FormeJuridique.ASSOCIATION
    adresse = factory.Faker("street_address")
    code_postal = "62300"
    commune = "Lens"
    est_siege = True
    representant_civilite = Civilite.MONSIEUR
    representant_nom = factory.Faker("last_name")
    representant_prenom = factory.Faker("first_name")
    representant_fonction = "Président"
    email = factory.Sequence(lambda n: f"demandeur{n}@exemple.fr")
    demandeur_nom = factory.SelfAttribute("representant_nom")
    demandeur_prenom = factory.SelfAttribute("representant_prenom")
    demandeur_est_representant = True
    telephone = "03 21 00 00 00"


class DocumentStructureFactory(DjangoModelFactory):
    class Meta:
        model = DocumentStructure

    structure = factory.SubFactory(StructureFactory)
    type = TypeDocument.STATUTS
    fichier = factory.LazyFunction(lambda: fichier())
    nom_original = "statuts.pdf"
    taille = factory.LazyAttribute(lambda o: o.fichier.size)
    valide_du = None
    valide_jusquau = None


def pieces_completes(structure, jusquau: datetime.date | None = None) -> list[DocumentStructure]:  # noqa: ANN001
    """Dépose toutes les pièces exigées, valables jusqu'à `jusquau`."""
    fin = jusquau or datetime.date(2099, 12, 31)
    return [
        DocumentStructureFactory(structure=structure, type=t, valide_jusquau=fin)
        for t in (TypeDocument.STATUTS, TypeDocument.ASSURANCE, TypeDocument.COMPTES_ANNUELS, TypeDocument.RIB)
    ]


def demande_minimale(structure, statut: str = "deposee"):  # noqa: ANN001, ANN201
    """Une demande de subvention réduite au strict nécessaire (compteurs des fiches agents)."""
    from aap.catalogue.models import Axe, Dispositif, Edition, SessionAppel
    from aap.demandes.models import Demande

    edition, _ = Edition.objects.get_or_create(annee=2099, defaults={"libelle": "Essai", "empreinte": "0" * 64})
    axe, _ = Axe.objects.get_or_create(edition=edition, numero=1, defaults={"libelle": "Axe d'essai"})
    dispositif, _ = Dispositif.objects.get_or_create(
        edition=edition,
        code="9.9",
        defaults={"axe": axe, "slug": "essai", "titre": "Essai", "periode_libelle": "2099"},
    )
    session, _ = SessionAppel.objects.get_or_create(
        dispositif=dispositif,
        numero=1,
        defaults={"ouverture": datetime.date(2099, 1, 1), "cloture": datetime.date(2099, 2, 1)},
    )
    n = Demande.objects.count() + 1
    return Demande.objects.create(
        reference=f"ESSAI-{n:05d}",
        statut=statut,
        structure=structure,
        dispositif=dispositif,
        session=session,
        intitule=f"Opération d'essai {n}",
        cree_par=UserFactory(),
    )
