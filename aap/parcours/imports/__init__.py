"""Imports CSV des parcours (issue 5 §1, docs/imports-parcours.md).

Deux natures de fichier : `orientations` (SI RSA) et `evenements` (outils des structures). Simulation par
défaut ; chaque ligne (ou chaque contrat avec ses actions) est appliquée dans son propre point de sauvegarde,
entièrement ou pas du tout ; les erreurs sont rapportées par ligne et par colonne ; réimporter le même fichier
ne change rien.

- `lecture` : décodage (UTF-8 avec ou sans BOM, Windows-1252), séparateur, en-tête, lecture des valeurs ;
- `colonnes` : les colonnes documentées de chaque nature ;
- `orientations`, `evenements`, `contrats` : validation et application d'une ligne ;
- `moteur` : déroulé d'un fichier et rapport ; `taches` : fichiers déposés, tâches de fond, purge ;
- `export` : écriture des mêmes colonnes depuis la base (modèle de fichier, aller-retour).
"""
