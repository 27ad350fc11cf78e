"""Format checks of the identifiers an application and its outcomes carry: UniProt, DOI, PDB, EMDB."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# UniProt's published accession format (https://www.uniprot.org/help/accession_numbers).
UNIPROT = re.compile(r"[OPQ][0-9][A-Z0-9]{3}[0-9]|[A-NR-Z][0-9]([A-Z][A-Z0-9]{2}[0-9]){1,2}")
DOI = re.compile(r"10\.\d{4,9}/\S+")
# A classic 4-character PDB ID, or the extended form pdb_0000xxxx announced by wwPDB.
PDB = re.compile(r"\d[A-Za-z0-9]{3}|pdb_\d{4}\d[A-Za-z0-9]{3}", re.IGNORECASE)
EMDB = re.compile(r"EMD-\d{4,5}")
OTHER_ACCESSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:\-]{1,59}")


def validate_uniprot(value: str) -> None:
    if value and not UNIPROT.fullmatch(value):
        raise ValidationError(
            _("“%(value)s” is not a UniProt accession (for example P69905 or A0A023GPI8).")
            % {"value": value},
            "uniprot",
        )


def outcome_identifier_problem(kind: str, identifier: str) -> str | None:
    """Why the identifier does not fit its kind of outcome, or None when it does."""
    from .choices import OutcomeKind

    checks = {
        OutcomeKind.PAPER: (
            DOI,
            _("A DOI starts with 10., four to nine digits and a slash: 10.1038/s41586-020-2012-7."),
        ),
        OutcomeKind.PDB: (PDB, _("A PDB ID is a digit and three letters or digits (7K3G), or pdb_00007k3g.")),
        OutcomeKind.EMDB: (EMDB, _("An EMDB ID is EMD- and four or five digits: EMD-22898.")),
        OutcomeKind.OTHER_ACCESSION: (
            OTHER_ACCESSION,
            _("An accession ID is letters, digits and . _ : - without spaces."),
        ),
    }
    if not identifier.strip():
        return str(_("Give the identifier (DOI, patent number or accession ID)."))
    if kind in checks:
        pattern, message = checks[kind]
        if not pattern.fullmatch(identifier.strip()):
            return str(message)
    return None
