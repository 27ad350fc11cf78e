"""Certification's own calls are gone: its calls are the lifecycle's (kiban.submissions.Call)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("certification", "0006_calls_copied_back")]

    operations = [
        migrations.DeleteModel(name="HistoricalCall"),
        migrations.DeleteModel(name="Call"),
    ]
