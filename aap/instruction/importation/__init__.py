"""Import des tableaux de propositions hérités (issue 3 §4) : `manage.py import_propositions`.

- `lecture` : fichier CSV/XLSX, en-tête, montants, quantités, normalisation des noms (fonctions pures) ;
- `rapprochement` : territoires, dispositifs et thématiques, structures (lecture seule) ;
- `service` : acteur, édition, séance de la CP, analyse des lignes (rien n'est écrit) ;
- `ecriture` : écriture d'une ligne analysée, une transaction par ligne, journal d'audit.

Colonnes et règles : docs/import-propositions.md.
"""
