"""Disclosure control: the minimum cell size, the same noise for the same caller and question, the budget."""

import json
import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, connections

from kiban.core import disclosure
from kiban.core.disclosure import QueryBudgetExhausted, budget_spend, caller_of, count_disclose, question_of
from kiban.core.models import DisclosureBudget

QUESTION = question_of("test.cohort", {"sex": "XX", "age": [40, 49]})


def _shown(
    count: int, *, caller: str = "user:1", question: str = QUESTION, zero_is_public: bool = True
) -> str:
    return str(count_disclose(count=count, caller=caller, question=question, zero_is_public=zero_is_public))


def test_counts_from_one_to_nine_are_shown_as_below_ten_with_their_range(settings):
    settings.KIBAN_DISCLOSURE_NOISE_SCALE = 0

    for count in range(1, 10):
        shown = count_disclose(count=count, caller="user:1", question=QUESTION, zero_is_public=True)
        assert str(shown) == "<10"
        assert (shown.value, shown.low, shown.high, shown.masked) == (None, 1, 9, True)
        assert shown.precision == "imprecise"
    assert _shown(10) == "10"
    assert _shown(1234) == "1234"


def test_the_minimum_cell_size_is_a_setting(settings):
    settings.KIBAN_DISCLOSURE_NOISE_SCALE = 0
    settings.KIBAN_DISCLOSURE_MIN_CELL = 5

    assert [_shown(count) for count in (4, 5)] == ["<5", "5"]
    settings.KIBAN_DISCLOSURE_MIN_CELL = 0
    with pytest.raises(Exception, match="KIBAN_DISCLOSURE_MIN_CELL must be at least 1"):
        _shown(3)


def test_zero_is_shown_only_where_existence_is_public(settings):
    public = count_disclose(count=0, caller="user:1", question=QUESTION, zero_is_public=True)
    private = count_disclose(count=0, caller="user:1", question=QUESTION, zero_is_public=False)

    assert (str(public), public.precision) == ("0", "exact")
    assert (str(private), private.low, private.high) == ("<10", 0, 9)
    # A small count masked where zero is not public cannot be told apart from 0.
    assert count_disclose(count=3, caller="user:1", question=QUESTION, zero_is_public=False) == private
    with pytest.raises(ValueError):
        _shown(-1)


def test_the_same_caller_asking_the_same_question_gets_the_same_noise_and_others_get_their_own(settings):
    settings.KIBAN_DISCLOSURE_NOISE_SCALE = 5
    questions = [question_of("test.cohort", {"age": age}) for age in range(40)]

    alice = [_shown(500, caller="user:1", question=q) for q in questions]
    again = [_shown(500, caller="user:1", question=q) for q in questions]
    bob = [_shown(500, caller="user:2", question=q) for q in questions]
    assert alice == again
    assert alice != bob
    assert len(set(alice)) > 5  # the noise varies from question to question
    # Another secret key, other noise: the draw is a keyed hash, not something a caller can compute.
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    assert [_shown(500, caller="user:1", question=q) for q in questions] != alice


def test_a_count_is_never_pushed_below_the_minimum_cell_and_its_label_does_not_tell_the_draw(settings):
    settings.KIBAN_DISCLOSURE_NOISE_SCALE = 50
    shown = [
        count_disclose(count=10, caller="user:1", question=question_of("q", {"n": n}), zero_is_public=True)
        for n in range(200)
    ]

    assert min(s.value for s in shown) == 10
    assert {s.precision for s in shown} == {"imprecise"}
    settings.KIBAN_DISCLOSURE_NOISE_SCALE = 0
    assert (
        count_disclose(count=10, caller="user:1", question=QUESTION, zero_is_public=True).precision == "exact"
    )


