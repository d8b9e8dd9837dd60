"""Le client de charge contre un vrai serveur HTTP local (serveur de test de Django), sans mesure de temps."""

from django.urls import reverse

from bench.charge import Connexion, connecter, marteler
from tests.factories import PASSWORD


def test_marteler_compte_chaque_requete(live_server):
    port = int(live_server.url.rsplit(":", 1)[1])
    sante = reverse("api:sante")
    serie = marteler(port, lambda rng: ("nue", sante), requetes=40, clients=4)
    assert len(serie.latences) == 40 and serie.erreurs == 0
    assert serie.par_etiquette.keys() == {"nue"}
    assert serie.duree_s > 0

    # Une réponse autre que 200 est une erreur, et l'étiquette sépare les variantes.
    chemins = [("ok", sante), ("absente", "/n-existe-pas/")]
    serie = marteler(port, lambda rng: rng.choice(chemins), requetes=30, clients=3)
    assert len(serie.latences) + serie.erreurs == 30
    assert serie.erreurs > 0 and all("HTTP 404" in e for e in serie.exemples_erreurs)
    assert set(serie.par_etiquette) == {"ok"}


def test_connexion_par_le_formulaire(live_server, instructeur):
    port = int(live_server.url.rsplit(":", 1)[1])
    cookie = connecter(port, instructeur.email, PASSWORD)
    assert "sessionid=" in cookie
    statut, _, corps = Connexion(port, cookie).requete("GET", reverse("api:structure-list"))
    assert statut == 200 and b'"results"' in corps
    # Sans le cookie, la même ressource est refusée.
    assert Connexion(port).requete("GET", reverse("api:structure-list"))[0] in (401, 403)
