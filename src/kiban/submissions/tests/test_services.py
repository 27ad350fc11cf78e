"""The lifecycle's services: every transition audited and notified, every illegal one refused in words."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kiban.submissions import services
from kiban.submissions.choices import SubmissionState as S

from .conftest import submitted


def _refusal(call) -> list[str]:
    with pytest.raises(ValidationError) as error:
        call()
    assert error.value.code == "illegal_transition"
    return error.value.messages


def test_a_request_goes_through_every_state_with_history_and_notices(proposal, applicant, officer):
    # when it is submitted, returned, resubmitted, reviewed, accepted, started and completed
    services.submission_submit(submission=proposal, actor=applicant)
    assert officer.notifications.filter(subject="Submitted: Cryo-EM time").exists()
    services.submission_return(submission=proposal, reason="Add the sample list.", actor=officer)
    assert applicant.notifications.get(subject="Returned for changes: Cryo-EM time").body == (
        "Add the sample list."
    )
    services.submission_resubmit(submission=proposal, actor=applicant)
    services.submission_review_start(submission=proposal, actor=officer)
    services.submission_decide(submission=proposal, accept=True, reason="Feasible.", actor=officer)
    services.submission_start(submission=proposal, actor=officer)
    services.submission_complete(submission=proposal, actor=officer)

    # then it is completed, with each step's time, who submitted and decided, and the reasons
    proposal.refresh_from_db()
    assert proposal.state == S.COMPLETED
    assert (proposal.submitted_by, proposal.decided_by) == (applicant, officer)
    assert (proposal.return_reason, proposal.decision_reason) == ("Add the sample list.", "Feasible.")
    assert all(
        getattr(proposal, f)
        for f in ("submitted_at", "returned_at", "resubmitted_at", "review_started_at", "decided_at",
                  "started_at", "completed_at")
    )  # fmt: skip
    # and the history says who did what, and why, in order
    history = list(
        proposal.history.order_by("history_id").values_list("state", "history_change_reason", "history_user")
    )
    assert history[1:] == [
        (S.SUBMITTED, "Submitted", applicant.pk),
        (S.RETURNED, "Returned for changes: Add the sample list.", officer.pk),
        (S.RESUBMITTED, "Resubmitted", applicant.pk),
        (S.UNDER_REVIEW, "Review started", officer.pk),
        (S.ACCEPTED, "Accepted: Feasible.", officer.pk),
        (S.IN_PROGRESS, "Work started", officer.pk),
        (S.COMPLETED, "Completed", officer.pk),
    ]


def test_each_illegal_transition_is_refused_with_a_clear_message(proposal, applicant, officer):
    # given a draft
    assert _refusal(lambda: services.submission_resubmit(submission=proposal, actor=applicant)) == [
        "Only a request returned for changes can be resubmitted; this one is draft."
    ]
    assert _refusal(lambda: services.submission_return(submission=proposal, reason="x", actor=officer)) == [
        "Only a request waiting for screening or review can be returned for changes; this one is draft."
    ]
    assert _refusal(lambda: services.submission_review_start(submission=proposal, actor=officer)) == [
        "Only a submitted request can be put under review; this one is draft."
    ]
    assert _refusal(
        lambda: services.submission_decide(submission=proposal, accept=True, reason="x", actor=officer)
    ) == ["Only a submitted request can be decided; this one is draft."]
    assert _refusal(lambda: services.submission_start(submission=proposal, actor=officer)) == [
        "Only an accepted request can be started; this one is draft."
    ]
    assert _refusal(lambda: services.submission_complete(submission=proposal, actor=officer)) == [
        "Only a request in progress can be completed; this one is draft."
    ]
    # given it is rejected
    submitted(proposal, applicant)
    services.submission_decide(submission=proposal, accept=False, reason="Out of scope.", actor=officer)
    assert _refusal(lambda: services.submission_submit(submission=proposal, actor=applicant)) == [
        "Only a draft can be submitted; this one is rejected."
    ]
    assert _refusal(lambda: services.submission_withdraw(submission=proposal, actor=applicant)) == [
        "A request that is rejected can no longer be withdrawn."
    ]
    # and nothing of it changed
    proposal.refresh_from_db()
    assert proposal.state == S.REJECTED
    assert proposal.history.count() == 3


def test_an_incomplete_request_is_refused_with_what_is_missing(proposal, applicant):
    proposal.title = ""
    proposal.save()
    with pytest.raises(ValidationError) as error:
        services.submission_submit(submission=proposal, actor=applicant)
    assert error.value.messages == ["Give the proposal a title."]
    proposal.refresh_from_db()
    assert proposal.state == S.DRAFT


def test_only_who_the_system_permits_acts(proposal, applicant, officer):
    with pytest.raises(PermissionDenied, match=re.escape("You may not submit this request.")):
        services.submission_submit(submission=proposal, actor=officer)
    submitted(proposal, applicant)
    with pytest.raises(PermissionDenied, match=re.escape("You may not return this request for changes.")):
        services.submission_return(submission=proposal, reason="x", actor=applicant)
    with pytest.raises(PermissionDenied, match=re.escape("You may not decide on this request.")):
        services.submission_decide(submission=proposal, accept=True, reason="x", actor=applicant)


def test_a_return_and_a_decision_need_a_reason(proposal, applicant, officer):
    submitted(proposal, applicant)
    with pytest.raises(ValidationError) as error:
        services.submission_return(submission=proposal, reason="  ", actor=officer)
    assert error.value.messages == ["Say what must change; the applicant receives it."]
    with pytest.raises(ValidationError) as error:
        services.submission_decide(submission=proposal, accept=False, reason="", actor=officer)
    assert error.value.messages == ["Give the reasons for the decision; the applicant receives them."]


def test_the_applicant_withdraws_a_pending_request(proposal, applicant, officer):
    submitted(proposal, applicant)
    services.submission_withdraw(submission=proposal, reason="Moved to another site.", actor=applicant)
    proposal.refresh_from_db()
    assert proposal.state == S.WITHDRAWN and proposal.withdrawn_at
    assert officer.notifications.filter(subject="Withdrawn: Cryo-EM time").exists()


def test_the_state_is_written_only_through_transitions(proposal):
    with pytest.raises(AttributeError):
        proposal.state = S.ACCEPTED
    assert type(proposal).objects.get(pk=proposal.pk).state == S.DRAFT


def test_a_stale_copy_is_judged_on_the_state_in_the_database(proposal, applicant, officer):
    # given two officers hold the same submitted request; the first decides
    submitted(proposal, applicant)
    stale = type(proposal).objects.get(pk=proposal.pk)
    services.submission_decide(submission=proposal, accept=True, reason="Yes.", actor=officer)

    # when the second decides on the copy read before
    messages = _refusal(
        lambda: services.submission_decide(submission=stale, accept=False, reason="No.", actor=officer)
    )

    # then the second decision is refused: the request is already accepted
    assert messages == ["Only a submitted request can be decided; this one is accepted."]
    assert type(proposal).objects.get(pk=proposal.pk).decision_reason == "Yes."
