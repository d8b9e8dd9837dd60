from django import forms

from aap.core.models import Role, User
from aap.instruction.models import Avis


class AvisSlaiForm(forms.Form):
    avis = forms.ChoiceField(label="Avis du SLAI", choices=Avis.choices, widget=forms.RadioSelect)
    commentaire = forms.CharField(
        label="Commentaire",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Motivez l'avis : besoins du territoire, offre existante, ancrage local de la structure…",
    )


class AffectationForm(forms.Form):
    instructeur = forms.ModelChoiceField(
        label="Instructeur",
        queryset=User.objects.filter(role=Role.INSTRUCTEUR, is_active=True).order_by("last_name", "first_name"),
        empty_label="Choisissez un instructeur",
    )
