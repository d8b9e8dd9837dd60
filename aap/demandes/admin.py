from django.contrib import admin

from aap.demandes.models import Demande, LigneDepense, LigneRessource


class LigneDepenseInline(admin.TabularInline):
    model = LigneDepense
    extra = 0


class LigneRessourceInline(admin.TabularInline):
    model = LigneRessource
    extra = 0


@admin.register(Demande)
class DemandeAdmin(admin.ModelAdmin):
    list_display = ["reference", "intitule", "structure", "dispositif", "statut", "montant_demande", "deposee_le"]
    list_filter = ["statut", "dispositif__edition", "territoires"]
    search_fields = ["reference", "intitule", "structure__raison_sociale", "structure__siret"]
    list_select_related = ["structure", "dispositif"]
    raw_id_fields = ["structure", "cree_par", "deposee_par", "validee_par"]
    readonly_fields = ["recepisse_empreinte", "cout_total", "montant_demande"]
    inlines = [LigneDepenseInline, LigneRessourceInline]
