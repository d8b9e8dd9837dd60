from django.urls import path

from aap.qualite import views


app_name = "qualite"

urlpatterns = [
    path("", views.liste, name="liste"),
    path("calculer/", views.calculer_tous, name="calculer_tous"),
    path("mes-chartes/", views.mes_chartes, name="mes_chartes"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/recalculer/", views.recalculer, name="recalculer"),
    path("<int:pk>/criteres/<slug:code>/noter/", views.noter, name="noter"),
    path("<int:pk>/communiquer/", views.communiquer, name="communiquer"),
    path("<int:pk>/definitif/", views.rendre_definitif, name="definitif"),
    path("<int:pk>/repondre/", views.repondre, name="repondre"),
    path("<int:pk>/reponses/<int:reponse_pk>/suite/", views.donner_suite, name="suite"),
]
