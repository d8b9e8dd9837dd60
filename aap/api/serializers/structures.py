"""Structures porteuses, en lecture (porteur : les siennes ; agent : son périmètre)."""

from __future__ import annotations

from rest_framework import serializers

from aap.api.serializers.catalogue import TerritoireSerializer
from aap.structures.models import Structure


class StructureResumeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Structure
        fields = ["id", "siret", "raison_sociale", "sigle"]


class StructureSerializer(serializers.ModelSerializer):
    territoire = TerritoireSerializer(read_only=True, allow_null=True)
    forme_juridique_libelle = serializers.CharField(source="get_forme_juridique_display", read_only=True)
    iban_masque = serializers.CharField(
        read_only=True, help_text="IBAN masqué, comme à l'écran : l'IBAN complet ne sort pas par l'API."
    )

    class Meta:
        model = Structure
        fields = [
            "id",
            "siret",
            "raison_sociale",
            "sigle",
            "forme_juridique",
            "forme_juridique_libelle",
            "rna",
            "adresse",
            "code_postal",
            "commune",
            "est_siege",
            "territoire",
            "telephone",
            "email",
            "site_web",
            "representant_civilite",
            "representant_prenom",
            "representant_nom",
            "representant_fonction",
            "iban_masque",
            "bic",
            "label_referent_62",
            "creee_le",
        ]
        read_only_fields = fields
