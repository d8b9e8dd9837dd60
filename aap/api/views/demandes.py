"""Demandes : lecture pour les porteurs (les leurs) et les agents (leur périmètre), écritures du porteur
par les services du domaine (`aap.demandes.services`), jamais directement sur les modèles."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from aap.api.erreurs import regles_metier
from aap.api.params import entier
from aap.api.permissions import LectureOuEcriturePorteur
from aap.api.serializers.demandes import (
    BudgetSaisieSerializer,
    DemandeCreationSerializer,
    DemandeListeSerializer,
    DemandeModificationSerializer,
    DemandeSerializer,
    ErreurMetierSerializer,
    PlanSerializer,
    ValidationSerializer,
)
from aap.core import audit
from aap.core.models import Territoire
from aap.demandes import services
from aap.demandes.choix import StatutDemande
from aap.demandes.financement import Depense, Ressource
from aap.demandes.models import Demande


TAG = "Demandes"
#: Tris permis (`tri=champ` ou `tri=-champ`), comme la liste des agents.
TRIS = {
    "reference": "reference",
    "intitule": "intitule",
    "structure": "structure__raison_sociale",
    "dispositif": "dispositif__code",
    "statut": "statut",
    "montant_demande": "montant_demande",
    "cout_total": "cout_total",
    "cree_le": "cree_le",
    "deposee_le": "deposee_le",
}
ERREURS = {
    400: OpenApiResponse(ErreurMetierSerializer, description="Règle métier refusée (session close, dossier…)."),
    403: OpenApiResponse(description="Réservé aux porteurs, ou rôle insuffisant dans la structure."),
    404: OpenApiResponse(description="Demande inconnue ou hors de votre périmètre."),
}
FILTRES = [
    OpenApiParameter("edition", int, description="Année de l'édition, ex. 2026."),
    OpenApiParameter("dispositif", int, description="Identifiant du dispositif."),
    OpenApiParameter("territoire", int, description="Identifiant d'un territoire concerné."),
    OpenApiParameter("statut", str, enum=StatutDemande.values, description="Statut de la demande."),
    OpenApiParameter("structure", int, description="Identifiant de la structure."),
    OpenApiParameter("q", str, description="Recherche : raison sociale, sigle, début du SIRET ou référence."),
    OpenApiParameter(
        "tri", str, enum=[*TRIS, *(f"-{t}" for t in TRIS)], description="Tri (préfixe « - » : décroissant)."
    ),
]


@extend_schema_view(
    list=extend_schema(
        tags=[TAG],
        summary="Demandes visibles",
        description="Porteur : les demandes de ses structures (brouillons compris). Agents : les demandes "
        "transmises de leur périmètre (SLAI : celles qui touchent son territoire).",
        parameters=FILTRES,
    ),
    retrieve=extend_schema(
        tags=[TAG],
        summary="Une demande",
        description="Hors périmètre : 404. La consultation par un agent est inscrite au journal.",
    ),
)
class DemandeViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    permission_classes = [LectureOuEcriturePorteur]

    def get_serializer_class(self):
        return DemandeListeSerializer if self.action == "list" else DemandeSerializer

    def get_queryset(self) -> QuerySet[Demande]:
        qs = Demande.objects.for_user(self.request.user).select_related(
            "structure", "dispositif__edition", "dispositif__axe", "session"
        )
        territoires = Prefetch("territoires", queryset=Territoire.objects.order_by("ordre", "nom"))
        if self.action != "list":
            return qs.prefetch_related(territoires, "depenses", "ressources")
        params = self.request.query_params
        if (annee := entier(self.request, "edition")) is not None:
            qs = qs.filter(dispositif__edition__annee=annee)
        if (dispositif := entier(self.request, "dispositif")) is not None:
            qs = qs.filter(dispositif_id=dispositif)
        if (territoire := entier(self.request, "territoire")) is not None:
            qs = qs.touchant(territoire)
        if (statut := params.get("statut", "").strip()) in StatutDemande.values:
            qs = qs.filter(statut=statut)
        if (structure := entier(self.request, "structure")) is not None:
            qs = qs.filter(structure_id=structure)
        if texte := params.get("q", "").strip():
            critere = Q(structure__raison_sociale__icontains=texte) | Q(structure__sigle__icontains=texte)
            critere |= Q(reference__icontains=texte) | Q(structure__siret__startswith=texte.replace(" ", ""))
            qs = qs.filter(critere)
        tri = params.get("tri", "")
        if tri.lstrip("-") not in TRIS:
            tri = "-cree_le"
        champ = TRIS[tri.lstrip("-")]
        return qs.prefetch_related(territoires).order_by(f"-{champ}" if tri.startswith("-") else champ, "pk")

    def _relire(self, demande: Demande) -> Response:
        demande = self.get_queryset().get(pk=demande.pk)
        return Response(DemandeSerializer(demande, context=self.get_serializer_context()).data)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        demande = self.get_object()
        audit.log_access(request.user, demande)
        return Response(self.get_serializer(demande).data)

    @extend_schema(
        tags=[TAG],
        summary="Créer un brouillon",
        description="Sur une session ouverte, pour une de vos structures (représentant légal ou gestionnaire).",
        request=DemandeCreationSerializer,
        responses={201: DemandeSerializer, **ERREURS},
    )
    def create(self, request: Request, *args, **kwargs) -> Response:
        saisie = DemandeCreationSerializer(data=request.data, context=self.get_serializer_context())
        saisie.is_valid(raise_exception=True)
        d = saisie.validated_data
        with regles_metier():
            demande = services.creer_demande(
                request.user, d["structure"], d["session"], d["intitule"], d["territoires"]
            )
        reponse = self._relire(demande)
        reponse.status_code = status.HTTP_201_CREATED
        return reponse

    @extend_schema(
        tags=[TAG],
        summary="Compléter le brouillon",
        description="Textes, dates, quantités, priorités transversales et territoires ; seuls les champs "
        "envoyés changent. Refusé hors session ou si la demande n'est plus un brouillon.",
        request=DemandeModificationSerializer,
        responses={200: DemandeSerializer, **ERREURS},
    )
    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        demande = self.get_object()
        saisie = DemandeModificationSerializer(data=request.data, partial=True)
        saisie.is_valid(raise_exception=True)
        donnees = dict(saisie.validated_data)
        territoires = donnees.pop("territoires", None)
        with regles_metier():
            services.mettre_a_jour(demande, request.user, donnees, territoires)
        return self._relire(demande)

    @extend_schema(
        methods=["GET"],
        tags=[TAG],
        summary="Plan de financement calculé",
        description="Le plan saisi, calculé selon la fiche du dispositif (forfaits, plafonds, parts).",
        responses={200: PlanSerializer, 404: ERREURS[404]},
    )
    @extend_schema(
        methods=["PUT"],
        tags=[TAG],
        summary="Remplacer le plan de financement",
        description="Remplace toutes les lignes de dépenses et de ressources ; les postes de personnel sont "
        "recalculés selon la fiche. Rend le plan calculé (les règles non respectées sont listées dans "
        "`violations` : elles empêcheront le dépôt).",
        request=BudgetSaisieSerializer,
        responses={200: PlanSerializer, **ERREURS},
    )
    @action(detail=True, methods=["get", "put"])
    def budget(self, request: Request, pk: str | None = None) -> Response:
        demande = self.get_object()
        if request.method == "GET":
            if demande.dispositif.fiche is None:  # demande importée d'un tableau, sur un dispositif sans fiche
                raise NotFound(
                    "Pas de plan de financement : demande importée d'un tableau de propositions (hors portail), "
                    "sur un dispositif sans fiche détaillée."
                )
            audit.log_access(request.user, demande)
            return Response(PlanSerializer(services.plan_de(demande)).data)
        saisie = BudgetSaisieSerializer(data=request.data)
        saisie.is_valid(raise_exception=True)
        depenses = [Depense(**ligne) for ligne in saisie.validated_data["depenses"]]
        ressources = [Ressource(**ligne) for ligne in saisie.validated_data["ressources"]]
        with regles_metier():
            plan = services.enregistrer_budget(demande, request.user, depenses, ressources)
        return Response(PlanSerializer(plan).data)

    @extend_schema(
        tags=[TAG],
        summary="Déposer la demande",
        description="Dossier complet, plan équilibré et conforme à la fiche, avant la clôture de la session.",
        request=None,
        responses={200: DemandeSerializer, **ERREURS},
    )
    @action(detail=True, methods=["post"])
    def deposer(self, request: Request, pk: str | None = None) -> Response:
        demande = self.get_object()
        with regles_metier():
            services.deposer(demande, request.user)
        return self._relire(demande)

    @extend_schema(
        tags=[TAG],
        summary="Repasser en brouillon",
        description="Rouvre une demande déposée, non validée, tant que la session est ouverte.",
        request=None,
        responses={200: DemandeSerializer, **ERREURS},
    )
    @action(detail=True, methods=["post"], url_path="repasser-en-brouillon")
    def repasser_en_brouillon(self, request: Request, pk: str | None = None) -> Response:
        demande = self.get_object()
        with regles_metier():
            services.repasser_en_brouillon(demande, request.user)
        return self._relire(demande)

    @extend_schema(
        tags=[TAG],
        summary="Valider la demande",
        description="Par le représentant légal seulement, avec l'attestation sur l'honneur, avant la clôture : "
        "la demande est alors reçue par le Département (récépissé PDF).",
        request=ValidationSerializer,
        responses={200: DemandeSerializer, **ERREURS},
    )
    @action(detail=True, methods=["post"])
    def valider(self, request: Request, pk: str | None = None) -> Response:
        demande = self.get_object()
        saisie = ValidationSerializer(data=request.data)
        saisie.is_valid(raise_exception=True)
        with regles_metier():
            services.valider(demande, request.user, saisie.validated_data["attestation_honneur"])
        return self._relire(demande)
