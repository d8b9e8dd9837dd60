from django.urls import path

from aap.structures import views, views_agents


app_name = "structures"
urlpatterns = [
    # Public
    path("demande-de-compte/", views.demande_compte, name="demande_compte"),
    path("demande-de-compte/envoyee/", views.demande_compte_envoyee, name="demande_compte_envoyee"),
    # Porteurs
    path("mes-structures/", views.mes_structures, name="mes_structures"),
    path("<int:pk>/", views.profil, name="profil"),
    path("<int:pk>/modifier/", views.modifier, name="modifier"),
    path("<int:pk>/membres/", views.gerer_membres, name="membres"),
    path("<int:pk>/membres/<int:membre_pk>/role/", views.changer_role_membre, name="membre_role"),
    path("<int:pk>/membres/<int:membre_pk>/desactiver/", views.desactiver_membre, name="membre_desactiver"),
    path("<int:pk>/pieces/ajouter/", views.ajouter_piece, name="piece_ajouter"),
    path("<int:pk>/pieces/<int:doc_pk>/remplacer/", views.remplacer_piece, name="piece_remplacer"),
    path("pieces/<int:doc_pk>/telecharger/", views.telecharger_piece, name="piece_telecharger"),
    # Agents
    path("agents/", views_agents.agent_liste, name="agent_liste"),
    path("agents/<int:pk>/", views_agents.agent_detail, name="agent_detail"),
    path("agents/<int:pk>/label/", views_agents.agent_label, name="agent_label"),
    path("agents/<int:pk>/representant/<int:membre_pk>/", views_agents.agent_representant, name="agent_representant"),
    path("agents/demandes-de-compte/", views_agents.demandes_compte, name="demandes_compte"),
    path("agents/demandes-de-compte/<int:pk>/", views_agents.demande_compte_detail, name="demande_compte_detail"),
    path(
        "agents/demandes-de-compte/<int:pk>/valider/",
        views_agents.valider_demande_compte,
        name="demande_compte_valider",
    ),
    path(
        "agents/demandes-de-compte/<int:pk>/refuser/",
        views_agents.refuser_demande_compte,
        name="demande_compte_refuser",
    ),
]
