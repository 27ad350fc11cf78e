"""Data: the stage-gates' round numbers become foreign keys, and the seeds' NDAs become generic agreements
(kind NDA, about the seed, the hub disclosing and the company receiving), their audit record kept."""

from django.db import migrations
from django.db.models import F
from django.utils import timezone

MOVED = "Moved from the seeds' NDA record"


def rounds_forward(apps, schema_editor):
    StageGate = apps.get_model("seeds", "StageGate")
    HistoricalStageGate = apps.get_model("seeds", "HistoricalStageGate")
    ReviewRound = apps.get_model("reviews", "ReviewRound")
    # A round that no longer exists cannot be pointed to; the review engine never deletes rounds.
    StageGate.objects.filter(review_round_number__in=ReviewRound.objects.values("pk")).update(
        review_round_id=F("review_round_number")
    )
    HistoricalStageGate.objects.filter(review_round_number__isnull=False).update(
        review_round_id=F("review_round_number")
    )


def rounds_backward(apps, schema_editor):
    for name in ("StageGate", "HistoricalStageGate"):
        apps.get_model("seeds", name).objects.update(review_round_number=F("review_round_id"))


def _history_row(apps, app_label, instance, *, when, user_id, reason):
    Historical = apps.get_model(app_label, f"Historical{instance._meta.object_name}")
    values = {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}
    Historical.objects.create(
        **values, history_date=when, history_user_id=user_id, history_change_reason=reason, history_type="+"
    )


def ndas_forward(apps, schema_editor):
    NonDisclosureAgreement = apps.get_model("seeds", "NonDisclosureAgreement")
    HistoricalNDA = apps.get_model("seeds", "HistoricalNonDisclosureAgreement")
    Agreement = apps.get_model("agreements", "Agreement")
    AgreementParty = apps.get_model("agreements", "AgreementParty")
    ContentType = apps.get_model("contenttypes", "ContentType")
    ndas = NonDisclosureAgreement.objects.select_related("seed").order_by("pk")
    if not ndas.exists():
        return
    seed_type, _created = ContentType.objects.get_or_create(app_label="seeds", model="seed")
    for nda in ndas:
        first = HistoricalNDA.objects.filter(id=nda.pk).order_by("history_date", "history_id").first()
        when = first.history_date if first else timezone.now()
        user_id = first.history_user_id if first and first.history_user_id else nda.recorded_by_id
        reason = f"{first.history_change_reason} ({MOVED})" if first and first.history_change_reason else MOVED
        hub_id = nda.seed.hub_id
        agreement = Agreement.objects.create(
            kind="nda",
            content_type=seed_type,
            object_id=nda.seed_id,
            parties_key="-".join(str(pk) for pk in sorted({hub_id, nda.company_id})),
            note=nda.note,
            state="signed",
            signed_on=nda.signed_on,
            effective_on=nda.signed_on,
            created_by_id=nda.recorded_by_id,
            created_at=when,
        )
        _history_row(apps, "agreements", agreement, when=when, user_id=user_id, reason=reason)
        for organisation_id, role in ((hub_id, "discloser"), (nda.company_id, "recipient")):
            party = AgreementParty.objects.create(agreement=agreement, organisation_id=organisation_id, role=role)
            _history_row(apps, "agreements", party, when=when, user_id=user_id, reason=reason)


def ndas_backward(apps, schema_editor):
    """Signed NDAs about seeds go back to the seeds' own table (one per seed and company); the generic
    agreements' history stays behind."""
    NonDisclosureAgreement = apps.get_model("seeds", "NonDisclosureAgreement")
    Agreement = apps.get_model("agreements", "Agreement")
    AgreementParty = apps.get_model("agreements", "AgreementParty")
    ContentType = apps.get_model("contenttypes", "ContentType")
    seed_type = ContentType.objects.filter(app_label="seeds", model="seed").first()
    if seed_type is None:
        return
    agreements = Agreement.objects.filter(kind="nda", content_type=seed_type)
    for agreement in agreements.filter(state="signed").order_by("pk"):
        company = AgreementParty.objects.filter(agreement=agreement, role="recipient").first()
        if company is None:
            continue
        NonDisclosureAgreement.objects.get_or_create(
            seed_id=agreement.object_id,
            company_id=company.organisation_id,
            defaults={
                "signed_on": agreement.signed_on,
                "note": agreement.note,
                "recorded_by_id": agreement.created_by_id,
            },
        )
    AgreementParty.objects.filter(agreement__in=agreements).delete()
    agreements.delete()


class Migration(migrations.Migration):

    dependencies = [
        ("agreements", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reviews", "0001_initial"),
        ("seeds", "0002_stagegate_review_round_fk"),
    ]

    operations = [
        migrations.RunPython(rounds_forward, rounds_backward),
        migrations.RunPython(ndas_forward, ndas_backward),
    ]
