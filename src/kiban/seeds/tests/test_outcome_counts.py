"""The outcome counts hub certification (S2) reads from S1's records: per hub, per fiscal year of the date."""

import datetime

from kiban.seeds import services
from kiban.seeds.selectors import outcome_counts, outcome_counts_by_year

from .conftest import register


def _record(seed, kind, day, actor, company=None):
    services.outcome_record(
        seed=seed,
        kind=kind,
        occurred_on=day,
        title=f"{kind} {day}",
        company=company,
        scope="実施権" if company else "",
        actor=actor,
    )


def test_outcomes_are_counted_per_hub_and_fiscal_year_of_their_date(osaka, kyoto, hub_staff, pi, takeda):
    # given outcomes of two 大阪大学 seeds around the turn of FY2020/FY2021, and one of a 京都大学 seed
    first = register(hub=osaka, pi=pi, actor=hub_staff)
    second = register(hub=osaka, pi=pi, actor=hub_staff)
    kyoto_seed = register(hub=kyoto, pi=pi, actor=pi)
    _record(first, "trial_notification", datetime.date(2021, 3, 31), hub_staff)  # FY2020
    _record(first, "trial_notification", datetime.date(2021, 4, 1), hub_staff)  # FY2021
    _record(second, "trial_notification", datetime.date(2021, 9, 1), hub_staff)  # FY2021
    _record(second, "license_out", datetime.date(2022, 1, 15), hub_staff, company=takeda)  # FY2021
    _record(second, "approval_application", datetime.date(2022, 4, 1), hub_staff)  # FY2022
    _record(second, "patent_filing", datetime.date(2021, 6, 1), hub_staff)  # not counted for certification
    _record(kyoto_seed, "license_out", datetime.date(2021, 6, 1), pi, company=takeda)  # another hub

    # when certification asks for 大阪大学 over FY2017–FY2021
    counts = outcome_counts(organisation_ids={osaka.pk}, fiscal_years=[2017, 2018, 2019, 2020, 2021])

    # then each outcome counts once in the fiscal year of its date, only for the hub's seeds
    assert counts == {"trial_notification": 3, "license_out": 1, "approval_application": 0}
    by_year = outcome_counts_by_year(organisation_ids={osaka.pk}, fiscal_years=[2020, 2021, 2022])
    assert by_year == {
        2020: {"trial_notification": 1, "license_out": 0, "approval_application": 0},
        2021: {"trial_notification": 2, "license_out": 1, "approval_application": 0},
        2022: {"trial_notification": 0, "license_out": 0, "approval_application": 1},
    }
    # and both hubs together count the other license-out too
    both = outcome_counts(organisation_ids={osaka.pk, kyoto.pk}, fiscal_years=[2021])
    assert both == {"trial_notification": 2, "license_out": 2, "approval_application": 0}


def test_no_outcomes_count_zero_for_every_kind(osaka):
    assert outcome_counts(organisation_ids={osaka.pk}, fiscal_years=[2021]) == {
        "trial_notification": 0,
        "license_out": 0,
        "approval_application": 0,
    }
    assert outcome_counts(organisation_ids=set(), fiscal_years=[]) == {
        "trial_notification": 0,
        "license_out": 0,
        "approval_application": 0,
    }


def test_outcome_counts_take_one_query(osaka, django_assert_num_queries):
    with django_assert_num_queries(1):
        outcome_counts(organisation_ids={osaka.pk}, fiscal_years=[2019, 2020, 2021, 2022, 2023])
