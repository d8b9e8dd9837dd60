"""Écrans du porteur : mes demandes, nouvelle demande, dossier (enregistrement automatique), dépôt,
retour en brouillon, validation par le représentant légal."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from aap.catalogue.models import SessionAppel
from aap.core.models import Role
from aap.core.pagination import paginate
from aap.core.permissions import role_required
from aap.core.workflow import TransitionInterdite
from aap.demandes import services
from aap.demandes.choix import StatutDemande
from aap.demandes.forms import AttestationForm, DossierForm, NouvelleDemandeForm
from aap.demandes.models import Demande
from aap.demandes.recepisse import texte_attestation
from aap.demandes.rules import (
    ROLES_ECRITURE,
    ActionRefusee,
    controler_completude,
    fin_session,
    message_hors_portail,
    temps_restant,
    territoires_eligibles,
)
from aap.demandes.views.commun import demande_pour, etat, fil_ariane, retour_hors_portail
from aap.structures.models import Membre, RoleMembre, Structure


def _prochaine_action(demande: Demande, role: str | None, ouverte: bool) -> tuple[str, str | None]:
    """(libellé, url) de ce que l'utilisateur a à faire ensuite sur la demande."""
    detail = reverse("demandes:detail", args=[demande.pk])
    if demande.session_id is None:
        return ("Demande importée : consulter", detail)
    if demande.statut == StatutDemande.COMPLEMENTS:
        if role in ROLES_ECRITURE:
            return ("Compléter et redéposer", detail)
        return ("Compléments demandés : consulter", detail)
    if demande.statut == StatutDemande.RETIREE:
        return ("Demande retirée : consulter", detail)
    if demande.statut == StatutDemande.VALIDEE:
        return ("Télécharger le récépissé", reverse("demandes:recepisse", args=[demande.pk]))
    if not ouverte:
        return ("Session close : consulter", detail)
    if role not in ROLES_ECRITURE:
        return ("Consulter", detail)
    if demande.statut == StatutDemande.BROUILLON:
        return ("Compléter et déposer", reverse("demandes:dossier", args=[demande.pk]))
    if role == RoleMembre.REPRESENTANT_LEGAL:
        return ("Valider la demande", reverse("demandes:valider", args=[demande.pk]))
    return ("En attente de validation par le représentant légal", detail)


@role_required(Role.PORTEUR)
def mes_demandes(request: HttpRequest) -> HttpResponse:
    roles = dict(Membre.objects.filter(user=request.user, actif=True).values_list("structure_id", "role"))
    qs = (
        Demande.objects.for_user(request.user)
        .select_related("structure", "dispositif", "session__dispositif")
        .order_by("-cree_le", "pk")
    )
    page = paginate(request, qs)
    maintenant = timezone.now()
    lignes = []
    for demande in page:
        ouverte = demande.session is not None and demande.session.est_ouverte(maintenant)
        lignes.append(
            {
                "demande": demande,
                "ouverte": ouverte,
                "reste": temps_restant(demande.session, maintenant),
                "action": _prochaine_action(demande, roles.get(demande.structure_id), ouverte),
            }
        )
    return render(
        request,
        "demandes/mes_demandes.html",
        {
            "page": page,
            "lignes": lignes,
            "peut_creer": any(r in ROLES_ECRITURE for r in roles.values()),
            "fil": [("Mes demandes", "")],
        },
    )


def _sessions_ouvertes() -> list[SessionAppel]:
    sessions = (
        SessionAppel.objects.ouvertes()
        .filter(dispositif__fiche_code__gt="")
        .select_related("dispositif__edition", "dispositif__axe")
        .order_by("cloture", "dispositif__axe__numero", "dispositif__ordre")
    )
    maintenant = timezone.now()
    return [(s, temps_restant(s, maintenant)) for s in sessions]


@role_required(Role.PORTEUR)
def nouvelle(request: HttpRequest) -> HttpResponse:
    structures = (
        Structure.objects.for_user(request.user)
        .filter(membres__user=request.user, membres__actif=True, membres__role__in=ROLES_ECRITURE)
        .order_by("raison_sociale")
    )
    contexte: dict = {"structures": structures, "fil": fil_ariane(request.user, None, ("Nouvelle demande", ""))}
    session = None
    session_pk = request.POST.get("session") or request.GET.get("session")
    if session_pk and str(session_pk).isdigit():
        session = SessionAppel.objects.select_related("dispositif__edition").filter(pk=session_pk).first()
        if session is None:
            messages.error(request, "Cette session d'appel n'existe pas.")
        elif not session.est_ouverte():
            messages.error(
                request,
                f"La session {session.numero} du dispositif {session.dispositif.code} n'est pas ouverte : "
                "choisissez une session ouverte ci-dessous.",
            )
            session = None
    if session is None:
        contexte["sessions"] = _sessions_ouvertes()
        return render(request, "demandes/nouvelle_choix.html", contexte)

    territoires = territoires_eligibles(session.dispositif)
    form = NouvelleDemandeForm(
        request.POST if request.method == "POST" else None, structures=structures, territoires=territoires
    )
    if request.method == "POST" and form.is_valid():
        try:
            demande = services.creer_demande(
                request.user,
                form.cleaned_data["structure"],
                session,
                form.cleaned_data["intitule"],
                form.cleaned_data["territoires"],
            )
        except ActionRefusee as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"Demande {demande.reference} créée : complétez le dossier.")
            return redirect("demandes:dossier", pk=demande.pk)
    contexte.update(
        session=session,
        form=form,
        fin=fin_session(session),
        reste=temps_restant(session),
    )
    return render(request, "demandes/nouvelle.html", contexte)


