"""Documents de la Commission permanente : rapport, délibération (DOCX, PDF) et annexe des financements
(XLSX, PDF), tous construits à partir d'un même `aap.commission.dossier.DossierCP`."""
