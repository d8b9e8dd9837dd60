"""Page « Jeton d'API » : voir, créer, renouveler ou révoquer son propre jeton (tout compte connecté)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

from aap.api import services


@login_required
@require_http_methods(["GET", "POST"])
def mon_jeton(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "creer":
            services.obtenir_jeton(request.user)
            messages.success(request, "Votre jeton d'API est prêt.")
        elif action == "renouveler":
            services.revoquer_jeton(request.user)
            services.obtenir_jeton(request.user)
            messages.success(request, "Nouveau jeton créé : l'ancien ne fonctionne plus.")
        elif action == "revoquer":
            services.revoquer_jeton(request.user)
            messages.success(request, "Jeton révoqué : l'API ne l'accepte plus.")
        return redirect("api:mon_jeton")
    jeton = Token.objects.filter(user=request.user).first()
    return render(
        request,
        "api/mon_jeton.html",
        {
            "jeton": jeton,
            "url_api": request.build_absolute_uri(reverse("api:demande-list")),
            "fil": [("Accueil", reverse("core:accueil")), ("Jeton d'API", "")],
        },
    )
