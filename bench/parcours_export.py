"""Export des tables des parcours en Parquet (pyarrow) pour le calcul DuckDB du banc.

Chaque table est lue en entier par `COPY (SELECT …) TO STDOUT (FORMAT csv)` (psycopg 3), puis convertie par le
lecteur CSV de pyarrow avec un schéma déduit des champs Django (entiers, dates, instants UTC, décimaux exacts,
booléens, textes) : les types sont ceux de la base, sans flottant. Les personnes (identités) ne sont pas
exportées : la charte n'en a pas besoin.
"""

from __future__ import annotations

import io
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from django.db import connection, models

from aap.parcours import models as m


#: Nom de la table (vue DuckDB) → modèle ; l'ordre est celui de l'export.
TABLES: dict[str, type[models.Model]] = {
    "orientation": m.Orientation,
    "rendezvous": m.RendezVous,
    "contratengagement": m.ContratEngagement,
    "actioncontrat": m.ActionContrat,
    "diagnostic": m.Diagnostic,
    "freindiagnostic": m.FreinDiagnostic,
    "heuresactivite": m.HeuresActivite,
    "demandesuspension": m.DemandeSuspension,
    "demandereorientation": m.DemandeReorientation,
    "sortie": m.Sortie,
}


def type_arrow(champ: models.Field) -> pa.DataType:
    if isinstance(champ, models.ForeignKey | models.AutoField | models.BigAutoField | models.IntegerField):
        return pa.int64()
    if isinstance(champ, models.DateTimeField):
        return pa.timestamp("us", tz="UTC")
    if isinstance(champ, models.DateField):
        return pa.date32()
    if isinstance(champ, models.DecimalField):
        return pa.decimal128(champ.max_digits, champ.decimal_places)
    if isinstance(champ, models.BooleanField):
        return pa.bool_()
    return pa.string()


def colonnes(modele: type[models.Model]) -> list[tuple[str, pa.DataType]]:
    return [(f.column, type_arrow(f)) for f in modele._meta.concrete_fields]


def exporter(dossier: Path) -> dict[str, dict]:
    """Écrit `<dossier>/<table>.parquet` pour chaque table ; rend {table: {lignes, octets, secondes}}."""
    dossier.mkdir(parents=True, exist_ok=True)
    resultat = {}
    with connection.cursor() as cur:
        cur.execute("SHOW TimeZone")
        zone = cur.fetchone()[0]
        cur.execute("SET TIME ZONE 'UTC'")  # instants écrits « …+00 », relus en UTC par pyarrow
        for nom, modele in TABLES.items():
            debut = time.monotonic()
            cols = colonnes(modele)
            liste = ", ".join(f'"{c}"' for c, _ in cols)
            tampon = io.BytesIO()
            requete = (
                f'COPY (SELECT {liste} FROM "{modele._meta.db_table}" ORDER BY id) TO STDOUT (FORMAT csv, HEADER)'
            )
            with cur.copy(requete) as copie:
                for bloc in copie:
                    tampon.write(bloc)
            tampon.seek(0)
            table = pacsv.read_csv(
                tampon,
                read_options=pacsv.ReadOptions(block_size=1 << 24),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict(cols),
                    true_values=["t"],
                    false_values=["f"],
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
            chemin = dossier / f"{nom}.parquet"
            pq.write_table(table, chemin)
            resultat[nom] = {
                "lignes": table.num_rows,
                "octets": chemin.stat().st_size,
                "secondes": round(time.monotonic() - debut, 2),
            }
        cur.execute("SELECT set_config('TimeZone', %s, false)", [zone])
    return resultat
