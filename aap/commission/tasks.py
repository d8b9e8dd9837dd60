"""Tâches de fond de la Commission permanente (django-tasks : file en base, `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from aap.commission.models import GenerationDocuments


@task()
def generer_documents_seance(generation_id: int) -> str:
    """Produit les documents d'une séance (rapport, délibération, annexe) ; renvoie le statut final."""
    generation = GenerationDocuments.objects.select_related("seance__edition", "demandee_par").get(pk=generation_id)
    from aap.commission.services import executer_generation

    return executer_generation(generation).statut
