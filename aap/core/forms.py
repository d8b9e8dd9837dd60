from django.forms.renderers import TemplatesSetting


class AapFormRenderer(TemplatesSetting):
    """Tous les formulaires rendent leurs champs avec `ui/field.html`."""

    field_template_name = "ui/field.html"
