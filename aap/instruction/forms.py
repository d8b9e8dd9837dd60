from django import forms

from aap.instruction.models import Avis


class AvisSlaiForm(forms.Form):
    avis = forms.ChoiceField(label="Avis du SLAI", choices=Avis.choices, widget=forms.RadioSelect)
    commentaire = forms.CharField(
        label="Commentaire",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Motivez l'avis : besoins du territoire, offre existante, ancrage local de la structure…",
    )
