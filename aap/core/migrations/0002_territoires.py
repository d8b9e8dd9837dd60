from django.db import migrations


def create(apps, schema_editor):
    from aap.core.territoires import ensure_territoires

    ensure_territoires(apps.get_model("core", "Territoire"))


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
