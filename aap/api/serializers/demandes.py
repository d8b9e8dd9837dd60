"""Demandes de subvention : lecture (liste, fiche, plan de financement) et écritures du porteur.

Les sérialiseurs d'écriture ne font que valider la forme des données : chaque écriture passe ensuite par
`aap.demandes.services`, qui applique les règles (session, brouillon, droits dans la structure…).
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aap.api.serializers.catalogue import DispositifResumeSerializer, TerritoireSerializer
from aap.api.serializers.structures import StructureResumeSerializer
from aap.catalogue.models import SessionAppel
from aap.core.models import Territoire
from aap.demandes.choix import CategorieDepense, Financeur, PrioriteTransversale
from aap.demandes.models import Demande, LigneDepense, LigneRessource
from aap.structures.models import Structure


class SessionResumeSerializer(serializers.ModelSerializer):
    class Meta:
        model = SessionAppel
        fields = ["id", "numero", "ouverture", "cloture"]


class LigneDepenseSerializer(serializers.ModelSerializer):
    class Meta:
        model = LigneDepense
        fields = ["annee", "categorie", "libelle", "etp", "taux_affectation", "cout_annuel", "mois", "montant"]


class LigneRessourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = LigneRessource
        fields = ["annee", "financeur", "libelle", "montant"]


class DemandeListeSerializer(serializers.ModelSerializer):
    statut_libelle = serializers.CharField(source="get_statut_display", read_only=True)
    structure = StructureResumeSerializer(read_only=True)
    dispositif = DispositifResumeSerializer(read_only=True)
    session = SessionResumeSerializer(
        read_only=True,
        allow_null=True,
        help_text="Session de dépôt ; null pour une demande importée d'un tableau de propositions (hors portail).",
    )
    territoires = TerritoireSerializer(many=True, read_only=True)

    class Meta:
        model = Demande
        fields = [
            "id",
            "reference",
            "statut",
            "statut_libelle",
            "intitule",
            "structure",
            "dispositif",
            "session",
            "territoires",
            "cout_total",
            "montant_demande",
            "cree_le",
            "modifiee_le",
            "deposee_le",
            "validee_le",
        ]
        read_only_fields = fields


class DemandeSerializer(DemandeListeSerializer):
    """La demande complète : textes, moyens, quantités, plan de financement saisi."""

    priorites_transversales = serializers.ListField(
        child=serializers.ChoiceField(choices=PrioriteTransversale.choices), read_only=True
    )
    depenses = LigneDepenseSerializer(many=True, read_only=True)
    ressources = LigneRessourceSerializer(many=True, read_only=True)

    class Meta(DemandeListeSerializer.Meta):
        fields = [
            *DemandeListeSerializer.Meta.fields,
            "description",
            "objectifs",
            "resultats_attendus",
            "moyens_humains",
            "moyens_materiels",
            "partenariats",
            "priorites_transversales",
            "priorites_commentaire",
            "indicateurs_proposes",
            "date_debut",
            "date_fin",
            "etp",
            "places",
            "dsp",
            "participants",
            "postes_insertion",
            "attestation_honneur",
            "recepisse_empreinte",
            "depenses",
            "ressources",
        ]
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.INT)
class StructureDuPorteurField(serializers.PrimaryKeyRelatedField):
    """Une structure dont le porteur connecté est membre actif ; sinon « introuvable »."""

    default_error_messages = {
        "does_not_exist": "Structure « {pk_value} » introuvable parmi les vôtres.",
        "incorrect_type": "Identifiant de structure attendu (entier).",
    }

    def get_queryset(self):
        return Structure.objects.for_user(self.context["request"].user)


class DemandeCreationSerializer(serializers.Serializer):
    """Création d'un brouillon : le reste du dossier se complète ensuite (PATCH, budget)."""

    structure = StructureDuPorteurField(help_text="Identifiant d'une de vos structures.")
    session = serializers.PrimaryKeyRelatedField(
        queryset=SessionAppel.objects.select_related("dispositif__edition"),
        help_text="Identifiant d'une session ouverte (voir /api/catalogue/sessions-ouvertes/).",
    )
    intitule = serializers.CharField(max_length=255, help_text="Intitulé de l'opération.")
    territoires = serializers.PrimaryKeyRelatedField(
        queryset=Territoire.objects.all(), many=True, help_text="Identifiants des territoires concernés."
    )