def _dossier_form(demande: Demande, data: dict | None = None) -> DossierForm:
    initial = {champ: getattr(demande, champ) for champ in services.CHAMPS_MODIFIABLES}
    initial["territoires"] = list(demande.territoires.all())
    return DossierForm(
        data, initial=initial, fiche=demande.dispositif.fiche, territoires=territoires_eligibles(demande.dispositif)
    )


def _enregistrer(request: HttpRequest, demande: Demande, form: DossierForm) -> list[str]:
    return services.mettre_a_jour(demande, request.user, form.donnees(), territoires=form.cleaned_data["territoires"])


@role_required(Role.PORTEUR)
def dossier(request: HttpRequest, pk: int) -> HttpResponse:
    demande = demande_pour(request, pk)
    if retour := retour_hors_portail(request, demande):
        return retour
    page = etat(demande, request.user)
    form = _dossier_form(demande, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not page.peut_ecrire:
            raise PermissionDenied("Votre rôle dans la structure ne permet pas de modifier ses demandes.")
        if form.is_valid():
            try:
                changes = _enregistrer(request, demande, form)
            except ActionRefusee as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                heure = timezone.localtime().strftime("%H:%M")
                quoi = "Brouillon enregistré" if demande.est_brouillon else "Modifications enregistrées"
                messages.success(request, f"{quoi} à {heure}." if changes else "Aucune modification à enregistrer.")
                return redirect("demandes:dossier", pk=demande.pk)
    if not page.editable:
        form.desactiver()
    return render(
        request,
        "demandes/dossier.html",
        {"demande": demande, "etat": page, "form": form, "fil": fil_ariane(request.user, demande, ("Dossier", ""))},
    )


@role_required(Role.PORTEUR)
@require_POST
def autosave(request: HttpRequest, pk: int) -> HttpResponse:
    """Enregistrement automatique (htmx) : renvoie le contenu de la zone de statut `aria-live`."""
    demande = demande_pour(request, pk)
    if demande.session_id is None:
        contexte_refus = {"erreur": message_hors_portail("modifier"), "heure": None, "inchange": False}
        return render(request, "demandes/partials/statut_brouillon.html", contexte_refus)
    form = _dossier_form(demande, request.POST)
    contexte: dict = {
        "erreur": None,
        "heure": None,
        "inchange": False,
        "complements": demande.statut == StatutDemande.COMPLEMENTS,
    }
    if not form.is_valid():
        champs = [str(form.fields[nom].label) for nom in form.errors if nom in form.fields]
        contexte["erreur"] = "Brouillon non enregistré : corrigez " + (
            ", ".join(f"« {c} »" for c in champs) if champs else "le formulaire"
        )
    else:
        try:
            changes = _enregistrer(request, demande, form)
        except (ActionRefusee, PermissionDenied) as exc:
            contexte["erreur"] = " ".join(getattr(exc, "messages", [str(exc)]))
        else:
            contexte["heure"] = timezone.localtime().strftime("%H:%M")
            contexte["inchange"] = not changes
    return render(request, "demandes/partials/statut_brouillon.html", contexte)


def _action(request: HttpRequest, pk: int, action: str, succes: str) -> HttpResponse:
    demande = demande_pour(request, pk)
    try:
        getattr(services, action)(demande, request.user)
    except ActionRefusee as exc:
        if isinstance(exc, services.DemandeIncomplete):
            messages.error(request, "La demande ne peut pas encore être déposée : voir les points à compléter.")
        else:
            for message in exc.messages:
                messages.error(request, message)
    except TransitionInterdite as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, succes)
    return redirect("demandes:detail", pk=demande.pk)


@role_required(Role.PORTEUR)
@require_POST
def deposer(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request, pk, "deposer", "Demande déposée. Le représentant légal doit maintenant la valider avant la clôture."
    )


@role_required(Role.PORTEUR)
@require_POST
def repasser_en_brouillon(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request, pk, "repasser_en_brouillon", "La demande est repassée en brouillon : vous pouvez la corriger."
    )


@role_required(Role.PORTEUR)
def valider(request: HttpRequest, pk: int) -> HttpResponse:
    demande = demande_pour(request, pk)
    if retour := retour_hors_portail(request, demande, "valider"):
        return retour
    page = etat(demande, request.user)
    if not page.peut_valider:
        raise PermissionDenied("Seul le représentant légal de la structure peut valider la demande.")
    form = AttestationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.valider(demande, request.user, form.cleaned_data["attestation_honneur"])
        except ActionRefusee as exc:
            for message in exc.messages:
                form.add_error(None, message)
        except TransitionInterdite as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"Demande {demande.reference} validée : le récépissé est disponible et a été envoyé par courriel.",
            )
            return redirect("demandes:detail", pk=demande.pk)
    return render(
        request,
        "demandes/valider.html",
        {
            "demande": demande,
            "etat": page,
            "form": form,
            "plan": services.plan_de(demande),
            "attestation": texte_attestation(demande, request.user),
            "manques": controler_completude(demande) if demande.statut == StatutDemande.DEPOSEE else [],
            "fil": fil_ariane(request.user, demande, ("Validation", "")),
        },
    )
