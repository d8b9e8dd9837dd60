"""Règles de financement du plan prévisionnel d'une demande : calcul pur, sans base de données.

Entrées : la fiche du dispositif (`aap.catalogue.schema.Fiche`, paramètres lus dans `fiche.financement`,
jamais écrits ici), les lignes saisies (`Depense`, `Ressource`) et le contexte de la demande
(`ContextePlan` : années de la convention, territoires en bassin minier, postes en insertion, durée).
Sortie : un `ResultatPlan` (par année et au total : dépenses par catégorie, lignes dérivées comprises,
ressources par financeur, coût total, montant et part du Département, écart, règles non respectées
expliquées en français).

Choix faits là où les fiches ne tranchent pas :

1. Arrondi au centime (ROUND_HALF_UP) à chaque ligne : chaque poste, chaque forfait d'une année. Les
   totaux sont la somme des lignes arrondies, jamais ré-arrondis ni recalculés sur un total.
2. Poste de personnel : montant = coût annuel chargé × part du temps sur l'action / 100 × mois / 12. La
   quotité (ETP) décrit le contrat ; elle est déjà reflétée dans le coût annuel chargé, elle n'entre pas
   dans le calcul (sauf modèle « montant fixe par ETP », où c'est elle qui compte).
3. Forfaits (modèles `frais_personnel_forfait` et `encadrement_forfait_plafond`) : une ligne dérivée par
   année, égale à `taux_forfait` % des frais de personnel (resp. d'encadrement) de cette année. La base du
   forfait de 40 % est celle des frais de personnel directs (lecture FSE+ de la fiche).
4. Taux d'affectation minimal (`taux_affectation_min`) : vérifié poste par poste ; un poste affecté à
   100 % le respecte de fait.
5. Plafond par participant et par mois (modèle `encadrement_forfait_plafond`) : le coût total éligible du
   plan (toutes années, forfait compris) doit rester ≤ plafond × postes en insertion × mois de l'opération
   (mois entamés entre les dates de la convention demandée).
6. Coûts réels (modèle `couts_reels_indirects_plafonnes`) : indirects ≤ `taux_indirects_max` % de
   (personnel + fonctionnement), prestations exclues de la base, vérifié sur le total du plan.
7. Montant fixe par ETP (modèle `montant_fixe_par_etp`, fiche 5.11) : les postes sont saisis comme les
   autres (coût annuel chargé × part du temps × mois / 12). « Financement à hauteur de 22 800 € maximum, par
   ETP, pour une durée de 12 mois, en complément des 60 % attribués au titre du FSE+. S'y ajoute la
   valorisation au titre du Ségur, à hauteur de 5 270 € pour un temps complet » : une ligne dérivée
   « Valorisation Ségur » = temps pleins consacrés à l'action (quotité × part du temps × mois / 12) ×
   `valorisation_segur_temps_plein` ; le Département finance au plus `part_departement_poste` % du coût des
   postes, dans la limite de `montant_max_etp_12_mois` par temps plein sur 12 mois, plus la valorisation
   Ségur (`regles.plafond_montant_fixe`). C'est la lecture retenue par le catalogue (choix de la fiche 5.11).
8. Équilibre : par année et au total, dépenses = ressources au centime près.
9. Part du Département (`parts_departement`) : une part sans condition s'applique dès que le plan
   comporte une ressource de ce fonds (FSE+ → 40 %, FTJ → 30 % en 2026) ; une part conditionnée
   `bassin_minier` s'applique si TOUS les territoires de la demande sont en bassin minier,
   `hors_bassin_minier` sinon (une demande sans territoire est « hors bassin minier »). Chaque part
   applicable est un plafond : la plus stricte l'emporte de fait.
10. Cofinancement (`porteurs.cofinancement`) : si la fiche en nomme un et que le plan n'a aucune ressource
    d'un des fonds nommés, c'est signalé.
11. Une catégorie de dépense que le modèle ne retient pas (ex. fonctionnement avec un forfait de 40 % qui
    le couvre déjà) est signalée et n'entre pas dans le coût.
12. Un plan sans dépense, ou sans financement du Département, est signalé.
"""

from aap.demandes.financement.calcul import calculer_plan, montant_poste
from aap.demandes.financement.regles import message_desequilibre, parts_applicables
from aap.demandes.financement.types import (
    CATEGORIE_DERIVEE,
    CATEGORIES_SAISIES,
    FINANCEUR_DU_FONDS,
    ZERO,
    ContextePlan,
    Depense,
    LigneCalculee,
    PlanAnnee,
    Ressource,
    ResultatPlan,
    Violation,
    arrondi,
)


__all__ = [
    "CATEGORIES_SAISIES",
    "CATEGORIE_DERIVEE",
    "FINANCEUR_DU_FONDS",
    "ZERO",
    "ContextePlan",
    "Depense",
    "LigneCalculee",
    "PlanAnnee",
    "Ressource",
    "ResultatPlan",
    "Violation",
    "arrondi",
    "calculer_plan",
    "message_desequilibre",
    "montant_poste",
    "parts_applicables",
]
