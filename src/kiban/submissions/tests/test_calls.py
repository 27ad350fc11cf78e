"""Calls (公募): the window and the named eligibility rules refuse a submission with a message naming them."""

import datetime

import pytest
import rules as rules_module
from django.core.exceptions import PermissionDenied, ValidationError

from kiban.core.choices import OrganisationKind
from kiban.submissions import eligibility, services
from kiban.submissions.choices import SubmissionState as S
from kiban.submissions.models import Call


@pytest.fixture
def academic_call(db, today) -> Call:
    return Call.objects.create(
        system="submissions", title="学術公募", title_en="Academic call",
        opens_on=today - datetime.timedelta(days=1), closes_on=today + datetime.timedelta(days=1),
        eligibility=["academic_only"],
    )  # fmt: skip


def test_an_ineligible_organisation_is_refused_naming_the_rule(
    proposal, applicant, university, academic_call
):
    # given a company applies to a call for academic institutions only
    university.kind = OrganisationKind.COMPANY
    university.name_en = "Demo Pharma"
    university.save()
    proposal.call = academic_call
    proposal.save()

    # when it submits
    with pytest.raises(ValidationError) as error:
        services.submission_submit(submission=proposal, actor=applicant)

    # then the refusal names the call and the rule, and the request stays a draft
    assert error.value.code == "not_eligible"
    assert error.value.messages == [
        "“Academic call” is open to academic institutions only (Academic institutions only), "
        "and Demo Pharma is not one."
    ]
    proposal.refresh_from_db()
    assert proposal.state == S.DRAFT


def test_an_eligible_organisation_submits_while_the_call_is_open(proposal, applicant, academic_call):
    proposal.call = academic_call
    proposal.save()
    services.submission_submit(submission=proposal, actor=applicant)
    assert proposal.state == S.SUBMITTED


def test_a_closed_call_refuses_a_submission_but_not_a_resubmission(
    proposal, applicant, officer, academic_call, today
):
    proposal.call = academic_call
    proposal.save()
    after = academic_call.closes_on + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.submission_submit(submission=proposal, actor=applicant, on=after)
    assert error.value.messages == [
        f"“Academic call” accepts entries from {academic_call.opens_on.isoformat()} to "
        f"{academic_call.closes_on.isoformat()}."
    ]
    # a request returned after the call closed may still be resubmitted
    services.submission_submit(submission=proposal, actor=applicant)
    services.submission_return(submission=proposal, reason="Fix the budget.", actor=officer)
    services.submission_resubmit(submission=proposal, actor=applicant)
    assert proposal.state == S.RESUBMITTED


def test_a_call_names_only_registered_rules(officer, today):
    rules_module.set_perm("submissions.add_call", rules_module.always_allow)
    try:
        with pytest.raises(ValidationError) as error:
            services.call_create(
                system="submissions", title="公募", title_en="Call", opens_on=today, closes_on=today,
                eligibility=["friends_only"], actor=officer,
            )  # fmt: skip
        assert error.value.message_dict["eligibility"] == ["There is no eligibility rule “friends_only”."]
        with pytest.raises(ValidationError) as error:
            services.call_create(
                system="submissions", title="公募", title_en="Call", opens_on=today,
                closes_on=today - datetime.timedelta(days=1), actor=officer,
            )  # fmt: skip
        assert error.value.messages == ["A call cannot close before it opens."]
    finally:
        rules_module.remove_perm("submissions.add_call")


def test_opening_a_call_needs_the_systems_permission(applicant, today):
    with pytest.raises(PermissionDenied):
        services.call_create(
            system="submissions",
            title="公募",
            title_en="Call",
            opens_on=today,
            closes_on=today,
            actor=applicant,
        )


def test_a_rule_code_names_one_rule():
    with pytest.raises(ValueError):
        eligibility.register(
            eligibility.EligibilityRule("academic_only", "Other", "Other %(call)s", lambda o, d: True)
        )
    assert {"academic_only", "certified_institution"} <= {r.code for r in eligibility.registered_rules()}
