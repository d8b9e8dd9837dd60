from django.core.management.base import BaseCommand, CommandParser

from aap.core.demo.generateur import generer
from aap.core.models import User


class Command(BaseCommand):
    help = "Génère les données de démonstration (Faker fr_FR) : comptes, structures, demandes dans tous les statuts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--structures", type=int, default=150)
        parser.add_argument("--demandes", type=int, default=300)
        parser.add_argument("--seed", type=int, default=62)
        parser.add_argument(
            "--si-vide", action="store_true", help="Ne fait rien si la base contient déjà des comptes."
        )

    def handle(self, *args: object, **options: object) -> None:
        if options["si_vide"] and User.objects.exists():
            self.stdout.write("Données de démonstration déjà présentes : rien à faire.")
            return
        bilan = generer(
            nb_structures=options["structures"],
            nb_demandes=options["demandes"],
            seed=options["seed"],
            progression=lambda m: self.stdout.write(m),
        )
        details = ", ".join(f"{n} {statut}" for statut, n in sorted((bilan.demandes or {}).items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"Démonstration prête : {bilan.structures} structures ; demandes : {details} ; "
                f"{bilan.avis_slai} avis du SLAI ; {bilan.affectations} demandes affectées à l'instructeur."
            )
        )
        if bilan.cp:
            cp = bilan.cp
            seances = ", ".join(f"{n} inscriptions ({etat})" for etat, n in cp.seances.items())
            self.stdout.write(
                self.style.SUCCESS(
                    f"Instruction et Commission permanente : {cp.notations} grilles de notation, "
                    f"{cp.budgets_retenus} budgets retenus, {cp.complements} demandes de compléments, "
                    f"{cp.retraits} retraits, {cp.enveloppes} enveloppes, {cp.propositions} propositions, "
                    f"{cp.elus} élus et {cp.mandats} mandats ; séances : {seances}."
                )
            )
        if bilan.conventions:
            c = bilan.conventions

            def detail(compteur: object) -> str:
                return ", ".join(f"{n} {etat}" for etat, n in sorted(compteur.items())) or "aucun"

            self.stdout.write(
                self.style.SUCCESS(
                    f"Conventions : {detail(c.conventions)} ; versements : {detail(c.versements)} ; bilans : "
                    f"{detail(c.bilans)} ; {c.reversements} ordre(s) de reversement, {c.avenants} avenant(s), "
                    f"{c.documents_annuels} document(s) annuel(s) déposé(s)."
                )
            )
        if bilan.parcours:
            p = bilan.parcours
            orientations = ", ".join(f"{n} en {code}" for code, n in sorted(p.orientations.items())) or "aucune"
            sorties = ", ".join(f"{n} {famille}" for famille, n in sorted(p.sorties.items())) or "aucune"
            chartes = ", ".join(f"{n} {statut}" for statut, n in sorted(p.chartes.items())) or "aucune"
            self.stdout.write(
                self.style.SUCCESS(
                    f"Parcours : {p.personnes} personnes, orientations : {orientations} ({p.phases_dsp} phases "
                    f"d'accueil DSP) ; {p.rendez_vous} rendez-vous, {p.contrats} contrats d'engagement, "
                    f"{p.heures} semaines d'heures SIA, {p.diagnostics} diagnostics, {p.suspensions} demandes de "
                    f"suspension, {p.reorientations} demandes de réorientation ; sorties : {sorties} ; places "
                    f"dépassées : {', '.join(p.places_depassees) or 'aucune structure'} ; chartes qualité : "
                    f"{chartes}."
                )
            )
