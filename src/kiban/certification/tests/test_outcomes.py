"""The outcome counts of the last five fiscal years come from the seed pipeline's (S1) records, shown beside
the institution's own figures with every difference flagged."""

import datetime

import pytest

from kiban.certification import selectors, services
from kiban.certification.choices import OutcomeKind
from kiban.core.models import Organisation
from kiban.core.selectors import hub_group_ids
from kiban.core.testing import signed_in
from kiban.seeds import services as seeds
from kiban.seeds.selectors import outcome_counts


@pytest.fixture
def company(db) -> Organisation:
    return Organisation.objects.create(name="試験製薬", kind="company")


def _seed(hub, actor, title: str):
    return seeds.seed_register(
        hub=hub, pi=actor, title=title, summary="概要", institution=hub, modality="drug", icd10_code="C34.1",
        programme_slot="seed_a", support_from_fy=2020, support_to_fy=2022, actor=actor,
        registered_on=datetime.date(2020, 4, 1),
    )  # fmt: skip


@pytest.fixture
def s1_records(application, hub, hub_user, other_hub, other_hub_user, company):
    """In the round's outcome years: 2 trial notifications and 1 license-out at the hub; 1 approval
    application at another hub (which must not count); 1 trial notification before the five years."""
    years = application.round.outcome_fiscal_years
    first, last = years[0], years[-1]
    seed = _seed(hub, hub_user, "試験シーズ")
    other = _seed(other_hub, other_hub_user, "別拠点のシーズ")
    record = seeds.outcome_record
    record(
        seed=seed,
        kind="trial_notification",
        occurred_on=datetime.date(first, 6, 1),
        title="治験届1",
        actor=hub_user,
    )
    record(
        seed=seed,
        kind="trial_notification",
        occurred_on=datetime.date(last + 1, 1, 15),
        title="治験届2",
        actor=hub_user,
    )
    record(
        seed=seed,
        kind="trial_notification",
        occurred_on=datetime.date(first - 1, 6, 1),
        title="古い",
        actor=hub_user,
    )
    record(
        seed=seed, kind="license_out", occurred_on=datetime.date(last, 10, 1), title="導出", company=company,
        scope="全世界", actor=hub_user,
    )  # fmt: skip
    record(
        seed=other, kind="approval_application", occurred_on=datetime.date(last, 10, 1), title="申請",
        actor=other_hub_user,
    )  # fmt: skip
    return years


def test_the_s1_counts_match_the_seed_pipeline(application, hub, s1_records):
    # given the S1 records above
    # when the application's outcomes are compared
    comparison = selectors.outcome_comparison(application=application)

    # then the five-year S1 totals equal what S1 itself counts for the hub: 2, 1, 0
    totals = dict(zip(comparison.kinds, comparison.totals, strict=True))
    assert {kind: cell.recorded for kind, cell in totals.items()} == outcome_counts(
        organisation_ids={hub.pk}, fiscal_years=s1_records
    )
    assert [totals[k].recorded for k in OutcomeKind.values] == [2, 1, 0]
    # and per year: one in the first year, one in the last (January belongs to the fiscal year before)
    assert comparison.cells[(s1_records[0], "trial_notification")].recorded == 1
    assert comparison.cells[(s1_records[-1], "trial_notification")].recorded == 1


def test_differences_from_the_institutions_own_figures_are_flagged(application, hub_user, s1_records):
    # given the institution states 3 trial notifications in the first year and otherwise agrees with S1
    counts = {(y, k): 0 for y in s1_records for k in OutcomeKind.values}
    counts[(s1_records[0], "trial_notification")] = 3
    counts[(s1_records[-1], "trial_notification")] = 1
    counts[(s1_records[-1], "license_out")] = 1
    services.reported_outcomes_save(application=application, counts=counts, actor=hub_user)

    # when the comparison is made
    comparison = selectors.outcome_comparison(application=application)

    # then only the first year's trial notifications differ, by +2
    flagged = {key: cell.difference for key, cell in comparison.cells.items() if cell.differs}
    assert flagged == {(s1_records[0], "trial_notification"): 2}
    assert comparison.has_differences

    # and the page marks it
    text = signed_in(hub_user).get(f"/certification/applications/{application.pk}/").content.decode()
    assert "The institution's figures differ from the seed pipeline's records where marked." in text
    assert '<td class="num difference-nonzero">+2 ⚠</td>' in text


def test_sharing_institutions_count_for_their_hub(application, hub):
    sharing = Organisation.objects.create(name="分担機関大学", kind="university", lead_organisation=hub)
    assert set(hub_group_ids([hub.pk])) == {hub.pk, sharing.pk}
