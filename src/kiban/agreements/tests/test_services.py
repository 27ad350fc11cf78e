"""An agreement's life: drafted, sent, signed with its file, ended; each step audited, each illegal step
refused with a message saying where the agreement stands; one live agreement per kind, parties and record."""

import datetime
import io
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from kiban.agreements import services
from kiban.agreements.models import Agreement
from kiban.agreements.services import DuplicateAgreement
from kiban.core.errors import StateConflict
from kiban.core.models import Attachment, Organisation

TODAY = datetime.date.today()


def _draft(facility, parties, actor, **values) -> Agreement:
    return services.agreement_create(
        kind="facility_terms", about=facility, parties=parties, actor=actor, **values
    )


def _pdf(name="signed.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.7\nsigned by both parties\n", content_type="application/pdf")


def test_an_agreement_is_drafted_sent_and_signed_with_its_file_each_step_audited(facility, terms, operator):
    # given facility-use terms drafted by the facility's operator
    agreement = _draft(
        facility, terms, operator, scope="Cryo-EM time, 2026", expires_on=TODAY.replace(year=TODAY.year + 1)
    )
    assert agreement.state == "draft" and not agreement.is_in_force()

    # when they send it and record it signed with the signed copy
    services.agreement_send(agreement=agreement, actor=operator)
    services.agreement_sign(agreement=agreement, signed_on=TODAY, signed_file=_pdf(), actor=operator)

    # then it is in force from the day it was signed, with the file attached to it
    agreement.refresh_from_db()
    assert (agreement.state, agreement.signed_on, agreement.effective_on) == ("signed", TODAY, TODAY)
    assert agreement.is_in_force() and Agreement.objects.in_force().filter(pk=agreement.pk).exists()
    attachment = Attachment.objects.get(pk=agreement.signed_file_id)
    assert (attachment.target, attachment.media_type, attachment.original_name) == (
        agreement,
        "application/pdf",
        "signed.pdf",
    )
    assert {(p.organisation.name, p.role) for p in agreement.parties.all()} == {
        ("クライオ電顕施設", "provider"),
        ("利用大学", "user"),
    }
    # and the history says who did each step and why
    history = list(
        agreement.history.order_by("history_id").values_list("state", "history_change_reason", "history_user")
    )
    assert history == [
        (
            "draft",
            "Facility-use terms drafted between クライオ電顕施設 and 利用大学 about “クライオ電顕施設”",
            operator.pk,
        ),
        ("sent", "Sent for signature", operator.pk),
        ("signed", f"Signed on {TODAY.isoformat()}", operator.pk),
    ]


def test_illegal_transitions_are_refused_with_the_state_named(facility, terms, operator):
    agreement = _draft(facility, terms, operator)
    with pytest.raises(StateConflict, match="this agreement is"):
        services.agreement_signed_file_attach(agreement=agreement, upload=_pdf(), actor=operator)
    with pytest.raises(
        ValidationError, match=re.escape("Only a signed agreement is terminated; this agreement is “Draft”.")
    ):
        services.agreement_terminate(
            agreement=agreement, ended_on=TODAY, reason="Ended early.", actor=operator
        )
    services.agreement_sign(agreement=agreement, signed_on=TODAY, actor=operator)
    with pytest.raises(
        ValidationError, match=re.escape("Only a draft is sent for signature; this agreement is “Signed”.")
    ):
        services.agreement_send(agreement=agreement, actor=operator)
    with pytest.raises(ValidationError, match=re.escape("is signed; this one is “Signed”.")):
        services.agreement_sign(agreement=agreement, signed_on=TODAY, actor=operator)
    with pytest.raises(ValidationError, match=re.escape("is withdrawn; this one is “Signed”.")):
        services.agreement_withdraw(agreement=agreement, reason="Not needed.", actor=operator)
    with pytest.raises(ValidationError, match="Say why the agreement ends"):
        services.agreement_terminate(agreement=agreement, ended_on=TODAY, reason=" ", actor=operator)

    # a termination ends it, for the reason given
    services.agreement_terminate(
        agreement=agreement, ended_on=TODAY, reason="The project ended.", actor=operator
    )
    agreement.refresh_from_db()
    assert (agreement.state, agreement.ended_on, agreement.is_in_force()) == ("terminated", TODAY, False)
    assert (
        agreement.history.latest().history_change_reason
        == f"Terminated on {TODAY.isoformat()}: The project ended."
    )
    with pytest.raises(ValidationError, match=re.escape("this agreement is “Terminated”.")):
        services.agreement_terminate(agreement=agreement, ended_on=TODAY, reason="Again.", actor=operator)


def test_the_state_cannot_be_set_outside_the_services(facility, terms, operator):
    agreement = _draft(facility, terms, operator)
    with pytest.raises(AttributeError):
        agreement.state = "signed"


def test_one_live_agreement_of_a_kind_between_the_same_parties_about_the_same_record(
    facility, university, terms, operator
):
    # given signed facility-use terms between the facility and the university
    first = _draft(facility, terms, operator)
    services.agreement_sign(agreement=first, signed_on=TODAY, actor=operator)

    # when the same terms are drafted again (the parties named in the other order)
    # then they are refused, naming the standing agreement's state
    with pytest.raises(DuplicateAgreement) as refused:
        _draft(facility, list(reversed(terms)), operator)
    assert refused.value.messages == [
        "Facility-use terms between クライオ電顕施設 and 利用大学 about “クライオ電顕施設” "
        "is already recorded (Signed)."
    ]
    assert refused.value.code == "duplicate_agreement"
    assert Agreement.objects.count() == 1

    # while another kind between them, or the same kind with another party, is accepted
    services.agreement_create(
        kind="mta",
        about=facility,
        parties=[(facility, "provider"), (university, "recipient")],
        actor=operator,
    )
    other = Organisation.objects.create(name="別の大学", kind="university")
    _draft(facility, [(facility, "provider"), (other, "user")], operator)

    # and once the first has ended, new terms may be drafted
    services.agreement_terminate(agreement=first, ended_on=TODAY, reason="Renegotiated.", actor=operator)
    assert _draft(facility, terms, operator).state == "draft"


