"""The integer round numbers and the seeds' own NDA table go, now that 0003 has moved their values."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("seeds", "0003_review_rounds_and_ndas_moved"),
    ]

    operations = [
        migrations.RemoveField("stagegate", "review_round_number"),
        migrations.RemoveField("historicalstagegate", "review_round_number"),
        migrations.DeleteModel("HistoricalNonDisclosureAgreement"),
        migrations.DeleteModel("NonDisclosureAgreement"),
    ]
