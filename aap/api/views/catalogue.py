"""Catalogue public (lecture anonyme) : éditions, axes, dispositifs, sessions ouvertes."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.permissions import AllowAny

from aap.api.params import entier
from aap.api.serializers.catalogue import (
    AxeSerializer,
    DispositifSerializer,
    EditionSerializer,
    SessionOuverteSerializer,
)
from aap.catalogue.models import Axe, Dispositif, Edition, SessionAppel


TAG = "Catalogue (public)"
P_EDITION = OpenApiParameter("edition", int, description="Année de l'édition, ex. 2026.")
P_AXE = OpenApiParameter("axe", int, description="Numéro de l'axe.")
P_TERRITOIRE = OpenApiParameter("territoire", int, description="Identifiant d'un territoire couvert.")


class CatalogueViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]


@extend_schema_view(
    list=extend_schema(tags=[TAG], summary="Éditions de l'appel à projets"),
    retrieve=extend_schema(tags=[TAG], summary="Une édition"),
)
class EditionViewSet(CatalogueViewSet):
    queryset = Edition.objects.all()
    serializer_class = EditionSerializer
    lookup_field = "annee"
    lookup_value_regex = r"\d{4}"


@extend_schema_view(
    list=extend_schema(tags=[TAG], summary="Axes (thématiques)", parameters=[P_EDITION]),
    retrieve=extend_schema(tags=[TAG], summary="Un axe"),
)
class AxeViewSet(CatalogueViewSet):
    serializer_class = AxeSerializer

    def get_queryset(self) -> QuerySet[Axe]:
        qs = Axe.objects.select_related("edition").order_by("-edition__annee", "numero")
        if self.action == "list" and (annee := entier(self.request, "edition")) is not None:
            qs = qs.filter(edition__annee=annee)
        return qs


@extend_schema_view(
    list=extend_schema(
        tags=[TAG],
        summary="Dispositifs, avec sessions, territoires et règles",
        parameters=[P_EDITION, P_AXE, P_TERRITOIRE],
    ),
    retrieve=extend_schema(tags=[TAG], summary="Un dispositif"),
)
class DispositifViewSet(CatalogueViewSet):
    serializer_class = DispositifSerializer

    def get_queryset(self) -> QuerySet[Dispositif]:
        qs = (
            Dispositif.objects.for_user(self.request.user)
            .select_related("edition", "axe", "ligne_budgetaire")
            .prefetch_related("sessions", "territoires")
            .order_by("-edition__annee", "axe__numero", "ordre", "pk")
        )
        if self.action != "list":
            return qs
        if (annee := entier(self.request, "edition")) is not None:
            qs = qs.filter(edition__annee=annee)
        if (axe := entier(self.request, "axe")) is not None:
            qs = qs.filter(axe__numero=axe)
        if (territoire := entier(self.request, "territoire")) is not None:
            qs = qs.filter(territoires=territoire)
        return qs


@extend_schema_view(
    list=extend_schema(
        tags=[TAG],
        summary="Sessions ouvertes aujourd'hui",
        description="Sessions dont le dépôt est possible aujourd'hui (clôture incluse, heure de Paris).",
        parameters=[P_EDITION],
    )
)
class SessionOuverteViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [AllowAny]
    serializer_class = SessionOuverteSerializer

    def get_queryset(self) -> QuerySet[SessionAppel]:
        qs = (
            SessionAppel.objects.ouvertes()
            .select_related("dispositif__edition", "dispositif__axe")
            .order_by("cloture", "dispositif__axe__numero", "dispositif__ordre", "numero")
        )
        if (annee := entier(self.request, "edition")) is not None:
            qs = qs.filter(dispositif__edition__annee=annee)
        return qs
