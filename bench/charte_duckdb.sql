-- Charte qualité en DuckDB, sur les tables des parcours exportées en Parquet (banc d'essai, bench/parcours.py).
-- Même définition que aap/qualite/calcul.py : docs/charte-qualite.md (numérateurs et dénominateurs identiques).
--
-- Vues attendues (créées par bench/parcours_duckdb.py) :
--   orientation, rendezvous, contratengagement, actioncontrat, diagnostic, freindiagnostic, heuresactivite,
--   demandesuspension, demandereorientation, sortie : les tables exportées ;
--   periode(debut DATE, fin DATE) : une ligne, la période [D, F] (bornes incluses) ;
--   regle(dispositif_id, parcours, delai_premier_rdv_jours, delai_signature_ce_jours, actions_ce_min,
--         actions_insertion_pro_min, entretiens_par_mois_min, entretiens_physiques_par_mois_min,
--         heures_hebdo_min, heures_hebdo_max, mise_a_jour_mensuelle) : section parcours: des fiches ;
--   critere(dispositif_id, code, mesure, parcours VARCHAR[], familles VARCHAR[], spheres VARCHAR[]) : les
--         critères calculés des chartes.
-- Aucun seuil n'est écrit ici : tout vient de `regle` et `critere` (données du catalogue).
-- Résultat : une ligne par (dispositif, structure, critère) dont la population n'est pas vide.

WITH p AS (SELECT debut, fin FROM periode),

-- Périmètre : (critère, orientation) pour les orientations du dispositif dont le parcours est visé par le
-- critère (tous si la liste est vide), avec la règle de leur parcours.
perimetre AS (
    SELECT c.code AS critere, c.mesure, c.familles, c.spheres,
           o.id AS orientation_id, o.structure_id, o.dispositif_id, o.date_orientation,
           r.delai_premier_rdv_jours, r.delai_signature_ce_jours, r.actions_ce_min, r.actions_insertion_pro_min,
           r.entretiens_par_mois_min, r.entretiens_physiques_par_mois_min, r.heures_hebdo_min,
           r.heures_hebdo_max, r.mise_a_jour_mensuelle
    FROM critere c
    JOIN orientation o
      ON o.dispositif_id = c.dispositif_id AND (len(c.parcours) = 0 OR list_contains(c.parcours, o.parcours))
    LEFT JOIN regle r ON r.dispositif_id = o.dispositif_id AND r.parcours = o.parcours
),

-- Jour d'un rendez-vous : la date en heure de Paris.
rdv AS (
    SELECT id, orientation_id, mode, presence, CAST(debut AT TIME ZONE 'Europe/Paris' AS DATE) AS jour
    FROM rendezvous
),

-- Contrats avec leur terme : date de clôture s'ils sont clos ou rompus et qu'elle est renseignée, sinon fin prévue.
contrat AS (
    SELECT id, orientation_id, date_signature, date_debut, date_fin, statut, date_cloture, heures_hebdo_prevues,
           CASE WHEN statut IN ('clos', 'rompu') AND date_cloture IS NOT NULL THEN date_cloture ELSE date_fin END
               AS terme
    FROM contratengagement
),

m_premier_rdv AS (
    SELECT pe.dispositif_id, pe.structure_id, pe.critere,
           count(*) FILTER (WHERE EXISTS (
               SELECT 1 FROM rdv
               WHERE rdv.orientation_id = pe.orientation_id
                 AND rdv.jour BETWEEN pe.date_orientation AND pe.date_orientation + pe.delai_premier_rdv_jours
           )) AS numerateur,
           count(*) AS denominateur
    FROM perimetre pe, p
    WHERE pe.mesure = 'premier_rdv_dans_delai' AND pe.delai_premier_rdv_jours IS NOT NULL
      AND pe.date_orientation BETWEEN p.debut AND p.fin
      AND pe.date_orientation + pe.delai_premier_rdv_jours <= p.fin
    GROUP BY ALL
),

m_ce_signe AS (
    SELECT pe.dispositif_id, pe.structure_id, pe.critere,
           count(*) FILTER (WHERE EXISTS (
               SELECT 1 FROM contrat ce
               WHERE ce.orientation_id = pe.orientation_id
                 AND ce.date_signature <= pe.date_orientation + pe.delai_signature_ce_jours
           )) AS numerateur,
           count(*) AS denominateur
    FROM perimetre pe, p
    WHERE pe.mesure = 'ce_signe_dans_delai' AND pe.delai_signature_ce_jours IS NOT NULL
      AND pe.date_orientation BETWEEN p.debut AND p.fin
      AND pe.date_orientation + pe.delai_signature_ce_jours <= p.fin
    GROUP BY ALL
),

m_contractualisation AS (
    SELECT pe.dispositif_id, pe.structure_id, pe.critere,
           count(*) FILTER (WHERE EXISTS (
               SELECT 1 FROM contrat ce WHERE ce.orientation_id = pe.orientation_id AND ce.date_signature <= p.fin
           )) AS numerateur,
           count(*) AS denominateur
    FROM perimetre pe, p
    WHERE pe.mesure = 'taux_contractualisation'
      AND pe.date_orientation BETWEEN p.debut AND p.fin
      AND EXISTS (
          SELECT 1 FROM rdv
          WHERE rdv.orientation_id = pe.orientation_id AND rdv.presence = 'honore' AND rdv.jour <= p.fin
      )
    GROUP BY ALL
),

m_diagnostic AS (
    SELECT pe.dispositif_id, pe.structure_id, pe.critere,
           count(*) FILTER (WHERE
               EXISTS (SELECT 1 FROM diagnostic d WHERE d.contrat_id = ce.id AND d.moment = 'creation_ce')
               AND EXISTS (SELECT 1 FROM diagnostic d WHERE d.contrat_id = ce.id AND d.moment = 'cloture_ce')
           ) AS numerateur,
           count(*) AS denominateur
    FROM perimetre pe JOIN contrat ce ON ce.orientation_id = pe.orientation_id, p
    WHERE pe.mesure = 'diagnostic_actualise'
      AND ce.statut IN ('clos', 'rompu') AND ce.date_cloture BETWEEN p.debut AND p.fin
    GROUP BY ALL
),

-- Rendez-vous honorés (dont physiques) par orientation et mois civil.
rdv_mois AS (
    SELECT orientation_id, date_trunc('month', jour) AS mois,
           count(*) FILTER (WHERE presence = 'honore') AS honores,
           count(*) FILTER (WHERE presence = 'honore' AND mode = 'physique') AS physiques
    FROM rdv
    GROUP BY ALL
),

-- Couples (contrat, mois) : mois entièrement dans [D, F] et dans la durée du contrat.
contrat_mois AS (
    SELECT pe.dispositif_id, pe.structure_id, pe.critere, pe.orientation_id, pe.entretiens_par_mois_min,
           pe.entretiens_physiques_par_mois_min, CAST(m.mois AS DATE) AS mois
    FROM perimetre pe JOIN contrat ce ON ce.orientation_id = pe.orientation_id, p,
         LATERAL (
             SELECT unnest(generate_series(
                 date_trunc('month', greatest(ce.date_debut, p.debut)),
                 date_trunc('month', least(ce.terme, p.fin)),
                 INTERVAL 1 MONTH
             )) AS mois
         ) m
    WHERE pe.mesure = 'rendez_vous_mensuels' AND pe.entretiens_par_mois_min IS NOT NULL
      AND CAST(m.mois AS DATE) >= greatest(ce.date_debut, p.debut)
      AND last_day(CAST(m.mois AS DATE)) <= least(ce.terme, p.fin)
),

m_rdv_mensuels AS (
    SELECT cm.dispositif_id, cm.structure_id, cm.critere,
           count(*) FILTER (WHERE coalesce(rm.honores, 0) >= cm.entretiens_par_mois_min
                              AND coalesce(rm.physiques, 0) >= coalesce(cm.entretiens_physiques_par_mois_min, 0)
           ) AS numerateur,
           count(*) AS denominateur
    FROM contrat_mois cm
    LEFT JOIN rdv_mois rm ON rm.orientation_id = cm.orientation_id AND rm.mois = cm.mois
    GROUP BY ALL
),

m_suspension AS (
    SELECT pe.dispositif_id, pe.structure_id, pe.critere,
           count(*) FILTER (WHERE EXISTS (
               SELECT 1 FROM demandesuspension ds WHERE ds.rendez_vous_id = rdv.id
           )) AS numerateur,
           count(*) AS denominateur
    FROM perimetre pe JOIN rdv ON rdv.orientation_id = pe.orientation_id, p
    WHERE pe.mesure = 'suspension_apres_absence'
      AND rdv.presence = 'absence_injustifiee' AND rdv.jour BETWEEN p.debut AND p.fin
    GROUP BY ALL
),

-- Mois civils où le contrat a une saisie d'heures.
heures_mois AS (
    SELECT DISTINCT contrat_id, date_trunc('month', saisie_le) AS mois FROM heuresactivite
),

m_sia AS (
    SELECT pe.dispositif_id, pe.structure_id, pe.critere,
           count(*) FILTER (WHERE
               ce.heures_hebdo_prevues IS NOT NULL
               AND (pe.heures_hebdo_min IS NULL OR ce.heures_hebdo_prevues >= pe.heures_hebdo_min)
               AND (pe.heures_hebdo_max IS NULL OR ce.heures_hebdo_prevues <= pe.heures_hebdo_max)
               AND (NOT coalesce(pe.mise_a_jour_mensuelle, false) OR (
                   SELECT count(*) FROM heures_mois hm
                   WHERE hm.contrat_id = ce.id
                     AND hm.mois BETWEEN date_trunc('month', greatest(ce.date_debut, p.debut))
                                     AND date_trunc('month', least(ce.terme, p.fin))
               -- mois exigés ; aucun si le premier est après le dernier (contrat clos avant son début)
               ) = greatest(0, (year(least(ce.terme, p.fin)) * 12 + month(least(ce.terme, p.fin)))
                   - (year(greatest(ce.date_debut, p.debut)) * 12 + month(greatest(ce.date_debut, p.debut))) + 1))
           ) AS numerateur,
           count(*) AS denominateur
    FROM perimetre pe JOIN contrat ce ON ce.orientation_id = pe.orientation_id, p
    WHERE pe.mesure = 'sia_conforme' AND ce.date_debut <= p.fin AND ce.terme >= p.debut
    GROUP BY ALL
),

-- Actions de chaque contrat : nombre, dont insertion professionnelle, couvrant tout le contrat, détail vide,
-- vers un dispositif départemental.
actions AS (
    SELECT ce.id AS contrat_id,
           count(a.id) AS nombre,
           count(a.id) FILTER (WHERE a.categorie = 'insertion_pro') AS insertion_pro,
           count(a.id) FILTER (WHERE a.date_debut <= ce.date_debut AND a.date_fin >= ce.date_fin) AS couvrantes,
           count(a.id) FILTER (WHERE a.detail = '') AS sans_detail,
           count(a.id) FILTER (WHERE a.dispositif_departemental) AS departementales
    FROM contrat ce LEFT JOIN actioncontrat a ON a.contrat_id = ce.id
    GROUP BY ce.id
),

m_qualite_ce AS (
    SELECT pe.dispositif_id, pe.structure_id, pe.critere,
           count(*) FILTER (WHERE
               (pe.actions_ce_min IS NULL OR ac.nombre >= pe.actions_ce_min)
               AND (pe.actions_insertion_pro_min IS NULL OR ac.insertion_pro >= pe.actions_insertion_pro_min)
               AND ac.couvrantes >= 1 AND ac.sans_detail = 0
           ) AS numerateur,
           count(*) AS denominateur
    FROM perimetre pe JOIN contrat ce ON ce.orientation_id = pe.orientation_id
         JOIN actions ac ON ac.contrat_id = ce.id, p
    WHERE pe.mesure = 'qualite_ce' AND ce.date_signature BETWEEN p.debut AND p.fin
    GROUP BY ALL
),

m_departementales AS (
    SELECT pe.dispositif_id, pe.structure_id, pe.critere,
           count(*) FILTER (WHERE ac.departementales >= 1) AS numerateur,
           count(*) AS denominateur
    FROM perimetre pe JOIN contrat ce ON ce.orientation_id = pe.orientation_id
         JOIN actions ac ON ac.contrat_id = ce.id, p
    WHERE pe.mesure = 'actions_departementales' AND ce.date_signature BETWEEN p.debut AND p.fin
    GROUP BY ALL
),

m_sorties AS (
    SELECT pe.dispositif_id, pe.structure_id, pe.critere,
           count(*) FILTER (WHERE
               list_contains(pe.familles, s.famille)
               OR (s.famille = 'reorientation' AND EXISTS (
                   SELECT 1 FROM demandereorientation dr
                   WHERE dr.orientation_id = pe.orientation_id AND dr.statut = 'acceptee'
                     AND list_contains(pe.spheres, dr.sphere_demandee)
               ))
           ) AS numerateur,
           count(*) AS denominateur
    FROM perimetre pe JOIN sortie s ON s.orientation_id = pe.orientation_id, p
    WHERE pe.mesure = 'sorties_ciblees' AND s.date_sortie BETWEEN p.debut AND p.fin
    GROUP BY ALL
),

-- Le diagnostic le plus récent (date puis identifiant) de chaque moment de chaque contrat, et ses freins.
diag_dernier AS (
    SELECT d.contrat_id, d.moment, d.id,
           (SELECT count(*) FROM freindiagnostic f WHERE f.diagnostic_id = d.id) AS freins
    FROM diagnostic d
    WHERE d.contrat_id IS NOT NULL AND d.moment IN ('creation_ce', 'cloture_ce')
    QUALIFY row_number() OVER (PARTITION BY d.contrat_id, d.moment ORDER BY d.date DESC, d.id DESC) = 1
),

m_evolutions AS (
    SELECT pe.dispositif_id, pe.structure_id, pe.critere,
           count(*) FILTER (WHERE fin_ce.freins < creation.freins) AS numerateur,
           count(*) AS denominateur
    FROM perimetre pe JOIN contrat ce ON ce.orientation_id = pe.orientation_id
         JOIN diag_dernier creation ON creation.contrat_id = ce.id AND creation.moment = 'creation_ce'
         JOIN diag_dernier fin_ce ON fin_ce.contrat_id = ce.id AND fin_ce.moment = 'cloture_ce', p
    WHERE pe.mesure = 'evolutions_positives'
      AND ce.statut IN ('clos', 'rompu') AND ce.date_cloture BETWEEN p.debut AND p.fin
    GROUP BY ALL
),

m_duree AS (
    SELECT pe.dispositif_id, pe.structure_id, pe.critere,
           sum(date_diff('day', pe.date_orientation, s.date_sortie)) AS numerateur,
           count(*) AS denominateur
    FROM perimetre pe JOIN sortie s ON s.orientation_id = pe.orientation_id, p
    WHERE pe.mesure = 'duree_moyenne_parcours' AND s.date_sortie BETWEEN p.debut AND p.fin
    GROUP BY ALL
)

SELECT dispositif_id, structure_id, critere, CAST(numerateur AS BIGINT) AS numerateur,
       CAST(denominateur AS BIGINT) AS denominateur
FROM (
    SELECT * FROM m_premier_rdv
    UNION ALL SELECT * FROM m_ce_signe
    UNION ALL SELECT * FROM m_contractualisation
    UNION ALL SELECT * FROM m_diagnostic
    UNION ALL SELECT * FROM m_rdv_mensuels
    UNION ALL SELECT * FROM m_suspension
    UNION ALL SELECT * FROM m_sia
    UNION ALL SELECT * FROM m_qualite_ce
    UNION ALL SELECT * FROM m_departementales
    UNION ALL SELECT * FROM m_sorties
    UNION ALL SELECT * FROM m_evolutions
    UNION ALL SELECT * FROM m_duree
)
ORDER BY dispositif_id, structure_id, critere
