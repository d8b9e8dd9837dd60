from django.conf import settings
from django.contrib import admin
from django.urls import include, path


urlpatterns = [
    path("", include("aap.core.urls")),
    path("appels/", include("aap.catalogue.urls")),
    path("structures/", include("aap.structures.urls")),
    path("demandes/", include("aap.demandes.urls")),
    path("instruction/", include("aap.instruction.urls")),
    path("commission/", include("aap.commission.urls")),
    path("conventions/", include("aap.conventions.urls")),
    path("versements/", include("aap.versements.urls")),
    path("bilans/", include("aap.bilans.urls")),
    path("parcours/", include("aap.parcours.urls")),
    path("parcours/imports/", include("aap.parcours.urls_imports")),
    path("charte/", include("aap.qualite.urls")),
    path("observatoire/", include("aap.qualite.urls_observatoire")),
    path("api/", include("aap.api.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.views.static import serve

    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]

handler403 = "aap.core.errors.forbidden"
handler404 = "aap.core.errors.not_found"
