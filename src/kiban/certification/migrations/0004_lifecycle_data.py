"""Existing rows onto the lifecycle: states get the lifecycle's values (certified → accepted; submitted with
a review round → under review) and certification's calls become the lifecycle's calls of system
"certification", with their ids and history ("certified institutions only" becomes the rule
certified_institution). Reversible: the states and calls go back as the old tables knew them."""

from django.core.management.color import no_style
from django.db import migrations

SYSTEM = "certification"
CERTIFIED_RULE = "certified_institution"
CALL_FIELDS = ["id", "title", "title_en", "programme_id", "opens_on", "closes_on", "description"]
HISTORY_FIELDS = ["history_date", "history_change_reason", "history_type", "history_user_id"]
# The old states the new ones fold back into: the old tables knew only these four.
BACK = {
    "accepted": "certified",
    "under_review": "submitted",
    "resubmitted": "submitted",
    "returned": "draft",
    "withdrawn": "rejected",
}


def _reset_sequences(schema_editor, *models) -> None:
    """Rows were inserted with their ids: PostgreSQL's sequences must continue after them."""
    connection = schema_editor.connection
    for sql in connection.ops.sequence_reset_sql(no_style(), list(models)):
        schema_editor.execute(sql)


def _review_rounds(apps):
    """The (application id → earliest round opening) of the applications put under review."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ReviewRound = apps.get_model("reviews", "ReviewRound")
    content_type = ContentType.objects.filter(
        app_label="certification", model="certificationapplication"
    ).first()
    opened: dict[int, object] = {}
    if content_type is None:
        return opened
    for object_id, opened_at in ReviewRound.objects.filter(content_type=content_type).values_list(
        "object_id", "opened_at"
    ):
        opened[object_id] = min(opened.get(object_id, opened_at), opened_at)
    return opened


def forward(apps, schema_editor):
    Application = apps.get_model("certification", "CertificationApplication")
    HistoricalApplication = apps.get_model("certification", "HistoricalCertificationApplication")
    Certificate = apps.get_model("certification", "Certificate")
    # update(), not save(): the state field is protected and these rows change no one's history.
    for application_id, issued_by_id in Certificate.objects.values_list("application_id", "issued_by_id"):
        Application.objects.filter(pk=application_id, state="certified").update(decided_by_id=issued_by_id)
    Application.objects.filter(state="certified").update(state="accepted")
    HistoricalApplication.objects.filter(state="certified").update(state="accepted")
    for application_id, opened_at in _review_rounds(apps).items():
        Application.objects.filter(pk=application_id, state="submitted").update(
            state="under_review", review_started_at=opened_at
        )
        Application.objects.filter(pk=application_id).exclude(state="under_review").update(
            review_started_at=opened_at
        )

    OldCall = apps.get_model("certification", "Call")
    OldHistory = apps.get_model("certification", "HistoricalCall")
    Call = apps.get_model("submissions", "Call")
    History = apps.get_model("submissions", "HistoricalCall")
    for old in OldCall.objects.all():
        Call.objects.create(
            system=SYSTEM,
            eligibility=[CERTIFIED_RULE] if old.certified_only else [],
            **{name: getattr(old, name) for name in CALL_FIELDS},
        )
    History.objects.bulk_create(
        History(
            system=SYSTEM,
            eligibility=[CERTIFIED_RULE] if old.certified_only else [],
            **{name: getattr(old, name) for name in CALL_FIELDS + HISTORY_FIELDS},
        )
        for old in OldHistory.objects.order_by("history_id")
    )
    _reset_sequences(schema_editor, Call)


def backward(apps, schema_editor):
    Application = apps.get_model("certification", "CertificationApplication")
    HistoricalApplication = apps.get_model("certification", "HistoricalCertificationApplication")
    for new, old in BACK.items():
        Application.objects.filter(state=new).update(state=old)
        HistoricalApplication.objects.filter(state=new).update(state=old)
    # The calls themselves were copied back by 0006's reverse; the lifecycle's copies go.
    apps.get_model("submissions", "HistoricalCall").objects.filter(system=SYSTEM).delete()
    apps.get_model("submissions", "Call").objects.filter(system=SYSTEM).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0003_lifecycle_fields"),
        ("submissions", "0001_initial"),
        ("reviews", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forward, backward)]
