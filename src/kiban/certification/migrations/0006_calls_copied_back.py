"""Only when migrating back: the lifecycle's calls of system "certification" are copied back into
certification's own call table (recreated by reversing 0007) before the entries point at it again."""

from django.core.management.color import no_style
from django.db import migrations

SYSTEM = "certification"
CERTIFIED_RULE = "certified_institution"
CALL_FIELDS = ["id", "title", "title_en", "programme_id", "opens_on", "closes_on", "description"]
HISTORY_FIELDS = ["history_date", "history_change_reason", "history_type", "history_user_id"]


def copy_back(apps, schema_editor):
    Call = apps.get_model("submissions", "Call")
    History = apps.get_model("submissions", "HistoricalCall")
    OldCall = apps.get_model("certification", "Call")
    OldHistory = apps.get_model("certification", "HistoricalCall")
    orphans = list(Call.objects.filter(system=SYSTEM, programme=None).values_list("pk", flat=True))
    if orphans:  # the old table required a programme: such calls cannot go back, and are not dropped
        raise RuntimeError(f"Calls {orphans} have no programme; give them one before migrating back.")
    for call in Call.objects.filter(system=SYSTEM):
        OldCall.objects.create(
            certified_only=CERTIFIED_RULE in call.eligibility, **{n: getattr(call, n) for n in CALL_FIELDS}
        )
    OldHistory.objects.bulk_create(
        OldHistory(
            certified_only=CERTIFIED_RULE in row.eligibility,
            **{n: getattr(row, n) for n in CALL_FIELDS + HISTORY_FIELDS},
        )
        for row in History.objects.filter(system=SYSTEM).order_by("history_id")
    )
    for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), [OldCall]):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("certification", "0005_call_entries_on_lifecycle_calls")]

    operations = [migrations.RunPython(migrations.RunPython.noop, copy_back)]
