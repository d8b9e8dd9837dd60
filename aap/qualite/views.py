"""Pages de la charte qualité : liste des résultats (agents), détail d'un résultat (agents : notes, communication,
suites, résultat définitif ; structure : lecture et réponse pendant la phase contradictoire), « Mes chartes »."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from aap.core import audit
from aap.core.models import DPID_ROLES, Role
from aap.core.pagination import paginate, sort_queryset
from aap.core.permissions import role_required
from aap.core.workflow import TransitionInterdite
from aap.qualite import selectors, services, taches
from aap.qualite.forms import CalculForm, FiltreChartesForm, NoteForm, ReponseForm, SuiteForm
from aap.qualite.models import ReponseStructure, ResultatCharte, StatutCharte


#: Agents qui voient les résultats (DPID : tous ; SLAI : son territoire).
ROLES_AGENTS = (*DPID_ROLES, Role.SLAI)
ROLES_STRUCTURE = (Role.PORTEUR, Role.REFERENT)
REFUS = (services.CharteImpossible, TransitionInterdite)


def fil_agent(*items: tuple[str, str]) -> list[tuple[str, str]]:
    return [("Charte qualité", reverse("qualite:liste")), *items]


def fil_structure(*items: tuple[str, str]) -> list[tuple[str, str]]:
    return [("Mes chartes qualité", reverse("qualite:mes_chartes")), *items]


# --- Liste (agents) ---------------------------------------------------------------------------------------------

TRI = {
    "fin": "periode_fin",
    "structure": "structure__raison_sociale",
    "dispositif": "dispositif__code",
    "statut": "statut",
    "score": "score",
}


def _contexte_liste(request: HttpRequest, calcul: CalculForm | None = None) -> dict:
    dispositifs = selectors.dispositifs_a_charte()
    filtres = FiltreChartesForm(request.GET or None, dispositifs=dispositifs)
    filtres.is_valid()
    f = getattr(filtres, "cleaned_data", {})
    qs = selectors.resultats_pour(request.user)
    if f.get("dispositif"):
        qs = qs.filter(dispositif=f["dispositif"])
    if f.get("statut"):
        qs = qs.filter(statut=f["statut"])
    if f.get("structure"):
        texte = f["structure"].strip()
        qs = qs.filter(Q(structure__raison_sociale__icontains=texte) | Q(structure__siret__startswith=texte))
    if f.get("du"):
        qs = qs.filter(periode_debut__gte=f["du"])
    if f.get("au"):
        qs = qs.filter(periode_fin__lte=f["au"])
    qs = sort_queryset(request, qs, TRI, "-fin")
    tous = selectors.resultats_pour(request.user)
    return {
        "filtres": filtres,
        "page": paginate(request, qs),
        "calcul": calcul or (CalculForm(dispositifs=dispositifs) if request.user.est_dpid else None),
        "nb_contradictoires": tous.filter(statut=StatutCharte.CONTRADICTOIRE).count(),
        "nb_a_communiquer": tous.filter(statut=StatutCharte.CALCULEE).count(),
        "fil": fil_agent(),
    }


@role_required(*ROLES_AGENTS)
def liste(request: HttpRequest) -> HttpResponse:
    return render(request, "qualite/liste.html", _contexte_liste(request))


@require_POST
@role_required(*DPID_ROLES)
def calculer_tous(request: HttpRequest) -> HttpResponse:
    form = CalculForm(request.POST, dispositifs=selectors.dispositifs_a_charte())
    if not form.is_valid():
        return render(request, "qualite/liste.html", _contexte_liste(request, calcul=form), status=400)
    c = form.cleaned_data
    tache = taches.lancer_calcul(request.user, c["dispositif"], c["debut"], c["fin"])
    return redirect("core:tache", pk=tache.pk)


# --- Détail -----------------------------------------------------------------------------------------------------


def _resultat(request: HttpRequest, pk: int) -> ResultatCharte:
    return get_object_or_404(selectors.resultats_pour(request.user).select_related("definitive_par"), pk=pk)


def _contexte(request: HttpRequest, resultat: ResultatCharte, **formulaires) -> dict:  # noqa: ANN003
    user = request.user
    jour = timezone.localdate()
    agent = user.est_agent
    lignes = selectors.lignes_detail(resultat)
    modifiable = resultat.statut != StatutCharte.DEFINITIVE
    noteur = agent and modifiable and selectors.peut_noter(user, resultat)
    if noteur:
        for ligne in lignes:
            if ligne.humain:
                cle = f"note-{ligne.code}"
                initial = {"points": ligne.note.points, "commentaire": ligne.note.commentaire} if ligne.note else None
                ligne.form = formulaires.get(cle) or NoteForm(initial=initial, poids=ligne.poids, code=ligne.code)
    reponses = list(resultat.reponses.select_related("auteur"))
    if noteur:
        for reponse in reponses:
            cle = f"suite-{reponse.pk}"
            reponse.form = formulaires.get(cle) or SuiteForm(initial={"suite": reponse.suite}, reponse_pk=reponse.pk)
    libelles = {ligne.code: ligne.libelle for ligne in lignes}
    for reponse in reponses:
        reponse.critere_libelle = libelles.get(reponse.critere, "")
    repondre = selectors.peut_repondre(user, resultat, jour)
    definitif_possible, definitif_raison = services.peut_rendre_definitif(resultat, jour)
    fil = fil_agent if agent else fil_structure
    return {
        "resultat": resultat,
        "agent": agent,
        "groupes": selectors.par_categorie(lignes),
        "a_noter": [ligne for ligne in lignes if ligne.a_noter],
        "noteur": noteur,
        "dpid": user.est_dpid,
        "reponses": reponses,
        "form_reponse": formulaires.get("reponse")
        or (ReponseForm(criteres=[(ligne.code, ligne.libelle) for ligne in lignes]) if repondre else None),
        "definitif_possible": definitif_possible,
        "definitif_raison": definitif_raison,
        "historique": selectors.historique(resultat, agent=agent),
        "bilans": selectors.bilans_concernes(resultat) if agent else [],
        "ecarts": selectors.bilans_deja_acceptes(resultat) if agent else [],
        "jour": jour,
        "fil": fil((f"{resultat.structure.raison_sociale} — {resultat.dispositif.code}", "")),
    }


@role_required(*ROLES_AGENTS, *ROLES_STRUCTURE)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    resultat = _resultat(request, pk)
    audit.log_access(request.user, resultat)
    return render(request, "qualite/detail.html", _contexte(request, resultat))


def _apres(request: HttpRequest, resultat: ResultatCharte, ancre: str = "") -> HttpResponse:
    return redirect(reverse("qualite:detail", args=[resultat.pk]) + (f"#{ancre}" if ancre else ""))


def _erreurs(form, exc: ValidationError) -> None:  # noqa: ANN001
    if hasattr(exc, "error_dict"):
        for champ, erreurs in exc.message_dict.items():
            form.add_error(champ if champ in form.fields else None, erreurs)
    else:
        form.add_error(None, exc)


@require_POST
@role_required(*DPID_ROLES)
def recalculer(request: HttpRequest, pk: int) -> HttpResponse:
    resultat = _resultat(request, pk)
    try:
        services.calculer(
            acteur=request.user,
            structure=resultat.structure,
            dispositif=resultat.dispositif,
            debut=resultat.periode_debut,
            fin=resultat.periode_fin,
        )
    except REFUS as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Charte recalculée sur les parcours enregistrés à ce jour.")
    return _apres(request, resultat)


@require_POST
@role_required(*ROLES_AGENTS)
def noter(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    resultat = _resultat(request, pk)
    ligne = next((d for d in resultat.detail if d.get("code") == code), None)
    if ligne is None:
        return _apres(request, resultat)
    form = NoteForm(request.POST, poids=selectors.en_decimal(ligne.get("poids")), code=code)
    if form.is_valid():
        try:
            services.noter_critere(
                acteur=request.user,
                resultat=resultat,
                critere=code,
                points=form.cleaned_data["points"],
                commentaire=form.cleaned_data["commentaire"],
            )
        except ValidationError as exc:
            _erreurs(form, exc)
        except REFUS as exc:
            messages.error(request, str(exc))
            return _apres(request, resultat)
        else:
            messages.success(request, f"« {ligne.get('libelle', code)} » noté : le score est recalculé.")
            return _apres(request, resultat, f"critere-{code}")
    contexte = _contexte(request, resultat, **{f"note-{code}": form})
    return render(request, "qualite/detail.html", contexte, status=400)


@require_POST
@role_required(*DPID_ROLES)
def communiquer(request: HttpRequest, pk: int) -> HttpResponse:
    resultat = _resultat(request, pk)
    try:
        resultat = services.communiquer(acteur=request.user, resultat=resultat)
    except REFUS as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"Résultat communiqué : la structure est prévenue et peut répondre jusqu'au "
            f"{resultat.reponse_avant:%d/%m/%Y} inclus.",
        )
    return _apres(request, resultat)


@require_POST
@role_required(*DPID_ROLES)
def rendre_definitif(request: HttpRequest, pk: int) -> HttpResponse:
    resultat = _resultat(request, pk)
    try:
        resultat = services.rendre_definitif(acteur=request.user, resultat=resultat)
    except REFUS as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            "Résultat définitif : son score sera repris à l'acceptation du bilan de la période ; la structure est "
            "prévenue.",
        )
        if selectors.bilans_deja_acceptes(resultat):
            messages.warning(
                request,
                "Un bilan de cette période était déjà accepté avec un autre score : les montants versés ne changent "
                "pas (écart journalisé, voir ci-dessous).",
            )
    return _apres(request, resultat)


@require_POST
@role_required(Role.PORTEUR)
def repondre(request: HttpRequest, pk: int) -> HttpResponse:
    resultat = _resultat(request, pk)
    lignes = [(d["code"], d.get("libelle", d["code"])) for d in resultat.detail]
    form = ReponseForm(request.POST, criteres=lignes)
    if form.is_valid():
        try:
            services.repondre(
                acteur=request.user,
                resultat=resultat,
                texte=form.cleaned_data["texte"],
                critere=form.cleaned_data["critere"],
            )
        except ValidationError as exc:
            _erreurs(form, exc)
        except REFUS as exc:
            messages.error(request, str(exc))
            return _apres(request, resultat)
        else:
            messages.success(request, "Votre observation est transmise au Département.")
            return _apres(request, resultat, "reponses")
    return render(request, "qualite/detail.html", _contexte(request, resultat, reponse=form), status=400)


@require_POST
@role_required(*ROLES_AGENTS)
def donner_suite(request: HttpRequest, pk: int, reponse_pk: int) -> HttpResponse:
    resultat = _resultat(request, pk)
    reponse = get_object_or_404(ReponseStructure, pk=reponse_pk, resultat=resultat)
    form = SuiteForm(request.POST, reponse_pk=reponse.pk)
    if form.is_valid():
        try:
            services.donner_suite(acteur=request.user, reponse=reponse, suite=form.cleaned_data["suite"])
        except ValidationError as exc:
            _erreurs(form, exc)
        except REFUS as exc:
            messages.error(request, str(exc))
            return _apres(request, resultat)
        else:
            messages.success(request, "Suite enregistrée : la structure la voit sur la page du résultat.")
            return _apres(request, resultat, f"reponse-{reponse.pk}")
    contexte = _contexte(request, resultat, **{f"suite-{reponse.pk}": form})
    return render(request, "qualite/detail.html", contexte, status=400)


# --- Structure --------------------------------------------------------------------------------------------------


@role_required(*ROLES_STRUCTURE)
def mes_chartes(request: HttpRequest) -> HttpResponse:
    resultats = selectors.resultats_pour(request.user).order_by("-periode_fin", "structure__raison_sociale", "pk")
    jour = timezone.localdate()
    contexte = {
        "resultats": [(r, selectors.peut_repondre(request.user, r, jour)) for r in resultats],
        "fil": fil_structure(),
    }
    return render(request, "qualite/mes_chartes.html", contexte)
