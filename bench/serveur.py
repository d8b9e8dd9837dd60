"""Démarrage et arrêt de gunicorn (serveur de production) sur 127.0.0.1, port libre, DEBUG désactivé."""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


RACINE = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class ConfigServeur:
    workers: int
    threads: int
    timeout_s: int = 30

    @classmethod
    def pour(cls, coeurs: int) -> ConfigServeur:
        """Deux processus par cœur, deux fils chacun : le rendu des gabarits est lié au CPU (GIL),
        les fils couvrent l'attente de PostgreSQL."""
        return cls(workers=max(2, 2 * coeurs), threads=2)


def port_libre() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environnement(database_url: str) -> dict[str, str]:
    """Environnement de production pour gunicorn : DEBUG off, hôtes locaux, statiques par whitenoise."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "aap.settings",
            "DATABASE_URL": database_url,
            "DEBUG": "False",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "SECURE_COOKIES": "False",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _pret(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", "/api/sante/")
        return conn.getresponse().status == 200
    except OSError:
        return False


@contextmanager
def gunicorn(config: ConfigServeur, database_url: str, journal: Path) -> Iterator[int]:
    """Lance gunicorn, attend qu'il réponde, rend le port ; l'arrête proprement quoi qu'il arrive."""
    port = port_libre()
    executable = Path(sys.executable).with_name("gunicorn")
    commande = [
        str(executable),
        "aap.wsgi:application",
        "--bind", f"127.0.0.1:{port}",
        "--worker-class", "gthread",
        "--workers", str(config.workers),
        "--threads", str(config.threads),
        "--timeout", str(config.timeout_s),
        "--graceful-timeout", "10",
        "--keep-alive", "5",
        "--backlog", "256",
        "--error-logfile", "-",
        "--log-level", "warning",
    ]  # fmt: skip
    journal.parent.mkdir(parents=True, exist_ok=True)
    sortie = journal.open("ab")  # traces Django (erreurs 500) et gunicorn au même endroit, pas sur la console
    # Nouvelle session : gunicorn et ses workers forment un groupe que l'on peut arrêter ensemble.
    processus = subprocess.Popen(
        commande,
        cwd=RACINE,
        env=environnement(database_url),
        start_new_session=True,
        stdin=subprocess.DEVNULL,
        stdout=sortie,
        stderr=subprocess.STDOUT,
    )
    try:
        limite = time.monotonic() + 60
        while not _pret(port):
            if processus.poll() is not None:
                raise RuntimeError(f"gunicorn s'est arrêté au démarrage (code {processus.returncode}), voir {journal}")
            if time.monotonic() > limite:
                raise RuntimeError(f"gunicorn ne répond pas après 60 s, voir {journal}")
            time.sleep(0.2)
        yield port
    finally:
        arreter(processus)
        sortie.close()


def arreter(processus: subprocess.Popen) -> None:
    """SIGTERM au maître (arrêt gracieux des workers), puis SIGKILL du groupe s'il traîne."""
    if processus.poll() is not None:
        return
    processus.send_signal(signal.SIGTERM)
    try:
        processus.wait(timeout=20)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(processus.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        processus.wait(timeout=10)
