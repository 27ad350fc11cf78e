"""Allele normalisation (minimal representation) and variant identifiers 'chrom-pos-ref-alt'."""

import re

from .assembly import normalise_chrom

_POSITION = re.compile(r"^[0-9]+$")


def is_symbolic(allele: str) -> bool:
    """'<DEL>', '*', breakends and '.' are kept as written: there are no bases to trim."""
    return not (allele.isascii() and allele.isalpha())


def minimal_representation(pos: int, ref: str, alt: str) -> tuple[int, str, str]:
    """Trim the shared suffix, then the shared prefix (moving pos), keeping one base in each allele."""
    ref, alt = ref.upper(), alt.upper()
    if is_symbolic(ref) or is_symbolic(alt):
        return pos, ref, alt
    while len(ref) > 1 and len(alt) > 1 and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    while len(ref) > 1 and len(alt) > 1 and ref[0] == alt[0]:
        ref, alt = ref[1:], alt[1:]
        pos += 1
    return pos, ref, alt


def parse_variant_id(text: str) -> tuple[str, int, str, str] | None:
    """'chr1-12345-A-G' (or '1:12345:A:G') -> ('1', 12345, 'A', 'G') normalised; None when malformed."""
    text = text.strip()
    for separator in ("-", ":"):
        parts = text.rsplit(separator, 3)
        if len(parts) == 4 and parts[0] and _POSITION.match(parts[1]) and parts[2] and parts[3]:
            chrom, position, ref, alt = parts
            if int(position) < 1:
                return None
            pos, ref, alt = minimal_representation(int(position), ref, alt)
            return normalise_chrom(chrom), pos, ref, alt
    return None


def format_variant_id(chrom: str, pos: int, ref: str, alt: str) -> str:
    return f"{chrom}-{pos}-{ref}-{alt}"
