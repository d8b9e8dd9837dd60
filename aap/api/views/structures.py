"""Structures en lecture, limitées au périmètre du compte (`Structure.objects.for_user`)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from aap.api.params import entier
from aap.api.serializers.structures import StructureSerializer
from aap.core import audit
from aap.structures.models import Structure


TAG = "Structures"


@extend_schema_view(
    list=extend_schema(
        tags=[TAG],
        summary="Structures visibles",
        description="Porteur : ses structures. Agent SLAI : celles de son territoire. Autres agents : toutes.",
        parameters=[
            OpenApiParameter("territoire", int, description="Identifiant du territoire MDS."),
            OpenApiParameter("q", str, description="Recherche dans la raison sociale, le sigle ou le SIRET."),
        ],
    ),
    retrieve=extend_schema(
        tags=[TAG],
        summary="Une structure",
        description="Hors périmètre : 404. La consultation par un agent est inscrite au journal.",
    ),
)
class StructureViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = StructureSerializer

    def get_queryset(self) -> QuerySet[Structure]:
        qs = (
            Structure.objects.for_user(self.request.user).select_related("territoire").order_by("raison_sociale", "pk")
        )
        if self.action != "list":
            return qs
        if (territoire := entier(self.request, "territoire")) is not None:
            qs = qs.filter(territoire_id=territoire)
        if q := self.request.query_params.get("q", "").strip():
            qs = qs.filter(Q(raison_sociale__icontains=q) | Q(sigle__icontains=q) | Q(siret__startswith=q))
        return qs

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        structure = self.get_object()
        audit.log_access(request.user, structure)
        return Response(self.get_serializer(structure).data)
