"""Saisie du plan de financement : par année, les postes de personnel, les autres lignes que le modèle de la
fiche retient, et une grille de ressources par financeur. Les montants calculés (postes, forfaits) ne sont
jamais saisis : ils viennent de `aap.demandes.financement`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.http import QueryDict

from aap.catalogue.schema import Fiche, ModeleFinancement
from aap.demandes.choix import CategorieDepense, Financeur
from aap.demandes.financement import CATEGORIES_SAISIES, Depense, Ressource
from aap.demandes.models import Demande


def _decimal(label: str, *, mini: str, maxi: str | None = None, places: int = 2, pas: str = "0.01") -> forms.Field:
    champ = forms.DecimalField(
        label=label,
        min_value=Decimal(mini),
        max_value=Decimal(maxi) if maxi else None,
        decimal_places=places,
        max_digits=12,
        required=False,
        localize=False,
    )
    champ.widget.attrs.update(step=pas, inputmode="decimal")
    return champ


class PosteForm(forms.Form):
    """Un poste de personnel : le montant est calculé selon le modèle de la fiche."""

    libelle = forms.CharField(label="Fonction", max_length=255)
    etp = _decimal("Quotité (ETP)", mini="0.01", maxi="99")
    taux_affectation = _decimal("Part du temps sur l'action (%)", mini="0", maxi="100")
    cout_annuel = _decimal("Coût annuel chargé (€)", mini="0", maxi="9999999999")
    mois = _decimal("Mois sur l'année", mini="0.5", maxi="12", places=1, pas="0.5")

    def __init__(self, *args: Any, montant_fixe: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Montant fixe par ETP : la quotité fixe la limite par ETP, elle devient obligatoire.
        self.fields["etp"].required = montant_fixe
        self.fields["taux_affectation"].required = True
        self.fields["cout_annuel"].required = True
        self.fields["mois"].required = True


class LigneForm(forms.Form):
    categorie = forms.ChoiceField(label="Catégorie", choices=())
    libelle = forms.CharField(label="Libellé", max_length=255)
    montant = _decimal("Montant (€)", mini="0", maxi="9999999999")

    def __init__(self, *args: Any, categories: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["categorie"].choices = categories
        self.fields["montant"].required = True


PosteFormSet = forms.formset_factory(PosteForm, extra=1, can_delete=True)
LigneFormSet = forms.formset_factory(LigneForm, extra=1, can_delete=True)


class RessourcesForm(forms.Form):
    """Grille financeur × année ; un champ `r_<année>_<financeur>` par case."""

    def __init__(self, *args: Any, annees: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.annees = annees
        for annee in annees:
            for code, libelle in Financeur.choices:
                champ = _decimal(f"{libelle}, {annee}", mini="0", maxi="9999999999")
                self.fields[f"r_{annee}_{code}"] = champ

    def grille(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(libelle, [self[f"r_{a}_{code}"] for a in self.annees]) for code, libelle in Financeur.choices]

    def ressources(self) -> list[Ressource]:
        return [
            Ressource(annee, code, self.cleaned_data[f"r_{annee}_{code}"])
            for annee in self.annees
            for code in Financeur.values
            if self.cleaned_data.get(f"r_{annee}_{code}")
        ]


class BudgetFormulaire:
    """Tous les formulaires du budget d'une demande, pour chaque année de l'opération."""

    def __init__(self, demande: Demande, fiche: Fiche, data: QueryDict | None = None) -> None:
        self.demande = demande
        self.modele = ModeleFinancement(fiche.financement.modele)
        saisies = CATEGORIES_SAISIES[self.modele]
        self.categorie_poste = str(saisies[0])
        self.categories_lignes = [(str(c), CategorieDepense(c).label) for c in saisies[1:]]
        self.montant_fixe = self.modele == ModeleFinancement.MONTANT_FIXE_ETP
        self.annees = demande.annees
        initial_postes: dict[int, list[dict]] = {a: [] for a in self.annees}
        initial_lignes: dict[int, list[dict]] = {a: [] for a in self.annees}
        initial_ressources: dict[str, Decimal] = {}
        if data is None:
            for d in demande.depenses.all():
                if d.annee not in initial_postes:
                    continue
                if d.categorie == self.categorie_poste:
                    initial_postes[d.annee].append(
                        {
                            "libelle": d.libelle,
                            "etp": d.etp,
                            "taux_affectation": d.taux_affectation,
                            "cout_annuel": d.cout_annuel,
                            "mois": d.mois,
                        }
                    )
                else:
                    initial_lignes[d.annee].append(
                        {"categorie": d.categorie, "libelle": d.libelle, "montant": d.montant}
                    )
            for r in demande.ressources.all():
                cle = f"r_{r.annee}_{r.financeur}"
                initial_ressources[cle] = initial_ressources.get(cle, Decimal(0)) + r.montant
        self.postes = {
            a: PosteFormSet(
                data,
                prefix=f"postes-{a}",
                initial=initial_postes[a] or None,
                form_kwargs={"montant_fixe": self.montant_fixe},
            )
            for a in self.annees
        }
        self.lignes = {
            a: LigneFormSet(
                data,
                prefix=f"lignes-{a}",
                initial=initial_lignes[a] or None,
                form_kwargs={"categories": self.categories_lignes},
            )
            for a in self.annees
            if self.categories_lignes
        }
        self.ressources_form = RessourcesForm(data, annees=self.annees, initial=initial_ressources)

    def prefixes(self) -> set[str]:
        return {f.prefix for f in [*self.postes.values(), *self.lignes.values()]}

    def annees_formulaires(self) -> list[tuple[int, Any, Any]]:
        return [(a, self.postes[a], self.lignes.get(a)) for a in self.annees]

    def is_valid(self) -> bool:
        formsets = [*self.postes.values(), *self.lignes.values()]
        return all([f.is_valid() for f in formsets]) and self.ressources_form.is_valid()

    def _lignes_valides(self, formset: Any) -> list[dict]:
        return [
            f.cleaned_data
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.has_changed()
        ]

    def depenses(self) -> list[Depense]:
        resultat = []
        for annee in self.annees:
            for c in self._lignes_valides(self.postes[annee]):
                resultat.append(
                    Depense(
                        annee=annee,
                        categorie=self.categorie_poste,
                        libelle=c["libelle"],
                        etp=c.get("etp"),
                        taux_affectation=c.get("taux_affectation"),
                        cout_annuel=c.get("cout_annuel"),
                        mois=c.get("mois"),
                    )
                )
            if annee in self.lignes:
                for c in self._lignes_valides(self.lignes[annee]):
                    resultat.append(Depense(annee, c["categorie"], c["libelle"], c["montant"]))
        return resultat

    def ressources(self) -> list[Ressource]:
        return self.ressources_form.ressources()

    def erreurs(self) -> list[str]:
        """Résumé des erreurs de saisie, pour l'aperçu en direct."""
        messages = []
        for annee in self.annees:
            for nom, formset in (("postes", self.postes[annee]), ("autres lignes", self.lignes.get(annee))):
                if formset is None:
                    continue
                n = sum(1 for errs in formset.errors if errs)
                if n:
                    messages.append(f"{annee}, {nom} : {n} ligne{'s' if n > 1 else ''} à corriger.")
        if self.ressources_form.errors:
            messages.append("Ressources : un montant est invalide.")
        return messages

    def desactiver(self) -> None:
        for formset in [*self.postes.values(), *self.lignes.values()]:
            for form in formset.forms:
                for champ in form.fields.values():
                    champ.disabled = True
        for champ in self.ressources_form.fields.values():
            champ.disabled = True


def ajouter_ligne(data: QueryDict, prefixe: str) -> QueryDict:
    """Copie des données POST avec une ligne vide de plus dans le formset `prefixe` (sans JavaScript)."""
    copie = data.copy()
    cle = f"{prefixe}-TOTAL_FORMS"
    try:
        copie[cle] = str(int(copie.get(cle, "0")) + 1)
    except ValueError:
        pass
    return copie
