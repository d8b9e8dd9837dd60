"""Réglages d'AAP Inclusion, lus depuis l'environnement (django-environ).

Voir `.env.example` pour la liste des variables. Par défaut : base SQLite embarquée (démo),
`DATABASE_URL=postgres://…` en production et pour les tests.
"""

import sys
from pathlib import Path

import environ


BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env(
    DEBUG=(bool, False),
    SECRET_KEY=(str, "dev-insecure-change-me"),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost", "testserver"]),
    DATABASE_URL=(str, f"sqlite:///{BASE_DIR / 'var' / 'demo.sqlite3'}"),
    EMAIL_URL=(str, "consolemail://"),
    DEFAULT_FROM_EMAIL=(str, "AAP Inclusion <ne-pas-repondre@aap-inclusion.local>"),
    MEDIA_ROOT=(str, str(BASE_DIR / "var" / "media")),
    SITE_URL=(str, "http://127.0.0.1:8000"),
    UPLOAD_MAX_BYTES=(int, 10 * 1024 * 1024),
    SECURE_COOKIES=(bool, False),
)
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(env_file)

DEBUG: bool = env("DEBUG")
SECRET_KEY: str = env("SECRET_KEY")
ALLOWED_HOSTS: list[str] = env("ALLOWED_HOSTS")
SITE_URL: str = env("SITE_URL")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "aap.core",
    "aap.catalogue",
    "aap.structures",
    "aap.demandes",
    "aap.instruction",
    "aap.commission",
    "aap.conventions",
    "aap.versements",
    "aap.bilans",
    "aap.parcours",
    "aap.qualite",
    "aap.documents",
    "aap.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "aap.urls"
WSGI_APPLICATION = "aap.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "aap" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "aap.core.context_processors.navigation",
            ],
            "builtins": ["aap.core.templatetags.aap_ui"],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# SQLite (démo) ignore les colonnes INCLUDE des index couvrants de PostgreSQL : sans conséquence.
# W047 : SQLite (démonstration) ignore la contrainte « une enveloppe par dispositif et territoire » quand le
# territoire est vide ; PostgreSQL (production, tests) l'applique et le service la vérifie de toute façon.
SILENCED_SYSTEM_CHECKS = ["models.W040", "models.W047"]

AUTH_USER_MODEL = "core.User"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:accueil"
LOGOUT_REDIRECT_URL = "catalogue:appels_ouverts"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600  # lien de création de mot de passe : 3 jours

# Français, heure de Paris, partout.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["aap.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "aap" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = env("MEDIA_ROOT")
UPLOAD_MAX_BYTES: int = env("UPLOAD_MAX_BYTES")
#: Données personnelles des parcours : anonymisées ce nombre de mois après la dernière sortie (purger_parcours).
AAP_PARCOURS_CONSERVATION_MOIS: int = env.int("AAP_PARCOURS_CONSERVATION_MOIS", default=36)
#: Observatoire : en dessous de ce nombre de personnes, un groupe n'est pas détaillé hors DPID (secret statistique).
AAP_OBSERVATOIRE_SEUIL_SECRET: int = env.int("AAP_OBSERVATOIRE_SEUIL_SECRET", default=5)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

vars().update(env.email_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL: str = env("DEFAULT_FROM_EMAIL")

SESSION_COOKIE_SECURE = env("SECURE_COOKIES")
CSRF_COOKIE_SECURE = env("SECURE_COOKIES")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "AAP Inclusion API",
    "DESCRIPTION": "Catalogue des dispositifs (public), structures et demandes de subvention.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Redoc servi depuis nos fichiers statiques (aucun CDN : l'application doit marcher hors ligne).
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

FORM_RENDERER = "aap.core.forms.AapFormRenderer"

# Tâches de fond (django-tasks) : file d'attente en base, traitée par `manage.py db_worker` (lancé par
# `make demo`). Sous pytest, exécution immédiate dans le processus (aucun worker à lancer).
TESTING = "pytest" in sys.modules
TASKS = {
    "default": {
        "BACKEND": env(
            "TASKS_BACKEND",
            default=(
                "django_tasks.backends.immediate.ImmediateBackend" if TESTING else "django_tasks_db.DatabaseBackend"
            ),
        ),
        "QUEUES": ["default"],
    }
}
