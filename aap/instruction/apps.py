from django.apps import AppConfig


class InstructionConfig(AppConfig):
    name = "aap.instruction"
    verbose_name = "instruction des demandes"
