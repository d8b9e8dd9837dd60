"""Vues des demandes : porteur (liste, création, dossier, budget, dépôt, validation), consultation, agents."""
