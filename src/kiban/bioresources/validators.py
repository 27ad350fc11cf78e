"""Formats a catalogue entry is checked against: DOI, PubMed id, NCBI Taxonomy id and STR profiles."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Crossref's recommended pattern for modern DOIs: 10.<registrant>/<suffix>.
DOI_PATTERN = re.compile(r"^10\.\d{4,9}/[-._;()/:A-Za-z0-9<>\[\]]+$")
PMID_PATTERN = re.compile(r"^[1-9][0-9]{0,8}$")
# One locus and its alleles, e.g. "D5S818: 11,12" or "Amelogenin: X"; loci separated by ";".
STR_LOCUS = re.compile(r"^[A-Za-z][A-Za-z0-9_]*\s*:\s*[0-9XY.]+(\s*,\s*[0-9XY.]+)*$")
# NCBI Taxonomy ids are positive integers; the largest assigned is below ten million today.
MAX_TAXONOMY_ID = 99_999_999


def normalise_doi(value: str) -> str:
    """The DOI without a resolver prefix (https://doi.org/, doi:), as the catalogue stores it."""
    value = (value or "").strip()
    for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:", "DOI:"):
        if value.startswith(prefix):
            value = value[len(prefix) :]
    return value


def validate_doi(value: str) -> None:
    if value and not DOI_PATTERN.match(value):
        raise ValidationError(
            _(
                "“%(value)s” is not a DOI; a DOI is 10., a registrant code, “/” and a suffix, "
                "e.g. 10.1038/nature12373."
            )
            % {"value": value[:80]},
            "doi",
        )


def validate_pmid(value: str) -> None:
    if value and not PMID_PATTERN.match(value):
        raise ValidationError(
            _("“%(value)s” is not a PubMed id; it is a number of up to 9 digits, e.g. 23903748.")
            % {"value": value[:80]},
            "pmid",
        )


def validate_taxonomy_id(value: int) -> None:
    if not 1 <= value <= MAX_TAXONOMY_ID:
        raise ValidationError(
            _("An NCBI Taxonomy id is a whole number from 1 to %(max)s.") % {"max": f"{MAX_TAXONOMY_ID:,}"},
            "taxonomy_id",
        )


def validate_str_profile(value: str) -> None:
    """Loci separated by ";", each "locus: allele, allele" (e.g. "D5S818: 11,12; TH01: 7,9.3")."""
    if not value:
        return
    for part in (p.strip() for p in value.split(";")):
        if part and not STR_LOCUS.match(part):
            raise ValidationError(
                _("“%(part)s” is not an STR locus; write each as “locus: allele, allele”, separated by “;”.")
                % {"part": part[:80]},
                "str_profile",
            )