def test_the_noise_is_discrete_laplace_of_the_configured_scale(settings):
    settings.KIBAN_DISCLOSURE_NOISE_SCALE = 2
    draws = [disclosure.noise_for(caller="user:1", question=str(n)) for n in range(20000)]

    # P(0) = (1 - a) / (1 + a) with a = exp(-1/2), about 0.245; mean 0; mean |k| = 2a / (1 - a^2), about 1.92.
    assert abs(draws.count(0) / len(draws) - 0.245) < 0.015
    assert abs(sum(draws) / len(draws)) < 0.1  # five standard errors
    assert abs(sum(abs(d) for d in draws) / len(draws) - 1.92) < 0.08


def test_questions_are_the_same_text_whatever_the_order_of_their_parameters():
    assert question_of("s", {"a": 1, "b": [2, 3]}) == question_of("s", {"b": [2, 3], "a": 1})
    assert question_of("s", {"a": 1}) != question_of("other", {"a": 1})


def test_a_caller_is_the_user_whatever_token_they_use_or_the_address_when_anonymous(alice):
    assert caller_of(user=alice, address="192.0.2.1") == f"user:{alice.pk}"
    assert caller_of(user=AnonymousUser(), address="192.0.2.1") == "address:192.0.2.1"
    assert caller_of(user=None, address=None) == "address:unknown"


def test_the_budget_counts_distinct_questions_in_the_window_and_then_refuses_with_the_wait(db, settings):
    settings.KIBAN_DISCLOSURE_QUERY_BUDGET = 3
    settings.KIBAN_DISCLOSURE_WINDOW_SECONDS = 600
    caller = "user:7"

    assert budget_spend(caller=caller, question="a", now=1000) == 2
    assert budget_spend(caller=caller, question="b", now=1100) == 1
    assert budget_spend(caller=caller, question="a", now=1150) == 1  # asked again: free
    assert budget_spend(caller=caller, question="c", now=1200) == 0
    with pytest.raises(QueryBudgetExhausted) as refused:
        budget_spend(caller=caller, question="d", now=1300)
    # The oldest question ("a", asked at 1000) leaves the window at 1600: 300 seconds to wait.
    assert refused.value.retry_after == 300
    assert refused.value.headers == {"Retry-After": "300"}
    assert refused.value.message == (
        "You have asked 3 different counting questions within 10 minutes, as many as are allowed. Ask again "
        "in 5 minutes (questions you have already asked are answered at any time)."
    )
    # Questions already asked are still answered; another caller has a budget of their own.
    assert budget_spend(caller=caller, question="b", now=1300) == 0
    assert budget_spend(caller="user:8", question="d", now=1300) == 2
    # Once "a" has left the window a new question may be asked.
    assert budget_spend(caller=caller, question="d", now=1601) == 0
    with pytest.raises(QueryBudgetExhausted) as refused:
        budget_spend(caller=caller, question="e", now=1650)
    # "b" (asked at 1100) leaves the window at 1700: 50 seconds, said in seconds.
    assert refused.value.retry_after == 50
    assert "Ask again in 50 seconds" in refused.value.message


def test_an_anonymous_address_has_its_own_smaller_budget(db, settings):
    settings.KIBAN_DISCLOSURE_QUERY_BUDGET = 3
    settings.KIBAN_DISCLOSURE_ANONYMOUS_QUERY_BUDGET = 1

    assert budget_spend(caller="address:192.0.2.1", question="a", now=1000) == 0
    with pytest.raises(QueryBudgetExhausted, match="You have asked 1 different counting questions"):
        budget_spend(caller="address:192.0.2.1", question="b", now=1001)
    assert budget_spend(caller="user:1", question="b", now=1001) == 2


# A variant's allele counts: the whole panel and two strata; ac, an and the genotypes masked together.
COLUMNS = (("ac",), ("an",), ("hom", "het"))


def _cell(ac: int, an: int, hom: int = 0, het: int = 0) -> dict[str, int]:
    return {"ac": ac, "an": an, "hom": hom, "het": het}


def test_a_table_of_large_cells_is_shown_as_it_is(settings):
    margin = _cell(40, 400, 0, 40)
    strata = {"sex": {"XX": _cell(20, 200, 0, 20), "XY": _cell(20, 200, 0, 20)}}

    assert disclosure.table_disclose(margin=margin, strata=strata, columns=COLUMNS) == (margin, strata)


