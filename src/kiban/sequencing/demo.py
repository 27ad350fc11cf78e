"""Sequencing progress of the 100,000-genome panel, exactly as the seed document states it (June 2021)."""

import datetime

from django.db import transaction

from kiban.core.demo import save_demo_record

from .choices import FigureKind, Funder
from .models import SequencingFigure

REPORTED = datetime.date(2021, 6, 8)  # 第６回ゲノム医療協議会 資料３
END_OF_FY2021 = datetime.date(2022, 3, 31)

FIGURES = [
    # 既に実施している2万人分（官1万人, 民1万人）; the companies' 10,000: the Takeda collaboration (先行解析).
    (
        Funder.GOVERNMENT,
        FigureKind.ACTUAL,
        REPORTED,
        40_000,
        10_000,
        "既に実施している2万人分（官1万人, 民1万人）",
    ),
    (
        Funder.COMPANY,
        FigureKind.ACTUAL,
        REPORTED,
        40_000,
        10_000,
        "武田薬品との共同研究によって1万人分先行解析済",
    ),
    # 令和３年度末までに、4万人分のシークエンス完了 (官負担分4万人, 民負担分4万人).
    (
        Funder.GOVERNMENT,
        FigureKind.TARGET,
        END_OF_FY2021,
        40_000,
        40_000,
        "令和３年度末までに、4万人分のシークエンス完了",
    ),
    (Funder.COMPANY, FigureKind.TARGET, END_OF_FY2021, 40_000, 40_000, "シークエンス（民負担分４万人）"),
]


@transaction.atomic
def load_sequencing() -> None:
    """Creates the figures; running it again changes nothing."""
    for funder, kind, as_of, planned, sequenced, source in FIGURES:
        figure = SequencingFigure.objects.filter(funder=funder, kind=kind, as_of=as_of).first()
        save_demo_record(
            figure or SequencingFigure(funder=funder, kind=kind, as_of=as_of),
            planned=planned,
            sequenced=sequenced,
            source=source,
        )