class DemandeModificationSerializer(serializers.Serializer):
    """Champs du brouillon modifiables (tous facultatifs : seuls les champs envoyés changent)."""

    intitule = serializers.CharField(max_length=255, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    objectifs = serializers.CharField(required=False, allow_blank=True)
    resultats_attendus = serializers.CharField(required=False, allow_blank=True)
    moyens_humains = serializers.CharField(required=False, allow_blank=True)
    moyens_materiels = serializers.CharField(required=False, allow_blank=True)
    partenariats = serializers.CharField(required=False, allow_blank=True)
    priorites_transversales = serializers.ListField(
        child=serializers.ChoiceField(choices=PrioriteTransversale.choices), required=False
    )
    priorites_commentaire = serializers.CharField(required=False, allow_blank=True)
    indicateurs_proposes = serializers.CharField(required=False, allow_blank=True)
    date_debut = serializers.DateField(required=False, allow_null=True)
    date_fin = serializers.DateField(required=False, allow_null=True)
    etp = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=0, required=False, allow_null=True)
    places = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    dsp = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    participants = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    postes_insertion = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    territoires = serializers.PrimaryKeyRelatedField(
        queryset=Territoire.objects.all(), many=True, required=False, help_text="Remplace la liste des territoires."
    )


class DepenseSaisieSerializer(serializers.Serializer):
    """Une ligne de charges. Poste de personnel : quotité, affectation, coût annuel et mois (le montant est
    calculé selon la fiche) ; autres catégories : le montant."""

    annee = serializers.IntegerField(min_value=2000, max_value=2100)
    categorie = serializers.ChoiceField(choices=CategorieDepense.choices)
    libelle = serializers.CharField(max_length=255, allow_blank=True, required=False, default="")
    montant = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False, default=0)
    etp = serializers.DecimalField(max_digits=4, decimal_places=2, min_value=0, required=False, allow_null=True)
    taux_affectation = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False, allow_null=True
    )
    cout_annuel = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    mois = serializers.DecimalField(
        max_digits=4, decimal_places=1, min_value=0, max_value=12, required=False, allow_null=True
    )


class RessourceSaisieSerializer(serializers.Serializer):
    annee = serializers.IntegerField(min_value=2000, max_value=2100)
    financeur = serializers.ChoiceField(choices=Financeur.choices)
    libelle = serializers.CharField(max_length=255, allow_blank=True, required=False, default="")
    montant = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)


class BudgetSaisieSerializer(serializers.Serializer):
    """Le plan complet : il remplace toutes les lignes existantes."""

    depenses = DepenseSaisieSerializer(many=True)
    ressources = RessourceSaisieSerializer(many=True)


class ViolationSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    annee = serializers.IntegerField(allow_null=True)


class LigneCalculeeSerializer(serializers.Serializer):
    annee = serializers.IntegerField()
    categorie = serializers.CharField()
    libelle = serializers.CharField()
    montant = serializers.DecimalField(max_digits=14, decimal_places=2)
    derivee = serializers.BooleanField(help_text="Ligne calculée par la fiche (forfait), non saisie.")
    detail = serializers.CharField()


class PlanSerializer(serializers.Serializer):
    """Le plan de financement calculé selon la fiche du dispositif."""

    modele = serializers.CharField(help_text="Modèle de financement de la fiche.")
    cout_total = serializers.DecimalField(max_digits=14, decimal_places=2)
    total_ressources = serializers.DecimalField(max_digits=14, decimal_places=2)
    montant_departement = serializers.DecimalField(max_digits=14, decimal_places=2)
    part_departement = serializers.DecimalField(
        max_digits=6, decimal_places=2, allow_null=True, help_text="Part du Département dans le coût total (%)."
    )
    equilibre = serializers.BooleanField()
    conforme = serializers.BooleanField(help_text="Aucune règle de la fiche n'est enfreinte.")
    lignes = LigneCalculeeSerializer(many=True)
    violations = ViolationSerializer(many=True)


class ValidationSerializer(serializers.Serializer):
    attestation_honneur = serializers.BooleanField(
        help_text="Le représentant légal atteste sur l'honneur l'exactitude des informations."
    )


class ErreurMetierSerializer(serializers.Serializer):
    """Réponse 400 d'une règle métier refusée."""

    detail = serializers.CharField(help_text="Le ou les motifs, en français.")
    erreurs = serializers.ListField(child=serializers.CharField(), help_text="Chaque motif séparément.")