def test_the_parties_must_fit_the_kind(facility, university, operator):
    with pytest.raises(ValidationError, match=re.escape("“discloser” is not one of its parties' roles")):
        services.agreement_create(
            kind="mta",
            about=facility,
            parties=[(facility, "discloser"), (university, "recipient")],
            actor=operator,
        )
    with pytest.raises(
        ValidationError, match=r"Material transfer agreement \(MTA\): name a party as Recipient."
    ):
        services.agreement_create(
            kind="mta", about=facility, parties=[(facility, "provider")], actor=operator
        )
    with pytest.raises(ValidationError, match="クライオ電顕施設 is named twice"):
        services.agreement_create(
            kind="mta",
            about=facility,
            parties=[(facility, "provider"), (facility, "recipient")],
            actor=operator,
        )
    with pytest.raises(ValidationError, match="is not a kind of agreement"):
        services.agreement_create(kind="lease", about=facility, parties=[], actor=operator)
    assert not Agreement.objects.exists()


def test_the_records_app_decides_which_kinds_and_who_manages(facility, terms, operator, researcher):
    # an NDA is not a kind the facility's app allows
    with pytest.raises(
        ValidationError,
        match=re.escape("Non-disclosure agreement (NDA) cannot be made about this record (organisation)."),
    ):
        services.agreement_create(
            kind="nda",
            about=facility,
            parties=[(facility, "discloser"), (terms[1][0], "recipient")],
            actor=operator,
        )
    # someone the app does not let manage its agreements is refused every write
    with pytest.raises(
        PermissionDenied, match=re.escape("You may not manage the agreements about “クライオ電顕施設”.")
    ):
        _draft(facility, terms, researcher)
    agreement = _draft(facility, terms, operator)
    for write in (
        lambda: services.agreement_send(agreement=agreement, actor=researcher),
        lambda: services.agreement_sign(agreement=agreement, signed_on=TODAY, actor=researcher),
        lambda: services.agreement_withdraw(agreement=agreement, reason="x", actor=researcher),
    ):
        with pytest.raises(PermissionDenied):
            write()
    # and agreements cannot be about a model no app registered
    with pytest.raises(
        ValidationError, match=re.escape("Agreements cannot be made about this record (user).")
    ):
        services.agreement_create(kind="mta", about=operator, parties=terms, actor=operator)


def test_dates_are_checked(facility, terms, operator):
    with pytest.raises(ValidationError, match="cannot expire before it takes effect"):
        _draft(facility, terms, operator, effective_on=TODAY, expires_on=TODAY - datetime.timedelta(days=1))
    agreement = _draft(facility, terms, operator)
    with pytest.raises(ValidationError, match="A signature cannot be dated in the future"):
        services.agreement_sign(
            agreement=agreement, signed_on=TODAY + datetime.timedelta(days=1), actor=operator
        )
    with pytest.raises(ValidationError, match="cannot expire before it takes effect"):
        services.agreement_sign(
            agreement=agreement,
            signed_on=TODAY,
            expires_on=TODAY - datetime.timedelta(days=1),
            actor=operator,
        )
    agreement.refresh_from_db()
    assert agreement.state == "draft"


def test_a_signed_file_of_the_wrong_type_leaves_the_agreement_unsigned(facility, terms, operator):
    agreement = _draft(facility, terms, operator)
    upload = SimpleUploadedFile("contract.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError, match="does not contain what its name says"):
        services.agreement_sign(agreement=agreement, signed_on=TODAY, signed_file=upload, actor=operator)
    agreement.refresh_from_db()
    assert (agreement.state, agreement.signed_file_id, Attachment.objects.count()) == ("draft", None, 0)

    # a signed agreement without its copy gets it later
    services.agreement_sign(agreement=agreement, signed_on=TODAY, actor=operator)
    services.agreement_signed_file_attach(agreement=agreement, upload=_pdf("scan.pdf"), actor=operator)
    agreement.refresh_from_db()
    assert agreement.signed_file.original_name == "scan.pdf"


def test_an_agreement_past_its_expiry_is_no_longer_in_force_and_is_then_marked_expired(
    facility, terms, operator
):
    # given terms signed a year ago that expired yesterday
    year_ago, yesterday = TODAY - datetime.timedelta(days=365), TODAY - datetime.timedelta(days=1)
    agreement = _draft(facility, terms, operator, expires_on=yesterday)
    services.agreement_sign(agreement=agreement, signed_on=year_ago, actor=operator)

    # then it is no longer in force, even before the daily job runs, and reads “Expired”
    assert not Agreement.objects.in_force().exists()
    assert Agreement.objects.in_force(on=yesterday).exists()
    assert agreement.standing_label() == "Expired"

    # when the daily job runs, it records the expiry, by no one, with the date
    out = io.StringIO()
    call_command("expire_agreements", stdout=out)
    assert out.getvalue() == "1 agreement(s) expired.\n"
    agreement.refresh_from_db()
    assert (agreement.state, agreement.ended_on) == ("expired", yesterday)
    latest = agreement.history.latest()
    assert (latest.history_change_reason, latest.history_user) == (
        f"Expired on {yesterday.isoformat()}",
        None,
    )
    assert services.agreements_expire() == 0
