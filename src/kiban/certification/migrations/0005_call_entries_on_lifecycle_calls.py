"""Entries to calls point at the lifecycle's calls (copied with their ids by 0004)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0004_lifecycle_data"),
        ("submissions", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicalcallentry",
            name="call",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="submissions.call",
                verbose_name="call",
            ),
        ),
        migrations.AlterField(
            model_name="callentry",
            name="call",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="certification_entries",
                to="submissions.call",
                verbose_name="call",
            ),
        ),
    ]
