from django.http import HttpRequest
from django.urls import reverse

from aap.core.models import Role
from aap.parcours import menu as menu_parcours
from aap.qualite import menu as menu_charte
from aap.qualite import menu_observatoire


def _menus_parcours(user) -> list[tuple[str, str]]:
    """Parcours, charte qualité et observatoire : chaque application dit ce que ce compte y voit."""
    return menu_parcours.items(user) + menu_charte.items(user) + menu_observatoire.items(user)


def navigation(request: HttpRequest) -> dict:
    """Menu principal selon le rôle (l'autorisation réelle est vérifiée par chaque vue)."""
    user = getattr(request, "user", None)
    items = [("Appels à projets", reverse("catalogue:appels_ouverts"))]
    if user is not None and user.is_authenticated:
        if user.role == Role.PORTEUR:
            items += [
                ("Mes demandes", reverse("demandes:mes_demandes")),
                ("Mes structures", reverse("structures:mes_structures")),
                ("Mes conventions", reverse("conventions:mes_conventions")),
                ("Mes bilans", reverse("bilans:mes_bilans")),
            ]
            items += _menus_parcours(user)
        elif user.role == Role.REFERENT:
            items += _menus_parcours(user)
        else:
            items += [("Demandes", reverse("demandes:agent_liste"))]
            if user.role == Role.INSTRUCTEUR:
                items += [("Mes demandes à instruire", reverse("demandes:agent_liste") + "?a_instruire=1")]
            if user.est_dpid:
                items += [("Demandes de compte", reverse("structures:demandes_compte"))]
                items += [("Enveloppes", reverse("instruction:enveloppes"))]
            items += [("Structures", reverse("structures:agent_liste"))]
            items += [("Commission permanente", reverse("commission:seances"))]
            items += [
                ("Conventions", reverse("conventions:liste")),
                ("Versements", reverse("versements:liste")),
                ("Bilans", reverse("bilans:liste")),
            ]
            items += _menus_parcours(user)
            if user.role == Role.ADMIN:
                items += [("Journal", reverse("core:journal"))]
    return {"nav_items": [(label, url, _courant(request, url, items)) for label, url in items]}


def _courant(request: HttpRequest, url: str, items: list[tuple[str, str]]) -> bool:
    """La page en cours : un lien avec paramètres (« Mes demandes à instruire ») l'est quand l'adresse complète
    commence par lui, et prime alors sur le lien de sa page sans paramètres (« Demandes »)."""
    complete = request.get_full_path()
    if "?" in url:
        return complete.startswith(url)
    plus_precis = any("?" in autre and autre.startswith(url) and complete.startswith(autre) for _, autre in items)
    return request.path.startswith(url) and url != "/" and not plus_precis
