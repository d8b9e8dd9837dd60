"""Client de charge minimal : N fils d'exécution, une connexion HTTP/1.1 persistante chacun (http.client).

Boucle locale uniquement (127.0.0.1). Nombre de requêtes et durée bornés. Une réponse autre que 200
(redirection comprise) est une erreur : on mesure la page demandée, pas la page de connexion.
"""

from __future__ import annotations

import http.client
import random
import re
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie


CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Connexion:
    """Une connexion persistante vers 127.0.0.1:port, rouverte si le serveur la ferme."""

    def __init__(self, port: int, cookie: str = "", timeout: float = 30.0) -> None:
        self.port = port
        self.cookie = cookie
        self.timeout = timeout
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.servies = 0  # requêtes déjà passées sur la connexion courante

    def requete(
        self, methode: str, chemin: str, corps: bytes | None = None, entetes: dict[str, str] | None = None
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        headers = {"Host": f"127.0.0.1:{self.port}", "User-Agent": "aap-bench/1"}
        if self.cookie:
            headers["Cookie"] = self.cookie
        headers.update(entetes or {})
        try:
            return self._une(methode, chemin, corps, headers)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # Connexion réutilisée que le serveur a fermée entre deux requêtes (keep-alive expiré) :
            # on rejoue une fois, comme un navigateur. Sur une connexion neuve, l'erreur remonte.
            if self.servies == 0:
                raise
            self.fermer()
            return self._une(methode, chemin, corps, headers)

    def _une(self, methode: str, chemin: str, corps: bytes | None, headers: dict[str, str]):
        self.conn.request(methode, chemin, body=corps, headers=headers)
        reponse = self.conn.getresponse()
        contenu = reponse.read()
        self.servies += 1
        if reponse.will_close:
            self.fermer()
        return reponse.status, reponse.headers, contenu

    def fermer(self) -> None:
        self.conn.close()
        self.servies = 0


def connecter(port: int, email: str, mot_de_passe: str, chemin_connexion: str = "/connexion/") -> str:
    """Se connecte par le formulaire (jeton CSRF compris) ; rend l'en-tête Cookie de la session."""
    conn = Connexion(port)
    try:
        statut, entetes, corps = conn.requete("GET", chemin_connexion)
        if statut != 200:
            raise RuntimeError(f"page de connexion : HTTP {statut}")
        cookies = SimpleCookie()
        for valeur in entetes.get_all("Set-Cookie") or []:
            cookies.load(valeur)
        trouve = CSRF_RE.search(corps.decode())
        if "csrftoken" not in cookies or trouve is None:
            raise RuntimeError("jeton CSRF introuvable sur la page de connexion")
        formulaire = urllib.parse.urlencode(
            {"username": email, "password": mot_de_passe, "csrfmiddlewaretoken": trouve.group(1)}
        ).encode()
        conn.cookie = f"csrftoken={cookies['csrftoken'].value}"
        statut, entetes, _ = conn.requete(
            "POST",
            chemin_connexion,
            formulaire,
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://127.0.0.1:{port}/"},
        )
        for valeur in entetes.get_all("Set-Cookie") or []:
            cookies.load(valeur)
        if statut != 302 or "sessionid" not in cookies:
            raise RuntimeError(f"connexion refusée (HTTP {statut}) : identifiants ou formulaire à vérifier")
        return f"csrftoken={cookies['csrftoken'].value}; sessionid={cookies['sessionid'].value}"
    finally:
        conn.fermer()


@dataclass
class Serie:
    """Latences (secondes) des réponses 200, erreurs, et durée murale de la série."""

    latences: list[float] = field(default_factory=list)
    par_etiquette: dict[str, list[float]] = field(default_factory=dict)
    erreurs: int = 0
    duree_s: float = 0.0
    exemples_erreurs: list[str] = field(default_factory=list)


def marteler(
    port: int,
    chemin: Callable[[random.Random], tuple[str, str]],
    *,
    requetes: int,
    clients: int = 16,
    duree_max_s: float = 60.0,
    cookie: str = "",
    graine: int = 62,
) -> Serie:
    """Envoie `requetes` GET au plus (ou s'arrête après `duree_max_s`), depuis `clients` fils en parallèle.

    `chemin(rng)` rend (étiquette, URL) : l'étiquette regroupe les latences d'une même variante.
    """
    serie = Serie()
    verrou = threading.Lock()
    restants = [requetes]
    depart = threading.Barrier(clients + 1)
    fin = [0.0]

    def prendre() -> bool:
        with verrou:
            if restants[0] <= 0 or time.perf_counter() > fin[0]:
                return False
            restants[0] -= 1
            return True

    def client(numero: int) -> None:
        rng = random.Random(graine * 1000 + numero)
        conn = Connexion(port, cookie)
        latences: list[tuple[str, float]] = []
        erreurs: list[str] = []
        depart.wait()
        try:
            while prendre():
                etiquette, url = chemin(rng)
                t0 = time.perf_counter()
                try:
                    statut, _, _ = conn.requete("GET", url)
                except (OSError, http.client.HTTPException) as exc:
                    conn.fermer()
                    erreurs.append(f"{url} : {type(exc).__name__} {exc}")
                    continue
                duree = time.perf_counter() - t0
                if statut == 200:
                    latences.append((etiquette, duree))
                else:
                    erreurs.append(f"{url} : HTTP {statut}")
        finally:
            conn.fermer()
            with verrou:
                for etiquette, duree in latences:
                    serie.latences.append(duree)
                    serie.par_etiquette.setdefault(etiquette, []).append(duree)
                serie.erreurs += len(erreurs)
                serie.exemples_erreurs.extend(erreurs[: max(0, 5 - len(serie.exemples_erreurs))])

    fils = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for f in fils:
        f.start()
    t0 = time.perf_counter()
    fin[0] = t0 + duree_max_s
    depart.wait()
    for f in fils:
        f.join()
    serie.duree_s = time.perf_counter() - t0
    return serie
