"""Jeton d'API : échange d'une adresse électronique et d'un mot de passe contre un jeton."""

from __future__ import annotations

from rest_framework import serializers


class JetonDemandeSerializer(serializers.Serializer):
    email = serializers.EmailField(label="adresse électronique")
    password = serializers.CharField(label="mot de passe", style={"input_type": "password"}, trim_whitespace=False)


class JetonSerializer(serializers.Serializer):
    token = serializers.CharField(
        read_only=True, help_text="À envoyer dans l'en-tête « Authorization: Token <jeton> »."
    )
    role = serializers.CharField(read_only=True)
