"""The stage-gate's review round becomes a foreign key: the integer column is renamed to make room for it.
The values are copied in 0003 and the old column dropped in 0004 (three migrations, so that PostgreSQL
never alters a table with pending constraint checks in the same transaction)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("reviews", "0001_initial"),
        ("seeds", "0001_initial"),
    ]

    operations = [
        migrations.RenameField("stagegate", "review_round_id", "review_round_number"),
        migrations.RenameField("historicalstagegate", "review_round_id", "review_round_number"),
        migrations.AddField(
            model_name="stagegate",
            name="review_round",
            field=models.ForeignKey(
                blank=True,
                help_text="The review engine's round that decided it.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="reviews.reviewround",
                verbose_name="review round",
            ),
        ),
        migrations.AddField(
            model_name="historicalstagegate",
            name="review_round",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The review engine's round that decided it.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="reviews.reviewround",
                verbose_name="review round",
            ),
        ),
    ]
