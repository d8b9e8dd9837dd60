"""Catalogue public : éditions, axes, dispositifs (avec leurs sessions, territoires et règles), sessions."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aap.catalogue.models import Axe, Dispositif, Edition, SessionAppel
from aap.catalogue.schema import Fiche
from aap.core.models import Territoire


class TerritoireSerializer(serializers.ModelSerializer):
    class Meta:
        model = Territoire
        fields = ["id", "code", "nom", "est_departement", "bassin_minier"]


class EditionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Edition
        fields = ["id", "annee", "libelle", "source", "chargee_le"]


class AxeSerializer(serializers.ModelSerializer):
    edition = serializers.IntegerField(source="edition.annee", read_only=True, help_text="Année de l'édition.")
    objectifs = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Axe
        fields = ["id", "edition", "numero", "libelle", "objectifs"]


class SessionSerializer(serializers.ModelSerializer):
    ouverte = serializers.SerializerMethodField(help_text="Le dépôt est possible aujourd'hui (heure de Paris).")

    class Meta:
        model = SessionAppel
        fields = ["id", "numero", "ouverture", "cloture", "restriction", "demonstration", "ouverte"]

    def get_ouverte(self, obj: SessionAppel) -> bool:
        return obj.est_ouverte()


class DispositifResumeSerializer(serializers.ModelSerializer):
    edition = serializers.IntegerField(source="edition.annee", read_only=True, help_text="Année de l'édition.")
    axe = serializers.IntegerField(source="axe.numero", read_only=True, help_text="Numéro de l'axe.")

    class Meta:
        model = Dispositif
        fields = ["id", "edition", "axe", "code", "slug", "titre"]


class ChoixInterpretationSerializer(serializers.Serializer):
    champ = serializers.CharField(read_only=True)
    decision = serializers.CharField(read_only=True)


class DispositifSerializer(serializers.ModelSerializer):
    """Un dispositif, ses sessions, ses territoires et sa fiche validée (les règles sont des données)."""

    edition = serializers.IntegerField(source="edition.annee", read_only=True, help_text="Année de l'édition.")
    axe = serializers.IntegerField(source="axe.numero", read_only=True, help_text="Numéro de l'axe.")
    sessions = SessionSerializer(many=True, read_only=True)
    territoires = TerritoireSerializer(many=True, read_only=True)
    fiche = serializers.SerializerMethodField(
        allow_null=True,
        help_text="Règles de la fiche détaillée validées par le schéma du catalogue ; null si pas de fiche.",
    )
    choix = ChoixInterpretationSerializer(
        many=True, read_only=True, help_text="Choix d'interprétation notés dans le catalogue."
    )
    ligne_budgetaire = serializers.SlugRelatedField(
        slug_field="code_operation",
        read_only=True,
        help_text="Code opération de la ligne budgétaire d'imputation (ex. C02-446A05) ; null si non connue.",
    )

    class Meta:
        model = Dispositif
        fields = [
            "id",
            "edition",
            "axe",
            "code",
            "slug",
            "ordre",
            "titre",
            "description",
            "periode_libelle",
            "periode_debut",
            "periode_fin",
            "fiche_code",
            "modele_financement",
            "sessions",
            "territoires",
            "ligne_budgetaire",
            "fiche",
            "choix",
        ]

    @extend_schema_field(Fiche)
    def get_fiche(self, obj: Dispositif) -> dict[str, Any] | None:
        fiche = obj.fiche
        return fiche.model_dump(mode="json") if fiche is not None else None


class SessionOuverteSerializer(SessionSerializer):
    dispositif = DispositifResumeSerializer(read_only=True)
    jours_restants = serializers.SerializerMethodField(help_text="Jours avant la clôture (0 : dernier jour).")

    class Meta(SessionSerializer.Meta):
        fields = [*SessionSerializer.Meta.fields, "jours_restants", "dispositif"]

    def get_jours_restants(self, obj: SessionAppel) -> int:
        return (obj.cloture - timezone.localdate()).days
