"""Vues publiques (demande de compte) et vues des porteurs (mes structures, profil, membres, pièces)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from aap.core import audit
from aap.core.models import Role
from aap.core.permissions import role_required
from aap.structures import droits, membres, services
from aap.structures.droits import ErreurStructure
from aap.structures.fichiers import mime_du_nom
from aap.structures.forms import AjoutMembreForm, DemandeCompteForm, PieceForm, RoleMembreForm, StructureForm
from aap.structures.models import DemandeCompte, DocumentStructure, Membre, RoleMembre, Structure, TypeDocument
from aap.structures.pieces import deposer_piece
from aap.structures.selectors import etat_documents, membres_ordonnes


SESSION_DEMANDE = "structures_demande_compte_envoyee"


def _erreur_dans_formulaire(form, exc: Exception, champ: str | None = None) -> None:  # noqa: ANN001
    if isinstance(exc, ErreurStructure):
        form.add_error(champ, exc.message)
    elif isinstance(exc, ValidationError):
        form.add_error(champ, exc.messages)


# --- Demande de compte (public) ----------------------------------------------------------------------------


def demande_compte(request: HttpRequest) -> HttpResponse:
    initial = {}
    if request.user.is_authenticated and request.user.est_porteur:
        u = request.user
        initial = {"email": u.email, "demandeur_prenom": u.first_name, "demandeur_nom": u.last_name}
    form = DemandeCompteForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            demande = services.soumettre_demande_compte(form.cleaned_data)
        except services.DemandeDejaEnCours as exc:
            _erreur_dans_formulaire(form, exc, "siret")
        except ValidationError as exc:
            _erreur_dans_formulaire(form, exc)
        else:
            request.session[SESSION_DEMANDE] = demande.pk
            return redirect("structures:demande_compte_envoyee")
    fil = [("Appels à projets", reverse("catalogue:appels_ouverts")), ("Demander un compte", "")]
    return render(request, "structures/demande_compte.html", {"form": form, "fil": fil})


def demande_compte_envoyee(request: HttpRequest) -> HttpResponse:
    """Confirmation : la demande n'est retrouvée que par la session du navigateur qui l'a envoyée."""
    pk = request.session.get(SESSION_DEMANDE)
    demande = DemandeCompte.objects.filter(pk=pk).first() if pk else None
    return render(request, "structures/demande_compte_envoyee.html", {"demande": demande})


# --- Espace porteur ----------------------------------------------------------------------------------------


@role_required(Role.PORTEUR)
def mes_structures(request: HttpRequest) -> HttpResponse:
    adhesions = (
        Membre.objects.actifs()
        .filter(user=request.user, structure__in=Structure.objects.for_user(request.user))
        .select_related("structure", "structure__territoire")
        .order_by("structure__raison_sociale")
    )
    lignes = [
        (a, sum(1 for e in etat_documents(a.structure).values() if e.bloquante), a.structure.territoire_id is None)
        for a in adhesions
    ]
    return render(request, "structures/mes_structures.html", {"lignes": lignes})


def _fil(structure: Structure, *items: tuple[str, str]) -> list[tuple[str, str]]:
    base = [
        ("Mes structures", reverse("structures:mes_structures")),
        (structure.raison_sociale, reverse("structures:profil", kwargs={"pk": structure.pk})),
    ]
    return base + list(items) if items else [base[0], (structure.raison_sociale, "")]


def _ma_structure(request: HttpRequest, pk: int) -> Structure:
    return get_object_or_404(Structure.objects.for_user(request.user).select_related("territoire"), pk=pk)


@login_required
def profil(request: HttpRequest, pk: int) -> HttpResponse:
    if request.user.est_agent:
        return redirect("structures:agent_detail", pk=pk)
    structure = _ma_structure(request, pk)
    moi = droits.adhesion(request.user, structure)
    contexte = {
        "structure": structure,
        "moi": moi,
        "peut_ecrire": droits.peut_ecrire(request.user, structure),
        "est_rl": moi is not None and moi.role == RoleMembre.REPRESENTANT_LEGAL,
        "membres": membres_ordonnes(structure),
        "pieces": etat_documents(structure).values(),
        "fil": _fil(structure),
    }
    return render(request, "structures/profil.html", contexte)


@role_required(Role.PORTEUR)
def modifier(request: HttpRequest, pk: int) -> HttpResponse:
    structure = _ma_structure(request, pk)
    droits.exiger_ecriture(request.user, structure)
    form = StructureForm(request.POST or None, instance=structure)
    if request.method == "POST" and form.is_valid():
        try:
            services.modifier_structure(structure, request.user, form.cleaned_data)
        except (ErreurStructure, ValidationError) as exc:
            _erreur_dans_formulaire(form, exc)
        else:
            messages.success(request, "Le profil de la structure est enregistré.")
            return redirect("structures:profil", pk=structure.pk)
    structure.refresh_from_db()
    contexte = {"structure": structure, "form": form, "fil": _fil(structure, ("Modifier le profil", ""))}
    return render(request, "structures/modifier.html", contexte)


@role_required(Role.PORTEUR)
def gerer_membres(request: HttpRequest, pk: int) -> HttpResponse:
    structure = _ma_structure(request, pk)
    moi = droits.exiger_representant_legal(request.user, structure)
    form = AjoutMembreForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membre = membres.ajouter_membre(structure, request.user, **form.cleaned_data)
        except ErreurStructure as exc:
            _erreur_dans_formulaire(form, exc, "email")
        else:
            messages.success(request, f"{membre.user} est ajouté·e ({membre.get_role_display().lower()}).")
            return redirect("structures:membres", pk=structure.pk)
    roles = [(r.value, r.label) for r in RoleMembre]
    contexte = {"structure": structure, "moi": moi, "membres": membres_ordonnes(structure), "form": form}
    contexte["fil"] = _fil(structure, ("Membres", ""))
    return render(request, "structures/membres.html", {**contexte, "roles": roles})


def _membre_de(request: HttpRequest, pk: int, membre_pk: int) -> Membre:
    structure = _ma_structure(request, pk)
    return get_object_or_404(Membre.objects.select_related("user", "structure"), pk=membre_pk, structure=structure)


@require_POST
@role_required(Role.PORTEUR)
def changer_role_membre(request: HttpRequest, pk: int, membre_pk: int) -> HttpResponse:
    membre = _membre_de(request, pk, membre_pk)
    form = RoleMembreForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez un rôle valide.")
    else:
        try:
            membre = membres.changer_role(membre, request.user, form.cleaned_data["role"])
        except ErreurStructure as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"{membre.user} est désormais : {membre.get_role_display().lower()}.")
    if droits.est_representant_legal(request.user, membre.structure):
        return redirect("structures:membres", pk=pk)
    return redirect("structures:profil", pk=pk)


@require_POST
@role_required(Role.PORTEUR)
def desactiver_membre(request: HttpRequest, pk: int, membre_pk: int) -> HttpResponse:
    membre = _membre_de(request, pk, membre_pk)
    try:
        membres.desactiver_membre(membre, request.user)
    except ErreurStructure as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{membre.user} n'a plus accès à la structure.")
    return redirect("structures:membres", pk=pk)


# --- Pièces ------------------------------------------------------------------------------------------------


def _formulaire_piece(request: HttpRequest, structure: Structure, remplace: DocumentStructure | None) -> HttpResponse:
    droits.exiger_ecriture(request.user, structure)
    type_fixe = remplace.type if remplace else None
    initial = {"type_piece": request.GET.get("type")} if request.GET.get("type") in TypeDocument.values else {}
    form = PieceForm(request.POST or None, request.FILES or None, type_fixe=type_fixe, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            piece = deposer_piece(
                structure,
                request.user,
                type_piece=data["type_piece"],
                fichier=data["fichier"],
                valide_du=data["valide_du"],
                valide_jusquau=data["valide_jusquau"],
                remplace=remplace,
            )
        except (ErreurStructure, ValidationError) as exc:
            _erreur_dans_formulaire(form, exc)
        else:
            messages.success(request, f"La pièce « {piece.get_type_display()} » est déposée.")
            return redirect(reverse("structures:profil", kwargs={"pk": structure.pk}) + "#pieces")
    fil = _fil(structure, ("Remplacer une pièce" if remplace else "Déposer une pièce", ""))
    contexte = {"structure": structure, "form": form, "remplace": remplace, "fil": fil}
    return render(request, "structures/piece_form.html", contexte)


@role_required(Role.PORTEUR)
def ajouter_piece(request: HttpRequest, pk: int) -> HttpResponse:
    return _formulaire_piece(request, _ma_structure(request, pk), None)


@role_required(Role.PORTEUR)
def remplacer_piece(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    structure = _ma_structure(request, pk)
    remplace = get_object_or_404(DocumentStructure.objects.actuels(), pk=doc_pk, structure=structure)
    return _formulaire_piece(request, structure, remplace)


@login_required
def telecharger_piece(request: HttpRequest, doc_pk: int) -> HttpResponse:
    """Seule voie d'accès aux fichiers : membres de la structure et agents dans leur périmètre."""
    piece = get_object_or_404(DocumentStructure.objects.for_user(request.user).select_related("structure"), pk=doc_pk)
    audit.log_access(request.user, piece)
    reponse = FileResponse(
        piece.fichier.open("rb"),
        as_attachment=True,
        filename=piece.nom_original,
        content_type=mime_du_nom(piece.nom_original),
    )
    reponse["Cache-Control"] = "private, no-store"
    return reponse
