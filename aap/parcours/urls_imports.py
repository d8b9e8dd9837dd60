from django.urls import path

from aap.parcours import views_imports


app_name = "parcours_imports"

urlpatterns = [
    path("", views_imports.index, name="index"),
    path("<int:pk>/", views_imports.resultat, name="resultat"),
    path("<int:pk>/erreurs.csv", views_imports.erreurs, name="erreurs"),
    path("<int:pk>/appliquer/", views_imports.appliquer, name="appliquer"),
]
