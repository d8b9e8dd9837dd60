"""Référentiel des territoires : les 9 MDS du Pas-de-Calais et le périmètre « Département »."""

# (code, nom, ordre, bassin minier ERBM) — ordre des annexes de délibération.
MDS = [
    ("arrageois", "Arrageois", 1, False),
    ("artois", "Artois", 2, True),
    ("audomarois", "Audomarois", 3, False),
    ("boulonnais", "Boulonnais", 4, False),
    ("calaisis", "Calaisis", 5, False),
    ("henin-carvin", "Hénin-Carvin", 7, True),
    ("lens-lievin", "Lens-Liévin", 8, True),
    ("montreuillois", "Montreuillois", 9, False),
    ("ternois", "Ternois", 10, False),
]
DEPARTEMENT = ("departement", "Département", 6, False)


def ensure_territoires(territoire_model) -> None:  # noqa: ANN001 - modèle historique des migrations
    for code, nom, ordre, bassin in MDS:
        territoire_model.objects.update_or_create(
            code=code, defaults={"nom": nom, "ordre": ordre, "bassin_minier": bassin, "est_departement": False}
        )
    code, nom, ordre, bassin = DEPARTEMENT
    territoire_model.objects.update_or_create(
        code=code, defaults={"nom": nom, "ordre": ordre, "bassin_minier": bassin, "est_departement": True}
    )
