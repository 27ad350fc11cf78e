"""Certification applications become requests of the lifecycle (kiban.submissions): its timestamps and
reasons, the state field protected; decision_rationale is renamed decision_reason, as the lifecycle names it."""

import django.db.models.deletion
import django_fsm
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0002_function_catalogue"),
        ("submissions", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(
            model_name="certificationapplication", old_name="decision_rationale", new_name="decision_reason"
        ),
        migrations.RenameField(
            model_name="historicalcertificationapplication",
            old_name="decision_rationale",
            new_name="decision_reason",
        ),
        migrations.AddField(
            model_name="certificationapplication",
            name="completed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="completed"),
        ),
        migrations.AddField(
            model_name="certificationapplication",
            name="decided_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="decided by",
            ),
        ),
        migrations.AddField(
            model_name="certificationapplication",
            name="resubmitted_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="resubmitted"),
        ),
        migrations.AddField(
            model_name="certificationapplication",
            name="return_reason",
            field=models.TextField(blank=True, verbose_name="changes asked for"),
        ),
        migrations.AddField(
            model_name="certificationapplication",
            name="returned_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="returned for changes"),
        ),
        migrations.AddField(
            model_name="certificationapplication",
            name="review_started_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="review started"),
        ),
        migrations.AddField(
            model_name="certificationapplication",
            name="started_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="started"),
        ),
        migrations.AddField(
            model_name="certificationapplication",
            name="withdrawn_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="withdrawn"),
        ),
        migrations.AddField(
            model_name="historicalcertificationapplication",
            name="completed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="completed"),
        ),
        migrations.AddField(
            model_name="historicalcertificationapplication",
            name="decided_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="decided by",
            ),
        ),
        migrations.AddField(
            model_name="historicalcertificationapplication",
            name="resubmitted_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="resubmitted"),
        ),
        migrations.AddField(
            model_name="historicalcertificationapplication",
            name="return_reason",
            field=models.TextField(blank=True, verbose_name="changes asked for"),
        ),
        migrations.AddField(
            model_name="historicalcertificationapplication",
            name="returned_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="returned for changes"),
        ),
        migrations.AddField(
            model_name="historicalcertificationapplication",
            name="review_started_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="review started"),
        ),
        migrations.AddField(
            model_name="historicalcertificationapplication",
            name="started_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="started"),
        ),
        migrations.AddField(
            model_name="historicalcertificationapplication",
            name="withdrawn_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="withdrawn"),
        ),
        migrations.AlterField(
            model_name="certificationapplication",
            name="state",
            field=django_fsm.FSMField(
                choices=[
                    ("draft", "Draft"),
                    ("submitted", "Submitted, under review"),
                    ("returned", "Returned for changes"),
                    ("resubmitted", "Resubmitted, under review"),
                    ("under_review", "Under review by reviewers"),
                    ("accepted", "Certified"),
                    ("rejected", "Not certified"),
                    ("withdrawn", "Withdrawn"),
                ],
                default="draft",
                max_length=20,
                protected=True,
                verbose_name="state",
            ),
        ),
        migrations.AlterField(
            model_name="historicalcertificationapplication",
            name="state",
            field=django_fsm.FSMField(
                choices=[
                    ("draft", "Draft"),
                    ("submitted", "Submitted, under review"),
                    ("returned", "Returned for changes"),
                    ("resubmitted", "Resubmitted, under review"),
                    ("under_review", "Under review by reviewers"),
                    ("accepted", "Certified"),
                    ("rejected", "Not certified"),
                    ("withdrawn", "Withdrawn"),
                ],
                default="draft",
                max_length=20,
                protected=True,
                verbose_name="state",
            ),
        ),
    ]
