"""Vues des agents : demandes de compte (DPID) et consultation des structures (tous les agents, périmètre)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import BooleanField, Case, Count, Exists, OuterRef, Q, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from aap.core import audit
from aap.core.models import AGENT_ROLES, DPID_ROLES, Role, Territoire, User
from aap.core.pagination import paginate, sort_queryset
from aap.core.permissions import role_required
from aap.core.workflow import TransitionInterdite
from aap.demandes.models import Demande, StatutDemande
from aap.structures import membres, services
from aap.structures.droits import ErreurStructure
from aap.structures.forms import FiltreDemandesCompteForm, FiltreStructuresForm, LabelForm, RefusForm
from aap.structures.models import DemandeCompte, DocumentStructure, Membre, StatutDemandeCompte, Structure
from aap.structures.selectors import etat_documents, membres_ordonnes
from aap.structures.validators import compacter


# --- Demandes de compte ------------------------------------------------------------------------------------

TRI_DEMANDES = {
    "recue_le": "recue_le",
    "raison_sociale": "raison_sociale",
    "siret": "siret",
    "commune": "commune",
    "statut": "statut",
    "doublon": "doublon",
    "traitee_le": "traitee_le",
}


def _demandes_compte(user: User):  # noqa: ANN202 - QuerySet annoté
    deja_inscrite = Exists(Structure.objects.filter(siret=OuterRef("siret")))
    return (
        DemandeCompte.objects.for_user(user)
        .select_related("structure", "traitee_par")
        .annotate(
            doublon=Case(
                When(structure_deja_inscrite=True, then=Value(True)),
                When(deja_inscrite, statut=StatutDemandeCompte.EN_ATTENTE, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )


@role_required(*DPID_ROLES)
def demandes_compte(request: HttpRequest) -> HttpResponse:
    params = request.GET if request.GET else {"statut": StatutDemandeCompte.EN_ATTENTE}
    form = FiltreDemandesCompteForm(params)
    form.is_valid()
    filtres = form.cleaned_data
    qs = _demandes_compte(request.user)
    compteurs = dict(qs.order_by().values_list("statut").annotate(n=Count("pk")))
    if filtres.get("statut"):
        qs = qs.filter(statut=filtres["statut"])
    if q := (filtres.get("q") or "").strip():
        qs = qs.filter(
            Q(raison_sociale__icontains=q)
            | Q(siret__startswith=compacter(q) or q)
            | Q(demandeur_nom__icontains=q)
            | Q(email__icontains=q)
        )
    if filtres.get("rattachement"):
        qs = qs.filter(doublon=True)
    qs = sort_queryset(request, qs, TRI_DEMANDES, "-recue_le")
    statuts = [(s, s.label, compteurs.get(s.value, 0)) for s in StatutDemandeCompte]
    return render(
        request,
        "structures/agents/demandes_compte.html",
        {"form": form, "page": paginate(request, qs), "statuts": statuts},
    )


def _demande(request: HttpRequest, pk: int) -> DemandeCompte:
    return get_object_or_404(_demandes_compte(request.user), pk=pk)


def _contexte_demande(request: HttpRequest, demande: DemandeCompte, refus_form: RefusForm | None = None) -> dict:
    agent = request.user
    return {
        "demande": demande,
        "structure_existante": Structure.objects.for_user(agent).filter(siret=demande.siret).first(),
        "autres_demandes": DemandeCompte.objects.for_user(agent).filter(siret=demande.siret).exclude(pk=demande.pk),
        "compte_existant": User.objects.filter(email__iexact=demande.email).first(),
        "en_attente": services.WORKFLOW_DEMANDE_COMPTE.can(demande, "valider"),
        "refus_form": refus_form or RefusForm(),
        "fil": [("Demandes de compte", reverse("structures:demandes_compte")), (demande.raison_sociale, "")],
    }


@role_required(*DPID_ROLES)
def demande_compte_detail(request: HttpRequest, pk: int) -> HttpResponse:
    demande = _demande(request, pk)
    audit.log_access(request.user, demande)
    return render(request, "structures/agents/demande_compte_detail.html", _contexte_demande(request, demande))


@require_POST
@role_required(*DPID_ROLES)
def valider_demande_compte(request: HttpRequest, pk: int) -> HttpResponse:
    demande = _demande(request, pk)
    try:
        membre = services.valider_demande_compte(demande, request.user)
    except (ErreurStructure, TransitionInterdite) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"Demande validée : {membre.user} est {membre.get_role_display().lower()} de « {membre.structure} ». "
            f"Un courriel lui a été envoyé à {membre.user.email}.",
        )
    return redirect("structures:demande_compte_detail", pk=demande.pk)


@require_POST
@role_required(*DPID_ROLES)
def refuser_demande_compte(request: HttpRequest, pk: int) -> HttpResponse:
    demande = _demande(request, pk)
    form = RefusForm(request.POST)
    if form.is_valid():
        try:
            services.refuser_demande_compte(demande, request.user, form.cleaned_data["motif"])
        except (ErreurStructure, TransitionInterdite) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Demande refusée : le motif a été envoyé à {demande.email}.")
        return redirect("structures:demande_compte_detail", pk=demande.pk)
    contexte = _contexte_demande(request, demande, form)
    return render(request, "structures/agents/demande_compte_detail.html", contexte, status=400)


# --- Structures --------------------------------------------------------------------------------------------

TRI_STRUCTURES = {
    "raison_sociale": "raison_sociale",
    "siret": "siret",
    "territoire": "territoire__ordre",
    "forme_juridique": "forme_juridique",
    "creee_le": "creee_le",
    "demandes": "nb_demandes",
}


@role_required(*AGENT_ROLES)
def agent_liste(request: HttpRequest) -> HttpResponse:
    agent = request.user
    territoires = None
    if agent.role == Role.SLAI:
        territoires = Territoire.objects.filter(pk=agent.territoire_id)
    form = FiltreStructuresForm(request.GET or None, territoires=territoires)
    form.is_valid()
    filtres = getattr(form, "cleaned_data", {})
    qs = (
        Structure.objects.for_user(agent)
        .select_related("territoire")
        .annotate(nb_demandes=Count("demandes", filter=~Q(demandes__statut=StatutDemande.BROUILLON), distinct=True))
    )
    if q := (filtres.get("q") or "").strip():
        qs = qs.filter(Q(raison_sociale__icontains=q) | Q(sigle__icontains=q) | Q(siret__startswith=compacter(q) or q))
    if filtres.get("territoire"):
        qs = qs.filter(territoire=filtres["territoire"])
    if filtres.get("forme_juridique"):
        qs = qs.filter(forme_juridique=filtres["forme_juridique"])
    qs = sort_queryset(request, qs, TRI_STRUCTURES, "raison_sociale")
    return render(request, "structures/agents/liste.html", {"form": form, "page": paginate(request, qs)})


@role_required(*AGENT_ROLES)
def agent_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agent = request.user
    structure = get_object_or_404(Structure.objects.for_user(agent).select_related("territoire"), pk=pk)
    audit.log_access(agent, structure)
    demandes = Demande.objects.for_user(agent).filter(structure=structure)
    libelles = dict(StatutDemande.choices)
    contexte = {
        "structure": structure,
        "membres": membres_ordonnes(structure),
        "pieces": etat_documents(structure).values(),
        "historique_pieces": DocumentStructure.objects.filter(structure=structure, remplace_par__isnull=False),
        "nb_demandes": demandes.count(),
        "demandes_par_statut": [
            (libelles.get(statut, statut), n)
            for statut, n in demandes.order_by("statut").values_list("statut").annotate(n=Count("pk"))
        ],
        "demandes_compte": DemandeCompte.objects.for_user(agent).filter(siret=structure.siret),
        "est_dpid": agent.est_dpid,
        "label_form": LabelForm(initial={"label_referent_62": structure.label_referent_62}),
        "a_un_rl": membres.representant_legal(structure) is not None,
        "fil": [("Structures", reverse("structures:agent_liste")), (structure.raison_sociale, "")],
    }
    return render(request, "structures/agents/detail.html", contexte)


@require_POST
@role_required(*DPID_ROLES)
def agent_label(request: HttpRequest, pk: int) -> HttpResponse:
    structure = get_object_or_404(Structure.objects.for_user(request.user), pk=pk)
    form = LabelForm(request.POST)
    form.is_valid()
    valeur = bool(form.cleaned_data.get("label_referent_62"))
    services.definir_label_referent_62(structure, request.user, valeur)
    etat = "labellisée Référent 62" if valeur else "n'est plus labellisée Référent 62"
    messages.success(request, f"« {structure} » {etat}.")
    return redirect("structures:agent_detail", pk=structure.pk)


@require_POST
@role_required(*DPID_ROLES)
def agent_representant(request: HttpRequest, pk: int, membre_pk: int) -> HttpResponse:
    structure = get_object_or_404(Structure.objects.for_user(request.user), pk=pk)
    membre = get_object_or_404(Membre.objects.select_related("user"), pk=membre_pk, structure=structure)
    try:
        membres.designer_representant_legal(membre, request.user)
    except ErreurStructure as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{membre.user} est désormais le représentant légal de « {structure} ».")
    return redirect("structures:agent_detail", pk=structure.pk)
