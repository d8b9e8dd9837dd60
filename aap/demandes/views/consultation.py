"""Consultation d'une demande (membres de la structure et agents) et téléchargement du récépissé."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from aap.core import audit
from aap.core.models import AuditLog
from aap.demandes import services
from aap.demandes.choix import PrioriteTransversale
from aap.demandes.rules import LIBELLES_COMPTEURS, controler_completude
from aap.demandes.views.commun import demande_pour, etat, fil_ariane
from aap.instruction.selectors import contexte_instruction
from aap.structures.selectors import etat_documents


ACTIONS = {
    "demande.creer": "Création de la demande",
    "demande.modifier": "Dossier modifié",
    "demande.budget": "Plan de financement enregistré",
    "demande.deposer": "Demande déposée",
    "demande.repasser_en_brouillon": "Demande repassée en brouillon",
    "demande.valider": "Demande validée (attestation sur l'honneur)",
    "instruction.avis_slai": "Avis du SLAI",
    "instruction.retenir_depense": "Dépense écartée ou réduite à l'instruction",
    "instruction.retenir_ressource": "Ressource revue à l'instruction",
    "instruction.equilibrer_budget": "Budget retenu rééquilibré (part du Département)",
    "instruction.affecter": "Demande affectée à un instructeur",
    "instruction.completude": "Contrôle de complétude",
    "demande.demander_complements": "Compléments demandés à la structure",
    "demande.redeposer": "Demande redéposée avec les compléments",
    "demande.retirer": "Demande retirée par la structure",
    "commission.desinscrire": "Retirée de l'ordre du jour de la Commission permanente",
}


def historique(demande: object, limite: int = 200) -> list[dict]:
    """Le journal de la demande (hors consultations), les enregistrements successifs du brouillon regroupés."""
    entrees = (
        AuditLog.objects.for_object(demande)
        .exclude(action="consultation")
        .select_related("acteur")
        .order_by("horodatage", "id")
    )[:limite]
    lignes: list[dict] = []
    for entree in entrees:
        precedente = lignes[-1] if lignes else None
        if (
            entree.action == "demande.modifier"
            and precedente
            and precedente["action"] == "demande.modifier"
            and precedente["acteur"] == entree.acteur
        ):
            precedente["nombre"] += 1
            precedente["fin"] = entree.horodatage
            continue
        lignes.append(
            {
                "action": entree.action,
                "libelle": ACTIONS.get(entree.action, entree.action),
                "acteur": entree.acteur,
                "debut": entree.horodatage,
                "fin": entree.horodatage,
                "nombre": 1,
                "details": entree.details,
            }
        )
    return list(reversed(lignes))


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    demande = demande_pour(request, pk)
    if request.user.est_agent:
        audit.log_access(request.user, demande)
    page = etat(demande, request.user)
    fiche = demande.dispositif.fiche
    compteurs = (
        [(LIBELLES_COMPTEURS[str(c)].removeprefix("le "), getattr(demande, str(c))) for c in fiche.compteurs]
        if fiche
        else []
    )
    priorites = [
        PrioriteTransversale(p).label for p in demande.priorites_transversales if p in PrioriteTransversale.values
    ]
    prefetch_related_objects([demande], "territoires")
    plan = services.plan_de(demande) if fiche else None
    return render(
        request,
        "demandes/detail.html",
        {
            "demande": demande,
            "etat": page,
            "fiche": fiche,
            "plan": plan,
            "territoires": list(demande.territoires.all()),
            "compteurs": compteurs,
            "priorites": priorites,
            "historique": historique(demande),
            "fil": fil_ariane(request.user, None, (demande.reference, "")),
            "pieces": etat_documents(demande.structure).values(),
            **contexte_instruction(demande, request.user, plan),
            "manques": (controler_completude(demande) if page.editable else []),
        },
    )


@login_required
def recepisse(request: HttpRequest, pk: int) -> HttpResponse:
    demande = demande_pour(request, pk)
    if not demande.recepisse:
        raise Http404("Pas encore de récépissé : la demande n'est pas validée.")
    if request.user.est_agent:
        audit.log_access(request.user, demande)
    return FileResponse(
        demande.recepisse.open("rb"),
        as_attachment=True,
        filename=f"recepisse-{demande.reference}.pdf",
        content_type="application/pdf",
    )
