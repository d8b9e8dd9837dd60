"""Obtenir (POST) ou révoquer (DELETE) son jeton d'API."""

from __future__ import annotations

from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from aap.api import services
from aap.api.serializers.compte import JetonDemandeSerializer, JetonSerializer


TAG = "Authentification"


class JetonThrottle(AnonRateThrottle):
    """Limite les essais de mot de passe par adresse IP."""

    scope = "jeton"
    rate = "20/minute"


class JetonView(APIView):
    throttle_classes = [JetonThrottle]

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "DELETE" else [AllowAny()]

    @extend_schema(
        tags=[TAG],
        summary="Obtenir son jeton d'API",
        description="Échange l'adresse électronique et le mot de passe d'un compte actif contre son jeton. "
        "Le jeton s'envoie ensuite dans l'en-tête `Authorization: Token <jeton>`.",
        request=JetonDemandeSerializer,
        responses={200: JetonSerializer, 400: OpenApiResponse(description="Identifiants incorrects.")},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        demande = JetonDemandeSerializer(data=request.data)
        demande.is_valid(raise_exception=True)
        user = authenticate(
            request._request, username=demande.validated_data["email"], password=demande.validated_data["password"]
        )
        if user is None or not user.is_active:
            raise ValidationError({"detail": "Adresse électronique ou mot de passe incorrect."})
        token = services.obtenir_jeton(user)
        return Response(JetonSerializer({"token": token.key, "role": user.role}).data)

    @extend_schema(
        tags=[TAG],
        summary="Révoquer son jeton d'API",
        request=None,
        responses={204: OpenApiResponse(description="Jeton supprimé ; un nouveau POST en crée un autre.")},
    )
    def delete(self, request: Request) -> Response:
        services.revoquer_jeton(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
