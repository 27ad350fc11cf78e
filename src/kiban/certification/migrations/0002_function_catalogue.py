"""Loads the function table of 橋渡し研究支援機関認定制度 (classes ①②③ by 組織体制 / 人員 / 取組 / 取組の成果)."""

from django.db import migrations


def load(apps, schema_editor):
    from kiban.certification.catalogue import catalogue_load

    catalogue_load(apps.get_model("certification", "FunctionItem"))


class Migration(migrations.Migration):
    dependencies = [("certification", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
