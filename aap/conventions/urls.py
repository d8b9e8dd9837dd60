"""URL des conventions : le suivi (listes, fiche, signatures, avenants) et les documents (modèles Word,
génération par séance, export SCDL) sont dans deux modules, réunis sous un seul espace de noms."""

from aap.conventions import urls_documents, urls_suivi


app_name = "conventions"

urlpatterns = [*urls_suivi.urlpatterns, *urls_documents.urlpatterns]
