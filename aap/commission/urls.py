from django.urls import path

from aap.commission import views, views_elus, views_vote


app_name = "commission"
urlpatterns = [
    path("", views.seances, name="seances"),
    path("seances/nouvelle/", views.seance_creer, name="seance_creer"),
    path("seances/<int:pk>/", views.seance, name="seance"),
    path("seances/<int:pk>/modifier/", views.seance_modifier, name="seance_modifier"),
    path("seances/<int:pk>/inscrire/", views.inscrire_propositions, name="inscrire"),
    path("inscriptions/<int:pk>/retirer/", views.desinscrire_proposition, name="desinscrire"),
    path("seances/<int:pk>/generer/", views.generer, name="generer"),
    path("generations/<int:pk>/", views.generation_etat, name="generation"),
    path("generations/<int:pk>/fichiers/<int:index>/", views.document, name="document"),
    path("seances/<int:pk>/presences/", views_elus.presences, name="presences"),
    path("seances/<int:pk>/vote/", views_vote.vote, name="vote"),
    path("seances/<int:pk>/decisions/", views_vote.decisions, name="decisions"),
    path("seances/<int:pk>/decisions/tout-approuver/", views_vote.tout_approuver, name="tout_approuver"),
    path("seances/<int:pk>/notifier/", views_vote.notifier_decisions, name="notifier"),
    path("inscriptions/<int:pk>/decider/", views_vote.decider, name="decider"),
    path("inscriptions/<int:pk>/courrier/", views_vote.courrier, name="courrier"),
    path("elus/", views_elus.elus, name="elus"),
    path("elus/nouveau/", views_elus.elu_creer, name="elu_creer"),
    path("elus/<int:pk>/", views_elus.elu, name="elu"),
    path("mandats/<int:pk>/modifier/", views_elus.mandat_modifier, name="mandat_modifier"),
    path("mandats/<int:pk>/supprimer/", views_elus.mandat_supprimer, name="mandat_supprimer"),
]
