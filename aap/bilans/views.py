"""Pages des bilans : « Mes bilans » et saisie par la structure, liste et examen par les agents."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, Case, Value, When
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from aap.bilans import rules, selectors, services
from aap.bilans.forms import AcceptationForm, BilanForm, FiltreBilansForm, ModificationsForm
from aap.bilans.models import Bilan
from aap.bilans.selectors import bilans_suivis, etat_documents, filtre_en_retard
from aap.core import audit
from aap.core.models import AGENT_ROLES, Role, Territoire
from aap.core.pagination import paginate, sort_queryset
from aap.core.permissions import role_required
from aap.core.workflow import TransitionInterdite
from aap.demandes.models import Demande
from aap.qualite.selectors import charte_applicable, charte_du_bilan
from aap.structures.droits import peut_ecrire
from aap.structures.fichiers import mime_du_nom
from aap.structures.models import Structure


def fil_porteur(*items: tuple[str, str]) -> list[tuple[str, str]]:
    return [("Mes bilans", reverse("bilans:mes_bilans")), *items]


def fil_agent(*items: tuple[str, str]) -> list[tuple[str, str]]:
    return [("Bilans", reverse("bilans:liste")), *items]


def _avec_retard(qs, jour):  # noqa: ANN001, ANN202 - QuerySet[Bilan]
    return qs.annotate(
        en_retard=Case(
            When(filtre_en_retard(jour), then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    )


# --- Structure ------------------------------------------------------------------------------------------------


@role_required(Role.PORTEUR)
def mes_bilans(request: HttpRequest) -> HttpResponse:
    jour = timezone.localdate()
    bilans = _avec_retard(bilans_suivis(request.user), jour).order_by("echeance", "pk")
    structures = Structure.objects.for_user(request.user).order_by("raison_sociale")
    contexte = {
        "bilans": bilans,
        "documents": [etat_documents(s, jour) for s in structures],
        "jour": jour,
        "fil": fil_porteur(),
    }
    return render(request, "bilans/mes_bilans.html", contexte)


def _bilan(request: HttpRequest, pk: int) -> Bilan:
    return get_object_or_404(
        Bilan.objects.for_user(request.user).select_related(
            "operation__convention__structure", "operation__convention__edition", "operation__dispositif",
            "operation__demande__dispositif", "depose_par", "decide_par",
        ),
        pk=pk,
    )  # fmt: skip


def _form(bilan: Bilan, data=None, files=None) -> BilanForm:  # noqa: ANN001
    depenses, ressources = selectors.lignes_financieres(bilan)
    return BilanForm(
        data,
        files,
        bilan=bilan,
        mesures=selectors.lignes_mesures(bilan),
        depenses=depenses,
        ressources=ressources,
    )


@role_required(Role.PORTEUR)
def saisir(request: HttpRequest, pk: int) -> HttpResponse:
    """Saisie du bilan par la structure (brouillon ou dépôt) ; une fois déposé, le bilan se lit sans se modifier."""
    bilan = _bilan(request, pk)
    modifiable = services.peut_saisir(bilan, request.user)
    form = _form(bilan, request.POST or None, request.FILES or None) if modifiable else None
    if request.method == "POST":
        if form is None:
            if not peut_ecrire(request.user, bilan.operation.convention.structure):
                raise PermissionDenied(
                    "Votre rôle dans la structure est « lecture seule » : vous consultez ses bilans."
                )
            messages.error(request, "Ce bilan n'est plus modifiable.")
            return redirect("bilans:saisir", pk=bilan.pk)
        if form.is_valid():
            deposer = "deposer" in request.POST
            try:
                if deposer:
                    services.deposer_bilan(bilan, request.user, form.donnees())
                else:
                    services.enregistrer_bilan(bilan, request.user, form.donnees())
            except ValidationError as exc:
                form.add_error(None, exc)
            except (services.BilanImpossible, TransitionInterdite) as exc:
                form.add_error(None, str(exc))
            else:
                if deposer:
                    messages.success(request, f"{bilan.libelle} déposé : le Département va l'examiner.")
                else:
                    messages.success(request, "Brouillon enregistré. Le bilan n'est pas encore déposé.")
                return redirect("bilans:saisir", pk=bilan.pk)
    contexte = _contexte_bilan(bilan, request.user) | {
        "form": form,
        "fil": fil_porteur((f"{bilan.libelle} — {bilan.operation.convention.numero}", "")),
    }
    return render(request, "bilans/saisir.html", contexte, status=400 if form is not None and form.errors else 200)


def _contexte_bilan(bilan: Bilan, user) -> dict:  # noqa: ANN001 - User
    depenses, ressources = selectors.lignes_financieres(bilan)
    regles_indicateurs = {i["code"]: i for i in bilan.operation.regles.get("indicateurs", [])}
    return {
        "bilan": bilan,
        "operation": bilan.operation,
        "convention": bilan.operation.convention,
        "mesures": selectors.lignes_mesures(bilan),
        "indicateurs": [{**regles_indicateurs.get(i["code"], {}), **i} for i in bilan.indicateurs],
        "sorties": [(libelle, (bilan.sorties_detail or {}).get(code)) for code, libelle in rules.TYPES_SORTIE],
        "depenses": depenses,
        "ressources": ressources,
        "totaux": selectors.totaux(depenses, ressources),
        "en_retard": selectors.est_en_retard(bilan, timezone.localdate()),
        "final": selectors.est_final(bilan),
        "charte": charte_du_bilan(bilan, user),
    }


@role_required(Role.PORTEUR, *AGENT_ROLES)
def piece(request: HttpRequest, pk: int) -> FileResponse:
    bilan = get_object_or_404(Bilan.objects.for_user(request.user), pk=pk)
    if not bilan.piece:
        raise Http404
    if request.user.est_agent:
        audit.log_access(request.user, bilan)
    nom = bilan.piece.name.rsplit("/", 1)[-1]
    return FileResponse(bilan.piece.open("rb"), as_attachment=True, filename=nom, content_type=mime_du_nom(nom))


# --- Agents ---------------------------------------------------------------------------------------------------

TRI_BILANS = {
    "echeance": "echeance",
    "structure": "operation__convention__structure__raison_sociale",
    "convention": "operation__convention__numero",
    "dispositif": "operation__dispositif__code",
    "type": "type",
    "statut": "statut",
    "depot": "depose_le",
}


@role_required(*AGENT_ROLES)
def liste(request: HttpRequest) -> HttpResponse:
    agent = request.user
    jour = timezone.localdate()
    territoires = Territoire.objects.filter(pk=agent.territoire_id) if agent.role == Role.SLAI else None
    types = dict(Bilan.objects.order_by("type").values_list("type", "libelle").distinct())
    filtres = FiltreBilansForm(request.GET or None, types=sorted(types.items()), territoires=territoires)
    filtres.is_valid()
    f = getattr(filtres, "cleaned_data", {})
    qs = _avec_retard(bilans_suivis(agent), jour)
    if f.get("statut"):
        qs = qs.filter(statut=f["statut"])
    if f.get("type"):
        qs = qs.filter(type=f["type"])
    if f.get("dispositif"):
        qs = qs.filter(operation__dispositif=f["dispositif"])
    if f.get("territoire"):
        qs = qs.filter(operation__demande__in=Demande.objects.touchant(f["territoire"].pk).values("pk"))
    if f.get("en_retard"):
        qs = qs.filter(filtre_en_retard(jour))
    qs = sort_queryset(request, qs, TRI_BILANS, "echeance")
    contexte = {
        "filtres": filtres,
        "page": paginate(request, qs),
        "nb_en_retard": bilans_suivis(agent).filter(filtre_en_retard(jour)).count(),
        "nb_a_examiner": bilans_suivis(agent).filter(statut="depose").count(),
        "fil": fil_agent(),
    }
    return render(request, "bilans/liste.html", contexte)


@role_required(*AGENT_ROLES)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    bilan = _bilan(request, pk)
    audit.log_access(request.user, bilan)
    return render(request, "bilans/detail.html", _contexte_examen(request, bilan))


def _contexte_examen(request: HttpRequest, bilan: Bilan, **forms) -> dict:  # noqa: ANN003
    decideur = request.user.role in services.ROLES_DECISION and bilan.statut == "depose"
    qualite = rules.a_part_qualite(bilan.operation.regles) and not charte_applicable(bilan.operation)
    contexte = _contexte_bilan(bilan, request.user) | {
        "decideur": decideur,
        "qualite": qualite,
        "fil": fil_agent((f"{bilan.libelle} — {bilan.operation.convention.numero}", "")),
    }
    if decideur:
        contexte["form_acceptation"] = forms.get("acceptation") or AcceptationForm(qualite=qualite)
        contexte["form_modifications"] = forms.get("modifications") or ModificationsForm()
    return contexte


@require_POST
@role_required(Role.INSTRUCTEUR, Role.GESTIONNAIRE)
def accepter(request: HttpRequest, pk: int) -> HttpResponse:
    bilan = _bilan(request, pk)
    qualite = rules.a_part_qualite(bilan.operation.regles) and not charte_applicable(bilan.operation)
    form = AcceptationForm(request.POST, qualite=qualite)
    if form.is_valid():
        try:
            services.accepter_bilan(bilan, request.user, score_qualite=form.cleaned_data.get("score_qualite"))
        except ValidationError as exc:
            form.add_error(None, exc)
        except (services.BilanImpossible, TransitionInterdite) as exc:
            messages.error(request, str(exc))
            return redirect("bilans:detail", pk=bilan.pk)
        else:
            messages.success(
                request,
                f"{bilan.libelle} accepté : l'échéance qui en dépend est exigible ; la structure est prévenue.",
            )
            return redirect("bilans:detail", pk=bilan.pk)
    contexte = _contexte_examen(request, bilan, acceptation=form)
    return render(request, "bilans/detail.html", contexte, status=400)


@require_POST
@role_required(Role.INSTRUCTEUR, Role.GESTIONNAIRE)
def modifications(request: HttpRequest, pk: int) -> HttpResponse:
    bilan = _bilan(request, pk)
    form = ModificationsForm(request.POST)
    if form.is_valid():
        try:
            services.demander_modifications(bilan, request.user, form.cleaned_data["motif"])
        except ValidationError as exc:
            form.add_error(None, exc)
        except (services.BilanImpossible, TransitionInterdite) as exc:
            messages.error(request, str(exc))
            return redirect("bilans:detail", pk=bilan.pk)
        else:
            messages.success(request, "Modifications demandées : la structure est prévenue par courriel.")
            return redirect("bilans:detail", pk=bilan.pk)
    contexte = _contexte_examen(request, bilan, modifications=form)
    return render(request, "bilans/detail.html", contexte, status=400)
