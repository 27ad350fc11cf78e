"""Registration, ICD-10 codes, research funds, milestones and progress, outcomes, interest and NDAs."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kiban.agreements.services import agreement_terminate
from kiban.core.icd10 import normalise_icd10, validate_icd10
from kiban.core.models import Notification, Organisation, User
from kiban.seeds import services
from kiban.seeds.models import Seed, SeedFunding
from kiban.seeds.selectors import seed_ndas

from .conftest import register


def test_a_seed_from_outside_the_hub_is_marked_so(osaka, hub_staff, pi):
    # given a researcher at 大阪市立大学, outside 大阪大学's hub
    outside = Organisation.objects.get(name="大阪市立大学")

    # when the hub registers their seed
    seed = register(hub=osaka, pi=pi, actor=hub_staff, institution=outside)

    # then it is a seed from outside the hub, and the principal investigator is told
    assert seed.origin == "outside"
    assert Notification.objects.filter(recipient=pi, subject__contains=seed.title).exists()


def test_a_researcher_registers_only_their_own_seed(osaka, pi, base_data):
    # given a researcher and another person
    other = User.objects.create_user("someone", "someone@example.jp", "pw-for-tests-only")

    # when the researcher registers a seed led by the other person
    # then it is refused; their own seed is registered, and the hub's staff are told
    with pytest.raises(PermissionDenied, match="Only the staff of 大阪大学 may register someone else's seed"):
        register(hub=osaka, pi=other, actor=pi)
    seed = register(hub=osaka, pi=pi, actor=pi)
    assert seed.pi == pi
    assert Notification.objects.filter(recipient__username="hub_staff", subject__contains=seed.title).exists()


def test_seeds_are_registered_at_hubs_only(base_data, hub_staff, pi):
    # given an organisation that is not a hub
    kobe = Organisation.objects.get(name="神戸大学")

    # when a seed is registered there
    # then it is refused
    with pytest.raises(ValidationError, match="神戸大学 is not a translational research hub"):
        register(hub=kobe, pi=pi, actor=pi)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("lung cancer", "is not an ICD-10 code"),
        ("C3", "is not an ICD-10 code"),
        ("C34.123", "is not an ICD-10 code"),
        ("XX", "is not an ICD-10 code"),
        ("C34.99", "is not in the ICD-10 classification"),
        ("Z99.99", "is not in the ICD-10 classification"),
    ],
)
def test_an_icd10_code_must_exist(code, message):
    # given a code that is malformed or not in the classification
    # when it is validated
    # then it is refused with the reason
    with pytest.raises(ValidationError, match=message):
        validate_icd10(code)


def test_icd10_codes_are_written_one_way(osaka, hub_staff, pi):
    # given codes typed in lower case or without the dot
    # when they are normalised or registered
    # then they are stored as the classification writes them
    assert normalise_icd10(" c341 ") == "C34.1"
    assert normalise_icd10("u071") == "U07.1"
    seed = register(hub=osaka, pi=pi, actor=hub_staff, icd10_code="g122")
    assert seed.icd10_code == "G12.2"
    assert seed.icd10_description == "Motor neuron disease"


def test_a_company_committed_seed_names_its_company(osaka, hub_staff, pi, takeda):
    # given the company-committed slot
    # when a seed is registered without a company, or another slot names one
    # then both are refused; with the company it is registered
    with pytest.raises(ValidationError, match="Name the company committed to this seed"):
        register(hub=osaka, pi=pi, actor=hub_staff, programme_slot="company_committed")
    with pytest.raises(ValidationError, match="Only a company-committed seed names a committed company"):
        register(hub=osaka, pi=pi, actor=hub_staff, committed_company=takeda)
    seed = register(
        hub=osaka, pi=pi, actor=hub_staff, programme_slot="company_committed", committed_company=takeda
    )
    assert seed.committed_company == takeda


def test_support_years_are_in_order(osaka, hub_staff, pi):
    with pytest.raises(ValidationError, match="Support cannot end before it starts"):
        register(hub=osaka, pi=pi, actor=hub_staff, support_from_fy=2022, support_to_fy=2021)


def test_research_funds_link_to_the_translational_programme_and_its_support_years(seed, hub_staff):
    # given a seed supported FY2019–FY2023
    # when funds are granted for FY2021, then corrected
    services.seed_funding_record(seed=seed, fiscal_year=2021, amount_yen=30_000_000, actor=hub_staff)
    funding = services.seed_funding_record(
        seed=seed, fiscal_year=2021, amount_yen=32_000_000, actor=hub_staff
    )

    # then one record holds the corrected amount under 橋渡し研究プログラム, with the correction kept
    assert SeedFunding.objects.filter(seed=seed).count() == 1
    assert (funding.programme.code, funding.amount_yen) == ("translational", 32_000_000)
    assert funding.history.first().history_change_reason == "Research funds corrected from 30,000,000 yen"
    # and a year outside the support years is refused
    with pytest.raises(ValidationError, match="outside the seed's support years"):
        services.seed_funding_record(seed=seed, fiscal_year=2024, amount_yen=1, actor=hub_staff)


def test_a_terminated_seed_gets_no_funds_nor_reports(seed, hub_staff):
    # given a terminated seed
    services.seed_decision_apply(
        seed=seed,
        outcome="terminate",
        rationale="終了",
        actor=hub_staff,
        decided_on=datetime.date(2021, 3, 1),
    )

    # when funds or a progress report are recorded
    # then both are refused with the date of termination
    with pytest.raises(ValidationError, match="was terminated on 2021-03-01; research funds can no longer"):
        services.seed_funding_record(seed=seed, fiscal_year=2021, amount_yen=1, actor=hub_staff)
    with pytest.raises(ValidationError, match="progress reports can no longer be recorded"):
        services.progress_report_submit(seed=seed, fiscal_year=2021, summary="x", actor=hub_staff)


def test_milestones_are_planned_and_reached_once(seed, pi):
    # given a milestone of the seed
    milestone = services.milestone_add(
        seed=seed, fiscal_year=2021, title="非臨床POC", due_on=datetime.date(2021, 12, 1), actor=pi
    )

    # when it is reached, then marked again
    services.milestone_achieve(milestone=milestone, achieved_on=datetime.date(2021, 11, 20), actor=pi)

    # then the second time is refused
    with pytest.raises(ValidationError, match="already reached on 2021-11-20"):
        services.milestone_achieve(milestone=milestone, achieved_on=datetime.date(2021, 11, 21), actor=pi)


def test_a_progress_report_tells_the_hub(seed, pi):
    services.progress_report_submit(seed=seed, fiscal_year=2021, summary="順調に進んだ", actor=pi)
    assert Notification.objects.filter(
        recipient__username="user_hub_staff", subject__contains=seed.title
    ).exists()


def test_a_license_out_names_the_company_and_the_scope(seed, pi, takeda):
    day = datetime.date(2022, 5, 1)
    # given a seed
    # when a license-out is recorded without a company, without a scope, or a patent names a company
    # then each is refused
    with pytest.raises(ValidationError, match="names the company"):
        services.outcome_record(seed=seed, kind="license_out", occurred_on=day, title="導出", actor=pi)
    with pytest.raises(ValidationError, match="Describe the scope"):
        services.outcome_record(
            seed=seed, kind="license_out", occurred_on=day, title="導出", company=takeda, actor=pi
        )
    with pytest.raises(ValidationError, match="Only a license-out names a company"):
        services.outcome_record(
            seed=seed, kind="patent_filing", occurred_on=day, title="特許", company=takeda, actor=pi
        )
    # and a complete one is counted in the fiscal year of its date
    outcome = services.outcome_record(
        seed=seed,
        kind="license_out",
        occurred_on=datetime.date(2022, 3, 31),
        title="導出",
        company=takeda,
        scope="国内の独占的実施権",
        actor=pi,
    )
    assert outcome.fiscal_year == 2021


def test_a_company_registers_interest_once_and_the_hub_is_told(seed, matrix_users):
    # given a company member and a listed seed
    company_user = matrix_users["company"]

    # when they register interest twice
    interest = services.interest_register(seed=seed, message="資料を拝見したい", actor=company_user)
    with pytest.raises(ValidationError, match="武田薬品工業 already registered interest in this seed"):
        services.interest_register(seed=seed, actor=company_user)

    # then one interest is kept in the company's name and the hub's staff and the PI are told
    assert interest.company.name == "武田薬品工業"
    assert Notification.objects.filter(recipient=seed.pi, subject__contains="武田薬品工業").exists()
    assert Notification.objects.filter(
        recipient__username="user_hub_staff", subject__contains="武田薬品工業"
    ).exists()


def test_only_companies_register_interest_in_listed_seeds(seed, unlisted_seed, matrix_users):
    with pytest.raises(PermissionDenied, match="Only company members"):
        services.interest_register(seed=seed, actor=matrix_users["researcher"])
    with pytest.raises(ValidationError, match="not open to companies"):
        services.interest_register(seed=unlisted_seed, actor=matrix_users["company"])


def test_an_nda_is_recorded_once_and_tells_the_company(seed, hub_staff, takeda, matrix_users):
    services.nda_record(seed=seed, company=takeda, signed_on=datetime.date(2023, 4, 1), actor=hub_staff)
    assert Notification.objects.filter(recipient=matrix_users["company"], subject__contains="NDA").exists()
    with pytest.raises(ValidationError, match="already recorded"):
        services.nda_record(seed=seed, company=takeda, signed_on=datetime.date(2023, 4, 2), actor=hub_staff)
    with pytest.raises(ValidationError, match="is not a company"):
        services.nda_record(seed=seed, company=seed.hub, signed_on=datetime.date(2023, 4, 2), actor=hub_staff)


def test_an_nda_is_an_agreement_about_the_seed_and_only_one_in_force_opens_the_details(
    seed, hub_staff, takeda, matrix_users
):
    # given an NDA recorded by the hub's staff
    company_member = matrix_users["company"]
    nda = services.nda_record(
        seed=seed, company=takeda, signed_on=datetime.date(2023, 4, 1), note="共同研究の検討", actor=hub_staff
    )

    # then it is a signed NDA about the seed, the hub disclosing and the company receiving
    assert (nda.kind, nda.state, nda.subject, nda.signed_on, nda.note) == (
        "nda",
        "signed",
        seed,
        datetime.date(2023, 4, 1),
        "共同研究の検討",
    )
    assert {(p.organisation, p.role) for p in nda.parties.all()} == {
        (seed.hub, "discloser"),
        (takeda, "recipient"),
    }
    assert company_member.has_perm("seeds.view_seed_details", seed)

    # when the hub terminates it, the details close again, and a new NDA may then be recorded
    agreement_terminate(
        agreement=nda, ended_on=datetime.date(2024, 3, 31), reason="検討終了", actor=hub_staff
    )
    company_member = User.objects.get(pk=company_member.pk)
    assert not company_member.has_perm("seeds.view_seed_details", seed)
    assert [(n.company, n.in_force, n.state_label) for n in seed_ndas(seed=seed)] == [
        (takeda, False, "Terminated")
    ]
    services.nda_record(seed=seed, company=takeda, signed_on=datetime.date(2024, 4, 1), actor=hub_staff)
    assert User.objects.get(pk=company_member.pk).has_perm("seeds.view_seed_details", seed)


def test_only_the_hubs_staff_record_a_seeds_ndas(seed, takeda, matrix_users):
    with pytest.raises(PermissionDenied, match="You may not manage the agreements about"):
        services.nda_record(
            seed=seed, company=takeda, signed_on=datetime.date(2023, 4, 1), actor=matrix_users["researcher"]
        )


def test_edits_change_the_description_and_the_team_with_a_reason(seed, pi, base_data):
    # given a seed and a new team member
    member = User.objects.create_user("new_member", "member@example.jp", "pw-for-tests-only")

    # when the principal investigator edits it
    services.seed_update(
        seed=seed,
        values={"summary": "新しい概要", "icd10_code": "c349"},
        team=[member],
        reason="概要の更新",
        actor=pi,
    )

    # then the description, the code and the team change, and the reason is kept
    seed = Seed.objects.get(pk=seed.pk)
    assert (seed.summary, seed.icd10_code) == ("新しい概要", "C34.9")
    assert [m.user for m in seed.members.all()] == [member]
    assert seed.history.first().history_change_reason == "概要の更新"
