"""Formulaires des bilans : saisie du bilan (champs construits d'après les règles figées de l'opération),
décision de la DPID, documents annuels, contrôle de service fait, filtres des listes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from aap.bilans import rules
from aap.bilans.models import Bilan, ResultatControle, StatutBilan
from aap.bilans.selectors import LigneMesure
from aap.catalogue.models import Dispositif
from aap.core.models import Territoire
from aap.core.templatetags.aap_ui import nombre


def _decimal(label: str, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=False, min_value=0, max_digits=14, decimal_places=2, localize=True, **kwargs
    )


def _entier(label: str) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=0, max_value=1_000_000)


class BilanForm(forms.Form):
    """Tous les champs sont facultatifs pour un brouillon ; le service exige le contenu complet au dépôt."""

    entrees = _entier("Entrées de participants sur la période")
    texte_qualitatif = forms.CharField(
        label="Bilan qualitatif (bilan pédagogique)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Déroulement de l'accompagnement, objectifs atteints ou non, partenariats, suites de parcours.",
    )
    piece = forms.FileField(
        label="Pièce jointe (facultative)",
        required=False,
        help_text="PDF ou classeur Excel (XLSX) : bilan d'exécution détaillé, feuilles d'émargement… "
        "Un nouveau fichier remplace le précédent.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.xlsx"}),
    )

    def __init__(
        self,
        *args: Any,
        bilan: Bilan,
        mesures: list[LigneMesure],
        depenses: list[dict[str, Any]],
        ressources: list[dict[str, Any]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.bilan, self.mesures, self.depenses, self.ressources = bilan, mesures, depenses, ressources
        regles_indicateurs = {i["code"]: i for i in bilan.operation.regles.get("indicateurs", [])}
        self.indicateurs = [{**regles_indicateurs.get(i["code"], {}), **i} for i in bilan.indicateurs]
        initial: dict[str, Any] = {"entrees": bilan.entrees, "texte_qualitatif": bilan.texte_qualitatif}
        for ligne in mesures:
            aide = [f"Cible de ce bilan : {nombre(ligne.cible)}" if ligne.cible is not None else ""]
            if ligne.engagement is not None:
                aide.append(f"engagement conventionné : {nombre(ligne.engagement)} ({ligne.formule})")
            self.fields[rules.cle_mesure(ligne.code)] = _decimal(
                ligne.libelle, help_text=", ".join(a for a in aide if a) + "."
            )
            initial[rules.cle_mesure(ligne.code)] = ligne.realise
        for indicateur in self.indicateurs:
            chiffre = indicateur.get("cible_valeur") not in (None, "")
            cle = rules.cle_indicateur(indicateur["code"])
            self.fields[cle] = forms.CharField(
                label=f"Valeur constatée{' (nombre)' if chiffre else ''}", required=False, max_length=200
            )
            self.fields[f"commentaire_{indicateur['code']}"] = forms.CharField(
                label="Commentaire", required=False, max_length=1000
            )
            initial[cle] = indicateur.get("valeur", "")
            initial[f"commentaire_{indicateur['code']}"] = indicateur.get("commentaire", "")
        for code, libelle in rules.TYPES_SORTIE:
            self.fields[rules.cle_sortie(code)] = _entier(libelle)
            initial[rules.cle_sortie(code)] = (bilan.sorties_detail or {}).get(code)
        for index, ligne in enumerate(depenses):
            self.fields[f"depense_{index}"] = _decimal(f"{ligne['libelle']} : réalisé")
            initial[f"depense_{index}"] = ligne.get("realise")
        for index, ligne in enumerate(ressources):
            self.fields[f"ressource_{index}"] = _decimal(f"{ligne['libelle']} : perçu")
            initial[f"ressource_{index}"] = ligne.get("montant")
        self.initial = {**initial, **self.initial}

    # Groupes pour le gabarit.
    def champs_mesures(self) -> list[tuple[LigneMesure, forms.BoundField]]:
        return [(ligne, self[rules.cle_mesure(ligne.code)]) for ligne in self.mesures]

    def champs_indicateurs(self) -> list[tuple[dict[str, Any], forms.BoundField, forms.BoundField]]:
        return [(i, self[rules.cle_indicateur(i["code"])], self[f"commentaire_{i['code']}"]) for i in self.indicateurs]

    def champs_sorties(self) -> list[forms.BoundField]:
        return [self[rules.cle_sortie(code)] for code, _ in rules.TYPES_SORTIE]

    def champs_depenses(self) -> list[tuple[dict[str, Any], forms.BoundField]]:
        return [(ligne, self[f"depense_{i}"]) for i, ligne in enumerate(self.depenses)]

    def champs_ressources(self) -> list[tuple[dict[str, Any], forms.BoundField]]:
        return [(ligne, self[f"ressource_{i}"]) for i, ligne in enumerate(self.ressources)]

    def donnees(self) -> dict[str, Any]:
        c = self.cleaned_data
        return {
            "realisations": {ligne.code: c.get(rules.cle_mesure(ligne.code)) for ligne in self.mesures},
            "indicateurs": {
                i["code"]: {
                    "valeur": c.get(rules.cle_indicateur(i["code"]), ""),
                    "commentaire": c.get(f"commentaire_{i['code']}", ""),
                }
                for i in self.indicateurs
            },
            "entrees": c.get("entrees"),
            "sorties_detail": {code: c.get(rules.cle_sortie(code)) for code, _ in rules.TYPES_SORTIE},
            "texte_qualitatif": c.get("texte_qualitatif", ""),
            "depenses": [
                {**{k: ligne.get(k) for k in ("categorie", "libelle", "retenu")}, "realise": c.get(f"depense_{i}")}
                for i, ligne in enumerate(self.depenses)
            ],
            "ressources": [
                {**{k: ligne.get(k) for k in ("financeur", "libelle", "prevu")}, "montant": c.get(f"ressource_{i}")}
                for i, ligne in enumerate(self.ressources)
            ],
            "piece": c.get("piece"),
        }


class AcceptationForm(forms.Form):
    score_qualite = forms.DecimalField(
        label="Score de la charte qualité (%)",
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        localize=True,
        help_text="Entre 0 et 100 : il module la part « qualité » du versement.",
    )

    def __init__(self, *args: Any, qualite: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not qualite:
            del self.fields["score_qualite"]


class ModificationsForm(forms.Form):
    motif = forms.CharField(
        label="Modifications attendues",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Envoyé à la structure par courriel ; le bilan redevient modifiable.",
    )


class DocumentAnnuelForm(forms.Form):
    fichier = forms.FileField(label="Fichier")

    def __init__(self, *args: Any, formats: tuple[str, ...], libelle: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fichier"].label = f"Fichier : {libelle}"
        self.fields["fichier"].help_text = f"Format accepté : {', '.join(f.upper() for f in formats)}."
        self.fields["fichier"].widget.attrs["accept"] = ",".join(f".{f}" for f in formats)


class RefusDocumentForm(forms.Form):
    motif = forms.CharField(label="Motif du refus", widget=forms.Textarea(attrs={"rows": 3}))


RESULTATS_VERIFICATION = [("conforme", "Conforme"), ("non_conforme", "Non conforme")]


class ControleForm(forms.Form):
    date_controle = forms.DateField(
        label="Date du contrôle", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    sur_place = forms.BooleanField(label="Contrôle sur place (sinon sur pièces)", required=False)
    resultat = forms.ChoiceField(label="Résultat", choices=ResultatControle.choices, widget=forms.RadioSelect)
    montant_non_justifie = forms.DecimalField(
        label="Montant non justifié (€)",
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        localize=True,
        help_text="Obligatoire si le service fait n'est que partiellement justifié : il sera réclamé dans la limite "
        "des sommes versées. « Pièces non fondées » : toutes les sommes versées sont réclamées.",
    )
    commentaire = forms.CharField(label="Observations", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, verifications: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.libelles = verifications
        for index, libelle in enumerate(verifications):
            self.fields[f"verif_{index}"] = forms.ChoiceField(
                label=f"{index + 1}. {libelle}", choices=RESULTATS_VERIFICATION, widget=forms.RadioSelect
            )
            self.fields[f"verif_{index}_commentaire"] = forms.CharField(
                label=f"Commentaire sur la vérification n° {index + 1}", required=False, max_length=1000
            )

    def champs_verifications(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"verif_{i}"], self[f"verif_{i}_commentaire"]) for i in range(len(self.libelles))]

    def parametres(self) -> dict[str, Any]:
        c = self.cleaned_data
        return {
            "date_controle": c["date_controle"],
            "sur_place": c["sur_place"],
            "resultat": c["resultat"],
            "montant_non_justifie": c.get("montant_non_justifie") or Decimal("0.00"),
            "commentaire": c.get("commentaire", ""),
            "verifications": [
                {"libelle": libelle, "resultat": c[f"verif_{i}"], "commentaire": c.get(f"verif_{i}_commentaire", "")}
                for i, libelle in enumerate(self.libelles)
            ],
        }


class FiltreBilansForm(forms.Form):
    statut = forms.ChoiceField(
        label="Statut", required=False, choices=[("", "Tous les statuts"), *StatutBilan.choices]
    )
    type = forms.ChoiceField(label="Type de bilan", required=False)
    dispositif = forms.ModelChoiceField(
        label="Dispositif", required=False, queryset=Dispositif.objects.none(), empty_label="Tous les dispositifs"
    )
    territoire = forms.ModelChoiceField(
        label="Territoire", required=False, queryset=Territoire.objects.all(), empty_label="Tous les territoires"
    )
    en_retard = forms.BooleanField(label="En retard seulement", required=False)

    def __init__(self, *args: Any, types: list[tuple[str, str]], territoires: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", "Tous les types"), *types]
        self.fields["dispositif"].queryset = Dispositif.objects.filter(operations__isnull=False).distinct()
        if territoires is not None:
            self.fields["territoire"].queryset = territoires

    @property
    def actifs(self) -> bool:
        return self.is_bound and any(self.data.get(nom) for nom in self.fields)


class FiltreRetardsForm(forms.Form):
    territoire = forms.ModelChoiceField(
        label="Territoire MDS",
        required=False,
        queryset=Territoire.objects.filter(est_departement=False),
        empty_label="Tous les territoires",
    )


__all__ = [
    "AcceptationForm",
    "BilanForm",
    "ControleForm",
    "DocumentAnnuelForm",
    "FiltreBilansForm",
    "FiltreRetardsForm",
    "ModificationsForm",
    "RefusDocumentForm",
]
