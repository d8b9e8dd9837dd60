import http.client

from bench.serveur import ConfigServeur, environnement, gunicorn, port_libre


def test_configuration_pour_deux_coeurs():
    assert ConfigServeur.pour(2) == ConfigServeur(workers=4, threads=2)
    assert ConfigServeur.pour(1).workers == 2


def test_environnement_de_production():
    env = environnement("postgres://u:p@127.0.0.1:5432/aap_bench")
    assert env["DEBUG"] == "False"
    assert env["ALLOWED_HOSTS"] == "127.0.0.1,localhost"
    assert env["DATABASE_URL"].endswith("/aap_bench")
    assert len(env["SECRET_KEY"]) >= 50 and env["SECRET_KEY"] != environnement("x")["SECRET_KEY"]


def test_gunicorn_demarre_repond_et_s_arrete(tmp_path):
    """La vue nue ne touche pas la base : une base SQLite vide suffit pour démarrer."""
    journal = tmp_path / "gunicorn.log"
    with gunicorn(ConfigServeur(workers=1, threads=1), f"sqlite:///{tmp_path / 'vide.sqlite3'}", journal) as port:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/api/sante/")
        reponse = conn.getresponse()
        assert reponse.status == 200 and reponse.read() == b'{"statut": "ok"}'
        conn.request("GET", "/static/aap/aap.css")
        assert conn.getresponse().status == 200
    # Après la sortie du bloc, plus personne n'écoute sur ce port.
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", "/api/sante/")
        conn.getresponse()
        ecoute = True
    except OSError:
        ecoute = False
    assert not ecoute
    assert port_libre() > 0
