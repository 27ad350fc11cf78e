"""The function table is loaded from the source as written: ①②③ by 組織体制 / 人員 / 取組 / 取組の成果."""

from kiban.certification.catalogue import ITEMS
from kiban.certification.models import FunctionItem


def _names(function_class: int, category: str) -> list[str]:
    return list(
        FunctionItem.objects.filter(function_class=function_class, category=category).values_list(
            "name", flat=True
        )
    )


def test_the_migration_loads_every_item_of_the_source_table(db):
    # given the migrated database
    # then every item of the table is there, in the source's order
    assert FunctionItem.objects.count() == len(ITEMS) == 77  # ① 25, ② 41, ③ 11
    assert _names(1, "staff") == [
        "拠点長",
        "拠点統括",
        "開発企画担当者",
        "シーズ発掘担当者",
        "シーズ評価担当者",
        "プロジェクトマネージャー",
        "拠点間連携担当者・拠点外支援担当者",
    ]
    assert len(_names(2, "staff")) == 18
    assert {
        "薬事担当者",
        "生物統計家",
        "データマネージャー",
        "モニター",
        "監査担当者",
        "知的財産管理担当者",
    } <= set(_names(2, "staff"))
    assert _names(3, "staff") == ["CMC試験担当者", "安全性試験担当者", "国際対応実務担当者"]
    assert len(_names(1, "organisation")) == 5 and len(_names(2, "organisation")) == 14
    assert "First-in-Human（FIH）試験を計画・実施する体制" in _names(2, "organisation")


def test_the_outcomes_are_the_three_counts_over_the_last_five_years(db):
    outcomes = FunctionItem.objects.filter(category="outcome")
    assert [(o.name, o.outcome_kind) for o in outcomes] == [
        ("臨床試験の届出件数（直近５年間）", "trial_notification"),
        ("企業等への導出件数（直近５年間）", "license_out"),
        ("製造販売承認・認証の申請件数（直近５年間）", "approval_application"),
    ]
    assert {o.function_class for o in outcomes} == {1}
