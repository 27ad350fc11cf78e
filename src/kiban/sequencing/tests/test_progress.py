"""Sequencing progress: the seed's figures, who may record new ones, and what a bad figure gets."""

import datetime

import pytest

from kiban.core.models import Notification
from kiban.core.testing import (
    SIGNED_IN,
    Access,
    assert_constant_queries,
    assert_permission_matrix,
    client_for,
)
from kiban.sequencing.demo import load_sequencing
from kiban.sequencing.models import SequencingFigure

URL = "/sequencing/"


@pytest.fixture
def figures(db):
    load_sequencing()


def test_demo_figures_are_the_seeds(figures):
    actual = {(f.funder, f.sequenced, f.planned) for f in SequencingFigure.objects.filter(kind="actual")}
    assert actual == {("government", 10_000, 40_000), ("company", 10_000, 40_000)}
    targets = SequencingFigure.objects.filter(kind="target")
    assert {(f.funder, f.sequenced, f.as_of) for f in targets} == {
        ("government", 40_000, datetime.date(2022, 3, 31)),
        ("company", 40_000, datetime.date(2022, 3, 31)),
    }


def test_loading_again_changes_nothing(figures):
    before = SequencingFigure.history.count()
    load_sequencing()
    assert SequencingFigure.history.count() == before


def test_page_shows_each_funders_standing(figures):
    response = client_for("researcher").get(URL)
    standings = response.context["standings"]
    assert [(s.funder, s.sequenced, s.planned, s.percent) for s in standings] == [
        ("government", 10_000, 40_000, 25),
        ("company", 10_000, 40_000, 25),
    ]
    assert "10,000" in response.content.decode()


def test_only_biobank_curators_may_record(figures):
    assert_permission_matrix(
        [
            Access("get", URL, SIGNED_IN),
            Access(
                "post",
                URL,
                ["biobank_curator"],
                data={"funder": "government", "as_of": "2021-09-30", "planned": 40000, "sequenced": 20000,
                      "reason": "四半期報告"},
            ),
        ]
    )  # fmt: skip


def test_a_recorded_figure_is_audited_and_announced(figures):
    client_for("agency_officer")  # the agency follows progress
    response = client_for("biobank_curator").post(
        URL,
        {"funder": "company", "as_of": "2021-12-31", "planned": 40000, "sequenced": 25000, "released": 5000,
         "reason": "第3四半期の報告"},
    )  # fmt: skip
    assert response.status_code == 302
    figure = SequencingFigure.objects.get(funder="company", as_of=datetime.date(2021, 12, 31))
    assert (figure.sequenced, figure.released) == (25_000, 5_000)
    record = figure.history.get()
    assert record.history_change_reason == "第3四半期の報告"
    assert record.history_user.username == "user_biobank_curator"
    assert Notification.objects.filter(recipient__username="user_agency_officer").count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"planned": 100, "sequenced": 200}, "Sequenced genomes (200) cannot exceed planned genomes (100)."),
        ({"planned": 100, "sequenced": 50, "released": 60},
         "Released genomes (60) cannot exceed sequenced genomes (50)."),
        ({"as_of": "2021-06-08"}, "A figure for this funder on 2021-06-08 is already recorded."),
    ],
)  # fmt: skip
def test_impossible_figures_are_refused_with_a_reason(figures, data, message):
    form = {
        "funder": "government",
        "as_of": "2021-10-01",
        "planned": 40000,
        "sequenced": 1,
        "reason": "x",
        **data,
    }
    response = client_for("biobank_curator").post(URL, form)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert SequencingFigure.objects.count() == 4


def test_page_queries_stay_constant(figures):
    def add(n: int) -> None:
        start = SequencingFigure.objects.count()
        for i in range(n):
            SequencingFigure.objects.create(
                funder="government", as_of=datetime.date(2023, 1, 1) + datetime.timedelta(days=start + i),
                planned=40000, sequenced=40000,
            )  # fmt: skip

    assert_constant_queries(client_for("researcher"), URL, add)
