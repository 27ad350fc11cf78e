"""Money: exact integer yen from 百万円 and 億円, shown as the source documents show it."""

import pytest
from django.utils.translation import override

from kiban.core.money import format_million, format_oku, format_signed_million, million_yen, oku_yen


def test_million_yen_gives_exact_integer_yen():
    assert million_yen(5223) == 5_223_000_000
    assert million_yen("5,223") == 5_223_000_000
    assert million_yen("0.5") == 500_000
    assert type(million_yen("1.1")) is int
    # 1.1 as a float is not exactly 1.1; the amount in yen still is.
    assert million_yen(1.1) == 1_100_000


def test_oku_yen_gives_exact_integer_yen():
    assert oku_yen(876) == 87_600_000_000
    assert oku_yen("9.8") == 980_000_000
    assert oku_yen("0.1") == 10_000_000
    assert oku_yen("1,000") == 100_000_000_000
    assert type(oku_yen("9.8")) is int


@pytest.mark.parametrize(
    ("yen", "japanese", "english"),
    [
        (million_yen(5223), "5,223百万円", "¥5,223 million"),
        (million_yen(0), "0百万円", "¥0 million"),
        (million_yen("1.5"), "1.5百万円", "¥1.5 million"),
        (None, "—", "—"),
    ],
)
def test_format_million(yen, japanese, english):
    with override("ja"):
        assert format_million(yen) == japanese
    with override("en"):
        assert format_million(yen) == english


@pytest.mark.parametrize(
    ("yen", "japanese", "english"),
    [
        (oku_yen(876), "876億円", "¥87.6 billion"),
        (oku_yen("9.8"), "9.8億円", "¥0.98 billion"),
        (oku_yen("0.1"), "0.1億円", "¥0.01 billion"),
        (oku_yen(1000), "1,000億円", "¥100.0 billion"),
        (None, "—", "—"),
    ],
)
def test_format_oku(yen, japanese, english):
    with override("ja"):
        assert format_oku(yen) == japanese
    with override("en"):
        assert format_oku(yen) == english


def test_format_signed_million_shows_the_direction_of_a_change():
    with override("ja"):
        assert format_signed_million(million_yen(241)) == "+241百万円"
        assert format_signed_million(million_yen(-85)) == "-85百万円"
        assert format_signed_million(0) == "±0百万円"
    with override("en"):
        assert format_signed_million(million_yen(241)) == "+¥241 million"
        assert format_signed_million(million_yen(-85)) == "-¥85 million"
        assert format_signed_million(0) == "±¥0 million"


def test_format_yen_shows_whole_yen_as_an_invoice_does():
    from kiban.core.money import format_yen

    with override("ja"):
        assert [format_yen(v) for v in (1_234_567, 0, -800, None)] == ["1,234,567円", "0円", "-800円", "—"]
    with override("en"):
        assert [format_yen(v) for v in (1_234_567, -800)] == ["¥1,234,567", "-¥800"]
