"""ICD-10 in the core (S1 seeds and S5 biobanks): codes, blocks, chapters and descendants."""

import pytest
from django.core.exceptions import ValidationError

from kiban.core.icd10 import (
    icd10_categories,
    icd10_chapter,
    icd10_chapters,
    icd10_codes,
    icd10_label,
    icd10_term,
)


def test_terms_are_read_one_way():
    assert icd10_term(" j450 ") == "J45.0"
    assert icd10_term("x") == "X"
    assert icd10_term("j40-j47") == "J40-J47"
    with pytest.raises(ValidationError):
        icd10_term("J99.9")
    with pytest.raises(ValidationError):
        icd10_term("XXX")


def test_the_hierarchy():
    assert icd10_chapter("J45.0") == "X" and icd10_chapter("C34") == "II"
    assert icd10_codes("J45") == {"J45", "J45.0", "J45.1", "J45.8", "J45.9"}
    assert icd10_categories("J40-J47") == {"J40", "J41", "J42", "J43", "J44", "J45", "J46", "J47"}
    assert "J45" in icd10_categories("X") and "C34" not in icd10_categories("X")
    assert len(icd10_chapters()) == 22 and icd10_chapters()[9] == ("X", "Diseases of the respiratory system")
    assert icd10_label("J45") == "J45 Asthma"