def test_a_small_cell_masks_its_whole_stratum_column_zeros_included_since_the_rest_would_give_it_back(
    settings,
):
    margin = _cell(12, 400, 0, 12)
    strata = {
        # XY's 1 would come back as 12 - 11: both are masked.
        "sex": {"XX": _cell(11, 200, 0, 11), "XY": _cell(1, 200, 0, 1)},
        # A 0 beside a masked cell says where the carriers are not: masked too.
        "cohort": {"A": _cell(12, 300, 0, 12), "B": _cell(0, 100)},
        # All cells large, but 1 carrier has no region recorded (12 - 11): masked as well.
        "region": {"kansai": _cell(11, 390, 0, 11)},
    }

    shown_margin, shown = disclosure.table_disclose(margin=margin, strata=strata, columns=COLUMNS)

    assert shown_margin == margin
    assert shown["sex"] == {
        "XX": {"ac": None, "an": 200, "hom": None, "het": None},
        "XY": {"ac": None, "an": 200, "hom": None, "het": None},
    }
    assert shown["cohort"]["A"] == {"ac": 12, "an": 300, "hom": 0, "het": 12}
    assert shown["region"]["kansai"]["ac"] is None


def test_a_small_margin_masks_the_same_column_in_every_stratum(settings):
    # One carrier, XX: the margin's 1 is masked, and so is every stratum's allele count, 0s included.
    margin = _cell(1, 400, 0, 1)
    strata = {"sex": {"XX": _cell(1, 200, 0, 1), "XY": _cell(0, 200)}}

    shown_margin, shown = disclosure.table_disclose(margin=margin, strata=strata, columns=COLUMNS)

    assert shown_margin == {"ac": None, "an": 400, "hom": None, "het": None}
    assert {cell["ac"] for cell in shown["sex"].values()} == {None}
    assert {cell["het"] for cell in shown["sex"].values()} == {None}


def test_the_budget_is_kept_in_the_database_without_the_questions(db, settings):
    settings.KIBAN_DISCLOSURE_QUERY_BUDGET = 5
    budget_spend(caller="user:9", question=QUESTION, now=1000)

    row = DisclosureBudget.objects.get(caller="user:9")
    assert len(row.questions) == 1
    assert "cohort" not in str(row.questions) and len(row.questions[0][0]) == 32


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Needs PostgreSQL (KIBAN_DATABASE_URL): SQLite serialises writers at BEGIN IMMEDIATE, so two "
    "workers never check one budget at once there.",
)
@pytest.mark.django_db(transaction=True)
def test_workers_answering_one_caller_at_once_never_spend_more_than_the_budget(settings):
    settings.KIBAN_DISCLOSURE_QUERY_BUDGET = 3
    budget_spend(caller="user:5", question="first", now=1000)  # the row exists: every thread locks it
    workers = 8
    barrier = threading.Barrier(workers)
    outcomes: list[str] = []

    def ask(question: str) -> None:
        try:
            barrier.wait()
            budget_spend(caller="user:5", question=question, now=1001)
            outcomes.append("answered")
        except QueryBudgetExhausted:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=ask, args=(f"question {n}",)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["answered"] * 2 + ["refused"] * 6
    assert len(DisclosureBudget.objects.get(caller="user:5").questions) == 3


def test_the_platform_api_answers_an_exhausted_budget_with_429_and_retry_after(rf):
    from kiban.api import api

    refusal = QueryBudgetExhausted(limit=100, window=3600, retry_after=125)

    response = api.on_exception(rf.get("/api/anything"), refusal)

    assert response.status_code == 429
    assert response["Retry-After"] == "125"
    body = json.loads(response.content)
    assert body["code"] == "query_budget_exhausted"
    assert body["detail"] == (
        "You have asked 100 different counting questions within 1 hour, as many as are allowed. Ask again in "
        "3 minutes (questions you have already asked are answered at any time)."
    )
